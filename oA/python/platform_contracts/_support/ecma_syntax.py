"""The ``regex`` format: is a string a valid ECMA-262 regular expression?

JSON Schema patterns are ECMA-262 with the ``u`` flag; this is the grammar of
ECMA-262 (2023) section 22.2.1 in Unicode mode, without Annex B, as a recursive
descent over code points (iterative over groups). It only answers valid or not
(the Node runtime asks ``new RegExp(s, "u")``); it neither compiles nor runs
anything, so any input is decided in linear time. ``\\p{...}`` names come from
``_ecma_properties``.

``ecma.check_syntax`` (the pattern translator's parser) answers a narrower question,
whether generation takes a ``pattern``: it refuses the property names the engines
lack (Unicode 17 scripts, ``Hrkt``, ``Zzzz``) and recurses per group. A ``regex``
format value is data, so its verdict is V8's exactly (tests/test_formats.py).
"""

from __future__ import annotations

import re

from ._ecma_properties import GENERAL_CATEGORY, LONE, SCRIPT

_SYNTAX = frozenset("^$\\.*+?()[]{}|")
_HEX = frozenset("0123456789abcdefABCDEF")
_QUANTIFIER = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")
_GROUP_NAMES = {"General_Category": GENERAL_CATEGORY, "gc": GENERAL_CATEGORY}
_GROUP_NAMES.update(dict.fromkeys(("Script", "sc", "Script_Extensions", "scx"), SCRIPT))


class _Invalid(Exception):
    pass


def _id_char(ch: str, first: bool) -> bool:
    if ch in "$_" or (not first and ch in "\u200c\u200d"):
        return True
    return ch.isidentifier() if first else ("a" + ch).isidentifier()


class _SyntaxParser:
    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0
        self.groups = 0
        self.names: list[str] = []
        self._scan_groups()

    # -- helpers -----------------------------------------------------------------
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def eat(self, text: str) -> bool:
        if self.s.startswith(text, self.i):
            self.i += len(text)
            return True
        return False

    def _scan_groups(self) -> None:
        """Count capturing groups and collect their names (for \\1 and \\k<n>)."""
        s, i, in_class = self.s, 0, False
        while i < len(s):
            ch = s[i]
            if ch == "\\":
                i += 2
                continue
            if in_class:
                in_class = ch != "]"
            elif ch == "[":
                in_class = True
            elif ch == "(":
                if s.startswith("(?<", i) and s[i + 3 : i + 4] not in ("=", "!"):
                    self.groups += 1
                    self.i = i + 3
                    try:
                        self.names.append(self.group_name())
                    except _Invalid:
                        pass
                elif not s.startswith("(?", i):
                    self.groups += 1
            i += 1
        self.i = 0
        if len(set(self.names)) != len(self.names):
            raise _Invalid("duplicate group name")

    # -- grammar -----------------------------------------------------------------
    def pattern(self) -> None:
        """Disjunction, iteratively: an explicit stack of open groups (each
        quantifiable or not), so nesting depth costs no recursion."""
        open_groups: list[bool] = []
        while self.i < len(self.s):
            if self.eat("|"):
                continue
            if self.eat(")"):
                if not open_groups:
                    raise _Invalid("unmatched )")
                if open_groups.pop():
                    self.quantifier()
                continue
            if self.eat("^") or self.eat("$") or self.eat("\\b") or self.eat("\\B"):
                continue  # assertions take no quantifier
            if any(self.eat(look) for look in ("(?=", "(?!", "(?<=", "(?<!")):
                open_groups.append(False)  # nor do lookarounds (u flag)
                continue
            if self.peek() == "(":
                if self.eat("(?<"):
                    self.group_name()
                elif not self.eat("(?:"):
                    if self.s.startswith("(?", self.i):
                        raise _Invalid("invalid group")
                    self.i += 1
                open_groups.append(True)
                continue
            self.atom()
            self.quantifier()
        if open_groups:
            raise _Invalid("unclosed group")

    def quantifier(self) -> None:
        ch = self.peek()
        if ch in ("*", "+", "?") and ch:
            self.i += 1
        elif ch == "{":
            m = _QUANTIFIER.match(self.s, self.i)
            if m is None:
                raise _Invalid("incomplete quantifier")
            if m[3] and int(m[1]) > int(m[3]):
                raise _Invalid("numbers out of order")
            self.i = m.end()
        else:
            return
        self.eat("?")

    def atom(self) -> None:
        ch = self.peek()
        if ch == "[":
            self.i += 1
            self.char_class()
        elif ch == "\\":
            self.i += 1
            self.atom_escape()
        elif ch == "." or ch not in _SYNTAX:
            self.i += 1
        else:
            raise _Invalid(f"nothing to repeat or lone {ch}")

    def group_name(self) -> str:
        out: list[str] = []
        while not self.eat(">"):
            if self.i >= len(self.s):
                raise _Invalid("unterminated group name")
            if self.eat("\\u"):
                cp = self.unicode_escape()
                ch = chr(cp) if cp is not None else ""
            else:
                ch = self.peek()
                self.i += 1
            if not ch or not _id_char(ch, not out):
                raise _Invalid("invalid group name")
            out.append(ch)
        if not out:
            raise _Invalid("empty group name")
        return "".join(out)

    def atom_escape(self) -> None:
        ch = self.peek()
        if ch and ch in "123456789":
            j = self.i
            while self.peek().isascii() and self.peek().isdigit():
                self.i += 1
            if int(self.s[j : self.i]) > self.groups:
                raise _Invalid("invalid escape")
            return
        if ch == "k":
            self.i += 1
            if not self.eat("<") or self.group_name() not in self.names:
                raise _Invalid("invalid named reference")
            return
        if self.class_escape(in_class=False) is None:
            return

    def class_escape(self, in_class: bool) -> int | None:
        """One escape after "\\": its code point, or None for a set (\\d, \\p{..})."""
        ch = self.peek()
        self.i += 1
        if not ch:
            raise _Invalid("\\ at end of pattern")
        if ch in "dDsSwW":
            return None
        if ch in "pP":
            self.property()
            return None
        if in_class and ch == "b":
            return 8
        if in_class and ch == "-":
            return 0x2D
        simple = {"f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
        if ch in simple:
            return simple[ch]
        if ch == "c":
            letter = self.peek()
            if letter.isascii() and letter.isalpha():
                self.i += 1
                return ord(letter) % 32
            raise _Invalid("invalid unicode escape")
        if ch == "0":
            if self.peek().isascii() and self.peek().isdigit():
                raise _Invalid("invalid decimal escape")
            return 0
        if ch == "x":
            digits = self.s[self.i : self.i + 2]
            if len(digits) == 2 and set(digits) <= _HEX:
                self.i += 2
                return int(digits, 16)
            raise _Invalid("invalid escape")
        if ch == "u":
            cp = self.unicode_escape()
            if cp is None:
                raise _Invalid("invalid unicode escape")
            return cp
        if ch in _SYNTAX or ch == "/":
            return ord(ch)
        raise _Invalid("invalid escape")

    def unicode_escape(self) -> int | None:
        """After "\\u": ``XXXX`` (a surrogate pair as one) or ``{X...}``."""
        if self.eat("{"):
            j = self.i
            while self.peek() and self.peek() in _HEX:
                self.i += 1
            digits = self.s[j : self.i]
            if not digits or not self.eat("}") or int(digits, 16) > 0x10FFFF:
                return None
            return int(digits, 16)
        digits = self.s[self.i : self.i + 4]
        if len(digits) != 4 or not set(digits) <= _HEX:
            return None
        self.i += 4
        cp = int(digits, 16)
        tail = self.s[self.i + 2 : self.i + 6]
        if (
            0xD800 <= cp <= 0xDBFF
            and self.s.startswith("\\u", self.i)
            and len(tail) == 4
            and set(tail) <= _HEX
            and 0xDC00 <= int(tail, 16) <= 0xDFFF
        ):
            self.i += 6
            cp = 0x10000 + ((cp - 0xD800) << 10) + (int(tail, 16) - 0xDC00)
        return cp

    def property(self) -> None:
        if not self.eat("{"):
            raise _Invalid("invalid property name")
        end = self.s.find("}", self.i)
        if end < 0:
            raise _Invalid("invalid property name")
        body = self.s[self.i : end]
        self.i = end + 1
        name, eq, value = body.partition("=")
        if eq:
            ok = value in _GROUP_NAMES.get(name, ())
        else:
            ok = name in LONE
        if not ok:
            raise _Invalid("invalid property name")

    def char_class(self) -> None:
        self.eat("^")
        while not self.eat("]"):
            if self.i >= len(self.s):
                raise _Invalid("unterminated character class")
            low = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                high = self.class_atom()
                if low is None or high is None:
                    raise _Invalid("invalid character class")
                if low > high:
                    raise _Invalid("range out of order in character class")

    def class_atom(self) -> int | None:
        ch = self.peek()
        self.i += 1
        if ch == "\\":
            return self.class_escape(in_class=True)
        return ord(ch)


def is_regex(value: str) -> bool:
    """Whether ``value`` is an ECMA-262 regular expression (``u`` flag)."""
    try:
        _SyntaxParser(value).pattern()
    except _Invalid:
        return False
    return True
