"""Strict JSON types for generated models, and JSON's own comparisons.

Integers that JSON Schema accepts (``5`` and ``5.0``, never ``"5"`` or ``true``),
optional fields that refuse ``null``, enums and values compared with JSON equality,
``uniqueItems``, decimal ``multipleOf``, and the object keywords Pydantic has no
field for (``dependentRequired``, ``minProperties``, ``maxProperties``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    Strict,
)
from pydantic_core import PydanticCustomError, core_schema

from .kinds import JsonKind as JsonKind
from .kinds import json_kind as json_kind


def fail(kind: str, message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, context)


def _float_int(value: float) -> int:
    if value.is_integer():
        return int(value)
    raise ValueError("not an integer")


class _JsonInt:
    """JSON Schema's integer: a number with a zero fractional part, so 5.0 is one;
    "5" and true are not. An int is checked in pydantic-core; only a float calls
    Python. Placed after a field's bounds, which then stay in pydantic-core too."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        whole = core_schema.union_schema(
            [
                core_schema.int_schema(strict=True),
                core_schema.no_info_after_validator_function(
                    _float_int, core_schema.float_schema(strict=True)
                ),
            ],
            mode="left_to_right",
            custom_error_type="int_type",
        )
        return core_schema.chain_schema([whole, handler(source)])


json_int = _JsonInt()
Str = Annotated[str, Strict()]
Bool = Annotated[bool, Strict()]
StrictInt = Annotated[int, Strict()]
Int = Annotated[int, Strict(), json_int]
# A number beyond the double range (1e400) parses to infinity, which no JSON text can
# carry back: refused, as the Node runtime refuses it.
Number = Annotated[float, Strict(), AllowInfNan(False)]


class Model(BaseModel):
    """Base of every generated model.

    Python code may construct models by field name; JSON is only read by alias
    (the property name the schema declares). Dumps use aliases and leave out
    fields that were never set, so a valid message round-trips unchanged.

    A model's validator is built on its first use, not at import
    (``defer_build``): a package of hundreds of models imports in a fraction of a
    second, and references to classes defined later in the module resolve then.
    """

    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        protected_namespaces=(),
        defer_build=True,
    )

    @classmethod
    def from_json(cls, data: str | bytes | bytearray) -> Self:
        """Validate JSON text against the contract (properties by JSON name only)."""
        return cls.model_validate_json(data, by_alias=True, by_name=False)

    def to_json(self) -> str:
        """The JSON text of this message: unset optional fields are left out."""
        return self.model_dump_json(by_alias=True, exclude_unset=True)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict of this message (unset fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _reject_null(value: Any) -> Any:
    if value is None:
        raise fail(
            "not_null", "a non-null value (the property is optional: leave it out)"
        )
    return value


class _NotNull:
    """An optional, non-nullable field: absent is fine, an explicit ``null`` is not.
    The ``None`` branch of ``X | None`` is dropped from the validator (so ``null``
    fails X's own check, in pydantic-core); the Python default stays ``None``."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        if schema["type"] == "nullable":
            inner: core_schema.CoreSchema = schema["schema"]
            return inner
        return core_schema.no_info_before_validator_function(_reject_null, schema)


not_null = _NotNull()


T = TypeVar("T")

Opt = Annotated[T | None, not_null]
"""``Opt[X]``: a property that may be absent (``None`` in Python) but not ``null``."""


def _never(value: Any) -> Any:
    raise fail("never", "no value at all (the schema is false)")


never = AfterValidator(_never)


def loose_default(value: Any) -> Any:
    """A field default its own schema rejects (foreign schemas have them): kept,
    as JSON Schema keeps a default (an annotation, never validated), and typed
    ``Any`` so that the generated module still type-checks."""
    return value


def not_kinds(*kinds: str) -> AfterValidator:
    """Any JSON value except those of the given kinds (for untyped schemas)."""
    excluded = frozenset(kinds)

    def check(value: Any) -> Any:
        if json_kind(value) in excluded:
            raise fail(
                "type_error",
                "{expected}",
                expected="a value other than " + " or ".join(sorted(excluded)),
                got=json_kind(value),
            )
        return value

    return AfterValidator(check)


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema defines it: 1 == 1.0, true != 1, deep for containers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            json_equal(x, y) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def enum(*allowed: Any) -> BeforeValidator:
    """Scalars compared as JSON: returns the declared value (1.0 becomes 1)."""

    def check(value: Any) -> Any:
        for candidate in allowed:
            if json_equal(value, candidate):
                return candidate
        raise fail(
            "enum",
            "one of {expected}",
            expected=", ".join(_show(v) for v in allowed),
        )

    return BeforeValidator(check)


def values(*allowed: Any) -> BeforeValidator:
    """``enum``/``const`` with arrays, objects or fractions, compared as JSON."""
    return enum(*allowed)


def _show(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _hashable(value: Any) -> Any:
    if type(value) is str or value is None:  # the most common first
        return ("s", value)
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, list):
        return ("a", tuple(_hashable(v) for v in value))
    if isinstance(value, dict):
        return ("o", frozenset((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, BaseModel):
        # The JSON the item came from: a property it left out is not filled in
        # with its default or None (`{}` and `{"a": null}` are distinct items).
        return _hashable(
            value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        )
    return ("s", value)


def _check_unique(items: Sequence[Any]) -> Sequence[Any]:
    if len(items) < 2:  # nothing can repeat: no item is read
        return items
    seen: set[Any] = set()
    for index, item in enumerate(items):
        key = _hashable(item)
        if key in seen:
            raise fail(
                "unique_items",
                "unique items (item {index} repeats)",
                index=index,
            )
        seen.add(key)
    return items


unique = AfterValidator(_check_unique)


def is_multiple(value: float, divisor: float) -> bool:
    """Whether ``value / divisor`` is an integer, in decimal arithmetic.

    JSON numbers are decimal text: 19.99 is a multiple of 0.01 although binary
    floating point says otherwise. Both numbers are read back from their shortest
    decimal form (what the JSON said) and divided exactly.
    """
    if isinstance(value, int) and isinstance(divisor, int):
        return value % divisor == 0
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return Fraction(repr(value)) % Fraction(repr(divisor)) == 0


def multiple_of(divisor: float) -> AfterValidator:
    """``multipleOf``, exact on the decimal values the JSON text wrote."""

    def check(value: float) -> float:
        if not is_multiple(value, divisor):
            raise fail(
                "multiple_of",
                "a multiple of {multiple_of}",
                multiple_of=divisor,
            )
        return value

    return AfterValidator(check)


# -- unions told apart by their members' required properties --------------------


def key_tag(tree: Any) -> Any:
    """A callable discriminator over a decision tree of ``(key, present, absent)``
    tuples ending in a member's tag (or None: no member can take the value). A
    JSON object is tested for its keys; a model (when serialising, or validating
    models) for the JSON names of its class's fields, which hold the same answer
    for the closed objects the tree was made from."""
    names_of: dict[type, frozenset[str]] = {}

    def tag(value: Any) -> str | None:
        if isinstance(value, dict):
            keys: Any = value
        elif isinstance(value, BaseModel):
            cls = type(value)
            keys = names_of.get(cls)
            if keys is None:
                keys = names_of[cls] = frozenset(
                    str(f.validation_alias or name)
                    for name, f in cls.model_fields.items()
                )
        else:
            return None
        node = tree
        while isinstance(node, tuple):
            node = node[1] if node[0] in keys else node[2]
        return node  # type: ignore[no-any-return]

    return tag


# -- object-level keywords -------------------------------------------------------


def present_keys(model: BaseModel) -> set[str]:
    """The JSON property names present in a validated model."""
    fields = type(model).model_fields
    keys = {
        str(fields[name].validation_alias or name)
        for name in model.model_fields_set
        if name in fields  # extra properties are in the set too, by their own name
    }
    keys.update(model.model_extra or ())
    return keys


def check_object(
    model: BaseModel,
    dependent_required: Iterable[tuple[str, Iterable[str]]] = (),
    min_properties: int | None = None,
    max_properties: int | None = None,
) -> None:
    """``dependentRequired``, ``minProperties`` and ``maxProperties`` of an object."""
    keys = present_keys(model)
    for key, needed in dependent_required:
        if key in keys:
            missing = [n for n in needed if n not in keys]
            if missing:
                raise fail(
                    "dependent_required",
                    "{missing} to be present (required when {key} is)",
                    key=key,
                    missing=", ".join(missing),
                )
    if min_properties is not None and len(keys) < min_properties:
        raise fail(
            "min_properties",
            "at least {limit} properties",
            limit=min_properties,
        )
    if max_properties is not None and len(keys) > max_properties:
        raise fail(
            "max_properties",
            "at most {limit} properties",
            limit=max_properties,
        )
