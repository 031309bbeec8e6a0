"""Differential fuzzing: Python runtime, Node runtime and jsonschema on the same JSON.

For every contract of ``schemas/`` and of every golden case that compiles (each
file's root and top-level ``$defs``: the manifest's contracts, which include every
``samples.json`` contract id), hypothesis draws instances:

- valid ones from hypothesis-jsonschema, on the contract's schema with its
  ``$ref``s inlined (where hypothesis-jsonschema accepts it), and the contract's
  samples (``samples.json``, ``tests/samples/``);
- near-valid ones: one of those with one mutation at one place (a key dropped, a
  value of another type, a string or number perturbed, an unknown key added, an
  array item dropped or repeated);
- arbitrary small JSON values.

Each instance, as JSON text, is judged by the Python runtime (``validate_json``,
and ``validate_python`` on the parsed value), by the generated TypeScript under
Node (one long-lived Node process) and by jsonschema over the source schemas with
the semantics the contracts document (formats by the package's checkers,
ECMA-262 patterns, decimal ``multipleOf``: README "What the generated models
guarantee"). All must agree; a crash is a failure. An instance with an integer
beyond 2**53 is not compared in Node (JSON.parse rounds it; README says so).

Two deterministic companions: every sample with every single fixed mutation at
every place (one Node batch), and samples with ``NaN``/``Infinity`` in place of a
number, which are not JSON and must be refused by both runtimes.

The number of examples per contract comes from a hypothesis profile:
``HYPOTHESIS_PROFILE=ci`` (the default: few, derandomized, so ``make test`` is
stable) or ``long``::

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz.py -s
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import referencing
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from referencing.jsonschema import DRAFT7, DRAFT202012

from benchmarks.differential import (
    NodeItem,
    NodeWorker,
    Package,
    Workspace,
    js_exact,
    python_verdict,
    reference_validator,
    start_node,
)
from runtime import Contracts, ContractViolation
from tests.conftest import ROOT, golden_cases

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[p for p in Phase if p is not Phase.shrink],  # report, don't minimise
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "long",
    max_examples=500,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings(settings.get_profile(PROFILE))

ROOT_URI = "file:///schemas/"
MAX_INLINE = 2  # $ref levels inlined for hypothesis-jsonschema (recursion is cut)


@dataclass(frozen=True)
class Target:
    """One contract of one generated package, with what hypothesis draws from."""

    label: str  # "schemas" or the golden case
    schemas: Path
    package: str
    contract: str
    seeds: tuple[Any, ...]

    @property
    def id(self) -> str:
        return f"{self.label}:{self.contract}"


def _folders() -> list[tuple[str, Path]]:
    return [("schemas", ROOT / "schemas")] + [
        (case.name, case / "schemas") for case in golden_cases()
    ]


def _in_folder(schemas: Path, contract: str) -> bool:
    """A contract of a file of the folder (not an official meta-schema the
    compiler added: those are fuzzed through the contracts that reference them)."""
    return (schemas / contract.partition("#")[0]).is_file()


def _seeds(label: str, contract: str) -> tuple[Any, ...]:
    found: list[Any] = []
    if label == "schemas":
        folder = ROOT / "tests" / "samples" / contract.removesuffix(".json")
        found = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    else:
        samples = ROOT / "tests" / "golden" / label / "samples.json"
        if samples.is_file():
            found = [
                s["data"]
                for s in json.loads(samples.read_text())
                if s["contract"] == contract
            ]
    return tuple(found)


@dataclass
class Stats:
    """What the fuzzing saw, printed by the last test of this module."""

    verdicts: Counter[str] = field(default_factory=Counter)
    by_contract: dict[str, Counter[str]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    sources: Counter[str] = field(default_factory=Counter)


STATS = Stats()


class Env:
    """The generated packages, the Node worker and the contracts to fuzz."""

    def __init__(
        self,
        space: Workspace,
        node: NodeWorker,
        packages: dict[str, Package],
        targets: list[Target],
    ) -> None:
        self.space = space
        self.node = node
        self.packages = packages
        self.targets = targets

    def __repr__(self) -> str:
        return f"Env({len(self.targets)} contracts)"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    space = Workspace(tmp_path_factory.mktemp("fuzz"))
    packages: dict[str, Package] = {}
    targets: list[Target] = []
    for i, (label, schemas) in enumerate(_folders()):
        built = space.build(schemas, f"fuzz_{i:02d}_{label}")
        if not isinstance(built, Package):
            STATS.refused.append(f"{label}: {', '.join(built.reasons())}")
            continue
        packages[label] = built
        for contract in filter(partial(_in_folder, schemas), built.contracts):
            seeds = _seeds(label, contract)
            targets.append(Target(label, schemas, built.name, contract, seeds))
    node = NodeWorker()
    yield Env(space, node, packages, targets)
    node.close()
    for name in [m for m in sys.modules if m.startswith("fuzz_")]:
        del sys.modules[name]


def _target_ids() -> list[str]:
    """The contracts of every folder that compiles (compiled in memory: fast)."""
    from codegen.api import generate
    from codegen.errors import CompileError

    ids = []
    for label, schemas in _folders():
        try:
            files = generate(schemas).files
        except CompileError:
            continue
        manifest = json.loads(files["python/platform_contracts/manifest.json"])
        ids += [
            f"{label}:{e['contract']}"
            for e in manifest["contracts"]
            if _in_folder(schemas, e["contract"])
        ]
    return ids


TARGET_IDS = _target_ids()


# -- instances -------------------------------------------------------------------------

# ASCII digits to Arabic-Indic ones: `\d` is ASCII-only in ECMA-262 patterns.
NON_ASCII_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _inline(schema: Any, resolver: Any, spec: Any, depth: int = 0) -> Any:
    """``schema`` with every ``$ref`` replaced by its target (recursion cut at a
    few levels by ``{}``), for hypothesis-jsonschema, which resolves no file."""
    if depth > MAX_INLINE:
        return {}
    if isinstance(schema, list):
        return [_inline(s, resolver, spec, depth) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if isinstance(schema.get("$id"), str):
        resolver = resolver.in_subresource(spec.create_resource(schema))
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in (
            "$id",
            "$schema",
            "$anchor",
            "$dynamicAnchor",
            "$defs",
            "definitions",
            "$comment",
            "$ref",
            "$dynamicRef",
        ):
            continue
        if key in ("properties", "patternProperties", "dependentSchemas"):
            out[key] = {k: _inline(v, resolver, spec, depth) for k, v in value.items()}
        elif key in ("enum", "const", "default", "examples", "required"):
            out[key] = value
        else:
            out[key] = _inline(value, resolver, spec, depth)
    ref = schema.get("$ref", schema.get("$dynamicRef"))
    if isinstance(ref, str):
        resolved = resolver.lookup(ref)
        target = _inline(resolved.contents, resolved.resolver, spec, depth + 1)
        if spec is DRAFT7 or not out:
            return target
        return {"allOf": [target, out]}
    return out


def _valid_strategy(target: Target) -> st.SearchStrategy[Any] | None:
    from hypothesis_jsonschema import from_schema

    path, _, fragment = target.contract.partition("#")
    text = (target.schemas / path).read_text()
    document = json.loads(text)
    seven = isinstance(document, dict) and "draft-07" in str(document.get("$schema"))
    spec = DRAFT7 if seven else DRAFT202012
    resources = []
    for p in sorted(target.schemas.rglob("*.json")):
        rel = p.relative_to(target.schemas).as_posix()
        if rel != "catalog.json":
            resources.append(
                (ROOT_URI + rel, spec.create_resource(json.loads(p.read_text())))
            )
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        resources
    )
    resource = spec.create_resource(document)
    resolver = registry.resolver_with_root(resource)
    base = resource.id() or (ROOT_URI + path)
    try:
        resolved = resolver.lookup(f"{base}#{fragment}") if fragment else None
        if resolved is None:
            schema = _inline(document, resolver, spec)
        else:
            schema = _inline(resolved.contents, resolved.resolver, spec)
        strategy = from_schema(schema)
        strategy.validate()
    except (
        HypothesisException,
        referencing.exceptions.Unresolvable,
        ValueError,
        TypeError,
        RecursionError,
        KeyError,
    ):
        return None
    return strategy


def _paths(value: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*here, i))


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _numbers_near(n: float) -> list[float]:
    """Numbers next to ``n`` that are still JSON (finite)."""
    out: list[float] = [0, 2**53 + 1, 1e300]
    makers: list[Callable[[], float]] = [
        lambda: n + 1,
        lambda: n - 1,
        lambda: -n,
        lambda: n * 10,
        lambda: n + 0.5,
        lambda: float(n) if isinstance(n, int) else int(n),
    ]
    for make in makers:
        try:
            candidate = make()
        except (OverflowError, ValueError):
            continue
        if not isinstance(candidate, float) or math.isfinite(candidate):
            out.append(candidate)
    return out


@st.composite
def near(draw: st.DrawFn, base: st.SearchStrategy[Any]) -> Any:
    """A value from ``base`` with one mutation at one place."""
    value = draw(base)
    path = draw(st.sampled_from(list(_paths(value))))
    node = _get(value, path)
    ops = ["retype", "null"]
    if isinstance(node, dict):
        ops += ["add-key"] + (["drop-key"] if node else [])
    if isinstance(node, list):
        ops += ["append", "empty"] + (["drop-item", "repeat-item"] if node else [])
    if isinstance(node, str):
        ops += ["string"]
    if isinstance(node, int | float) and not isinstance(node, bool):
        ops += ["number"]
    op = draw(st.sampled_from(ops))
    new: Any
    if op == "retype":
        new = draw(JSON_SCALARS | st.just([]) | st.just({}))
    elif op == "null":
        new = None
    elif op == "add-key":
        new = {**node, draw(st.text(max_size=6)): draw(JSON_SCALARS)}
    elif op == "drop-key":
        gone = draw(st.sampled_from(sorted(node)))
        new = {k: v for k, v in node.items() if k != gone}
    elif op == "append":
        new = [*node, draw(JSON_VALUES)]
    elif op == "empty":
        new = []
    elif op in ("drop-item", "repeat-item"):
        i = draw(st.integers(0, len(node) - 1))
        new = node[:i] + node[i + 1 :] if op == "drop-item" else [*node, node[i]]
    elif op == "string":
        new = draw(
            st.sampled_from(
                [
                    "",
                    node + " ",
                    " " + node,
                    node[:-1],
                    node + node,
                    node.upper(),
                    node + "\n",
                    node.replace("-", ""),
                    node.translate(NON_ASCII_DIGITS),
                    node + "é",
                    node[::-1],
                ]
            )
            | st.text(max_size=3).map(lambda s: node[: len(node) // 2] + s)
        )
    else:  # number
        new = draw(st.sampled_from(_numbers_near(node)))
    return _replace(value, path, new)


_STRATEGIES: dict[str, st.SearchStrategy[tuple[str, Any]]] = {}


def instances(target: Target) -> st.SearchStrategy[tuple[str, Any]]:
    """(source, instance) pairs for a contract."""
    cached = _STRATEGIES.get(target.id)
    if cached is not None:
        return cached
    valid: list[st.SearchStrategy[Any]] = []
    generated = _valid_strategy(target)
    if generated is not None:
        valid.append(generated)
        STATS.sources["contracts with hypothesis-jsonschema"] += 1
    if target.seeds:
        valid.append(st.sampled_from(target.seeds))
        STATS.sources["contracts with samples"] += 1
    base = st.one_of(valid) if valid else JSON_VALUES
    strategy = st.one_of(
        base.map(lambda v: ("valid-source", v)),
        near(base).map(lambda v: ("near-valid", v)),
        JSON_VALUES.map(lambda v: ("arbitrary", v)),
    )
    _STRATEGIES[target.id] = strategy
    return strategy


# -- the test --------------------------------------------------------------------------

_REFERENCES: dict[str, Any] = {}
_CONTRACTS: dict[str, Contracts] = {}


def _python_value(target: Target, value: Any) -> str:
    contracts = _CONTRACTS.setdefault(target.package, Contracts(target.package))
    try:
        contracts.get(target.contract).validate_python(value)
    except ContractViolation:
        return "invalid"
    except Exception as exc:
        return f"CRASH ({type(exc).__name__}: {exc})"
    return "valid"


def _target(env: Env, target_id: str) -> Target:
    for t in env.targets:
        if t.id == target_id:
            return t
    pytest.fail(f"{target_id} did not compile: {STATS.refused}")


@pytest.mark.parametrize("target_id", TARGET_IDS)
@FUZZ
@given(data=st.data())
def test_python_node_and_reference_agree(env: Env, target_id: str, data: Any) -> None:
    target = _target(env, target_id)
    source, instance = data.draw(instances(target), label="instance")
    text = json.dumps(instance, allow_nan=False)  # JSON only (see the test below)
    value = json.loads(text)
    reference = _REFERENCES.get(target.id)
    if reference is None:
        reference = _REFERENCES[target.id] = reference_validator(
            target.schemas, target.contract, aligned=True
        )
    ref = "valid" if reference.is_valid(value) else "invalid"
    py = python_verdict(target.package, target.contract, text)
    py_value = _python_value(target, value)
    node = env.node.verdict(env.packages[target.label].ts, target.contract, text)
    verdicts = {
        "reference": ref,
        "python validate_json": py.show(),
        "python validate_python": py_value,
        "node": node.show(),
    }
    compared = dict(verdicts)
    if not js_exact(value):
        del compared["node"]  # JSON.parse rounds integers beyond 2**53
        STATS.verdicts["node not compared (integer beyond 2**53)"] += 1
    words = {v.split(" ", 1)[0] for v in compared.values()}
    counter = STATS.by_contract.setdefault(target.id, Counter())
    counter[f"{source} {ref}"] += 1
    STATS.verdicts[f"{source} {ref}"] += 1
    if words != {ref}:
        STATS.verdicts["disagreements"] += 1
    shown = "\n".join(f"  {k}: {v[:400]}" for k, v in verdicts.items())
    assert words == {ref}, (
        f"{target.id}: verdicts differ on ({source}) instance\n  {text[:2000]}\n{shown}"
    )


def _single_mutations(value: Any) -> Iterator[Any]:
    """Every sample with one fixed mutation at one place (deterministic)."""
    for path in _paths(value):
        node = _get(value, path)
        news: list[Any] = [None]
        if isinstance(node, dict):
            news += [{k: v for k, v in node.items() if k != gone} for gone in node]
        if isinstance(node, str):
            news += ["", node + "\n", node.translate(NON_ASCII_DIGITS), node + " "]
        if isinstance(node, int | float) and not isinstance(node, bool):
            news += [n for n in _numbers_near(node) if n != node]
        for new in news:
            if new != node:
                yield _replace(value, path, new)


def test_single_mutations_of_samples_agree(env: Env) -> None:
    """Each sample, and each one-place mutation of it (a key dropped, null, a string
    emptied or with a newline or non-ASCII digits, a number moved): Python, Node
    (one batch) and the reference give the same verdict."""
    cases: list[tuple[Target, str]] = []
    for target in env.targets:
        for seed in target.seeds:
            texts = {json.dumps(seed)}
            texts.update(json.dumps(m) for m in _single_mutations(seed))
            cases += [(target, text) for text in sorted(texts)]
    node = start_node(
        [NodeItem(env.packages[t.label].ts, t.contract, text) for t, text in cases]
    )
    failures = []
    counts: Counter[str] = Counter()
    for target, text in cases:
        value = json.loads(text)
        reference = _REFERENCES.get(target.id)
        if reference is None:
            reference = _REFERENCES[target.id] = reference_validator(
                target.schemas, target.contract, aligned=True
            )
        ref = reference.is_valid(value)
        py = python_verdict(target.package, target.contract, text)
        counts["valid" if ref else "invalid"] += 1
        failures.append((target, text, ref, py))
    node_verdicts = node.result()
    wrong = []
    beyond_js: list[str] = []
    for (target, text, ref, py), nd in zip(failures, node_verdicts, strict=True):
        value = json.loads(text)
        node_exact = js_exact(value) and _schemas_js_exact(target.schemas)
        if not node_exact and nd.valid != ref:
            # JavaScript numbers are doubles: an instance or a schema bound beyond
            # 2**53 is rounded by JSON.parse (README: carry such values as strings).
            beyond_js.append(target.id)
        if py.valid != ref or (node_exact and nd.valid != ref):
            wrong.append(
                f"{target.id}: {text[:300]}\n  reference: {ref}\n  python:"
                f" {py.show()[:300]}\n  node: {nd.show()[:300]}"
            )
    print(
        f"\nsingle mutations of samples: {len(cases)} instances, {dict(counts)};"
        f" {len(beyond_js)} where Node differs only because numbers beyond 2**53"
        f" round in JavaScript: {sorted(set(beyond_js))}"
    )
    assert len(set(beyond_js)) <= 2  # only contracts with bounds beyond 2**53
    assert len(cases) >= 500
    assert not wrong, f"{len(wrong)} of {len(cases)}:\n" + "\n".join(wrong[:40])


_EXACT: dict[Path, bool] = {}


def _schemas_js_exact(schemas: Path) -> bool:
    """Whether every number in a schemas folder survives JSON.parse exactly."""
    if schemas not in _EXACT:
        _EXACT[schemas] = all(
            js_exact(json.loads(p.read_text())) for p in schemas.rglob("*.json")
        )
    return _EXACT[schemas]


def _number_path(value: Any) -> tuple[Any, ...] | None:
    for path in _paths(value):
        node = _get(value, path)
        if isinstance(node, int | float) and not isinstance(node, bool):
            return path
    return None


def test_non_json_number_tokens_are_refused(env: Env) -> None:
    """``NaN``/``Infinity`` are not JSON (RFC 8259): both runtimes must refuse a
    sample with one in place of a number, as JSON.parse does (found by fuzzing)."""
    failures = []
    checked = 0
    for target in env.targets:
        for seed in target.seeds:
            path = _number_path(seed)
            if path is None:
                continue
            for token in (math.nan, math.inf, -math.inf):
                text = json.dumps(_replace(seed, path, token))
                py = python_verdict(target.package, target.contract, text)
                node = env.node.verdict(
                    env.packages[target.label].ts, target.contract, text
                )
                checked += 1
                if py.valid is not False or node.valid is not False:
                    failures.append(
                        f"{target.id}: {text[:200]}\n  python: {py.show()[:200]}"
                        f"\n  node: {node.show()[:200]}"
                    )
    assert checked >= 20
    assert not failures, f"{len(failures)} of {checked}:\n" + "\n".join(failures)


def test_fuzzing_covered_every_contract(env: Env) -> None:
    """Printed summary; every contract was fuzzed, most saw valid and invalid."""
    print(f"\nfuzz profile {PROFILE!r}: {len(env.targets)} contracts")
    for key, n in sorted(STATS.verdicts.items()):
        print(f"  {key}: {n}")
    for key, n in sorted(STATS.sources.items()):
        print(f"  {key}: {n}")
    both = [
        t
        for t, c in STATS.by_contract.items()
        if any(k.endswith(" valid") for k in c)
        and any(k.endswith("invalid") for k in c)
    ]
    print(f"  contracts that saw valid and invalid instances: {len(both)}")
    print(f"  golden cases refused (expected: error_*): {STATS.refused}")
    assert all(r.startswith("error_") for r in STATS.refused), STATS.refused
    assert {t.id for t in env.targets} == set(TARGET_IDS)
    if STATS.by_contract:  # the fuzz test ran in this session
        assert set(STATS.by_contract) == set(TARGET_IDS)
        assert len(both) >= 0.8 * len(TARGET_IDS)
