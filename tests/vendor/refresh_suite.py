"""Refresh the vendored JSON-Schema-Test-Suite from a checkout you point it at.

    python tests/vendor/refresh_suite.py /path/to/JSON-Schema-Test-Suite [--commit SHA]

Copies ``tests/draft2020-12``, ``tests/draft7``, ``remotes`` and ``LICENSE`` into
``tests/vendor/json-schema-test-suite/`` (replacing what is there) and records the
upstream commit in its ``SOURCE.md``. The commit comes from ``--commit``, else from
the checkout's git metadata, else from a ``SOURCE.txt`` naming one; without any of
them the refresh is refused, so the vendored copy is never of unknown origin.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "json-schema-test-suite"
KEPT = ("tests/draft2020-12", "tests/draft7", "remotes")
COMMIT = re.compile(r"\b[0-9a-f]{40}\b")


def upstream_commit(checkout: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out = ""
    if COMMIT.fullmatch(out):
        return out
    note = checkout / "SOURCE.txt"
    if note.is_file():
        found = COMMIT.search(note.read_text(encoding="utf-8"))
        if found:
            return found.group(0)
    return None


def refresh(checkout: Path, commit: str, target: Path = TARGET) -> None:
    missing = [p for p in (*KEPT, "LICENSE") if not (checkout / p).exists()]
    if missing:
        raise SystemExit(
            f"{checkout}: not a JSON-Schema-Test-Suite checkout "
            f"(missing {', '.join(missing)})"
        )
    for part in KEPT:
        dest = target / part
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(checkout / part, dest)
        for path in dest.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.copyfile(checkout / "LICENSE", target / "LICENSE")
    source = target / "SOURCE.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(COMMIT.sub(commit, text, count=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", type=Path, help="a JSON-Schema-Test-Suite folder")
    parser.add_argument("--commit", help="the upstream commit the checkout is at")
    parser.add_argument("--into", type=Path, default=TARGET, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    commit = args.commit or upstream_commit(args.checkout)
    if not commit or not COMMIT.fullmatch(commit):
        print(
            f"{args.checkout}: cannot tell its upstream commit; pass --commit SHA",
            file=sys.stderr,
        )
        return 2
    refresh(args.checkout, commit, args.into)
    print(f"vendored JSON-Schema-Test-Suite at {commit} into {args.into}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
