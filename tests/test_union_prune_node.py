"""The Node refusal path's shortcuts decide nothing the plain report would decide
otherwise (runtime/node/src/_unions.ts, _precompiled.ts, _violations.ts; the Python
side's are tests/test_union_prune.py's):

- a union branch the report rules out by its type, required properties or string
  ``const``/``enum`` tags (``UnionReport.doomed``) is one a validation finds
  violations in;
- the words of a refused message are the same with the shortcuts off (``plainly``:
  every branch's violations asked for, every value walked, no branch's errors and
  no error's words remembered while the message is worded), on every golden sample,
  its one-place mutations, a 66-event union and a walk past MAX_STEPS;
- a branch's floor (_bounds.ts: the members its errors surely touch, by which the
  closest branch is found without asking every branch) is never above the count
  closeness finds when the branch is asked (``auditFloors``), with the same words.

Each package runs through its own runtime (runtime/node/test/prune.mjs).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks.npm import npm_ci
from codegen.api import generate_to
from codegen.emit import Settings
from codegen.typescript import validators
from tests.conftest import ROOT, sample_cases
from tests.test_union_prune import DRAFT7, _events, _instances

NODE_DIR = ROOT / "runtime" / "node"
MAX_STEPS = 10_000  # runtime/node/src/_unions.ts


@pytest.fixture(scope="module", autouse=True)
def _installed() -> None:
    npm_ci(NODE_DIR)


def _package(schemas: Path, tmp: Path) -> Path:
    generate_to(schemas, tmp / "out", Settings(python_package="prune_pkg"))
    package = tmp / "pkg"
    shutil.copytree(
        tmp / "out" / "ts", package, ignore=shutil.ignore_patterns("node_modules")
    )
    (package / "node_modules").symlink_to(NODE_DIR / "node_modules")
    return package


def _prune(package: Path, items: list[tuple[str, Any]]) -> dict[str, Any]:
    payload = {"package": str(package), "items": [[c, json.dumps(v)] for c, v in items]}
    done = subprocess.run(
        ["node", str(NODE_DIR / "test" / "prune.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    assert not found["differ"], found["differ"][:3]
    assert not found["unsound"], found["unsound"][:5]
    assert not found["above"], found["above"][:5]
    return found


@pytest.mark.parametrize("case", sample_cases(), ids=lambda p: p.name)
def test_golden_samples_keep_their_words(case: Path, tmp_path: Path) -> None:
    samples = json.loads((case / "samples.json").read_text())
    items = [
        (s["contract"], instance)
        for s in samples
        for instance in _instances([s["data"]], 60)
    ]
    _prune(_package(case / "schemas", tmp_path), items)


def test_most_events_of_a_66_event_union_are_ruled_out(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "hook.json").write_text(json.dumps(_events(66)))
    docs = [
        {"action": "created", "item_41": "x", "sender": {"login": "ada"}},
        {"action": "opened", "item_40": 1, "sender": {}},
        {"item_7": 1, "sender": {"login": "ada"}},
    ]
    items = [("hook.json", d) for d in _instances(docs, 200)]
    found = _prune(_package(tmp_path / "schemas", tmp_path), items)
    assert found["ruledOut"] > 1000
    assert found["floors"] > 1000  # "created" names 33 events: the closest is picked


def _edited(name: str, required: list[str], **extra: Any) -> dict[str, Any]:
    """An "edited" event: its own object required, changes of a title only."""
    properties = {
        "action": {"type": "string", "enum": ["edited"]},
        "changes": {
            "type": "object",
            "properties": {"title": {"type": "object", "required": ["from"]}},
            "additionalProperties": False,
        },
        name: {"type": "object", "required": ["id"]},
        "repository": {"$ref": "#/definitions/Repo"},
    }
    schema = {
        "type": "object",
        "required": ["action", *required],
        "properties": properties,
        "additionalProperties": False,
    }
    return {**schema, **extra}


def _action(schema: dict[str, Any], tag: dict[str, Any], **more: Any) -> dict[str, Any]:
    """``schema`` with another ``action`` (and more properties)."""
    return {**schema, "properties": {**schema["properties"], "action": tag, **more}}


def _union(*names: str) -> dict[str, Any]:
    return {"oneOf": [{"$ref": f"#/definitions/{n}"} for n in names]}


def edited_events() -> dict[str, Any]:
    """Events that share their "edited" action (the webhook union's 19), through
    nested and tagged unions, with a pattern, an additionalProperties schema, a
    type list and a union beside the properties (tests/test_union_floors.py too)."""
    requested = {"enum": ["review_requested"]}
    defs: dict[str, Any] = {
        "Repo": {"type": "object", "required": ["id", "name"]},
        "issue_edited": _edited("issue", ["issue", "changes"]),
        "label_edited": _edited("label", ["label"], patternProperties={"^x-": {}}),
        "team_edited": _edited("team", ["team", "repository"], type=["object", "null"]),
        "rule_edited": _edited(
            "rule", ["rule"], additionalProperties={"type": "string"}
        ),
        "odd_edited": _edited("odd", ["odd"], anyOf=[{"required": ["odd"]}, {}]),
        "pr_edited": _edited("pull_request", ["pull_request", "number"]),
        "pr_by_user": _action(
            _edited("pull_request", ["pull_request", "reviewer"]),
            requested,
            reviewer={},
        ),
        "pr_by_team": _action(
            _edited("pull_request", ["pull_request", "team"]), requested, team={}
        ),
        "pr_requested": _union("pr_by_user", "pr_by_team"),
    }
    defs["pr_closed"] = _action(defs["pr_edited"], {"const": "closed"})
    defs["pr_event"] = _union("pr_closed", "pr_requested", "pr_edited")
    events = ["issue", "label", "team", "rule", "odd"]
    for name in events:
        defs[f"{name}_closed"] = _action(defs[f"{name}_edited"], {"enum": ["closed"]})
        defs[f"{name}_event"] = _union(f"{name}_closed", f"{name}_edited")
    schema = {"$schema": DRAFT7, "definitions": defs}
    schema |= _union(*(f"{e}_event" for e in [*events, "pr"]))
    return schema


def edited_documents() -> list[Any]:
    """Documents of :func:`edited_events`: each event's own, and some that fit
    several or none (tests/test_union_floors.py too)."""
    repo = {"id": 1, "name": "r"}
    docs: list[Any] = [
        {"action": "edited", name: {"id": 1}, "repository": repo, "changes": {}}
        for name in ("issue", "label", "team", "rule", "odd", "pull_request")
    ]
    docs += [
        {"action": "edited", "pull_request": {}, "number": 1, "x-a": 1, "more": "s"},
        {"action": "edited", "changes": {"title": {}, "body": 1}, "rule": {"id": 2}},
        {"action": "review_requested", "pull_request": {"id": 1}, "team": {}},
        {"action": "edited"},
    ]
    return docs


def test_floors_find_the_closest_branch(tmp_path: Path) -> None:
    """Events that share their "edited" action (the webhook union's 19): the closest
    is found from the floors, whatever its place, through nested and tagged unions,
    with a pattern, an additionalProperties schema, a type list and a union beside
    the properties (no floor there); the words and the pick are the plain ones."""
    schema = edited_events()
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "hook.json").write_text(json.dumps(schema))
    items = [("hook.json", d) for d in _instances(edited_documents(), 400)]
    found = _prune(_package(tmp_path / "schemas", tmp_path), items)
    assert found["floors"] > 300


def test_a_walk_past_max_steps_keeps_its_words(tmp_path: Path) -> None:
    """Past MAX_STEPS locations the walk stops (a $ref loop would never end): a
    union beyond that point is not explained, with the shortcuts or without."""
    schema = {
        "$schema": DRAFT7,
        "type": "array",
        "items": {"oneOf": [{"type": "integer"}, {"type": "null"}]},
    }
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "list.json").write_text(json.dumps(schema))
    near_end: list[Any] = [1] * (MAX_STEPS + 50)
    near_end[-1] = "x"
    early: list[Any] = [1] * (MAX_STEPS + 50)
    early[5] = "x"
    package = _package(tmp_path / "schemas", tmp_path)
    _prune(package, [("list.json", near_end), ("list.json", early)])
    script = (
        "const { contract } = await import(process.argv[1]);"
        "const n = 10050, words = (at) => { const v = Array(n).fill(1); v[at] = 'x';"
        " return contract('list.json').errors(v).map((e) => e.pointer + ': ' +"
        " e.expected); };"
        "console.log(JSON.stringify([words(5), words(n - 1)]));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(package / "_runtime.js")],
        capture_output=True,
        text=True,
        check=True,
    )
    early_words, late_words = json.loads(done.stdout)
    assert "/5: the integer branch (the closest; tried integer, null)" in early_words
    assert not any("branch" in w for w in late_words)


def _words(package: Path, items: list[tuple[str, Any]]) -> list[Any]:
    return _in_node(
        package,
        "console.log(JSON.stringify(items.map(([c, v]) => contract(c).errors(v))));",
        items,
    )


def _in_node(package: Path, script: str, items: list[Any]) -> list[Any]:
    """``script`` run by Node with the package's _runtime.js exports in scope
    (``contract``, ``ruledOut``) and ``items``; what it prints, parsed."""
    head = (
        "const { contract, ruledOut } = await import(process.argv[1]);"
        "const items = JSON.parse(process.argv[2]);"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", head + script,
         str(package / "_runtime.js"), json.dumps(items)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found: list[Any] = json.loads(done.stdout)
    return found


def test_functions_are_found_whatever_the_line_endings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A precompiled module compiled on first call (a big one's) finds each
    function's text in its .functions.js by offset, and by the line it starts with
    when the offsets are off (a checkout that turned the line endings into CRLF)."""
    monkeypatch.setattr(validators, "LAZY_BYTES", 0)
    case = ROOT / "tests" / "golden" / "unions"
    samples = json.loads((case / "samples.json").read_text())
    items = [
        (s["contract"], instance)
        for s in samples
        for instance in _instances([s["data"]], 20)
    ]
    package = _package(case / "schemas", tmp_path / "lf")
    crlf = tmp_path / "crlf"
    shutil.copytree(package, crlf, symlinks=True)
    texts = sorted(crlf.glob("_checks/**/*.functions.js"))
    assert texts
    for text in texts:
        text.write_bytes(text.read_bytes().replace(b"\n", b"\r\n"))
    words = _words(package, items)
    assert any(words)
    assert _words(crlf, items) == words


def test_a_union_alone_is_worded_from_its_own_error(tmp_path: Path) -> None:
    """A contract whose schema is a oneOf or anyOf and nothing else that asserts
    (the webhook root) is worded from the union's own error, its branches
    validated only where the report needs them (``unionAlone``; _runtime.ts's
    unionSummary): the same words as from every branch's errors (``plainly``),
    for refusals by no branch, by every branch, and by two branches of a oneOf.
    A union beside other keywords keeps the validator's errors."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "hook.json").write_text(json.dumps(_events(66)))
    branches = [
        {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
        {"type": "object", "required": ["b"], "properties": {"b": {"minimum": 3}}},
        {"type": "object", "properties": {"a": {"maxLength": 2}}},
    ]
    for name, schema in {
        "one.json": {"$schema": DRAFT7, "title": "One", "oneOf": branches},
        "any.json": {"anyOf": branches, "$defs": {"unused": {"type": "null"}}},
        "beside.json": {"type": "object", "required": ["c"], "oneOf": branches},
        "consts.json": {
            "oneOf": [
                {"properties": {"k": {"const": "x"}, "n": {"type": "integer"}},
                 "required": ["k", "n"]},
                {"properties": {"k": {"const": "y"}}, "required": ["k"]},
            ]
        },
    }.items():  # fmt: skip
        (schemas / name).write_text(json.dumps(schema))
    package = _package(schemas, tmp_path)
    script = (
        "const { unionAlone } = await import(process.argv[1]);"
        "console.log(JSON.stringify(['hook.json', 'one.json', 'any.json',"
        " 'beside.json', 'consts.json'].map(unionAlone)));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(package / "_runtime.js")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == [True, True, True, False, True]
    docs: list[Any] = [
        {"a": "xyz", "b": 1},  # one.json: a fails branch 3, b fails branch 2
        {"a": "x", "b": 5},  # passes all three: two or more of a oneOf
        {"a": 1},
        {},
        [],
        "text",
        {"k": "x", "n": "1"},
    ]
    items = [
        (contract, instance)
        for contract in ("one.json", "any.json", "beside.json", "consts.json")
        for instance in _instances(docs, 40)
    ]
    events = [{"action": "created", "item_41": "x", "sender": {"login": "ada"}}, {}]
    items += [("hook.json", d) for d in _instances(events, 80)]
    _prune(package, items)


def test_a_first_refusal_has_the_words_of_a_later_one(tmp_path: Path) -> None:
    """In a fresh Node process, a contract's first refused message (its validators
    compiled then, its union's own error in place of its branches') is worded as
    the same message is after others were worded."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "hook.json").write_text(json.dumps(_events(66)))
    package = _package(tmp_path / "schemas", tmp_path)
    docs: list[Any] = [
        {"action": "created", "item_41": "x", "sender": {"login": "ada"}},
        {"action": "opened", "item_40": 1, "sender": {}},
        {"item_7": 1, "sender": {"login": "ada"}},
        {"action": "deleted", "item_3": 1, "sender": {"login": "ada"}, "x": 1},
    ]
    items = [("hook.json", d) for d in docs]
    warm = _words(package, items * 2)
    assert warm[: len(docs)] == warm[len(docs) :]
    first = [_words(package, [item])[0] for item in items]
    assert first == warm[: len(docs)]
    assert all(first)


def test_a_union_alone_is_ruled_out_when_each_branch_is(tmp_path: Path) -> None:
    """A branch whose schema (its $refs followed) is a union alone is ruled out
    without a validation when each of that union's branches is (_doomed.ts's
    ``all``, as runtime/_doomed.py's AllFail): of the 66 events of a webhook-like
    root, each a oneOf of its actions, 65 for a "created" message of event 41.
    A branch that is ``false`` is left out, one that is ``true`` or has no test
    leaves the union unsure (the compiler refuses a loop of unions through $refs:
    _doomed.ts's guard against one is not reached here)."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "hook.json").write_text(json.dumps(_events(66)))
    obj = {"type": "object", "required": ["a"]}
    defs = {
        "nested": {"oneOf": [{"$ref": "#/definitions/never"}, {"type": "null"}]},
        "never": {"oneOf": [False, obj, {"type": "string"}], "title": "never"},
        "open": {"anyOf": [obj, True]},
        "bare": {"anyOf": [obj, {"minimum": 1}]},
        "beside": {"anyOf": [obj], "minProperties": 1},
    }
    branches = [{"$ref": f"#/definitions/{name}"} for name in defs]
    odd = {"$schema": DRAFT7, "definitions": defs, "anyOf": branches}
    (schemas / "odd.json").write_text(json.dumps(odd))
    package = _package(schemas, tmp_path)
    created = {"action": "created", "item_41": "x", "sender": {"login": "ada"}}
    items: list[tuple[str, str, Any]] = [
        ("hook.json", f"/oneOf/{i}", created) for i in range(66)
    ]
    items += [("odd.json", f"/anyOf/{i}", {"b": 1}) for i in range(len(defs))]
    found = _in_node(
        package,
        "console.log(JSON.stringify(items.map(([p, q, v]) => {"
        " const found = ruledOut(p, q, v);"
        " return [found.doomed, found.violations === null ? -1 :"
        " found.violations.length]; })));",
        items,
    )
    events, odd_found = found[:66], found[66:]
    assert [i for i, (doomed, _) in enumerate(events) if not doomed] == [41]
    assert all(count > 0 for doomed, count in events if doomed)  # refused indeed
    verdicts = dict(zip(defs, (doomed for doomed, _ in odd_found), strict=True))
    assert verdicts == {
        "nested": True,
        "never": True,
        "open": False,
        "bare": False,
        "beside": False,
    }
    assert odd_found[0][1] > 0 and odd_found[1][1] > 0


def test_a_union_alone_without_precompiled_functions(tmp_path: Path) -> None:
    """Where a file has no precompiled functions (its engine is cfworker: here an
    ``unevaluatedItems`` beside an ``anyOf`` of ``items`` in the sender of a
    2020-12 webhook-like root, which Ajv gets wrong), the
    report rules out a union alone by its branches' tests (a precompiled verdict
    answers first where there is one): the same words as asking every branch."""
    schema = _events(12)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    tags: dict[str, Any] = {"unevaluatedItems": {"type": "boolean"}}
    tags["anyOf"] = [{"items": {"type": "string"}}, True]
    schema["definitions"]["User"]["properties"] = {"tags": tags}
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "hook.json").write_text(json.dumps(schema))
    package = _package(tmp_path / "schemas", tmp_path)
    script = (
        "const { SCHEMAS } = await import(process.argv[1]);"
        "console.log(JSON.stringify(SCHEMAS.map((e) => e.engine)));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(package / "_schemas.js")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == ["cfworker"]
    docs = [
        {"action": "created", "item_5": "x", "sender": {"login": "ada"}},
        {"action": "opened", "item_4": 1, "sender": {"tags": [1]}, "more": 1},
        {"item_7": 1, "sender": {"login": "ada"}},
    ]
    found = _prune(package, [("hook.json", d) for d in _instances(docs, 60)])
    assert found["ruledOut"] > 100
