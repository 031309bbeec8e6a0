"""Which schema files a precompiled validator would reach, found before it is written.

:mod:`codegen.typescript.validators` leaves a contract to Ajv when its validator
would reach more than ``MAX_FILES`` schema files, but it finds that out by writing
the validator: every function of up to ``MAX_FILES`` files, then thrown away. On a
set whose references run through the whole set (issue #15's ``events`` shape)
almost every contract ends that way, and writing them was 95 % of the validators'
cost (events-1000: 2.5 of 2.6 s).

:class:`Reach` answers the question first, from a graph of schema *locations* (a
``$ref`` target, an ``anyOf`` or ``oneOf`` member: what gets a function of its
own): each location's outgoing edges are found once per bundle set, and a
contract's files by a walk of that graph that stops past the bound.

It follows a part of what ``check`` follows (``$ref``, ``properties``,
``additionalProperties``, ``items``, ``allOf``, ``anyOf``, ``oneOf``; in draft-07
nothing beside a ``$ref``; never into ``propertyNames``, where a ``$ref`` target is
written inline and its file not counted), never more. So the files it finds are
files the validator reaches unless it stops earlier on something it does not model,
which leaves the contract to Ajv as well: "over the bound" here means the validator
would have been thrown away. Anything else is left to the validator, which decides
as before: the output is the same, byte for byte.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from codegen.compiler import ir

Location = tuple[str, str]  # (uri without "#", JSON pointer)


class Reach:
    """The location graph of one set of bundles (by uri without "#")."""

    def __init__(self, bundles: dict[str, ir.Bundle]) -> None:
        self.bundles = bundles
        self._edges: dict[Location, tuple[Location, ...]] = {}

    def over(self, start: Location, files: set[str], limit: int) -> bool:
        """Whether ``files`` and the files of every location reachable from
        ``start`` are more than ``limit``."""
        seen_files = set(files)
        seen = {start}
        stack = [start]
        while stack:
            location = stack.pop()
            if location[0] not in seen_files:
                seen_files.add(location[0])
                if len(seen_files) > limit:
                    return True
            for target in self.edges(location):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        return False

    def edges(self, location: Location) -> tuple[Location, ...]:
        """The locations the function of ``location`` calls."""
        found = self._edges.get(location)
        if found is None:
            found = self._edges[location] = tuple(self._find(location))
        return found

    def _find(self, location: Location) -> list[Location]:
        uri, pointer = location
        bundle = self.bundles.get(uri)
        if bundle is None:
            return []
        draft7 = bundle.draft == "7"
        found: list[Location] = []
        stack: list[tuple[Any, str]] = [(_at(bundle.schema, pointer), pointer)]
        while stack:
            node, at = stack.pop()
            if not isinstance(node, dict):
                continue
            ref = node.get("$ref")
            if ref is not None:
                base, _, fragment = str(ref).partition("#")
                if not fragment or fragment.startswith("/"):
                    found.append((base or uri, unquote(fragment)))
                if draft7:
                    continue  # draft-07 ignores what is beside a $ref
            props = node.get("properties")
            if isinstance(props, dict):
                for name, sub in props.items():
                    escaped = name.replace("~", "~0").replace("/", "~1")
                    stack.append((sub, f"{at}/properties/{escaped}"))
            for key in ("additionalProperties", "items"):
                if key in node:
                    stack.append((node[key], f"{at}/{key}"))
            members = node.get("allOf")
            if isinstance(members, list):
                for i, member in enumerate(members):
                    stack.append((member, f"{at}/allOf/{i}"))
            for key in ("anyOf", "oneOf"):
                members = node.get(key)
                if isinstance(members, list):
                    found += [(uri, f"{at}/{key}/{i}") for i in range(len(members))]
        return found


def _at(schema: Any, pointer: str) -> Any:
    """The value at JSON pointer ``pointer`` (as validators.py reads it), or None."""
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(schema, dict) and token in schema:
            schema = schema[token]
        elif isinstance(schema, list) and token.isdigit() and int(token) < len(schema):
            schema = schema[int(token)]
        else:
            return None
    return schema
