"""The first refused message pays for what it needs only, in the same words.

Wording a refusal builds the full check (runtime/_fullcheck.py) on first use.
Three costs of that first use are avoided where they buy nothing: the crawl of
the registry (a package with no embedded ``$id`` and no anchor has nothing to
find, and referencing crawls by itself on a lookup it misses), the six validator
classes of drafts the package does not use, and a second read and parse of the
schema files the compiled check has read already. Each is checked here against
what it stands for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import referencing.exceptions

import runtime._fullcheck
from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation
from runtime._errorwalk import identifies as _identifies  # what _fullcheck uses
from runtime._fastcheck import subschemas
from tests.conftest import GOLDEN, ROOT, package_name, sample_cases
from tests.test_wording_speed import _mutations


def _package(case: str, tmp_path: Path) -> str:
    package = package_name(GOLDEN / case)
    generate_to(GOLDEN / case / "schemas", tmp_path, Settings(python_package=package))
    sys.path.insert(0, str(tmp_path / "python"))
    return package


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type": "object"}', False),
        ('{"$id": "https://x.test/a.json", "type": "object"}', False),
        ('{"$id": "https://x.test/a.json#top"}', True),
        ('{"$defs": {"a": {"$id": "b.json"}}}', True),
        ('{"$id": "https://x.test/a.json", "$defs": {"a": {"$id": "b.json"}}}', True),
        ('{"$defs": {"a": {"$anchor": "here"}}}', True),
        ('{"$defs": {"a": {"$dynamicAnchor": "meta"}}}', True),
        ('{"$defs": {"a": {"$recursiveAnchor": true}}}', True),
        ('{"$defs": {"a": {"\\u0024anchor": "here"}}}', True),
        (
            '{"$defs": {"a": {"$schema": "http://json-schema.org/draft-04/schema#",'
            ' "id": "b.json"}}}',
            True,
        ),
        ('{"properties": {"id": {"type": "integer"}}}', False),
    ],
)
def test_a_crawl_is_needed_when_a_subschema_may_be_identified(
    text: str, expected: bool
) -> None:
    assert _identifies(text, json.loads(text)) is expected


def test_a_bundle_without_ids_or_anchors_is_not_crawled(
    tmp_path: Path, clean_modules: None
) -> None:
    package = _package("unions", tmp_path)
    checker = Contracts(package).full_checker
    assert checker.registry._uncrawled  # nothing to find: looked up as it is
    # A package whose subschemas carry $id and anchors is crawled up front.
    other = _package("refs_multi_file", tmp_path / "other")
    assert not Contracts(other).full_checker.registry._uncrawled


def _violations(contracts: Contracts, contract: str, instance: Any) -> list[str]:
    found = contracts.full_violations(contract, instance)
    return [str(v) for v in found]


@pytest.mark.parametrize("case", ["refs_multi_file", "unions", "draft07"])
def test_an_uncrawled_registry_resolves_the_same(
    case: str, tmp_path: Path, clean_modules: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """referencing crawls on a lookup it misses (an anchor, an embedded $id), so
    leaving the registry uncrawled changes no violation, even where a crawl is
    needed (refs_multi_file has $anchor and $id)."""
    package = _package(case, tmp_path)
    crawled, uncrawled = Contracts(package), Contracts(package)
    with monkeypatch.context() as patch:
        patch.setattr(runtime._fullcheck, "_identifies", lambda text, value: True)
        assert not crawled.full_checker.registry._uncrawled
        patch.setattr(runtime._fullcheck, "_identifies", lambda text, value: False)
        assert uncrawled.full_checker.registry._uncrawled
    samples = json.loads((GOLDEN / case / "samples.json").read_text())
    compared = 0
    for sample in samples:
        for instance in _mutations(sample["data"]):
            expected = _violations(crawled, sample["contract"], instance)
            assert _violations(uncrawled, sample["contract"], instance) == expected
            compared += bool(expected)
    assert compared >= 5


def test_only_the_drafts_met_get_a_class(tmp_path: Path, clean_modules: None) -> None:
    package = _package("draft07", tmp_path)
    contracts = Contracts(package)
    checker = contracts.full_checker
    assert dict(checker.drafts) == {}  # none made before the first refusal
    samples = json.loads((GOLDEN / "draft07" / "samples.json").read_text())
    for sample in samples:
        contracts.full_violations(sample["contract"], sample["data"])
    # The error walk words them all (runtime/_walk_more.py follows this case's
    # dependencies and additionalItems): still no class.
    assert dict(checker.drafts) == {}
    checker.validator(samples[0]["contract"])  # as where the walk gives up
    assert set(dict(checker.drafts)) == {"7"}


def test_the_schema_files_are_read_once(tmp_path: Path, clean_modules: None) -> None:
    package = _package("unions", tmp_path)
    contracts = Contracts(package)
    fast, full = contracts.fast_checker, contracts.full_checker
    report = contracts.union_report
    shared = {path: value for path, _, value in contracts._schemas}
    assert full.documents == shared
    for path, value in shared.items():
        assert full.documents[path] is value
        assert report.documents[path] is value
    assert fast.draft_of == full.draft_of


def test_the_benchmark_children_import_what_a_service_imports() -> None:
    """benchmarks/corpus_children.py times the first validation in a process that
    has loaded the standard library only: a refusal's import of jsonschema (and
    of what it imports) is timed with it, as a service pays it."""
    script = (
        "import sys, runpy; sys.argv = ['corpus_children.py'];"
        f"runpy.run_path({str(ROOT / 'benchmarks' / 'corpus_children.py')!r});"
        "print(sorted(m for m in ('jsonschema', 'referencing', 'attrs', 'codegen',"
        " 'pydantic', 'runtime') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_follow_finds_what_referencing_finds(
    tmp_path: Path, clean_modules: None
) -> None:
    """FullCheck.follow reads a reference's target from the documents (doomed
    follows hundreds of chains on a first refusal): for every $ref of the golden
    cases without $id or anchors below the top, the same object and base URI as
    referencing's lookup, or None (unsure: referencing then decides)."""
    followed = unsure = 0
    for case in sample_cases():
        package = _package(case.name, tmp_path / case.name)
        checker = Contracts(package).full_checker
        if checker._by_uri is None:
            continue
        for path, document in checker.documents.items():
            base = checker.canonical[path]
            refs = [n["$ref"] for _, n in subschemas(document) if "$ref" in n]
            for ref in [*refs, "#", "#/nowhere", "#an-anchor", "other.json#/a"]:
                if not isinstance(ref, str):
                    continue
                found = checker.follow(base, ref)
                try:
                    resolved = checker.registry.resolver(base_uri=base).lookup(ref)
                except referencing.exceptions.Unresolvable:
                    assert found is None, (case.name, ref)
                    unsure += 1
                    continue
                if found is None:
                    unsure += 1
                    continue
                assert found[0] is resolved.contents, (case.name, ref)
                assert found[1] == resolved.resolver._base_uri, (case.name, ref)
                followed += 1
    assert followed >= 50 and unsure >= 10


def _outcome(contracts: Contracts, contract: str, raw: bytes) -> str:
    try:
        value = contracts.get(contract).validate_json(raw)
    except ContractViolation as exc:
        return str(exc)
    return f"valid {value!r}"


@pytest.mark.parametrize("case", [c.name for c in sample_cases()])
def test_the_first_messages_are_judged_and_worded_as_later_ones(
    case: str, tmp_path: Path, clean_modules: None
) -> None:
    """Until the compiled check is built (ContractValidator._compiled_first), the
    model decides first and a refusal by the model is worded without the
    compiled check: each message, valid or not, gets the same verdict, value and
    words from a package where nothing was built yet as from one whose compiled
    check is built."""
    package = _package(case, tmp_path)
    warm = Contracts(package)
    assert warm.fast_checker is not None  # built: the compiled check decides first
    samples = json.loads((GOLDEN / case / "samples.json").read_text())
    compared = 0
    for sample in samples:
        for instance in _mutations(sample["data"]):
            raw = json.dumps(instance).encode()
            cold = Contracts(package)  # nothing built: as in a fresh process
            first = _outcome(cold, sample["contract"], raw)
            assert first == _outcome(warm, sample["contract"], raw), instance
            compared += 1
    assert compared >= len(samples)


def test_a_refusal_by_the_model_imports_no_compiled_check(tmp_path: Path) -> None:
    """In a fresh process: a message the model refuses (a contract with a full
    check) is worded without importing jsonschema-rs, which imports email.utils
    and socket (about 25 ms with its schema rewrite and compile); a message the
    model of its union member accepts, that member needing no full check of its
    own, imports none either (the union accepts exactly what that member does);
    and a refusal once the compiled check is built gets the same words."""
    case = GOLDEN / "unions_by_keys"
    package = package_name(case)
    generate_to(case / "schemas", tmp_path, Settings(python_package=package))
    sample = next(
        s
        for s in json.loads((case / "samples.json").read_text())
        if s["valid"] and s["contract"] == "webhook_event.json"
    )
    refused = {**sample["data"], "sender": 3}
    script = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(tmp_path / 'python')!r}]\n"
        "from runtime import Contracts, ContractViolation\n"
        f"v = Contracts({package!r}).get('webhook_event.json')\n"
        "assert v.full_check\n"
        "def words(data):\n"
        "    try:\n"
        "        v.validate_json(json.dumps(data))\n"
        "    except ContractViolation as exc:\n"
        "        return str(exc)\n"
        "    raise AssertionError('accepted')\n"
        f"first = words({refused!r})\n"
        "loaded = 'jsonschema_rs' in sys.modules\n"
        f"v.validate_json(json.dumps({sample['data']!r}))\n"
        "alone = 'jsonschema_rs' in sys.modules\n"
        "v.contracts.fast_checker  # built, as a member with a full check builds it\n"
        f"again = words({refused!r})\n"
        "print(json.dumps([loaded, alone, 'jsonschema_rs' in sys.modules,"
        " first == again]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == [False, False, True, True]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "b": [1.0, -0, -0.0, 1e2, 5e-324, 1.7976931348623157e308]}',
        '{"a": 1, "a": 2, "b": {"c": null, "d": true}}',
        '{"big": 18446744073709551616, "neg": -9223372036854775809}',
        '{"n": 1234567890123456789012345678901234567890}',
        '{"in a string": "1234567890123456789012345"}',
        '{"x": NaN, "y": -Infinity}',
        '{"x": 1e400}',
        '{"s": "\\ud800 lone", "t": "\\u00e9\\ud83d\\ude00"}',
        '{"multipleOf": 0.1, "const": 9007199254740993}',
    ],
)
def test_schema_files_parse_as_the_standard_library(text: str) -> None:
    """runtime/_schemafiles.py parses with orjson where it gives json.loads's
    value, types included (an integer beyond 64 bits, NaN, a lone surrogate,
    1e400 are the standard library's)."""
    from runtime._schemafiles import _parsed

    assert repr(_parsed(text.encode(), text)) == repr(json.loads(text))


def test_schema_files_read_as_text(tmp_path: Path) -> None:
    """Each file's text as read_text gives it (universal newlines), its value
    parsed from it."""
    from runtime._schemafiles import _walk

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.json").write_bytes(b'{"a":\r\n 1,\r "b": "x"}')
    (tmp_path / "sub" / "b.json").write_bytes(b'{"c": [1]}\n')
    (tmp_path / "notes.txt").write_bytes(b"not a schema")
    found = list(_walk(tmp_path, ""))
    assert [p for p, _, _ in found] == ["a.json", "sub/b.json"]
    for path, data, text in found:
        assert data == (tmp_path / path).read_bytes()
        assert text == (tmp_path / path).read_text(encoding="utf-8")
