"""Object and array keywords for the breaking-change comparer (rows 1-14, 28-30).

A property's schema before and after is what applies to that name on each side:
its ``properties`` entry, else the first ``patternProperties`` entry whose pattern
matches it, else ``additionalProperties`` (``true`` when absent). A property added
or removed is judged by comparing those two, so an added property is compatible
with old writers only when the schema the name had before fits in the new one
(rows 1, 2, 3 and 13 are cases of that one rule), and tuple items likewise.
"""

from __future__ import annotations

from codegen.checks.breaking.normalize import Child, Norm, Side
from codegen.checks.breaking.rules import (
    BACKWARD,
    BOTH,
    FORWARD,
    NONE,
    Direction,
    Finding,
)
from codegen.checks.breaking.walk import Walk
from runtime.support.patterns import RegexError, ecma_regex


def pattern_matches(pattern: str, name: str) -> bool:
    try:
        return ecma_regex(pattern).search(name)
    except RegexError:
        return False


def applies_to(side: Side, norm: Norm, name: str) -> tuple[str, Child]:
    """What an object schema says of a name it does not list in ``properties``:
    ``("pattern" | "closed" | "open" | "schema", the schema)``."""
    patterns: dict[str, Child] = norm.kw.get("patternProperties", {})
    for pattern in sorted(patterns):
        if pattern_matches(pattern, name):
            return "pattern", patterns[pattern]
    extra = norm.kw.get("additionalProperties")
    if extra is None:
        rest = norm.kw.get("unevaluatedProperties")
        if rest is not None and side.norm(rest).is_never():
            return "closed", rest
        return "open", side.implied(norm.at, "additionalProperties", True)
    if side.norm(extra).is_never():
        return "closed", extra
    return "schema", extra


def compare_objects(cmp: Walk, old: Norm, new: Norm, out: list[Finding]) -> None:
    o_props: dict[str, Child] = old.kw.get("properties", {})
    n_props: dict[str, Child] = new.kw.get("properties", {})
    o_req: frozenset[str] = old.kw.get("required", frozenset())
    n_req: frozenset[str] = new.kw.get("required", frozenset())
    added = sorted(n_props.keys() - o_props.keys())
    removed = sorted(o_props.keys() - n_props.keys())
    renamed: dict[str, str] = {}
    for gone in removed:
        for name in added:
            if name in renamed.values() or (gone in o_req) != (name in n_req):
                continue
            if not cmp.old.norm(o_props[gone]).is_any() and cmp.equivalent(
                o_props[gone], n_props[name]
            ):
                renamed[gone] = name
                text = f"property '{gone}' renamed to '{name}'"
                cmp.add(out, "property-renamed", new, ("properties", name), text, BOTH)
                break
    for name in sorted(o_props.keys() & n_props.keys()):
        out += cmp.compare(o_props[name], n_props[name])
    for name in added:
        if name not in renamed.values():
            _added(cmp, old, new, name, out)
    for name in removed:
        if name not in renamed:
            _removed(cmp, old, new, name, out)
    for name in sorted(n_req - o_req):
        if name in added or name in renamed.values():
            continue
        text = f"property '{name}' is now required"
        if name not in o_props and name not in n_props:
            text = f"'{name}' is now required"
        where = ("properties", name)
        cmp.add(out, "property-made-required", new, where, text, BACKWARD, exact=True)
    for name in sorted(o_req - n_req):
        if name in removed:
            continue
        text = f"property '{name}' is now optional"
        where = ("properties", name)
        cmp.add(out, "property-made-optional", new, where, text, FORWARD, exact=True)
    cmp.compare_open(old, new, "additionalProperties", "additional-properties", out)
    _patterns(cmp, old, new, out)
    _reserved(old, new, cmp, out)
    a, b = old.kw.get("propertyNames"), new.kw.get("propertyNames")
    if a is not None or b is not None:
        a = a or cmp.old.implied(old.at, "propertyNames", True)
        b = b or cmp.new.implied(new.at, "propertyNames", True)
        out += cmp.compare(a, b)
    cmp.counts("object", old, new, out)
    _dependencies(cmp, old, new, out)


def _added(cmp: Walk, old: Norm, new: Norm, name: str, out: list[Finding]) -> None:
    schema: Child = new.kw["properties"][name]
    kind, before = applies_to(cmp.old, old, name)
    where = ("properties", name)
    if name in new.kw.get("required", frozenset()):
        breaks: frozenset[Direction] = BACKWARD
        review = False
        if kind == "closed":
            breaks = BOTH
        else:
            found, review = cmp.verdict(before, schema)
            breaks |= found & FORWARD
        if cmp.new.norm(schema).default:
            rule = "required-property-added-with-default"
            text = f"required property '{name}' added (its default is not filled in)"
        else:
            rule, text = "required-property-added", f"required property '{name}' added"
        cmp.add(out, rule, new, where, text, breaks, review)
    elif kind == "closed":
        text = f"optional property '{name}' added to a closed model"
        cmp.add(out, "property-added-closed", new, where, text, FORWARD)
    else:
        found, review = cmp.verdict(before, schema)
        if kind == "pattern":
            rule = "pattern-covered-property-added"
            text = f"property '{name}' added where a patternProperties entry applied"
        elif kind == "open" and cmp.new.norm(schema).is_any():
            rule, text = "property-added-empty", f"property '{name}' added with {{}}"
        else:
            rule = "property-added-open"
            text = f"optional property '{name}' added to an open model"
        cmp.add(out, rule, new, where, text, found, review)


def _removed(cmp: Walk, old: Norm, new: Norm, name: str, out: list[Finding]) -> None:
    schema: Child = old.kw["properties"][name]
    was_required = name in old.kw.get("required", frozenset())
    kind, after = applies_to(cmp.new, new, name)
    extra = FORWARD if was_required else NONE
    where = ("properties", name)
    what = "required property" if was_required else "property"
    if kind == "closed":
        text = f"{what} '{name}' removed from a closed model"
        breaks = BACKWARD | extra
        cmp.add(out, "property-removed-closed", new, where, text, breaks, exact=True)
        return
    found, review = cmp.verdict(schema, after)
    rule = "property-removed-open"
    text = f"{what} '{name}' removed from an open model"
    if kind == "pattern":
        rule = "pattern-covered-property-removed"
        text = f"{what} '{name}' removed; a patternProperties entry covers it"
    cmp.add(out, rule, new, where, text, found | extra, review, exact=True)


def _patterns(cmp: Walk, old: Norm, new: Norm, out: list[Finding]) -> None:
    o_pp: dict[str, Child] = old.kw.get("patternProperties", {})
    n_pp: dict[str, Child] = new.kw.get("patternProperties", {})
    for pattern in sorted(o_pp.keys() & n_pp.keys()):
        out += cmp.compare(o_pp[pattern], n_pp[pattern])
    gone = sorted(o_pp.keys() - n_pp.keys())
    came = sorted(n_pp.keys() - o_pp.keys())
    if gone and came:
        text = f"patternProperties {gone} are now {came}"
        cmp.add(
            out,
            "pattern-properties-changed",
            new,
            ("patternProperties",),
            text,
            BOTH,
            True,
        )
        return
    for pattern in came:
        before = old.kw.get("additionalProperties") or cmp.old.implied(
            old.at, "additionalProperties", True
        )
        found, review = cmp.verdict(before, n_pp[pattern])
        text = f"patternProperties '{pattern}' added"
        where: tuple[str, ...] = ("patternProperties", pattern)
        cmp.add(out, "pattern-properties-added", new, where, text, found, review)
    for pattern in gone:
        after = new.kw.get("additionalProperties") or cmp.new.implied(
            new.at, "additionalProperties", True
        )
        found, review = cmp.verdict(o_pp[pattern], after)
        text = f"patternProperties '{pattern}' removed"
        where = ("patternProperties", pattern)
        rule = "pattern-properties-removed"
        cmp.add(out, rule, new, where, text, found, review, exact=True)


def _reserved(old: Norm, new: Norm, cmp: Walk, out: list[Finding]) -> None:
    """``x-reserved``: property names retired for good (row 14)."""
    o_res: frozenset[str] = old.kw.get("x-reserved", frozenset())
    n_res: frozenset[str] = new.kw.get("x-reserved", frozenset())
    for name in sorted(o_res - n_res):
        text = f"reserved name '{name}' dropped from x-reserved"
        where = ("x-reserved", name)
        cmp.add(out, "reserved-name-removed", new, where, text, BOTH, exact=True)
    o_props = old.kw.get("properties", {})
    for name in sorted((o_res | n_res) & new.kw.get("properties", {}).keys()):
        if name not in o_props:
            text = f"reserved name '{name}' is used as a property again"
            where = ("properties", name)
            cmp.add(out, "reserved-name-reused", new, where, text, BOTH)


def _dependencies(cmp: Walk, old: Norm, new: Norm, out: list[Finding]) -> None:
    o_dr: dict[str, frozenset[str]] = old.kw.get("dependentRequired", {})
    n_dr: dict[str, frozenset[str]] = new.kw.get("dependentRequired", {})
    for key in sorted(o_dr.keys() | n_dr.keys()):
        a, b = o_dr.get(key, frozenset()), n_dr.get(key, frozenset())
        where: tuple[str, ...] = ("dependentRequired", key)
        if b - a:
            text = f"when '{key}' is present, {sorted(b - a)} now required"
            rule = "dependent-required-added"
            cmp.add(out, rule, new, where, text, BACKWARD, exact=True)
        if a - b:
            text = f"when '{key}' is present, {sorted(a - b)} no longer required"
            rule = "dependent-required-removed"
            cmp.add(out, rule, new, where, text, FORWARD, exact=True)
    o_ds: dict[str, Child] = old.kw.get("dependentSchemas", {})
    n_ds: dict[str, Child] = new.kw.get("dependentSchemas", {})
    for key in sorted(o_ds.keys() | n_ds.keys()):
        if key in o_ds and key in n_ds:
            out += cmp.compare(o_ds[key], n_ds[key])
        elif key in n_ds:
            text = f"dependent schema for '{key}' added"
            where = ("dependentSchemas", key)
            cmp.add(out, "dependent-schema-added", new, where, text, BACKWARD)
        else:
            text = f"dependent schema for '{key}' removed"
            cmp.add(
                out,
                "dependent-schema-removed",
                new,
                ("dependentSchemas",),
                text,
                FORWARD,
            )


def compare_arrays(cmp: Walk, old: Norm, new: Norm, out: list[Finding]) -> None:
    o_pre: list[Child] = old.kw.get("prefixItems", [])
    n_pre: list[Child] = new.kw.get("prefixItems", [])
    o_rest, n_rest = old.kw.get("items"), new.kw.get("items")
    for i in range(max(len(o_pre), len(n_pre))):
        if i < len(o_pre) and i < len(n_pre):
            out += cmp.compare(o_pre[i], n_pre[i])
        elif i < len(n_pre):
            where: tuple[str | int, ...] = ("prefixItems", i)
            if cmp.open_rank(cmp.old, o_rest) == 0:
                text = f"tuple item {i} added to a closed tuple"
                cmp.add(out, "tuple-item-added-closed", new, where, text, FORWARD)
                continue
            before = o_rest or cmp.old.implied(old.at, "items", True)
            found, review = cmp.verdict(before, n_pre[i])
            text = f"tuple item {i} added to an open tuple"
            cmp.add(out, "tuple-item-added-open", new, where, text, found, review)
        else:
            where = ("prefixItems", i)
            if cmp.open_rank(cmp.new, n_rest) == 0:
                text = f"tuple item {i} removed from a closed tuple"
                rule = "tuple-item-removed-closed"
                cmp.add(out, rule, new, where, text, BACKWARD, exact=True)
                continue
            after = n_rest or cmp.new.implied(new.at, "items", True)
            found, review = cmp.verdict(o_pre[i], after)
            text = f"tuple item {i} removed from an open tuple"
            rule = "tuple-item-removed-open"
            cmp.add(out, rule, new, where, text, found, review, exact=True)
    cmp.compare_open(old, new, "items", "additional-items", out)
    cmp.counts("array", old, new, out)
    a, b = bool(old.kw.get("uniqueItems")), bool(new.kw.get("uniqueItems"))
    if a != b:
        rule = "unique-items-added" if b else "unique-items-removed"
        text = f"uniqueItems {str(a).lower()} is now {str(b).lower()}"
        cmp.add(out, rule, new, ("uniqueItems",), text, BACKWARD if b else FORWARD)
    c, d = old.kw.get("contains"), new.kw.get("contains")
    if c is not None and d is not None:
        out += cmp.compare(c, d)
        for key, larger_narrows in (("minContains", True), ("maxContains", False)):
            x, y = old.kw.get(key), new.kw.get(key)
            if x == y:
                continue
            narrower = (
                x is None if x is None or y is None else (y > x) == larger_narrows
            )
            rule = f"contains-count-{'narrowed' if narrower else 'widened'}"
            text = f"{key} {x} is now {y}"
            breaks = BACKWARD if narrower else FORWARD
            cmp.add(out, rule, new, (key,), text, breaks)
    elif d is not None:
        cmp.add(out, "contains-added", new, ("contains",), "contains added", BACKWARD)
    elif c is not None:
        cmp.add(out, "contains-removed", new, (), "contains removed", FORWARD)
