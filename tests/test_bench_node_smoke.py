"""The Node validation benchmark (benchmarks/node/validation.mjs, issue #14 (a)) runs
end to end on the generated package: a tiny run, its output shape checked (speed is
reported by the script, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks.npm import npm_ci
from tests.conftest import ROOT

BENCH = ROOT / "benchmarks" / "node"


def test_validation_benchmark_prints_its_ratio() -> None:
    npm_ci(BENCH)
    done = subprocess.run(
        ["node", "validation.mjs", "--seconds", "0.05", "--rounds", "2"],
        cwd=BENCH,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("message: ") and lines[0].endswith("(order.created v1)")
    assert sum(line.startswith("bare Ajv 2020 + ajv-formats ") for line in lines) == 2
    assert any(line.startswith("ratio package / bare Ajv: ") for line in lines)
    result = json.loads(lines[-1])
    assert result["benchmark"] == "validation" and len(result["ratios"]) == 2
    assert all(r > 0 for r in result["ratios"])


def test_startup_benchmark_prints_both_sizes() -> None:
    """benchmarks/node_startup.py, issue #14 (b): fresh processes on generated
    packages of two sizes, ours and bare Ajv's, the goals and the ratio printed."""
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/node_startup.py",
            "--sizes",
            "3",
            "5",
            "--runs",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for size in (3, 5):
        assert f"\n{size} contracts (" in f"\n{out}", out
    assert out.count("ratio first validation package / bare Ajv compile: ") == 2
    assert out.count("goals: first validation ") == 2
    for key in ("ours import_ms", "ours first_ms", "peer import_ms", "peer first_ms"):
        assert out.count(key) == 2, out


def test_redis_benchmark_prints_both_ratios() -> None:
    """benchmarks/node/redis.mjs, issue #14 (c): a tiny run on its own redis-server."""
    npm_ci(BENCH)
    done = subprocess.run(
        ["node", "redis.mjs", "--messages", "200", "--rounds", "1"],
        cwd=BENCH,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in ("publish", "consume"):
        assert any(
            line.startswith(f"ratio {name} package / raw ioredis: ") for line in lines
        ), done.stdout
    assert any(line.startswith("client CPU per message (median): ") for line in lines)
    result = json.loads(lines[-1])
    assert result["benchmark"] == "redis" and result["messages"] == 200
    assert len(result["ratios"]["publish"]) == len(result["ratios"]["consume"]) == 1
    for path in ("publish", "consume"):
        assert result["cpu"][path]["raw"] > 0 and result["cpu"][path]["package"] > 0


def test_http_benchmark_prints_its_ratio() -> None:
    """benchmarks/node/http.mjs, issue #14 (d): servers and load in child processes."""
    done = subprocess.run(
        ["node", "http.mjs", "--seconds", "0.2", "--rounds", "1", "--connections", "2"],
        cwd=BENCH,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("bare node:http ") and " validated " in lines[0]
    assert lines[1].startswith("ratio validated / bare node:http: ")
    result = json.loads(lines[-1])
    assert result["benchmark"] == "http" and len(result["ratios"]) == 1


def test_telemetry_benchmark_prints_every_overhead() -> None:
    """benchmarks/node/telemetry.mjs (#17): the three modes (without the API, the API
    without an SDK, the SDK) each run redis.mjs; an overhead line per goal."""
    npm_ci(BENCH)
    npm_ci(BENCH / "otel")
    done = subprocess.run(
        ["node", "telemetry.mjs", "--messages", "200", "--runs", "1", "--rounds", "1"],
        cwd=BENCH, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for mode in ("API, no SDK", "SDK, no-op export"):
        for path in ("publish", "consume"):
            assert any(
                line.startswith(f"{mode}: {path} overhead ") for line in lines
            ), done.stdout
    result = json.loads(lines[-1])
    assert set(result["ratios"]) == {
        "without the API",
        "API, no SDK",
        "SDK, no-op export",
    }


def test_telemetry_sides_benchmark_prints_every_side() -> None:
    """benchmarks/node/telemetry_sides.mjs (#17): the publishers and consumers of one
    process, with and without an SDK, each take every chunk; a CPU figure per side
    and path."""
    npm_ci(BENCH)
    npm_ci(BENCH / "otel")
    done = subprocess.run(
        ["node", "telemetry_sides.mjs", "--chunks", "2", "--chunk", "50",
         "--batch", "10"],
        cwd=BENCH, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    sides = result["sides"]
    assert list(sides) == [
        "no SDK",
        "SDK",
        "SDK: traces only",
        "SDK: metrics only",
        "SDK: 10% sampled",
    ]
    for side in sides.values():
        assert set(side) == {"publish", "consume"}
        assert all(path["cpuUs"] > 0 for path in side.values()), sides
    assert sides["no SDK"]["consume"]["overhead"] == 0


def test_batch_memory_benchmark_measures_the_node_consumer() -> None:
    """benchmarks/batch_memory.py --node (#13.7): the Node consumer and its peer, a
    bare ioredis XREADGROUP, report their peak growth beside the Python ones."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "batch_memory.py"),
         "--entries", "2", "--mb", "1.5", "--node", "--no-hiredis"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    node = [line.split() for line in done.stdout.splitlines() if " node " in line]
    assert [line[1:-8] for line in node] == [["raw", "read", "(peer)"], ["Consumer"]]
    assert all(line[-6].endswith("x") and line[-7] == "MB" for line in node), node
