"""How ``contracts generate`` and ``contracts check`` grow with the number of schemas.

Run by ``benchmarks/codegen.py --scale``. For every shape of
:mod:`benchmarks.shapes` and every size, it writes the set and times, as whole
processes (start-up and imports included), ``--repeat`` runs each of:

- ``generate``: our tool into an empty folder (Python and TypeScript together);
- ``check``: ``contracts check`` of that output, unchanged;
- datamodel-code-generator with its defaults (black + isort; it runs black in
  the same process), on the same
  files, at the sizes up to ``--peer-max`` only (it takes seconds per hundred
  schemas and grows faster than linearly; the output says which sizes it ran).

Before timing, ``codegen/`` and ``runtime/`` are byte-compiled, as a wheel install
does (:func:`compile_toolkit`). Per run it prints the median wall time and its
range, the CPU time (user + system: on a machine shared with other work it moves
less than wall time), the peak memory (maximum resident
set size of the process, from ``wait4``), the growth factor against the
previous size of the same shape (time ratio / size ratio, so linear cost is
about 1.0 per step whatever the sizes), and ``peer median / our median``.

It then compiles one set in-process (``--split``, default the 1,000 ``events``
set) and times the stages separately: compile (load, resolve, lower, analyse),
the Python package, the TypeScript package, and writing the files, so the
shares of each language can be read apart.
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.peers import REPO, find
from benchmarks.shapes import SHAPES, write_shape

SIZES = (200, 800, 1000, 2000)


@dataclass
class Timing:
    shape: str
    size: int
    tool: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    output_mb: float = 0.0
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None


def timed(argv: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """Run once: (wall seconds, CPU seconds, peak RSS in MB, error text or "")."""
    with tempfile.TemporaryFile() as err:  # a pipe could fill up and block the run
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace")
    peak = usage.ru_maxrss / 1024  # KB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    if proc.returncode != 0:
        tail = "\n".join(text.strip().splitlines()[-8:])
        return elapsed, cpu, peak, f"exit {proc.returncode}: {tail}"
    return elapsed, cpu, peak, ""


def compile_toolkit() -> None:
    """Byte-compile ``codegen/`` and ``runtime/``, as installing a wheel does.

    datamodel-code-generator runs from site-packages with the ``.pyc`` files pip
    wrote; ours runs from the repository (an editable install), where a shell with
    ``PYTHONDONTWRITEBYTECODE`` set (ours is) would compile every source file again
    at each start (about 60 ms a run, measured). Both are timed as installed."""
    for package in ("codegen", "runtime"):
        compileall.compile_dir(str(REPO / package), quiet=1)


def tree_mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def commands(contracts: str, schemas: Path, out: Path) -> dict[str, list[str]]:
    io = ["--schemas", str(schemas), "--out", str(out)]
    return {
        "generate": [contracts, "generate", *io],
        "check": [contracts, "check", *io],
    }


def peer_argv(exe: str, schemas: Path, out: Path) -> list[str]:
    flags = "--input-file-type jsonschema --output-model-type pydantic_v2.BaseModel"
    return [exe, "--input", str(schemas), "--output", str(out), *flags.split()]


def measure(
    shape: str, size: int, repeat: int, peer_max: int, work: Path
) -> list[Timing]:
    folder = work / f"{shape}-{size}"
    schemas, out, peer_out = folder / "schemas", folder / "out", folder / "peer"
    shutil.rmtree(folder, ignore_errors=True)
    write_shape(schemas, shape, size)
    contracts = find("contracts") or "contracts"
    peer = find("datamodel-codegen")
    rows = [Timing(shape, size, "generate"), Timing(shape, size, "check")]
    if peer and size <= peer_max:
        rows.append(Timing(shape, size, "datamodel-codegen"))
    argvs = commands(contracts, schemas, out)
    for _ in range(repeat):
        for row in rows:
            if row.error:
                continue
            if row.tool == "generate":
                shutil.rmtree(out, ignore_errors=True)
            if row.tool == "datamodel-codegen":
                assert peer is not None
                shutil.rmtree(peer_out, ignore_errors=True)
                argv = peer_argv(peer, schemas, peer_out)
            else:
                argv = argvs[row.tool]
            seconds, cpu, peak, error = timed(argv, folder)
            if error:
                row.error = error
                continue
            row.seconds.append(seconds)
            row.cpu.append(cpu)
            row.peak_mb.append(peak)
    rows[0].output_mb = tree_mb(out) if out.is_dir() else 0.0
    if len(rows) > 2 and peer_out.exists():
        rows[2].output_mb = tree_mb(peer_out)
    return rows


def split_stages(schemas: Path, out: Path) -> dict[str, float]:
    """CPU seconds per stage of one in-process ``generate`` (imports excluded;
    one process, with the cyclic garbage collector off as ``generate`` runs)."""
    from codegen.api import no_cycle_collection

    with no_cycle_collection():
        return _split_stages(schemas, out)


def _split_stages(schemas: Path, out: Path) -> dict[str, float]:
    from codegen.compiler.compile import compile_documents
    from codegen.emit import Settings, build_files, ts_files, write
    from codegen.python.package import python_files

    settings = Settings()
    start = time.process_time()
    program, documents = compile_documents(schemas)
    compiled = time.process_time()
    files = build_files(program, documents, settings)
    built = time.process_time()
    shutil.rmtree(out, ignore_errors=True)
    write(out, files)
    written = time.process_time()
    # The two packages again, apart (build_files above made both, and the
    # manifest, catalogue and schema copies they share).
    entries = _entries(program)
    t0 = time.process_time()
    python_files(program, settings.python_package, entries, "bench")
    t1 = time.process_time()
    ts_files(program, settings, entries, {"contracts": entries})
    t2 = time.process_time()
    return {
        "compile": compiled - start,
        "render both (build_files)": built - compiled,
        "  of which Python package": t1 - t0,
        "  of which TypeScript package": t2 - t1,
        "write": written - built,
    }


def _entries(program: object) -> list[dict[str, object]]:
    from codegen.compiler import ir
    from codegen.emit import manifest_entry

    assert isinstance(program, ir.Program)
    return [manifest_entry(c) for c in program.contracts]


def fmt(row: Timing) -> tuple[str, str, str, str]:
    """(median wall, wall range, median CPU and its range, peak memory)."""
    if row.error or row.median is None or row.cpu_median is None:
        return "failed", "-", "-", "-"
    spread = f"{min(row.seconds):.2f}-{max(row.seconds):.2f}"
    cpu = f"{row.cpu_median:.2f} ({min(row.cpu):.2f}-{max(row.cpu):.2f})"
    peak = f"{max(row.peak_mb):.0f}"
    return f"{row.median:.2f}", spread, cpu, peak


def report(rows: list[Timing], peer_max: int) -> None:
    header: tuple[str, ...] = ("shape", "size", "tool", "wall s", "min-max")
    header += ("cpu s (min-max)", "peak MB", "out MB", "growth", "ratio")
    table: list[tuple[str, ...]] = [header]
    previous: dict[tuple[str, str], Timing] = {}
    ours: dict[tuple[str, int], Timing] = {}
    for row in rows:
        median, spread, cpu, peak = fmt(row)
        growth = "-"
        before = previous.get((row.shape, row.tool))
        if before and before.cpu_median and row.cpu_median:
            step = row.cpu_median / before.cpu_median
            growth = f"{step:.2f}x ({step / (row.size / before.size):.2f})"
        if row.cpu_median is not None:
            previous[(row.shape, row.tool)] = row
        if row.tool == "generate":
            ours[(row.shape, row.size)] = row
        ratio = "-"
        base = ours.get((row.shape, row.size))
        if row.tool == "datamodel-codegen" and base and base.median and row.median:
            assert base.cpu_median and row.cpu_median
            wall = row.median / base.median
            ratio = f"{row.cpu_median / base.cpu_median:.1f}x (wall {wall:.1f}x)"
        out_mb = f"{row.output_mb:.1f}" if row.output_mb else "-"
        table.append(
            (row.shape, str(row.size), row.tool, median, spread, cpu, peak, out_mb)
            + (growth, ratio)
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for i, r in enumerate(table):
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(
        "cpu: user + system seconds of the process (one core; on a shared machine"
        " steadier than wall time, which waits for the other processes too)"
    )
    print(
        "growth: CPU time / CPU time at the previous size of the same shape and tool;"
        " in brackets divided by the size ratio (1.00 = linear)"
    )
    print(
        "ratio: datamodel-codegen / our generate, median CPU (and wall) time, same"
        " files, same run;"
        f" datamodel-codegen ran at sizes <= {peer_max} only (--peer-max)"
    )
    for row in rows:
        if row.error:
            print(f"\n{row.tool} failed on {row.shape}-{row.size}: {row.error}")


def run(
    shapes: list[str],
    sizes: list[int],
    repeat: int,
    peer_max: int,
    split: str,
    work: Path,
) -> int:
    """Measure every shape and size; print the table; 1 if our tool failed."""
    for shape in shapes:
        if shape not in SHAPES:
            raise SystemExit(f"unknown shape {shape!r}: one of {', '.join(SHAPES)}")
    print(f"shapes {', '.join(shapes)}; sizes {', '.join(map(str, sizes))};")
    print(f"{repeat} run(s) each, round-robin; wall time of the whole process")
    compile_toolkit()
    print("codegen/ and runtime/ byte-compiled first, as a wheel install does")
    rows: list[Timing] = []
    for shape in shapes:
        for size in sizes:
            these = measure(shape, size, repeat, peer_max, work)
            rows += these
            shown = ", ".join(f"{r.tool} {fmt(r)[2]} cpu" for r in these)
            print(f"  {shape}-{size}: {shown}", flush=True)
            shutil.rmtree(work / f"{shape}-{size}", ignore_errors=True)
    print()
    report(rows, peer_max)
    if split:
        split_shape, _, split_size = split.partition("-")
        folder = work / f"split-{split}"
        write_shape(folder / "schemas", split_shape, int(split_size))
        stages = split_stages(folder / "schemas", folder / "out")
        print(f"\nstages of one in-process generate of {split} (CPU seconds):")
        for name, seconds in stages.items():
            print(f"  {name:32} {seconds:.2f}")
    failed = any(r.error for r in rows if r.tool != "datamodel-codegen")
    return 1 if failed else 0
