"""Node side: the generated npm package under real Node and the real tsc.

``tests/node_consumer`` is a Node project that installs the generated package from
its folder (``install-links``: copied, as from a registry), type-checks a consumer
with ``tsc --strict`` and runs it with ``node --test``. Golden TypeScript output is
compiled by the same tsc, and every sample gets the same verdict from Python, Node
and the reference validator.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation
from tests.conftest import (
    GOLDEN,
    ROOT,
    golden_cases,
    package_name,
    reference_validator,
    sample_cases,
)
from tests.test_verdicts import _repo_samples

CONSUMER = ROOT / "tests" / "node_consumer"
NPM = shutil.which("npm") or "npm"
NODE = shutil.which("node") or "node"


def _run(args: list[str], cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="session")
def consumer() -> Path:
    """The consumer project, its dependencies installed (the generated package too).

    The package is removed first: npm does not refresh a copied ``file:`` package
    whose version did not change, and the tests must see the current output.
    """
    shutil.rmtree(CONSUMER / "node_modules" / "@platform", ignore_errors=True)
    result = _run([NPM, "install", "--no-audit", "--no-fund"], CONSUMER)
    assert result.returncode == 0, result.stdout + result.stderr
    return CONSUMER


def test_consumer_compiles_strict_and_runs(consumer: Path) -> None:
    result = _run([NPM, "test"], consumer)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout, result.stdout


def test_wrong_field_type_is_a_compile_error(consumer: Path, tmp_path: Path) -> None:
    """Without @ts-expect-error, assigning a number field to a string fails tsc."""
    source = (consumer / "src" / "consumer.test.ts").read_text()
    broken = source.replace(
        "  // @ts-expect-error quantity is a number, not a string\n", ""
    )
    assert broken != source
    project = tmp_path / "project"
    shutil.copytree(
        consumer, project, symlinks=True, ignore=shutil.ignore_patterns("dist")
    )
    (project / "src" / "consumer.test.ts").write_text(broken)
    tsc = consumer / "node_modules" / ".bin" / "tsc"
    result = _run([str(tsc), "-p", ".", "--noEmit"], project)
    assert result.returncode != 0
    assert (
        "error TS2322: Type 'number' is not assignable to type 'string'"
        in result.stdout
    )


def test_golden_typescript_compiles_strict(
    consumer: Path, tmp_path: Path, golden_trees: dict[str, Path]
) -> None:
    cases = [golden_trees[c.name] for c in golden_cases() if c.name in golden_trees]
    assert len(cases) >= 10
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "skipLibCheck": False,
            "module": "NodeNext",
            "moduleResolution": "NodeNext",
            "target": "ES2022",
            "types": ["node"],
            "typeRoots": [str(consumer / "node_modules" / "@types")],
        },
        "include": [str(c / "ts" / "**" / "*.d.ts") for c in cases],
    }
    tsconfig = tmp_path / "tsconfig.json"
    tsconfig.write_text(json.dumps(config))
    (tmp_path / "node_modules").symlink_to(consumer / "node_modules")
    tsc = consumer / "node_modules" / ".bin" / "tsc"
    result = _run([str(tsc), "-p", str(tsconfig)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _node_verdicts(
    ts_root: Path, samples: list[dict[str, Any]], consumer: Path
) -> list[dict[str, Any]]:
    link = ts_root / "node_modules"
    if not link.exists():
        link.symlink_to(consumer / "node_modules")
    result = _run(
        [NODE, str(consumer / "verdicts.mjs"), str(ts_root)],
        consumer,
        input=json.dumps(
            [{"contract": s["contract"], "data": s["data"]} for s in samples]
        ),
    )
    assert result.returncode == 0, result.stderr
    verdicts: list[dict[str, Any]] = json.loads(result.stdout)
    return verdicts


JS_SAFE = 2**53
BEYOND_JS: list[str] = []
SAME_WORDS: list[bool] = []  # per invalid sample: identical violations in both
WORD_DIFFS: list[str] = []  # the invalid samples whose violations differ, and how


def js_exact(value: Any) -> bool:
    """Whether JSON.parse keeps every number of ``value`` exactly (|n| <= 2**53)."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) <= JS_SAFE
    if isinstance(value, list):
        return all(js_exact(v) for v in value)
    if isinstance(value, dict):
        return all(js_exact(v) for v in value.values())
    return True


def _three_way(
    schemas: Path,
    out: Path,
    package: str,
    samples: list[dict[str, Any]],
    consumer: Path,
) -> tuple[int, list[str]]:
    generate_to(schemas, out, Settings(python_package=package))
    sys.path.insert(0, str(out / "python"))
    contracts = Contracts(package)
    node = _node_verdicts(out / "ts", samples, consumer)
    failures = []
    for sample, node_verdict in zip(samples, node, strict=True):
        py_errors: list[tuple[str, str, str]] = []
        try:
            contracts.get(sample["contract"]).validate_python(sample["data"])
            py_ok = True
        except ContractViolation as exc:
            py_ok = False
            py_errors = sorted((v.pointer, v.expected, v.got) for v in exc.violations)
        if not py_ok and not node_verdict["valid"]:
            node_errors = sorted(
                (e["pointer"], e["expected"], e["got"]) for e in node_verdict["errors"]
            )
            SAME_WORDS.append(py_errors == node_errors)
            if py_errors != node_errors:
                only_py = sorted(set(py_errors) - set(node_errors))
                only_node = sorted(set(node_errors) - set(py_errors))
                WORD_DIFFS.append(
                    f"{sample['contract']} ({sample.get('note', '')}):"
                    f" python only {only_py}; node only {only_node}"
                )
        ref_ok = reference_validator(schemas, sample["contract"]).is_valid(
            sample["data"]
        )
        verdicts = (sample["valid"], ref_ok, py_ok, node_verdict["valid"])
        if len(set(verdicts[:3])) == 1 and not js_exact(sample["data"]):
            # JSON.parse rounds integers beyond 2**53: Node saw another instance.
            if verdicts[3] != verdicts[0]:
                BEYOND_JS.append(f"{sample['contract']} ({sample.get('note', '')})")
            continue
        if len(set(verdicts)) != 1:
            failures.append(
                f"{sample['contract']} ({sample.get('note', '')}): label, reference,"
                f" python, node = {verdicts}; node errors {node_verdict['errors']}"
            )
    return len(samples), failures


def test_python_node_and_reference_agree(
    consumer: Path, tmp_path: Path, clean_modules: None
) -> None:
    total = 0
    failures: list[str] = []
    BEYOND_JS.clear()
    SAME_WORDS.clear()
    WORD_DIFFS.clear()
    for case in sample_cases():
        samples = json.loads((case / "samples.json").read_text())
        count, bad = _three_way(
            case / "schemas",
            tmp_path / case.name,
            package_name(case),
            samples,
            consumer,
        )
        total += count
        failures += [f"{case.name}: {f}" for f in bad]
    count, bad = _three_way(
        ROOT / "schemas",
        tmp_path / "repo",
        "repo_contracts_node",
        _repo_samples(),
        consumer,
    )
    total += count
    failures += [f"schemas: {f}" for f in bad]
    agree = total - len(failures) - len(BEYOND_JS)
    print(
        f"\n{agree} of {total} samples: same verdict from label,"
        f" jsonschema, Python and Node, except {len(BEYOND_JS)} where Node differs"
        f" because JSON.parse rounds integers beyond 2**53: {BEYOND_JS}"
    )
    assert len(BEYOND_JS) <= 3
    assert not failures, "\n".join(failures)
    same = sum(SAME_WORDS)
    print(
        f"{same} of {len(SAME_WORDS)} invalid samples:"
        " the same violations, word for word; the others:\n" + "\n".join(WORD_DIFFS)
    )
    # Where they differ: errors only one runtime reports (a summary of a failed
    # anyOf, if/then; one type error per branch of a type list), or numbers that
    # JSON.parse turned from 1.0 into 1. A regression in the shared wording shows.
    assert same >= 0.9 * len(SAME_WORDS)


def test_validate_cli_with_node_runtime(consumer: Path) -> None:
    samples = ROOT / "tests" / "samples" / "order" / "order_created.v1"
    docs = [
        str(samples / "valid-full.json"),
        str(samples / "invalid-string-quantity.json"),
    ]
    env = dict(os.environ)
    outputs = {}
    for runtime in ("python", "node"):
        result = subprocess.run(
            [str(Path(sys.executable).parent / "contracts"), "validate", "--runtime",
             runtime, "--contract", "order/order_created.v1.json", *docs],  # fmt: skip
            cwd=ROOT, capture_output=True, text=True, env=env,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        outputs[runtime] = result.stdout
    assert outputs["python"] == outputs["node"]
    assert '/lines/0/quantity: expected an integer, got "5"' in outputs["node"]
    assert GOLDEN.is_dir()


_HOSTILE_PROBE = """
const mod = await import(process.argv[1]);
const out = { exports: Object.keys(mod).sort(), values: mod.HostileEnumValues };
process.stdout.write(JSON.stringify(out));
"""


def test_hostile_text_stays_data_in_javascript(consumer: Path, tmp_path: Path) -> None:
    """Quotes, newlines, ``*/`` and ``${}`` in schema text never become code."""
    case = GOLDEN / "hostile_text"
    generate_to(case / "schemas", tmp_path, Settings(python_package="hostile_js"))
    ts = tmp_path / "ts"
    (ts / "node_modules").symlink_to(consumer / "node_modules")
    module = (ts / "hostile_thing.js").as_uri()
    result = _run([NODE, "--input-type=module", "-e", _HOSTILE_PROBE, module], ts)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    schema = json.loads((case / "schemas" / "hostile_thing.json").read_text())
    assert probe["values"] == schema["$defs"]["HostileEnum"]["enum"]
    validators = [
        f"{verb}{name}{suffix}"
        for name in ("HostileThing", "HostileEnum")
        for verb, suffix in (("is", ""), ("parse", ""), ("parse", "Json"))
    ]
    assert probe["exports"] == sorted([*validators, "HostileEnumValues"])
    declarations = (ts / "hostile_thing.d.ts").read_text()
    assert "export const pwned" not in declarations.replace("*\\/ export const", "")


def test_tagged_unions_report_the_named_branch_only(
    consumer: Path, tmp_path: Path
) -> None:
    """A union told apart by a const tag carries Ajv's discriminator in the bundle:
    Node validates the branch the tag names, and the report (as Python's: see
    tests/test_union_report.py) names that branch and gives its errors alone;
    non-objects are still refused."""
    case = GOLDEN / "unions"
    out = tmp_path / "out"
    generate_to(case / "schemas", out, Settings(python_package="case_unions_tag"))
    bundled = (out / "ts" / "_schemas.js").read_text()
    assert bundled.count('\\"discriminator\\":{\\"propertyName\\":\\"kind\\"}') == 1
    base = {"id": "a", "shape": {"kind": "circle", "radius": 1}}
    samples = [
        {"contract": "shape_envelope.json", "data": {**base, "shape": shape}}
        for shape in (
            {"kind": "circle", "radius": 1},
            {"kind": "triangle", "radius": 1},
            {"radius": 1},
            {"kind": "circle", "radius": -1},
            None,
            "circle",
        )
    ]
    got = [
        (v["valid"], [(e["pointer"], e["expected"]) for e in v["errors"]])
        for v in _node_verdicts(out / "ts", samples, consumer)
    ]
    tried = "tried Circle, Square, Rectangle"
    assert got[:4] == [
        (True, []),
        (
            False,
            [
                ("/shape", f'a branch its "kind" names ({tried})'),
                ("/shape/kind", 'one of "circle", "square", "rectangle"'),
            ],
        ),
        (
            False,
            [
                ("/shape", f"the Circle branch (the closest; {tried})"),
                ("/shape/kind", "a required property"),
            ],
        ),
        (
            False,
            [
                ("/shape", f'the Circle branch (picked by its "kind"; {tried})'),
                ("/shape/radius", "a number > 0"),
            ],
        ),
    ]
    assert [valid for valid, _ in got[4:]] == [False, False]
