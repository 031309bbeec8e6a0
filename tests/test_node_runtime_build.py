"""The Node runtime is TypeScript (runtime/node/src) compiled once into
runtime/node/compiled, which is checked in and shipped by ``contracts generate``.

The compiled files must be exactly what tsc makes of the sources now (a stale
build fails, byte for byte), and no runtime declaration is kept by hand. (The
runtime's own ``node --test`` tests run in tests/test_ts_runtime.py.)
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from codegen.typescript.runtime import COMPILED, GENERATED_INSTEAD
from tests.conftest import ROOT

NODE_RUNTIME = ROOT / "runtime" / "node"
NPM = shutil.which("npm") or "npm"
COMPILED_REL = "runtime/node/compiled/"


@pytest.fixture(scope="module")
def tooling() -> Path:
    """runtime/node with its pinned devDependencies (typescript, ajv...) installed."""
    result = subprocess.run(
        [NPM, "ci", "--no-audit", "--no-fund", "--silent"],
        cwd=NODE_RUNTIME,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return NODE_RUNTIME


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_compiled_runtime_is_what_tsc_makes_of_the_sources(
    tooling: Path, tmp_path: Path
) -> None:
    out = tmp_path / "compiled"
    tsc = tooling / "node_modules" / ".bin" / "tsc"
    result = subprocess.run(
        [str(tsc), "-p", "tsconfig.json", "--outDir", str(out)],
        cwd=tooling,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fresh, checked_in = _tree(out), _tree(COMPILED)
    stale = sorted(
        name
        for name in fresh.keys() | checked_in.keys()
        if fresh.get(name) != checked_in.get(name)
    )
    assert not stale, (
        f"runtime/node/compiled is stale ({stale}): run `make node-runtime`"
    )


def test_every_source_module_is_compiled_with_declarations() -> None:
    sources = sorted(p.stem for p in (NODE_RUNTIME / "src").glob("*.ts"))
    assert sources
    for stem in sources:
        assert (COMPILED / f"{stem}.js").is_file(), stem
        assert (COMPILED / f"{stem}.d.ts").is_file(), stem
    for name in GENERATED_INSTEAD:
        assert (COMPILED / name).is_file(), f"{name}: no such compiled module"


def test_no_hand_kept_declarations() -> None:
    """Declarations come from tsc (compiled/) or from templates, never by hand."""
    tracked = subprocess.run(
        ["git", "ls-files", "*.d.ts", "*.d.mts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    hand = [
        p
        for p in tracked
        if p.startswith(("runtime/", "codegen/")) and not p.startswith(COMPILED_REL)
    ]
    assert not hand, f"hand-written declarations: {hand}"
