"""Conformance: the official JSON Schema Test Suite through both generated runtimes.

    python benchmarks/conformance.py [--quick] [--json PATH]

For each test case of the suite (``benchmarks/suite.py`` says which and how): does
the compiler accept the schema, or refuse it and why; and for each instance, does
the Python runtime (generated Pydantic models + the runtime's full check) and the
generated TypeScript validator under Node give the suite's verdict. Every case is
in exactly one bucket (compiled, refused with a reason, or a compiler crash);
every instance of a compiled case is, per runtime, one of:

- ``agree``: the runtime gives the suite's verdict;
- ``stated``: the runtime gives the verdict a contract must give where that differs
  from the suite's by a stated design decision (formats are asserted);
- ``beyond 2**53`` (Node only): the instance has an integer JSON.parse rounds, so
  Node judged another instance (README: "carry such ids as strings");
- ``disagree`` or ``crash``: a bug (or an undocumented difference).

Prints a table per test file, totals, refusals by reason and the files not selected;
``--json`` writes the same as JSON (read by ``tests/test_conformance.py``).
``--quick`` runs a fixed subset (every other case of each required file, every
case of the optional files); the full run takes every case.
``--floor FILE`` compares the compiled and agreeing counts of each file with the
floor recorded there and fails on any that went down; ``--write-floor FILE``
records them (``tests/conformance_floor.json`` holds the quick run's).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

if __package__ in (None, ""):  # run as a script: import from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.differential import (
    NodeItem,
    Package,
    Refusal,
    RuntimeVerdict,
    Workspace,
    environment,
    js_exact,
    python_verdict,
    start_node,
)
from benchmarks.suite import (
    SuiteCase,
    SuiteFile,
    SuiteTest,
    load_files,
    named_uris,
    source_commit,
    write_case,
)

QUICK_EVERY = 2
BEYOND_JS = "beyond 2**53: JSON.parse rounds the integer, Node judged another value"
GROUPS = (
    "draft2020-12 required",
    "draft7 required",
    "draft2020-12 optional",
    "draft7 optional",
)


@dataclass
class Row:
    """Counts for one test file (or a total)."""

    name: str
    cases: int = 0
    compiled: int = 0
    refused: int = 0
    crashed: int = 0  # the compiler raised something else than CompileError
    tests: int = 0  # instances of compiled cases
    refused_tests: int = 0  # instances of refused cases (not run)
    same: int = 0  # instances both runtimes judge alike (neither crashing)
    python: Counter[str] = field(default_factory=Counter)
    node: Counter[str] = field(default_factory=Counter)

    def add(self, other: Row) -> None:
        self.cases += other.cases
        self.compiled += other.compiled
        self.refused += other.refused
        self.crashed += other.crashed
        self.tests += other.tests
        self.refused_tests += other.refused_tests
        self.same += other.same
        self.python.update(other.python)
        self.node.update(other.node)

    def json(self) -> dict[str, Any]:
        data = asdict(self)
        data["python"] = dict(sorted(self.python.items()))
        data["node"] = dict(sorted(self.node.items()))
        return data


@dataclass
class SuiteFinding:
    case: str
    case_description: str
    test: str
    data: Any
    suite: bool
    expected: bool
    python: str
    node: str


def bucket(verdict: RuntimeVerdict, test: SuiteTest, node: bool) -> str:
    if verdict.valid is None:
        return "crash"
    if verdict.valid == test.expected:
        return "stated" if test.stated else "agree"
    if node and not js_exact(test.data):
        return "beyond 2**53"
    return "disagree"


def _misresolved(case: SuiteCase, refusal: Refusal) -> list[dict[str, str]]:
    """Refusals of a reference to a URI the schema does not name (by RFC 3986 and
    ``$id`` scoping): the compiler resolved the reference wrongly."""
    named = named_uris(case)
    out = []
    for error in refusal.errors:
        if error.code == "remote-ref":
            target = error.message.split(" points to ", 1)[-1].split(", which", 1)[0]
            if urldefrag(target).url not in named:
                out.append({"case": case.key, "error": str(error).split("\n")[0]})
    return out


def select(cases: tuple[SuiteCase, ...], quick: bool) -> list[SuiteCase]:
    """All cases, or (quick) every other case of each required file and every case
    of the optional files."""
    return [c for c in cases if not quick or c.optional or c.index % QUICK_EVERY == 0]


def group_of(f: SuiteFile) -> str:
    return f"{f.draft} {'optional' if f.file.startswith('optional/') else 'required'}"


def run(quick: bool, work: Path, only: str = "") -> dict[str, Any]:
    started = time.perf_counter()
    files = load_files()
    selected = [f for f in files if only in f"{f.draft}/{f.file}"]
    space = Workspace(work / "out")
    rows: dict[str, Row] = {}
    refusals: dict[str, list[str]] = defaultdict(list)
    built: list[tuple[SuiteFile, SuiteCase, Package]] = []
    suspects: list[dict[str, str]] = []
    counter = 0
    for f in selected:
        row = rows[f"{f.draft}/{f.file}"] = Row(f"{f.draft}/{f.file}")
        for case in select(f.cases, quick):
            counter += 1
            folder = work / "src" / f"c{counter:05d}"
            write_case(case, folder)
            result = space.build(folder, f"suite_c{counter:05d}")
            row.cases += 1
            if isinstance(result, Refusal):
                row.crashed += bool(result.crash)
                row.refused += not result.crash
                row.refused_tests += len(case.tests)
                refusals[" + ".join(result.reasons())].append(case.key)
                suspects += _misresolved(case, result)
            else:
                row.compiled += 1
                row.tests += len(case.tests)
                built.append((f, case, result))
    compile_seconds = time.perf_counter() - started
    items = [
        NodeItem(pkg.ts, "suite_case.json", t.text)
        for _, case, pkg in built
        for t in case.tests
    ]
    node = start_node(items)  # runs while Python validates
    python = [
        python_verdict(pkg.name, "suite_case.json", t.text)
        for _, case, pkg in built
        for t in case.tests
    ]
    node_verdicts = node.result()
    findings: list[SuiteFinding] = []
    at = 0
    for f, case, _ in built:
        row = rows[f"{f.draft}/{f.file}"]
        for t in case.tests:
            py, nd = python[at], node_verdicts[at]
            at += 1
            pb, nb = bucket(py, t, False), bucket(nd, t, True)
            row.python[pb] += 1
            row.node[nb] += 1
            row.same += py.valid is not None and py.valid == nd.valid
            if {pb, nb} & {"disagree", "crash"}:
                findings.append(
                    SuiteFinding(
                        case.key,
                        case.description,
                        t.description,
                        t.data,
                        t.valid,
                        t.expected,
                        py.show(),
                        nd.show(),
                    )
                )
    totals = {g: Row(g) for g in GROUPS}
    everything = Row("all")
    for f in selected:
        totals[group_of(f)].add(rows[f"{f.draft}/{f.file}"])
        everything.add(rows[f"{f.draft}/{f.file}"])
    return {
        "mode": "quick" if quick else "full",
        "suite_commit": source_commit(),
        "environment": environment(),
        "seconds": round(time.perf_counter() - started, 1),
        "compile_seconds": round(compile_seconds, 1),
        "files": [r.json() for r in rows.values()],
        "totals": {g: r.json() for g, r in totals.items()},
        "total": everything.json(),
        "refusals": {k: sorted(v) for k, v in sorted(refusals.items())},
        "misresolved_refusals": suspects,
        "stated_reasons": {
            "stated": sorted(
                {
                    t.stated
                    for f in selected
                    for c in f.cases
                    for t in c.tests
                    if t.stated
                }
            ),
            "beyond 2**53": BEYOND_JS,
        },
        "findings": [asdict(x) for x in findings],
    }


def _cell(counter: dict[str, int], run: int) -> str:
    good = counter.get("agree", 0) + counter.get("stated", 0)
    return f"{good}/{run}"


def render(report: dict[str, Any]) -> str:
    head = (
        f"{'test file':<44} {'cases':>5} {'compiled':>8} {'refused':>7}"
        f" {'tests':>5} {'python':>9} {'node':>9} {'py=node':>9} {'stated':>6}"
    )
    lines = [
        f"JSON Schema Test Suite {report['suite_commit'][:12]}, {report['mode']} run,"
        f" {report['seconds']} s (compiling {report['compile_seconds']} s)",
        "",
        "python, node: instances given the suite's verdict (or the stated one), of"
        " the instances of compiled cases; py=node: instances both judge alike",
        "",
        head,
        "-" * len(head),
    ]

    def line(r: dict[str, Any]) -> str:
        stated = r["python"].get("stated", 0)
        beyond = r["node"].get("beyond 2**53", 0)
        extra = f" +{beyond} beyond 2**53 in node" if beyond else ""
        refused = f"{r['refused']}" + (f"+{r['crashed']}!" if r["crashed"] else "")
        return (
            f"{r['name']:<44} {r['cases']:>5} {r['compiled']:>8} {refused:>7}"
            f" {r['tests']:>5} {_cell(r['python'], r['tests']):>9}"
            f" {_cell(r['node'], r['tests']):>9} {r['same']:>4}/{r['tests']:<4}"
            f" {stated:>6}{extra}"
        )

    for r in report["files"]:
        lines.append(line(r))
    lines.append("-" * len(head))
    for r in report["totals"].values():
        lines.append(line(r))
    lines.append(line(report["total"]))
    lines.append("")
    for name, req in report["totals"].items():
        if req["cases"]:
            lines.append(
                f"{name} cases compiled: {req['compiled']}/{req['cases']}"
                f" ({100 * req['compiled'] / req['cases']:.1f}%)"
            )
    total = report["total"]
    for runtime in ("python", "node"):
        c = total[runtime]
        lines.append(
            f"{runtime}: {c.get('agree', 0)} agree with the suite,"
            f" {c.get('stated', 0)} give the contract's stated verdict,"
            f" {c.get('beyond 2**53', 0)} beyond 2**53, {c.get('disagree', 0)}"
            f" disagree, {c.get('crash', 0)} crash, of {total['tests']} instances"
        )
    lines.append(
        f"python and node judge {total['same']} of {total['tests']} instances alike"
    )
    lines.append("\nstated reasons:")
    for reason in report["stated_reasons"]["stated"]:
        lines.append(f"  stated: {reason}")
    lines.append(f"  beyond 2**53: {report['stated_reasons']['beyond 2**53']}")
    lines.append("\nrefusals by reason (cases):")
    for reason, keys in sorted(report["refusals"].items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(keys[:3]) + (", ..." if len(keys) > 3 else "")
        lines.append(f"  {len(keys):>4}  {reason}  [{shown}]")
    suspects = report["misresolved_refusals"]
    lines.append(
        f"\nrefused for a reference to a URI the schema does not name: {len(suspects)}"
    )
    for x in suspects:
        lines.append(f"  {x['case']}: {x['error']}")
    findings = report["findings"]
    lines.append(f"\ndisagreements and crashes: {len(findings)}")
    for x in findings:
        lines.append(
            f"  {x['case']} ({x['case_description']}) / {x['test']}:"
            f" data={json.dumps(x['data'])} suite={x['suite']}"
            f" expected={x['expected']}\n    python: {x['python'][:300]}"
            f"\n    node:   {x['node'][:300]}"
        )
    return "\n".join(lines)


def floor_of(report: dict[str, Any]) -> dict[str, Any]:
    """Per test file: cases compiled, and instances each runtime gets right."""
    return {
        "mode": report["mode"],
        "suite_commit": report["suite_commit"],
        "files": {
            r["name"]: [r["compiled"], _good(r["python"]), _good(r["node"])]
            for r in report["files"]
        },
    }


def _good(counter: dict[str, int]) -> int:
    return counter.get("agree", 0) + counter.get("stated", 0)


def below_floor(report: dict[str, Any], floor: dict[str, Any]) -> list[str]:
    """Every count of ``report`` lower than the floor's (compiled cases, Python's and
    Node's instances right), and every file the floor has and the report lacks."""
    if (
        floor["mode"] != report["mode"]
        or floor["suite_commit"] != report["suite_commit"]
    ):
        return [f"the floor is for a {floor['mode']} run of {floor['suite_commit']}"]
    now = floor_of(report)["files"]
    out = []
    for name, counts in floor["files"].items():
        if name not in now:
            out.append(f"{name}: missing from the run")
            continue
        for what, before, after in zip(
            ("compiled cases", "python right", "node right"),
            counts,
            now[name],
            strict=True,
        ):
            if after < before:
                out.append(f"{name}: {what} {after}, the floor is {before}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a fixed subset")
    parser.add_argument("--json", type=Path, help="write the report as JSON here")
    parser.add_argument("--work", type=Path, help="keep generated packages here")
    parser.add_argument("--only", default="", help="test files containing this")
    parser.add_argument("--floor", type=Path, help="fail on a count below this floor")
    parser.add_argument("--write-floor", type=Path, help="record the counts here")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="conformance-"))
    if args.work and work.exists():
        shutil.rmtree(work)
    try:
        report = run(args.quick, work, args.only)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str) + "\n")
    if args.write_floor:
        args.write_floor.write_text(json.dumps(floor_of(report), indent=1) + "\n")
    lower = (
        below_floor(report, json.loads(args.floor.read_text())) if args.floor else []
    )
    for line in lower:
        print(f"below the floor: {line}")
    failed = report["findings"] or report["misresolved_refusals"] or lower
    return 1 if failed or report["total"]["crashed"] else 0


if __name__ == "__main__":
    sys.exit(main())
