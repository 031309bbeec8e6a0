"""Generation is byte-identical whatever the hash seed or the order files appear in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from codegen.api import generate
from tests.conftest import ROOT, VENV_BIN

_SCRIPT = """
import hashlib, sys
from pathlib import Path
from codegen.api import generate
files = generate(Path(sys.argv[1])).files
h = hashlib.sha256()
for name in sorted(files):
    h.update(name.encode() + b"\\0" + files[name] + b"\\0")
print(len(files), h.hexdigest())
"""


def _digest(schemas: Path, seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(schemas)],
        env=env, capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return result.stdout.strip()


def test_same_bytes_with_different_hash_seeds() -> None:
    for schemas in (ROOT / "schemas", ROOT / "tests/golden/recursive/schemas"):
        digests = {_digest(schemas, seed) for seed in ("0", "1", "12345")}
        assert len(digests) == 1, digests


def test_same_bytes_whatever_the_file_creation_order(tmp_path: Path) -> None:
    source = ROOT / "schemas"
    files = sorted(p for p in source.rglob("*") if p.is_file())
    for order, target in ((files, tmp_path / "a"), (files[::-1], tmp_path / "b")):
        for path in order:
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    assert generate(tmp_path / "a").files == generate(tmp_path / "b").files


def test_output_has_no_timestamps_and_carries_fingerprints() -> None:
    files = generate(ROOT / "schemas").files
    module = files["python/platform_contracts/order/order_created_v1.py"].decode()
    assert "# fingerprint: sha256:" in module
    assert "__contract_fingerprint__" in module
    assert "2026" not in module and "UTC" not in module
    assert VENV_BIN.is_dir()
