"""Contract fingerprints are the formula docs/architecture.md states.

Each schema file is hashed once (its digest: sha256 of path NUL canonical JSON
NUL); a contract's fingerprint is ``sha256:`` and the sha256 of the sorted
entries (path NUL file digest NUL) of every file its file reaches. Here the
formula is computed again from the definition alone, from what a generated
package ships (its schema copies and its manifest's ``references``), and a change
deep in a chain of references is followed up the chain."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from pathlib import Path

import pytest

from benchmarks.shapes import build_shape, write_shape
from codegen.api import generate
from codegen.compiler.compile import compile_documents, fingerprints, reaches
from codegen.compiler.load import load_all
from codegen.compiler.resolve import SchemaGraph, walk_refs

ROOT = Path(__file__).resolve().parent.parent
FINGERPRINT = re.compile(r"sha256:[0-9a-f]{64}")


def by_definition(
    shipped: dict[str, bytes], references: dict[str, list[str]]
) -> dict[str, str]:
    """Every file's fingerprint from the documented definition, written out here
    without the compiler: ``shipped`` is path -> the file's JSON text."""
    digest = {}
    for path, text in shipped.items():
        canonical = json.dumps(
            json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
        digest[path] = hashlib.sha256(
            path.encode() + b"\0" + canonical + b"\0"
        ).hexdigest()
    result = {}
    for path in shipped:
        reached, todo = {path}, [path]
        while todo:
            for target in references.get(todo.pop(), []):
                if target not in reached:
                    reached.add(target)
                    todo.append(target)
        entries = b"".join(
            p.encode() + b"\0" + digest[p].encode() + b"\0"
            for p in sorted(reached, key=lambda p: p.encode())  # UTF-8 byte order
        )
        result[path] = "sha256:" + hashlib.sha256(entries).hexdigest()
    return result


@pytest.mark.parametrize(
    "schemas",
    [
        "schemas",
        "tests/golden/meta_schema_refs/schemas",
        "tests/golden/recursive/schemas",
    ],
)
def test_manifest_fingerprints_are_the_documented_formula(schemas: str) -> None:
    files = generate(ROOT / schemas).files
    manifest = json.loads(files["ts/manifest.json"])
    shipped = {
        name.removeprefix("ts/schemas/"): text
        for name, text in files.items()
        if name.startswith("ts/schemas/") and name.endswith(".json")
    }
    expected = by_definition(shipped, manifest["references"])
    assert manifest["contracts"]
    for entry in manifest["contracts"]:
        file = entry["contract"].partition("#")[0]
        assert FINGERPRINT.fullmatch(entry["fingerprint"])  # the wire format
        assert entry["fingerprint"] == expected[file], entry["contract"]
    # The Python package's manifest is the same file.
    assert files["python/platform_contracts/manifest.json"] == files["ts/manifest.json"]


def test_the_formula_on_a_chain_with_a_non_ascii_path(tmp_path: Path) -> None:
    for rel, schema in build_shape("chain", 6).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    (tmp_path / "événement.json").write_text(
        json.dumps({"type": "object", "properties": {"ç": {"const": "€"}}}),
        encoding="utf-8",
    )
    files = generate(tmp_path).files
    manifest = json.loads(files["ts/manifest.json"])
    shipped = {
        name.removeprefix("ts/schemas/"): text
        for name, text in files.items()
        if name.startswith("ts/schemas/")
    }
    expected = by_definition(shipped, manifest["references"])
    prints = {
        e["contract"].partition("#")[0]: e["fingerprint"] for e in manifest["contracts"]
    }
    assert "événement.json" in prints
    assert prints == {file: expected[file] for file in prints}


def _prints(root: Path) -> dict[str, str]:
    program, _ = compile_documents(root)
    return {m.source: m.fingerprint for m in program.modules}


def test_a_change_deep_in_a_chain_changes_every_fingerprint_up_the_chain(
    tmp_path: Path,
) -> None:
    write_shape(tmp_path, "chain", 40)
    # In chain order: each event refers to the next one.
    events = [rel for rel in build_shape("chain", 40) if rel.startswith("events/")]
    assert len(events) == 40
    before = _prints(tmp_path)
    for changed in (39, 25):  # the end of the chain, then a link in the middle
        path = tmp_path / events[changed]
        schema = json.loads(path.read_text())
        schema["description"] = f"changed at {changed}"
        path.write_text(json.dumps(schema))
        after = _prints(tmp_path)
        for i, event in enumerate(events):
            if i <= changed:  # it reaches the changed file
                assert after[event] != before[event], (changed, event)
            else:
                assert after[event] == before[event], (changed, event)
        untouched = set(before) - set(events)
        assert untouched and all(after[f] == before[f] for f in untouched)
        before = after


def test_fingerprints_do_not_depend_on_file_order(tmp_path: Path) -> None:
    write_shape(tmp_path / "set", "events", 30)
    documents, errors = load_all(tmp_path / "set")
    assert not errors
    deps = walk_refs(SchemaGraph(documents))[1]
    reached = reaches(documents, deps)
    expected = fingerprints(documents, reached)
    assert len(set(expected.values())) == len(expected)  # every file its own
    rng = random.Random(7)
    for _ in range(3):
        shuffled = documents[:]
        rng.shuffle(shuffled)
        unsorted = {}
        for path, files in reached.items():
            order = list(files)
            rng.shuffle(order)
            unsorted[path] = tuple(order)
        assert fingerprints(shuffled, unsorted) == expected
    # Files created in the opposite order on disk compile to the same fingerprints.
    source = sorted(p for p in (tmp_path / "set").rglob("*.json"))
    for target, copies in ((tmp_path / "a", source), (tmp_path / "b", source[::-1])):
        for copied in copies:
            dest = target / copied.relative_to(tmp_path / "set")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(copied, dest)
    assert _prints(tmp_path / "a") == _prints(tmp_path / "b") == expected
