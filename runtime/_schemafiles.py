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

# A package's schema files: each one's path (below ``schemas/``), JSON text and
# parsed value.
SchemaFiles = list[tuple[str, str, Any]]


def schema_files(package: str) -> SchemaFiles:
    """A package's schema files, in path order, read and parsed once for all the
    checkers of a package (none of them changes a parsed value): the GitHub
    webhook bundle is 629 kB of JSON."""
    root = files(package).joinpath("schemas")
    return [(path, text, json.loads(text)) for path, text in _walk(root, "")]


def _walk(node: Any, prefix: str) -> Iterator[tuple[str, str]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, rel + "/")
        elif child.name.endswith(".json"):
            yield rel, child.read_text(encoding="utf-8")
