"""Precompiled validators (codegen/typescript/validators.py, issue #14 (b)).

The runtime takes a precompiled validator's verdict and violations without asking
Ajv: both must be Ajv's, as the runtime configures it. The verdict, and the
violation text the runtime reports with the validator and with Ajv alone (union
reports included), are compared on every sample of the repository and of the golden
cases, and on mutations of them (a value replaced by an edge case, a property
dropped or added, an item doubled), through each package's own runtime.
"""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks.npm import npm_ci
from codegen.api import generate_to
from codegen.compiler import ir
from codegen.emit import Settings
from codegen.typescript import validators
from codegen.typescript.validators import checks_files, modelled
from tests.conftest import ROOT

NODE_DIR = ROOT / "runtime" / "node"
GOLDEN = ROOT / "tests" / "golden"
EDGES: list[Any] = [
    None, True, False, 0, -1, 1, 1.5, -0.5, 1e308, 10**6, "", "x", "PENDING", "pending",
    "2026-02-30T10:00:00Z", "2026-12-04T09:30:00Z",
    "0b9e6f3c-8d1a-4c57-9a3e-2f6d1c4b7a10",
    "ada@example.com", "é" * 300, "🐲" * 70, "EUR", "19.99", [], [1, 1], ["a", "a"], {},
    {"kind": "card"}, {"x-extra": 1},
]  # fmt: skip


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*at, i))
    return found


def mutations(data: Any, rng: random.Random, count: int) -> list[Any]:
    out = []
    paths = _paths(data)
    for _ in range(count):
        doc = copy.deepcopy(data)
        path = rng.choice(paths)
        parent: Any = None
        node: Any = doc
        for step in path:
            parent, node = node, node[step]
        roll = rng.random()
        if roll < 0.5 and parent is not None:
            parent[path[-1]] = copy.deepcopy(rng.choice(EDGES))
        elif roll < 0.65 and isinstance(parent, dict):
            del parent[path[-1]]
        elif roll < 0.8 and isinstance(node, dict):
            node[rng.choice(["extra", "kind", "__proto__", "constructor"])] = (
                rng.choice(EDGES)
            )
        elif isinstance(node, list) and node:
            node.append(copy.deepcopy(node[0]))
        elif parent is None:
            doc = copy.deepcopy(rng.choice(EDGES))
        out.append(doc)
    return out


def judge(package: Path, items: list[tuple[str, Any]], tmp: Path) -> list[list[Any]]:
    """[precompiled verdict or None, Ajv verdict, violations with the precompiled
    validator or None, violations with Ajv alone] of each (contract, value)."""
    copy_to = tmp / "pkg"
    shutil.copytree(package, copy_to, ignore=shutil.ignore_patterns("node_modules"))
    (copy_to / "node_modules").symlink_to(NODE_DIR / "node_modules")
    payload = {"package": str(copy_to), "items": [[c, json.dumps(v)] for c, v in items]}
    done = subprocess.run(
        ["node", str(NODE_DIR / "test" / "precompiled.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    verdicts: list[list[Any]] = json.loads(done.stdout)
    return verdicts


def _repo_items() -> list[tuple[str, Any]]:
    root = ROOT / "tests" / "samples"
    return [
        (
            path.parent.relative_to(root).as_posix() + ".json",
            json.loads(path.read_text()),
        )
        for path in sorted(root.rglob("*.json"))
    ]


def _golden_items(case: Path) -> list[tuple[str, Any]]:
    samples = json.loads((case / "samples.json").read_text())
    return [(s["contract"], s["data"]) for s in samples]


def _check(package: Path, items: list[tuple[str, Any]], tmp: Path) -> int:
    """Asserts soundness and exactness; returns how many items had a check."""
    rng = random.Random(14)
    every = [(c, v) for c, v in items]
    every += [(c, m) for c, v in items for m in mutations(v, rng, 25)]
    verdicts = judge(package, every, tmp)
    unsound = [
        (c, v)
        for (c, v), (mine, ajv, *_) in zip(every, verdicts, strict=True)
        if mine and not ajv
    ]
    assert not unsound, unsound[:5]
    inexact = [
        (c, v, ajv)
        for (c, v), (mine, ajv, *_) in zip(every, verdicts, strict=True)
        if mine is not None and mine != ajv
    ]
    assert not inexact, inexact[:5]
    worded = [
        (c, v, mine, theirs)
        for (c, v), (_, _, mine, theirs) in zip(every, verdicts, strict=True)
        if mine is not None and mine != theirs
    ]
    assert not worded, worded[:3]
    return sum(1 for mine, *_ in verdicts if mine is not None)


@pytest.fixture(scope="module", autouse=True)
def _installed() -> None:
    npm_ci(NODE_DIR)


def test_repository_package(tmp_path: Path) -> None:
    """The repository's modules are small: they hold their functions (no
    ``.functions.js``, no code generated from strings), and agree with Ajv."""
    checks = ROOT / "generated" / "ts" / "_checks"
    modules = sorted(checks.rglob("*.cjs"))
    assert modules and not list(checks.rglob("*.functions.js"))
    assert not [m for m in modules if "eval(" in m.read_text()]
    items = _repo_items()
    checked = _check(ROOT / "generated" / "ts", items, tmp_path)
    assert checked == len(items) * 26  # every repository contract has its check


@pytest.mark.parametrize(
    "case",
    sorted(p for p in GOLDEN.iterdir() if (p / "samples.json").is_file()),
    ids=lambda p: p.name,
)
def test_golden_packages(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each golden case with its functions compiled on first call, as a big
    module's are (its golden files hold them in the module: tests/test_golden.py,
    and the repository's package runs that form above)."""
    monkeypatch.setattr(validators, "LAZY_BYTES", 0)
    generate_to(
        case / "schemas", tmp_path / "out", Settings(python_package="golden_pkg")
    )
    checks = tmp_path / "out" / "ts" / "_checks"
    lazy = sorted(str(p).removesuffix(".functions.js") for p in checks.rglob("*.js"))
    assert lazy and lazy == sorted(
        str(p).removesuffix(".cjs") for p in checks.rglob("*.cjs")
    )
    _check(tmp_path / "out" / "ts", _golden_items(case), tmp_path)


def _bundle(schema: dict[str, Any], draft: str = "2020-12") -> dict[str, ir.Bundle]:
    bundle = ir.Bundle(
        path="a.json", uri="file:///schemas/a.json", draft=draft, schema=schema
    )
    return {"a.json": bundle}


@pytest.mark.parametrize(
    "schema",
    [
        {"unevaluatedProperties": False},
        {"items": {"unevaluatedItems": False}},
        {"$dynamicRef": "#meta"},
        {"$ref": "#anchor"},
        {"type": "string", "nullable": True},
        {"items": [{"type": "string"}]},  # draft-07's form in a 2020-12 file
        {"additionalItems": False},  # no keyword of Ajv's 2020-12 engine
        {"propertyNames": {"anyOf": [{"maxLength": 2}, {"pattern": "^x"}]}},
    ],
)
def test_unmodelled_keywords_leave_the_contract_to_ajv(schema: dict[str, Any]) -> None:
    by_path = _bundle(schema)
    by_uri = {"file:///schemas/a.json": by_path["a.json"]}
    assert checks_files(by_uri, ["a.json"]) == {}
    assert list(modelled(by_uri, ["a.json"])) == ["a.json"]


def test_a_reference_across_drafts_is_left_to_ajv() -> None:
    """Ajv reads a referenced file with the referring contract's draft: modelled
    only within one draft."""
    seven = ir.Bundle(
        path="b.json", uri="file:///schemas/b.json", draft="7",
        schema={"type": "string"},
    )  # fmt: skip
    by_path = {**_bundle({"$ref": "file:///schemas/b.json"}), "b.json": seven}
    by_uri = {b.uri: b for b in by_path.values()}
    assert list(checks_files(by_uri, ["a.json", "b.json"])) == ["b.json"]
    assert list(modelled(by_uri, ["a.json", "b.json"])) == ["a.json"]


def _chain(length: int) -> tuple[dict[str, ir.Bundle], dict[str, ir.Bundle]]:
    """Files f0 .. f{length-1}; f{i} refers to f{i+1} through property ``next``."""
    by_path = {}
    for i in range(length):
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {"n": {"type": "integer"}},
        }
        if i + 1 < length:
            schema["properties"]["next"] = {"$ref": f"file:///schemas/f{i + 1}.json"}
        by_path[f"f{i}.json"] = ir.Bundle(
            path=f"f{i}.json", uri=f"file:///schemas/f{i}.json", draft="2020-12",
            schema=schema,
        )  # fmt: skip
    return {b.uri: b for b in by_path.values()}, by_path


def test_each_location_is_written_once_in_the_module_of_its_file() -> None:
    """A module held the functions of every file its contracts reach, so a chain
    made generate quadratic (a 200-file chain: 63,000 functions) until a bound left
    long chains to Ajv. Each location is written once, in its own file's module, and
    another file's is called through $.ref: every contract of a long chain is
    precompiled, with one function per file."""
    by_uri, _ = _chain(40)
    contracts = [f"f{i}.json" for i in range(40)]
    texts = checks_files(by_uri, contracts)
    assert modelled(by_uri, contracts) == {}
    assert sorted(texts) == sorted(contracts)
    assert all(
        text.count("\nfunction v") == 1 and code is None  # small: no .functions.js
        for text, code in texts.values()
    )
    assert '$.ref("f1.json#")' in texts["f0.json"][0]
    assert checks_files(by_uri, ["f0.json"]) == texts  # reached, so written


def test_every_modelled_keyword_reports_what_ajv_reports(tmp_path: Path) -> None:
    """tests/precompiled/: not, if/then/else, patternProperties, plain and tagged
    oneOf, dependentSchemas, prefixItems, contains with its bounds, uniqueItems (both
    of Ajv's loops), propertyNames, draft-07's items, additionalItems, dependencies
    and $ref beside other keywords; each with values that pass and that fail."""
    folder = ROOT / "tests" / "precompiled"
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for name in ("kw.json", "seven.json"):
        shutil.copy(folder / name, schemas / name)
    generate_to(schemas, tmp_path / "out", Settings(python_package="kw_pkg"))
    values = json.loads((folder / "values.json").read_text())
    items = [(c, v) for c, vs in sorted(values.items()) for v in vs]
    assert _check(tmp_path / "out" / "ts", items, tmp_path) == len(items) * 26


_WORDS = (
    "import { readFileSync } from 'node:fs';"
    "const { contract } = await import(process.argv[1]);"
    "const items = JSON.parse(readFileSync(0, 'utf8'));"
    "console.log(JSON.stringify(items.map(([c, v]) => contract(c).errors(v))));"
)


def _words_in_node(
    package: Path, items: list[tuple[str, Any]], *flags: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", *flags, "--input-type=module", "-e", _WORDS,
         str(package / "_runtime.js")],
        input=json.dumps(items), capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_small_modules_need_no_code_generation_from_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repository's package validates and words every contract's refusals in
    a process run with --disallow-code-generation-from-strings, as without it; a
    package in the big modules' form (functions compiled by eval on first call)
    cannot, so the flag is in force."""
    strict = "--disallow-code-generation-from-strings"
    items: list[tuple[str, Any]] = [
        (c, m) for c, v in _repo_items() for m in (v, dict[str, Any](), [1])
    ]
    package = tmp_path / "repo"
    shutil.copytree(
        ROOT / "generated" / "ts",
        package,
        ignore=shutil.ignore_patterns("node_modules"),
    )
    (package / "node_modules").symlink_to(NODE_DIR / "node_modules")
    plain, hardened = (
        _words_in_node(package, items),
        _words_in_node(package, items, strict),
    )
    assert plain.returncode == 0 and hardened.returncode == 0, hardened.stderr
    assert hardened.stdout == plain.stdout
    assert sum(1 for words in json.loads(plain.stdout) if words) >= len(items) // 2
    monkeypatch.setattr(validators, "LAZY_BYTES", 0)
    generate_to(ROOT / "schemas", tmp_path / "lazy")
    (tmp_path / "lazy" / "ts" / "node_modules").symlink_to(NODE_DIR / "node_modules")
    refused = _words_in_node(tmp_path / "lazy" / "ts", items, strict)
    assert refused.returncode != 0 and "EvalError" in refused.stderr


def test_a_lazy_branch_stub_rules_out_only_what_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big module's union branch is a stub that answers false, without compiling
    the branch, for a value its schema surely fails (validators.py `doom`: type
    object, required, string const/enum properties, through $ref, allOf and every
    member of a union; draft-07 ignores what is beside a $ref). Verdicts and words
    stay Ajv's on values each rule takes or must not take."""
    monkeypatch.setattr(validators, "LAZY_BYTES", 0)
    folder = ROOT / "tests" / "precompiled"
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for name in ("doom.json", "doom7.json"):
        shutil.copy(folder / name, schemas / name)
    generate_to(schemas, tmp_path / "out", Settings(python_package="doom_pkg"))
    module = (tmp_path / "out" / "ts" / "_checks" / "doom.json.cjs").read_text()
    assert '[1, "kind", "a"], [["kind", "a"]]' in module  # oneOf/0
    assert '[1, "kind"], [["kind", "a", "b1", "b2"]]' in module  # oneOf/2
    assert '[1, "kind", "a", "d"], [["kind"]]' in module  # oneOf/3: no kind fits
    seven = (tmp_path / "out" / "ts" / "_checks" / "doom7.json.cjs").read_text()
    assert '"never"' not in seven and '"no"' not in seven
    values: list[Any] = [
        {"kind": "a", "a": 1}, {"kind": "a"}, {"kind": "a", "a": 1, "c": 1},
        {"kind": "b1"}, {"kind": "b3"}, {"kind": "b2", "c": 1}, {"kind": 5},
        {"kind": "d", "d": 1, "a": 1}, {"kind": "s"}, {"kind": None, "z": 1},
        {"z": 1}, None, "s", 1, [], {}, {"x": "1"}, {"x": 1}, {"kind": "a", "never": 1},
        {"kind": "no", "x": "2"},
    ]  # fmt: skip
    items = [(c, v) for c in ("doom.json", "doom7.json") for v in values]
    assert _check(tmp_path / "out" / "ts", items, tmp_path) == len(items) * 26
