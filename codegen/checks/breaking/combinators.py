"""Combinators for the breaking-change comparer: anyOf, oneOf, allOf, not, if.

Branches of the old and the new list are paired (equal ones first, then by the
``const`` tag of a required property, then by title, then by position when the
counts agree); paired branches are compared, unpaired ones are added or removed
(rows 31-33). A switch between combinators (row 34) is no change when the branches
are provably disjoint (``anyOf`` of disjoint branches is ``oneOf``), else a finding
in the direction the switch narrows. ``not`` is compared with directions swapped,
``then``/``else`` directly; a changed ``if`` is undecidable: needs review (row 35).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from codegen.checks.breaking.normalize import Child, Norm, Side, accepts
from codegen.checks.breaking.rules import BACKWARD, BOTH, FORWARD, Finding
from codegen.checks.breaking.walk import Walk


def compare_combinators(cmp: Walk, old: Norm, new: Norm, out: list[Finding]) -> None:
    kinds = ("anyOf", "oneOf", "allOf")
    o_has = [k for k in kinds if k in old.kw]
    n_has = [k for k in kinds if k in new.kw]
    for k in o_has:
        if k in n_has:
            _lists(cmp, k, k, old, new, out)
    gone = [k for k in o_has if k not in n_has]
    came = [k for k in n_has if k not in o_has]
    while gone and came:
        _switch(cmp, gone.pop(0), came.pop(0), old, new, out)
    for k in gone:
        if k == "allOf":
            for i, _ in enumerate(old.kw[k]):
                text = f"allOf member {i} removed"
                rule = "all-of-member-removed"
                cmp.add(out, rule, new, (k, i), text, FORWARD, exact=True)
        else:
            cmp.add(out, "combinator-removed", new, (), f"{k} removed", FORWARD)
    for k in came:
        if k == "allOf":
            for i, _ in enumerate(new.kw[k]):
                cmp.add(
                    out,
                    "all-of-member-added",
                    new,
                    (k, i),
                    "allOf member added",
                    BACKWARD,
                )
        else:
            cmp.add(out, "combinator-added", new, (k,), f"{k} added", BACKWARD)


def match(
    cmp: Walk, olds: list[Child], news: list[Child]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair old and new branches: equal ones, then by tag, title, position."""
    pairs: list[tuple[int, int]] = []
    free_o, free_n = list(range(len(olds))), list(range(len(news)))

    def take(same: Callable[[int, int], bool]) -> None:
        for i in list(free_o):
            for j in free_n:
                if same(i, j):
                    pairs.append((i, j))
                    free_o.remove(i)
                    free_n.remove(j)
                    break

    take(lambda i, j: cmp.equivalent(olds[i], news[j]))

    def tag(side: Side, child: Child) -> tuple[str, str] | None:
        norm = side.norm(child)
        props = norm.kw.get("properties", {})
        for name in sorted(norm.kw.get("required", frozenset()) & props.keys()):
            values = side.norm(props[name]).values
            if values is not None and len(values) == 1:
                return name, next(iter(values))
        return None

    def labelled(i: int, j: int) -> bool:
        a, b = cmp.old.norm(olds[i]), cmp.new.norm(news[j])
        t = tag(cmp.old, olds[i])
        if t is not None and t == tag(cmp.new, news[j]):
            return True
        return a.title is not None and a.title == b.title

    take(labelled)
    if len(free_o) == len(free_n):
        pairs += list(zip(free_o, free_n, strict=True))
        free_o, free_n = [], []
    return sorted(pairs), free_o, free_n


def _only_branches(norm: Norm) -> str | None:
    """``anyOf`` or ``oneOf`` when a schema is nothing but that combinator."""
    keys = list(norm.kw)
    if norm.types is None and norm.values is None and keys in (["anyOf"], ["oneOf"]):
        return keys[0]
    return None


def one_vs_branches(cmp: Walk, old: Norm, new: Norm, out: list[Finding]) -> bool:
    """A schema that became (or stopped being) one branch of an ``anyOf``/``oneOf``
    (``X`` -> ``anyOf: [X, {type: null}]``): compared as a list of one branch."""
    ok, nk = _only_branches(old), _only_branches(new)
    if nk is not None and ok is None and "allOf" not in old.kw:
        _lists(cmp, nk, nk, old, new, out, olds=[old.site])
        return True
    if ok is not None and nk is None and "allOf" not in new.kw:
        here = replace(new, at=new.site)  # removed branches: where the schema is
        _lists(cmp, ok, ok, old, here, out, news=[new.site])
        return True
    return False


def _lists(
    cmp: Walk,
    ok: str,
    nk: str,
    old: Norm,
    new: Norm,
    out: list[Finding],
    olds: list[Child] | None = None,
    news: list[Child] | None = None,
) -> None:
    olds = old.kw[ok] if olds is None else olds
    news = new.kw[nk] if news is None else news
    pairs, removed, added = match(cmp, olds, news)
    for i, j in pairs:
        out += cmp.compare(olds[i], news[j])
    for i in removed:
        rule = "all-of-member-removed" if nk == "allOf" else "branch-removed"
        breaks = FORWARD if nk == "allOf" else BACKWARD
        text = f"{ok} {'member' if nk == 'allOf' else 'branch'} {i} removed"
        cmp.add(out, rule, new, (nk, i), text, breaks, exact=True)
    for j in added:
        if nk == "allOf":
            text = "allOf member added"
            cmp.add(out, "all-of-member-added", new, (nk, j), text, BACKWARD)
            continue
        cmp.add(out, "branch-added", new, (nk, j), f"{nk} branch added", FORWARD)
        others = [news[p] for p in range(len(news)) if p != j]
        if nk == "oneOf" and not all(disjoint(cmp, news[j], x) for x in others):
            cmp.add(
                out,
                "one-of-branch-overlap",
                new,
                (nk, j),
                "the new oneOf branch may overlap another: data matching both"
                " is refused",
                BACKWARD,
            )


def _switch(
    cmp: Walk, ok: str, nk: str, old: Norm, new: Norm, out: list[Finding]
) -> None:
    _lists(cmp, ok, nk, old, new, out)
    text = f"{ok} is now {nk}"
    if {ok, nk} == {"anyOf", "oneOf"}:
        side, norm = (cmp.new, new) if nk == "oneOf" else (cmp.old, old)
        branches: list[Child] = norm.kw["oneOf"]
        if all(
            disjoint(cmp, a, b, side)
            for i, a in enumerate(branches)
            for b in branches[i + 1 :]
        ):
            return
        breaks = BACKWARD if nk == "oneOf" else FORWARD
        cmp.add(out, "combinator-changed", new, (nk,), text, breaks, review=True)
    elif ok == "allOf":
        breaks = FORWARD if nk == "anyOf" else BOTH
        cmp.add(out, "combinator-changed", new, (nk,), text, breaks)
    else:
        breaks = BACKWARD if ok == "anyOf" else BOTH
        cmp.add(out, "combinator-changed", new, (nk,), text, breaks)


def disjoint(cmp: Walk, a: Child, b: Child, side: Side | None = None) -> bool:
    """Whether no instance matches both (``False`` when it cannot tell)."""
    side = side or cmp.new
    x, y = side.norm(a), side.norm(b)
    if not x.atoms() & y.atoms():
        return True
    if x.values is not None and y.values is not None:
        return not x.values.keys() & y.values.keys()
    for one, other in ((x, y), (y, x)):
        if one.values is not None:
            return not any(accepts(other, v) for v in one.values.values())
    xp, yp = x.kw.get("properties", {}), y.kw.get("properties", {})
    both = x.kw.get("required", frozenset()) & y.kw.get("required", frozenset())
    for name in both & xp.keys() & yp.keys():
        if disjoint(cmp, xp[name], yp[name], side):
            return True
    return False


def compare_conditionals(cmp: Walk, old: Norm, new: Norm, out: list[Finding]) -> None:
    a, b = old.kw.get("not"), new.kw.get("not")
    if a is not None and b is not None:
        out += [f.flipped() for f in cmp.compare(a, b)]
    elif b is not None:
        cmp.add(out, "not-added", new, ("not",), "not added", BACKWARD)
    elif a is not None:
        cmp.add(out, "not-removed", new, (), "not removed", FORWARD)
    a, b = old.kw.get("if"), new.kw.get("if")
    if a is not None and b is not None:
        breaks, review = cmp.verdict(a, b)
        if breaks or review:
            text = "the if condition changed: data moves between then and else"
            cmp.add(out, "conditional-changed", new, ("if",), text, BOTH, True)
            return
        for key in ("then", "else"):
            x, y = old.kw.get(key), new.kw.get(key)
            if x is not None or y is not None:
                x = x or cmp.old.implied(old.at, key, True)
                y = y or cmp.new.implied(new.at, key, True)
                out += cmp.compare(x, y)
    elif b is not None:
        cmp.add(out, "conditional-added", new, ("if",), "if added", BACKWARD)
    elif a is not None:
        cmp.add(out, "conditional-removed", new, (), "if removed", FORWARD)
