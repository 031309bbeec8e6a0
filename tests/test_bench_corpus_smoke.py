"""The real-world corpus benchmark runs end to end (a smoke run on a few documents;
speed is not asserted): Python, Node and the reference agree on every verdict."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "corpus_speed.py"


def test_a_tiny_run_prints_the_ratios_and_agrees() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--limit",
            "4",
            "--rounds",
            "1",
            "--synthetic",
            "3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "4 documents" in lines[0] and "agree on 4" in lines[0], done.stdout
    labels = ("import (ms)", "first validation (ms)", "first, runtime deps only")
    for label in (*labels, "per document (ms)"):
        assert any(line.startswith(label) and line.endswith("x") for line in lines)
    assert any(line.startswith("synthetic package (3 events") for line in lines)


def test_the_openapi_corpus_compiles_and_agrees() -> None:
    """OpenAPI 3.1 as shipped (unevaluatedProperties over if/dependentSchemas:
    Node's cfworker engine; patternProperties ^x- and others proven linear for V8;
    a $dynamicRef jsonschema-rs takes by pointer): all 12 documents get the same
    verdict from Python, Node and jsonschema."""
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--corpus",
            "openapi-3.1",
            "--rounds",
            "1",
            "--synthetic",
            "3",
        ],  # fmt: skip
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("openapi-3.1: 12 documents"), done.stdout
    assert "agree on 12" in first, done.stdout


def test_foreign_modules_hide_dev_tools_and_keep_the_runtime_deps() -> None:
    """The lean child hides what the dev extra brings (jsonschema's format checkers,
    arrow) and nothing the runtime needs."""
    from benchmarks.corpus_speed import foreign_modules

    hidden = set(foreign_modules())
    assert {"isoduration", "arrow", "datamodel_code_generator", "pytest"} <= hidden
    kept = {"pydantic", "pydantic_core", "jsonschema", "jsonschema_rs", "referencing",
            "jsonschema_specifications", "attrs", "rpds", "orjson", "idna"}  # fmt: skip
    assert not kept & hidden
