"""The manifest lists each file's direct references once; every reader computes the
files a contract reaches (its closure) and gets what the compiler reached.

Python readers (``runtime.manifest``: presence, live drift) are checked here; the
Node reader (``_reach.js``, shipped in the npm package) in the node-marked test at
the end. Chains are where it matters: listing the closure per contract was
quadratic (203 MB of manifests at 1,000 chained files)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.shapes import write_shape
from codegen.api import generate
from codegen.emit import write
from runtime.manifest import contract_documents, reached_files

ROOT = Path(__file__).resolve().parent.parent


def test_closure_of_a_long_chain_and_a_cycle() -> None:
    chain = {f"f{i:05}.json": [f"f{i + 1:05}.json"] for i in range(5000)}
    chain["f05000.json"] = []
    assert reached_files(chain, "f04998.json") == [
        "f04998.json",
        "f04999.json",
        "f05000.json",
    ]
    assert len(reached_files(chain, "f00000.json")) == 5001  # no recursion limit
    cycle = {"a.json": ["b.json"], "b.json": ["a.json", "c.json"], "c.json": []}
    assert reached_files(cycle, "b.json") == ["a.json", "b.json", "c.json"]
    assert reached_files(cycle, "unknown.json") == ["unknown.json"]


def test_an_earlier_manifest_entry_is_read_as_listed() -> None:
    entry = {"contract": "a.json", "documents": ["a.json", "z.json"]}
    manifest = {"contracts": [entry], "references": {"a.json": ["b.json"]}}
    assert contract_documents(manifest, entry) == ["a.json", "z.json"]
    assert contract_documents({"contracts": []}, {"contract": "a.json#/$defs/X"}) == [
        "a.json"
    ]


def _check_manifest(schemas: Path, tmp_path: Path) -> Path:
    """Generate ``schemas``; assert the closure of each contract from the written
    manifest is the compiler's ``documents``; return the output folder."""
    result = generate(schemas)
    out = tmp_path / "out"
    write(out, result.files)
    manifest = json.loads((out / "ts" / "manifest.json").read_bytes())
    assert all("documents" not in e for e in manifest["contracts"])
    by_id = {c.id: c for c in result.program.contracts}
    assert [e["contract"] for e in manifest["contracts"]] == list(by_id)
    for entry in manifest["contracts"]:
        assert contract_documents(manifest, entry) == list(
            by_id[entry["contract"]].documents
        )
    assert set(manifest["references"]) == {m.source for m in result.program.modules}
    return out


def test_the_repository_manifest_gives_what_the_compiler_reached(
    tmp_path: Path,
) -> None:
    _check_manifest(ROOT / "schemas", tmp_path)


def test_a_chain_manifest_is_linear_and_gives_every_file(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    write_shape(schemas, "chain", 60)
    out = _check_manifest(schemas, tmp_path)
    manifest = json.loads((out / "ts" / "manifest.json").read_bytes())
    # One reference per link: the table grows with the files, not their square.
    links = sum(len(refs) for refs in manifest["references"].values())
    assert links < 3 * len(manifest["references"])
    longest = max(len(contract_documents(manifest, e)) for e in manifest["contracts"])
    assert longest > 50  # the head of the chain reaches (nearly) every file


@pytest.mark.node
def test_node_reads_the_same_closure(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not installed")
    schemas = tmp_path / "schemas"
    write_shape(schemas, "chain", 30)
    out = _check_manifest(schemas, tmp_path)
    manifest = json.loads((out / "ts" / "manifest.json").read_bytes())
    files = sorted(manifest["references"])
    script = (
        'import { reachedFiles } from "./_reach.js";'
        f"const files = {json.dumps(files)};"
        'process.stdout.write(JSON.stringify([...files, "nowhere.json"]'
        ".map((f) => reachedFiles(f))));"
    )
    (out / "ts" / "probe.mjs").write_text(script)
    done = subprocess.run(
        [node, "probe.mjs"], cwd=out / "ts", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    expected = [reached_files(manifest["references"], f) for f in files]
    assert answers == [*expected, None]
