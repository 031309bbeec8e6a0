"""The Redis Streams benchmark runs end to end (a smoke run; speed is not asserted)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "redis_streams.py"


def test_quick_run_prints_the_three_ratios() -> None:
    argv = [sys.executable, str(SCRIPT), "--quick", "--repeat", "1"]
    if os.environ.get("REDIS_URL"):
        argv += ["--redis-url", os.environ["REDIS_URL"]]
    done = subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in ("publish", "consume", "faststream"):
        assert any(line.startswith(f"ratio {name} ") for line in lines), done.stdout


def test_telemetry_benchmark_prints_every_overhead(tmp_path: object) -> None:
    """benchmarks/telemetry.py: four modes in their own processes (the child
    asserts that tracing is on in the SDK modes only), an overhead line for each
    target."""
    argv = [sys.executable, str(ROOT / "benchmarks" / "telemetry.py"), "--quick"]
    if os.environ.get("REDIS_URL"):
        argv += ["--redis-url", os.environ["REDIS_URL"]]
    done = subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for mode in ("API, no SDK", "SDK, no-op export", "SDK, 10% sampled"):
        for path in ("publish", "consume", "publish cpu", "consume cpu"):
            assert any(
                line.startswith(f"{mode}: {path} overhead ")
                for line in done.stdout.splitlines()
            ), done.stdout


def test_telemetry_sides_benchmark_prints_every_side() -> None:
    """benchmarks/telemetry_sides.py: every side consumes in one process (each chunk
    asserts its handler saw every entry and that tracing is on for the sides with a
    tracer provider), and prints a row with its target for each side."""
    argv = [sys.executable, str(ROOT / "benchmarks" / "telemetry_sides.py"),
            "--chunks", "2", "--chunk", "200"]  # fmt: skip
    if os.environ.get("REDIS_URL"):
        argv += ["--redis-url", os.environ["REDIS_URL"]]
    done = subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = done.stdout.splitlines()
    assert any(line.startswith("without the API ") for line in rows), done.stdout
    for side in ("API, no SDK", "SDK", "SDK traces only", "SDK metrics only",
                 "SDK 10% sampled"):  # fmt: skip
        assert any(line.startswith(f"{side} ") and "% <=" in line for line in rows), (
            done.stdout
        )


def test_batch_memory_runs_every_variant() -> None:
    """benchmarks/batch_memory.py on a small batch: every variant reports."""
    script = ROOT / "benchmarks" / "batch_memory.py"
    done = subprocess.run(
        [sys.executable, str(script), "--entries", "3", "--mb", "1.5"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for label in ("raw read (peer)", "Consumer", "AsyncConsumer"):
        assert sum(f" {label} " in line for line in done.stdout.splitlines()) == 2
