"""The npm package's runtime (runtime/node/src, compiled) agrees with Python.

Format checkers and ``multipleOf`` must give the Python package's verdict on every
input: the JSON Schema Test Suite's format tests, tricky strings and a seeded fuzz
are run through ``runtime.support`` and, in one Node process, through the runtime
(``runtime/node/test/verdicts.mjs``). Agreement with the suite itself is reported,
not required. Violations thrown by the runtime have the Python runtime's shape.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

import pytest

from benchmarks.npm import npm_ci
from runtime import Contracts
from runtime.errors import ContractViolation, Violation
from runtime.support import FORMATS, is_multiple
from tests.conftest import ROOT

Mutation = Callable[[random.Random, str, str], str]
NODE_DIR = ROOT / "runtime" / "node"
SUITE = ROOT / "tests/vendor/json-schema-test-suite/tests/draft2020-12/optional/format"

TRICKY: dict[str, list[str]] = {
    "date": ["2020-02-29", "2021-02-29", "1900-02-29", "2000-02-29", "0000-01-01",
             "2020-13-01", "2020-00-10", "2020-04-31", "2020-1-01", "2020-01-01\n",
             "\uff12020-01-01", "2020-01-0\u0661", "2020/01/01", ""],
    "date-time": ["2020-01-01T23:59:60Z", "2020-01-01t10:00:00z",
                  "2020-01-01T15:59:60-08:00", "2020-01-01T23:59:60+00:01",
                  "2020-01-01 10:00:00Z", "2020-01-01T10:00:00.Z",
                  "2020-01-01T10:00:00Z\n", "2020-01-01T10:00:00-00:00",
                  "2020-01-01T24:00:00Z", "2020-01-01T10:00:00+24:00",
                  "2020-01-01TT10:00:00Z", "2020-01-01T10:00:00", "T", "t"],
    "time": ["23:59:60Z", "00:00:60+00:01", "23:59:60-00:01", "12:00:00",
             "12:00:00.123456789Z", "12:00:00,5Z", "12:00:00Z\n", "12:00:00+0100",
             "12:60:00Z", "12:00:61Z", "1:00:00Z", "12:00:00z"],
    "duration": ["P1D", "PT1H", "P1W", "P1Y2W", "P", "PT", "P1DT", "P1.5D", "P1Y1D",
                 "PT1H1S", "P1D\n", "p1d", "P1Y2M3DT4H5M6S", "PT36H", "P\u0661D"],
    "uuid": ["123e4567-e89b-12d3-a456-426614174000",
             "123E4567-E89B-12D3-A456-426614174000",
             "123e4567-e89b-12d3-a456-426614174000\n",
             "{123e4567-e89b-12d3-a456-426614174000}",
             "123e4567e89b12d3a456426614174000",
             "123e4567-e89b-12d3-a456-42661417400g"],
    "email": ["a\n@example.com", '"a b"@example.com', '"a\\"b"@x.com', "a@[1.2.3.4]",
              "a@[IPv6:::1]", "a@[ipv6:::1]", "a@[]", "a@[", "a@b@c.com", ".a@x.com",
              "a..b@x.com", "a@x..com", "a@-x.com", "a@xn--ls8h.la", "\u00e9@x.com",
              "a@\u00e9.com", "a@x.com\n", "@x.com", "a@", '"a@b"@x.com',
              "a@[1.2.3.4\n]", "a@[IPv6:1.2.3.4]", "a@[IPv6:::1\n]"],
    "hostname": ["abc\n.com", "a" * 63, "a" * 64, ".".join(["a" * 63] * 4)[:253],
                 ".".join(["a" * 63] * 4)[:254], "xn--ls8h", "XN--LS8H", "xn--abc",
                 "ab--c", "xn---", "xn---abc", "-a", "a-", "a..b", "a.", ".a", "",
                 "xn--" + "z" * 59, "xn--a-b", "xn--99999999999", "xn--a", "xn--0",
                 "xn--ls8h\n.com", "xn--55qx5d.cn", "xn--bcher-kva.example", "\n",
                 "xn--\u00e9", "xN--ls8h", "a\n", "xn--zzzz\n.com", "xn--ba-\n.com"],
    "ipv4": ["0.0.0.0", "255.255.255.255", "256.1.1.1", "01.1.1.1", "1.1.1",
             "1.1.1.1\n", "\u0661.1.1.1", "1.1.1.1.", " 1.1.1.1"],
    "ipv6": ["::", "::1", "1::", ":1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
             "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1::2::3", "::ffff:1.2.3.4",
             "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3",
             "::01.2.3.4", "fe80::1%eth0", " ::1", "::1 ", "::1\n", "12345::",
             "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8", "1.2.3.4", "::ffff:1.2.3.4:1",
             "::\x1c", "\x1f::", "1::1.2.3.4::", ":::", "1:::2", "::/64", "::\u0661",
             "a:b:c:d:e:f:1.2.3.4", "::1.2.3.4.5", "0000:0000::00000"],
    "uri": ["http://[v1.x]/", "http://[vxyz]", "http://[::1]/", "http://[::1",
            "http://[1.2.3.4]/", "urn:isbn:123", "a:", "1a:b", "http://ex ample.com",
            "http://example.com/%zz", "http://u@h:80/p?q#f", "mailto:a@b",
            "http://h/#f#g", "http://h/\n", "file:///x", "http://[fe80::1%25eth0]/",
            "//host/path", "http:", "http://:80", "ht~tp://x", "http://h/\u00e9",
            "http://h/?a=[1]", "http://[::1]:80/a/b?c#d", "x:/a//b", "x:a:b"],
}  # fmt: skip

# Pairs of JSON numbers: verdicts in decimal arithmetic. (Integers beyond 2**53
# are left out: JSON.parse rounds them, Python keeps them exact.)
MULTIPLES = [
    ("19.99", "0.01"), ("0.0075", "0.0001"), ("1e308", "0.123456789"), ("10", "3"),
    ("7.5", "2.5"), ("1e-7", "1e-8"), ("0.3", "0.1"), ("-19.99", "0.01"),
    ("0", "0.3"), ("4.0", "2"), ("1e400", "1"), ("-1e400", "0.5"), ("1e21", "7"),
    ("5e-324", "5e-324"), ("1e-320", "1e-321"), ("0.1", "0.03"), ("100", "1e-10"),
    ("1.7976931348623157e308", "1e308"), ("9007199254740991", "3"), ("12.5", "0.25"),
]  # fmt: skip

SHAPE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "status", "lines"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^ord_[0-9]+$"},
        "status": {"enum": ["pending", "paid"]},
        "total": {"type": "number", "multipleOf": 0.01, "minimum": 0},
        "lines": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["sku"],
                "properties": {"quantity": {"type": "integer"}, "sku": {}},
            },
        },
    },
}


@pytest.fixture(scope="module")
def node() -> str:
    exe = shutil.which("node")
    npm = shutil.which("npm")
    assert exe and npm, "Node 20 and npm must be on PATH for the npm package tests"
    npm_ci(NODE_DIR)
    return exe


def run_node(node: str, payload: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [node, str(NODE_DIR / "test" / "verdicts.mjs")],
        input=json.dumps(payload).encode(),
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def suite_cases() -> list[tuple[str, str, bool]]:
    """The suite's string tests of our formats; a missing suite file fails the test."""
    cases: list[tuple[str, str, bool]] = []
    for name in sorted(FORMATS):
        source = SUITE / f"{name}.json"
        assert source.is_file(), f"vendored suite file missing: {source}"
        for group in json.loads(source.read_text(encoding="utf-8")):
            for test in group["tests"]:
                if isinstance(test["data"], str):
                    cases.append((name, test["data"], bool(test["valid"])))
    return cases


def mutate(rnd: random.Random, text: str, alphabet: str) -> str:
    """``text`` with one character inserted, deleted or replaced."""
    at = rnd.randint(0, len(text))
    new = rnd.choice(alphabet + "\u00e9\U0001f600")
    edit = rnd.choice(["insert", "delete", "replace"])
    if edit == "insert" or not text:
        return text[:at] + new + text[at:]
    at = min(at, len(text) - 1)
    return text[:at] + (new if edit == "replace" else "") + text[at + 1 :]


def maybe(edit: Mutation) -> Mutation:
    """``edit`` half of the time, else the text unchanged."""

    def apply(rnd: random.Random, text: str, alphabet: str) -> str:
        return edit(rnd, text, alphabet) if rnd.random() < 0.5 else text

    return apply


def fuzz_cases(seed: int = 20240601) -> list[tuple[str, str]]:
    """Seeded random strings near each format's edges (the same on every run)."""
    rnd = random.Random(seed)
    out: list[tuple[str, str]] = []

    def pick(pieces: list[str], low: int, high: int, sep: str = "") -> str:
        return sep.join(rnd.choice(pieces) for _ in range(rnd.randint(low, high)))

    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    for _ in range(1500):
        out.append(("hostname", "xn--" + pick(list(alnum + "-"), 1, 24)))
    for _ in range(300):
        word = pick(["a", "\u00e9", "\u4e2d", "\U0001f600", "z", "-", "\u0800"], 1, 9)
        label = "xn--" + word.encode("punycode").decode("ascii")
        out.append(("hostname", label + ".example"))
    for _ in range(1500):
        groups = [rnd.choice(["0", f"{rnd.getrandbits(16):x}"]) for _ in range(8)]
        if rnd.random() < 0.3:
            groups[6:] = [".".join(str(rnd.randint(0, 255)) for _ in range(4))]
        text = ":".join(groups)
        if rnd.random() < 0.7:  # compress one run of zeros
            start = rnd.randint(0, len(groups) - 1)
            end = rnd.randint(start, len(groups))
            text = ":".join(groups[:start]) + "::" + ":".join(groups[end:])
        out.append(("ipv6", maybe(mutate)(rnd, text, ":.0fFg% \n")))
    digits = list("0123456789")
    for _ in range(600):
        day = f"{pick(digits, 4, 4)}-{rnd.choice(['0', '1'])}{pick(digits, 1, 1)}"
        out.append(("date", f"{day}-{rnd.choice('0123')}{pick(digits, 1, 1)}"))
        clock = ":".join(
            rnd.choice(["00", "12", "23", "24", "59", "60"]) for _ in "hms"
        )
        offset = rnd.choice(["Z", "z", "+00:00", "-00:01", "+23:59", "+24:00", ""])
        out.append(("time", clock + offset))
        out.append(("date-time", f"2016-12-31{rnd.choice('Tt ')}{clock}{offset}"))
    for _ in range(800):
        out.append(("duration", "P" + pick(list("TYMWDHS1"), 0, 7)))
        parts = [f"{rnd.randint(0, 99)}{u}" for u in "YMD" if rnd.random() < 0.6]
        times = [f"{rnd.randint(0, 99)}{u}" for u in "HMS" if rnd.random() < 0.6]
        text = "P" + "".join(parts) + ("T" + "".join(times) if times else "")
        out.append(("duration", maybe(mutate)(rnd, text, "PTYMWDHS1.\n")))
    schemes = ["http:", "x-y.z+1:", "1x:", ":"]
    authorities = ["", "//", "//h", "//u:p@h:8", "//[::1]", "//[v1.a]", "//[vz]",
                   "//[1::2::3]", "//%41", "//%4"]  # fmt: skip
    tails = ["", "/", "/a b", "/%zz", "?q=1", "#f#", "/\u00e9", "a/b", "//x", "\n"]
    for _ in range(800):
        uri = rnd.choice(schemes) + rnd.choice(authorities) + pick(tails, 0, 3)
        out.append(("uri", uri))
    locals_ = ["a", "a.b", ".a", '"q q"', '"\\"', "a\n", "\u00e9", "a+b", ""]
    domains = ["x.com", "[1.2.3.4]", "[IPv6:::1]", "[ipv6:1::2::3]", "xn--ls8h.la",
               "-a.com", "a..b", "[]", "x.com\n", "xn--a.b"]  # fmt: skip
    for _ in range(600):
        out.append(("email", f"{rnd.choice(locals_)}@{rnd.choice(domains)}"))
    for _ in range(300):
        quad = ".".join(pick(digits, 1, 3) for _ in range(rnd.randint(3, 5)))
        out.append(("ipv4", quad))
    # One-character edits of every suite and tricky string.
    known = [(n, s) for n, s, _ in suite_cases()]
    known += [(n, s) for n, strings in TRICKY.items() for s in strings]
    for name, text in known:
        for _ in range(6):
            out.append((name, mutate(rnd, text, alnum + '-.:@[]%/#?TZ+ \n"\\')))
    return out


# Code points the IDNA2008 rules single out: joiners and a virama (CONTEXTJ),
# CONTEXTO characters and their neighbours (l, Greek, Hebrew, kana, Han, both kinds
# of Arabic-Indic digits), right-to-left letters, numbers and marks (bidi rule),
# combining marks (leading mark, NFC), a DISALLOWED one (U+302E), Tangut (no name
# in Python's Unicode data) and one Python 3.11's Unicode data does not know.
IDNA_POOL = [0x61, 0x6C, 0x30, 0x2D, 0x65, 0xE9, 0x301, 0x200C, 0x200D, 0x915,
             0x94D, 0x930, 0xB7, 0x375, 0x3B1, 0x5F3, 0x5F4, 0x5D0, 0x5B0, 0x30FB,
             0x3042, 0x30A2, 0x4E00, 0x660, 0x661, 0x6F0, 0x627, 0x628, 0x644,
             0x64B, 0x710, 0x712, 0x640, 0x302E, 0x17000, 0x1E4D0]  # fmt: skip
IDNA_RULES = {"contexto", "contextj", "leading_combiner", "bidi_rule_1",
              "bidi_rule_2", "bidi_rule_3", "bidi_rule_4", "bidi_rule_5",
              "hyphen_3_4", "disallowed_codepoint",
              "hyphen_start_end", "not_nfc", "non_canonical_alabel", "invalid_alabel",
              "unknown_codepoint", "bidi_unknown_direction"}  # fmt: skip


# U-labels for the rules random ones rarely reach (checks run in order). Bidi
# rule 6 cannot fail alone: a left-to-right label with R, AL or AN fails rule 5.
IDNA_WORDS = ["\u05d0a", "\u05d0\u0661" + "1", "\u05d0\u05f3", "a\u05d0",
              "\U0001e4d0", "ab--c\u00e9", "\u0627\u200c\u0628", "a\u200cb",
              "\U00017000\u200c\u0628", "\u0915\u094d\u200d", "\u3042\u30fb",
              "\u05d0\u02b9", "\u05d0\u0300"]  # fmt: skip


def idna_cases(seed: int = 5891, count: int = 400) -> list[str]:
    """A-labels of IDNA_WORDS and of random U-labels over IDNA_POOL (some
    upper-cased, some made non-canonical with an extra "-"), for the hostname
    checkers' IDNA2008 rules."""
    rnd = random.Random(seed)
    out = []
    for i in range(count):
        word = "".join(chr(rnd.choice(IDNA_POOL)) for _ in range(rnd.randint(1, 6)))
        if i < len(IDNA_WORDS):
            word = IDNA_WORDS[i]
        label = "xn--" + word.encode("punycode").decode("ascii")
        edit = rnd.random()
        if edit < 0.1:
            label = label.upper()
        elif edit < 0.15:
            label = "xn---" + label[4:]
        out.append(label + (".example" if edit > 0.9 else ""))
    return out


def test_idna_cases_cover_the_rules() -> None:
    """The hostname sample reaches every IDNA2008 rule idna reports (and valid ones)."""
    import idna

    seen: Counter[str] = Counter()
    for text in idna_cases():
        try:
            idna.ulabel(text.split(".")[0])
            seen["valid"] += 1
        except idna.IDNAError as exc:
            seen[str(exc.code)] += 1
    assert IDNA_RULES | {"valid"} <= seen.keys(), seen


def test_fast_format_patterns_never_change_a_verdict() -> None:
    """The generated models accept a string a format's fast pattern matches without
    calling its checker: every such string must be one the checker accepts, and
    the model's verdict must be the checker's on every string."""
    import re

    from pydantic import TypeAdapter, ValidationError

    from runtime.support import FAST_FORMATS, Str, format_

    inputs = [(n, s) for n, s, _ in suite_cases()]
    inputs += [(n, s) for n, strings in TRICKY.items() for s in strings]
    inputs += fuzz_cases()
    rnd = random.Random(3339)
    for _ in range(3000):  # valid-looking dates and times over the whole calendar
        year, month, mday = (
            rnd.randint(1900, 2100),
            rnd.randint(0, 13),
            rnd.randint(0, 32),
        )
        day = f"{year:04}-{month:02}-{mday:02}"
        clock = (
            f"{rnd.randint(0, 24):02}:{rnd.randint(0, 60):02}:{rnd.randint(0, 61):02}"
        )
        zone = rnd.choice(["Z", "+01:00", "-23:59", "+24:00", "-00:00", ""])
        inputs += [("date", day), ("time", clock + zone)]
        inputs.append(("date-time", f"{day}T{clock}{rnd.choice(['', '.5'])}{zone}"))
    adapters = {n: TypeAdapter(Annotated[Str, format_(n)]) for n in FAST_FORMATS}
    checked: Counter[str] = Counter()
    for name, text in inputs:
        if name not in FAST_FORMATS:
            continue
        checked[name] += 1
        expected = FORMATS[name](text)
        if re.search(FAST_FORMATS[name], text) and not text.endswith("\n"):
            assert expected, (name, text, "fast pattern accepts an invalid string")
        try:
            adapters[name].validate_python(text)
            got = True
        except ValidationError as exc:
            assert [e["type"] for e in exc.errors()] == ["format"], exc.errors()
            got = False
        assert got == expected, (name, text)
    assert set(checked) == set(FAST_FORMATS) and min(checked.values()) > 100, checked


def test_formats_agree_with_python(node: str) -> None:
    suite = suite_cases()
    inputs = [(n, s) for n, s, _ in suite]
    inputs += [(n, s) for n, strings in TRICKY.items() for s in strings]
    inputs += fuzz_cases()
    inputs += [("hostname", s) for s in idna_cases()]
    node_verdicts = run_node(node, {"formats": inputs})["formats"]
    python_verdicts = [FORMATS[name](s) for name, s in inputs]

    mismatches = [
        (name, s, py, js)
        for (name, s), py, js in zip(
            inputs, python_verdicts, node_verdicts, strict=True
        )
        if py != js
    ]
    totals, suite_py, suite_js = Counter[str](), Counter[str](), Counter[str]()
    for (name, _, valid), py, js in zip(
        suite, python_verdicts[: len(suite)], node_verdicts[: len(suite)], strict=True
    ):
        totals[name] += 1
        suite_py[name] += py == valid
        suite_js[name] += js == valid
    print(f"\n{len(inputs)} strings, Python == Node on {len(inputs) - len(mismatches)}")
    assert suite, f"no format tests read from the vendored suite at {SUITE}"
    for name in sorted(totals):
        print(
            f"  {name:10} suite {totals[name]:3}: Python {suite_py[name]:3},"
            f" Node {suite_js[name]:3} agree with the suite"
        )
    listing = "\n".join(repr(m) for m in mismatches[:50])
    assert not mismatches, (
        f"Python and Node disagree (name, string, py, js):\n{listing}"
    )


def test_node_unit_tests(node: str) -> None:
    """runtime/node/test/*.test.mjs: the runtime's own tests, with ``node --test``."""
    tests = [str(p) for p in sorted((NODE_DIR / "test").glob("*.test.mjs"))]
    assert tests
    done = subprocess.run(
        [node, "--test", *tests],
        cwd=NODE_DIR,
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def test_multiple_of_agrees_with_python(node: str) -> None:
    node_verdicts = run_node(node, {"multiples": MULTIPLES})["multiples"]
    python_verdicts = [is_multiple(json.loads(a), json.loads(b)) for a, b in MULTIPLES]
    assert node_verdicts == python_verdicts, [
        (pair, py, js)
        for pair, py, js in zip(MULTIPLES, python_verdicts, node_verdicts, strict=True)
        if py != js
    ]
    verdict = dict(zip(MULTIPLES, node_verdicts, strict=True))
    assert verdict[("19.99", "0.01")] and verdict[("0.0075", "0.0001")]
    assert verdict[("7.5", "2.5")] and verdict[("1e-7", "1e-8")]
    assert not verdict[("1e308", "0.123456789")] and not verdict[("10", "3")]
    assert not verdict[("1e400", "1")]


def test_violations_have_the_python_shape(node: str) -> None:
    contract = "order/order.v1.json"
    value = {
        "id": "ord_x",
        "status": "refunded",
        "total": 19.999,
        "lines": [{"quantity": "2"}, {"sku": "MUG", "quantity": 1.0}],
        "note": "x" * 100,
    }
    texts = ['{"id": 5', "[" * 65 + "]" * 65, "{}", json.dumps(value)]
    result = run_node(
        node,
        {
            "schemas": [{"path": contract, "draft": "2020-12", "schema": SHAPE_SCHEMA}],
            "values": [[contract, value], [contract + "#/properties/id", "ord_1"]],
            "texts": [[contract, t] for t in texts],
        },
    )
    expected = [
        Violation("/id", "a string matching ^ord_[0-9]+$", '"ord_x"'),
        Violation("/lines/0/quantity", "an integer", '"2"'),
        Violation("/lines/0/sku", "a required property", "nothing"),
        Violation(
            "/note",
            "no such property (additionalProperties is false)",
            '"' + "x" * 76 + "...",
        ),
        Violation("/status", 'one of "pending", "paid"', '"refunded"'),
        Violation("/total", "a multiple of 0.01", "19.999"),
    ]
    got = [Violation(**v) for v in result["values"][0]]
    assert got == expected
    assert result["values"][1] == []

    malformed, deep, empty, full = result["texts"]
    # The message is the Python runtime's ContractViolation.describe(), verbatim.
    assert full == ContractViolation(contract, list(reversed(expected))).describe()
    head = f"{contract}: 1 violation(s)\n  /: expected"
    assert malformed.startswith(f"{head} valid JSON, got ")
    assert deep == f"{head} nesting depth at most 64, got depth 65"
    assert empty == (
        f"{contract}: 3 violation(s)\n"
        "  /id: expected a required property, got nothing\n"
        "  /lines: expected a required property, got nothing\n"
        "  /status: expected a required property, got nothing"
    )


def test_capped_violations_and_huge_numbers_read_as_in_python(node: str) -> None:
    """#13: an error's text lists 100 violations and counts the rest with Python's
    line; 1e400 (Infinity after JSON.parse) is not an integer in either runtime."""
    contract = "wide.json"
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer"}},
        "additionalProperties": False,
    }
    wide = "{" + ", ".join(f'"k{i:03}": {i}' for i in range(150)) + "}"
    texts = [wide, '{"n": 1e400}', '{"n": -1e400}']
    result = run_node(
        node,
        {
            "schemas": [{"path": contract, "draft": "2020-12", "schema": schema}],
            "texts": [[contract, t] for t in texts],
        },
    )
    extra = "no such property (additionalProperties is false)"
    expected = [Violation(f"/k{i:03}", extra, str(i)) for i in range(150)]
    many, huge, negative = result["texts"]
    assert many == ContractViolation(contract, expected).describe()
    assert many.endswith("\n  ... and 50 more violation(s)")
    assert many.count("\n") == 101
    assert (
        huge == f"{contract}: 1 violation(s)\n  /n: expected an integer, got Infinity"
    )
    assert negative == huge.replace("Infinity", "-Infinity")


def test_a_number_beyond_the_double_range_is_refused_alike(node: str) -> None:
    """#13.6: 1e400 on a `number` field (no bounds) is refused by both runtimes with
    the same line (Pydantic read it as infinity and accepted it before)."""
    schema = {"type": "object", "properties": {"n": {"type": "number"}}}
    result = run_node(
        node,
        {
            "schemas": [{"path": "n.json", "draft": "2020-12", "schema": schema}],
            "texts": [["n.json", '{"n": 1e400}'], ["n.json", '{"n": 1e308}']],
        },
    )
    huge, big = result["texts"]
    assert huge == "n.json: 1 violation(s)\n  /n: expected a number, got Infinity"
    assert big is None or big == ""  # 1e308 is a double: valid
    sample = json.loads(
        (
            ROOT / "tests/samples/agent/task_progress.v1/valid-metric-update.json"
        ).read_text()
    )
    text = json.dumps(dict(sample, update=dict(sample["update"], value="X")))
    raw = text.replace('"X"', "1e400").encode()
    contract = Contracts("platform_contracts").get("agent/task_progress.v1.json")
    with pytest.raises(ContractViolation) as caught:
        contract.validate_json(raw)
    assert [str(v) for v in caught.value.violations] == [
        "/update/value: expected a number, got Infinity"
    ]
