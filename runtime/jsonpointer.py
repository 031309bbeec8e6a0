"""JSON Pointer (RFC 6901): the one implementation the compiler and the runtime use.

A pointer is ``""`` (the whole document) or ``/``-separated reference tokens in
which ``~`` is written ``~0`` and ``/`` is written ``~1``. In a URI fragment
(``file.json#/a%20b``) the pointer is percent-encoded as well; ``fragment=True``
decodes that first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

__all__ = [
    "escape_token",
    "pointer_join",
    "pointer_of",
    "pointer_tokens",
    "resolve_pointer",
    "unescape_token",
]


def escape_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer_join(pointer: str, *tokens: str | int) -> str:
    """``pointer`` with reference tokens appended (escaped)."""
    for token in tokens:
        text = token if type(token) is str else str(token)
        if "~" in text or "/" in text:
            text = text.replace("~", "~0").replace("/", "~1")
        pointer += "/" + text
    return pointer


def pointer_of(tokens: Iterable[str | int]) -> str:
    """The pointer of a path of keys and indexes (``["a", 0]`` -> ``"/a/0"``)."""
    return pointer_join("", *tokens)


def pointer_tokens(pointer: str, *, fragment: bool = False) -> list[str]:
    """The unescaped reference tokens of a pointer (``"/a~1b/0"`` -> ``["a/b", "0"]``).

    Raises ``ValueError`` for text that is not a pointer (it must be empty or start
    with ``/``).
    """
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    tokens = pointer.split("/")[1:]
    if fragment:
        tokens = [unquote(t) for t in tokens]
    return [unescape_token(t) for t in tokens]


def resolve_pointer(document: Any, pointer: str, *, fragment: bool = False) -> Any:
    """The value ``pointer`` names in ``document``, stepping into objects and arrays.

    Raises ``LookupError`` (``KeyError`` or ``IndexError``) when it names nothing.
    """
    node = document
    for token in pointer_tokens(pointer, fragment=fragment):
        if isinstance(node, list):
            if not token.isdigit() or (token != "0" and token.startswith("0")):
                raise KeyError(token)
            node = node[int(token)]
        elif isinstance(node, dict):
            node = node[token]
        else:
            raise KeyError(token)
    return node
