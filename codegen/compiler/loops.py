"""Schemas that apply themselves to the same value without end.

``A: {"oneOf": [{"$ref": "#/$defs/B"}, ...]}`` and ``B: {"anyOf": [{"$ref":
"#/$defs/A"}, ...]}`` check a value against A, which checks it against B, which
checks the same value against A again: there is no end, whatever the value.
JSON Schema leaves such schemas undefined (2020-12 core, "Infinite recursion"),
and neither a validator nor a generated type can follow them: recursion is only
finite where it passes through a value step (a property, an item). They are
refused here, before lowering, with the loop spelt out.

The graph: a node per schema location (file, pointer) that applies subschemas to
its own value, an edge to each of them: ``$ref``, ``allOf``, ``anyOf``,
``oneOf``, ``not``, ``if``, ``then``, ``else``, ``dependentSchemas`` (draft-07:
``dependencies``); in draft-07 a ``$ref`` hides its siblings. A strongly
connected component with more than one location, or a location that applies
itself, is a loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codegen.compiler.graph import components
from codegen.errors import ContractError

Location = tuple[str, str]  # file, JSON pointer

IN_PLACE = frozenset(
    {"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
     "dependencies"}
)  # fmt: skip


def loop_errors(edges: Mapping[Location, Sequence[Location]]) -> list[ContractError]:
    """One error per loop of ``edges`` (in-place applications), at the loop's first
    location in (file, pointer) order."""
    errors = []
    for component in components(sorted(edges), edges):
        members = set(component)
        first = min(component)
        if len(component) == 1 and first not in edges[first]:
            continue
        cycle = _cycle(first, edges, members)
        steps = " -> ".join(f"{f}#{p}" for f, p in cycle)
        errors.append(
            ContractError(
                first[0],
                first[1],
                "schema-loop",
                f"this schema applies itself to the same value without end ({steps}):"
                " no value could ever be checked against it",
                "let the recursion pass through a property or an item, or drop one"
                " of the references in the loop",
            )
        )
    return errors


def _cycle(
    start: Location,
    edges: Mapping[Location, Sequence[Location]],
    members: set[Location],
) -> list[Location]:
    """The shortest way from ``start`` back to itself inside its component, as
    locations (``start`` first and last)."""
    came: dict[Location, Location] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in edges.get(node, ()):
                if child not in members:
                    continue
                if child == start:
                    back = [node]
                    while back[-1] != start:
                        back.append(came[back[-1]])
                    return [*reversed(back), start]
                if child not in came:
                    came[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError("a component with a loop has a cycle through each member")
