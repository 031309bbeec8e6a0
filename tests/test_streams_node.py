"""The Node side of Redis Streams (runtime/node/src/streams.ts), on a real Redis.

``tests/node_streams`` runs ``node --test`` over the generated package's
``streams.js``: publish and consume round trips, dead letters with their reasons,
the delivery limit, a group or stream vanishing mid-run, a Redis restart, and
``tsc --strict`` over the declarations. The Node tests start their own
redis-server on a free loopback port, or use ``REDIS_URL`` when it is set.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from benchmarks.npm import npm_ci
from tests.conftest import ROOT

NODE_DIR = ROOT / "tests" / "node_streams"
GENERATED = ROOT / "generated" / "ts"


def test_node_streams() -> None:
    node = shutil.which("node")
    npm = shutil.which("npm")
    assert node and npm, "Node 20 and npm must be on PATH for the npm package tests"
    if not os.environ.get("REDIS_URL") and shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed and REDIS_URL is not set")
    if not (GENERATED / "streams.js").is_file():
        pytest.fail("generated/ts/streams.js is missing: run `contracts generate`")
    npm_ci(NODE_DIR)
    result = subprocess.run(
        [node, "--test"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout, result.stdout


def test_the_settle_script_and_its_limits_are_the_python_runtimes() -> None:
    """Both runtimes settle a batch with one Lua text (runtime/streams/core.py and
    runtime/node/src/_streams_common.ts): a dead letter written by one must look the
    same as one written by the other, and a script cached by its SHA is shared."""
    from runtime.streams.core import COPIED_FIELDS, SETTLE

    node = shutil.which("node")
    assert node, "Node 20 must be on PATH"
    npm_ci(NODE_DIR)
    # A copy of the package inside NODE_DIR/node_modules, so that its imports of ajv
    # and ioredis resolve to the test project's installed dependencies.
    package = Path(tempfile.mkdtemp(prefix="settle-", dir=NODE_DIR / "node_modules"))
    try:
        shutil.copytree(GENERATED, package, dirs_exist_ok=True)
        script = (
            "import(process.argv[1]).then((m) => process.stdout.write("
            "JSON.stringify([m.SETTLE, m.COPIED_FIELDS])))"
        )
        done = subprocess.run(
            [node, "-e", script, (package / "_streams_common.js").as_uri()],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        shutil.rmtree(package)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [SETTLE, COPIED_FIELDS]
