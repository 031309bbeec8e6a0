"""The exact fast paths of the Python format checkers keep every verdict.

``uri``, ``iri``, ``uri-reference``, ``iri-reference``, ``uri-template`` and
``date-time`` first try a pattern written for Python's ``re`` (runs of a class
instead of an alternation per character), whose language is inside the
format's own: a string it matches is accepted without the full check, any
other string gets the full check, which is the checker as it was (kept in the
modules as the fallback: ``_is_uri_full``, ``_reference_full``,
``_is_date_time_full``, the two full template expressions). So a verdict could
only change where a fast pattern accepts a string the full check refuses. Both
are compared here on the suite's format strings, the tricky and fuzzed strings
of tests/test_ts_runtime.py, URLs and templates (written here, and found in the
vendored real-world documents) with one to three edits each, every short string
over an alphabet of each format's delimiters, and dates over the calendar.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from runtime.support import FORMATS
from runtime.support.formats import FAST_DATE_TIME, _is_date_time_full, _is_uri_full
from runtime.support.references import (
    FAST_RELATIVE_REFERENCE,
    FAST_URI,
    FAST_URI_TEMPLATE,
    _reference_full,
    _uri_template,
    _uri_template_ascii,
)
from tests.conftest import ROOT
from tests.test_formats import reference_cases
from tests.test_formats import suite_cases as suite_cases_of
from tests.test_ts_runtime import TRICKY, fuzz_cases

Check = Callable[[str], bool]


def _full_template(value: str) -> bool:
    """``is_uri_template`` as it was: the ASCII expression, then the full one."""
    return _uri_template_ascii(value) or _uri_template(value)


# format -> (fast pattern, the full check it falls back to)
FAST: dict[str, tuple[str, Check]] = {
    "uri": (FAST_URI, _is_uri_full),
    "uri-template": (FAST_URI_TEMPLATE, _full_template),
    "date-time": (FAST_DATE_TIME, _is_date_time_full),
    "iri": (FAST_URI, lambda v: _reference_full(True, v, absolute=True)),
    "uri-reference": (
        f"(?:{FAST_URI}|{FAST_RELATIVE_REFERENCE})",
        lambda v: _reference_full(False, v, absolute=False),
    ),
    "iri-reference": (
        f"(?:{FAST_URI}|{FAST_RELATIVE_REFERENCE})",
        lambda v: _reference_full(True, v, absolute=False),
    ),
}
REFERENCES = ("uri", "iri", "uri-reference", "iri-reference")

URLS = [
    "https://api.github.com/repos/Codertocat/Hello-World/issues/1",
    "https://api.github.com/repos/Codertocat/Hello-World/labels/:bug:%20Bugfix",
    "https://github.com/octo-org/octo-repo/workflows/Manually%20triggered/badge.svg",
    "https://avatars.githubusercontent.com/u/21031067?v=4",
    "https://s3.amazonaws.com/x/1?X-Amz-Credential=AKIA%2F2019&a=b;c=d#frag/x?y",
    "https://user:pa%41ss@example.com:8443/a/b/../c/./d?q=1&r[]=2#top",
    "http://[::1]:80/a/b?c#d",
    "http://[fe80::1%25eth0]/",
    "http://[v7.host:name]/p",
    "http://127.0.0.1:3000/",
    "git://github.com/Codertocat/Hello-World.git",
    "git@github.com:Codertocat/Hello-World.git",
    "ssh://git@github.com/o/r.git",
    "mailto:octocat@github.com",
    "urn:isbn:0451450523",
    "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
    "tag:example.com,2005:x",
    "file:///etc/hosts",
    "x:",
    "x:/",
    "x://",
    "x:///",
    "x:a//b",
    "data:text/plain;base64,SGVsbG8=",
    "https://example.com/~user/path(1)/*/+/$/!/'x'/,;=",
    "https://example.com/%E2%9C%93?%3D=%26#%23",
    "HTTPS://EXAMPLE.COM/A",
]
RELATIVE = [
    "#/components/schemas/userCreate",
    "/components/messages/userSignedUp",
    "../definitions.json#/$defs/a%20b",
    "./a:b",
    "a:b",
    "a/b:c",
    "//host/path",
    "//user@host:1/p",
    "?q=1#f",
    "#",
    "",
    "%41b/c",
    "a@b.c/d",
    "\u00e9/\u00e9?\ue000",
]
TEMPLATES = [
    "https://api.github.com/repos/Codertocat/Hello-World/issues{/number}",
    "https://api.github.com/repos/Codertocat/Hello-World/git/refs{/sha}",
    "https://api.github.com/repos/o/r/compare/{base}...{head}",
    "https://api.github.com/repos/o/r/contents/{+path}",
    "https://api.github.com/repos/o/r/{archive_format}{/ref}",
    "https://api.github.com/users/octocat/following{/other_user}",
    "https://api.github.com/users/octocat/gists{/gist_id}",
    "https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}",
    "http://example.com/dictionary/{term:1}/{term}",
    "{var}",
    "{+var*}",
    "{#x,hello,y}",
    "{.list*}",
    "{;keys*}",
    "{?x,y,empty}",
    "{&x}",
    "{/var:1,var}",
    "{a.b.c}",
    "{%41b}",
    "{a%2Eb:9999}",
    "%7B{x}%7D",
    "a[b]{c}?d=e&f",
    "{=x}{,y}{!z}{@w}{|v}",
]
# Edits: each format's delimiters, broken escapes, line breaks, spaces and
# characters outside ASCII (Latin, private use, astral, a lone surrogate).
EDITS = list("%@[]:#?{}/.,*+=|!;$&()<>^`'\"\\ \n\t-_~TtZz0129aFg")
EDITS += ["%4", "%41", "%zz", "%%", "::", "//", "\u00e9", "\ue000", "\U0001f600",
          "\ufffe", "\ud800", "\u0661", "{}", "{x", "x}"]  # fmt: skip


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def realworld_seeds() -> list[str]:
    """URLs and templates of the vendored real-world schemas and documents."""
    found: set[str] = set()
    for path in sorted((ROOT / "tests" / "realworld").rglob("*.json")):
        for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            if ("://" in text or "{" in text) and len(text) < 300:
                found.add(text)
    return sorted(found)


def edited(rnd: random.Random, text: str) -> str:
    """``text`` with one to three characters (or short strings) inserted,
    deleted or replaced."""
    for _ in range(rnd.randint(1, 3)):
        at = rnd.randint(0, len(text))
        new = rnd.choice(EDITS)
        edit = rnd.choice(["insert", "delete", "replace"])
        if edit == "insert" or not text:
            text = text[:at] + new + text[at:]
        else:
            at = min(at, len(text) - 1)
            text = text[:at] + (new if edit == "replace" else "") + text[at + 1 :]
    return text


def every_string(alphabet: str, longest: int, heads: list[str]) -> Iterator[str]:
    """Each head followed by every string of ``alphabet`` up to ``longest``."""
    for head in heads:
        for size in range(longest + 1):
            for chars in itertools.product(alphabet, repeat=size):
                yield head + "".join(chars)


# Every ASCII character and some others, in each place of a URL or a template
# (a class of a fast pattern that holds one character too many fails here).
CHARACTERS = [chr(c) for c in range(128)] + ["\u00e9", "\ue000", "\U0001f600"]
PLACES = {
    "uri": ["{}", "x{}:", "x:{}", "x:/{}", "x://{}", "x://h{}", "x://h:{}", "x://h/{}",
            "x://h/a{}b", "x:a{}", "x://h?{}", "x://h#{}", "x://%4{}", "x://h/%{}0",
            "x://{}@h", "x://[{}]", "x://h/%20{}", "x://h?a=%{}", "/{}", "a{}",
            "a{}/b", "/a{}", "?{}", "#{}", "a/{}", "../a{}", "{}/a", "%{}1", "#/a/{}"],
    "uri-template": ["{}", "a{}b", "{{{}a}}", "{{a{}}}", "{{a{}b}}", "{{a:1{}}}",
                     "{{a.{}}}", "{{a,{}}}", "{{+a{}}}", "%{}0", "%2{}", "{{%{}1}}"],
    "date-time": ["{}2019-05-15T15:20:18Z", "2019-05-15T15:20:18Z{}",
                  "2019-05-15{}15:20:18Z", "2019-05-15T15:20:18{}00:00",
                  "2019-05-15T15:20:18.{}Z", "2019-0{}-15T15:20:18Z",
                  "2019-05-15T15:20:1{}Z"],
}  # fmt: skip


def datetimes(rnd: random.Random, count: int) -> Iterator[str]:
    """Dates over the calendar (February 29 of leap and other years, day 31 of
    short months), clocks with leap seconds (at 23:59 UTC or not), every kind of
    offset."""
    for _ in range(count):
        year = rnd.choice([1900, 2000, 2016, 2019, 2024, rnd.randint(0, 9999)])
        month, mday = rnd.choice(
            [
                (2, 29),
                (2, 28),
                (rnd.randint(0, 13), 31),
                (rnd.randint(1, 12), rnd.randint(0, 32)),
            ]
        )
        clock = rnd.choice(
            [
                "23:59:60",
                "15:59:60",
                "00:00:00",
                "23:59:59",
                f"{rnd.randint(0, 24):02}:{rnd.randint(0, 60):02}:"
                f"{rnd.choice([0, 30, 59, 60, 61]):02}",
            ]
        )
        frac = rnd.choice(["", "", ".5", ".000123", "."])
        zone = rnd.choice(["Z", "z", "+00:00", "-08:00", "+23:59", "-00:01", "+24:00",
                           "+0100", ""])  # fmt: skip
        sep = rnd.choice("TTTt _")
        text = f"{year:04}-{month:02}-{mday:02}{sep}{clock}{frac}{zone}"
        yield text if rnd.random() < 0.8 else edited(rnd, text)


def cases() -> list[tuple[str, str]]:
    """(format, string) for every format with a fast path."""
    rnd = random.Random(6570)
    out = [(f, s) for draft in ("draft2020-12", "draft7")
           for f, s, _, _ in suite_cases_of(draft) if f in FAST]  # fmt: skip
    out += [(f, s) for f, strings in TRICKY.items() if f in FAST for s in strings]
    out += [(f, s) for f, s in fuzz_cases() if f in FAST]
    out += [(f, s) for f, s in reference_cases() if f in FAST]
    # every string of the URI family goes to each of its four formats
    uris = [s for f, s in out if f in REFERENCES]
    for text in URLS + RELATIVE + TEMPLATES + realworld_seeds():
        uris.append(text)
        out.append(("uri-template", text))
        for _ in range(60):
            mutant = edited(rnd, text)
            uris.append(mutant)
            out.append(("uri-template", mutant))
    uri_alphabet = "a1/:?#@%[].\n\u00e9"
    uris += every_string(uri_alphabet, 4, ["", "x:", "x://"])
    uris += every_string("aF2%/@[]:.", 4, ["x://", "x:/", "/", "a"])
    uris += [place.format(c) for place in PLACES["uri"] for c in CHARACTERS]
    out += [(f, s) for s in dict.fromkeys(uris) for f in REFERENCES]
    template_alphabet = "{}a.:1*,+%2"
    out += [("uri-template", s) for s in every_string(template_alphabet, 5, [""])]
    out += [("date-time", s) for s in datetimes(rnd, 20000)]
    out += [(f, place.format(c)) for f, places in PLACES.items() if f != "uri"
            for place in places for c in CHARACTERS]  # fmt: skip
    return out


def test_fast_paths_keep_every_verdict() -> None:
    """A fast pattern matches only strings the full check accepts, and each
    checker's verdict is the full check's; the sample reaches every side (fast
    path taken, full check accepting, full check refusing) of every format."""
    fast = {name: re.compile(pattern) for name, (pattern, _) in FAST.items()}
    sides: Counter[tuple[str, str]] = Counter()
    wrong = []
    for name, text in cases():
        full = FAST[name][1](text)
        quick = fast[name].fullmatch(text) is not None
        if (quick and not full) or FORMATS[name](text) != full:
            wrong.append((name, text, quick, full))
        sides[name, "fast" if quick else "full, valid" if full else "invalid"] += 1
    assert not wrong, "\n".join(map(repr, wrong[:40]))
    print(f"\n{sum(sides.values())} strings: {dict(sides)}")
    for name in FAST:
        for side in ("fast", "full, valid", "invalid"):
            assert sides[name, side] >= 100, (name, side, sides)


def test_fast_paths_take_the_common_forms() -> None:
    """Not a verdict (those are the full check's anyway) but the point of the
    fast paths: payloads' URLs, templates and timestamps match them, with
    percent-encodings, queries and fragments; what they leave to the full check
    (userinfo, IP literals, February 29, leap seconds) and invalid strings do not."""
    # the valid URLs above without userinfo or an IP literal
    urls = [u for u in URLS if _is_uri_full(u) and not re.search("//[^/]*[@[]", u)]
    relative = ["#/components/schemas/userCreate", "/components/messages/x", "a/b:c",
                "../definitions.json#/$defs/a%20b", "?q=1#f", ""]  # fmt: skip
    common = {
        "uri": urls,
        "iri": urls,
        "uri-reference": urls + relative,
        "iri-reference": urls + relative,
        "uri-template": TEMPLATES,
        "date-time": [
            "2019-05-15T15:20:18Z",
            "2021-02-18t08:22:48.123+05:30",
            "1999-12-31T23:59:59-00:00",
        ],  # fmt: skip
    }
    left_uri = ["https://user@example.com/", "http://[::1]/", "http://[v7.x]/",
                "x://a@b", "http://h/\n", "http://h/%zz", "http://h/ a",
                "http://h/\u00e9"]  # fmt: skip
    left = {
        "uri": [*left_uri, ""],
        "iri": [*left_uri, "", "/a", "#f"],
        "uri-reference": [*left_uri, "//h/p", "./a:b\n", "\u00e9", "%zz"],
        "iri-reference": [*left_uri, "//h/p", "./a:b\n", "\u00e9", "%zz"],
        "uri-template": ["{\u00e9}", "http://x/{a}\u00e9", "{a:10000}", "{}",
                         "a\n", "%4"],
        "date-time": ["2020-02-29T00:00:00Z", "2016-12-31T23:59:60Z",
                      "2019-05-15 15:20:18Z", "2019-05-15T15:20:18Z\n"],
    }  # fmt: skip
    for name, (pattern, full) in FAST.items():
        compiled = re.compile(pattern)
        assert len(common[name]) > 2, (name, common[name])
        for text in common[name]:
            assert compiled.fullmatch(text), (name, text)
        for text in left[name]:
            assert not compiled.fullmatch(text), (name, text)
            assert FORMATS[name](text) == full(text), (name, text)
    assert FORMATS["uri"]("https://user@example.com/")
    assert FORMATS["iri"]("http://h/\u00e9") and FORMATS["uri-reference"]("//h/p")
    assert not FORMATS["uri-reference"]("%zz") and not FORMATS["iri"]("/a")
    assert FORMATS["date-time"]("2020-02-29T00:00:00Z")
    assert not FORMATS["uri"]("http://h/%zz")
