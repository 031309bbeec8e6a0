"""A generated package's schema files, read and parsed once for every checker.

Apart from runtime/_fastcheck.py, which imports jsonschema-rs: wording a refusal
reads the schema files (runtime/_errorwalk.py, runtime/_union_report.py) and need
not import the compiled check (see ``ContractValidator._compiled_first``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import orjson

# A package's schema files: each one's path (below ``schemas/``), JSON text and
# parsed value.
SchemaFiles = list[tuple[str, str, Any]]


def schema_files(package: str) -> SchemaFiles:
    """A package's schema files, in path order, read and parsed once for all the
    checkers of a package (none of them changes a parsed value): the GitHub
    webhook bundle is 629 kB of JSON."""
    root = files(package).joinpath("schemas")
    return [(path, text, _parsed(data, text)) for path, data, text in _walk(root, "")]


# A run of 19 digits or more: orjson makes an integer beyond 64 bits a float, where
# the standard library keeps it exact (runtime.contracts.orjson_value's test).
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19


def _parsed(data: bytes, text: str) -> Any:
    """``json.loads(text)``, by orjson where it gives the same value (1.5-2 ms
    less for the webhooks' 630 kB on a first refusal): not with a long run of
    digits, nor where orjson refuses what the standard library may take (NaN,
    a lone surrogate, 1e400); the standard library decides those."""
    if _LONG_RUN not in data.translate(_DIGITS):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def _walk(node: Any, prefix: str) -> Iterator[tuple[str, bytes, str]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, rel + "/")
        elif child.name.endswith(".json"):
            data = child.read_bytes()
            text = data.decode("utf-8")
            if "\r" in text:  # as read_text's universal newlines
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            yield rel, data, text


# A union's keywords, or an escape that could spell one in a key.
_UNION_WORDS = ("oneOf", "anyOf", "\\u")


def union_free(
    package: str, paths: list[str] | None, loaded: SchemaFiles | None
) -> bool:
    """Whether none of the schema files ``paths`` (those a contract reaches; None:
    not known) holds a ``oneOf`` or ``anyOf``, nor a ``\\u`` escape: a refusal of
    the contract has no union to explain then, and the union report, which reads
    and parses every schema file of the package, need not be built (the synthetic
    set's 121 files, 654 kB: 6 ms of a first refusal). The texts are the files
    ``loaded`` already, else each file's own."""
    if paths is None:
        return False
    texts = {path: text for path, text, _ in loaded or ()}
    root = files(package).joinpath("schemas")
    for path in paths:
        text = texts.get(path)
        if text is None:
            node = root.joinpath(*path.split("/"))
            if not node.is_file():
                return False
            text = node.read_bytes().decode("utf-8")
        if any(word in text for word in _UNION_WORDS):
            return False
    return True
