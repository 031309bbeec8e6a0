"""The JSON Schema Test Suite through both runtimes (quick mode of the runner).

Runs ``benchmarks/conformance.py --quick`` once and reads its JSON report:
every case is in exactly one bucket; at least 90% of the required draft 2020-12
cases of the subset compile; and on every compiled case both runtimes give the
suite's verdict (or the contract's verdict where a stated reason says it differs).
A failure lists each instance with both runtimes' verdicts. The full run is
``python benchmarks/conformance.py`` (its numbers are in README's conformance
section).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

RUNNER = ROOT / "benchmarks" / "conformance.py"
STATED = {"agree", "stated"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("conformance") / "report.json"
    result = subprocess.run(
        [sys.executable, str(RUNNER), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    print(result.stdout)
    assert out.is_file(), result.stdout + result.stderr
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def _findings(report: dict[str, Any], runtime: str) -> str:
    """The instances one runtime gets wrong, grouped by case."""
    other = "node" if runtime == "python" else "python"
    by_case: dict[str, list[str]] = defaultdict(list)
    for f in report["findings"]:
        verdict = f[runtime]
        if verdict.startswith("CRASH") or verdict.startswith("valid") != f["expected"]:
            by_case[f"{f['case']} ({f['case_description']})"].append(
                f"    {f['test']}: {json.dumps(f['data'])[:200]} expected"
                f" {'valid' if f['expected'] else 'invalid'}; {runtime}:"
                f" {verdict[:300]}; {other}: {f[other][:120]}"
            )
    lines = [f"{sum(map(len, by_case.values()))} instances in {len(by_case)} cases"]
    for case, items in by_case.items():
        lines += [f"  {case}", *items]
    return "\n".join(lines)


def test_every_case_and_instance_is_in_one_bucket(report: dict[str, Any]) -> None:
    assert report["mode"] == "quick"
    assert report["suite_commit"] != "unknown"
    refused = 0
    for row in [*report["files"], report["total"]]:
        name = row["name"]
        assert row["cases"] == row["compiled"] + row["refused"] + row["crashed"], name
        for runtime in ("python", "node"):
            assert sum(row[runtime].values()) == row["tests"], (name, runtime)
        if row is not report["total"]:
            refused += row["refused"] + row["crashed"]
    assert refused == sum(len(keys) for keys in report["refusals"].values())
    files = {row["name"] for row in report["files"]}
    suite = ROOT / "tests" / "vendor" / "json-schema-test-suite" / "tests"
    every = {p.relative_to(suite).as_posix() for p in suite.rglob("*.json")}
    assert files == every  # every file runs, optional ones included
    assert report["total"]["cases"] >= 300
    assert report["total"]["python"].get("stated", 0) > 0  # format.json is in


def test_compiler_never_crashes(report: dict[str, Any]) -> None:
    crashes = {k: v for k, v in report["refusals"].items() if "compiler-crash" in k}
    assert not crashes, crashes


def test_most_required_cases_compile(report: dict[str, Any]) -> None:
    """At least 90% of the subset's non-optional cases compile (draft 2020-12 alone,
    and both drafts together)."""
    rows = [report["totals"][g] for g in ("draft2020-12 required", "draft7 required")]
    both = {k: rows[0][k] + rows[1][k] for k in ("compiled", "cases")}
    for name, row in (("draft2020-12", rows[0]), ("both drafts", both)):
        rate = row["compiled"] / row["cases"]
        assert rate >= 0.90, f"{name}: {row['compiled']}/{row['cases']} compiled"


KNOWN = Path(__file__).parent / "conformance_known.json"
FLOOR = Path(__file__).parent / "conformance_floor.json"


def test_no_count_falls_below_the_floor(report: dict[str, Any]) -> None:
    """Per test file, the cases compiled and the instances each runtime gets right
    never go down. Raise the floor after an improvement with ``python
    benchmarks/conformance.py --quick --write-floor tests/conformance_floor.json``."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.conformance import below_floor, floor_of

    floor = json.loads(FLOOR.read_text())
    assert below_floor(report, floor) == []
    raised = {
        name: (floor["files"].get(name), counts)
        for name, counts in floor_of(report)["files"].items()
        if counts != floor["files"].get(name)
    }
    print(f"\nabove the floor (raise it): {raised}" if raised else "\nat the floor")


def _wrong(report: dict[str, Any], runtime: str) -> set[str]:
    """The instances one runtime gets wrong (crashes included), by case and test."""
    return {
        f"{f['case']} / {f['test']}"
        for f in report["findings"]
        if f[runtime].startswith("CRASH")
        or f[runtime].startswith("valid") != f["expected"]
    }


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_runtime_agrees_on_every_compiled_case(
    report: dict[str, Any], runtime: str
) -> None:
    """Agreement is not yet 100%: the instances still wrong are listed, with the
    bug behind them, in tests/conformance_known.json. A new disagreement fails;
    so does a fixed one still listed (the list only shrinks)."""
    known = set(json.loads(KNOWN.read_text())[runtime])
    wrong = _wrong(report, runtime)
    new, fixed = sorted(wrong - known), sorted(known - wrong)
    print(f"\n{runtime}: {len(wrong)} known disagreements in the quick subset")
    assert not new, f"{runtime}: new disagreements {new}\n" + _findings(report, runtime)
    assert not fixed, f"{runtime}: fixed, remove from {KNOWN.name}: {fixed}"


def test_no_refusal_misresolves_a_reference(report: dict[str, Any]) -> None:
    """A refusal may say a reference leaves the folder only for a URI the schema
    names (RFC 3986 with $id scoping); any other target is a resolver bug. Known
    ones (an embedded $id applied twice) are listed in tests/conformance_known.json."""
    known = set(json.loads(KNOWN.read_text())["misresolved"])
    wrong = {x["case"] for x in report["misresolved_refusals"]}
    assert wrong <= known, sorted(wrong - known)
    assert known <= wrong, f"fixed, remove from {KNOWN.name}: {sorted(known - wrong)}"
