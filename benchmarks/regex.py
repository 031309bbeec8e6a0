"""``pattern``: agreement of the linear-time translation with ECMA-262, and its speed.

    python benchmarks/regex.py [--quick] [--patterns N] [--repeat N]

Agreement: a seeded set of patterns (the suite's, the project's schemas and golden
cases, a feature table, and random ones built from every construct the translator
handles, invalid ones included), each tried on random strings over an alphabet of
the characters where the engines' meanings differ (ASCII and Unicode digits, word
characters and white space, line terminators, astral characters, unassigned code
points). V8 in Node (``new RegExp(source, "u")``) is the reference: for each
(pattern, string) pair, the Python runtime's verdict (Rust's regex on the
translation) and re2js's (on the RE2 translation) are compared with V8's; for each
pattern, V8 accepting it is compared with the compiler accepting it as ECMA-262
(patterns V8 accepts that the compiler refuses as ``unsupported-pattern`` are counted
apart: lookaround, backreferences and the like are refused on purpose).

Speed, per match on typical strings, with peers in the same run: Python's ``re`` on
the same pattern (backtracking; the engine before) and, in Node, V8 vs re2js.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.peers import NODE_DIR, node_modules
from runtime.support.ecma import RegexError, check_syntax, translate
from runtime.support.patterns import ecma_regex

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "vendor" / "json-schema-test-suite" / "tests"

ALPHABET = (
    "aAzZ09_ -.!/\t\n\r\x0b\x0c\x00"  # ASCII, control, white space
    "\u00a0\u0085\u1680\u2000\u2028\u2029\u202f\u3000\ufeff"  # Unicode spaces, NEL
    "éßαΩжЖ中٣\u0301\u212a\u017f\u0378"  # letters, a Unicode digit, a mark, unassigned
    "😀🐲\U0001d7d8"  # astral
    "\u1c89\U0001e030\U0001ccf0\U00011f00\U0002ebf0"  # new in Unicode 15 and 16
)
ATOMS = [
    ".", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\p{L}", "\\p{Lu}", "\\P{Ll}",
    "\\p{N}", "\\p{Nd}", "\\p{Script=Greek}", "\\p{sc=Cyrl}", "\\p{Letter}",
    "\\p{ASCII}", "\\p{Any}", "\\p{Cn}", "\\p{gc=Mn}", "\\p{C}", "\\P{Cn}", "\\p{Lo}",
    "\\p{sc=Kawi}", "\\p{Script=Han}", "\\p{So}", "\\u{1F600}", "\\u00e9",
    "\\uD83D\\uDE00", "\\x41", "\\cJ", "\\0", "\\t", "\\n", "\\/", "\\.", "\\-",
    "a", "z", "0", "_", " ", "é", "α", "😀", "-", "\\u212A",
]  # fmt: skip
INVALID = [
    "\\a", "{", "]", "\\p{Greek}", "\\p{letter}", "\\1", "(?=x)", "(?<!x)", "\\k<n>",
    "\\c1", "\\u{110000}", "a{2,1}", "\\p{Alphabetic}", "x**", "\\uD800",
]  # fmt: skip
CLASS_ITEMS = [
    "a", "z", "a-z", "A-Z", "0-9", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\p{L}",
    "\\P{L}", "\\p{Nd}", "\\b", "\\-", "-", "é", "α-ω", "😀", "\\u{1F600}-\\u{1F64F}",
    "\\x00-\\x1f", "^", "\\]", "\\^", "\\u2028",
]  # fmt: skip
QUANTIFIERS = ["", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?", "??"]


def random_pattern(rng: random.Random, depth: int = 0) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.08:
            parts.append(rng.choice(["^", "$", "\\b", "\\B"]))
            continue
        if roll < 0.12:
            parts.append(rng.choice(INVALID))
            continue
        if roll < 0.3:
            items = "".join(rng.choice(CLASS_ITEMS) for _ in range(rng.randint(0, 3)))
            atom = f"[{'^' if rng.random() < 0.3 else ''}{items}]"
        elif roll < 0.42 and depth < 2:
            opener = rng.choice(["(", "(?:", f"(?<g{depth}{len(parts)}>"])
            alts = "|".join(
                random_pattern(rng, depth + 1) for _ in range(rng.randint(1, 2))
            )
            atom = f"{opener}{alts})"
        else:
            atom = rng.choice(ATOMS)
        parts.append(atom + rng.choice(QUANTIFIERS))
    return "".join(parts)


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 6)))


def corpus_patterns() -> list[str]:
    """Patterns of the suite, the schemas and the golden cases, plus the tests'."""
    found: set[str] = set()
    roots = [SUITE, ROOT / "schemas", ROOT / "tests" / "golden"]
    for root in roots:
        for path in root.rglob("*.json"):
            try:
                _collect(json.loads(path.read_text(encoding="utf-8")), found)
            except ValueError:
                continue
    tables: Any = importlib.import_module("tests.test_regex")  # the tests' tables
    for table in (tables.MEANING, tables.HOSTILE, tables.REFUSED):
        found.update(str(row[0]) for row in table)
    return sorted(found)


def _collect(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            found.add(node["pattern"])
        if isinstance(node.get("patternProperties"), dict):
            found.update(node["patternProperties"])
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect(value, found)


def _hex_escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match[1]):02x}"


def _lenient_only(source: str) -> bool:
    """Whether ``source`` is valid ECMA-262 (u flag) once every escaped ASCII
    punctuation character the translator reads leniently is written as itself."""
    plain = re.sub(r"\\([!\"#%&',\-:;<=>@_`~ ])", _hex_escape, source)
    try:
        check_syntax(plain)
    except RegexError:
        return False
    return plain != source


def _accepted(source: str) -> tuple[bool, str | None]:
    """(valid ECMA-262 by the compiler, RE2 translation or None if refused)."""
    try:
        check_syntax(source)
    except RegexError:
        return False, None
    try:
        return True, translate(source).re2
    except RegexError:
        return True, None


TYPICAL = [
    ("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", ["planner-agent", "x", "Bad_Slug", "a-b-c-d"]),
    ("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
     ["123e4567-e89b-12d3-a456-426614174000", "not-a-uuid"]),
    ("^[A-Za-z][\\w .'-]*$", ["O'Brien 2024", "école", "Jean-Luc Picard"]),
    ("^\\w+@\\w+(\\.\\w+)+$", ["someone@example.com", "a@b", "x@y.z.w"]),
]  # fmt: skip


def python_timing(rounds: int) -> list[tuple[str, float, float]]:
    """(pattern, ns per match in Rust's regex, ns per match in Python's re)."""
    out = []
    for source, texts in TYPICAL:
        ours, peer = ecma_regex(source), re.compile(source)
        for engine in (ours.search, peer.search):  # warm up
            for t in texts:
                engine(t)
        times = []
        for engine in (ours.search, peer.search):
            start = time.perf_counter_ns()
            for _ in range(rounds):
                for t in texts:
                    engine(t)
            times.append((time.perf_counter_ns() - start) / (rounds * len(texts)))
        out.append((source, times[0], times[1]))
    return out


def run(count: int, per_pattern: int, rounds: int, seed: int = 13) -> dict[str, Any]:
    folder, why = node_modules()
    if folder is None:
        raise SystemExit(f"Node is needed: {why}")
    rng = random.Random(seed)
    patterns = corpus_patterns() + [random_pattern(rng) for _ in range(count)]
    accepted = {p: _accepted(p) for p in patterns}
    pairs: list[tuple[str, str | None, str]] = []
    for source in patterns:
        valid, translated = accepted[source]
        for _ in range(per_pattern if valid else 1):
            pairs.append((source, translated, random_text(rng)))
    timing = [[s, translate(s).re2, texts, rounds] for s, texts in TYPICAL]
    done = subprocess.run(
        ["node", str(NODE_DIR / "regex.mjs")],
        input=json.dumps({"pairs": pairs, "timing": timing}),
        capture_output=True,
        text=True,
        cwd=NODE_DIR,
        check=True,
    )
    node = json.loads(done.stdout)
    v8_valid: dict[str, bool] = {}
    python_same = re2js_same = compared = 0
    wrong: list[str] = []
    for (source, translated, text), (v8, mine) in zip(
        pairs, node["verdicts"], strict=True
    ):
        v8_valid[source] = v8 != "error"
        if v8 == "error" or translated is None:
            continue
        compared += 1
        python = ecma_regex(source).search(text)
        python_same += python == v8
        re2js_same += mine == v8
        if (python != v8 or mine != v8) and len(wrong) < 20:
            wrong.append(
                f"{source!r} on {text!r}: V8 {v8}, Python {python}, re2js {mine}"
            )
    # Escaped punctuation (``\:``) is accepted as the character, as outside u mode.
    lenient = [p for p in patterns if accepted[p][0] and not v8_valid[p]]
    lenient = [p for p in lenient if _lenient_only(p)]
    syntax_same = sum(accepted[p][0] == v8_valid[p] for p in patterns) + len(lenient)
    unsupported = sum(1 for p in patterns if accepted[p][0] and accepted[p][1] is None)
    return {
        "patterns": len(patterns),
        "syntax_same": syntax_same,
        "lenient": len(lenient),
        "unsupported": unsupported,
        "translated": sum(1 for p in patterns if accepted[p][1] is not None),
        "pairs": compared,
        "python_same": python_same,
        "re2js_same": re2js_same,
        "wrong": wrong,
        "node_timing": node["timings"],
        "python_timing": python_timing(rounds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run")
    parser.add_argument("--patterns", type=int, default=3000, help="random patterns")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs")
    args = parser.parse_args(argv)
    count, per, rounds = (200, 10, 200) if args.quick else (args.patterns, 40, 20000)
    reports = [run(count, per, rounds) for _ in range(max(1, args.repeat))]
    first = reports[0]
    pct = 100.0 / max(1, first["pairs"])
    print(
        f"patterns {first['patterns']} (translated {first['translated']},"
        f" refused as unsupported {first['unsupported']});"
        f" syntax verdict same as V8: {first['syntax_same']}/{first['patterns']}"
        f" ({first['lenient']} of them only by reading escaped punctuation as itself,"
        " which V8 refuses under the u flag)"
    )
    print(
        f"agreement with V8 on {first['pairs']} (pattern, string) pairs:"
        f" python {first['python_same']} ({first['python_same'] * pct:.3f}%),"
        f" re2js {first['re2js_same']} ({first['re2js_same'] * pct:.3f}%)"
    )
    for line in first["wrong"]:
        print(f"  differs: {line}")
    for i, (source, _) in enumerate(TYPICAL):
        py = [r["python_timing"][i] for r in reports]
        nd = [r["node_timing"][i] for r in reports]
        rust = [t[1] for t in py]
        peer = [t[2] for t in py]
        v8 = [t["v8"] for t in nd]
        re2js = [t["re2js"] for t in nd]
        print(f"pattern {source}")
        print(
            f"  python: rust-regex {_span(rust)} ns, re {_span(peer)} ns;"
            f" node: re2js {_span(re2js)} ns, V8 {_span(v8)} ns"
        )
        python_ratio = _span([p / r for p, r in zip(peer, rust, strict=True)], 2)
        node_ratio = _span([v / r for v, r in zip(v8, re2js, strict=True)], 2)
        print(f"ratio python-vs-re {python_ratio} node-vs-v8 {node_ratio}")
    return 0


def _span(values: list[float], digits: int = 0) -> str:
    low, high = min(values), max(values)
    if len(values) > 1 and statistics.pstdev(values) > 0:
        return f"{low:.{digits}f}-{high:.{digits}f}"
    return f"{low:.{digits}f}"


if __name__ == "__main__":
    sys.exit(main())
