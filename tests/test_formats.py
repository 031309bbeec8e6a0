"""Every format of draft 2020-12 and draft-07 is asserted, identically in Python and
Node: the suite's ``optional/format`` files of both drafts give the suite's verdict
through each runtime's validators (Pydantic with ``_support.format_``, Ajv with the
runtime's FORMATS), and seeded random strings give the same verdict on both sides.
``regex`` is checked against V8 itself (Node's ``RegExp`` with the ``u`` flag is
the Node checker; Python's is a parser of the ECMA-262 grammar).
"""

from __future__ import annotations

import json
import random
from typing import Annotated

import pytest
from pydantic import TypeAdapter, ValidationError

from codegen.compiler.vocabulary import SUPPORTED_FORMATS
from runtime.support import FORMATS, Str, format_
from runtime.support._ecma_properties import GENERAL_CATEGORY, LONE, SCRIPT
from tests.conftest import ROOT
from tests.test_ts_runtime import IDNA_POOL, mutate, node, run_node

__all__ = ["node"]  # the fixture, shared with test_ts_runtime

SUITE = ROOT / "tests/vendor/json-schema-test-suite/tests"
DRAFTS = ("draft2020-12", "draft7")
# Files of optional/format that are not one format: `unknown` (an unknown format is
# an annotation; tests/test_unknown_format.py) and ecmascript-regex (format regex).
NOT_A_FORMAT = {"unknown"}


def suite_cases(draft: str) -> list[tuple[str, str, bool, str]]:
    """(format, string, valid, description) of every string test of the draft."""
    folder = SUITE / draft / "optional" / "format"
    assert folder.is_dir(), f"vendored suite folder missing: {folder}"
    out = []
    for source in sorted(folder.glob("*.json")):
        name = source.stem
        if name in NOT_A_FORMAT:
            continue
        for group in json.loads(source.read_text(encoding="utf-8")):
            fmt = group["schema"].get("format", name)
            for test in group["tests"]:
                if isinstance(test["data"], str):
                    valid = bool(test["valid"])
                    out.append((fmt, test["data"], valid, test["description"]))
    return out


def test_one_table_of_formats(node: str) -> None:
    """The compiler asserts the formats both runtimes check, and those are all the
    formats the suite has files for, in either draft."""
    in_suite = (
        {
            p.stem
            for draft in DRAFTS
            for p in (SUITE / draft / "optional" / "format").glob("*.json")
        }
        - NOT_A_FORMAT
        - {"ecmascript-regex"}
    )
    assert in_suite == set(FORMATS) == set(SUPPORTED_FORMATS)
    node_names = run_node(node, {"formatNames": True}).get("formatNames")
    assert node_names == sorted(FORMATS)


@pytest.mark.parametrize("draft", DRAFTS)
def test_suite_verdicts_in_both_runtimes(node: str, draft: str) -> None:
    cases = suite_cases(draft)
    names = sorted({fmt for fmt, *_ in cases})
    adapters = {n: TypeAdapter(Annotated[Str, format_(n)]) for n in names}

    def python(fmt: str, text: str) -> bool:
        try:
            adapters[fmt].validate_python(text)
        except ValidationError as exc:
            assert [e["type"] for e in exc.errors()] == ["format"], exc.errors()
            return False
        return True

    schemas = [
        {"path": f"{n}.json", "schema": {"type": "string", "format": n}} for n in names
    ]
    values = [[f"{fmt}.json", text] for fmt, text, _, _ in cases]
    node_errors = run_node(node, {"schemas": schemas, "values": values})["values"]
    wrong = []
    for (fmt, text, valid, about), errors in zip(cases, node_errors, strict=True):
        if python(fmt, text) != valid:
            wrong.append(("python", fmt, text, valid, about))
        if (not errors) != valid:
            wrong.append(("node", fmt, text, valid, about))
        for error in errors:
            assert error["pointer"] == "", error
            assert error["expected"] == f"a valid {fmt} string", error
    assert len(cases) > 550 and len(names) == len(FORMATS) - (draft == "draft7") * 2
    assert not wrong, "\n".join(map(repr, wrong))


def regex_cases(seed: int = 262, count: int = 6000) -> list[str]:
    """Patterns made of tokens near the grammar's edges: groups, lookaround,
    quantifiers, classes and ranges, every escape, \\p{...} names right and wrong."""
    rnd = random.Random(seed)
    names = sorted(LONE)[::7] + ["L", "Foo", "latin", "Latin", "Any", "Script"]
    values = [f"Script={s}" for s in sorted(SCRIPT)[::9]] + [
        f"gc={g}" for g in sorted(GENERAL_CATEGORY)[::5]
    ]
    values += ["Script=Foo", "gc=Latin", "General_Category=Lu", "sc=", "=L", "scx=Grek"]
    tokens = ["a", "(", ")", "(?:", "(?=", "(?!", "(?<=", "(?<!", "(?<n>", "(?<é>",
              "(?<1>", "\\k<n>", "\\k<m>", "\\1", "\\2", "\\01", "[", "]", "[^", "-",
              "^", "$", "\\b", "\\B", "*", "+", "?", "{", "}", "{1}", "{1,}", "{2,1}",
              "{1,2}", "{,1}", "|", "\\d", "\\w", "\\s", "\\S", "\\u0041", "\\u{1F600}",
              "\\u{110000}", "\\uD83D\\uDE00", "\\uD83D", "\\x4", "\\x41", "\\c",
              "\\cA", "\\c1", "\\0", "\\a", "\\-", "\\/", "\\.", ".", "/", "\U0001f600",
              "\u00e9", "\\", "\\e", "z-a", "a-z", "\\d-a", "(?i:", "\\u{}", "\\p",
              "\\q", "\\_", "\\ "]  # fmt: skip
    tokens += [f"\\p{{{n}}}" for n in names] + [f"\\P{{{v}}}" for v in values]
    out = ["(" * 3000 + ")" * 3000, "[" * 50, "\\" * 7]
    for _ in range(count):
        out.append("".join(rnd.choice(tokens) for _ in range(rnd.randint(1, 7))))
    return out


def idn_cases(seed: int = 6531, count: int = 3000) -> list[tuple[str, str]]:
    """Host names of IDNA-relevant code points over every separator, with and
    without right-to-left labels, and mailboxes around them."""
    rnd = random.Random(seed)
    out = []
    ascii_words = ["a", "0a", "xn--ls8h", "ab--c", "-a", "a" * 63, "A1", ""]
    for _ in range(count):
        labels = []
        for _ in range(rnd.randint(1, 3)):
            if rnd.random() < 0.3:
                labels.append(rnd.choice(ascii_words))
            else:
                size = rnd.randint(1, 5)
                labels.append("".join(chr(rnd.choice(IDNA_POOL)) for _ in range(size)))
        host = rnd.choice([".", "\u3002", "\uff0e", "\uff61"]).join(labels)
        out.append(("idn-hostname", host))
        local = rnd.choice(["a", "\u00e9", '"q q"', "\x85", "a..b", "\U0001d54f"])
        out.append(("idn-email", f"{local}@{host}"))
    return out


def reference_cases(seed: int = 3987, count: int = 3000) -> list[tuple[str, str]]:
    rnd = random.Random(seed)
    heads = ["http:", "urn:", "1a:", "", "//", "//h\u00e9", "//[::1]", "//[v1.x]",
             "//u@h:8", "//h:x", "./a:b", "a:b", "?", "#"]  # fmt: skip
    parts = ["/", "a", "\u00e9", "%41", "%4", "\U000f0000", "?q", "#f", "[", "\\",
             " ", "{", "}", "'", "\ue000", "\ufffe", "\ud800", ":"]  # fmt: skip
    template = ["{", "}", "x", "+", ":1", ":0", "*", ",", ".", "%41", "'", " ", "="]
    pointer = ["/", "~0", "~1", "~", "~2", "a", "#", "0", "1", "+1", "-", "\n", "01"]
    out = []
    for _ in range(count):
        text = rnd.choice(heads) + "".join(
            rnd.choice(parts) for _ in range(rnd.randint(0, 5))
        )
        for fmt in ("uri-reference", "iri", "iri-reference"):
            out.append((fmt, text))
        shape = "".join(rnd.choices(template, k=rnd.randint(0, 8)))
        out.append(("uri-template", shape))
        for fmt in ("json-pointer", "relative-json-pointer"):
            out.append((fmt, "".join(rnd.choices(pointer, k=rnd.randint(0, 6)))))
    return out


def test_regex_format_is_v8s(node: str) -> None:
    """Python's ECMA-262 parser gives V8's verdict (new RegExp(s, "u"))."""
    patterns = regex_cases()
    verdicts = run_node(node, {"formats": [["regex", p] for p in patterns]})["formats"]
    wrong = [(p, js) for p, js in zip(patterns, verdicts, strict=True)
             if FORMATS["regex"](p) != js]  # fmt: skip
    assert 0.1 < sum(verdicts) / len(verdicts) < 0.9, sum(verdicts)
    assert not wrong, "\n".join(map(repr, wrong[:40]))


def test_new_formats_agree_on_random_strings(node: str) -> None:
    rnd = random.Random(2020)
    inputs = idn_cases() + reference_cases()
    suite = [(f, s) for f, s, _, _ in suite_cases("draft2020-12")]
    alphabet = "aé-.:/?#[]{}%~01@\u3002\u05d0\u0660 \\"
    for fmt, text in suite:
        for _ in range(4):
            inputs.append((fmt, mutate(rnd, text, alphabet)))
    node_verdicts = run_node(node, {"formats": inputs})["formats"]
    python_verdicts = [FORMATS[fmt](text) for fmt, text in inputs]
    wrong = [
        (fmt, text, py, js)
        for (fmt, text), py, js in zip(
            inputs, python_verdicts, node_verdicts, strict=True
        )
        if py != js
    ]
    valid: dict[str, list[int]] = {}
    for (fmt, _), py in zip(inputs, python_verdicts, strict=True):
        valid.setdefault(fmt, [0, 0])[py] += 1
    print(f"\n{len(inputs)} strings; (invalid, valid) per format: {valid}")
    assert all(low and high for low, high in valid.values()), valid
    assert not wrong, "\n".join(map(repr, wrong[:40]))


def test_an_unknown_format_asserts_nothing_in_node(node: str) -> None:
    """The Node half of tests/test_unknown_format.py: same verdicts, same errors."""
    from tests.test_unknown_format import VENDOR

    docs = [
        {"primary": "not a colour at all", "release": 3, "accent": "#fff"},
        {"accent": "#ffffff0"},
        {"home": "not a uri"},
    ]
    schemas = [{"path": "p.json", "schema": VENDOR}]
    values = [["p.json", doc] for doc in docs]
    errors = run_node(node, {"schemas": schemas, "values": values})["values"]
    assert errors == [
        [],
        [{"pointer": "/accent", "expected": "at most 7 character(s)",
          "got": '"#ffffff0"'}],
        [{"pointer": "/home", "expected": "a valid uri string", "got": '"not a uri"'}],
    ]  # fmt: skip


def test_uri_template_ascii_first_keeps_the_full_verdicts() -> None:
    """``is_uri_template`` matches the ASCII language first and compiles the full
    expression (Unicode classes, 8-10 ms) only for a value the ASCII one does not
    match: every verdict is the full expression's, and the ASCII language is
    inside it."""
    from runtime.support.references import (
        _uri_template,
        _uri_template_ascii,
        is_uri_template,
    )

    texts = [t for f, t in reference_cases() if f == "uri-template"]
    texts += [t for f, t, _, _ in suite_cases("draft2020-12") if f == "uri-template"]
    texts += ["http://x/{a}\u00e9", "{\u00e9}", "\ue000{+a}", "a\n", "{a:10000}"]
    verdicts = {t: is_uri_template(t) for t in texts}
    assert verdicts == {t: _uri_template(t) for t in texts}
    assert all(_uri_template(t) for t in texts if _uri_template_ascii(t))
    both = {(_uri_template_ascii(t), verdicts[t]) for t in texts}
    assert both == {(True, True), (False, True), (False, False)}, both
