"""A generated package's schema files, read and parsed once for every checker.

Apart from runtime/_fastcheck.py, which imports jsonschema-rs: wording a refusal
reads the schema files (runtime/_errorwalk.py, runtime/_union_report.py) and need
not import the compiled check (see ``ContractValidator._compiled_first``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
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
    for rel, child in _files(node, prefix):
        yield (rel, *_read(child))


def _files(node: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _files(child, rel + "/")
        elif child.name.endswith(".json"):
            yield rel, child


def _read(child: Any) -> tuple[bytes, str]:
    data = child.read_bytes()
    text = data.decode("utf-8")
    if "\r" in text:  # as read_text's universal newlines
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return data, text


class LazyDocuments(Mapping[str, Any]):
    """A package's schema files by path (in path order), each read and parsed
    as :func:`schema_files` parses it when first asked for: the union report of
    a refusal reads the files its contract reaches, not every file of the package
    (the synthetic set's 121 files, 654 kB: 6 ms)."""

    def __init__(self, package: str) -> None:
        self._files = dict(_files(files(package).joinpath("schemas"), ""))
        self._parsed: dict[str, Any] = {}

    def __getitem__(self, path: str) -> Any:
        if path not in self._parsed:
            data, text = _read(self._files[path])
            self._parsed[path] = _parsed(data, text)
        return self._parsed[path]

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


class LazyDrafts(Mapping[str, str]):
    """Each file's draft, as runtime._union_report.schema_documents reads it,
    from :class:`LazyDocuments` (a file is parsed only when asked about)."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self._documents = documents

    def __getitem__(self, path: str) -> str:
        doc = self._documents[path]
        seven = isinstance(doc, dict) and "draft-07" in str(doc.get("$schema", ""))
        return "7" if seven else "2020-12"

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)


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
