"""ECMA-262 regular expressions, translated for the linear-time engines.

JSON Schema's ``pattern`` is an ECMA-262 regular expression with the ``u`` flag. Both
runtimes match with engines from the RE2 family, which never backtrack: Rust's
``regex`` crate inside pydantic-core (Python) and re2js (Node). :func:`translate`
parses a pattern with ECMA-262's grammar (``u`` flag) and writes it in each engine's
syntax with ECMA-262's meaning:

- ``\\d`` ``\\w`` ``\\b`` are ASCII-only, ``\\s`` is ECMA-262's white space and line
  terminators, ``.`` excludes the four line terminators, ``$`` is the end of the
  string only;
- ``\\p{..}``/``\\P{..}``: General_Category values and Scripts under their exact
  ECMA-262 names, and the binary properties ``Any``, ``ASCII``, ``ASCII_Hex_Digit``;
- characters by code point (astral ones included), ``\\u{..}``, surrogate pairs
  written as two ``\\u`` escapes, ``\\cX``, ``\\xHH``, ``\\0``.

A pattern that is not ECMA-262 is a :class:`RegexError` with code ``bad-pattern``;
one outside the engines' language (lookaround, backreferences, counts over 1000, lone
surrogates, other binary properties, Script_Extensions) has code
``unsupported-pattern`` and a reason naming the construct.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .unicode_names import BINARY, GENERAL_CATEGORY, SCRIPT

BAD = "bad-pattern"
UNSUPPORTED = "unsupported-pattern"
MAX_REPEAT = 1000  # RE2's limit on a counted repetition
NO_LOOKAROUND = "the linear-time engines have no lookaround"

MAX_CP = 0x10FFFF
Ranges = tuple[tuple[int, int], ...]
DIGIT: Ranges = ((0x30, 0x39),)
WORD: Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
SPACE: Ranges = (
    (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
    (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
)  # fmt: skip
LINE_TERMINATORS: Ranges = ((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029))
HEX_DIGIT: Ranges = ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66))
SYNTAX = frozenset("^$\\.*+?()[]{}|")
CONTROL = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}
HEX = frozenset("0123456789abcdefABCDEF")


class RegexError(ValueError):
    """A pattern refused: ``code`` is ``bad-pattern`` or ``unsupported-pattern``."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Translation:
    """One ECMA-262 pattern in the syntax of each engine (same meaning)."""

    rust: str
    re2: str


def complement(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    start = 0
    for lo, hi in sorted(ranges):
        if lo > start:
            out.append((start, lo - 1))
        start = max(start, hi + 1)
    if start <= MAX_CP:
        out.append((start, MAX_CP))
    return tuple(out)


def _char(cp: int) -> str:
    ch = chr(cp)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{cp:X}}}"


def _members(ranges: Ranges) -> str:
    return "".join(
        _char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges
    )


@dataclass(frozen=True)
class _Set:
    """A set of characters as class members of each dialect."""

    rust: str
    re2: str

    @staticmethod
    def of(ranges: Ranges) -> _Set:
        text = _members(ranges)
        return _Set(text, text)


def _class(members: list[_Set], negated: bool) -> tuple[str, str]:
    rust = "".join(m.rust for m in members)
    re2 = "".join(m.re2 for m in members)
    if not rust:  # [] matches nothing, [^] anything
        text = _members(((0, MAX_CP),))
        nothing = f"[{text}]" if negated else f"[^{text}]"
        return nothing, nothing
    hat = "^" if negated else ""
    return f"[{hat}{rust}]", f"[{hat}{re2}]"


@lru_cache(maxsize=4096)
def translate(source: str) -> Translation:
    """``source`` in each engine's syntax, or :class:`RegexError`."""
    parser = _Parser(source)
    parser.parse()
    if parser.unsupported is not None:
        raise RegexError(UNSUPPORTED, parser.unsupported)
    return Translation("".join(parser.rust), "".join(parser.re2))


def check_syntax(source: str) -> None:
    """Raise :class:`RegexError` (``bad-pattern``) unless ``source`` is an ECMA-262
    regular expression (``u`` flag); constructs the engines lack are valid here."""
    _Parser(source).parse()


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.i = 0
        self.rust: list[str] = []
        self.re2: list[str] = []
        self.unsupported: str | None = None
        self.groups, self.names = _groups(source)

    # -- helpers -------------------------------------------------------------
    def bad(self, what: str, at: int | None = None) -> RegexError:
        return RegexError(BAD, f"{what} at index {self.i if at is None else at}")

    def refuse(self, construct: str, why: str, at: int) -> None:
        if self.unsupported is None:
            self.unsupported = f"{construct} at index {at}: {why}"

    def emit(self, rust: str, re2: str | None = None) -> None:
        self.rust.append(rust)
        self.re2.append(rust if re2 is None else re2)

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.src[j] if j < len(self.src) else ""

    def eat(self, text: str) -> bool:
        if self.src.startswith(text, self.i):
            self.i += len(text)
            return True
        return False

    # -- grammar -------------------------------------------------------------
    def parse(self) -> None:
        self.disjunction()
        if self.i < len(self.src):
            raise self.bad("unmatched ')'")

    # disjunction, alternative, term, atom and group return the largest product of
    # the counts of nested counted repetitions in what they parsed (RE2 refuses
    # more than 1000).
    def disjunction(self) -> int:
        most = self.alternative()
        while self.eat("|"):
            self.emit("|")
            most = max(most, self.alternative())
        return most

    def alternative(self) -> int:
        most = 1
        while self.i < len(self.src) and self.peek() not in "|)":
            most = max(most, self.term())
        return most

    def term(self) -> int:
        start = self.i
        ch = self.peek()
        if ch in "^$":
            self.i += 1
            self.emit(ch)
            self.no_quantifier()
            return 1
        if self.eat("\\b") or self.eat("\\B"):
            letter = self.src[self.i - 1]
            self.emit(f"(?-u:\\{letter})", f"\\{letter}")
            self.no_quantifier()
            return 1
        if self.src.startswith("(?", self.i) and self.peek(2) in ("=", "!", "<"):
            look = self.src[self.i : self.i + 4]
            behind = look.startswith("(?<") and look[3:4] in ("=", "!")
            if look[:3] in ("(?=", "(?!") or behind:
                self.i += 4 if behind else 3
                kind = "lookbehind" if behind else "lookahead"
                self.refuse(
                    f"{kind} '{look[: 4 if behind else 3]}'",
                    NO_LOOKAROUND,
                    start,
                )
                self.disjunction()
                if not self.eat(")"):
                    raise self.bad("unterminated group", start)
                self.no_quantifier()
                return 1
        inner = self.atom()
        return self.quantifier(inner)

    def no_quantifier(self) -> None:
        if self.i < len(self.src) and (
            self.peek() in "*+?" or (self.peek() == "{" and self.counted() is not None)
        ):
            raise self.bad("nothing to repeat")

    def counted(self) -> tuple[int, int | None, int] | None:
        """``{n}``, ``{n,}``, ``{n,m}`` at the cursor: (n, m, length), or None."""
        j = self.i + 1
        k = j
        while k < len(self.src) and self.src[k].isdigit() and self.src[k].isascii():
            k += 1
        if k == j:
            return None
        low = int(self.src[j:k])
        high: int | None = low
        if k < len(self.src) and self.src[k] == ",":
            m = k + 1
            while m < len(self.src) and self.src[m].isdigit() and self.src[m].isascii():
                m += 1
            high = int(self.src[k + 1 : m]) if m > k + 1 else None
            k = m
        if k < len(self.src) and self.src[k] == "}":
            return low, high, k + 1 - self.i
        return None

    def quantifier(self, inner: int) -> int:
        ch = self.peek()
        product = inner
        if ch in ("*", "+", "?") and ch:
            self.i += 1
            text = ch
        elif ch == "{":
            count = self.counted()
            if count is None:
                raise self.bad("incomplete quantifier '{'")
            low, high, length = count
            if high is not None and high < low:
                raise self.bad("numbers out of order in {} quantifier")
            biggest = low if high is None else high
            product = inner * max(biggest, 1)
            if biggest > MAX_REPEAT:
                self.refuse(
                    f"repetition count {biggest}",
                    f"the engines repeat at most {MAX_REPEAT} times",
                    self.i,
                )
            elif product > MAX_REPEAT:
                self.refuse(
                    f"nested repetition counts multiplying to {product}",
                    f"the engines repeat at most {MAX_REPEAT} times",
                    self.i,
                )
            self.i += length
            text = f"{{{low},}}" if high is None else f"{{{low},{high}}}"
            if high == low:
                text = f"{{{low}}}"
        else:
            return inner
        if self.eat("?"):
            text += "?"
        # The repeated atom is one unit in both outputs (atoms are emitted so).
        self.emit(text)
        return product

    def atom(self) -> int:
        start = self.i
        ch = self.peek()
        if ch == ".":
            self.i += 1
            self.emit(*_class([_Set.of(complement(LINE_TERMINATORS))], False))
        elif ch == "[":
            self.char_class()
        elif ch == "(":
            return self.group()
        elif ch == "\\":
            self.i += 1
            self.atom_escape(start)
        elif ch in ")]{}|*+?":
            what = {"{": "lone '{'", "}": "lone '}'", "]": "lone ']'"}.get(
                ch, "nothing to repeat" if ch in "*+?" else f"unexpected '{ch}'"
            )
            raise self.bad(what)
        else:
            self.i += 1
            self.literal(ord(ch), start)
        return 1

    def surrogate(self, cp: int, at: int) -> None:
        if 0xD800 <= cp <= 0xDFFF:
            self.refuse(
                f"lone surrogate U+{cp:04X}",
                "strings are matched by code point, and a lone surrogate is none",
                at,
            )

    def literal(self, cp: int, at: int) -> None:
        self.surrogate(cp, at)
        text = f"\\x{{{cp:X}}}" if not (chr(cp).isalnum() and cp < 0x80) else chr(cp)
        self.emit(text)

    def group(self) -> int:
        start = self.i
        self.i += 1
        if self.eat("?:"):
            pass
        elif self.eat("?<"):
            end = self.src.find(">", self.i)
            name = self.src[self.i : end] if end >= 0 else ""
            if not _is_group_name(name):
                raise self.bad("invalid group name", start)
            self.i = end + 1
        elif self.peek() == "?":
            raise self.bad("invalid group '(?'", start)
        self.emit("(?:")
        inner = self.disjunction()
        if not self.eat(")"):
            raise self.bad("unterminated group", start)
        self.emit(")")
        return inner

    def atom_escape(self, start: int) -> None:
        ch = self.peek()
        if not ch:
            raise self.bad("'\\' at end of pattern", start)
        if ch in "123456789":
            j = self.i
            while j < len(self.src) and self.src[j] in "0123456789":
                j += 1
            number = int(self.src[self.i : j])
            if number > self.groups:
                raise self.bad(f"invalid escape '\\{number}' (no such group)", start)
            self.i = j
            self.refuse(
                f"backreference '\\{number}'",
                "the linear-time engines have no backreferences",
                start,
            )
            self.emit("")
            return
        if ch == "k":
            self.i += 1
            end = self.src.find(">", self.i)
            if (
                self.peek() != "<"
                or end < 0
                or self.src[self.i + 1 : end] not in self.names
            ):
                raise self.bad("invalid named reference '\\k'", start)
            ref = self.src[start : end + 1]
            self.i = end + 1
            self.refuse(
                f"backreference '{ref}'",
                "the linear-time engines have no backreferences",
                start,
            )
            self.emit("")
            return
        found = self.class_escape(start, in_class=False)
        if isinstance(found, _Set):
            self.emit(*_class([found], False))
        else:
            self.literal(found, start)

    def class_escape(self, start: int, in_class: bool) -> _Set | int:
        """After a backslash: a set (``\\d``, ``\\p{..}``...) or one code point."""
        ch = self.peek()
        self.i += 1
        if ch in "dDwWsS":
            ranges = {"d": DIGIT, "w": WORD, "s": SPACE}[ch.lower()]
            return _Set.of(complement(ranges) if ch.isupper() else ranges)
        if ch in "pP":
            return self.property(start, negated=ch == "P")
        if ch in CONTROL:
            return CONTROL[ch]
        if ch == "c":
            letter = self.peek()
            if letter.isascii() and letter.isalpha():
                self.i += 1
                return ord(letter) % 32
            raise self.bad("invalid escape '\\c'", start)
        if ch == "0":
            if self.peek().isdigit():
                raise self.bad("invalid decimal escape", start)
            return 0
        if ch == "x":
            digits = self.src[self.i : self.i + 2]
            if len(digits) == 2 and set(digits) <= HEX:
                self.i += 2
                return int(digits, 16)
            raise self.bad("invalid escape '\\x'", start)
        if ch == "u":
            return self.unicode_escape(start)
        if in_class and ch == "b":
            return 0x08
        if in_class and ch == "-":
            return 0x2D
        if ch in SYNTAX or ch == "/":
            return ord(ch)
        raise self.bad(f"invalid escape '\\{ch}'", start)

    def unicode_escape(self, start: int) -> int:
        if self.eat("{"):
            end = self.src.find("}", self.i)
            digits = self.src[self.i : end] if end >= 0 else ""
            if not digits or not set(digits) <= HEX or int(digits, 16) > MAX_CP:
                raise self.bad("invalid Unicode escape", start)
            self.i = end + 1
            return int(digits, 16)
        digits = self.src[self.i : self.i + 4]
        if len(digits) != 4 or not set(digits) <= HEX:
            raise self.bad("invalid Unicode escape", start)
        self.i += 4
        cp = int(digits, 16)
        trail = self.src[self.i + 2 : self.i + 6]
        if (
            0xD800 <= cp <= 0xDBFF
            and self.src.startswith("\\u", self.i)
            and len(trail) == 4
            and set(trail) <= HEX
            and 0xDC00 <= int(trail, 16) <= 0xDFFF
        ):
            self.i += 6
            return 0x10000 + ((cp - 0xD800) << 10) + (int(trail, 16) - 0xDC00)
        return cp

    def property(self, start: int, negated: bool) -> _Set:
        end = self.src.find("}", self.i)
        if self.peek() != "{" or end < 0:
            raise self.bad("invalid property name", start)
        body = self.src[self.i + 1 : end]
        self.i = end + 1
        written = self.src[start : self.i]
        p = "P" if negated else "p"
        name, _, value = body.partition("=")
        if value:
            if name in ("General_Category", "gc") and value in GENERAL_CATEGORY:
                return _category(GENERAL_CATEGORY[value], negated)
            if name in ("Script", "sc") and value in SCRIPT:
                long = SCRIPT[value]
                return _Set(f"\\{p}{{sc={long}}}", f"\\{p}{{{long}}}")
            if name in ("Script_Extensions", "scx") and value in SCRIPT:
                self.refuse(
                    f"Unicode property '{written}'",
                    "Script_Extensions is not in both engines; use Script",
                    start,
                )
                return _Set("", "")
            raise self.bad(f"invalid property name '{written}'", start)
        if body in GENERAL_CATEGORY:
            return _category(GENERAL_CATEGORY[body], negated)
        fixed: dict[str, Ranges] = {"Any": ((0, MAX_CP),), "ASCII": ((0, 0x7F),)}
        fixed["ASCII_Hex_Digit"] = fixed["AHex"] = HEX_DIGIT
        if body in fixed:
            ranges = fixed[body]
            return _Set.of(complement(ranges) if negated else ranges)
        if body in BINARY:
            self.refuse(
                f"Unicode property '{written}'",
                "of the binary properties only Any, ASCII and ASCII_Hex_Digit are"
                " in both engines",
                start,
            )
            return _Set("", "")
        raise self.bad(f"invalid property name '{written}'", start)

    def char_class(self) -> None:
        start = self.i
        self.i += 1
        negated = self.eat("^")
        members: list[_Set] = []
        while True:
            if self.i >= len(self.src):
                raise self.bad("unterminated character class", start)
            if self.eat("]"):
                break
            low = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                dash = self.i
                self.i += 1
                high = self.class_atom()
                if isinstance(low, _Set) or isinstance(high, _Set):
                    raise self.bad("character class escape in a range", dash)
                if high < low:
                    raise self.bad("range out of order in character class", dash)
                for cp in (low, high):
                    self.surrogate(cp, dash)
                members.append(_Set.of(((low, high),)))
            elif isinstance(low, _Set):
                members.append(low)
            else:
                self.surrogate(low, start)
                members.append(_Set.of(((low, low),)))
        self.emit(*_class(members, negated))

    def class_atom(self) -> _Set | int:
        start = self.i
        ch = self.peek()
        self.i += 1
        if ch == "\\":
            if not self.peek():
                raise self.bad("'\\' at end of pattern", start)
            return self.class_escape(start, in_class=True)
        return ord(ch)


def _category(short: str, negated: bool) -> _Set:
    if short == "Cs":  # strings hold code points, never a surrogate: no match
        return _Set.of(complement(()) if negated else ())
    p = "P" if negated else "p"
    return _Set(f"\\{p}{{{short}}}", f"\\{p}{{{short}}}")


def _groups(source: str) -> tuple[int, frozenset[str]]:
    """Capturing groups and group names of a pattern (for backreferences)."""
    count = 0
    names: set[str] = set()
    i = 0
    in_class = False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            if not source.startswith("?", i + 1):
                count += 1
            elif source.startswith("?<", i + 1) and source[i + 3 : i + 4] not in "=!":
                end = source.find(">", i)
                name = source[i + 3 : end]
                if name in names:
                    raise RegexError(BAD, f"duplicate group name '{name}' at index {i}")
                names.add(name)
                count += 1
        i += 1
    return count, frozenset(names)


def _is_group_name(name: str) -> bool:
    return bool(name) and name.replace("$", "_").isidentifier()
