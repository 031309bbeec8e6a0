"""What a generation's output is, without the compiler: the generator's name, the
settings, the folders of the output the generator owns and the files now in them.

:mod:`codegen.stamp` needs only this, so ``contracts check`` answers from a
matching stamp without importing the compiler, the renderers and their libraries
(jinja2, referencing, pydantic-core: most of the command's time then).
:mod:`codegen.emit` re-exports it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GENERATOR", "IGNORED", "OWNED", "Settings", "existing_files"]

GENERATOR = "contracts 0.1.0"
# Folders below the output folder that the generator owns entirely.
OWNED = ("python", "ts")
# Build artefacts inside owned folders that are not generated files.
IGNORED = frozenset({"__pycache__", "node_modules", "build", "dist"})


@dataclass(frozen=True)
class Settings:
    python_package: str = "platform_contracts"
    npm_package: str = "@platform/contracts"
    envelope: str | None = None  # the envelope contract, for envelope helpers
    strict: bool = False  # unknown keywords are errors, not annotations


def existing_files(out: Path, owned: tuple[str, ...] = OWNED) -> list[str]:
    """The files now in the owned folders of ``out``, sorted (build artefacts not)."""
    result = []
    for name in owned:
        stack = [(out / name, name)]
        while stack:
            folder, rel = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if entry.name in IGNORED or entry.name.endswith(".egg-info"):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), f"{rel}/{entry.name}"))
                elif entry.is_file():
                    result.append(f"{rel}/{entry.name}")
    return sorted(result)
