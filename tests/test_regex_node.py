"""``pattern`` in Node: re2js on the compiler's RE2 translation, V8 as the reference.

The same tables as ``tests/test_regex.py``: hostile patterns return a verdict (V8
would hang on them, so it is not asked), every feature gives V8's verdict, every
Unicode property name compiles in re2js and V8, every pattern the project ships
compiles in re2js, and Ajv in the generated package runs patterns in re2js.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks.npm import npm_ci
from codegen.api import generate_to
from codegen.checks.validate import validate_node
from codegen.emit import Settings
from codegen.typescript.native_patterns import (
    _PatternReader,
    _PositionAutomaton,
    native_safe,
)
from runtime.support import unicode_names
from runtime.support.ecma import translate
from tests.conftest import ROOT
from tests.test_patterns_once import INVALID as ONCE_INVALID
from tests.test_patterns_once import SCHEMA as ONCE_SCHEMA
from tests.test_patterns_once import VALID as ONCE_VALID
from tests.test_regex import (
    EDGE_DOCUMENTS,
    HOSTILE,
    LENIENT,
    MEANING,
    edge_package,
    shipped_patterns,
)

NODE_DIR = ROOT / "runtime" / "node"


@pytest.fixture(autouse=True, scope="module")
def _re2js() -> None:
    """runtime/node's pinned devDependencies (re2js among them) installed."""
    npm_ci(NODE_DIR)


def run_node(items: list[tuple[str, str, bool]]) -> list[list[Any]]:
    """(ECMA source, text, skip V8) -> [re2js verdict, V8 verdict] each."""
    payload = [[src, translate(src).re2, text, skip] for src, text, skip in items]
    result = subprocess.run(
        ["node", str(NODE_DIR / "test" / "regex.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=NODE_DIR,
        check=True,
    )
    verdicts: list[list[Any]] = json.loads(result.stdout)
    return verdicts


def test_hostile_patterns_return_a_verdict_in_re2js() -> None:
    verdicts = run_node([(src, text, True) for src, text, _ in HOSTILE])
    assert [v[0] for v in verdicts] == [found for _, _, found in HOSTILE]


def test_re2js_and_v8_agree_on_every_feature() -> None:
    verdicts = run_node([(src, text, False) for src, text, _ in MEANING])
    for (src, text, found), (mine, v8) in zip(MEANING, verdicts, strict=True):
        assert mine == found, (src, text)
        if src in LENIENT:  # V8 refuses these under the u flag
            assert str(v8).endswith("Invalid escape"), (src, v8)
        else:
            assert v8 == found, (src, text)


def test_unicode_property_names_compile_in_re2js_and_v8() -> None:
    sources = [f"\\p{{{n}}}" for n in unicode_names.GENERAL_CATEGORY]
    sources += [f"[^\\P{{sc={n}}}]" for n in unicode_names.SCRIPT]
    verdicts = run_node([(src, "a", False) for src in sources])
    errors = [
        (s, v)
        for s, v in zip(sources, verdicts, strict=True)
        if str(v[0]).startswith("error") or str(v[1]).startswith("error")
    ]
    assert not errors
    mismatched = [s for s, v in zip(sources, verdicts, strict=True) if v[0] != v[1]]
    assert not mismatched


def test_every_shipped_pattern_compiles_in_re2js() -> None:
    items = []
    for _, source in shipped_patterns():
        try:
            translate(source)
        except ValueError:
            continue  # refused at generation (tests/test_regex.py)
        items.append((source, "", True))
    verdicts = run_node(items)
    errors = [
        i[0] for i, v in zip(items, verdicts, strict=True) if not isinstance(v[0], bool)
    ]
    assert not errors


def test_ajv_runs_patterns_in_re2js(tmp_path: Path) -> None:
    """A hostile pattern through the generated package's validator: V8 would block
    for seconds on this input (issue 13); re2js answers at once."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "slug.json").write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "properties": {
                    "a": {"type": "string", "pattern": "^(a+)+$"},
                    "w": {"type": "string", "pattern": "^(\\w+\\s?)*$"},
                },
                "patternProperties": {"^x-(\\w+\\s?)*$": {"type": "integer"}},
            }
        )
    )
    out = tmp_path / "out"
    generate_to(schemas, out, Settings(python_package="slug_pkg"))
    (out / "ts" / "node_modules").symlink_to(NODE_DIR / "node_modules")
    hostile = "a" * 40 + "!"
    words = "some words " * 50 + "!"
    documents = {
        "ok.json": {"a": "aaa", "w": "two words", "x-fine": 1},
        "bad.json": {"a": hostile, "w": words, "x-" + "ab " * 30 + "!": "s"},
        "key.json": {"x-ab cd": "not an integer"},
    }
    paths = []
    for name, doc in documents.items():
        (tmp_path / name).write_text(json.dumps(doc))
        paths.append(tmp_path / name)
    verdicts = validate_node(out / "ts", "slug.json", paths)
    assert [v.valid for v in verdicts] == [True, False, False]
    assert [e.split(", got ")[0] for e in verdicts[1].errors] == [
        "/a: expected a string matching ^(a+)+$",
        "/w: expected a string matching ^(\\w+\\s?)*$",
    ]
    assert verdicts[2].errors == (
        '/x-ab cd: expected an integer, got "not an integer"',
    )


def test_pattern_property_keys_read_as_ecma_in_node(tmp_path: Path) -> None:
    """The same documents as the Python full check's test, same verdicts."""
    out = edge_package(tmp_path)
    (out / "ts" / "node_modules").symlink_to(NODE_DIR / "node_modules")
    paths = []
    for i, (document, _) in enumerate(EDGE_DOCUMENTS):
        path = tmp_path / f"d{i}.json"
        path.write_text(json.dumps(document))
        paths.append(path)
    verdicts = validate_node(out / "ts", "edge.json", paths)
    assert [v.valid for v in verdicts] == [valid for _, valid in EDGE_DOCUMENTS]


def test_suite_regex_files_agree_in_both_runtimes(tmp_path: Path) -> None:
    """The JSON-Schema-Test-Suite's optional ecmascript-regex and non-bmp-regex
    files (both drafts): every case compiles, both runtimes give every verdict."""
    from benchmarks.conformance import run

    report = run(False, tmp_path, only="-regex.json")
    rows = [r for r in report["files"] if "/optional/format/" not in r["name"]]
    assert sorted(r["name"] for r in rows) == [
        "draft2020-12/optional/ecmascript-regex.json",
        "draft2020-12/optional/non-bmp-regex.json",
        "draft7/optional/ecmascript-regex.json",
        "draft7/optional/non-bmp-regex.json",
    ]
    for row in rows:
        assert row["compiled"] == row["cases"] > 0, row
        assert row["python"] == {"agree": row["tests"]}, row
        assert row["node"] == {"agree": row["tests"]}, row


def test_each_pattern_runs_once_per_value_in_node(tmp_path: Path) -> None:
    """#13.2 in Node: re2js's compile wrapped, every (pattern, string) pair of a
    valid message is matched once, by the contract's validator, by buildEnvelope
    and by readEnvelope (the stream path): Ajv is the only pass over a message.
    The wrapper keeps what Ajv keys compiled expressions by (toString)."""
    schemas = tmp_path / "schemas"
    (schemas / "common").mkdir(parents=True)
    (schemas / "a.json").write_text(json.dumps(ONCE_SCHEMA))
    shutil.copy(ROOT / "schemas" / "envelope.v1.json", schemas)
    for name in ("ids.json", "trace.json"):
        shutil.copy(ROOT / "schemas" / "common" / name, schemas / "common")
    out = tmp_path / "out"
    settings = Settings(python_package="once_node_pkg", envelope="envelope.v1.json")
    generate_to(schemas, out, settings)
    (out / "ts" / "node_modules").symlink_to(NODE_DIR / "node_modules")
    result = subprocess.run(
        ["node", str(NODE_DIR / "test" / "patterns_once.mjs"), str(out / "ts"),
         "a.json", "test.patterns", "1"],
        input=json.dumps(ONCE_VALID + ONCE_INVALID), capture_output=True, text=True,
        cwd=NODE_DIR, check=True,
    )  # fmt: skip
    steps: list[dict[str, Any]] = json.loads(result.stdout)
    for document, step in zip(ONCE_VALID, steps, strict=False):
        for name in ("parse", "build", "read"):
            assert step[name]["error"] is None, (document, name, step[name])
            assert step[name]["matches"] > 0, (document, name)
            assert step[name]["twice"] == [], (document, name)
    # A refused message may be matched again where its words come from (Ajv after an
    # accept-check, a failing union's explanation): docs/regex.md. Refused it is.
    for document, step in zip(ONCE_INVALID, steps[len(ONCE_VALID) :], strict=True):
        assert step["parse"]["error"] == "ContractViolation", document


def _texts(source: str, rng: random.Random, count: int) -> list[str]:
    """Strings near what ``source`` matches: walks of its position automaton (counts
    ignored), cut, extended or with a character changed, and characters at the edges
    of its classes."""
    parser = _PatternReader(source[1:])
    automaton = _PositionAutomaton()
    _, first, _ = automaton.walk(parser.disjunction())
    edges = ["", "\n", "\u2028", "é", "🐲", " ", "\u00a0", "-", ".", "\ud800"]
    for ranges in automaton.chars:
        for lo, hi in ranges[:6]:
            for cp in (lo - 1, lo, hi, hi + 1):
                if 0 <= cp <= 0x10FFFF:
                    edges.append(chr(cp))
    texts = []
    for _ in range(count):
        out: list[str] = []
        group = first
        for _ in range(rng.randrange(0, 24)):
            if not group:
                break
            p = rng.choice(group)
            if not automaton.chars[p]:
                break  # [] matches nothing
            lo, hi = rng.choice(automaton.chars[p])
            out.append(chr(rng.choice([lo, hi, rng.randint(lo, min(hi, lo + 300))])))
            group = automaton.follow[p]
        if out and rng.random() < 0.4:
            out[rng.randrange(len(out))] = rng.choice(edges)
        if rng.random() < 0.2:
            out.append(rng.choice(edges))
        texts.append("".join(out))  # lone surrogates included: JSON carries them
    return texts


def test_v8_and_re2js_agree_on_the_patterns_v8_runs() -> None:
    """The patterns the generated package hands to V8 (native_safe: every such
    pattern the repository ships, and the feature table's): the same verdict as
    re2js on the translation, on strings near what each matches."""
    rng = random.Random(14)
    sources = sorted(
        {s for _, s in shipped_patterns() if native_safe(s)}
        | {s for s, _, _ in MEANING if native_safe(s)}
    )
    assert len(sources) >= 20
    items = [(s, t, False) for s in sources for t in _texts(s, rng, 150)]
    verdicts = run_node(items)
    differ = [
        (i[0], i[1], v) for i, v in zip(items, verdicts, strict=True) if v[0] != v[1]
    ]
    assert not differ, differ[:10]
    assert sum(1 for v in verdicts if v[0] is True) > len(items) // 10
