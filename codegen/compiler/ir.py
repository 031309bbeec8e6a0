"""The intermediate representation: what both renderers see, and nothing else.

A :class:`Program` holds :class:`Module` s (one per schema file); a module holds
named declarations (:class:`ObjectDecl`, :class:`AliasDecl`); declarations use
type nodes (``IrType``). Every named type is declared once and referred to by
:class:`Ref`. Type nodes accept a superset of what their schema accepts; where they
are wider, the module lists the schema locations in ``Module.full_check`` so the
runtime adds a full JSON Schema check for that contract. Nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from runtime.support.kinds import JsonKind as JsonKind  # re-exported: IR vocabulary

JsonScalar = str | int | float | bool | None
JsonValue = JsonScalar | list["JsonValue"] | dict[str, "JsonValue"]
Number = int | float


class TypeName(NamedTuple):
    """A declared type: its module (dotted, relative to the package) and name.

    A named tuple, not a frozen dataclass: it is the key of every declaration
    table, and a tuple's hash and equality run in C (the dataclass's ``__hash__``
    built a tuple in Python at every lookup: 2% of ``generate``). Its hash and
    repr are the dataclass's."""

    module: str
    name: str


@dataclass(frozen=True)
class AnyT:
    """Any JSON value; ``exclude`` lists kinds rejected (for untyped schemas)."""

    exclude: frozenset[JsonKind] = frozenset()


@dataclass(frozen=True)
class NeverT:
    """No value is valid (the ``false`` schema)."""


@dataclass(frozen=True)
class NullT:
    pass


@dataclass(frozen=True)
class BoolT:
    pass


@dataclass(frozen=True)
class NumericT:
    """``integer`` (JSON numbers with no fraction, 5.0 included) or ``number``."""

    integer: bool
    minimum: Number | None = None
    maximum: Number | None = None
    exclusive_minimum: Number | None = None
    exclusive_maximum: Number | None = None
    multiple_of: Number | None = None


@dataclass(frozen=True)
class StrT:
    """A string; lengths count code points; ``pattern`` is searched, not matched."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    format: str | None = None


@dataclass(frozen=True)
class LiteralT:
    """One of these JSON scalars, compared as JSON does (1 == 1.0, true != 1)."""

    values: tuple[JsonScalar, ...]


@dataclass(frozen=True)
class ValuesT:
    """``enum``/``const`` with non-scalar values: the base type plus a value check."""

    base: IrType
    values: tuple[JsonValue, ...]


@dataclass(frozen=True)
class ArrayT:
    items: IrType
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False


@dataclass(frozen=True)
class MapT:
    """A JSON object used as a map from string keys to ``values``."""

    values: IrType
    min_properties: int | None = None
    max_properties: int | None = None
    keys: StrT | None = None  # propertyNames, when it constrains strings only


@dataclass(frozen=True)
class KeyLeaf:
    """Where a :class:`KeySplit` ends: the union members (indexes) left, told apart
    by the ``const`` tag property ``discriminator`` when there are several."""

    members: tuple[int, ...]
    discriminator: str | None = None


@dataclass(frozen=True)
class KeySplit:
    """Tells union members apart by whether an object has the property ``key``:
    every member on the ``present`` side requires it, every member on the
    ``absent`` side is closed and has no such property. So a value valid for a
    member is sent to that member (or to a leaf holding it), never elsewhere."""

    key: str
    present: KeySplit | KeyLeaf
    absent: KeySplit | KeyLeaf


@dataclass(frozen=True)
class UnionT:
    """Any one of ``members``; ``discriminator`` names the ``const`` tag property;
    ``split``, when there is no such tag, tells object members apart by the
    properties they require (a decision tree over which keys are present)."""

    members: tuple[IrType, ...]
    discriminator: str | None = None
    split: KeySplit | None = None


@dataclass(frozen=True)
class Ref:
    target: TypeName


IrType = (
    AnyT
    | NeverT
    | NullT
    | BoolT
    | NumericT
    | StrT
    | LiteralT
    | ValuesT
    | ArrayT
    | MapT
    | UnionT
    | Ref
)


@dataclass(frozen=True)
class Docs:
    """Annotations carried into docstrings and JSDoc."""

    title: str | None = None
    description: str | None = None
    deprecated: bool = False
    read_only: bool = False
    write_only: bool = False
    examples: tuple[JsonValue, ...] = ()


@dataclass(frozen=True)
class Default:
    value: JsonValue


class Field(NamedTuple):
    """A property of an object. ``required`` is about presence, not nullability.

    A named tuple, as :class:`TypeName`: one is made for every property of every
    object (a frozen dataclass set each of its six attributes through
    ``object.__setattr__``); equality and hash are the dataclass's."""

    json_name: str
    py_name: str
    type: IrType
    required: bool
    default: Default | None = None
    docs: Docs = Docs()


@dataclass(frozen=True)
class ObjectDecl:
    """A JSON object with known properties; ``extra`` is what other keys may hold.

    ``extra`` is ``None`` when no other key is allowed (``additionalProperties:
    false``), else the type of their values (``AnyT()`` when unconstrained).
    """

    name: TypeName
    source: str
    fields: tuple[Field, ...]
    extra: IrType | None
    docs: Docs = Docs()
    dependent_required: tuple[tuple[str, tuple[str, ...]], ...] = ()
    min_properties: int | None = None
    max_properties: int | None = None
    full_check: tuple[str, ...] = ()  # locations only the runtime's full check enforces


@dataclass(frozen=True)
class AliasDecl:
    """A named type that is not an object with properties (enum, union, scalar...)."""

    name: TypeName
    source: str
    type: IrType
    docs: Docs = Docs()
    full_check: tuple[str, ...] = ()


Decl = ObjectDecl | AliasDecl


@dataclass(frozen=True)
class MessageType:
    """``x-message`` of a contract: its dotted type and major version."""

    type: str
    version: int


@dataclass(frozen=True)
class Module:
    """Everything generated from one schema file."""

    name: str  # dotted, relative to the package: "agent.task_requested_v1"
    source: str  # schema file, relative to the schemas folder
    decls: tuple[Decl, ...]
    root: TypeName | None  # the contract's top-level type, None for defs-only files
    message: MessageType | None
    fingerprint: str
    full_check: tuple[str, ...] = ()  # "file#/pointer" locations Pydantic can't express
    imports: tuple[TypeName, ...] = field(default=())
    documents: tuple[str, ...] = ()  # the files it reaches, itself included (sorted)
    references: tuple[str, ...] = ()  # the other files its $refs name directly (sorted)


@dataclass(frozen=True)
class Bundle:
    """A schema file as bundled for runtime validators: ``$id`` set, refs absolute."""

    path: str
    uri: str
    draft: str
    schema: JsonValue
    # The Node engine of the file's contracts: "ajv", or "cfworker" where they reach
    # an unevaluated* shape Ajv gets wrong (codegen/compiler/nodelimits.py).
    engine: str = "ajv"


@dataclass(frozen=True)
class Contract:
    """What a message or a body can be validated against: a schema file's root type,
    or one of the file's top-level ``$defs``."""

    id: str  # "order/order_created.v1.json" or "common/money.json#/$defs/Money"
    type_name: TypeName
    message: MessageType | None  # the file's x-message, for its root type only
    fingerprint: str  # the file's fingerprint
    documents: tuple[str, ...]  # the files it reaches, itself included (sorted)
    full_check: tuple[str, ...]  # full-check locations of it and what it references


@dataclass(frozen=True)
class Program:
    modules: tuple[Module, ...]
    fingerprint: str
    bundles: tuple[Bundle, ...] = ()
    contracts: tuple[Contract, ...] = ()
    catalog: dict[str, Any] | None = None  # schemas/catalog.json, checked
    # Unknown keywords kept as annotations: (name, count), most frequent first.
    annotations: tuple[tuple[str, int], ...] = ()
    # Unknown formats kept as annotations (not asserted): (name, count), likewise.
    unknown_formats: tuple[tuple[str, int], ...] = ()


def refs_in(t: IrType) -> list[TypeName]:
    """The declared types a type node refers to, in order (repeats kept)."""
    out: list[TypeName] = []
    stack = [t]
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            out.append(node.target)
        elif isinstance(node, ArrayT):
            stack.append(node.items)
        elif isinstance(node, MapT):
            stack.append(node.values)
        elif isinstance(node, UnionT):
            stack.extend(reversed(node.members))
        elif isinstance(node, ValuesT):
            stack.append(node.base)
    return out


def decl_refs(decl: Decl) -> list[TypeName]:
    """The declared types a declaration refers to: its fields', then its extra's."""
    if isinstance(decl, ObjectDecl):
        out = [r for f in decl.fields for r in refs_in(f.type)]
        if decl.extra is not None:
            out += refs_in(decl.extra)
        return out
    return refs_in(decl.type)
