"""The official meta-schemas, shipped with the compiler.

A ``$ref`` to a meta-schema (``http://json-schema.org/draft-07/schema#``,
``https://json-schema.org/draft/2020-12/schema`` or one of its vocabularies)
resolves offline: the meta-schemas come from the ``jsonschema-specifications``
package (MIT, the files the specification publishes) and join the compiled
folder as documents of their own, under ``json-schema.org/...`` (their ``$id``
names them, so the reference resolves to them like to any file of the folder).
Only those a document reaches are added. Meta-schemas of drafts the compiler does
not compile (2019-09 and older) are not added: a reference to one stays a
``remote-ref``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin

from codegen.compiler.load import Document
from codegen.compiler.vocabulary import draft_of

# The meta-schemas of the drafts compiled, by the URI their $id declares
# (without fragment), and where each is in jsonschema-specifications.
_PACKAGED = {
    "http://json-schema.org/draft-07/schema": "draft7/metaschema.json",
    "https://json-schema.org/draft/2020-12/schema": "draft202012/metaschema.json",
    **{
        f"https://json-schema.org/draft/2020-12/meta/{name}": (
            f"draft202012/vocabularies/{name}"
        )
        for name in (
            "core", "applicator", "unevaluated", "validation", "meta-data",
            "format-annotation", "content",
        )
    },
}  # fmt: skip
META_FOLDER = "json-schema.org"
_CONTAINERS = (dict, list)  # a tuple: `dict | list` is built anew at every call


def meta_path(uri: str) -> str:
    """The document path of the meta-schema with this URI."""
    rest = uri.split("://", 1)[1].removeprefix("json-schema.org/")
    return f"{META_FOLDER}/{rest}.json"


def _refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                    yield value
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _ids_and_refs(document: Document) -> tuple[list[str], list[str]]:
    """Every ``$id`` a document declares (embedded resources too), made absolute
    against the document's own (a rough reading: enough to see a meta-schema),
    and every reference it makes (as :func:`_refs` lists them), in one walk."""
    base = _base(document.contents, f"file:///schemas/{document.path}")
    ids: list[str] = []
    refs: list[str] = []
    stack = [document.contents]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("$id"), str):
                ids.append(urldefrag(urljoin(base, item["$id"])).url)
            for key, value in item.items():
                if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                    refs.append(value)
                elif isinstance(value, _CONTAINERS):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, _CONTAINERS))
    return ids, refs


def _local(base: str, ref: str) -> bool:
    """Whether ``ref`` certainly resolves to a ``file:`` URI (no scheme or host of
    its own against a ``file:`` base), so never to a packaged meta-schema."""
    return base.startswith("file:") and ":" not in ref and not ref.startswith("//")


def _base(document: Any, fallback: str) -> str:
    declared = document.get("$id") if isinstance(document, dict) else None
    return urljoin(fallback, declared) if isinstance(declared, str) else fallback


def _names_no_meta_schema(document: Document) -> bool:
    """Whether the document's text shows that none of its ``$id``s and ``$ref``s
    can be a packaged meta-schema's URI: each such URI holds "json-schema.org",
    and so would the ``$id`` or base it is resolved against; the text holds it
    once, in the root's ``$schema`` (which is no reference), and no ``\\u``
    escape could spell it otherwise."""
    contents, text = document.contents, document.text
    schema = contents.get("$schema") if isinstance(contents, dict) else None
    return (
        isinstance(schema, str)
        and _HOST in schema
        and text.count(_HOST_BYTES) == 1
        and b"\\u" not in text
    )


_HOST = "json-schema.org"
_HOST_BYTES = _HOST.encode()


def meta_documents(documents: list[Document]) -> list[Document]:
    """The meta-schemas the ``documents`` reach by ``$ref``, transitively (none
    the folder already holds under the same path)."""
    taken = {d.path for d in documents}
    declared: set[str] = set()
    pending: list[tuple[list[str], str]] = []
    for d in documents:
        if _names_no_meta_schema(d):
            continue  # most documents: no walk (events-1000: 41 -> 8 ms)
        ids, refs = _ids_and_refs(d)
        declared.update(ids)
        pending.append((refs, _base(d.contents, f"file:///schemas/{d.path}")))
    found: dict[str, Document] = {}
    while pending:
        refs, base = pending.pop()
        for ref in refs:
            if _local(base, ref):
                continue
            uri = urldefrag(urljoin(base, ref)).url
            if uri not in _PACKAGED or uri in found or uri in declared:
                continue  # not one of ours, or the folder has it (AsyncAPI embeds it)
            path = meta_path(uri)
            if path in taken:
                continue
            # Imported here: importlib.resources (tempfile, shutil, zipfile's
            # machinery) is ~5% of every run's imports, and few folders need it.
            from importlib.resources import files

            text = (
                files("jsonschema_specifications") / "schemas" / _PACKAGED[uri]
            ).read_bytes()
            meta = json.loads(text)
            draft = draft_of(meta)
            if draft is None:
                continue
            found[uri] = Document(path, meta, draft, text)
            pending.append((list(_refs(meta)), uri))
    return sorted(found.values(), key=lambda d: d.path)
