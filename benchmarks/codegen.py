"""Benchmark: how fast ``contracts generate`` writes Pydantic and TypeScript, vs peers.

What is measured
    The wall time of one whole run of each tool as a subprocess, from start to
    exit, so every tool pays its interpreter start-up and imports (a bare
    ``python -c pass`` is timed too, for scale). Each tool runs ``--repeat`` times,
    round-robin with the others, into a fresh output folder; the table shows the
    median, the fastest and slowest run, the files and lines written, and the
    ratio ``peer median / our median`` (above 1 means we are faster).

On what
    ``repo``: a copy of the repository's ``schemas/`` folder; skipped while it
    holds no schema. ``catalog.json`` is left out: it is the stream catalogue,
    not a schema, and the peers would read it as one (so our output of this set
    lacks the catalogue files).
    ``synthetic-N``: N seeded event contracts and their shared definitions, made
    by ``benchmarks/synth.py`` (draft 2020-12: shared defs, enums, nested
    objects, tagged unions). Every tool reads the same copy.

The peers
    ``benchmarks/peers.py`` lists them by name; each says how to run it on a
    folder. datamodel-code-generator runs with its defaults (black + isort
    formatting); the one flag added is ``--output-model-type
    pydantic_v2.BaseModel``, so both sides write Pydantic v2 models (it is its
    default today too). A second row runs it with ``--formatters builtin``, its
    own advice when speed matters. json-schema-to-typescript (``json2ts``, from
    ``benchmarks/node``, installed there with ``npm ci`` on first use) writes
    TypeScript declarations with its default options; it inlines every schema a
    file references. Our one run writes both Python and TypeScript, and our row
    counts both (``.py``, then ``.d.ts``/``.ts``/``.js`` under ``ts/``).

Our own configuration
    Our tool runs in a scratch folder holding a ``pyproject.toml`` with the
    repository's ``[tool.contracts]`` (package names, envelope); the envelope is
    left out for a set that has no such file.

Output that type-checks
    ``mypy --strict`` runs over our Python output of every set, and ``tsc
    --strict --noEmit`` (NodeNext, ``skipLibCheck`` off, ``@types/node``) over
    our TypeScript declarations, the package's dependencies (ajv, ioredis)
    linked from ``benchmarks/node``; neither is timed as part of generation.
    ``--typecheck-peers`` also runs plain mypy and ``tsc --strict`` over the
    peers' output. The time tsc takes on an empty module is printed first: most
    of each tsc time is checking the standard library and ``@types/node``.

Run it from the repository root::

    .venv/bin/python benchmarks/codegen.py              # 200 events, 3 runs each
    .venv/bin/python benchmarks/codegen.py --quick      # 20 events, 1 run (CI)
    .venv/bin/python benchmarks/codegen.py --repeat 5 --count 500 --json out.json
    .venv/bin/python benchmarks/codegen.py --selfcheck  # validate the synthetic set
    .venv/bin/python benchmarks/codegen.py --scale      # growth with size, per shape

``--scale`` runs ``benchmarks/scale.py`` instead (see there): the shapes of
``benchmarks/shapes.py`` at ``--sizes`` (200, 800, 1,000, 2,000), generate and
check times, growth per size step, peak memory, datamodel-code-generator's ratio.

``CONTRACTS_BENCH_OURS`` replaces our command with any command line, where
``{schemas}`` and ``{out}`` stand for the folders. Exit status 1 means a tool
crashed (or our tool could not run); 0 otherwise, whatever the numbers.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.peers import NODE_DIR, PEERS, REPO, Tool, find, node_bin, ours
from benchmarks.scale import SIZES
from benchmarks.scale import run as scale_run
from benchmarks.shapes import SHAPES
from benchmarks.synth import selfcheck, write_set


@dataclass
class Result:
    set: str
    tool: str
    schemas: int
    status: str = "ok"  # ok, failed, skipped
    seconds: list[float] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    ratio: float | None = None
    note: str = ""
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


@dataclass
class TypeCheck:
    set: str
    tool: str
    command: str
    ok: bool
    seconds: float
    summary: str


def count_output(
    out: Path, counted: tuple[tuple[str, str], ...]
) -> tuple[dict[str, int], dict[str, int]]:
    """Files and lines written, per counted suffix.

    A file counts under the longest counted suffix it ends with, so ``.ts``
    leaves out the ``.d.ts`` files when both are counted.
    """
    files: dict[str, int] = {}
    lines: dict[str, int] = {}
    suffixes = {suffix for _, suffix in counted}
    for sub, suffix in counted:
        root = out / sub
        longer = [s for s in suffixes if s != suffix and s.endswith(suffix)]
        paths = [
            p
            for p in (root.rglob("*" + suffix) if root.is_dir() else ())
            if p.is_file() and not any(p.name.endswith(s) for s in longer)
        ]
        if paths:
            files[suffix] = len(paths)
            lines[suffix] = sum(p.read_bytes().count(b"\n") for p in paths)
    return files, lines


def run_tool(tool: Tool, schemas: Path, out: Path, scratch: Path) -> tuple[float, str]:
    """Run once into an empty ``out``: (wall seconds, error text or "")."""
    assert tool.argv is not None
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    argv = tool.argv(schemas, out)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=tool.cwd or scratch, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-25:])
        return elapsed, f"exit {proc.returncode}: {shlex.join(argv)}\n{tail}"
    return elapsed, ""


def bench_set(
    name: str, schemas: Path, tools: list[Tool], repeat: int, work: Path
) -> list[Result]:
    """Time every tool on one folder, round-robin, ``repeat`` times."""
    count = sum(1 for _ in schemas.rglob("*.json"))
    results = [Result(name, t.name, count, note=set_note(t, schemas)) for t in tools]
    scratch = work / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    for tool, result in zip(tools, results, strict=True):
        if tool.argv is None:
            result.status, result.error = "skipped", tool.missing
    for _ in range(repeat):
        for tool, result in zip(tools, results, strict=True):
            if result.status != "ok":
                continue
            seconds, error = run_tool(tool, schemas, work / tool.slug, scratch)
            if error:
                result.status, result.error = "failed", error
                continue
            result.seconds.append(seconds)
    for tool, result in zip(tools, results, strict=True):
        if result.status == "ok":
            result.files, result.lines = count_output(work / tool.slug, tool.counted)
    base = results[0].median
    for result in results:
        if base and result.median is not None:
            result.ratio = result.median / base
    return results


def set_note(tool: Tool, schemas: Path) -> str:
    extra = tool.set_note(schemas) if tool.set_note and tool.argv else ""
    return "; ".join(n for n in (tool.note, extra) if n)


def typecheck(set_name: str, tool: Tool, out: Path, work: Path) -> TypeCheck | None:
    """Run mypy over a tool's output; ``None`` if it wrote no Python."""
    root = out / tool.mypy_root
    if not any(root.rglob("*.py")):
        return None
    mypy = find("mypy") or "mypy"
    argv = [mypy, *tool.mypy_flags, "--explicit-package-bases", "--no-incremental"]
    argv += ["--cache-dir", str(work / "mypy-cache"), "--no-error-summary"]
    if (root / "__init__.py").exists():  # the output is one package: check it whole
        cwd, argv = root.parent, [*argv, root.name]
    else:
        cwd = root
        argv += sorted(
            p.name for p in root.iterdir() if p.is_dir() or p.suffix == ".py"
        )
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    errors = [ln for ln in proc.stdout.splitlines() if ": error:" in ln]
    if proc.returncode == 0:
        summary = "no errors"
    elif errors:
        summary = f"{len(errors)} errors, first: {errors[0]}"
    else:
        summary = (proc.stderr or proc.stdout).strip()[-300:]
    command = " ".join(["mypy", *tool.mypy_flags])
    ok = proc.returncode == 0
    return TypeCheck(set_name, tool.name, command, ok, elapsed, summary)


TSC_COMMAND = "tsc --strict --noEmit"


def link_dependencies(root: Path) -> list[str]:
    """Let a generated npm package import its dependencies; return those missing.

    ``root/node_modules`` becomes a link to ``benchmarks/node/node_modules``,
    which installs the same dependencies (ajv, ioredis) as a consumer would.
    """
    manifest = root / "package.json"
    if not manifest.is_file():
        return []
    wanted = json.loads(manifest.read_text("utf-8")).get("dependencies", {})
    if wanted and not (root / "node_modules").exists():
        (root / "node_modules").symlink_to(NODE_DIR / "node_modules")
    return sorted(d for d in wanted if not (NODE_DIR / "node_modules" / d).is_dir())


def run_tsc(
    tsc: str, root: Path, config: Path, cwd: Path
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """``tsc --strict --noEmit`` over ``root/**/*.ts``: (wall seconds, process)."""
    options = {
        "strict": True,
        "noEmit": True,
        "target": "ES2022",
        "module": "NodeNext",
        "moduleResolution": "NodeNext",
        "skipLibCheck": False,
        "types": ["node"],
        "typeRoots": [str(NODE_DIR / "node_modules" / "@types")],
    }
    include = [f"{root.resolve()}/**/*.ts"]
    config.write_text(json.dumps({"compilerOptions": options, "include": include}))
    argv = [tsc, "-p", str(config), "--pretty", "false"]
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def tsc_floor(tsc: str, work: Path) -> float | None:
    """Seconds tsc takes on one empty module: the lib and @types/node it checks.

    The faster of two runs: the first also reads tsc and the types from disk.
    """
    root = work / "tsc-floor"
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text('{"type": "module"}\n')
    (root / "empty.d.ts").write_text("export {};\n")
    runs = [run_tsc(tsc, root, work / "tsconfig.floor.json", cwd=root) for _ in "12"]
    if any(proc.returncode != 0 for _, proc in runs):
        return None
    return min(seconds for seconds, _ in runs)


def tsc_check(
    set_name: str, tool: Tool, out: Path, work: Path, tsc: str
) -> TypeCheck | None:
    """Run ``tsc --strict`` over a tool's TypeScript; ``None`` if it wrote none."""
    if tool.tsc_root is None:
        return None
    root = out / tool.tsc_root
    sources = list(root.rglob("*.ts")) if root.is_dir() else []
    if not sources:
        return None
    missing = link_dependencies(root)
    config = work / f"tsconfig.{set_name}.{tool.slug}.json"
    elapsed, proc = run_tsc(tsc, root, config, cwd=out)
    errors = [ln for ln in proc.stdout.splitlines() if re.search(r"error TS\d+", ln)]
    if proc.returncode == 0:
        summary = "no errors"
    elif errors:
        shown = "\n      ".join(errors[:5])
        more = f"\n      ... and {len(errors) - 5} more" if len(errors) > 5 else ""
        plural = "s" if len(errors) > 1 else ""
        summary = f"{len(errors)} error{plural}:\n      {shown}{more}"
    else:
        summary = (proc.stderr or proc.stdout).strip()[-300:]
    if missing and proc.returncode != 0:
        where = NODE_DIR / "package.json"
        summary += f"\n    not in {where} devDependencies: {', '.join(missing)}"
    ok = proc.returncode == 0
    return TypeCheck(set_name, tool.name, TSC_COMMAND, ok, elapsed, summary)


def contracts_config(schemas: Path) -> str:
    """``[tool.contracts]`` of the repository, fitted to one set of schemas.

    Our tool reads it from the folder it runs in; the envelope is kept only when
    the set holds that file (the synthetic set has none).
    """
    pyproject = REPO / "pyproject.toml"
    table = {}
    if pyproject.is_file():
        data = tomllib.loads(pyproject.read_text("utf-8"))
        table = data.get("tool", {}).get("contracts", {})
    lines = ["[tool.contracts]"]
    for key, value in table.items():
        if key in ("schemas", "out") or not isinstance(value, str):
            continue
        if key == "envelope" and not (schemas / value).is_file():
            continue
        lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def stage_repo_schemas(source: Path, dest: Path) -> int:
    """Copy the repo's schema files as the loader sees them; return how many."""
    copied = 0
    for path in sorted(source.rglob("*.json")) if source.is_dir() else []:
        rel = path.relative_to(source)
        hidden = any(part.startswith(".") for part in rel.parts)
        if hidden or rel.as_posix() == "catalog.json":
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / rel)
        copied += 1
    return copied


def startup_seconds() -> float:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def version(tool: Tool) -> str:
    if not tool.version_argv:
        return ""
    proc = subprocess.run(tool.version_argv, capture_output=True, text=True)
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0] if proc.returncode == 0 and lines else ""


def fmt_counts(result: Result) -> tuple[str, str]:
    files = " + ".join(f"{n} {s}" for s, n in result.files.items()) or "-"
    lines = " + ".join(f"{n:,}" for n in result.lines.values()) or "-"
    return files, lines


def print_table(results: list[Result]) -> None:
    header = ("set", "tool", "median s", "min-max s", "files", "lines", "ratio", "note")
    rows = [header]
    for r in results:
        files, lines = fmt_counts(r)
        if r.median is None:
            timing, spread = r.status, "-"
        else:
            timing = f"{r.median:.3f}"
            spread = f"{min(r.seconds):.3f}-{max(r.seconds):.3f}"
        ratio = f"{r.ratio:.1f}x" if r.ratio is not None else "-"
        rows.append((r.set, r.tool, timing, spread, files, lines, ratio, r.note))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for i, row in enumerate(rows):
        cells = [
            c.ljust(w) if j < 2 else c.rjust(w)
            for j, (c, w) in enumerate(zip(row, widths, strict=False))
        ]
        print("  ".join(cells) + "  " + row[-1])
        if i == 0:
            print("  ".join("-" * w for w in widths) + "  " + "-" * 4)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    first_line = (__doc__ or "").splitlines()[0]
    parser = argparse.ArgumentParser(description=first_line)
    add = parser.add_argument
    add("--repeat", type=int, default=3, help="runs per tool, median shown")
    add("--count", type=int, default=200, help="synthetic events")
    add("--seed", type=int, default=2020, help="synthetic set seed")
    add("--quick", action="store_true", help="--count 20 --repeat 1 (CI smoke)")
    add("--schemas", type=Path, default=REPO / "schemas", help="the repo's set")
    add("--json", type=Path, help="also write the results as JSON here")
    add("--keep", type=Path, help="work in this folder and keep sets and outputs")
    add("--typecheck-peers", action="store_true", help="run mypy on peers too")
    add("--selfcheck", action="store_true", help="only check the synthetic set")
    add("--scale", action="store_true", help="growth per shape and size instead")
    add("--shapes", default=",".join(SHAPES), help="--scale: shapes, comma-separated")
    add("--sizes", default=",".join(map(str, SIZES)), help="--scale: sizes")
    add("--peer-max", type=int, default=200, help="--scale: largest peer size")
    add("--split", default="events-1000", help="--scale: set to time by stage")
    args = parser.parse_args(argv)
    if args.quick:
        args.count, args.repeat = 20, 1
    if args.keep:
        keep = args.keep.resolve()
        marker = keep / ".bench-codegen"
        if keep.exists() and any(keep.iterdir()) and not marker.exists():
            parser.error(f"--keep {keep}: not empty and not made by this script")
    return args


def report(results: list[Result], checks: list[TypeCheck]) -> None:
    print_table(results)
    print()
    for c in checks:
        verdict = "type-checks" if c.ok else "does NOT type-check"
        print(f"{c.set} / {c.tool}: {c.command}: {verdict} in {c.seconds:.1f} s")
        print(f"    {c.summary}")
    for r in results:
        if r.status != "ok":
            print(f"\n{r.tool} {r.status} on {r.set}: {r.error}")


def run(args: argparse.Namespace, work: Path) -> int:
    synthetic = work / "sets" / f"synthetic-{args.count}"
    written = write_set(synthetic, args.count, args.seed)
    if args.selfcheck:
        problems = selfcheck(synthetic)
        for problem in problems:
            print(problem)
        print(f"{len(written)} files checked, {len(problems)} problems")
        return 1 if problems else 0

    tools = [ours(), *(make() for make in PEERS)]
    sets: list[tuple[str, Path]] = []
    if stage_repo_schemas(args.schemas, work / "sets" / "repo"):
        sets.append(("repo", work / "sets" / "repo"))
    else:
        print(f"repo set skipped: no schema files in {args.schemas}")
    sets.append((synthetic.name, synthetic))

    versions = {t.name: version(t) for t in tools}
    tsc, tsc_missing = node_bin("tsc")
    if tsc:
        versions["tsc"] = version(Tool("tsc", None, (), version_argv=(tsc, "-v")))
    print(f"python {platform.python_version()} on {platform.platform()}")
    print("".join(f"{name}: {v}\n" for name, v in versions.items() if v), end="")
    print(f"python start-up alone: {startup_seconds():.3f} s (every tool pays it)")
    print(f"{args.repeat} run(s) per tool; wall time of the whole process")
    print(f"ratio = tool median / {tools[0].name} median (above 1: we are faster)")
    for tool in tools:
        if tool.argv is None:
            print(f"{tool.name} skipped: {tool.missing}")
    if tsc is None:
        print(f"{TSC_COMMAND} skipped: {tsc_missing}")
    elif not args.quick and (floor := tsc_floor(tsc, work)) is not None:
        print(f"{TSC_COMMAND} on an empty module: {floor:.1f} s (lib and @types/node")
        print("    checked too, skipLibCheck off: every tsc time below includes it)")
    print()

    results: list[Result] = []
    checks: list[TypeCheck] = []
    for set_name, folder in sets:
        out_root = work / "out" / set_name
        (out_root / "scratch").mkdir(parents=True, exist_ok=True)
        config = contracts_config(folder)
        (out_root / "scratch" / "pyproject.toml").write_text(config, encoding="utf-8")
        these = bench_set(set_name, folder, tools, args.repeat, out_root)
        results += these
        for i, (tool, result) in enumerate(zip(tools, these, strict=True)):
            if result.status != "ok" or (i and not args.typecheck_peers):
                continue
            out = out_root / tool.slug
            if check := typecheck(set_name, tool, out, work):
                checks.append(check)
            if tsc and (check := tsc_check(set_name, tool, out, work, tsc)):
                checks.append(check)
    report(results, checks)
    if args.json:
        payload = {
            "python": platform.python_version(),
            "versions": versions,
            "repeat": args.repeat,
            "count": args.count,
            "seed": args.seed,
            "results": [asdict(r) | {"median": r.median} for r in results],
            "typecheck": [asdict(c) for c in checks],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    crashed = any(r.status == "failed" for r in results)
    ours_missing = any(r.tool == tools[0].name and r.status != "ok" for r in results)
    return 1 if crashed or ours_missing else 0


def run_scale(args: argparse.Namespace, work: Path) -> int:
    shapes = [s for s in args.shapes.split(",") if s]
    sizes = [int(n) for n in args.sizes.split(",") if n]
    return scale_run(shapes, sizes, args.repeat, args.peer_max, args.split, work)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.scale:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            return run_scale(args, Path(tmp))
    if args.keep is None:
        with tempfile.TemporaryDirectory(prefix="bench-codegen-") as tmp:
            return run(args, Path(tmp))
    work = args.keep.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / ".bench-codegen").touch()
    return run(args, work)


if __name__ == "__main__":
    sys.exit(main())
