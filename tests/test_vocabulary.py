"""Unknown keywords are annotations; likely typos and the strict setting are errors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from codegen.api import annotation_summary, generate
from codegen.compiler.scan import check_document
from codegen.compiler.vocabulary import likely_typo
from codegen.emit import Settings
from codegen.errors import CompileError
from tests.test_regressions import verdicts

DRAFT7 = "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize(
    ("key", "draft", "meant"),
    [
        ("requried", "2020-12", "required"),
        ("requird", "2020-12", "required"),
        ("maxLenght", "2020-12", "maxLength"),
        ("additionalProperty", "7", "additionalProperties"),
        ("MinLength", "2020-12", "minLength"),
        ("patternproperties", "7", "patternProperties"),
        ("exclusiveMinimun", "2020-12", "exclusiveMinimum"),
        ("item", "2020-12", "items"),
        ("enums", "7", "enum"),
        # not typos: vendor annotations, near misses of annotations, other drafts
        ("markdownDescription", "7", None),
        ("tsAdditionalProperties", "7", None),  # a vendor prefix, not a typo
        ("deprecationMessage", "7", None),
        ("ignoreCase", "7", None),
        ("example", "2020-12", None),  # of `examples`, an annotation: no verdict
        ("readonly", "2020-12", None),
        ("id", "7", None),
        ("nullable", "2020-12", None),
        ("discriminator", "2020-12", None),
        ("deprecated", "7", None),
        ("prefixItems", "7", None),
        ("dependencies", "2020-12", None),
        ("x-requried", "2020-12", None),
        ("required", "2020-12", None),  # known
    ],
)
def test_likely_typo_table(key: str, draft: Any, meant: str | None) -> None:
    assert likely_typo(key, draft) == meant


def _write(folder: Path, files: dict[str, Any]) -> Path:
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(content))
    return folder


FOREIGN = {
    "$schema": DRAFT7,
    "title": "Config",
    "type": "object",
    "markdownDescription": "**the** config",
    "properties": {
        "name": {"type": "string", "doNotSuggest": True, "ignoreCase": "all"},
        "tags": {"type": "array", "prefixItems": [{"type": "integer"}]},
    },
    "unevaluatedProperties": False,  # a 2019-09+ keyword: draft-07 ignores it
    "dependentRequired": {"name": ["tags"]},
}


def test_unknown_keywords_are_annotations_without_effect(
    tmp_path: Path, clean_modules: None
) -> None:
    docs = [
        {"name": "a", "tags": ["not an integer"], "other": 1},  # valid: annotations
        {"name": 3},  # invalid: a real constraint still applies
    ]
    got = verdicts(tmp_path, {"c.json": FOREIGN}, "c.json", docs, "voc_annot")
    assert got == [True, False]
    program = generate(tmp_path / "schemas").program
    assert program.annotations == (
        ("dependentRequired", 1),
        ("doNotSuggest", 1),
        ("ignoreCase", 1),
        ("markdownDescription", 1),
        ("prefixItems", 1),
        ("unevaluatedProperties", 1),
    )
    assert annotation_summary(program, shown=2) == (
        "ignored 6 unknown keyword(s) as annotations: dependentRequired (1),"
        " doNotSuggest (1) and 4 more name(s) (--strict refuses them)"
    )


def test_the_bundle_keeps_annotations(tmp_path: Path) -> None:
    files = generate(_write(tmp_path, {"c.json": FOREIGN})).files
    bundled = json.loads(files["ts/schemas/c.json"])
    assert bundled["markdownDescription"] == "**the** config"


def test_strict_refuses_unknown_keywords_with_a_hint(tmp_path: Path) -> None:
    _write(tmp_path, {"c.json": FOREIGN})
    with pytest.raises(CompileError) as info:
        generate(tmp_path, Settings(strict=True))
    shown = {e.pointer: (e.code, e.hint) for e in info.value.errors}
    assert len(shown) == 6 and {c for c, _ in shown.values()} == {"unknown-keyword"}
    assert shown["/markdownDescription"][1] == (
        "the strict setting refuses unknown keywords;"
        " custom annotations must start with 'x-'"
    )
    assert shown["/unevaluatedProperties"][1] == (
        "'unevaluatedProperties' is a keyword of draft 2020-12, not of draft 7;"
        " the strict setting refuses unknown keywords"
    )


def test_a_typo_is_an_error_even_when_not_strict(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string", "maxLenght": 3}},
        "requried": ["a"],
        "x-requried": "an extension: fine",
    }
    _write(tmp_path, {"t.json": schema})
    with pytest.raises(CompileError) as info:
        generate(tmp_path)
    assert [str(e) for e in info.value.errors] == [
        "t.json#/properties/a/maxLenght: unknown keyword 'maxLenght' for draft"
        " 2020-12 [unknown-keyword]\n  hint: did you mean 'maxLength'? an unknown"
        " keyword is only an annotation, so this one would not be checked;"
        " name it 'x-maxLenght' if it is one",
        "t.json#/requried: unknown keyword 'requried' for draft 2020-12"
        " [unknown-keyword]\n  hint: did you mean 'required'? an unknown keyword"
        " is only an annotation, so this one would not be checked; name it"
        " 'x-requried' if it is one",
    ]


def test_check_document_counts_only_what_it_keeps() -> None:
    counted: Counter[str] = Counter()
    schema = {"title": "T", "fileMatch": ["a"], "x-tool": 1, "requried": []}
    errors = check_document("a.json", schema, "2020-12", False, counted)
    assert [e.pointer for e in errors] == ["/requried"]
    assert counted == Counter({"fileMatch": 1})


def test_a_ref_to_an_official_meta_schema_resolves_offline(tmp_path: Path) -> None:
    """The meta-schemas ship with the compiler (draft-07, 2020-12 and its
    vocabularies); other drafts' stay remote references with a hint. Verdicts
    in both runtimes: tests/golden/meta_schema_refs/samples.json."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "input": {"$ref": "http://json-schema.org/draft-07/schema#"},
            "output": {"$ref": "https://json-schema.org/draft/2020-12/schema"},
        },
    }
    program = generate(_write(tmp_path, {"tool.json": schema})).program
    assert [m.source for m in program.modules] == [
        "tool.json",
        "json-schema.org/draft-07/schema.json",
        *(
            f"json-schema.org/draft/2020-12/meta/{v}.json"
            for v in (
                "applicator", "content", "core", "format-annotation", "meta-data",
                "unevaluated", "validation",
            )
        ),
        "json-schema.org/draft/2020-12/schema.json",
    ]  # fmt: skip
    schema["properties"]["old"] = {
        "$ref": "https://json-schema.org/draft/2019-09/schema"
    }
    _write(tmp_path, {"tool.json": schema})
    with pytest.raises(CompileError) as info:
        generate(tmp_path)
    (error,) = info.value.errors
    assert error.code == "remote-ref" and error.hint.startswith(
        "the meta-schemas of draft-07 and 2020-12 (and its vocabularies) ship with"
        " the compiler; other drafts' do not: save"
        " https://json-schema.org/draft/2019-09/schema into the schemas folder"
        " (as schema.json, say)"
    )
