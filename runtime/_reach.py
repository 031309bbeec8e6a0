"""The part of a schema document that one contract reaches, for jsonschema-rs.

The compiled check (``runtime._fastcheck``) gave jsonschema-rs a registry of the
whole schema file for every contract: for the GitHub webhook bundle, 629 kB of
JSON rewritten (patterns, formats) and copied into Rust before the first message
was judged (about 12 ms), though one event's action reaches 24 kB of it.
:func:`reached_document` gives the document with what a contract's subschema
reaches by ``$ref``, and nothing else, each part at its own JSON pointer: a
contract's references find what they found in the whole file, and a validator
compiled against it gives the same verdicts.

Only where that is surely all jsonschema-rs would look at (:func:`prunable` and
``None`` from :func:`reached_document` otherwise, and the whole file is used): the
file declares no ``$id`` but at its root, no ``$anchor``, no dynamic or recursive
anchor or reference, and no ``\\u`` escape (which could spell one); every
``$ref`` met in the reached part is a JSON pointer into the same file, naming a
subschema through schema keywords only (not through ``patternProperties``, whose
keys the rewrite changes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from runtime.jsonpointer import pointer_tokens

# Where a schema holds subschemas (both drafts): one, a list, or a map of them
# (runtime._fastcheck rewrites them too).
ONE = frozenset(
    {
        "additionalProperties", "unevaluatedProperties", "unevaluatedItems",
        "contains", "propertyNames", "not", "if", "then", "else", "additionalItems",
        "contentSchema", "items",
    }
)  # fmt: skip
LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems", "items"})
MAP = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
     "dependencies"}
)  # fmt: skip
# patternProperties is left out here: its keys are rewritten (Rust's regex syntax).
_MAP = MAP - {"patternProperties"}

# Text that may change what a JSON pointer reference resolves to, or makes a
# reference that is not one: the file is then used whole.
_UNSAFE = (
    '"$anchor"', "dynamicAnchor", "dynamicRef", "recursiveAnchor", "recursiveRef",
    "\\u",
)  # fmt: skip

Tokens = tuple[str, ...]


def unsafe(text: str) -> bool:
    """Whether the text holds one of :data:`_UNSAFE`, in four scans instead of
    six (each is 0.2-0.6 ms over the webhooks' 630 kB): the dynamic words share
    "dynamic", the recursive ones "recursive"."""
    if "\\u" in text or '"$anchor"' in text:
        return True
    if "dynamic" in text and ("dynamicAnchor" in text or "dynamicRef" in text):
        return True
    return "recursive" in text and ("recursiveAnchor" in text or "recursiveRef" in text)


def prunable(text: str, contents: Any) -> bool:
    """Whether a schema file (its JSON ``text``, parsed ``contents``) resolves
    every reference by JSON pointer alone: no ``$id`` but one at its root, no
    anchor of any kind, no dynamic or recursive reference, no ``\\u`` escape."""
    if unsafe(text):
        return False
    rooted = isinstance(contents, dict) and "$id" in contents
    return text.count('"$id"') == (1 if rooted else 0)


def reached_document(
    contents: Any,
    fragment: str,
    rewrite: Callable[[Any], Any],
    rewritten: dict[Tokens, Any],
) -> Any:
    """The document ``contents`` with only the subschema at ``fragment`` (a JSON
    pointer, as in a URI fragment) and the subschemas it reaches by ``$ref``, each
    passed through ``rewrite`` (cached in ``rewritten``, by pointer, for the other
    contracts of the file), at their own pointers; a list on the way to one keeps
    its length, its other items ``true``. ``None`` where that cannot be sure to
    be all a validator of the fragment looks at (see the module's text), or the
    fragment reaches the whole document."""
    try:
        start = tuple(pointer_tokens(fragment, fragment=True))
    except ValueError:
        return None
    targets: dict[Tokens, Any] = {}
    todo = [start]
    while todo:
        tokens = todo.pop()
        if tokens in targets:
            continue
        if not tokens:
            return None  # the root: the whole document
        node = _schema_at(contents, tokens)
        if node is None:
            return None
        targets[tokens] = node
        for ref in _references(node):
            if not ref.startswith("#/"):
                return None  # another file, an anchor, or the root ("#")
            todo.append(tuple(pointer_tokens(ref[1:], fragment=True)))
    out: dict[str, Any] = {}
    if isinstance(contents, dict) and "$id" in contents:
        out["$id"] = contents["$id"]
    kept: set[Tokens] = set()
    for tokens in sorted(targets, key=len):
        if any(tokens[:i] in kept for i in range(1, len(tokens))):
            continue  # inside a subschema kept whole
        kept.add(tokens)
        value = rewritten.get(tokens)
        if value is None:
            value = rewritten[tokens] = rewrite(targets[tokens])
        _insert(out, contents, tokens, value)
    return out


def _schema_at(contents: Any, tokens: Tokens) -> Any:
    """The subschema at ``tokens``, reached through schema keywords only, or
    ``None``."""
    node = contents
    i = 0
    while i < len(tokens):
        if not isinstance(node, dict):
            return None
        key = tokens[i]
        value = node.get(key)
        if key in _MAP and isinstance(value, dict) and i + 1 < len(tokens):
            node = value.get(tokens[i + 1])
            i += 2
        elif key in LIST and isinstance(value, list) and i + 1 < len(tokens):
            index = _index(tokens[i + 1], len(value))
            if index is None:
                return None
            node = value[index]
            i += 2
        elif key in ONE and isinstance(value, dict | bool):
            node = value
            i += 1
        else:
            return None
    return node if isinstance(node, dict | bool) else None


def _index(token: str, length: int) -> int | None:
    if not token.isdigit() or (token != "0" and token.startswith("0")):
        return None
    index = int(token)
    return index if index < length else None


def _references(node: Any) -> Iterator[str]:
    """Every string ``$ref`` below ``node``, in data too (``const``, ``enum``:
    more than needed, never less)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "$ref" and isinstance(value, str):
                    yield value
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))


def _insert(out: dict[str, Any], contents: Any, tokens: Tokens, value: Any) -> None:
    """Put ``value`` at ``tokens`` in ``out``, making the objects and lists on the
    way as ``contents`` has them (a list: its length, ``true`` elsewhere)."""
    source: Any = contents
    target: Any = out
    for i, token in enumerate(tokens):
        key: Any = int(token) if isinstance(source, list) else token
        if i == len(tokens) - 1:
            target[key] = value
            return
        source = source[key]
        existing = target[key] if isinstance(target, list) else target.get(key)
        if not isinstance(existing, dict | list):
            existing = [True] * len(source) if isinstance(source, list) else {}
            target[key] = existing
        target = existing
