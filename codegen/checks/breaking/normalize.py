"""Normalised schemas for the breaking-change checker, so refactors compare equal.

A :class:`Side` holds one set of schemas (now, or at the ref compared against).
``Side.norm`` turns a schema location (a :class:`Child`) into a :class:`Norm`:
``$ref`` followed (2020-12 siblings kept as an ``allOf`` member, draft-07 siblings
ignored, as the specification says), draft-07 forms rewritten to 2020-12
(``items`` arrays, ``additionalItems``, ``dependencies``), ``type`` as a set
(``[x]`` is ``x``; ``number`` covers ``integer``), ``enum`` and ``const`` as one
value set filtered by the sibling keywords, ``anyOf``/``oneOf`` of constants or of
bare types folded into values or types, ``allOf`` members merged in where no
keyword interacts, no-op keywords dropped, integer bounds made inclusive. Subschemas
stay :class:`Child` references, normalised lazily, so recursive schemas work.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from codegen.compiler import vocabulary
from codegen.compiler.load import Document
from codegen.compiler.naming import type_name_at
from codegen.compiler.resolve import Resolver, SchemaGraph
from codegen.compiler.vocabulary import Draft, is_definitions_only
from codegen.errors import CompileError, ContractError
from runtime.jsonpointer import pointer_join
from runtime.support.patterns import RegexError, ecma_regex

CONTENT = ("contentEncoding", "contentMediaType")
ANNOTATIONS = vocabulary.ANNOTATIONS - set(
    CONTENT
)  # compared as annotations that matter
SCHEMA_KW = frozenset(
    {"additionalProperties", "propertyNames", "contains", "items", "not", "if"}
    | {"then", "else", "unevaluatedItems", "unevaluatedProperties"}
)
LIST_KW = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
MAP_KW = frozenset({"properties", "patternProperties", "dependentSchemas"})
STRING_KW = vocabulary.STRING_KEYWORDS
NUMBER_KW = vocabulary.NUMBER_KEYWORDS
ARRAY_KW = vocabulary.ARRAY_KEYWORDS
OBJECT_KW = vocabulary.OBJECT_KEYWORDS | {"x-reserved"}
KIND_KW = {"string": STRING_KW, "number": NUMBER_KW, "array": ARRAY_KW}
KIND_KW["object"] = OBJECT_KW
# Keywords that read each other inside one schema object: never merged across
# allOf members that both use the group.
GROUPS = (
    frozenset({"properties", "patternProperties", "additionalProperties"}),
    frozenset({"prefixItems", "items", "contains", "minContains", "maxContains"}),
    frozenset({"if", "then", "else"}),
)
NO_OPS: dict[str, Any] = {
    "minLength": 0, "minItems": 0, "minProperties": 0, "uniqueItems": False,
    "required": frozenset(), "properties": {}, "patternProperties": {},
    "dependentRequired": {}, "dependentSchemas": {}, "x-reserved": frozenset(),
}  # fmt: skip
ATOMS = {
    "null": {"null"}, "boolean": {"boolean"}, "string": {"string"},
    "array": {"array"}, "object": {"object"}, "integer": {"integer"},
    "number": {"integer", "fraction"},
}  # fmt: skip
ALL_ATOMS = frozenset(a for kinds in ATOMS.values() for a in kinds)


@dataclass(frozen=True)
class Child:
    """A schema at a location of one side; ``implied`` marks a schema the location
    only implies (an absent ``additionalProperties`` is ``true``)."""

    node: Any
    file: str
    pointer: str
    resolver: Resolver | None
    draft: Draft
    implied: str = ""
    via_ref: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        """Where the schema is; every implied schema of a value is the same one
        (so comparing against an implied ``true`` terminates on recursive
        schemas, whose implied locations would otherwise grow without end)."""
        if self.implied:
            return ("", "", f"implied {self.node}")
        return (self.file, self.pointer, "")


@dataclass
class Norm:
    """A normalised schema. ``types`` ``None`` is any type, empty is none;
    ``values`` ``None`` is unrestricted, else canonical JSON text -> value."""

    site: Child
    at: Child
    types: frozenset[str] | None = None
    values: dict[str, Any] | None = None
    from_const: bool = False
    kw: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    default: tuple[Any, ...] = ()
    content: dict[str, Any] = field(default_factory=dict)
    name: str | None = None

    def is_any(self) -> bool:
        return self.types is None and self.values is None and not self.kw

    def is_never(self) -> bool:
        return self.types == frozenset() or self.values == {}

    def atoms(self) -> frozenset[str]:
        if self.values is not None:
            return frozenset(a for v in self.values.values() for a in atoms_of(v))
        return atoms(self.types)


def atoms(types: frozenset[str] | None) -> frozenset[str]:
    if types is None:
        return ALL_ATOMS
    return frozenset(a for t in types for a in ATOMS[t])


def atoms_of(value: Any) -> set[str]:
    if value is None:
        return {"null"}
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return {"integer"}
    if isinstance(value, float):
        return {"fraction"}
    if isinstance(value, str):
        return {"string"}
    return {"array"} if isinstance(value, list) else {"object"}


def canon(value: Any) -> str:
    """Canonical JSON text of a value (1.0 and 1 are the same JSON number)."""

    def fix(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        return v

    return json.dumps(fix(value), sort_keys=True, separators=(",", ":"))


def fraction(value: Any) -> Fraction:
    """A JSON number as the exact decimal it was written as."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def accepts(norm: Norm, value: Any) -> bool:
    """Whether the type and scalar keywords of ``norm`` accept ``value``."""
    if not atoms_of(value) <= norm.atoms():
        return False
    if norm.values is not None and canon(value) not in norm.values:
        return False
    kw = norm.kw
    if isinstance(value, str):
        if len(value) < kw.get("minLength", 0) or len(value) > kw.get(
            "maxLength", math.inf
        ):
            return False
        pattern = kw.get("pattern")
        try:
            if isinstance(pattern, str) and not ecma_regex(pattern).search(value):
                return False
        except RegexError:
            return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = bounds(kw, low=True), bounds(kw, low=False)
        number = fraction(value)
        if low and (number < low[0] or (number == low[0] and low[1])):
            return False
        if high and (number > high[0] or (number == high[0] and high[1])):
            return False
        step = kw.get("multipleOf")
        if step is not None and number % fraction(step) != 0:
            return False
    return True


def bounds(kw: dict[str, Any], low: bool) -> tuple[Fraction, bool] | None:
    """The stricter of ``minimum``/``exclusiveMinimum`` (or maxima) as
    (value, exclusive), or ``None`` when unbounded."""
    inclusive = kw.get("minimum" if low else "maximum")
    exclusive = kw.get("exclusiveMinimum" if low else "exclusiveMaximum")
    found: list[tuple[Fraction, bool]] = []
    if inclusive is not None:
        found.append((fraction(inclusive), False))
    if exclusive is not None:
        found.append((fraction(exclusive), True))
    if not found:
        return None
    if low:
        return max(found, key=lambda b: (b[0], b[1]))
    return min(found, key=lambda b: (b[0], not b[1]))


def mergeable(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two keyword sets can share one schema object without a change."""
    if (set(a) & set(b)) - {"required"}:
        return False
    if any(k.startswith("unevaluated") for k in (*a, *b)):
        return False
    return not any(set(a) & g and set(b) & g for g in GROUPS)


class Side:
    """One set of schemas: the graph, type names, and normalised schemas."""

    def __init__(self, documents: list[Document], label: str) -> None:
        self.label = label
        self.graph = SchemaGraph(documents)
        self._cache: dict[tuple[str, str, str], Norm] = {}
        self._active: set[tuple[str, str, str]] = set()
        self._names: set[str] | None = None

    @property
    def documents(self) -> dict[str, Document]:
        return self.graph.documents

    def root(self, path: str) -> Child:
        doc = self.documents[path]
        return Child(doc.contents, path, "", self.graph.root_resolver(path), doc.draft)

    def defs(self, path: str) -> dict[str, Child]:
        """The ``$defs`` (or ``definitions``) entries of a file, by key."""
        root = self.root(path)
        out: dict[str, Child] = {}
        if isinstance(root.node, dict):
            for keyword in ("definitions", "$defs"):
                entries = root.node.get(keyword)
                if isinstance(entries, dict):
                    for key in entries:
                        out[key] = self.child(root, keyword, key)
        return out

    def names(self) -> set[str]:
        """The type names of every file root and ``$defs`` entry of this side."""
        if self._names is None:
            self._names = set()
            for path in self.documents:
                for child in (self.root(path), *self.defs(path).values()):
                    name = self.norm(child).name
                    if name:
                        self._names.add(name)
        return self._names

    def child(self, parent: Child, *tokens: str | int) -> Child:
        node: Any = parent.node
        for token in tokens:
            node = node[token]
        resolver = parent.resolver
        if resolver is not None and parent.pointer:
            resolver = self.graph.descend(resolver, parent.node, parent.draft)
        return Child(
            node,
            parent.file,
            pointer_join(parent.pointer, *tokens),
            resolver,
            parent.draft,
        )

    def implied(self, parent: Child, keyword: str, value: bool) -> Child:
        """The schema an absent keyword stands for (``true``, or ``false``)."""
        return Child(
            value,
            parent.file,
            pointer_join(parent.pointer, keyword),
            None,
            parent.draft,
            implied=keyword,
        )

    def is_declared(self, child: Child, node: Any) -> bool:
        """Whether the compiler makes a named type of the schema at ``child``."""
        if child.implied:
            return False
        if child.pointer == "":
            return not is_definitions_only(node, child.draft)
        parts = child.pointer.split("/")
        if len(parts) == 3 and parts[1] in ("$defs", "definitions"):
            return True
        if child.via_ref:
            return True
        if not isinstance(node, dict):
            return False
        kind = node.get("type", "object")
        objecty = kind == "object" or (isinstance(kind, list) and "object" in kind)
        return objecty and bool(
            node.get("properties")
            or node.get("required")
            or node.get("patternProperties")
        )

    # -- normalisation ----------------------------------------------------------

    def norm(self, child: Child) -> Norm:
        if child.implied:
            return self._norm(child)
        key = child.key
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if key in self._active:
            return Norm(child, child)  # a $ref loop with no schema in between
        self._active.add(key)
        try:
            result = self._norm(child)
        finally:
            self._active.discard(key)
        self._cache[key] = result
        return result

    def in_progress(self, child: Child) -> bool:
        return child.key in self._active

    def _norm(self, child: Child) -> Norm:
        node = child.node
        if node is True or node == {}:
            return Norm(child, child)
        if node is False:
            return Norm(child, child, types=frozenset())
        if not isinstance(node, dict):
            return Norm(child, child)  # not a schema (checked before): no claim
        ref = node.get("$ref")
        if isinstance(ref, str):
            resolver = child.resolver
            assert resolver is not None
            scope = self.graph.descend(resolver, node, child.draft)
            try:
                target = self.graph.resolve(scope, ref, child.file, child.pointer)
            except CompileError as exc:
                raise CompileError(
                    [replace(e, file=f"{self.label}{e.file}") for e in exc.errors]
                ) from None
            to = Child(
                target.node,
                target.file,
                target.pointer,
                target.resolver,
                target.draft,
                via_ref=True,
            )
            rest = {k: v for k, v in node.items() if k != "$ref"}
            if child.draft == "7" or not vocabulary.asserting(rest, child.draft):
                base = self.norm(to)
                default = (node["default"],) if "default" in node else base.default
                return replace(base, site=child, default=default)
            return self._build(child, node, extra=[to])
        return self._build(child, node)

    def _build(
        self, child: Child, node: dict[str, Any], extra: list[Child] | None = None
    ) -> Norm:
        n = Norm(child, child)
        if isinstance(node.get("title"), str):
            n.title = node["title"]
        if "default" in node:
            n.default = (node["default"],)
        n.content = {k: node[k] for k in CONTENT if k in node}
        kw = n.kw
        for key, value in node.items():
            if key in ANNOTATIONS or key in CONTENT or key in ("$ref", "type"):
                continue
            if key in ("enum", "const"):
                continue
            if key not in vocabulary.KEYWORDS[child.draft] and key != "x-reserved":
                continue  # an annotation (unknown keywords are)
            if child.draft == "7" and key in ("items", "additionalItems"):
                continue
            if child.draft == "7" and key == "dependencies":
                continue
            kw[key] = self._keyword(child, key, value)
        if child.draft == "7":
            self._draft7(child, node, kw)
        if isinstance(node.get("type"), str):
            n.types = frozenset({node["type"]})
        elif isinstance(node.get("type"), list):
            n.types = frozenset(node["type"])
        values: list[Any] | None = None
        if "enum" in node:
            values = list(node["enum"])
        if "const" in node:
            n.from_const = True
            values = [
                v
                for v in [node["const"]]
                if values is None or canon(v) in map(canon, values)
            ]
        if values is not None:
            n.values = {canon(v): v for v in values}
        if extra:
            kw["allOf"] = [*kw.get("allOf", []), *extra]
        self._fold_branches(n)
        self._merge_all_of(n)
        self._finish(n)
        n.name = self._name(child, node)
        return n

    def _name(self, child: Child, node: Any) -> str | None:
        if not self.is_declared(child, node):
            return None
        document = self.graph.documents[child.file].contents
        return type_name_at(document, child.file, child.pointer)

    def _keyword(self, parent: Child, key: str, value: Any) -> Any:
        if key in SCHEMA_KW:
            return self.child(parent, key)
        if key in LIST_KW and isinstance(value, list):
            return [self.child(parent, key, i) for i in range(len(value))]
        if key in MAP_KW and isinstance(value, dict):
            return {name: self.child(parent, key, name) for name in value}
        if key in ("required", "x-reserved") and isinstance(value, list):
            return frozenset(v for v in value if isinstance(v, str))
        if key == "dependentRequired" and isinstance(value, dict):
            return {k: frozenset(v) for k, v in value.items() if v}
        return value

    def _draft7(self, child: Child, node: dict[str, Any], kw: dict[str, Any]) -> None:
        items = node.get("items")
        if isinstance(items, list):
            if items:
                kw["prefixItems"] = [
                    self.child(child, "items", i) for i in range(len(items))
                ]
            if "additionalItems" in node:
                kw["items"] = self.child(child, "additionalItems")
        elif items is not None:
            kw["items"] = self.child(child, "items")
        deps = node.get("dependencies")
        if isinstance(deps, dict):
            required = kw.setdefault("dependentRequired", {})
            schemas = kw.setdefault("dependentSchemas", {})
            for name, dep in deps.items():
                if isinstance(dep, list):
                    if dep:
                        required[name] = frozenset(dep)
                else:
                    schemas[name] = self.child(child, "dependencies", name)

    def _fold_branches(self, n: Norm) -> None:
        """anyOf/oneOf of constants (or of bare types) -> values (or types)."""
        for key in ("anyOf", "oneOf"):
            branches = n.kw.get(key)
            if not isinstance(branches, list):
                continue
            if len(branches) == 1:
                n.kw["allOf"] = [*n.kw.get("allOf", []), branches[0]]
                del n.kw[key]
                continue
            if any(self.in_progress(b) for b in branches):
                continue
            norms = [self.norm(b) for b in branches]
            if all(b.values is not None and not b.kw for b in norms):
                seen: dict[str, list[Any]] = {}
                for b in norms:
                    for text, value in (b.values or {}).items():
                        seen.setdefault(text, []).append(value)
                folded = {
                    t: vs[0] for t, vs in seen.items() if key == "anyOf" or len(vs) == 1
                }
                n.values = (
                    folded
                    if n.values is None
                    else {t: v for t, v in n.values.items() if t in folded}
                )
                n.from_const = False
                del n.kw[key]
            elif all(
                b.types is not None and b.values is None and not b.kw for b in norms
            ):
                parts = [atoms(b.types) for b in norms]
                if key == "oneOf" and sum(map(len, parts)) != len(
                    frozenset().union(*parts)
                ):
                    continue
                union = frozenset().union(*(b.types or () for b in norms))
                n.types = _meet(n.types, union)
                del n.kw[key]

    def _merge_all_of(self, n: Norm) -> None:
        """Fold every ``allOf`` member into the schema, or none of them."""
        members = n.kw.get("allOf")
        if not isinstance(members, list):
            return
        kw = {k: v for k, v in n.kw.items() if k != "allOf"}
        types, values, from_const = n.types, n.values, n.from_const
        queue = list(members)
        while queue:
            member = queue.pop(0)
            if self.in_progress(member):
                return
            m = self.norm(member)
            own = {k: v for k, v in m.kw.items() if k != "allOf"}
            if not mergeable(kw, own) or m.content:
                return
            queue.extend(m.kw.get("allOf", []))
            for k, v in own.items():
                kw[k] = (kw.get(k, frozenset()) | v) if k == "required" else v
            types = _meet(types, m.types)
            if m.values is not None:
                values = (
                    m.values
                    if values is None
                    else {t: v for t, v in values.items() if t in m.values}
                )
                from_const = from_const or m.from_const
        n.kw, n.types, n.values, n.from_const = kw, types, values, from_const

    def _finish(self, n: Norm) -> None:
        kw = n.kw
        if n.types is not None and "number" in n.types:
            n.types = n.types - {"integer"}
        if n.values is not None:
            probe = Norm(n.site, n.at, n.types, None, kw=kw)
            n.values = {t: v for t, v in n.values.items() if accepts(probe, v)}
            n.types = None
            for key in STRING_KW - {"format"} | NUMBER_KW:
                kw.pop(key, None)
        if n.types == frozenset({"integer"}):
            for key, op in (("exclusiveMinimum", 1), ("exclusiveMaximum", -1)):
                if key in kw:
                    value = fraction(kw.pop(key))
                    edge = math.floor(value) + 1 if op > 0 else math.ceil(value) - 1
                    plain = key.replace("exclusiveM", "m")
                    old = kw.get(plain)
                    better = max if op > 0 else min
                    kw[plain] = edge if old is None else better(edge, old)
            for key, rounding in (("minimum", math.ceil), ("maximum", math.floor)):
                if key in kw:
                    kw[key] = rounding(fraction(kw[key]))
            if kw.get("multipleOf") is not None and fraction(kw["multipleOf"]) in (
                Fraction(1),
            ):
                del kw["multipleOf"]
        if n.types is not None:
            present = atoms(n.types)
            for kind, keys in KIND_KW.items():
                kind_atoms = (
                    ATOMS[kind] if kind != "number" else {"integer", "fraction"}
                )
                if not present & kind_atoms:
                    for key in keys:
                        kw.pop(key, None)
        for key, value in NO_OPS.items():
            if key in kw and kw[key] == value:
                del kw[key]
        for key in ("additionalProperties", "items", "propertyNames"):
            child = kw.get(key)
            if isinstance(child, Child) and (child.node is True or child.node == {}):
                del kw[key]
        if "minContains" in kw and kw["minContains"] == 1:
            del kw["minContains"]


def _meet(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The type set accepted by both (``None`` is every type)."""
    if a is None:
        return b
    if b is None:
        return a
    both = atoms(a) & atoms(b)
    out = {t for t in ATOMS if ATOMS[t] <= both}
    if "number" in out:
        out.discard("integer")
    return frozenset(out)


def bad_side(label: str, errors: tuple[ContractError, ...]) -> CompileError:
    """The errors of the schemas compared against, marked as such."""
    return CompileError([replace(e, file=f"{label}{e.file}") for e in errors])
