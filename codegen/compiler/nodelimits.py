"""Schema shapes Ajv 8 gets wrong: their contracts get another engine in Node.

Python and Node must accept exactly the same messages. Where Ajv cannot follow a
schema and the bundle cannot say it another way (``codegen/bundle.py`` does that
for ``$ref`` into embedded resources and for ``$dynamicRef``), the contracts that
reach the shape are validated in Node by ``@cfworker/json-schema`` instead
(``runtime/node/src/_exact.ts``; the bundle marks their files ``engine:
"cfworker"``), which tracks evaluated properties and items as the specification
says. The codes below name the shapes (:meth:`NodeLimits.flagged`); they are no
longer refusals.

``unevaluatedItems`` and ``unevaluatedProperties`` depend on what the rest of
their schema evaluated (its annotation scope: the keywords beside them and what
``allOf``, ``anyOf``, ``oneOf``, ``not``, ``if``/``then``/``else``,
``dependentSchemas``, ``$ref`` and ``$dynamicRef`` reach). Ajv tracks that only
where it is simple. Flagged, each with a stable code:

- ``unevaluated-contains``: ``unevaluatedItems`` with a ``contains`` in its
  scope (Ajv never counts the items ``contains`` matched as evaluated);
- ``unevaluated-if``: an evaluating keyword inside an ``if`` of the scope (Ajv
  ignores an ``if`` without ``then``/``else`` and otherwise counts what it
  evaluated even when it failed), except ``properties`` naming only properties
  the scope always evaluates (``if: {properties: {kind: {const: ...}}}`` beside
  ``properties: {kind: ...}``, the usual way to pick a variant);
- ``unevaluated-conditional``: an evaluating keyword in a subschema that may
  not apply (below ``anyOf``, ``oneOf``, ``not``, ``if``, ``then``, ``else``
  or ``dependentSchemas``), which makes Ajv count at run time and get it wrong
  (a failed branch counts, "all items" is read as an index, a count left
  undefined checks nothing, or the generated code throws). Allowed there are
  only ``prefixItems`` when another ``prefixItems`` always applies, and
  ``properties`` when no ``patternProperties``/``additionalProperties``/
  ``unevaluatedProperties`` shares the scope; nothing below
  ``dependentSchemas``, and no item keyword in an ``anyOf``/``oneOf`` with an
  always-valid member.

These rules were found, and are kept honest, by a random test
(``tests/test_node_limits.py``): on generated schemas, both runtimes give the
verdict of ``jsonschema``, on both engines.

cfworker runs ``patternProperties`` with V8's backtracking ``RegExp`` (``pattern``
it never sees: ``_exact.ts`` hands it to the runtime's linear-time engine). A
contract on the cfworker engine whose files hold a ``patternProperties`` pattern
not proven linear for V8 (``codegen/typescript/native_patterns.native_search_safe``:
``^x-`` and ``foo`` are, ``a*b`` is not) is refused, code ``exact-pattern-properties``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from codegen.compiler.bundle import Bundler, Place
from codegen.compiler.vocabulary import subschemas
from codegen.errors import ContractError
from codegen.typescript.native_patterns import native_search_safe
from runtime.jsonpointer import pointer_join, resolve_pointer

ALL_ITEMS = frozenset({"items", "additionalItems", "unevaluatedItems"})
ITEM_EVALUATORS = frozenset(
    {"prefixItems", "items", "additionalItems", "unevaluatedItems"}
)
PROPERTY_EVALUATORS = frozenset(
    {"properties", "patternProperties", "additionalProperties", "unevaluatedProperties"}
)
DYNAMIC_PROPERTIES = frozenset(
    {"patternProperties", "additionalProperties", "unevaluatedProperties"}
)
# Keywords that assert nothing: a schema of only these accepts every value.
_INERT = frozenset(
    {
        "$schema", "$id", "$anchor", "$dynamicAnchor", "$defs", "definitions",
        "$vocabulary", "$comment", "title", "description", "default", "examples",
        "deprecated", "readOnly", "writeOnly",
    }
)  # fmt: skip

WHY = {
    "unevaluated-contains": "depends on the items {where} matches, which the Node"
    " validator (Ajv 8) never counts as evaluated",
    "unevaluated-if": "depends on what {where} evaluates inside an `if`, which the"
    " Node validator (Ajv 8) counts even when the `if` fails",
    "unevaluated-conditional": "depends on what {where} evaluates in a subschema"
    " that may not apply, which the Node validator (Ajv 8) does not track"
    " correctly there",
}
HINTS = {
    "unevaluated-contains": "name the items with prefixItems/items instead of"
    " relying on contains, or drop unevaluatedItems",
    "unevaluated-if": "move the evaluating keywords out of `if` (into `then`/`else`"
    " or beside unevaluated*), or drop unevaluated*",
    "unevaluated-conditional": "list the properties/items unconditionally (beside"
    " unevaluated* or in allOf), or drop unevaluated*",
}


@dataclass(frozen=True)
class _Path:
    """How a subschema of the scope was reached."""

    conditional: bool = False  # below anyOf, oneOf, if, then, else or dependentSchemas
    in_if: bool = False  # below an `if`
    beside_always_valid: bool = False  # in an anyOf/oneOf with an always-valid member
    dependent: bool = False  # below dependentSchemas


def _always_valid(schema: Any) -> bool:
    return schema is True or (
        isinstance(schema, dict)
        and all(k in _INERT or k.startswith("x-") for k in schema)
    )


@dataclass
class _Scope:
    """What a walk of one annotation scope found."""

    problem: tuple[str, Place, str] | None = None  # code, place, keyword
    conditional: tuple[Place, str] | None = None  # an evaluator that may not apply
    dynamic: bool = False  # patternProperties & co. anywhere (properties only)
    unconditional_prefix: bool = False  # prefixItems that always applies (items)
    names: set[str] = field(default_factory=set)  # `properties` that always apply
    if_names: dict[str, Place] = field(default_factory=dict)  # `properties` in an if


class NodeLimits:
    """Finds the shapes of the module docstring in every document of a bundler."""

    def __init__(self, bundler: Bundler) -> None:
        self.bundler = bundler
        self.graph = bundler.graph

    def flagged(self) -> list[ContractError]:
        """Each unevaluated* keyword Ajv would get wrong, as an error (not raised:
        its code and text say why the file's contracts get the exact engine)."""
        out = []
        for path, doc in self.graph.documents.items():
            if doc.draft != "2020-12":
                continue  # draft-07 has no unevaluated* keywords
            if b"unevaluated" not in doc.text and b"\\u" not in doc.text:
                continue  # the keyword is nowhere, not even spelt with escapes
            for (file, pointer), node in self._schemas(path):
                for keyword in ("unevaluatedItems", "unevaluatedProperties"):
                    if keyword in node:
                        error = self._check(file, pointer, keyword)
                        if error is not None:
                            out.append(error)
        return out

    def _schemas(self, path: str) -> Iterator[tuple[Place, dict[str, Any]]]:
        doc = self.graph.documents[path]
        stack: list[tuple[Any, str]] = [(doc.contents, "")]
        while stack:
            node, pointer = stack.pop()
            if isinstance(node, dict):
                yield (path, pointer), node
                stack.extend(subschemas(node, doc.draft, pointer))

    def _check(self, file: str, pointer: str, keyword: str) -> ContractError | None:
        items = keyword == "unevaluatedItems"
        found = self._walk((file, pointer), items)
        problem = found.problem
        extra = [n for n in sorted(found.if_names) if n not in found.names]
        if problem is None and extra:
            # Ajv counts what an `if` evaluated whether it passed or not (and
            # nothing without then/else): harmless only for names always evaluated.
            problem = ("unevaluated-if", found.if_names[extra[0]], "properties")
        if problem is None and found.conditional is not None:
            # Evaluators that may not apply make Ajv count at run time: for items,
            # right only when a prefixItems always applies too (else the count can
            # stay undefined); for properties, not with pattern or additional
            # properties as well (the generated code can throw).
            if found.dynamic if not items else not found.unconditional_prefix:
                problem = ("unevaluated-conditional", *found.conditional)
        if problem is None:
            return None
        code, place, what = problem
        where = f"{place[0]}#{pointer_join(place[1], what)}"
        return ContractError(
            file,
            pointer_join(pointer, keyword),
            code,
            f"{keyword} {WHY[code].format(where=where)}, so Python and Node would"
            " disagree",
            HINTS[code],
        )

    def _walk(self, start: Place, items: bool) -> _Scope:
        found = _Scope()
        seen: set[tuple[Place, _Path]] = set()
        stack: list[tuple[Place, _Path]] = [(start, _Path())]
        while stack and found.problem is None:
            place, how = stack.pop()
            if (place, how) in seen:
                continue
            seen.add((place, how))
            node = resolve_pointer(self.graph.documents[place[0]].contents, place[1])
            if not isinstance(node, dict):
                continue
            evaluators = ITEM_EVALUATORS if items else PROPERTY_EVALUATORS
            own = place == start
            present = sorted(
                k
                for k in evaluators
                if k in node and not (own and k.startswith("unevaluated"))
            )
            problem = self._problem(node, present, how, items)
            if problem is not None:
                found.problem = (problem[0], place, problem[1])
            if present and how.conditional:
                found.conditional = found.conditional or (place, present[0])
            found.dynamic = found.dynamic or any(
                k in DYNAMIC_PROPERTIES for k in present
            )
            if "prefixItems" in node and not how.conditional:
                found.unconditional_prefix = True
            names = node.get("properties")
            if isinstance(names, dict) and not how.conditional:
                found.names.update(names)
            elif isinstance(names, dict) and how.in_if:
                found.if_names.update(dict.fromkeys(names, place))
            stack.extend(self._scope(place, node, how))
        return found

    @staticmethod
    def _problem(
        node: dict[str, Any], present: list[str], how: _Path, items: bool
    ) -> tuple[str, str] | None:
        """The refusal code and keyword for one subschema of the scope, if any."""
        if items and "contains" in node:
            return "unevaluated-contains", "contains"
        if present and how.in_if and (items or present != ["properties"]):
            return "unevaluated-if", present[0]
        if present and ((items and how.beside_always_valid) or how.dependent):
            return "unevaluated-conditional", present[0]
        risky = ALL_ITEMS if items else DYNAMIC_PROPERTIES
        for key in present:
            if key in risky and how.conditional:
                return "unevaluated-conditional", key
        return None

    def _scope(
        self, place: Place, node: dict[str, Any], how: _Path
    ) -> Iterator[tuple[Place, _Path]]:
        """The subschemas whose annotations reach this one (and ``not``'s: it gives
        none, but Ajv's tracking inside it can still go wrong)."""
        file, pointer = place
        for key in ("allOf", "anyOf", "oneOf"):
            members = node.get(key)
            if not isinstance(members, list):
                continue
            branch = key != "allOf"
            beside = how.beside_always_valid or (
                branch and any(_always_valid(m) for m in members)
            )
            inner = _Path(how.conditional or branch, how.in_if, beside, how.dependent)
            for i, _ in enumerate(members):
                yield (file, pointer_join(pointer, key, i)), inner
        for key in ("not", "if", "then", "else"):
            if key in node:
                in_if = how.in_if or key == "if"
                inner = _Path(True, in_if, how.beside_always_valid, how.dependent)
                yield (file, pointer_join(pointer, key)), inner
        dependent = node.get("dependentSchemas")
        if isinstance(dependent, dict):
            inner = _Path(True, how.in_if, how.beside_always_valid, True)
            for name in dependent:
                yield (file, pointer_join(pointer, "dependentSchemas", name)), inner
        for keyword in ("$ref", "$dynamicRef"):
            ref = self.bundler.refs.get((file, pointer, keyword))
            if ref is None or ref.target is None:
                continue
            yield ref.target, how
            if ref.dynamic:  # any resource declaring the anchor may be the target
                for (anchor_file, _), names in self.bundler.anchors.items():
                    if ref.dynamic in names:
                        yield (anchor_file, names[ref.dynamic]), how

    def pattern_errors(self, path: str) -> list[ContractError]:
        """``exact-pattern-properties``: each ``patternProperties`` pattern of
        document ``path`` that V8 may not run in linear time."""
        out = []
        for (file, pointer), node in self._schemas(path):
            patterns = node.get("patternProperties")
            if not isinstance(patterns, dict):
                continue
            for source in sorted(patterns):
                if native_search_safe(source):
                    continue
                out.append(
                    ContractError(
                        file,
                        pointer_join(pointer, "patternProperties", source),
                        "exact-pattern-properties",
                        f"pattern {source!r} is reached by a contract that Node"
                        " validates with @cfworker/json-schema (its unevaluated*"
                        " keywords are beyond Ajv), which runs patternProperties"
                        " with a backtracking RegExp; this pattern is not proven"
                        " linear there",
                        "anchor the pattern with ^ and make it deterministic"
                        " (e.g. ^x-), or drop unevaluated* from the contracts"
                        " that reach it",
                    )
                )
        return out


def node_limit_errors(bundler: Bundler) -> list[ContractError]:
    """Every shape of the module docstring in the bundler's documents."""
    return NodeLimits(bundler).flagged()


def exact_files(
    bundler: Bundler, reached: dict[str, tuple[str, ...]]
) -> tuple[frozenset[str], list[ContractError]]:
    """The files whose contracts Node validates with cfworker (those reaching a
    flagged shape), and the ``exact-pattern-properties`` refusals among the files
    they reach."""
    limits = NodeLimits(bundler)
    flagged = {e.file for e in limits.flagged()}
    exact = frozenset(
        p for p, files in reached.items() if flagged and not flagged.isdisjoint(files)
    )
    errors: list[ContractError] = []
    for path in sorted({f for p in exact for f in reached[p]}):
        if path in limits.graph.documents:
            errors.extend(limits.pattern_errors(path))
    return exact, errors
