"""Python and Node word a refused message identically: real-world documents, mutated.

    python benchmarks/texts.py [--corpus NAME|all] [--per-document N] [--seed S]
                               [--limit D | --documents D] [--show K]

Compiles each real-world corpus of ``benchmarks/corpora.py`` (as shipped, else from
its prepared copy, as ``corpus_speed.py`` does) into one Python and one npm
package, then validates every document and up to ``N`` one-place mutations of it
(:func:`mutations`: a string made a number, a key deleted, a date-time made
``"yesterday"``, a stray property, a bogus enum value, a value made null, a number
made a string; chosen with a fixed seed) in Python (in this process) and in Node
(one process per corpus), and compares the reports line by line: every pointer,
expected and got must be the same text. Prints, per corpus, how many documents
were compared, how many differ (the first ``K`` of them in full) and the lines per
report of a single bad field (median and maximum, in each runtime). Exit 1 when any
report differs or a runtime crashes. For the webhooks, it also counts the reports
whose root line names another event than the document's (:func:`elsewhere`).

``tests/test_texts.py`` runs a small seeded sample of it in ``make test``.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.corpora import CORPORA, Corpus
from benchmarks.corpus_speed import build
from benchmarks.differential import NODE, NODE_PROJECT, Workspace

Path_ = tuple[str | int, ...]

KINDS = ("int", "del", "date", "extra", "enum", "null", "str")


def _walk(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, (*path, i))


def _at(doc: Any, path: Path_) -> Any:
    for token in path:
        doc = doc[token]
    return doc


def _pointer(path: Path_) -> str:
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in path)


def _set(doc: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    _at(doc, path[:-1])[path[-1]] = value
    return doc


def mutations(doc: Any, rnd: random.Random) -> list[tuple[str, Any]]:
    """One mutation of each kind that applies to ``doc`` (a place picked by ``rnd``),
    each as (label, mutated copy); the label names the kind and the place."""
    nodes = list(_walk(doc))
    strings = [p for p, v in nodes if p and isinstance(v, str)]
    numbers = [
        p
        for p, v in nodes
        if p and isinstance(v, int | float) and not isinstance(v, bool)
    ]
    objects = [p for p, v in nodes if isinstance(v, dict)]
    keyed = [(p, k) for p, v in nodes if isinstance(v, dict) for k in v]
    dates = [
        p
        for p in strings
        if isinstance(p[-1], str)
        and (p[-1].endswith("_at") or p[-1] in ("date", "timestamp"))
    ]
    out: list[tuple[str, Any]] = []

    def mutate(kind: str, path: Path_, change: Any) -> None:
        m = copy.deepcopy(doc)
        out.append((f"{kind}:{_pointer(path) or '/'}", change(m, path)))

    for kind in KINDS:
        if kind == "int" and strings:
            mutate(kind, rnd.choice(strings), lambda m, p: _set(m, p, 12345))
        elif kind == "str" and numbers:
            mutate(kind, rnd.choice(numbers), lambda m, p: _set(m, p, "12345"))
        elif kind == "null" and len(nodes) > 1:
            path = rnd.choice([p for p, _ in nodes if p])
            mutate(kind, path, lambda m, p: _set(m, p, None))
        elif kind == "enum" and strings:
            mutate(kind, rnd.choice(strings), lambda m, p: _set(m, p, "bogus_value"))
        elif kind == "date" and dates:
            mutate(kind, rnd.choice(dates), lambda m, p: _set(m, p, "yesterday"))
        elif kind == "del" and keyed:
            where, key = rnd.choice(keyed)

            def delete(m: Any, p: Path_) -> Any:
                del _at(m, p[:-1])[p[-1]]
                return m

            mutate(kind, (*where, key), delete)
        elif kind == "extra" and objects:
            where = rnd.choice(objects)

            def extra(m: Any, p: Path_) -> Any:
                _at(m, p[:-1])[p[-1]] = 1
                return m

            mutate(kind, (*where, "zzz_extra"), extra)
    return out


@dataclass
class Compared:
    corpus: str
    documents: int = 0
    originals: int = 0
    invalid: int = 0
    differ: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    known: dict[str, int] = field(default_factory=dict)  # known differences, by kind
    worst: tuple[int, str] = (0, "")  # the longest single-bad-field report (Python)
    crashes: list[str] = field(default_factory=list)
    lines: dict[str, list[int]] = field(
        default_factory=lambda: {"python": [], "node": []}
    )
    # reports (Python's) whose root line names another event than the document's
    elsewhere: list[tuple[str, str]] = field(default_factory=list)


_ADDITIONAL = "expected no such property (additionalProperties is false), got "
_UNEVALUATED = "expected no such property (unevaluatedProperties is false), got "


def known(mine: list[str], theirs: list[str]) -> str | None:
    """The known difference that explains two reports, or None (see docs/runtime.md).

    - ``full check after Pydantic``: Node lists the properties
      ``additionalProperties`` forbids beside another error; Python's full check,
      which forbids them where a ``patternProperties`` sits beside, does not run once
      the Pydantic model has failed.
    - ``unevaluated in a failed branch``: Python (jsonschema) counts a property only a
      failed ``if``/``then`` branch evaluated as unevaluated; Node (cfworker, then
      evaluatedOnce) reports the branch's own error only.
    """
    only_mine = [x for x in mine if x not in theirs]
    only_theirs = [x for x in theirs if x not in mine]
    if mine and not only_mine and all(_ADDITIONAL in x for x in only_theirs):
        return "full check after Pydantic"
    if not only_theirs and only_mine and all(_UNEVALUATED in x for x in only_mine):
        return "unevaluated in a failed branch"
    return None


# the root union's line (its first branch comes first in the alternatives tried)
_ROOT_PICK = re.compile(
    r"^/: expected the (.+?) branch \(the closest; tried "
    r"branch_protection_configuration_event, "
)


def elsewhere(corpus: str, name: str, report: list[str]) -> str | None:
    """The event a webhook report's root line names when it is not the document's
    (its folder: ``release/3`` is a ``release_event``, ``push/0`` a ``push event``),
    else None; None for the other corpora."""
    if corpus != "github-webhooks":
        return None
    folder = name.split("/")[0]
    for line in report:
        found = _ROOT_PICK.match(line)
        if found is not None:
            picked = found.group(1)
            return None if picked in (f"{folder}_event", f"{folder} event") else picked
    return None


def _python_report(contracts: Any, contract: str, text: str) -> list[str] | str:
    from runtime import ContractViolation

    try:
        contracts.get(contract).validate_json(text.encode("utf-8"))
    except ContractViolation as exc:
        return [
            f"{v.pointer or '/'}: expected {v.expected}, got {v.got}"
            for v in exc.violations
        ]
    except Exception as exc:  # a crash is a finding
        return f"{type(exc).__name__}: {exc}"
    return []


def _node_reports(ts: Path, items: list[tuple[str, str]]) -> list[list[str] | str]:
    payload = [{"pkg": str(ts), "contract": c, "text": t} for c, t in items]
    done = subprocess.run(
        [NODE, "--stack-size=4000", str(NODE_PROJECT / "verdicts.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        return [f"node died: {done.stderr[-2000:]}"] * len(items)
    out: list[list[str] | str] = []
    for entry in json.loads(done.stdout):
        if "crash" in entry:
            out.append(str(entry["crash"]))
        else:
            out.append(list(entry.get("errors", [])))
    return out


def package_name(corpus: str) -> str:
    return "texts_" + "".join(c if c.isalnum() else "_" for c in corpus)


def compare(
    corpus: Corpus, work: Path, per_document: int, seed: int, documents: int = 0
) -> Compared:
    """Both runtimes' reports on ``corpus``'s documents and their mutations (on
    ``documents`` of them, drawn with ``seed``, when set)."""
    from runtime import Contracts

    space = Workspace(work / "out")
    corpus, built = build(corpus, work / corpus.name, space, package_name(corpus.name))
    contracts = Contracts(built.name)
    cases: list[tuple[str, str, str, bool]] = []  # name, contract, text, mutated
    valid: set[str] = set()  # the documents valid as shipped
    chosen = list(enumerate(corpus.documents))
    if 0 < documents < len(chosen):
        chosen = sorted(
            random.Random(f"{seed}:{corpus.name}").sample(chosen, documents)
        )
    for i, d in chosen:
        cases.append((d.name, d.contract, d.text, False))
        rnd = random.Random(f"{seed}:{corpus.name}:{i}")
        found = mutations(json.loads(d.text), rnd)
        for label, m in rnd.sample(found, min(per_document, len(found))):
            cases.append((f"{d.name}~{label}", d.contract, json.dumps(m), True))
    node = _node_reports(built.ts, [(c, t) for _, c, t, _ in cases])
    result = Compared(corpus.name, len(cases), len(chosen))
    for (name, contract, text, mutated), theirs in zip(cases, node, strict=True):
        mine = _python_report(contracts, contract, text)
        if isinstance(mine, str) or isinstance(theirs, str):
            result.crashes.append(f"{name}: python {mine!r} / node {theirs!r}")
            continue
        if mine != theirs:
            kind = known(mine, theirs)
            if kind is None:
                result.differ.append((name, mine, theirs))
            else:
                result.known[kind] = result.known.get(kind, 0) + 1
        if mine or theirs:
            result.invalid += 1
        picked = elsewhere(corpus.name, name, mine)
        if picked is not None:
            result.elsewhere.append((name, picked))
        if not mutated and not mine and not theirs:
            valid.add(name)
        if mutated and name.split("~")[0] in valid:
            # a single bad field in a document valid as shipped
            for runtime, report in (("python", mine), ("node", theirs)):
                if report:
                    result.lines[runtime].append(len(report))
            result.worst = max(result.worst, (len(mine), name))
    return result


def render(r: Compared, show: int) -> list[str]:
    lines = [
        f"{r.corpus}: {r.documents} documents ({r.originals} as shipped, "
        f"{r.documents - r.originals} mutated), {r.invalid} invalid; "
        f"{len(r.differ)} reports differ, {len(r.crashes)} crashes"
    ]
    if r.known:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(r.known.items()))
        lines.append(f"  known differences (not counted above): {kinds}")
    for runtime, counts in r.lines.items():
        if counts:
            lines.append(
                f"  {runtime}: lines per single-bad-field report: median "
                f"{statistics.median(counts):g}, max {max(counts)} "
                f"({len(counts)} reports)"
            )
    if r.corpus == "github-webhooks":
        sources = {name.split("~")[0] for name, _ in r.elsewhere}
        lines.append(
            f"  root line names another event than the document's: "
            f"{len(r.elsewhere)} reports ({len(sources)} source documents)"
        )
        lines += [f"    {name} -> {picked}" for name, picked in r.elsewhere[:show]]
    if r.worst[0]:
        lines.append(f"  longest: {r.worst[1]} ({r.worst[0]} lines in Python)")
    for name, mine, theirs in r.differ[:show]:
        lines.append(f"  DIFFER {name}")
        lines += [f"    python  {x}" for x in mine if x not in theirs]
        lines += [f"    node    {x}" for x in theirs if x not in mine]
        if sorted(mine) == sorted(theirs):
            lines.append("    (same lines, another order)")
    lines += [f"  CRASH {c[:500]}" for c in r.crashes[:show]]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="all", choices=[*CORPORA, "all"])
    parser.add_argument("--per-document", type=int, default=len(KINDS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="the first D documents")
    parser.add_argument(
        "--documents", type=int, default=0, help="D documents drawn with the seed"
    )
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args(argv)
    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    ok = True
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        for name in names:
            corpus = CORPORA[name](args.limit)
            r = compare(corpus, Path(tmp), args.per_document, args.seed, args.documents)
            print("\n".join(render(r, args.show)), flush=True)
            ok = ok and not r.differ and not r.crashes
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
