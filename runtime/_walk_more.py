"""More keywords of runtime/_errorwalk.py's walk, as jsonschema applies and words
them (its functions of the same names, which runtime._fullcheck does not
override): ``contains``, ``propertyNames``, ``dependentSchemas``, draft 7's
``dependencies`` and ``additionalItems``. Split from _walk_keywords.py (the
module bound of 600 lines), whose Mode reads the tables below.
tests/test_errorwalk.py compares the walk's words with jsonschema's."""

from __future__ import annotations

from typing import Any

from runtime._walk_keywords import ErrorWalk, Out, Unsupported, _Error, _failed
from runtime._walk_utils import extras_msg


def _contains_legacy(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """Drafts 6 and 7's contains: one error when no item is valid under the
    subschema (a validator evolved for it, as for not)."""
    if not isinstance(instance, list):
        return
    if all(walk.in_place(cls, base, v, item) for item in instance):
        _failed(walk, k, v, instance, schema, out)


def _contains(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """2020-12's contains, with the minContains and maxContains beside it: the
    items valid under the subschema (evolved) counted; a maxContains error at the
    first one too many, else a contains error when none is, else a minContains
    error when too few are."""
    if not isinstance(instance, list):
        return
    low = schema.get("minContains", 1)
    high = schema.get("maxContains", len(instance))
    matches = 0
    for item in instance:
        if not walk.in_place(cls, base, v, item):
            matches += 1
            if matches > high:
                error = _Error("maxContains", high, instance, schema)
                out.extend(walk._worded(error))
                return
    if matches < low:
        if not matches:
            _failed(walk, k, v, instance, schema, out)
        else:
            out.extend(walk._worded(_Error("minContains", low, instance, schema)))


def _property_names(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """propertyNames: each name's errors against the subschema (descended into
    without a path: at the object)."""
    if not isinstance(instance, dict):
        return
    for name in instance:
        out.extend(walk.words(cls, base, v, name))


def _dependent_schemas(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """dependentSchemas: the object's errors against the subschema of each
    property it holds (descended into, at the object)."""
    if not isinstance(instance, dict):
        return
    for name, dependency in v.items():
        if name in instance:
            out.extend(walk.words(cls, base, dependency, instance))


def _dependencies(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """Draft 7's dependencies: for each property the object holds, an error per
    name of its list the object lacks (as dependentRequired's), or the object's
    errors against its subschema."""
    if not isinstance(instance, dict):
        return
    for name, dependency in v.items():
        if name not in instance:
            continue
        if isinstance(dependency, list):
            for each in dependency:
                if each not in instance:
                    message = f"{each!r} is a dependency of {name!r}"
                    out.extend(walk._worded(_Error(k, v, instance, schema, message)))
        else:
            out.extend(walk.words(cls, base, dependency, instance))


def _additional_items(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """Draft 7's additionalItems, beside an items list: the items past it
    against its subschema, or one error when it is false and there are any."""
    items = schema.get("items", {})
    if not isinstance(instance, list) or isinstance(items, dict):
        return
    if not isinstance(items, list):
        raise Unsupported  # jsonschema takes the length of a boolean: its own
    start = len(items)
    if isinstance(v, dict):
        for index in range(start, len(instance)):
            out.extend(walk.below(index, cls, base, v, instance[index]))
    elif not v and len(instance) > start:
        message = "Additional items are not allowed (%s %s unexpected)"
        message %= extras_msg(instance[start:])
        out.extend(walk._worded(_Error(k, v, instance, schema, message)))


# What each draft's validator class does of these keywords (both
# runtime._fullcheck's classes and jsonschema's own: the same functions).
DRAFT7_MORE: dict[str, Any] = {
    "contains": _contains_legacy,
    "propertyNames": _property_names,
    "dependencies": _dependencies,
    "additionalItems": _additional_items,
}
DRAFT2020_MORE: dict[str, Any] = {
    "contains": _contains,
    "propertyNames": _property_names,
    "dependentSchemas": _dependent_schemas,
}
