"""A big union's messages validated by their own branch, built on first use.

A contract whose type is a union told apart by a callable discriminator (the
compiler's ``_s.key_tag`` decision tree over the keys an object has) is, in
pydantic-core, a tagged union: the discriminator names one choice and the message
is validated by that choice alone. Building that union's validator builds every
choice (for a 66-event webhook root, about 600 models and most of a second), though
one message needs one. :class:`Branches` computes the tag the same way and builds
only the named choice's validator, on the first message that needs it.

The verdict is the union's: the union accepts a message exactly when the choice
its discriminator names accepts it, with the same value. A message the choice
refuses goes to the whole union (built then), so a refusal is reported in the
union's words, as before.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from functools import cached_property
from typing import Annotated, Any

from pydantic import Discriminator, Tag, TypeAdapter
from pydantic_core import SchemaValidator

from runtime._doomed import NOT_ASSERTING
from runtime.jsonpointer import resolve_pointer


def tagged_choices(
    python_type: Any,
) -> tuple[Callable[[Any], Any], dict[str, Any]] | None:
    """The discriminator and the choices by tag of ``Annotated[A | B | ...,
    Discriminator(f)]`` whose members are each ``Annotated[..., Tag(t)]``, or
    ``None`` for any other type (then there is nothing to dispatch)."""
    if typing.get_origin(python_type) is not Annotated:
        return None
    metadata = python_type.__metadata__
    if len(metadata) != 1 or not isinstance(metadata[0], Discriminator):
        return None
    discriminator = metadata[0].discriminator
    if not callable(discriminator):
        return None
    union = python_type.__origin__
    if typing.get_origin(union) not in (typing.Union, types.UnionType):
        return None
    choices: dict[str, Any] = {}
    for member in typing.get_args(union):
        if typing.get_origin(member) is not Annotated:
            return None
        tags = [m for m in member.__metadata__ if isinstance(m, Tag)]
        if len(tags) != 1 or tags[0].tag in choices:
            return None
        rest = tuple(m for m in member.__metadata__ if not isinstance(m, Tag))
        inner = member.__origin__
        choices[tags[0].tag] = Annotated[(inner, *rest)] if rest else inner
    return discriminator, choices


def core_schema_of(python_type: Any) -> tuple[Any, Any] | None:
    """The core schema and core config ``TypeAdapter(python_type)`` builds its
    validator with (a type without a config of its own, nor names to resolve in
    its caller's namespace: a generated model or a union of them), without
    building it; ``None`` where pydantic's schema generator (internal) is not
    there as in pydantic 2.11 to 2.14, or fails: the adapter then builds it, and
    raises what it raises."""
    try:
        from pydantic._internal._config import ConfigWrapper
        from pydantic._internal._generate_schema import GenerateSchema
        from pydantic._internal._namespace_utils import NsResolver
    except ImportError:  # pragma: no cover - another pydantic
        return None
    try:
        config = ConfigWrapper(None)
        generator = GenerateSchema(config, ns_resolver=NsResolver())
        schema = generator.clean_schema(generator.generate_schema(python_type))
        return schema, config.core_config(None)
    except Exception:  # the adapter reports it
        return None


class Built:
    """The validators of one type: pydantic-core's (:attr:`core`), the one
    without ``pattern`` steps (see ``ContractValidator.unpatterned``), and the
    adapter (:attr:`adapter`, built only when asked for). :attr:`core` is made
    from the core schema and config ``TypeAdapter`` would use, without building
    one: not wrapped for pydantic plugins (nor is :attr:`unpatterned`), and no
    look-up of them (importlib.metadata over every installed distribution's
    entry points, on the first validator pydantic builds: 10-12 ms in the dev
    venv)."""

    def __init__(self, python_type: Any, without_steps: Callable[[Any], Any]):
        self.python_type = python_type
        self._without_steps = without_steps
        self._config: Any = None  # the core config, when built without the adapter

    @cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.python_type)

    @cached_property
    def core(self) -> SchemaValidator:
        schema = self.core_schema
        if "adapter" not in self.__dict__:  # generated without the adapter
            return SchemaValidator(schema, self._config)
        return self.adapter.validator  # type: ignore[return-value]

    @cached_property
    def core_schema(self) -> Any:
        """The type's core schema, the adapter's. Before the adapter is built, it
        is generated alone (:func:`core_schema_of`), with the core config."""
        built = self.__dict__.get("adapter")
        if built is None:
            found = core_schema_of(self.python_type)
            if found is not None:
                schema, self._config = found
                return schema
            built = self.adapter
        schema = built.core_schema
        if not isinstance(schema, dict):  # deferred (defer_build): build it now
            built.rebuild(force=True)
            schema = built.core_schema
        return schema

    @cached_property
    def unpatterned(self) -> SchemaValidator:
        stripped = self._without_steps(self.core_schema)
        return self.core if stripped is None else SchemaValidator(stripped)


class Branches:
    """The choices of a tagged union, each built on the first message it takes."""

    def __init__(
        self,
        discriminator: Callable[[Any], Any],
        choices: dict[str, Any],
        without_steps: Callable[[Any], Any],
    ) -> None:
        self._discriminator = discriminator
        self._choices = choices
        self._without_steps = without_steps
        self._built: dict[str, Built] = {}

    def tag(self, instance: Any) -> Any:
        """The tag of the choice the union sends ``instance`` to (``None``: none)."""
        return self._discriminator(instance)

    def of(self, instance: Any) -> Built | None:
        """The built choice the union sends ``instance`` to, or ``None`` when it
        sends it nowhere (no tag: the union reports that)."""
        return self.of_tag(self._discriminator(instance))

    def of_tag(self, tag: Any) -> Built | None:
        """The built choice of a tag :meth:`tag` computed (``None``: none)."""
        if not isinstance(tag, str):
            return None
        built = self._built.get(tag)
        if built is None:
            choice = self._choices.get(tag)
            if choice is None:
                return None
            built = self._built[tag] = Built(choice, self._without_steps)
        return built

    def built_tags(self) -> list[str]:
        """The tags whose choice has been built so far (for tests)."""
        return sorted(self._built)


def union_members(document: Any, path: str, fragment: str) -> tuple[str, ...]:
    """The contracts (``file#/pointer``) that the schema at ``fragment`` of a
    file (``document``, its parsed JSON) is the ``oneOf`` or ``anyOf`` of, when
    that is all it asserts and each member is a ``$ref`` into the same file; else
    ``()``. The union accepts a message exactly when the member its keys name
    does (the compiler split it so: codegen/compiler/unions.py)."""
    try:
        node = resolve_pointer(document, fragment, fragment=True)
    except (LookupError, ValueError):
        return ()
    if not isinstance(node, dict):
        return ()
    asserting = set(node) - NOT_ASSERTING
    if len(asserting) != 1 or not asserting <= {"oneOf", "anyOf"}:
        return ()
    members = node[asserting.pop()]
    if not isinstance(members, list):
        return ()
    refs = [m.get("$ref") if isinstance(m, dict) and len(m) == 1 else None
            for m in members]  # fmt: skip
    if not all(isinstance(r, str) and r.startswith("#/") for r in refs):
        return ()
    return tuple(f"{path}{r}" for r in refs)
