"""``meta_documents`` skips the walk of a document whose text shows it names no
meta-schema (codegen/compiler/metaschemas.py): the same meta-schemas are found
as with every document walked, on every schema file of the repository and on
documents made to defeat the shortcut."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen.compiler import metaschemas
from codegen.compiler.load import Document, load_all

REPO = Path(__file__).resolve().parent.parent
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _walked(documents: list[Document], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with monkeypatch.context() as patch:
        patch.setattr(metaschemas, "_names_no_meta_schema", lambda d: False)
        return [d.path for d in metaschemas.meta_documents(documents)]


def _doc(path: str, value: object, text: str | None = None) -> Document:
    raw = (text if text is not None else json.dumps(value)).encode()
    return Document(path, json.loads(raw), "2020-12", raw)


def test_the_same_meta_schemas_on_every_schema_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folders = {p.parent for p in REPO.glob("tests/golden/*/schemas/**/*.json")}
    folders |= {p.parent for p in REPO.glob("benchmarks/corpora/**/*.json")}
    folders.add(REPO / "schemas")
    skipped = found = 0
    for folder in sorted(folders):
        documents, _ = load_all(folder)
        skipped += sum(map(metaschemas._names_no_meta_schema, documents))
        fast = [d.path for d in metaschemas.meta_documents(documents)]
        assert fast == _walked(documents, monkeypatch), folder
        found += len(fast)
    assert skipped > 50 and found > 0  # both ways were taken


@pytest.mark.parametrize(
    ("value", "text", "shortcut"),
    [
        ({"$schema": DRAFT, "properties": {"a": {"$ref": "#/$defs/x"}}}, None, True),
        ({"$schema": DRAFT, "allOf": [{"$ref": DRAFT}]}, None, False),
        (
            {"$schema": DRAFT, "allOf": [{"$ref": DRAFT}]},
            '{"$schema": "' + DRAFT + '", "allOf": [{"$ref": '
            '"https://json\\u002dschema.org/draft/2020-12/schema"}]}',
            False,
        ),
        (
            {"$schema": DRAFT, "$defs": {"m": {"$id": "https://json-schema.org/x"}}},
            None,
            False,
        ),
        ({"allOf": [{"$ref": DRAFT}]}, None, False),
    ],
)
def test_a_document_naming_a_meta_schema_is_walked(
    value: object, text: str | None, shortcut: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _doc("a.json", value, text)
    assert metaschemas._names_no_meta_schema(doc) is shortcut
    fast = [d.path for d in metaschemas.meta_documents([doc])]
    assert fast == _walked([doc], monkeypatch)
    refs_draft = "allOf" in doc.contents
    assert bool(fast) is refs_draft
