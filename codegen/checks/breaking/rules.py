"""The rule table of ``contracts breaking``: stable ids, severities, fix hints.

Each rule implements a row of ``compatibility-rules.md`` (the ``row`` field). A
rule's directions are decided per finding (they can depend on the schemas, as for a
property added under a ``patternProperties`` that covers it); the table holds what
does not vary: the row, the severity class and the fix hint.

Directions, as in Confluent Schema Registry:

- ``backward``: a reader on the NEW schema accepts data written with the OLD one.
  When it fails, the change *breaks old writers* (their data is refused).
- ``forward``: a reader on the OLD schema accepts data written with the NEW one.
  When it fails, the change *breaks old readers*.

Severities: ``breaking`` (fails when it breaks a direction the mode requires),
``needs-review`` (undecidable, such as a changed regular expression: fails like a
break unless baselined), ``code`` (the wire is unchanged but a generated type is
renamed or removed: always fails), ``warning`` and ``info`` (never fail).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Direction = Literal["backward", "forward"]
Severity = Literal["breaking", "needs-review", "code", "warning", "info"]
BOTH: frozenset[Direction] = frozenset({"backward", "forward"})
BACKWARD: frozenset[Direction] = frozenset({"backward"})
FORWARD: frozenset[Direction] = frozenset({"forward"})
NONE: frozenset[Direction] = frozenset()

BREAKS_TEXT: dict[Direction, str] = {
    "backward": "breaks old writers",
    "forward": "breaks old readers",
}


@dataclass(frozen=True)
class Rule:
    """A stable rule id, the table row it implements, its class, a fix hint."""

    row: str
    severity: Severity
    hint: str


_NEW_MAJOR = "publish it as a new major version (a new .v<N+1>.json file)"

RULES: dict[str, Rule] = {
    # properties and models (rows 1-14)
    "property-added-closed": Rule(
        "1",
        "breaking",
        "old readers refuse the unknown property; upgrade every reader first,"
        " or " + _NEW_MAJOR,
    ),
    "property-added-open": Rule(
        "2",
        "breaking",
        "old writers could already send this name with any value; if none did,"
        " record the finding in the baseline",
    ),
    "property-added-empty": Rule("3", "info", ""),
    "required-property-added": Rule(
        "4", "breaking", "add it as optional, or " + _NEW_MAJOR
    ),
    "required-property-added-with-default": Rule(
        "5",
        "breaking",
        "generated readers fill defaults only for optional properties (Pydantic"
        " and Ajv refuse a missing required one); make it optional with the default",
    ),
    "property-removed-open": Rule(
        "6",
        "breaking",
        "old readers still check the removed property when new writers send it;"
        " keep the property, or " + _NEW_MAJOR,
    ),
    "property-removed-closed": Rule(
        "7",
        "breaking",
        "data from old writers still carries it; keep it (deprecated), or "
        + _NEW_MAJOR,
    ),
    "property-renamed": Rule(
        "8",
        "breaking",
        "keep the old name (deprecated) next to the new one, or " + _NEW_MAJOR,
    ),
    "property-made-required": Rule(
        "9", "breaking", "keep it optional, or " + _NEW_MAJOR
    ),
    "property-made-optional": Rule(
        "10",
        "breaking",
        "old readers require it; keep writing it until every reader is upgraded",
    ),
    "additional-properties-widened": Rule(
        "11", "breaking", "old readers refuse what the wider schema now allows"
    ),
    "additional-properties-narrowed": Rule(
        "12", "breaking", "data from old writers may carry what is now refused"
    ),
    "pattern-covered-property-added": Rule(
        "13", "breaking", "the new property narrows what its pattern allowed"
    ),
    "pattern-covered-property-removed": Rule(
        "13", "breaking", "the pattern's schema is wider than the removed property"
    ),
    "pattern-properties-added": Rule(
        "13", "breaking", "names the new pattern covers used to be unconstrained"
    ),
    "pattern-properties-removed": Rule(
        "13", "breaking", "names the pattern covered fall back to additionalProperties"
    ),
    "pattern-properties-changed": Rule(
        "13",
        "needs-review",
        "regex containment is undecidable; check which names each pattern covers",
    ),
    "reserved-name-removed": Rule(
        "14", "breaking", "keep the name in x-reserved: it may never be reused"
    ),
    "reserved-name-reused": Rule(
        "14",
        "breaking",
        "a name in x-reserved was used once with another meaning; pick a new name",
    ),
    # types and values (rows 15-22)
    "type-widened": Rule(
        "15", "breaking", "old readers refuse the new type; upgrade readers first"
    ),
    "type-narrowed": Rule(
        "16", "breaking", "data from old writers may have the removed type"
    ),
    "type-changed": Rule("17", "breaking", _NEW_MAJOR),
    "integer-widened-to-number": Rule(
        "18", "breaking", "old readers refuse numbers with a fraction"
    ),
    "number-narrowed-to-integer": Rule(
        "18", "breaking", "data from old writers may hold numbers with a fraction"
    ),
    "enum-value-added": Rule(
        "19", "breaking", "old readers refuse the new value; upgrade readers first"
    ),
    "enum-value-removed": Rule(
        "20", "breaking", "data from old writers may still use the removed value"
    ),
    "enum-values-changed": Rule("21", "breaking", _NEW_MAJOR),
    "enum-added": Rule(
        "20", "breaking", "data from old writers may use values outside the list"
    ),
    "enum-removed": Rule("19", "breaking", "old readers accept only the listed values"),
    "const-added": Rule(
        "22", "breaking", "data from old writers may hold other values"
    ),
    "const-changed": Rule("22", "breaking", _NEW_MAJOR),
    "const-removed": Rule("22", "breaking", "old readers accept only the constant"),
    # constraints (rows 23-30)
    "string-length-narrowed": Rule(
        "23", "breaking", "data from old writers may be outside the new length"
    ),
    "string-length-widened": Rule(
        "23", "breaking", "old readers refuse strings outside the old length"
    ),
    "pattern-added": Rule(
        "24", "breaking", "data from old writers may not match the pattern"
    ),
    "pattern-removed": Rule(
        "24", "breaking", "old readers refuse strings that do not match the pattern"
    ),
    "pattern-changed": Rule(
        "24",
        "needs-review",
        "regex containment is undecidable: check that each pattern accepts what the"
        " other does in the directions you need, then record it in the baseline",
    ),
    "format-added": Rule(
        "25", "breaking", "data from old writers may not be in that format"
    ),
    "format-removed": Rule("25", "breaking", "old readers assert the removed format"),
    "format-changed": Rule("25", "breaking", _NEW_MAJOR),
    "content-added": Rule(
        "25", "breaking", "readers decode by contentEncoding/contentMediaType"
    ),
    "content-removed": Rule(
        "25", "breaking", "old readers decode by contentEncoding/contentMediaType"
    ),
    "content-changed": Rule("25", "breaking", _NEW_MAJOR),
    "number-range-narrowed": Rule(
        "26", "breaking", "data from old writers may be outside the new range"
    ),
    "number-range-widened": Rule(
        "26", "breaking", "old readers refuse numbers outside the old range"
    ),
    "multiple-of-narrowed": Rule(
        "27", "breaking", "old data is a multiple of the old value only"
    ),
    "multiple-of-widened": Rule(
        "27", "breaking", "old readers refuse multiples of the new value only"
    ),
    "multiple-of-changed": Rule("27", "breaking", _NEW_MAJOR),
    "item-count-narrowed": Rule(
        "28", "breaking", "data from old writers may have more or fewer items"
    ),
    "item-count-widened": Rule(
        "28", "breaking", "old readers refuse arrays outside the old bounds"
    ),
    "property-count-narrowed": Rule(
        "28", "breaking", "data from old writers may have more or fewer properties"
    ),
    "property-count-widened": Rule(
        "28", "breaking", "old readers refuse objects outside the old bounds"
    ),
    "unique-items-added": Rule(
        "28", "breaking", "data from old writers may repeat items"
    ),
    "unique-items-removed": Rule("28", "breaking", "old readers refuse repeated items"),
    "contains-added": Rule(
        "28", "breaking", "data from old writers may have no matching item"
    ),
    "contains-removed": Rule("28", "breaking", "old readers require a matching item"),
    "contains-count-narrowed": Rule(
        "28", "breaking", "data from old writers may match too few or too many items"
    ),
    "contains-count-widened": Rule(
        "28", "breaking", "old readers count matching items with the old bounds"
    ),
    "tuple-item-added-closed": Rule(
        "29", "breaking", "old readers refuse the longer tuple; upgrade readers first"
    ),
    "tuple-item-added-open": Rule(
        "29", "breaking", "old writers could put anything at that position"
    ),
    "tuple-item-removed-closed": Rule(
        "29", "breaking", "data from old writers still has the item"
    ),
    "tuple-item-removed-open": Rule(
        "29", "breaking", "old readers still check the item at that position"
    ),
    "additional-items-narrowed": Rule(
        "29", "breaking", "data from old writers may have items now refused"
    ),
    "additional-items-widened": Rule(
        "29", "breaking", "old readers refuse the items now allowed"
    ),
    "dependent-required-added": Rule(
        "30", "breaking", "data from old writers may lack the dependent properties"
    ),
    "dependent-required-removed": Rule(
        "30", "breaking", "old readers require the dependent properties"
    ),
    "dependent-schema-added": Rule(
        "30", "breaking", "data from old writers may not match the dependent schema"
    ),
    "dependent-schema-removed": Rule(
        "30", "breaking", "old readers check the dependent schema"
    ),
    # combinators (rows 31-36)
    "branch-added": Rule("31", "breaking", "old readers refuse data of the new branch"),
    "one-of-branch-overlap": Rule(
        "31",
        "needs-review",
        "old data matching both the new branch and an old one is refused by oneOf;"
        " make the branches disjoint (a const tag property), or use anyOf",
    ),
    "branch-removed": Rule(
        "32", "breaking", "data from old writers may be of the removed branch"
    ),
    "all-of-member-added": Rule(
        "33", "breaking", "data from old writers may not match the new member"
    ),
    "all-of-member-removed": Rule(
        "33", "breaking", "old readers still require the removed member"
    ),
    "combinator-added": Rule(
        "34", "breaking", "data from old writers may match no branch"
    ),
    "combinator-removed": Rule(
        "34", "breaking", "old readers still require a branch to match"
    ),
    "combinator-changed": Rule(
        "34",
        "breaking",
        "anyOf, oneOf and allOf differ where branches overlap; tag branches with a"
        " const property so they are disjoint",
    ),
    "not-added": Rule("35", "breaking", "data from old writers may match `not`"),
    "not-removed": Rule("35", "breaking", "old readers refuse what `not` matched"),
    "conditional-added": Rule(
        "35", "breaking", "data from old writers may fail the new then/else"
    ),
    "conditional-removed": Rule(
        "35", "breaking", "old readers still check the removed then/else"
    ),
    "conditional-changed": Rule(
        "35",
        "needs-review",
        "a changed `if` moves data between then and else; check both directions",
    ),
    "ref-retargeted": Rule("36", "info", ""),
    # annotations and code (rows 38-40)
    "default-changed": Rule(
        "38",
        "warning",
        "the wire is unchanged, but Pydantic models fill a missing optional"
        " property with the new default",
    ),
    "type-renamed": Rule(
        "39",
        "code",
        "the generated Python and TypeScript type is renamed and code importing it"
        " breaks; keep the title (titles are type names), or record it in the baseline",
    ),
    "type-removed": Rule(
        "39",
        "code",
        "the generated type is gone and code importing it breaks; keep the $defs"
        " entry, or record it in the baseline",
    ),
    "draft-changed": Rule("40", "info", ""),
    # files and messages
    "contract-removed": Rule(
        "-",
        "breaking",
        "keep the file until no producer or consumer uses it, or add the next major",
    ),
    "contract-added": Rule("-", "info", ""),
    "message-identity-changed": Rule(
        "-",
        "breaking",
        "x-message type and version identify the message; " + _NEW_MAJOR,
    ),
    "keyword-changed": Rule(
        "-",
        "needs-review",
        "the checker cannot decide this keyword; review it and record it in the"
        " baseline",
    ),
}


@dataclass(frozen=True)
class Finding:
    """One change between the old and the new schemas.

    ``file`` and ``pointer`` locate the change in the NEW schemas where the schema
    object still exists (else in the old ones); ``breaks`` lists the directions
    that fail; ``contracts`` the contract files whose data it affects.
    """

    file: str
    pointer: str
    rule: str
    message: str
    breaks: frozenset[Direction] = NONE
    severity: Severity = "breaking"
    contracts: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def hint(self) -> str:
        return RULES[self.rule].hint

    @property
    def row(self) -> str:
        return RULES[self.rule].row

    def flipped(self) -> Finding:
        """The finding as seen under ``not``: what widened now narrows."""
        swap: dict[Direction, Direction] = {
            "backward": "forward",
            "forward": "backward",
        }
        return replace(self, breaks=frozenset(swap[d] for d in self.breaks))

    def breaks_text(self) -> str:
        return ", ".join(BREAKS_TEXT[d] for d in sorted(self.breaks)) or "compatible"


def failing(backward_ok: bool, forward_ok: bool) -> frozenset[Direction]:
    """The directions that fail, from a verdict per direction."""
    out: set[Direction] = set()
    if not backward_ok:
        out.add("backward")
    if not forward_ok:
        out.add("forward")
    return frozenset(out)


def make(
    rule: str,
    file: str,
    pointer: str,
    message: str,
    breaks: frozenset[Direction],
    review: bool = False,
) -> Finding:
    """A finding of ``rule``; its severity from the table, ``info`` when it breaks
    nothing, ``needs-review`` when an undecidable part decided it."""
    severity = RULES[rule].severity
    if severity == "breaking" and review:
        severity = "needs-review"
    if severity in ("breaking", "needs-review") and not breaks:
        severity = "info"
    return Finding(file, pointer, rule, message, breaks, severity)
