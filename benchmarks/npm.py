"""One way to have a Node project's packages: ``npm ci`` when ``node_modules`` does not
hold what ``package-lock.json`` pins (missing, or installed from an older lock), so a
checkout whose lock changed never runs against stale packages. Used by the benchmarks
and by the tests that run Node."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path


def installed(project: Path) -> bool:
    """Whether ``project/node_modules`` holds every package its lock file pins."""
    try:
        lock = json.loads((project / "package-lock.json").read_text("utf-8"))
        hidden = project / "node_modules" / ".package-lock.json"
        have = json.loads(hidden.read_text("utf-8"))["packages"]
    except (OSError, ValueError, KeyError):
        return False
    wanted = {k: v.get("version") for k, v in lock["packages"].items() if k}
    return all(have.get(k, {}).get("version") == v for k, v in wanted.items())


class NpmFailed(RuntimeError):
    """``npm ci`` failed (or npm is not on PATH)."""


def npm_ci(project: Path) -> Path:
    """``project/node_modules``, installed with ``npm ci`` unless already current."""
    if not installed(project):
        npm = shutil.which("npm")
        if npm is None:
            raise NpmFailed("npm is not on PATH (Node 20 and npm are needed)")
        # Progress and npm's own output go to stderr, so a benchmark's stdout holds
        # only its report. npm's output is not captured: a child npm leaves running
        # can hold a captured pipe open, and the run would wait for it forever.
        print(
            f"installing Node packages: npm ci in {project.name} ...",
            file=sys.stderr,
            flush=True,
        )
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=project,
            stdout=2,  # file descriptor 2: stderr
            check=False,
        )
        if done.returncode != 0:
            raise NpmFailed(f"npm ci in {project} failed (its output is above)")
    return project / "node_modules"
