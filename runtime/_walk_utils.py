"""jsonschema's helpers (its ``_utils``) that the walk of runtime/_errorwalk.py
needs, ported so that wording a refusal imports no jsonschema: ``equal`` (``True``
is not ``1``), ``uniq`` (uniqueItems), the properties additionalProperties finds
and the words of its message. tests/test_errorwalk.py compares each with
jsonschema's. Split from runtime/_walk_keywords.py (the module bound of 600
lines)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any


def equal(one: Any, two: Any) -> bool:
    """jsonschema's equal (its _utils): ``True`` is not ``1``, in lists too."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        pairs = zip(one, two, strict=False)
        return len(one) == len(two) and all(equal(i, j) for i, j in pairs)
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and equal(value, two[key]) for key, value in one.items()
        )
    return bool(_unbool(one) == _unbool(two))


_TRUE, _FALSE = object(), object()


def _unbool(element: Any) -> Any:
    if element is True:
        return _TRUE
    if element is False:
        return _FALSE
    return element


def uniq(container: list[Any]) -> bool:
    """jsonschema's uniq (its _utils): sorted neighbours compared where the
    items sort (True and False apart from 1 and 0), else every pair."""
    try:
        ordered = sorted(_unbool(i) for i in container)
        for i, j in zip(ordered, ordered[1:], strict=False):
            if equal(i, j):
                return False
    except (NotImplementedError, TypeError):
        seen: list[Any] = []
        for e in container:
            e = _unbool(e)
            for i in seen:
                if equal(i, e):
                    return False
            seen.append(e)
    return True


def find_additional_properties(
    instance: dict[str, Any], schema: dict[str, Any]
) -> Iterator[str]:
    """jsonschema's (its _utils): the properties neither named nor matched by a
    patternProperties key (Python's re)."""
    properties = schema.get("properties", {})
    patterns = "|".join(schema.get("patternProperties", {}))
    for name in instance:
        if name not in properties:
            if patterns and re.search(patterns, name):
                continue
            yield name


def extras_msg(extras: list[Any]) -> tuple[str, str]:
    """jsonschema's (its _utils)."""
    verb = "was" if len(extras) == 1 else "were"
    return ", ".join(repr(extra) for extra in extras), verb
