"""The schema files a contract of a generated package reaches, from its manifest.

``manifest.json`` lists, once per schema file, the other files its ``$ref`` s name
directly (``"references"``); the files a contract reaches are the closure of its
file over that table, its own file included. Manifests of earlier toolkits listed
the closure in each contract's entry (``"documents"``, one path per file reached:
quadratic in a chain of references); such an entry is still read as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def reached_files(references: Mapping[str, Sequence[str]], file: str) -> list[str]:
    """``file`` and every file its references reach, sorted (an explicit stack: a
    chain of references thousands of files long is no recursion)."""
    seen = {file}
    stack = [file]
    while stack:
        for target in references.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return sorted(seen)


def contract_documents(
    manifest: Mapping[str, Any], entry: Mapping[str, Any]
) -> list[str]:
    """The schema files the contract of a manifest ``entry`` reaches, its own file
    included, sorted."""
    listed = entry.get("documents")
    if listed is not None:  # a manifest of an earlier toolkit
        return [str(path) for path in listed]
    file = str(entry["contract"]).partition("#")[0]
    references = manifest.get("references")
    return reached_files(references if isinstance(references, Mapping) else {}, file)


def known_documents(
    manifest: Mapping[str, Any], entry: Mapping[str, Any]
) -> list[str] | None:
    """:func:`contract_documents`, or None for a manifest that lists neither the
    files' references nor the entry's documents (which files it reaches is then
    not known)."""
    if entry.get("documents") is None and not isinstance(
        manifest.get("references"), Mapping
    ):
        return None
    return contract_documents(manifest, entry)
