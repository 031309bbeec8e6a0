"""``contracts breaking``: load both sides, judge findings by mode, baseline, print.

Mode per contract file, from the catalogue of the NEW schemas (the old catalogue
for a removed file), unless ``--mode`` overrides it for every file:

- ``backward`` is required when a message has consumers: a consumer upgraded to
  the new schema must read what old producers wrote (and what is still in the
  stream). A consumer-side change must stay backward compatible.
- ``forward`` is required as well when some producer runtime differs from some
  consumer runtime (node -> python, python -> python + node): the two deploy
  independently, so a producer upgraded first writes data that not yet upgraded
  consumers read. A producer-side change must stay forward compatible.

So a message between the two runtimes is checked ``full``, a python -> python
message ``backward``. For an HTTP operation the clients produce the request and the
server consumes it; the server produces the responses. A catalogue entry naming
``file#/$defs/X`` applies to the file. A file not in the catalogue (shared
definitions) is checked ``backward``, except the envelope (``[tool.contracts]
envelope``), which carries every stream message and keeps all their modes; a
finding in a shared file that messages reach is judged by the union of their modes.

Baseline (``contracts-baseline.json`` at the repository root by default): a JSON list
of ``{"rule", "file", "pointer", "reason"}``; a finding with the same rule, file and
pointer is accepted: printed, never failing.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from codegen.checks.breaking.compare import compare_sides
from codegen.checks.breaking.gitsource import read_schemas_at
from codegen.checks.breaking.normalize import Side, bad_side
from codegen.checks.breaking.rules import BACKWARD, BOTH, FORWARD, Direction, Finding
from codegen.compiler.catalog import load_catalog
from codegen.compiler.load import CATALOG_FILE, load_all, parse_json
from codegen.compiler.metaschemas import meta_documents
from codegen.compiler.resolve import walk_refs
from codegen.compiler.scan import check_document
from codegen.errors import CompileError, ContractError

REQUIRED: dict[str, frozenset[Direction]] = {
    "backward": BACKWARD,
    "forward": FORWARD,
    "full": BOTH,
}
BASELINE_FILE = "contracts-baseline.json"
Status = Literal["incompatible", "accepted", "allowed", "warning", "info"]


@dataclass(frozen=True)
class FindingVerdict:
    """A finding, the directions its contracts require, and its baseline reason."""

    finding: Finding
    required: frozenset[Direction]
    reason: str | None = None

    @property
    def incompatible(self) -> bool:
        f = self.finding
        if f.severity == "code":
            return True
        return f.severity in ("breaking", "needs-review") and bool(
            f.breaks & self.required
        )

    @property
    def status(self) -> Status:
        if self.incompatible:
            return "incompatible" if self.reason is None else "accepted"
        if self.finding.severity in ("breaking", "needs-review"):
            return "allowed"
        return "warning" if self.finding.severity == "warning" else "info"


@dataclass(frozen=True)
class BreakingReport:
    against: str
    verdicts: tuple[FindingVerdict, ...]
    unused: tuple[dict[str, str], ...] = ()

    @property
    def failed(self) -> bool:
        return any(v.status == "incompatible" for v in self.verdicts)


def load_side(
    root: Path, label: str, strict: bool = False
) -> tuple[Side, dict[str, Any] | None]:
    """One side's schemas, checked, and its catalogue (``None`` without one)."""
    documents, errors = load_all(root)
    for doc in documents:
        errors.extend(check_document(doc.path, doc.contents, doc.draft, strict))
    if errors:
        raise bad_side(label, tuple(errors))
    documents += meta_documents(documents)
    try:
        side = Side(documents, label)
    except CompileError as exc:
        raise bad_side(label, exc.errors) from None
    ref_errors, _ = walk_refs(side.graph)
    if ref_errors:
        raise bad_side(label, tuple(ref_errors))
    if label:  # the old side: its catalogue only places removed files
        try:
            catalog = parse_json((root / CATALOG_FILE).read_bytes(), CATALOG_FILE)
        except (OSError, CompileError):
            return side, None
        return side, catalog if isinstance(catalog, dict) else None
    contracts = set(side.documents)
    for path in side.documents:
        contracts |= {f"{path}#{c.pointer}" for c in side.defs(path).values()}
    return side, load_catalog(root, contracts)


def catalogue_exchanges(
    catalog: dict[str, Any] | None, envelope: str | None = None
) -> Iterator[tuple[str, list[str], list[str]]]:
    """Each exchange the catalogue names, as (contract file, producer runtimes,
    consumer runtimes): a stream message (and the ``envelope`` around it), an
    operation's request (clients -> server) and each response (server -> clients)."""
    for stream in (catalog or {}).get("streams", {}).values():
        for message in stream.get("messages", []):
            for contract in (message.get("contract"), envelope):
                if isinstance(contract, str):
                    yield (
                        contract.partition("#")[0],
                        list(message.get("producers", [])),
                        list(message.get("consumers", [])),
                    )
    for op in (catalog or {}).get("operations", {}).values():
        server = [op["server"]] if isinstance(op.get("server"), str) else []
        clients = list(op.get("clients", []))
        exchanges = [(op.get("request"), clients, server)]
        exchanges += [(r, server, clients) for r in op.get("responses", {}).values()]
        for part, producers, consumers in exchanges:
            contract = part.get("contract") if isinstance(part, dict) else None
            if isinstance(contract, str):
                yield contract.partition("#")[0], producers, consumers


def catalogue_modes(
    catalog: dict[str, Any] | None, envelope: str | None = None
) -> dict[str, frozenset[Direction]]:
    """The directions each catalogued contract file must keep (module docstring);
    the ``envelope`` file wraps every stream message, so it keeps them all."""
    modes: dict[str, set[Direction]] = {}
    for file, producers, consumers in catalogue_exchanges(catalog, envelope):
        dirs = modes.setdefault(file, set())
        if consumers:
            dirs.add("backward")
        if any(p != c for p in producers for c in consumers):
            dirs.add("forward")
    return {file: frozenset(dirs) or BACKWARD for file, dirs in modes.items()}


def read_baseline(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise CompileError(
            [ContractError(str(path), "", "bad-baseline", f"cannot read: {exc}")]
        ) from None
    data = parse_json(text, path.name)
    fields = ("rule", "file", "pointer")
    if not isinstance(data, list) or not all(
        isinstance(e, dict)
        and all(isinstance(e.get(k), str) for k in fields)
        and isinstance(e.get("reason", ""), str)
        for e in data
    ):
        raise CompileError(
            [
                ContractError(
                    path.name,
                    "",
                    "bad-baseline",
                    "a baseline is a JSON list of objects with string rule, file,"
                    " pointer and reason",
                )
            ]
        )
    return data


def check_breaking(
    schemas: Path,
    against: str,
    mode: str | None = None,
    baseline: Path | None = None,
    envelope: str | None = None,
    strict: bool = False,
) -> BreakingReport:
    """Compare ``schemas`` with the schemas at ``against`` (a git revision, or a
    folder of schemas) and judge every finding; ``mode`` is one of :data:`REQUIRED`
    for every file, or ``None`` for the catalogue's. ``strict`` refuses unknown
    keywords in ``schemas`` (the old side is history: it is read as it was)."""
    if mode is not None and mode not in REQUIRED:
        raise ValueError(f"mode must be one of {sorted(REQUIRED)}, not {mode!r}")
    new, catalog = load_side(schemas, "", strict)
    with tempfile.TemporaryDirectory(prefix="contracts-breaking-") as tmp:
        if Path(against).is_dir():
            old_root, label = Path(against), f"{against.rstrip('/')}/"
        else:
            old_root, label = Path(tmp), f"{against}:"
            read_schemas_at(against, schemas, old_root)
        old, old_catalog = load_side(old_root, label)
    modes = {
        **catalogue_modes(old_catalog, envelope),
        **catalogue_modes(catalog, envelope),
    }
    accepted = read_baseline(baseline) if baseline is not None else []
    verdicts = []
    for f in compare_sides(old, new):
        required = REQUIRED[mode] if mode else _required(f, modes)
        verdicts.append(FindingVerdict(f, required))
    return judge(against, verdicts, accepted)


def _required(
    finding: Finding, modes: dict[str, frozenset[Direction]]
) -> frozenset[Direction]:
    dirs = frozenset(d for c in finding.contracts for d in modes.get(c, BACKWARD))
    return dirs or BACKWARD


def judge(
    against: str, verdicts: Iterable[FindingVerdict], accepted: list[dict[str, str]]
) -> BreakingReport:
    reasons = {
        (e["rule"], e["file"], e["pointer"]): e.get("reason", "") for e in accepted
    }
    used: set[tuple[str, str, str]] = set()
    out = []
    for v in verdicts:
        key = (v.finding.rule, v.finding.file, v.finding.pointer)
        reason = reasons.get(key) if v.incompatible else None
        if reason is not None:
            used.add(key)
        out.append(FindingVerdict(v.finding, v.required, reason))
    unused = tuple(
        e for e in accepted if (e["rule"], e["file"], e["pointer"]) not in used
    )
    return BreakingReport(against, tuple(out), unused)


def save_baseline(path: Path, report: BreakingReport) -> BreakingReport:
    """Record every incompatible finding as accepted (keeping reasons already
    given) and return the report judged with it."""
    entries = [
        {
            "rule": v.finding.rule,
            "file": v.finding.file,
            "pointer": v.finding.pointer,
            "reason": v.reason or "",
        }
        for v in report.verdicts
        if v.incompatible
    ]
    path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return judge(report.against, report.verdicts, entries)


def effect(f: Finding) -> str:
    return "breaks generated code" if f.severity == "code" else f.breaks_text()


def finding_row(v: FindingVerdict) -> dict[str, Any]:
    f = v.finding
    return {
        "rule": f.rule,
        "row": f.row,
        "severity": f.severity,
        "status": v.status,
        "file": f.file,
        "pointer": f.pointer,
        "message": f.message,
        "breaks": [
            {"backward": "old writers", "forward": "old readers"}[d]
            for d in sorted(f.breaks)
        ],
        "directions": sorted(f.breaks),
        "required": sorted(v.required),
        "contracts": sorted(f.contracts),
        "hint": f.hint,
        "reason": v.reason,
    }
