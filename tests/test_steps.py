"""A model read without the steps the full check has decided (runtime/_steps.py).

Format steps go everywhere but inside a union's choices, where a choice that
refuses a value for its format must still refuse it: the union would otherwise
take another choice and the typed value would change. Pattern steps go
everywhere, as before.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import TypeAdapter
from pydantic_core import SchemaValidator

from runtime._dispatch import Built
from runtime._steps import _nodes, without_steps
from runtime.support import Model, Str, format_, pattern
from runtime.support.formats import FORMAT_STEP
from runtime.support.patterns import PATTERN_STEP

STEPS = frozenset({PATTERN_STEP}), frozenset({FORMAT_STEP})


class Link(Model):
    href: Annotated[Str, format_("uri")]


class Name(Model):
    href: Annotated[Str, pattern("^n")]
    note: Annotated[Str, format_("uri-reference")] | None = None


class Leaf(Model):
    at: Annotated[Str, format_("date")]


class Mid(Model):
    leaf: Leaf


class Page(Model):
    when: Annotated[Str, format_("date-time")]
    code: Annotated[Str, pattern("^[a-z]+$")]
    email: Annotated[Str, format_("email")] | None = None  # no fast pattern
    target: Link | Name  # a union told apart by a format only
    links: list[Link] = []
    # a union's choice that reaches a format through two references
    pick: Mid | Name | None = None
    mids: list[Mid] = []
    leaves: list[Leaf] = []


def marked(schema: Any, marker: str) -> int:
    return sum(
        isinstance(node.get("metadata"), dict) and marker in node["metadata"]
        for node in _nodes(schema)
    )


def stripped() -> tuple[TypeAdapter[Page], SchemaValidator, Any]:
    """The model's adapter, its validator without the steps (as the runtime builds
    it: runtime._dispatch.Built), and that validator's core schema."""
    seen: list[Any] = []

    def without(schema: Any) -> Any:
        seen.append(without_steps(schema, *STEPS))
        return seen[-1]

    built = Built(Page, without)
    return built.adapter, built.unpatterned, seen[0]


def test_format_steps_go_outside_unions_only() -> None:
    adapter, _, schema = stripped()
    assert marked(adapter.core_schema, FORMAT_STEP) == 5  # Link, Leaf once each
    assert marked(adapter.core_schema, PATTERN_STEP) == 2
    assert marked(schema, PATTERN_STEP) == 0
    # Link's, Name's and Leaf's formats (in the unions' choices, by reference for
    # Link and, through Mid, for Leaf) stay; ``when`` and ``email`` go
    assert marked(schema, FORMAT_STEP) == 3


def test_the_typed_value_is_the_models() -> None:
    adapter, validator, _ = stripped()
    for text in (
        b'{"when": "2024-01-01T00:00:00Z", "code": "ab", "target": {"href": "n1"}}',
        b'{"when": "2024-01-01T00:00:00Z", "code": "ab",'
        b' "target": {"href": "http://x"}, "links": [{"href": "http://y"}]}',
        b'{"when": "2024-01-01T00:00:00Z", "code": "ab", "email": "a@b.c",'
        b' "target": {"href": "n:1", "note": "#/a"}}',
        b'{"when": "2024-01-01T00:00:00Z", "code": "ab", "target": {"href": "n1"},'
        b' "pick": {"leaf": {"at": "not a date"}, "href": "n2"}}',
        b'{"when": "2024-01-01T00:00:00Z", "code": "ab", "target": {"href": "n1"},'
        b' "pick": {"leaf": {"at": "2024-02-29"}}, "mids": [], "leaves": []}',
    ):
        whole = adapter.validate_json(text)
        fast = validator.validate_json(text)
        assert type(fast.target) is type(whole.target)
        assert type(fast.pick) is type(whole.pick)
        assert fast == whole


def test_without_the_steps_nothing_of_them_is_checked() -> None:
    """What the full check must have refused already goes through."""
    _, validator, _ = stripped()
    page = validator.validate_json(
        b'{"when": "yesterday", "code": "AB", "email": "nobody",'
        b' "target": {"href": "n1"}}'
    )
    assert (page.when, page.code, page.email) == ("yesterday", "AB", "nobody")
    assert type(page.target) is Name
