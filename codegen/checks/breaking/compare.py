"""Structural comparison of two sets of schemas: the findings of ``breaking``.

Both sides are normalised first (:mod:`codegen.checks.breaking.normalize`), so a pure
refactor (inlining a ``$ref``, ``enum`` vs ``anyOf`` of ``const``, ``type: [x]``,
draft-07 spellings) gives no finding. :class:`Comparer` then walks the old and the new
schema of each file side by side, following ``$ref`` on both sides and comparing what
they resolve to, never their names; a pair of locations is compared once (memoised, and
a pair met again while it is being compared counts as equal, which is what makes
recursive schemas terminate).

Each change becomes a :class:`~codegen.checks.breaking.rules.Finding` with the
directions it breaks: ``backward`` (new readers refuse data from old writers) or
``forward`` (old readers refuse data from new writers). Where a direction needs a
verdict on two subschemas (a property added where ``patternProperties`` or a schema-
valued ``additionalProperties`` applied before), the two are compared and the verdict of
their findings is used. Regular expressions, changed ``if`` conditions and keywords the
checker does not model are ``needs-review``: never a silent pass. A renamed generated
type (``title`` or ``$defs`` key) is a ``code`` finding.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codegen.checks.breaking.combinators import (
    compare_combinators,
    compare_conditionals,
    one_vs_branches,
)
from codegen.checks.breaking.normalize import (
    Child,
    Norm,
    Side,
    accepts,
    atoms,
    bounds,
    canon,
    fraction,
)
from codegen.checks.breaking.rules import (
    BACKWARD,
    BOTH,
    FORWARD,
    NONE,
    Direction,
    Finding,
    failing,
    make,
)
from codegen.checks.breaking.shapes import compare_arrays, compare_objects
from codegen.compiler.vocabulary import asserted_format, is_definitions_only
from runtime.jsonpointer import pointer_join

Key = tuple[tuple[str, str, str], tuple[str, str, str]]
SILENT = ("code", "warning", "info")
HANDLED = frozenset(
    {
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "properties",
        "patternProperties", "additionalProperties", "required", "propertyNames",
        "minProperties", "maxProperties", "dependentRequired", "dependentSchemas",
        "x-reserved", "items", "prefixItems", "minItems", "maxItems", "uniqueItems",
        "contains", "minContains", "maxContains", "minLength", "maxLength",
        "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "multipleOf",
    }
)  # fmt: skip
# (keyword, a larger value narrows, rule when narrowed, rule when widened)
COUNTS = {
    "string": [
        ("minLength", True, "string-length"),
        ("maxLength", False, "string-length"),
    ],
    "array": [("minItems", True, "item-count"), ("maxItems", False, "item-count")],
    "object": [
        ("minProperties", True, "property-count"),
        ("maxProperties", False, "property-count"),
    ],
}


def _show(value: Any) -> str:
    return "none" if value is None else canon(value)


def _types_text(norm: Norm) -> str:
    if norm.types is None:
        return "any type"
    return " or ".join(sorted(norm.types)) or "nothing"


class Comparer:
    """Compares the schemas of two sides; ``compare_file`` per file in both."""

    def __init__(self, old: Side, new: Side) -> None:
        self.old = old
        self.new = new
        self.memo: dict[Key, list[Finding]] = {}
        self.active: set[Key] = set()
        self.seen: set[str | None] = set()  # type names met on the new side

    # -- files ------------------------------------------------------------------

    def compare_file(self, path: str) -> list[Finding]:
        out: list[Finding] = []
        o_root, n_root = self.old.root(path), self.new.root(path)
        o_doc, n_doc = o_root.node, n_root.node
        o_msg = o_doc.get("x-message") if isinstance(o_doc, dict) else None
        n_msg = n_doc.get("x-message") if isinstance(n_doc, dict) else None
        if o_msg != n_msg and o_msg is not None:
            out.append(
                make(
                    "message-identity-changed",
                    path,
                    "/x-message" if n_msg is not None else "",
                    f"x-message {canon(o_msg)} is now {_show(n_msg)}",
                    BOTH,
                )
            )
        if self.old.documents[path].draft != self.new.documents[path].draft:
            out.append(
                make(
                    "draft-changed",
                    path,
                    "/$schema",
                    f"$schema draft {self.old.documents[path].draft} is now"
                    f" {self.new.documents[path].draft}; compared after normalising",
                    NONE,
                )
            )
        if not (is_definitions_only(o_doc) or is_definitions_only(n_doc)):
            out += self.compare(o_root, n_root)
        o_defs, n_defs = self.old.defs(path), self.new.defs(path)
        for key in sorted(o_defs.keys() & n_defs.keys()):
            out += self.compare(o_defs[key], n_defs[key])
        return out

    def removed_defs(self, path: str) -> list[Finding]:
        """``$defs`` entries gone from a file: renamed, or their type removed.
        Run after every file was compared, so types that moved are known."""
        out: list[Finding] = []
        o_defs, n_defs = self.old.defs(path), self.new.defs(path)
        fresh = [k for k in n_defs if k not in o_defs]
        for key in sorted(o_defs.keys() - n_defs.keys()):
            name = self.old.norm(o_defs[key]).name
            if name in self.new.names() | self.seen:
                continue
            same = [k for k in fresh if self.equivalent(o_defs[key], n_defs[k])]
            if same:
                fresh.remove(same[0])
                out += self.compare(o_defs[key], n_defs[same[0]])
                continue
            out.append(
                make(
                    "type-removed",
                    path,
                    o_defs[key].pointer,
                    f"$defs entry '{key}' is gone: the generated type {name}"
                    " no longer exists",
                    NONE,
                )
            )
        return out

    # -- the walk ---------------------------------------------------------------

    def compare(self, o: Child, n: Child) -> list[Finding]:
        """Every finding between the schema at ``o`` (old) and at ``n`` (new)."""
        key = (o.key, n.key)
        if key in self.memo:
            return self.memo[key]
        if key in self.active:
            return []
        self.active.add(key)
        try:
            out = self._compare(self.old.norm(o), self.new.norm(n))
        finally:
            self.active.discard(key)
        self.memo[key] = out
        return out

    def verdict(self, o: Child, n: Child) -> tuple[frozenset[Direction], bool]:
        """The directions the findings between ``o`` and ``n`` break, and whether
        one of them is undecidable."""
        found = [f for f in self.compare(o, n) if f.severity not in SILENT]
        breaks = frozenset(d for f in found for d in f.breaks)
        return breaks, any(f.severity == "needs-review" for f in found)

    def equivalent(self, o: Child, n: Child) -> bool:
        return self.verdict(o, n) == (NONE, False)

    def _compare(self, old: Norm, new: Norm) -> list[Finding]:
        out: list[Finding] = []
        self._annotations(old, new, out)
        if one_vs_branches(self, old, new, out):
            return out
        self._types(old, new, out)
        if old.values is None and new.values is None:
            shared = old.atoms() & new.atoms()
            if "string" in shared:
                self._strings(old, new, out)
            if shared & {"integer", "fraction"}:
                self._numbers(old, new, out)
            if "array" in shared:
                self._arrays(old, new, out)
            if "object" in shared:
                self._objects(old, new, out)
        compare_combinators(self, old, new, out)
        compare_conditionals(self, old, new, out)
        self._leftovers(old, new, out)
        moved = _spot(old.at) != _spot(new.at)
        via_refs = old.site is not old.at and new.site is not new.at
        if via_refs and moved and any(f.severity != "info" for f in out):
            text = (
                f"$ref target {old.at.file}#{old.at.pointer} is now"
                f" {new.at.file}#{new.at.pointer}; the findings below it compare"
                " the two structurally"
            )
            where = pointer_join(new.site.pointer, "$ref")
            out.append(make("ref-retargeted", new.site.file, where, text, NONE))
        return out

    def _here(self, new: Norm, *tokens: str | int) -> tuple[str, str]:
        """The file and the deepest pointer along ``tokens`` that exists in new."""
        node, pointer = new.at.node, new.at.pointer
        for token in tokens:
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and isinstance(token, int):
                node = node[token] if token < len(node) else None
                if node is None:
                    break
            else:
                break
            pointer = pointer_join(pointer, token)
        return new.at.file, pointer

    def add(
        self,
        out: list[Finding],
        rule: str,
        new: Norm,
        tokens: tuple[str | int, ...],
        message: str,
        breaks: frozenset[Direction],
        review: bool = False,
        exact: bool = False,
    ) -> None:
        """Add a finding at ``tokens`` below the new schema object (as far as they
        exist there, or all of them with ``exact``: for what was removed)."""
        if exact:
            file, pointer = new.at.file, pointer_join(new.at.pointer, *tokens)
        else:
            file, pointer = self._here(new, *tokens)
        out.append(make(rule, file, pointer, message, breaks, review))

    # -- annotations, types, values ---------------------------------------------

    def _annotations(self, old: Norm, new: Norm, out: list[Finding]) -> None:
        self.seen.add(new.name)
        if old.name and new.name:
            if old.name != new.name and old.name not in self.new.names():
                self.add(
                    out,
                    "type-renamed",
                    new,
                    ("title",),
                    f"generated type {old.name} is now {new.name}",
                    NONE,
                )
        if [canon(d) for d in old.default] != [canon(d) for d in new.default]:
            file = new.site.file
            pointer = new.site.pointer
            if isinstance(new.site.node, dict) and "default" in new.site.node:
                pointer = pointer_join(pointer, "default")
            before = _show(old.default[0]) if old.default else "none"
            after = _show(new.default[0]) if new.default else "none"
            out.append(
                make(
                    "default-changed",
                    file,
                    pointer,
                    f"default {before} is now {after}",
                    NONE,
                )
            )
        for key in ("contentEncoding", "contentMediaType"):
            self._changed(
                out, new, key, old.content.get(key), new.content.get(key), "content"
            )

    def _changed(
        self, out: list[Finding], new: Norm, key: str, a: Any, b: Any, family: str
    ) -> None:
        """A keyword that restricts when present and differs when changed."""
        if a == b:
            return
        if a is None:
            rule, breaks = f"{family}-added", BACKWARD
        elif b is None:
            rule, breaks = f"{family}-removed", FORWARD
        else:
            rule, breaks = f"{family}-changed", BOTH
        review = family == "pattern" and rule == "pattern-changed"
        self.add(
            out,
            rule,
            new,
            (key,),
            f"{key} {_show(a)} is now {_show(b)}",
            breaks,
            review,
        )

    def _types(self, old: Norm, new: Norm, out: list[Finding]) -> None:
        if old.values is not None or new.values is not None:
            self._values(old, new, out)
            return
        a, b = atoms(old.types), atoms(new.types)
        if a == b:
            return
        text = f"type {_types_text(old)} is now {_types_text(new)}"
        if a < b:
            number = b - a == {"fraction"}
            rule = "integer-widened-to-number" if number else "type-widened"
            breaks = FORWARD
        elif b < a:
            number = a - b == {"fraction"}
            rule = "number-narrowed-to-integer" if number else "type-narrowed"
            breaks = BACKWARD
        else:
            rule, breaks = "type-changed", BOTH
        self.add(out, rule, new, ("type",), text, breaks)

    def _values(self, old: Norm, new: Norm, out: list[Finding]) -> None:
        where = ("const",) if "const" in _raw(new) else ("enum",)
        if old.values is not None and new.values is not None:
            added = [v for t, v in new.values.items() if t not in old.values]
            gone = [v for t, v in old.values.items() if t not in new.values]
            if not added and not gone:
                return
            plus = ", ".join(map(canon, added))
            minus = ", ".join(map(canon, gone))
            if len(old.values) == 1 and len(new.values) == 1:
                text = f"const {minus} is now {plus}"
                self.add(out, "const-changed", new, where, text, BOTH)
            elif added and gone:
                text = f"enum values {minus} removed and {plus} added"
                self.add(out, "enum-values-changed", new, where, text, BOTH)
            elif added:
                text = f"enum value(s) {plus} added"
                self.add(out, "enum-value-added", new, where, text, FORWARD)
            else:
                text = f"enum value(s) {minus} removed"
                self.add(out, "enum-value-removed", new, where, text, BACKWARD)
            return
        if new.values is not None:
            ok_f = all(accepts(old, v) for v in new.values.values())
            ok_b = _finite(old, new)
            const = new.from_const and len(new.values) == 1
            rule = "const-added" if const else "enum-added"
            text = f"{'const' if const else 'enum'} {_list(new)} added"
        else:
            assert old.values is not None
            ok_b = all(accepts(new, v) for v in old.values.values())
            ok_f = _finite(new, old)
            const = old.from_const and len(old.values) == 1
            rule = "const-removed" if const else "enum-removed"
            text = f"{'const' if const else 'enum'} {_list(old)} removed"
        breaks = failing(ok_b, ok_f)
        self.add(out, rule, new, where, text, breaks)

    # -- strings and numbers ----------------------------------------------------

    def counts(self, kind: str, old: Norm, new: Norm, out: list[Finding]) -> None:
        for key, larger_narrows, family in COUNTS[kind]:
            a, b = old.kw.get(key), new.kw.get(key)
            if a == b:
                continue
            if a is None or b is None:
                narrower = a is None
            else:
                narrower = (b > a) == larger_narrows
            rule = f"{family}-{'narrowed' if narrower else 'widened'}"
            text = f"{key} {_show(a)} is now {_show(b)}"
            self.add(out, rule, new, (key,), text, BACKWARD if narrower else FORWARD)

    def _strings(self, old: Norm, new: Norm, out: list[Finding]) -> None:
        self.counts("string", old, new, out)
        was, now = old.kw.get("pattern"), new.kw.get("pattern")
        self._changed(out, new, "pattern", was, now, "pattern")
        # an unknown format is an annotation: adding or changing one asserts nothing
        was = asserted_format(old.kw.get("format"))
        now = asserted_format(new.kw.get("format"))
        self._changed(out, new, "format", was, now, "format")

    def _numbers(self, old: Norm, new: Norm, out: list[Finding]) -> None:
        for low in (True, False):
            a, b = bounds(old.kw, low), bounds(new.kw, low)
            if a == b:
                continue
            if a is None or b is None:
                narrower = a is None
            elif low:
                narrower = (b[0], b[1]) > (a[0], a[1])
            else:
                narrower = (b[0], not b[1]) < (a[0], not a[1])
            names = ("minimum", "exclusiveMinimum")
            if not low:
                names = ("maximum", "exclusiveMaximum")
            key = names[1] if names[1] in _raw(new) else names[0]
            text = f"{names[0]} {_bound(a, low)} is now {_bound(b, low)}"
            rule = f"number-range-{'narrowed' if narrower else 'widened'}"
            self.add(out, rule, new, (key,), text, BACKWARD if narrower else FORWARD)
        a, b = old.kw.get("multipleOf"), new.kw.get("multipleOf")
        if a == b:
            return
        ok_b = b is None or (a is not None and fraction(a) % fraction(b) == 0)
        ok_f = a is None or (b is not None and fraction(b) % fraction(a) == 0)
        breaks = failing(ok_b, ok_f)
        rule = {BACKWARD: "multiple-of-narrowed", FORWARD: "multiple-of-widened"}.get(
            breaks, "multiple-of-changed"
        )
        text = f"multipleOf {_show(a)} is now {_show(b)}"
        self.add(out, rule, new, ("multipleOf",), text, breaks)

    # -- arrays -----------------------------------------------------------------

    def _arrays(self, old: Norm, new: Norm, out: list[Finding]) -> None:
        compare_arrays(self, old, new, out)

    def _objects(self, old: Norm, new: Norm, out: list[Finding]) -> None:
        compare_objects(self, old, new, out)

    def _leftovers(self, old: Norm, new: Norm, out: list[Finding]) -> None:
        for key in sorted((old.kw.keys() | new.kw.keys()) - HANDLED):
            a, b = _plain(old.kw.get(key)), _plain(new.kw.get(key))
            if canon(a) != canon(b):
                text = f"{key} changed; the checker cannot decide this keyword"
                self.add(out, "keyword-changed", new, (key,), text, BOTH, True)

    def open_rank(self, side: Side, child: Child | None) -> int:
        """0 for the ``false`` schema, 2 for ``true`` (or absent), 1 otherwise."""
        if child is None:
            return 2
        norm = side.norm(child)
        return 2 if norm.is_any() else 0 if norm.is_never() else 1

    def compare_open(
        self, old: Norm, new: Norm, key: str, family: str, out: list[Finding]
    ) -> None:
        """A keyword whose absence is ``true`` (``additionalProperties``, ``items``):
        to or from ``false`` is a rule of its own, anything else is compared."""
        a, b = old.kw.get(key), new.kw.get(key)
        ra, rb = self.open_rank(self.old, a), self.open_rank(self.new, b)
        if ra == rb == 2:
            return
        if ra and rb:
            a = a or self.old.implied(old.at, key, True)
            b = b or self.new.implied(new.at, key, True)
            out += self.compare(a, b)
            return
        if ra == rb:
            return
        narrower = rb < ra
        rule = f"{family}-{'narrowed' if narrower else 'widened'}"
        what = ("false", "a schema", "true")
        text = f"{key} {what[ra]} is now {what[rb]}"
        self.add(out, rule, new, (key,), text, BACKWARD if narrower else FORWARD)


def _spot(child: Child) -> tuple[str, str]:
    """A location, with draft-07 ``definitions`` spelled ``$defs``."""
    pointer = child.pointer
    if pointer.startswith("/definitions/"):
        pointer = "/$defs/" + pointer.removeprefix("/definitions/")
    return child.file, pointer


def _raw(norm: Norm) -> dict[str, Any]:
    return norm.at.node if isinstance(norm.at.node, dict) else {}


def _plain(value: Any) -> Any:
    if isinstance(value, Child):
        return value.node
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def _list(norm: Norm) -> str:
    return "[" + ", ".join(canon(v) for v in (norm.values or {}).values()) + "]"


def _bound(b: tuple[Any, bool] | None, low: bool) -> str:
    if b is None:
        return "none"
    sign = (">" if low else "<") + ("" if b[1] else "=")
    return f"{sign}{b[0]}"


def _finite(wide: Norm, narrow: Norm) -> bool:
    """Whether every instance ``wide`` accepts is among ``narrow``'s values (only
    decidable for null and boolean)."""
    if wide.kw or not wide.atoms() <= {"null", "boolean"}:
        return False
    domain = [v for v in (None, True, False) if accepts(wide, v)]
    return all(canon(v) in (narrow.values or {}) for v in domain)


RANK = {"info": 0, "warning": 1, "breaking": 2, "needs-review": 3, "code": 4}


def _identity(side: Side, path: str) -> tuple[str, int] | None:
    node = side.documents[path].contents
    msg = node.get("x-message") if isinstance(node, dict) else None
    if isinstance(msg, dict) and isinstance(msg.get("type"), str):
        version = msg.get("version")
        return msg["type"], version if isinstance(version, int) else 0
    return None


def compare_sides(old: Side, new: Side) -> list[Finding]:
    """Every finding between two sets of schemas, one per (file, pointer, rule),
    each with the contract files that reach it."""
    cmp = Comparer(old, new)
    found: list[Finding] = []
    both = sorted(old.documents.keys() & new.documents.keys())
    for path in both:
        found += [
            replace(f, contracts=frozenset({path})) for f in cmp.compare_file(path)
        ]
    for path in both:
        found += [
            replace(f, contracts=frozenset({path})) for f in cmp.removed_defs(path)
        ]
    new_ids = {p: _identity(new, p) for p in new.documents}
    old_types = {i[0] for p in old.documents if (i := _identity(old, p))}
    for path in sorted(old.documents.keys() - new.documents.keys()):
        was = _identity(old, path)
        later = sorted(
            p
            for p, now in new_ids.items()
            if was and now and now[0] == was[0] and now[1] > was[1]
        )
        text, breaks = "contract file removed", BOTH
        if later:
            text, breaks = f"contract file removed; superseded by {later[-1]}", NONE
        finding = make("contract-removed", path, "", text, breaks)
        found.append(replace(finding, contracts=frozenset({path})))
    for path in sorted(new.documents.keys() - old.documents.keys()):
        now = new_ids[path]
        text = "new contract file"
        if now and now[0] in old_types:
            text = f"new major version {now[1]} of {now[0]}: a new contract"
        finding = make("contract-added", path, "", text, NONE)
        found.append(replace(finding, contracts=frozenset({path})))
    return merge(found)


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per (file, pointer, rule): directions and contracts united."""
    merged: dict[tuple[str, str, str], Finding] = {}
    for f in sorted(findings, key=lambda f: (f.file, f.pointer, f.rule, f.message)):
        key = (f.file, f.pointer, f.rule)
        seen = merged.get(key)
        if seen is None:
            merged[key] = f
            continue
        messages = seen.message.split("; ")
        merged[key] = replace(
            seen,
            message="; ".join(dict.fromkeys([*messages, f.message])),
            breaks=seen.breaks | f.breaks,
            severity=max(seen.severity, f.severity, key=RANK.__getitem__),
            contracts=seen.contracts | f.contracts,
        )
    return list(merged.values())
