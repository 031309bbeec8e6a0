"""Golden Python output must type-check (mypy --strict) and be ruff-formatted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, VENV_BIN, golden_cases


def _expected_packages(trees: dict[str, Path]) -> list[tuple[str, str]]:
    return [
        (str(trees[case.name] / "python"), f"case_{case.name}")
        for case in golden_cases()
        if case.name in trees
    ]


def test_expected_python_passes_mypy_strict(golden_trees: dict[str, Path]) -> None:
    packages = _expected_packages(golden_trees)
    assert len(packages) >= 10
    env = dict(os.environ, MYPYPATH=os.pathsep.join(p for p, _ in packages))
    args = [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
            "--python-version", "3.11", "--config-file", os.devnull]  # fmt: skip
    for _, name in packages:
        args += ["-p", name]
    result = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_python_is_already_formatted(
    golden_trees: dict[str, Path],
) -> None:
    folders = [p for p, _ in _expected_packages(golden_trees)] + [
        str(ROOT / "generated" / "python")
    ]
    result = subprocess.run(
        [str(VENV_BIN / "ruff"), "format", "--check", "--diff", "--isolated", *folders],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_repo_generated_package_passes_mypy_strict() -> None:
    python = ROOT / "generated" / "python"
    env = dict(os.environ, MYPYPATH=str(python))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            os.devnull,
            "-p",
            "platform_contracts",
        ],  # fmt: skip
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
