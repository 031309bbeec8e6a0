"""``contracts drift --redis URL``: drift between the services running now.

Every service using the runtime announces the fingerprint of each contract it was
built from (:mod:`runtime.presence`). For each contract two live services run with
different fingerprints, and for each writer and reader pair the catalogue allows
(a stream's producer and consumer runtimes, an operation's client and server), the
two schema versions are compared with the ``breaking`` rules: does the reader
accept what the writer sends? The versions come from the schemas folder when it
holds one, else from the schema files a service stored in Redis beside its record,
checked like any other schema input and against their fingerprint (the current
definition, or the one before Dec 5 2026 that older packages carry:
:func:`fingerprint_before_dec_2026`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from codegen.checks.breaking.compare import Comparer, merge
from codegen.checks.breaking.normalize import Side
from codegen.checks.breaking.report import catalogue_exchanges, load_side
from codegen.checks.breaking.rules import Direction, Finding
from codegen.compiler.compile import canonical, fingerprints, reaches
from codegen.compiler.load import Document, parse_json
from codegen.compiler.resolve import walk_refs
from codegen.compiler.scan import check_document
from codegen.compiler.vocabulary import draft_of
from codegen.errors import CompileError, ContractError
from runtime.manifest import contract_documents

if TYPE_CHECKING:  # the Redis client and the presence records: read when used only
    from runtime.connect import Client
    from runtime.presence import LiveService

PairStatus = Literal["compatible", "incompatible", "needs-review", "unknown"]
SAFE_PATH = re.compile(
    r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*\.json"
)
MAX_BUNDLE = 8 * 1024 * 1024


@dataclass(frozen=True)
class PairVerdict:
    """Can data written with one fingerprint be read with another?"""

    writer: str  # fingerprint
    reader: str
    writers: tuple[str, ...]  # the live services (labels) on each side
    readers: tuple[str, ...]
    status: PairStatus
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why the status is unknown

    def as_dict(self) -> dict[str, Any]:
        return {
            "writer": self.writer,
            "reader": self.reader,
            "writers": list(self.writers),
            "readers": list(self.readers),
            "status": self.status,
            "reason": self.reason,
            "findings": [
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "file": f.file,
                    "pointer": f.pointer,
                    "message": f.message,
                    "breaks": sorted(f.breaks),
                    "hint": f.hint,
                }
                for f in self.findings
            ],
        }


@dataclass(frozen=True)
class ContractDrift:
    """A contract live services run with more than one fingerprint."""

    contract: str
    message: str | None  # "order.created v1"
    local: str | None  # its fingerprint in the schemas folder
    running: dict[str, tuple[str, ...]]  # fingerprint -> service labels
    pairs: tuple[PairVerdict, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "message": self.message,
            "schemas": self.local,
            "running": {k: list(v) for k, v in self.running.items()},
            "pairs": [p.as_dict() for p in self.pairs],
        }


@dataclass(frozen=True)
class LiveReport:
    services: tuple[LiveService, ...]
    problems: tuple[str, ...]  # records that could not be read
    contracts: tuple[ContractDrift, ...]
    shared: tuple[str, ...]  # shared definition files that differ

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(
            p.status != "compatible" for c in self.contracts for p in c.pairs
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "services": [
                {
                    "service": s.service,
                    "instance": s.instance,
                    "runtime": s.runtime,
                    "package": s.package,
                    "fingerprint": s.fingerprint,
                    "heartbeat": s.heartbeat,
                    "drift": list(s.drift),
                }
                for s in self.services
            ],
            "problems": list(self.problems),
            "contracts": [c.as_dict() for c in self.contracts],
            "shared": list(self.shared),
        }


def _roles(
    catalog: dict[str, Any] | None, envelope: str | None
) -> dict[str, tuple[set[str], set[str]]]:
    """Catalogued file -> (runtimes that write it, runtimes that read it)."""
    roles: dict[str, tuple[set[str], set[str]]] = {}
    for file, producers, consumers in catalogue_exchanges(catalog, envelope):
        writers, readers = roles.setdefault(file, (set(), set()))
        writers.update(producers)
        readers.update(consumers)
    return roles


def _bundle_side(raw: bytes, contract: str, fingerprint: str) -> Side | str:
    """The schema files a service stored for a fingerprint, checked like any schema
    input (they come from Redis), or why they cannot be used."""
    from runtime.presence import schema_key

    if len(raw) > MAX_BUNDLE:
        return f"stored schemas of {fingerprint} exceed {MAX_BUNDLE} bytes"
    try:
        data = parse_json(raw, schema_key(fingerprint))
    except CompileError as exc:
        return str(exc.errors[0])
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in documents.items()
    ):
        return f"stored schemas of {fingerprint} are not a documents object"
    docs: list[Document] = []
    errors: list[ContractError] = []
    for path, text in sorted(documents.items()):
        if not SAFE_PATH.fullmatch(path):
            return f"stored schemas of {fingerprint} name an unsafe path {path!r}"
        try:
            contents = parse_json(text.encode(), path)
        except CompileError as exc:
            errors.extend(exc.errors)
            continue
        draft = draft_of(contents)
        if draft is None:
            return f"stored schema {path} of {fingerprint} has an unsupported $schema"
        errors.extend(check_document(path, contents, draft))
        docs.append(Document(path, contents, draft, text.encode()))
    if not errors and contract not in {d.path for d in docs}:
        return f"stored schemas of {fingerprint} lack {contract}"
    if not errors:
        try:
            side = Side(docs, fingerprint)
        except CompileError as exc:
            errors.extend(exc.errors)
        else:
            ref_errors, deps = walk_refs(side.graph)
            errors.extend(ref_errors)
    if errors:
        return f"stored schemas of {fingerprint}: {errors[0]}"
    reached = reaches(docs, deps)
    actual = fingerprints(docs, reached)[contract]
    if actual != fingerprint and fingerprint != fingerprint_before_dec_2026(
        docs, reached[contract]
    ):
        return f"stored schemas of {fingerprint} hash to {actual}"
    return side


def fingerprint_before_dec_2026(
    documents: list[Document], reached: tuple[str, ...]
) -> str:
    """A contract's fingerprint as packages generated before Dec 5 2026 made it: the
    sha256 of (path NUL canonical JSON NUL) of every file in ``reached`` (the files
    its file reaches, sorted). Services on such packages stored their schema files
    under it, so they are judged, not refused, during a rollout
    (docs/architecture.md#fingerprints)."""
    contents = {d.path: d.contents for d in documents}
    h = hashlib.sha256()
    for path in sorted(reached):
        h.update(path.encode() + b"\0" + canonical(contents[path]) + b"\0")
    return "sha256:" + h.hexdigest()


def _pair_status(findings: list[Finding], direction: Direction) -> PairStatus:
    hits = [f for f in findings if direction in f.breaks]
    if any(f.severity == "breaking" for f in hits):
        return "incompatible"
    if any(f.severity == "needs-review" for f in hits):
        return "needs-review"
    return "compatible"


@dataclass(frozen=True)
class _Local:
    """The schemas folder: its side, catalogue and fingerprints by file."""

    side: Side
    catalog: dict[str, Any] | None
    prints: dict[str, str]

    @classmethod
    def load(cls, schemas: Path) -> _Local:
        side, catalog = load_side(schemas, "")
        _, deps = walk_refs(side.graph)
        docs = list(side.documents.values())
        return cls(side, catalog, fingerprints(docs, reaches(docs, deps)))


def live_drift(
    client: Client, schemas: Path, envelope: str | None = None
) -> LiveReport:
    """Every contract the live services run with different fingerprints, and, for
    each writer and reader pair the catalogue allows, whether the reader accepts
    what the writer sends: judged with the ``breaking`` rules on the two schema
    versions (from ``schemas`` when it holds one, else as a service stored it)."""
    from runtime.presence import live_services, stored_bundle

    services, problems = live_services(client)

    def fetch(contract: str, fingerprint: str) -> bytes | str:
        raw = stored_bundle(client, fingerprint)
        if raw is None:
            return (
                f"no stored schemas for {fingerprint} (expired, or written by a"
                " service that does not store them)"
            )
        return raw

    return drift_report(services, problems, _Local.load(schemas), envelope, fetch)


SCHEMAS_RUNTIME = "*"  # the schemas folder: it may stand for either runtime


def package_drift(
    packages: list[Path], schemas: Path, envelope: str | None = None
) -> LiveReport:
    """Build time: generated packages (an installed ``@platform/contracts``, a
    Python ``platform_contracts``) against the schemas folder, judged as
    :func:`live_drift` judges live services. Each package is a writer and a
    reader in its runtime's roles; the schemas stand for the other side."""
    from runtime.presence import LiveService

    local = _Local.load(schemas)
    services: list[LiveService] = [
        LiveService(
            service="schemas/",
            instance=str(schemas),
            runtime=SCHEMAS_RUNTIME,
            package="",
            fingerprint="",
            contracts=local.prints,
            heartbeat="",
        )
    ]
    problems: list[str] = []
    # fingerprint -> where: the package, its manifest and the contract's entry
    sources: dict[str, tuple[Path, dict[str, Any], dict[str, Any]]] = {}
    for folder in packages:
        try:
            manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
            entries = {
                e["contract"].partition("#")[0]: e for e in manifest["contracts"]
            }
            files = {c: str(e["fingerprint"]) for c, e in entries.items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{folder}: not a generated package ({exc})")
            continue
        runtime = "node" if (folder / "package.json").is_file() else "python"
        for contract, entry in entries.items():
            sources.setdefault(files[contract], (folder, manifest, entry))
        services.append(
            LiveService(
                service=str(folder),
                instance=str(folder),
                runtime=runtime,
                package=str(
                    manifest.get("packages", {}).get(
                        "npm" if runtime == "node" else "python", ""
                    )
                ),
                fingerprint=str(manifest.get("fingerprint", "")),
                contracts=files,
                heartbeat="",
                generator=str(manifest.get("generator", "")),
            )
        )

    def fetch(contract: str, fingerprint: str) -> bytes | str:
        found = sources.get(fingerprint)
        if found is None:
            return f"no package holds the schemas of {fingerprint}"
        folder, manifest, entry = found
        try:
            documents = {
                path: (folder / "schemas" / path).read_text("utf-8-sig")
                for path in contract_documents(manifest, entry)
            }
        except OSError as exc:
            return f"{folder}: schema sources missing ({exc})"
        return json.dumps({"contract": contract, "documents": documents}).encode()

    return drift_report(services, problems, local, envelope, fetch)


def drift_report(
    services: list[LiveService],
    problems: list[str],
    schemas: _Local,
    envelope: str | None,
    fetch: Callable[[str, str], bytes | str],
) -> LiveReport:
    """The contracts ``services`` run with different fingerprints, each writer ->
    reader pair judged; ``fetch`` gives the schema files of a fingerprint the
    schemas folder does not hold (or why not)."""
    from runtime.presence import fingerprints_by_contract

    local, local_prints = schemas.side, schemas.prints
    roles = _roles(schemas.catalog, envelope)
    sides: dict[tuple[str, str], Side | str] = {}

    def side_of(contract: str, fingerprint: str) -> Side | str:
        if local_prints.get(contract) == fingerprint:
            return local
        if (contract, fingerprint) not in sides:
            raw = fetch(contract, fingerprint)
            sides[(contract, fingerprint)] = (
                raw
                if isinstance(raw, str)
                else _bundle_side(raw, contract, fingerprint)
            )
        return sides[(contract, fingerprint)]

    drifts: list[ContractDrift] = []
    shared: list[str] = []
    for contract, by_print in sorted(fingerprints_by_contract(services).items()):
        if len(by_print) < 2:
            continue
        if contract not in roles:
            shared.append(contract)
            continue
        writers, readers = roles[contract]
        running = {
            fp: tuple(sorted({s.label for s in group}))
            for fp, group in sorted(by_print.items())
        }
        pairs: list[PairVerdict] = []
        prints = sorted(by_print)
        for i, a in enumerate(prints):
            for b in prints[i + 1 :]:
                pairs += _judge(contract, a, b, by_print, writers, readers, side_of)
        identity = _identity_of(local, contract)
        drifts.append(
            ContractDrift(
                contract, identity, local_prints.get(contract), running, tuple(pairs)
            )
        )
    shown = [s for s in services if s.runtime != SCHEMAS_RUNTIME]
    return LiveReport(tuple(shown), tuple(problems), tuple(drifts), tuple(shared))


def _identity_of(side: Side, contract: str) -> str | None:
    doc = side.documents.get(contract)
    msg = (
        doc.contents.get("x-message")
        if doc and isinstance(doc.contents, dict)
        else None
    )
    if isinstance(msg, dict) and "type" in msg:
        return f"{msg['type']} v{msg.get('version', '?')}"
    return None


def _judge(
    contract: str,
    a: str,
    b: str,
    by_print: dict[str, list[LiveService]],
    writers: set[str],
    readers: set[str],
    side_of: Callable[[str, str], Side | str],
) -> list[PairVerdict]:
    """Both directions between fingerprints ``a`` and ``b`` where some service of
    one side writes the contract and some service of the other reads it."""

    def who(fp: str, runtimes: set[str]) -> tuple[str, ...]:
        return tuple(
            sorted(
                {
                    s.label
                    for s in by_print[fp]
                    if s.runtime in runtimes or s.runtime == SCHEMAS_RUNTIME
                }
            )
        )

    # old = a, new = b: "backward" breaks b-readers of a-data, "forward" a-readers
    # of b-data.
    directions = [(a, b, "backward"), (b, a, "forward")]
    wanted = [
        (w, r, d, who(w, writers), who(r, readers))
        for w, r, d in directions
        if who(w, writers) and who(r, readers)
    ]
    if not wanted:
        return []
    old, new = side_of(contract, a), side_of(contract, b)
    if isinstance(old, str) or isinstance(new, str):
        reason = old if isinstance(old, str) else str(new)
        return [
            PairVerdict(w, r, ws, rs, "unknown", reason=reason)
            for w, r, _, ws, rs in wanted
        ]
    comparer = Comparer(old, new)
    try:
        findings = merge(
            comparer.compare_file(contract) + comparer.removed_defs(contract)
        )
    except CompileError as exc:
        return [
            PairVerdict(w, r, ws, rs, "unknown", reason=str(exc.errors[0]))
            for w, r, _, ws, rs in wanted
        ]
    out = []
    for w, r, direction, ws, rs in wanted:
        d: Direction = "backward" if direction == "backward" else "forward"
        relevant = tuple(
            f
            for f in findings
            if d in f.breaks and f.severity in ("breaking", "needs-review")
        )
        out.append(PairVerdict(w, r, ws, rs, _pair_status(findings, d), relevant))
    return out


def short(fingerprint: str) -> str:
    return fingerprint.removeprefix("sha256:")[:12]
