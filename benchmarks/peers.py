"""The generators the code generation benchmark runs: ours first, then the peers.

A :class:`Tool` says how to run one generator on a folder of schemas (an argv
built from the schemas and output folders), which of its output files to count,
and how to type-check them. ``PEERS`` is the list the benchmark runs after ours;
adding a peer is adding a factory to it.

The Node tools (json-schema-to-typescript, a peer, and tsc, which checks our
TypeScript output) come from ``benchmarks/node``: its ``package-lock.json`` pins
them, and :func:`node_bin` runs ``npm ci`` there when ``node_modules`` is missing
or differs from the lock. Without ``node`` and ``npm`` on PATH they are skipped,
with the reason.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.npm import NpmFailed, npm_ci

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
OURS_ENV = "CONTRACTS_BENCH_OURS"
NODE_DIR = REPO / "benchmarks" / "node"

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
    cwd: Path | None = None  # None: the set's scratch folder
    missing: str = ""
    tsc_root: str | None = None  # subfolder of out to check with tsc; None: none
    set_note: Callable[[Path], str] | None = None  # schemas -> a note for that set

    @property
    def slug(self) -> str:
        """The tool's output folder name, an importable package name."""
        return self.name.replace("-", "_")


def find(name: str) -> str | None:
    return shutil.which(name, path=str(VENV_BIN)) or shutil.which(name)


@functools.cache
def node_modules() -> tuple[Path | None, str]:
    """``benchmarks/node/node_modules``, installed with ``npm ci`` if missing.

    Returns (the folder, "") or (None, why the Node tools are unavailable).
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if not p)
        return None, f"{missing} not on PATH (Node 20 + npm needed)"
    try:
        folder = npm_ci(NODE_DIR)
    except NpmFailed as failed:
        return None, str(failed)
    return folder, ""


def node_bin(name: str) -> tuple[str | None, str]:
    """A command of ``benchmarks/node`` (``tsc``, ``json2ts``), or (None, why not)."""
    folder, why = node_modules()
    if folder is None:
        return None, why
    exe = folder / ".bin" / name
    if not exe.exists():
        return None, f"{exe} missing: delete {folder} to reinstall"
    return str(exe), ""


def ours() -> Tool:
    """Our compiler, or the command line in ``$CONTRACTS_BENCH_OURS``.

    It runs in the set's scratch folder, where the benchmark writes a
    ``pyproject.toml`` with the repository's ``[tool.contracts]`` fitted to the set.
    """
    template = os.environ.get(OURS_ENV)
    counted = (("python", ".py"), ("ts", ".d.ts"), ("ts", ".ts"), ("ts", ".js"))
    strict = ("--strict",)
    if template:

        def custom(schemas: Path, out: Path) -> list[str]:
            return [a.format(schemas=schemas, out=out) for a in shlex.split(template)]

        note = f"placeholder from ${OURS_ENV}"
        return Tool("contracts", custom, counted, note, "python", strict, tsc_root="ts")
    exe = find("contracts")
    if exe is None:
        return Tool("contracts", None, counted, missing="contracts not installed")

    def argv(schemas: Path, out: Path) -> list[str]:
        return [exe, "generate", "--schemas", str(schemas), "--out", str(out)]

    version = (exe, "--version")
    note = "one run writes Python and TypeScript"
    return Tool(
        "contracts", argv, counted, note, "python", strict, version, tsc_root="ts"
    )


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


def _external_refs(node: object) -> Iterator[str]:
    """The ``$ref``s of a schema that point into another file by a relative path."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#") and "://" not in ref:
            yield ref
        for value in node.values():
            yield from _external_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _external_refs(item)


@dataclass(frozen=True)
class _Json2tsRun:
    source: str  # --input: the set's folder, or a glob
    cwd: Path | None  # --cwd; None: leave it out
    out: str  # --output, relative to the tool's output folder


def _resolves(cwd: Path, holder: Path, refs: list[str]) -> bool:
    """Whether every relative ``$ref`` of ``holder`` means the same from ``cwd``."""
    for ref in refs:
        target = ref.partition("#")[0]
        if os.path.normpath(cwd / target) != os.path.normpath(holder.parent / target):
            return False
    return True


def _json2ts_plan(schemas: Path) -> tuple[list[_Json2tsRun], str]:
    """The json2ts runs that do one folder, and how they were chosen.

    json-schema-to-typescript 15 resolves a relative ``$ref`` against ``--cwd``
    (default: the current folder), not against the file that holds it (its issue
    #324). One run in directory mode does the set when one ``--cwd`` resolves
    every file's ``$ref``s as the file means them; otherwise one glob run per
    folder depth when that works (a glob run writes flat, so file names must not
    repeat within a depth), else one glob run per folder, ``--cwd`` that folder.
    """
    files = sorted(schemas.rglob("*.json"))
    refs = {f: list(_external_refs(json.loads(f.read_text("utf-8")))) for f in files}
    holders = [f for f in files if refs[f]]
    if not holders or all(_resolves(holders[0].parent, f, refs[f]) for f in holders):
        cwd = holders[0].parent if holders else None
        return [_Json2tsRun(str(schemas), cwd, "")], "json2ts -i DIR -o OUT --cwd"
    groups: dict[int, list[Path]] = {}
    for f in files:
        groups.setdefault(len(f.relative_to(schemas).parts), []).append(f)
    runs = []
    for depth, group in sorted(groups.items()):
        cwd = next((f.parent for f in group if refs[f]), group[0].parent)
        names = [f.name for f in group]
        if len(set(names)) < len(names) or not all(
            _resolves(cwd, f, refs[f]) for f in group
        ):
            break
        pattern = "/".join([str(schemas), *["*"] * (depth - 1), "*.json"])
        runs.append(_Json2tsRun(pattern, cwd, f"depth-{depth - 1}"))
    else:
        return runs, f"{len(runs)} json2ts runs, one per folder depth (-i GLOB --cwd)"
    folders = sorted({f.parent for f in files})
    runs = [
        _Json2tsRun(f"{folder}/*.json", folder, folder.relative_to(schemas).as_posix())
        for folder in folders
    ]
    return runs, f"{len(runs)} json2ts runs, one per folder (-i GLOB --cwd)"


def json_schema_to_typescript() -> Tool:
    """json-schema-to-typescript's CLI, ``json2ts``, with its default options."""
    name = "json-schema-to-typescript"
    counted = (("", ".d.ts"),)
    exe, why = node_bin("json2ts")
    if exe is None:
        return Tool(name, None, counted, missing=why)

    def argv(schemas: Path, out: Path) -> list[str]:
        commands = []
        for run in _json2ts_plan(schemas)[0]:
            command = [exe, "--input", run.source, "--output", str(out / run.out)]
            commands.append(command + (["--cwd", str(run.cwd)] if run.cwd else []))
        if len(commands) == 1:
            return commands[0]
        return ["sh", "-c", " && ".join(shlex.join(c) for c in commands)]

    def set_note(schemas: Path) -> str:
        runs, how = _json2ts_plan(schemas)
        why = "" if len(runs) == 1 else ": 15.x resolves $ref against --cwd (#324)"
        return f"{how}{why}; defaults; inlines every $ref"

    return Tool(
        name,
        argv,
        counted,
        version_argv=(exe, "--help"),
        tsc_root="",
        set_note=set_note,
    )


# The peers, each a named way to run another generator on the same folder; the
# first row of a set is ours, and every ratio is relative to it.
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
    # TypeScript from the same folder: Node, run through benchmarks/node.
    json_schema_to_typescript,
]
