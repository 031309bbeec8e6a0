"""What lowering reads off one schema node: where it is (:class:`Ctx`), its
scalars, types and documentation, and the nesting bound of declarations."""

from __future__ import annotations

from typing import Any, NamedTuple

from codegen.compiler import ir
from codegen.compiler.resolve import Resolver
from codegen.compiler.vocabulary import Draft
from codegen.errors import ContractError

__all__ = [
    "MAX_NESTING",
    "Ctx",
    "docs_of",
    "int_or_none",
    "is_scalar",
    "scalar",
    "too_deep",
    "types_of",
]

# Declarations lowered inside one another (a $ref to a file not lowered yet is
# lowered on the spot, so a chain of references to later files nests): past this
# depth the schema is refused. Lowering recurses about ten Python frames per
# level; compile_documents makes that much room (graph.recursion_room).
MAX_NESTING = 10_000


def too_deep(ctx: Ctx, limit: int) -> ContractError:
    return ContractError(
        ctx.file,
        ctx.pointer,
        "ref-too-deep",
        f"declarations nest more than {limit:,} deep here (a chain of $refs"
        " through that many schemas, each lowered inside the one referring to it)",
        "shorten the chain of references between files",
    )


class Ctx(NamedTuple):
    """Where a schema node is: file, JSON pointer, resolver and draft.

    The resolver is already in the node's own ``$id`` scope (as ``referencing``
    returns it for a ``$ref`` target): a relative ``$id`` is applied once.
    """

    file: str
    pointer: str
    resolver: Resolver
    draft: Draft


def is_scalar(v: Any) -> bool:
    if isinstance(v, float):
        return v.is_integer()
    return v is None or isinstance(v, str | int | bool)


def scalar(v: Any) -> ir.JsonScalar:
    if isinstance(v, float):
        return int(v)  # 1.0 and 1 are the same JSON number
    value: ir.JsonScalar = v  # not typing.cast: a call per value
    return value


def types_of(node: dict[str, Any]) -> set[str] | None:
    t = node.get("type")
    if t is None:
        return None
    return {t} if isinstance(t, str) else set(t)


_NO_DOCS = ir.Docs()
_DOC_KEYWORDS = frozenset(
    {"title", "description", "deprecated", "readOnly", "writeOnly", "examples"}
)


def docs_of(node: Any) -> ir.Docs:
    # Most nodes carry none: they share one (frozen) empty Docs.
    if not isinstance(node, dict) or _DOC_KEYWORDS.isdisjoint(node):
        return _NO_DOCS
    examples = node.get("examples")
    return ir.Docs(
        title=node.get("title"),
        description=node.get("description"),
        deprecated=node.get("deprecated") is True,
        read_only=node.get("readOnly") is True,
        write_only=node.get("writeOnly") is True,
        examples=tuple(examples) if isinstance(examples, list) else (),
    )


def int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
