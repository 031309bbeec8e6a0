"""How ``anyOf``/``oneOf`` members become one IR type.

A union is flattened and de-duplicated (``union_of``). Its members are told apart by
a ``const`` string every object member requires (``const_discriminator``: a
discriminated union in both languages), or by the JSON kinds they accept
(``disjoint``). A ``oneOf`` that is neither is left to the runtime's full check,
which alone can tell "exactly one" from "at least one".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, cast

from codegen.compiler import ir
from runtime.support.kinds import json_kind

ALL_KINDS: tuple[ir.JsonKind, ...] = (
    "object", "array", "string", "number", "boolean", "null",
)  # fmt: skip
Decls = Mapping[ir.TypeName, ir.Decl]


def is_member_type(member: Any) -> bool:
    """A union member that is a type of its own, not a fragment of constraints."""
    if not isinstance(member, dict):
        return False
    return bool(
        {"$ref", "type", "enum", "const", "properties", "anyOf", "oneOf"}
        & member.keys()
    )


def const_discriminator(members: list[ir.IrType], decls: Decls) -> str | None:
    """The property whose ``const`` string tells every (object) member apart."""
    objects = []
    for m in members:
        if not isinstance(m, ir.Ref):
            return None
        decl = decls.get(m.target)
        if not isinstance(decl, ir.ObjectDecl):
            return None
        objects.append(decl)
    if len(objects) < 2:
        return None
    for candidate in objects[0].fields:
        seen: set[str] = set()
        for decl in objects:
            f = next(
                (f for f in decl.fields if f.json_name == candidate.json_name), None
            )
            if (
                f is None
                or not f.required
                or not isinstance(f.type, ir.LiteralT)
                or not all(isinstance(v, str) for v in f.type.values)
                or seen & set(cast(tuple[str, ...], f.type.values))
            ):
                break
            seen |= set(cast(tuple[str, ...], f.type.values))
        else:
            return candidate.json_name
    return None


def kinds(t: ir.IrType, decls: Decls) -> set[ir.JsonKind]:
    """The JSON kinds a type can accept (``integer`` counted as ``number``)."""
    if isinstance(t, ir.AnyT):
        return set(ALL_KINDS) - set(t.exclude)
    if isinstance(t, ir.NeverT):
        return set()
    if isinstance(t, ir.NullT):
        return {"null"}
    if isinstance(t, ir.BoolT):
        return {"boolean"}
    if isinstance(t, ir.NumericT):
        return {"number"}
    if isinstance(t, ir.StrT):
        return {"string"}
    if isinstance(t, ir.LiteralT | ir.ValuesT):
        return {json_kind(v) for v in t.values}
    if isinstance(t, ir.ArrayT):
        return {"array"}
    if isinstance(t, ir.MapT):
        return {"object"}
    if isinstance(t, ir.UnionT):
        return set().union(*(kinds(m, decls) for m in t.members))
    decl = decls.get(t.target)
    if decl is None:
        return set(ALL_KINDS)  # being declared (recursion): assume anything
    if isinstance(decl, ir.ObjectDecl):
        return {"object"}
    return kinds(decl.type, decls)


def disjoint(members: list[ir.IrType], decls: Decls) -> bool:
    """No two members accept a value of the same JSON kind."""
    seen: set[str] = set()
    for m in members:
        accepted = kinds(m, decls)
        if accepted & seen:
            return False
        seen |= accepted
    return True


def kinds_of_types(types: Iterable[str]) -> set[ir.JsonKind]:
    return {cast(ir.JsonKind, "number" if t == "integer" else t) for t in types}


# What union_of must look into even as the only member.
_NOT_ALONE = (ir.UnionT, ir.NeverT, ir.AnyT)


def union_of(members: list[ir.IrType], discriminator: str | None = None) -> ir.IrType:
    """The union of ``members``: nested plain unions flattened, duplicates and
    ``never`` dropped, ``any`` absorbing everything, one member standing alone."""
    if len(members) == 1 and not isinstance(members[0], _NOT_ALONE):
        return members[0]  # most calls: one kind's type, as the loop would give it
    flat: list[ir.IrType] = []
    for m in members:
        parts = (
            m.members if isinstance(m, ir.UnionT) and m.discriminator is None else (m,)
        )
        for p in parts:
            if p not in flat and not isinstance(p, ir.NeverT):
                flat.append(p)
    if not flat:
        return ir.NeverT()
    if any(isinstance(m, ir.AnyT) and not m.exclude for m in flat):
        return ir.AnyT()
    if len(flat) == 1:
        return flat[0]
    return ir.UnionT(tuple(flat), discriminator)


def _object_variants(t: ir.IrType, decls: Decls, depth: int = 0) -> list[ir.ObjectDecl]:
    """The object declarations a member is made of (through aliases and unions),
    or an empty list when it may be anything else."""
    if depth > 8:
        return []
    if isinstance(t, ir.UnionT):
        out = []
        for m in t.members:
            found = _object_variants(m, decls, depth + 1)
            if not found:
                return []
            out += found
        return out
    if not isinstance(t, ir.Ref):
        return []
    decl = decls.get(t.target)
    if isinstance(decl, ir.ObjectDecl):
        return [decl]
    if isinstance(decl, ir.AliasDecl):
        return _object_variants(decl.type, decls, depth + 1)
    return []


def key_split(members: tuple[ir.IrType, ...], decls: Decls) -> ir.KeySplit | None:
    """A decision tree over the properties an object has, sending a value valid for
    a member to that member, when the members are objects whose required
    properties tell them apart (each split: required by every member on one side,
    impossible in every, closed, member on the other). Leaves with several members
    keep a ``const`` tag discriminator when one tells them apart."""
    variants = [_object_variants(m, decls) for m in members]
    if len(members) < 2 or not all(variants):
        return None
    required = [
        set.intersection(*({f.json_name for f in v.fields if f.required} for v in vs))
        for vs in variants
    ]
    closed_names: list[set[str] | None] = [
        set().union(*({f.json_name for f in v.fields} for v in vs))
        if all(v.extra is None for v in vs)
        else None
        for vs in variants
    ]

    def build(group: tuple[int, ...]) -> ir.KeySplit | ir.KeyLeaf:
        if len(group) < 2:
            return ir.KeyLeaf(group)
        tag = const_discriminator([members[i] for i in group], decls)
        if tag is not None:
            return ir.KeyLeaf(group, tag)
        best: tuple[int, str, tuple[int, ...], tuple[int, ...]] | None = None
        for key in sorted(set().union(*(required[i] for i in group))):
            present = tuple(i for i in group if key in required[i])
            absent = tuple(
                i
                for i in group
                if (names := closed_names[i]) is not None and key not in names
            )
            if not absent or len(present) + len(absent) != len(group):
                continue
            score = max(len(present), len(absent))
            if best is None or score < best[0]:
                best = (score, key, present, absent)
        if best is None:
            return ir.KeyLeaf(group)
        _, key, present, absent = best
        return ir.KeySplit(key, build(present), build(absent))

    tree = build(tuple(range(len(members))))
    return tree if isinstance(tree, ir.KeySplit) else None


def exclusive(split: ir.KeySplit) -> bool:
    """No value is valid for two members: every leaf holds one member or a tag."""
    for side in (split.present, split.absent):
        if isinstance(side, ir.KeySplit):
            if not exclusive(side):
                return False
        elif len(side.members) > 1 and side.discriminator is None:
            return False
    return True


def union_told_apart(
    members: list[ir.IrType], tag: str | None, decls: Decls
) -> tuple[ir.IrType, bool]:
    """The union of ``members`` with its const tag or, without one, its key split;
    and whether no value can be valid for two members (a ``oneOf`` then needs no
    full check to be "exactly one")."""
    union = union_of(members, tag)
    if tag is not None:
        return union, True
    if isinstance(union, ir.UnionT):
        split = key_split(union.members, decls)
        if split is not None:
            return replace(union, split=split), exclusive(split)
    return union, disjoint(members, decls)
