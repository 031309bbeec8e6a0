"""Bundles: the schemas as runtime validators that only know the bundle (Ajv) read them.

Each file is copied with its ``$id`` set and every reference rewritten to an
absolute URI this compiler resolved: the target file's canonical URI (its
``$id``, else its file URI) plus the target's JSON pointer in that file. Ajv then
never resolves an embedded ``$id`` or an anchor itself (a ``$ref`` into an
embedded resource overflows its stack).

``$dynamicRef`` is resolved here too, as a plain ``$ref``, because Ajv follows it
only in one pattern and keeps anchors after their scope is left. Where the
target cannot depend on the dynamic scope (the initial target has no matching
``$dynamicAnchor``, or only one schema resource declares that anchor) it is the
initial target. Otherwise the dynamic scope is followed at compile time: the
state that decides a ``$dynamicRef`` is, per anchor name, the outermost resource
entered so far that declares it. A resource reached in a state other than the one
its own file gives it (by descending from the file's root) is copied under the
file's ``$defs`` (``x-dynamic-scope-<n>``, without ``$id`` and anchors) for that
state, and the references leading there point to the copy. States only grow and
anchors are finite, so the copies are too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urljoin

from codegen.compiler.resolve import SPECS, Resolver, SchemaGraph
from codegen.compiler.vocabulary import KEYWORDS, Draft, subschemas
from runtime.jsonpointer import pointer_join, resolve_pointer

# A node of the schema graph: (file, JSON pointer).
Place = tuple[str, str]
# The dynamic scope as far as it matters: (anchor name, anchor's place), sorted.
State = tuple[tuple[str, str, str], ...]

COPY_PREFIX = "x-dynamic-scope-"
_POINTER_SAFE = "/~$!&'()*+,;=:@"
_CONTAINERS = (dict, list)  # a tuple: `dict | list` is built anew at every call


@dataclass(frozen=True)
class _Ref:
    """A ``$ref`` or ``$dynamicRef`` as resolved: its target, and for a dynamic
    one the anchor name it looks up in the dynamic scope ("" when static)."""

    target: Place | None  # None: a target without a pointer of its own
    fallback: str  # the absolute URI, used when ``target`` is None
    dynamic: str = ""


class Bundler:
    """Bundles every document of a graph (see the module docstring)."""

    def __init__(self, graph: SchemaGraph) -> None:
        self.graph = graph
        self.resources: dict[str, list[str]] = {}  # file -> resource root pointers
        self.anchors: dict[Place, dict[str, str]] = {}  # resource -> name -> pointer
        self.refs: dict[tuple[str, str, str], _Ref] = {}  # (file, pointer, keyword)
        for path in graph.documents:
            self._scan(path)
        declared: dict[str, int] = {}
        for names in self.anchors.values():
            for name in names:
                declared[name] = declared.get(name, 0) + 1
        for key, ref in self.refs.items():
            if ref.dynamic and declared.get(ref.dynamic, 0) < 2:
                self.refs[key] = _Ref(ref.target, ref.fallback)
        self.dynamic_names = {r.dynamic for r in self.refs.values() if r.dynamic}
        self.needs_state = self._needing_state()
        self.copies: dict[str, dict[State, dict[str, tuple[str, Any]]]] = {}
        self._pending: list[tuple[str, str, State, str]] = []

    # -- scanning --------------------------------------------------------------

    def _scan(self, path: str) -> None:
        graph = self.graph
        doc = graph.documents[path]
        roots = self.resources.setdefault(path, [""])
        stack: list[tuple[Any, str, Resolver, str]] = [
            (doc.contents, "", graph.root_resolver(path), "")
        ]
        while stack:
            node, pointer, resolver, resource = stack.pop()
            if not isinstance(node, dict):
                continue
            if pointer:
                resolver = graph.descend(resolver, node, doc.draft)
                if (
                    "$id" in node  # both drafts take a resource's id from $id only
                    and SPECS[doc.draft].create_resource(node).id() is not None
                ):
                    roots.append(pointer)
                    resource = pointer
            anchor = node.get("$dynamicAnchor")
            if doc.draft == "2020-12" and isinstance(anchor, str):
                self.anchors.setdefault((path, resource), {})[anchor] = pointer
            for keyword in ("$ref", "$dynamicRef"):
                value = node.get(keyword)
                if isinstance(value, str) and (keyword == "$ref" or doc.draft != "7"):
                    ref = self._resolve(resolver, value, path, pointer, keyword)
                    if keyword == "$dynamicRef":
                        ref = self._dynamic(ref, value, resolver)
                    self.refs[(path, pointer, keyword)] = ref
            for child, child_pointer in subschemas(node, doc.draft, pointer):
                stack.append((child, child_pointer, resolver, resource))
        roots.sort(key=len)

    def _resolve(
        self, resolver: Resolver, ref: str, file: str, pointer: str, keyword: str
    ) -> _Ref:
        graph = self.graph
        target = graph.resolve(resolver, ref, file, pointer, keyword)
        if graph.location(target.node) is not None:
            return _Ref((target.file, target.pointer), "")
        # A boolean schema: its place is its resource's plus the fragment pointer.
        absolute = urljoin(resolver._base_uri, ref)
        uri, fragment = urldefrag(absolute)
        if fragment.startswith("/"):
            holder = graph.resolve(resolver, uri, file, pointer, keyword)
            where = graph.location(holder.node)
            if where is not None:
                return _Ref((where[0], where[1] + unquote(fragment)), "")
        return _Ref(None, graph.canonical_ref(resolver, ref))

    def _dynamic(self, ref: _Ref, value: str, resolver: Resolver) -> _Ref:
        """A ``$dynamicRef`` whose initial target has the ``$dynamicAnchor`` its
        fragment names looks that name up in the dynamic scope."""
        name = urldefrag(urljoin(resolver._base_uri, value)).fragment
        if ref.target is None or not name or name.startswith("/"):
            return ref
        node = resolve_pointer(
            self.graph.documents[ref.target[0]].contents, ref.target[1]
        )
        if isinstance(node, dict) and node.get("$dynamicAnchor") == name:
            return _Ref(ref.target, ref.fallback, name)
        return ref

    def _needing_state(self) -> set[Place]:
        """The resources whose evaluation can depend on the dynamic scope: those
        holding a dynamic ``$dynamicRef`` (or whose nested resources do), and
        those referring to one that does."""

        def outer(place: Place) -> Place:
            return (place[0], self.resources[place[0]][0])  # the file's root resource

        if not any(ref.dynamic for ref in self.refs.values()):
            return set()  # no dynamic reference: no state to depend on
        holding: set[Place] = set()
        edges: dict[Place, set[Place]] = {}
        for (file, pointer, _), ref in self.refs.items():
            here = (file, self.resource_of((file, pointer)))
            owners = {here, outer(here)} | {
                (file, r) for r in self.resources[file] if here[1].startswith(r + "/")
            }
            for owner in owners:
                if ref.dynamic:
                    holding.add(owner)
                if ref.target is not None:
                    target = (ref.target[0], self.resource_of(ref.target))
                    edges.setdefault(owner, set()).add(target)
        # Whatever reaches a holder, found backwards from the holders.
        referrers: dict[Place, set[Place]] = {}
        for owner, targets in edges.items():
            for target in targets:
                referrers.setdefault(target, set()).add(owner)
        needs = set(holding)
        stack = list(holding)
        while stack:
            for owner in referrers.get(stack.pop(), ()):
                if owner not in needs:
                    needs.add(owner)
                    stack.append(owner)
        return needs

    # -- states ----------------------------------------------------------------

    def resource_of(self, place: Place) -> str:
        file, pointer = place
        best = ""
        for root in self.resources[file]:
            if pointer == root or pointer.startswith(root + "/"):
                best = root
        return best

    def enter(self, state: State, file: str, resource: str) -> State:
        """The state after entering a resource: its anchors bind unbound names."""
        bound = {name for name, _, _ in state}
        added = [
            (name, file, pointer)
            for name, pointer in self.anchors.get((file, resource), {}).items()
            if name in self.dynamic_names and name not in bound
        ]
        return tuple(sorted((*state, *added))) if added else state

    def natural(self, file: str, resource: str) -> State:
        """The state of a resource reached by descending from its file's root."""
        state: State = ()
        for root in self.resources[file]:
            if resource == root or resource.startswith(root + "/") or root == "":
                state = self.enter(state, file, root)
        return state

    # -- rewriting -------------------------------------------------------------

    def target_uri(self, ref: _Ref, state: State) -> str:
        if ref.target is None:
            return ref.fallback
        file, pointer = ref.target
        if ref.dynamic:
            for name, anchor_file, anchor_pointer in state:
                if name == ref.dynamic:
                    file, pointer = anchor_file, anchor_pointer
        resource = self.resource_of((file, pointer))
        entered = self.enter(state, file, resource)
        uri = self.graph.base_uri[file]
        needed = (file, resource) in self.needs_state
        if needed and entered != self.natural(file, resource):
            key = self._copy_key(file, resource, entered)
            pointer = f"/$defs/{key}{pointer[len(resource) :]}"
        return uri + "#" + quote(pointer, safe=_POINTER_SAFE) if pointer else uri

    def _copy_key(self, file: str, resource: str, state: State) -> str:
        by_state = self.copies.setdefault(file, {}).setdefault(state, {})
        if resource not in by_state:
            contents = self.graph.documents[file].contents
            taken = (
                set(contents.get("$defs") or ())
                if isinstance(contents, dict)
                else set()
            )
            taken |= {k for by in self.copies[file].values() for k, _ in by.values()}
            n = 0
            while f"{COPY_PREFIX}{n}" in taken:  # used, or a schema's own key
                n += 1
            key = f"{COPY_PREFIX}{n}"
            by_state[resource] = (key, None)
            self._pending.append((file, resource, state, key))
        return by_state[resource][0]

    def rewrite(
        self, file: str, node: Any, pointer: str, state: State, copy: bool
    ) -> Any:
        """The bundled form of the schema ``node`` at ``file#pointer``, evaluated in
        ``state`` (before entering ``node``'s own resource, if it starts one)."""
        if not isinstance(node, dict):
            return node
        draft = self.graph.documents[file].draft
        if pointer in self.resources[file]:
            state = self.enter(state, file, pointer)
        children = {p for _, p in subschemas(node, draft, pointer)}

        def child(value: Any, at: str) -> Any:
            return self.rewrite(file, value, at, state, copy)

        out: dict[str, Any] = {}
        extra: list[Any] = []
        # draft-07 ignores every keyword beside a $ref. Ajv's draft-07 engine ignores
        # them too, except "type", which it still checks: leave it out of the bundle.
        sibling_type = draft == "7" and isinstance(node.get("$ref"), str)
        for key, value in node.items():
            if sibling_type and key == "type":
                continue
            ref = self.refs.get((file, pointer, key))
            if ref is not None:
                uri = self.target_uri(ref, state)
                if key == "$ref" or "$ref" not in node:
                    out["$ref"] = uri
                else:  # both: the dynamic one joins allOf (after its members)
                    extra.append({"$ref": uri})
            elif copy and key in ("$id", "$anchor", "$dynamicAnchor", "$schema"):
                continue
            elif isinstance(value, _CONTAINERS):
                out[key] = _walk(value, pointer_join(pointer, key), children, child)
            else:  # a scalar, or a boolean subschema: bundled as it is
                out[key] = value
        if extra:
            out["allOf"] = [*out.get("allOf", []), *extra]
        if out.get("enum") == []:
            # Nothing is valid; Ajv refuses an empty enum, so say it as `not: {}`.
            del out["enum"]
            if "not" in out:
                out["allOf"] = [*out.get("allOf", []), {"not": {}}]
            else:
                out["not"] = {}
        return out

    def bundle(self) -> dict[str, Any]:
        """Every document's bundle, by path."""
        graph = self.graph
        out: dict[str, Any] = {}
        for path, doc in graph.documents.items():
            contents = self.rewrite(path, doc.contents, "", (), False)
            if isinstance(contents, dict):
                contents = {
                    "$id": graph.base_uri[path],
                    **{k: v for k, v in contents.items() if k != "$id"},
                }
            out[path] = contents
        while self._pending:
            file, resource, state, key = self._pending.pop(0)
            node = resolve_pointer(graph.documents[file].contents, resource)
            # The copy starts in the state after entering: entering again is a no-op.
            copied = self.rewrite(file, node, resource, state, True)
            self.copies[file][state][resource] = (key, copied)
        for file, states in self.copies.items():
            defs = {
                key: copied for by in states.values() for key, copied in by.values()
            }
            root = out[file]
            out[file] = {**root, "$defs": {**root.get("$defs", {}), **defs}}
        return out


def _walk(
    value: Any, at: str, children: set[str], child: Callable[[Any, str], Any]
) -> Any:
    """``value`` (at ``at``) with every subschema in ``children`` rewritten."""
    if at in children:
        return child(value, at)
    if isinstance(value, dict):
        return {
            k: _walk(v, pointer_join(at, k), children, child)
            if isinstance(v, _CONTAINERS)
            else v
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            _walk(v, f"{at}/{i}", children, child) if isinstance(v, _CONTAINERS) else v
            for i, v in enumerate(value)
        ]
    return value


# Keywords Ajv acts on although a draft may not define them (those of the other
# draft, OpenAPI's, 2019-09's); in a document of a draft that does not define them
# they are annotations, so the bundle Ajv reads leaves them out.
_AJV_KEYWORDS = (
    frozenset(KEYWORDS["2020-12"]) | frozenset(KEYWORDS["7"])
    | {"nullable", "discriminator", "$async", "$recursiveRef", "$recursiveAnchor"}
) - {"$defs", "definitions"}  # fmt: skip


_IDENTIFIERS = ("$id", "$anchor", "$dynamicAnchor")


def _either_draft() -> dict[str, tuple[bool, bool, bool]]:
    """Per keyword holding subschemas in either draft: whether its value is one
    (an object), a list of them, an object of them (or, for ``dependencies``, of
    them and string lists: a list among them is no schema, and is skipped)."""
    shapes: dict[str, tuple[bool, bool, bool]] = {}
    for table in KEYWORDS.values():
        for key, spec in table.items():
            shape = spec.shape
            if shape is None:
                continue
            one, many, named = shapes.get(key, (False, False, False))
            shapes[key] = (
                one or shape in ("schema", "schema_or_list"),
                many or shape in ("schema_list", "schema_or_list"),
                named or shape in ("schema_map", "deps"),
            )
    return shapes


_EITHER = _either_draft()


def drop_annotations_ajv_reads(
    bundled: dict[str, Any], drafts: dict[str, Draft]
) -> None:
    """Remove, from every schema object of each bundle, the keywords of
    :data:`_AJV_KEYWORDS` that the file's draft does not define, and the
    identifiers inside other unknown keywords' values (not identifiers to the
    specification; Ajv collects every ``$id`` it finds)."""
    for file, document in bundled.items():
        known = KEYWORDS[drafts[file]]
        stack = [document]
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if not isinstance(node, dict) or id(node) in seen:
                continue
            seen.add(id(node))
            for key in [k for k in node if k not in known]:
                if key in _AJV_KEYWORDS:
                    del node[key]
                else:
                    _drop_identifiers(node[key])
            # The subschemas of either draft, in one look at each keyword
            # (events-1000: raw bundles 0.22 -> 0.18 s, by 78,000 calls fewer).
            for key, value in node.items():
                shape = _EITHER.get(key)
                if shape is None:
                    continue
                if isinstance(value, dict):
                    if shape[0]:
                        stack.append(value)
                    if shape[2]:
                        stack.extend(value.values())
                elif shape[1] and isinstance(value, list):
                    stack.extend(value)


def _drop_identifiers(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in _IDENTIFIERS:
                item.pop(key, None)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def add_discriminators(
    bundled: dict[str, Any],
    tagged: dict[tuple[str, str], tuple[str, str]],
    base_uri: dict[str, str],
) -> None:
    """Mark the unions the compiler tells apart by a const tag with Ajv's
    ``discriminator`` (an ``anyOf`` becomes the ``oneOf`` it is: the tags are
    distinct and required; every branch is an object, so the union node says
    ``type: object``, as Ajv needs). Ajv then validates the one branch the tag names,
    reporting its errors alone, instead of every branch. Only where Ajv's rules
    for the keyword hold, checked here as Ajv checks them; elsewhere the union
    stays as it is."""
    by_uri = {uri.split("#")[0]: path for path, uri in base_uri.items()}

    def resolve(member: Any) -> Any:
        if isinstance(member, dict) and set(member) == {"$ref"}:
            uri, _, pointer = str(member["$ref"]).partition("#")
            path = by_uri.get(uri)
            return None if path is None else _at_or_none(bundled.get(path), pointer)
        return member

    def tells_apart(member: Any, tag: str) -> bool:
        if not isinstance(member, dict) or "$ref" in member:
            return False
        prop = (member.get("properties") or {}).get(tag)
        required = member.get("required")
        return (
            member.get("type") == "object"
            and isinstance(prop, dict)
            and "$ref" not in prop
            and (
                isinstance(prop.get("const"), str)
                or (
                    isinstance(prop.get("enum"), list)
                    and all(isinstance(v, str) for v in prop["enum"])
                )
            )
            and isinstance(required, list)
            and tag in required
        )

    evaluating: dict[str, bool] = {}
    for (file, pointer), (keyword, tag) in sorted(tagged.items()):
        if file not in evaluating:
            evaluating[file] = "unevaluated" in json.dumps(bundled.get(file))
        if evaluating[file]:
            continue  # what a branch evaluates: left to Ajv's plain oneOf
        node = _at_or_none(bundled.get(file), pointer)
        if not isinstance(node, dict) or "discriminator" in node:
            continue
        if keyword == "anyOf" and "oneOf" in node:
            continue
        members = node.get(keyword)
        if not isinstance(members, list) or not all(
            tells_apart(resolve(m), tag) for m in members
        ):
            continue
        if node.get("type", "object") != "object":
            continue
        # Ajv applies discriminator to objects only; every branch is one anyway.
        node["type"] = "object"
        node["oneOf"] = node.pop(keyword)
        node["discriminator"] = {"propertyName": tag}
        # The one string this adds that could hold the word the test above seeks.
        evaluating[file] = "unevaluated" in json.dumps(tag)


def _at_or_none(document: Any, pointer: str) -> Any:
    try:
        return resolve_pointer(document, pointer)
    except (KeyError, IndexError, TypeError, ValueError):
        return None
