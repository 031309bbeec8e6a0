"""Which ``pattern``s V8's own RegExp may run, in linear time.

The Node runtime runs every pattern in re2js (linear time, no backtracking), which is
several times slower than V8's irregexp on the short anchored patterns contracts write
(``^[A-Z]{3}$``): on an ``order.created`` message the patterns took more than half of
the validation time. V8 backtracks, so it is used only for a pattern on which a
backtracking matcher does a bounded amount of work per character. :func:`native_safe`
accepts a pattern when all of these hold, and refuses everything else (re2js keeps it):

- it is made only of characters, classes (``\\d \\w \\s``, ranges, negation), ``.``,
  groups, alternation and greedy or lazy quantifiers, begins with ``^`` and may end
  with ``$`` (no other anchor, no ``\\b``, ``\\p{..}``, lookaround or backreference);
- its position automaton (Glushkov's: one position per character or class, a counted
  repetition ``{m,n}`` taken as ``*`` or ``+``, which only adds transitions) is
  deterministic: the positions that can come first, and those that can follow any
  one position, match pairwise disjoint sets of characters;
- it is unambiguous: no position is reached from another in two ways (``(a+)+``), no
  repeated group can match the empty string (``(a*)*``), and no alternation has two
  branches that can.

Then at every choice point (an alternative, one more iteration or not) at most one
choice can consume the next character, and a wrong choice fails after reading at most
one character and a bounded number of empty steps: a match attempt reads each
character a bounded number of times, and ``^`` makes it the only attempt. On these
patterns V8's meaning is ECMA-262's, the meaning JSON Schema gives ``pattern`` (re2js
runs a translation of it), so verdicts do not change; tests/test_native_patterns.py
compares the two engines on every pattern the repository's schemas hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from runtime.support.ecma import (
    CONTROL,
    DIGIT,
    LINE_TERMINATORS,
    SPACE,
    WORD,
    Ranges,
    complement,
)

SYNTAX_ESCAPES = frozenset("^$\\.*+?()[]{}|/")
HEX = frozenset("0123456789abcdefABCDEF")


class _NotLinear(Exception):
    """The pattern is outside what this module can prove linear."""


@dataclass
class _PatternNode:
    kind: str  # "char", "seq", "alt", "rep"
    chars: Ranges = ()
    items: list[_PatternNode] = field(default_factory=list)
    low: int = 0
    high: int | None = None


class _PatternReader:
    def __init__(self, source: str) -> None:
        self.src = source
        self.i = 0
        self.depth = 0

    def peek(self) -> str:
        return self.src[self.i] if self.i < len(self.src) else ""

    def take(self) -> str:
        ch = self.peek()
        if not ch:
            raise _NotLinear
        self.i += 1
        return ch

    def disjunction(self) -> _PatternNode:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence())
        return (
            branches[0] if len(branches) == 1 else _PatternNode("alt", items=branches)
        )

    def sequence(self) -> _PatternNode:
        items: list[_PatternNode] = []
        while self.peek() not in ("", "|", ")"):
            if self.src[self.i :] == "$" and self.depth == 0:
                self.i += 1  # the end of the string, last in the pattern only
                break
            items.append(self.quantified(self.atom()))
        return _PatternNode("seq", items=items)

    def atom(self) -> _PatternNode:
        ch = self.take()
        if ch == "(":
            if self.src.startswith("?:", self.i):
                self.i += 2
            elif self.src.startswith("?<", self.i) and self.src[
                self.i + 2 : self.i + 3
            ] not in (
                "=",
                "!",
            ):
                end = self.src.find(">", self.i)
                name = self.src[self.i + 2 : end]
                if end < 0 or not name.replace("$", "_").isidentifier():
                    raise _NotLinear
                self.i = end + 1
            elif self.peek() == "?":
                raise _NotLinear  # lookaround
            self.depth += 1
            inner = self.disjunction()
            self.depth -= 1
            if self.take() != ")":
                raise _NotLinear
            return inner
        if ch == "[":
            return _PatternNode("char", chars=self.char_class())
        if ch == ".":
            return _PatternNode("char", chars=complement(LINE_TERMINATORS))
        if ch == "\\":
            found = self.escape(in_class=False)
            return _PatternNode("char", chars=found)
        if ch in "^$)]{}|*+?":
            raise _NotLinear  # an anchor inside, or a syntax error for V8
        cp = ord(ch)
        if 0xD800 <= cp <= 0xDFFF:
            raise _NotLinear
        return _PatternNode("char", chars=((cp, cp),))

    def escape(self, in_class: bool) -> Ranges:
        ch = self.take()
        if ch in "dDwWsS":
            ranges = {"d": DIGIT, "w": WORD, "s": SPACE}[ch.lower()]
            return complement(ranges) if ch.isupper() else ranges
        if ch in CONTROL:
            cp = CONTROL[ch]
        elif ch == "x":
            digits = self.src[self.i : self.i + 2]
            if len(digits) != 2 or not set(digits) <= HEX:
                raise _NotLinear
            self.i += 2
            cp = int(digits, 16)
        elif ch == "u":
            digits = self.src[self.i : self.i + 4]
            if len(digits) != 4 or not set(digits) <= HEX:
                raise _NotLinear  # \u{..} and surrogate pairs: left to re2js
            self.i += 4
            cp = int(digits, 16)
            if 0xD800 <= cp <= 0xDFFF:
                raise _NotLinear
        elif ch == "0" and not self.peek().isdigit():
            cp = 0
        elif ch in SYNTAX_ESCAPES or (in_class and ch == "-"):
            cp = ord(ch)
        else:
            raise _NotLinear  # \b, \p{..}, backreferences, Annex B escapes ("\:")
        return ((cp, cp),)

    def char_class(self) -> Ranges:
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        members: list[tuple[int, int]] = []
        while self.peek() != "]":
            low = self.class_atom()
            if self.peek() == "-" and self.src[self.i + 1 : self.i + 2] not in (
                "]",
                "",
            ):
                self.i += 1
                high = self.class_atom()
                if len(low) != 1 or len(high) != 1 or low[0][0] != low[0][1]:
                    raise _NotLinear
                if high[0][0] != high[0][1] or high[0][0] < low[0][0]:
                    raise _NotLinear
                members.append((low[0][0], high[0][0]))
            else:
                members.extend(low)
        self.i += 1
        ranges = _normal(members)
        return complement(ranges) if negated else ranges

    def class_atom(self) -> Ranges:
        ch = self.take()
        if ch == "\\":
            if self.peek() == "b":
                self.i += 1
                return ((8, 8),)
            return self.escape(in_class=True)
        cp = ord(ch)
        if 0xD800 <= cp <= 0xDFFF:
            raise _NotLinear
        return ((cp, cp),)

    def quantified(self, atom: _PatternNode) -> _PatternNode:
        ch = self.peek()
        if ch in ("*", "+", "?"):
            self.i += 1
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[ch]
        elif ch == "{":
            end = self.src.find("}", self.i)
            body = self.src[self.i + 1 : end] if end >= 0 else ""
            first, comma, second = body.partition(",")
            if not first.isdigit() or not first.isascii():
                raise _NotLinear
            if second and (not second.isdigit() or not second.isascii()):
                raise _NotLinear
            low = int(first)
            high = int(first) if not comma else (int(second) if second else None)
            if (
                (high is not None and high < low)
                or high == 0
                or max(low, high or 0) > 1000
            ):
                raise _NotLinear
            self.i = end + 1
        else:
            return atom
        if self.peek() == "?":
            self.i += 1  # lazy: another order of the same choices
        return _PatternNode("rep", items=[atom], low=low, high=high)


def _normal(ranges: list[tuple[int, int]] | Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def _overlap(a: Ranges, b: Ranges) -> bool:
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][1] < b[j][0]:
            i += 1
        elif b[j][1] < a[i][0]:
            j += 1
        else:
            return True
    return False


class _PositionAutomaton:
    """Positions, first/last sets and follow lists (duplicates kept: a duplicate is
    an ambiguity)."""

    def __init__(self) -> None:
        self.chars: list[Ranges] = []
        self.follow: list[list[int]] = []

    def link(self, lasts: list[int], firsts: list[int]) -> None:
        for p in lasts:
            self.follow[p].extend(firsts)

    def walk(self, node: _PatternNode) -> tuple[bool, list[int], list[int]]:
        """(nullable, first, last) of ``node``."""
        if node.kind == "char":
            self.chars.append(node.chars)
            self.follow.append([])
            p = len(self.chars) - 1
            return False, [p], [p]
        if node.kind == "alt":
            parts = [self.walk(item) for item in node.items]
            if sum(1 for nullable, _, _ in parts if nullable) > 1:
                raise _NotLinear
            return (
                any(nullable for nullable, _, _ in parts),
                [p for _, first, _ in parts for p in first],
                [p for _, _, last in parts for p in last],
            )
        if node.kind == "rep":
            nullable, first, last = self.walk(node.items[0])
            if nullable:
                raise _NotLinear  # (a*)*, (a?)?: one string, many ways
            if node.high is None or node.high > 1:
                self.link(last, first)
            return node.low == 0, first, last
        nullable, first, last = True, [], []
        for item in node.items:
            n, f, la = self.walk(item)
            self.link(last, f)
            if nullable:
                first = first + f
            last = last + la if n else la
            nullable = nullable and n
        return nullable, first, last

    def deterministic(self, group: list[int]) -> bool:
        if len(set(group)) != len(group):
            return False
        sets = [self.chars[p] for p in group]
        return not any(
            _overlap(sets[i], sets[j])
            for i in range(len(sets))
            for j in range(i + 1, len(sets))
        )


def native_safe(source: str) -> bool:
    """Whether a backtracking engine matches ECMA-262 pattern ``source`` in time
    linear in the text (see the module's docstring)."""
    if not source.startswith("^"):
        return False
    parser = _PatternReader(source[1:])
    try:
        tree = parser.disjunction()
        # "^a|b" anchors its first branch only
        if parser.i != len(parser.src) or tree.kind == "alt":
            return False
        automaton = _PositionAutomaton()
        _, first, _ = automaton.walk(tree)
    except _NotLinear:
        return False
    except RecursionError:
        return False
    groups = [first, *automaton.follow]
    return all(automaton.deterministic(group) for group in groups)


def _max_length(node: _PatternNode) -> int | None:
    """The most characters ``node`` can match, or None when unbounded."""
    if node.kind == "char":
        return 1
    lengths = [_max_length(item) for item in node.items]
    if any(n is None for n in lengths):
        return None
    known = [n for n in lengths if n is not None]
    if node.kind == "alt":
        return max(known, default=0)
    if node.kind == "rep":
        return None if node.high is None else node.high * known[0]
    return sum(known)


def _paths(node: _PatternNode, cap: int) -> int:
    """How many ways a backtracking matcher can walk ``node`` (alternatives times
    repetition counts), at most ``cap + 1``."""
    if node.kind == "char":
        return 1
    counts = [_paths(item, cap) for item in node.items]
    if node.kind == "alt":
        return min(sum(counts), cap + 1)
    if node.kind == "rep":
        one, total, power = counts[0], 0, 1
        for k in range((node.high or 0) + 1):
            if k >= node.low:
                total = min(total + power, cap + 1)
            power = min(power * one, cap + 1)
        return total
    product = 1
    for count in counts:
        product = min(product * count, cap + 1)
    return product


# Characters an unanchored pattern's match may span, at most, to count as linear.
SEARCH_SPAN = 64
# Steps (ways through the pattern times characters each reads) one anchored attempt
# at a pattern without unbounded repetition may take, at most.
ATTEMPT_STEPS = 10_000


def native_search_safe(source: str) -> bool:
    """Whether a backtracking engine searches the text for ECMA-262 pattern
    ``source`` in linear time: :func:`native_safe`; or an anchored pattern without
    unbounded repetition whose one attempt takes at most ATTEMPT_STEPS steps, however
    ambiguous (``^(get|put|post|patch)$``); or an unanchored pattern (a search tries it
    at every position) that matches at most SEARCH_SPAN characters and would be
    native-safe anchored (so each attempt reads at most SEARCH_SPAN characters once):
    ``foo``, ``x-``, ``a|b``."""
    if native_safe(source):
        return True
    anchored = source.startswith("^")
    reader = _PatternReader(source[1:] if anchored else source)
    try:
        tree = reader.disjunction()
    except (_NotLinear, RecursionError):
        return False
    if reader.i != len(reader.src):
        return False
    span = _max_length(tree)
    if span is None:
        return False
    if anchored:  # "^a|b" anchors its first branch only
        return tree.kind != "alt" and _paths(tree, ATTEMPT_STEPS) * max(span, 1) <= (
            ATTEMPT_STEPS
        )
    return span <= SEARCH_SPAN and native_safe(f"^(?:{source})")
