"""A model's core schema without the steps the full check has decided already.

For a contract that needs the full check, jsonschema-rs decides first, matching
every ``pattern`` and checking every ``format``. A message it accepts satisfies
every pattern and format of the model too (a model accepts every message its
schema accepts), so the model can read it without those steps: each runs once per
value. The generated support marks them in their core schema's metadata
(``PATTERN_STEP`` in ``_support/patterns.py``, ``FORMAT_STEP`` in
``_support/formats.py``).

A step that decides which choice of a ``union`` (pydantic's smart or
left-to-right union, where the first or best choice that accepts the value wins)
takes a value could change the typed value if it were removed: a choice that
refused the value for its format would accept it. So the format steps are kept
inside a union's choices, and in every definition a union's choice reaches by
reference; a ``tagged-union`` picks its choice by the tag alone, and ``nullable``
by ``null``, so they need no such care.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def without_steps(
    schema: Any, anywhere: frozenset[str], outside_unions: frozenset[str] = frozenset()
) -> Any:
    """A copy of the core schema ``schema`` without the steps whose metadata holds
    a marker of ``anywhere``, nor, outside the choices of a union, a marker of
    ``outside_unions``. A step is a ``chain`` step, or a ``function-after`` node
    (replaced by the schema it runs after). Anything but dicts and lists (classes,
    functions) is shared, not copied."""
    protected: set[str] = set()
    if outside_unions:
        protected = _reached_from_unions(schema)
    return _strip(schema, anywhere, anywhere | outside_unions, protected)


def _marked(node: Any, markers: frozenset[str]) -> bool:
    if not isinstance(node, dict):
        return False
    metadata = node.get("metadata")
    return isinstance(metadata, dict) and not markers.isdisjoint(metadata)


def _strip(
    schema: Any, anywhere: frozenset[str], markers: frozenset[str], protected: set[str]
) -> Any:
    if isinstance(schema, list):
        return [_strip(item, anywhere, markers, protected) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("ref")
    if isinstance(ref, str) and ref in protected:
        markers = anywhere
    kind = schema.get("type")
    if kind == "function-after" and _marked(schema, markers):
        return _strip(schema.get("schema"), anywhere, markers, protected)
    inner = anywhere if kind == "union" else markers
    out = {
        key: _strip(value, anywhere, inner if key == "choices" else markers, protected)
        for key, value in schema.items()
    }
    if kind == "chain" and isinstance(out.get("steps"), list):
        steps = [step for step in out["steps"] if not _marked(step, markers)]
        if not steps:
            return {"type": "any"}
        if len(steps) == 1 and set(out) <= {"type", "steps"}:
            return steps[0]
        out["steps"] = steps
    return out


def _reached_from_unions(schema: Any) -> set[str]:
    """The ``ref`` of every schema a ``union`` 's choices reach by reference
    (``definition-ref``), directly or through other references: one walk of
    ``schema``, then one of each schema reached."""
    by_ref: dict[str, dict[str, Any]] = {}
    todo: list[Any] = []  # the refs to follow (a string each, in a valid schema)
    stack: list[tuple[Any, bool]] = [(schema, False)]
    while stack:
        node, in_choice = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend((item, in_choice) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        if _has_ref(node):
            by_ref[node["ref"]] = node
        kind = node.get("type")
        if in_choice and kind == "definition-ref":
            todo.append(node.get("schema_ref"))
        for key, value in node.items():
            stack.append((value, in_choice or (kind == "union" and key == "choices")))
    reached: set[str] = set()
    while todo:
        target = todo.pop()
        if not isinstance(target, str) or target in reached:
            continue
        reached.add(target)
        if target in by_ref:
            todo += [
                node.get("schema_ref")
                for node in _nodes(by_ref[target])
                if node.get("type") == "definition-ref"
            ]
    return reached


def _has_ref(node: dict[str, Any]) -> bool:
    return isinstance(node.get("ref"), str)


def _nodes(schema: Any) -> Iterator[dict[str, Any]]:
    """Every dict in ``schema`` (a core schema), ``schema`` first, depth first."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            yield node
            stack.extend(reversed(list(node.values())))
