"""Stage 1: find and parse the schema files of a folder.

Reads ``*.json`` below the schemas folder (the catalogue ``catalog.json`` at its
top excepted), in a sorted order, and parses each strictly: duplicate keys,
``NaN``/``Infinity`` and malformed JSON are errors with a line and column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.compiler.vocabulary import Draft, draft_of
from codegen.errors import CompileError, ContractError

CATALOG_FILE = "catalog.json"


@dataclass(frozen=True)
class Document:
    """One parsed schema file. ``path`` is relative to the schemas folder (POSIX)."""

    path: str
    contents: Any
    draft: Draft
    text: bytes


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    result = {}  # name the first key that repeats
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {json.dumps(key)}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: bytes, file: str) -> Any:
    """Parse strict JSON, or raise :class:`CompileError` with the position."""
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CompileError(
            [ContractError(file, "", "bad-json", f"not UTF-8 text: {exc.reason}")]
        ) from None
    try:
        return json.loads(
            decoded, object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except json.JSONDecodeError as exc:
        message = f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise CompileError([ContractError(file, "", "bad-json", message)]) from None
    except ValueError as exc:
        raise CompileError(
            [ContractError(file, "", "bad-json", f"malformed JSON: {exc}")]
        ) from None
    except RecursionError:
        raise CompileError(
            [ContractError(file, "", "bad-json", "JSON nested too deeply")]
        ) from None


def schema_files(root: Path) -> list[Path]:
    """The schema files below ``root``, sorted by relative POSIX path."""
    files = []
    for path in root.rglob("*.json"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if rel.as_posix() == CATALOG_FILE:
            continue
        files.append(path)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def load_all(root: Path) -> tuple[list[Document], list[ContractError]]:
    """Parse what can be parsed below ``root``, and list what cannot."""
    if not root.is_dir():
        raise CompileError(
            [ContractError(str(root), "", "no-schemas", "schemas folder not found")]
        )
    real_root = root.resolve()
    documents: list[Document] = []
    errors: list[ContractError] = []
    files = schema_files(root)
    if not files:
        raise CompileError(
            [
                ContractError(
                    str(root), "", "no-schemas", "no *.json schema files in folder"
                )
            ]
        )
    for path in files:
        rel = path.relative_to(root).as_posix()
        # rglob does not enter linked folders: only a linked file can lead out.
        if path.is_symlink() and not path.resolve().is_relative_to(real_root):
            errors.append(
                ContractError(
                    rel, "", "outside-root", "file links outside the schemas folder"
                )
            )
            continue
        text = path.read_bytes()
        try:
            contents = parse_json(text, rel)
        except CompileError as exc:
            errors.extend(exc.errors)
            continue
        draft = draft_of(contents)
        if draft is None:
            errors.append(
                ContractError(
                    rel,
                    "/$schema",
                    "unsupported-draft",
                    f"unsupported $schema {json.dumps(contents.get('$schema'))}",
                    "use https://json-schema.org/draft/2020-12/schema"
                    " or http://json-schema.org/draft-07/schema#",
                )
            )
            continue
        documents.append(Document(rel, contents, draft, text))
    return documents, errors
