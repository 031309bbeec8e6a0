"""Python source text helpers for the renderer: literals, docstrings, line layout.

Output must already be what ``ruff format`` would write, without running it: an
expression is laid out on one line when it fits in 88 columns, else exploded one
item a line with a magic trailing comma (recursively), as ruff does.
"""

from __future__ import annotations

from typing import Any, NamedTuple

LINE_LENGTH = 88

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(ch: str, quote: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ch == quote:
        return "\\" + ch
    code = ord(ch)
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF or not ch.isprintable():
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return ch


def py_str(text: str) -> str:
    """A Python string literal, quoted as ruff prefers (double unless more escapes)."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    if text.isascii() and text.isprintable():  # only \\ and the quote to escape
        return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote
    return quote + "".join(_escape_char(c, quote) for c in text) + quote


def py_literal(value: Any) -> str:
    """Python source for a JSON value."""
    if value is None:
        return "None"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{py_str(k)}: {py_literal(v)}" for k, v in value.items())
        return "{" + items + "}"
    raise TypeError(f"not a JSON value: {value!r}")


def docstring(text: str, indent: str) -> str:
    """A docstring at ``indent``, escaped so that schema text can never end it."""
    text = text.strip()
    if text.isascii() and text.replace("\n", "").isprintable():
        body = text.replace("\\", "\\\\")  # the one escape such text needs
    else:
        body = "".join(
            "\\\\" if c == "\\" else _escape_char(c, "") if c not in "\n" else c
            for c in text
        )
    body = body.replace('"""', '\\"\\"\\"')
    lines = [line.rstrip() for line in body.split("\n")]
    rest = [line for line in lines[1:] if line]
    common = min((len(line) - len(line.lstrip(" ")) for line in rest), default=0)
    lines[1:] = [line[common:] for line in lines[1:]]
    if len(lines) == 1:
        line = lines[0]
        if line.endswith('"'):
            line += " "
        return f'{indent}"""{line}"""'
    out = [f'{indent}"""{lines[0]}']
    out += [f"{indent}{line}" if line else "" for line in lines[1:]]
    out.append(f'{indent}"""')
    return "\n".join(out)


class Group(NamedTuple):
    """``head`` item, item, ... ``tail``: a call, subscript or literal (may explode).

    Named tuples, as :class:`Union` and ``render.Typed``: made for every field of
    every model, and a tuple is made in C where a frozen dataclass's ``__init__``
    sets each attribute through ``object.__setattr__``."""

    head: str
    items: tuple[Expr, ...]
    tail: str


class Union(NamedTuple):
    """``a | b | c``: split before each ``|`` when too long, as ruff does."""

    items: tuple[Expr, ...]


Expr = str | Group | Union


def flat(expr: Expr) -> str:
    if isinstance(expr, str):
        return expr
    if isinstance(expr, Union):
        return " | ".join([flat(i) for i in expr.items])
    return expr.head + ", ".join([flat(i) for i in expr.items]) + expr.tail


def layout(
    expr: Expr, indent: int, prefix_len: int, suffix_len: int = 0, nested: bool = False
) -> str:
    """Render ``expr`` starting at column ``prefix_len``, the line indented ``indent``.

    ``nested`` is true inside brackets, where a long union splits without
    parentheses of its own.
    """
    one = flat(expr)
    if isinstance(expr, str) or prefix_len + len(one) + suffix_len <= LINE_LENGTH:
        return one
    if isinstance(expr, Union):
        if nested:
            pad = " " * indent
            parts = [layout(expr.items[0], indent, indent, 0, True)]
            for item in expr.items[1:]:
                parts.append(pad + "| " + layout(item, indent, indent + 2, 0, True))
            return "\n".join(parts)
        inner = indent + 4
        body = layout(expr, inner, inner, 0, True)
        return "(\n" + " " * inner + body + "\n" + " " * indent + ")"
    inner = indent + 4
    pad = " " * inner
    lines = [expr.head]
    for item in expr.items:
        lines.append(pad + layout(item, inner, inner, 1, True) + ",")
    lines.append(" " * indent + expr.tail)
    return "\n".join(lines)
