"""The generators the code generation benchmark runs: ours first, then the peers.

A :class:`Tool` says how to run one generator on a folder of schemas (an argv
built from the schemas and output folders), which of its output files to count,
and how to type-check them. ``PEERS`` is the list the benchmark runs after ours;
adding a peer is adding a factory to it.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
OURS_ENV = "CONTRACTS_BENCH_OURS"

Argv = Callable[[Path, Path], list[str]]


@dataclass(frozen=True)
class Tool:
    """One generator: how to run it on a schemas folder and where its output is."""

    name: str
    argv: Argv | None  # (schemas, out) -> command; None when not installed
    counted: tuple[tuple[str, str], ...]  # (subfolder of out, file suffix) to count
    note: str = ""
    mypy_root: str = ""  # subfolder of out to type-check; "" is out itself
    mypy_flags: tuple[str, ...] = ()  # flags when type-checking its output
    version_argv: tuple[str, ...] = ()
    cwd: Path | None = None  # None: an empty scratch folder
    missing: str = ""

    @property
    def slug(self) -> str:
        """The tool's output folder name, an importable package name."""
        return self.name.replace("-", "_")


def find(name: str) -> str | None:
    return shutil.which(name, path=str(VENV_BIN)) or shutil.which(name)


def ours() -> Tool:
    """Our compiler, or the command line in ``$CONTRACTS_BENCH_OURS``."""
    template = os.environ.get(OURS_ENV)
    counted = (("python", ".py"), ("", ".ts"))
    strict = ("--strict",)
    if template:

        def custom(schemas: Path, out: Path) -> list[str]:
            return [a.format(schemas=schemas, out=out) for a in shlex.split(template)]

        note = f"placeholder from ${OURS_ENV}"
        return Tool("contracts", custom, counted, note, "python", strict)
    exe = find("contracts")
    if exe is None:
        return Tool("contracts", None, counted, missing="contracts not installed")

    def argv(schemas: Path, out: Path) -> list[str]:
        return [exe, "generate", "--schemas", str(schemas), "--out", str(out)]

    version = (exe, "--version")
    return Tool("contracts", argv, counted, "", "python", strict, version, cwd=REPO)


def datamodel_codegen(name: str, note: str, *extra: str) -> Callable[[], Tool]:
    """datamodel-code-generator writing Pydantic v2 models, with ``extra`` flags."""

    def make() -> Tool:
        exe = find("datamodel-codegen")
        counted = (("", ".py"),)
        if exe is None:
            missing = "not installed: pip install datamodel-code-generator"
            return Tool(name, None, counted, note, missing=missing)

        def argv(schemas: Path, out: Path) -> list[str]:
            flags = (
                "--input-file-type jsonschema --output-model-type pydantic_v2.BaseModel"
            )
            io = ["--input", str(schemas), "--output", str(out)]
            return [exe, *io, *flags.split(), *extra]

        return Tool(name, argv, counted, note, version_argv=(exe, "--version"))

    return make


# The peers, each a named way to run another generator on the same folder; the
# first row of a set is ours, and every ratio is relative to it.
# json-schema-to-typescript goes here once it is installed: a Tool whose argv
# runs it on the folder and whose ``counted`` is (("", ".ts"),).
PEERS: list[Callable[[], Tool]] = [
    # The yardstick: default settings, so black + isort format the output.
    datamodel_codegen(
        "datamodel-codegen",
        "defaults (black+isort); only flag added: --output-model-type pydantic_v2",
    ),
    # Its own advice when speed matters: no external formatter.
    datamodel_codegen(
        "datamodel-codegen-builtin", "--formatters builtin", "--formatters", "builtin"
    ),
]
