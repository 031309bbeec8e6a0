"""A schema whose unions chain hundreds deep (each a ``$ref`` to the next): a
message is at most ``max_depth`` deep, a chain of schemas is not. Python's
wording of a refusal recursed past its limit there and raised RecursionError out
of validate_json (a 500, a dead letter "RecursionError while checking it"). Now
it is refused with the words it has and a line saying why the rest are not
worded; Node words it whole. Valid messages stay valid in both."""

from __future__ import annotations

import json
from typing import Any

import pytest

from benchmarks.differential import (
    NodeItem,
    Package,
    Workspace,
    python_verdict,
    start_node,
)

DEPTH = 400
UNWORDED = "a value the schema accepts (its unions nest too deep to word why not)"
VALID: list[Any] = [{"x": 1}, {"k0": "v0"}, {f"k{DEPTH - 1}": f"v{DEPTH - 1}"}]
# The last: valid for the first branch of L0 and for L1's chain (its x is an
# integer), so L0's oneOf fails; the model (a union) accepts it, the full check
# does not.
BOTH = {"k0": "v0", "x": 1}
INVALID: list[Any] = [{"x": "no"}, {"k0": "bad"}, [1], {}, BOTH]


def chain(depth: int) -> dict[str, Any]:
    """L0 = oneOf [an object with k0 = "v0", L1], ... the last one's second
    branch an object with an integer x."""
    defs: dict[str, Any] = {}
    for i in range(depth):
        last = {
            "type": "object",
            "required": ["x"],
            "properties": {"x": {"type": "integer"}},
        }
        nxt = {"$ref": f"#/$defs/L{i + 1}"} if i + 1 < depth else last
        own = {
            "type": "object",
            "required": [f"k{i}"],
            "properties": {f"k{i}": {"const": f"v{i}"}},
        }
        defs[f"L{i}"] = {"oneOf": [own, nxt]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/deep.json",
        "title": "Deep",
        "$ref": "#/$defs/L0",
        "$defs": defs,
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    root = tmp_path_factory.mktemp("deep")
    folder = root / "schemas"
    folder.mkdir()
    (folder / "deep.json").write_text(json.dumps(chain(DEPTH)))
    built = Workspace(root / "out").build(folder, "deep_unions")
    assert isinstance(built, Package), built
    return built


def test_python_refuses_without_a_crash_and_says_why(package: Package) -> None:
    for doc in VALID:
        verdict = python_verdict(package.name, "deep.json", json.dumps(doc))
        assert verdict.valid is True, (doc, verdict.show())
    for doc in INVALID:
        verdict = python_verdict(package.name, "deep.json", json.dumps(doc))
        assert verdict.valid is False, (doc, verdict.show())  # None: a crash
        shown = json.dumps(doc, sort_keys=True)
        assert f"/: expected {UNWORDED}, got {shown}" in verdict.detail, verdict.detail
    # Pydantic accepted BOTH: the one line is all the refusal says.
    both = python_verdict(package.name, "deep.json", json.dumps(BOTH))
    assert both.detail == f"/: expected {UNWORDED}, got {json.dumps(BOTH)}"
    # What Pydantic found is kept: the bad constant of the first branch.
    bad = python_verdict(package.name, "deep.json", json.dumps({"k0": "bad"}))
    assert '/k0: expected one of "v0", got "bad"' in bad.detail, bad.detail


@pytest.mark.node
def test_node_gives_the_same_verdicts(package: Package) -> None:
    docs = [*VALID, *INVALID]
    run = start_node([NodeItem(package.ts, "deep.json", json.dumps(d)) for d in docs])
    for doc, verdict in zip(docs, run.result(), strict=True):
        assert verdict.valid is (doc in VALID), (doc, verdict.show())
