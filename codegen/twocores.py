"""Render and write both packages, the TypeScript one in a forked child process.

``contracts generate`` spends about half its time after compiling: rendering
the Python package, rendering the TypeScript package, and writing them. The two
packages need nothing of each other, so on a machine with two cores or more the
TypeScript package is rendered and written by a child made with ``fork`` (it
inherits the compiled program, nothing is re-parsed), while this process renders
and writes the Python package. The bundled schemas, which only the TypeScript
package holds, are made in the child too (``compile_unbundled``), and sent back
with its files, so the program returned holds them as ``compile_documents`` gives
them.

The result is the same as :func:`sequential`, byte for byte and line for line:

- nothing is written until both packages are rendered: the child renders, says
  so, and writes ``ts/`` only when this process, which has rendered ``python/``,
  tells it to; a failure on either side writes nothing;
- each process writes its own folder (``python/`` or ``ts/``), which
  :func:`emit.write` treats on its own;
- the child sends its files and its list of changes back (``marshal``), and the
  lists are merged in the order one ``write`` of both folders gives.

Whenever the child cannot do its part (no ``fork``, one core, threads running,
the child failed or died), this process does it instead, so the error, if any,
is raised here as in a sequential run. ``CONTRACTS_JOBS=1`` turns the child off.
"""

from __future__ import annotations

import marshal
import os
import signal
import struct
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from codegen.compiler import ir
from codegen.compiler.load import Document
from codegen.emit import (
    Settings,
    envelope_entry,
    manifest_of,
    python_part,
    ts_part,
    write,
)

# Below this many modules a child costs more than it saves.
MIN_MODULES = 100
_RENDERED, _WRITTEN, _FAILED, _GO = b"R", b"D", b"E", b"W"

Files = dict[str, bytes]


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def use_child(program: ir.Program) -> bool:
    """Whether a child process should render and write the TypeScript package."""
    return (
        hasattr(os, "fork")
        and os.environ.get("CONTRACTS_JOBS") != "1"
        and len(program.modules) >= MIN_MODULES
        and cores() > 1
        and threading.active_count() == 1  # fork copies no other thread
    )


def build_and_write(
    out: Path,
    program: ir.Program,
    documents: list[Document],
    settings: Settings,
    bundles: Callable[[], tuple[ir.Bundle, ...]],
    before_write: Callable[[], None] = lambda: None,
) -> tuple[ir.Program, Files, list[str]]:
    """Render both packages into ``out``; return the program with its bundles (which
    ``bundles`` makes, for the TypeScript package only), every file, and what
    changed.

    ``before_write`` runs once both packages are rendered, before the first file
    is written (the stamp goes then)."""
    manifest = manifest_of(program, settings)
    # The one error rendering raises: before a child or a file is made.
    envelope_entry(manifest.entries, settings.envelope)
    made: list[tuple[ir.Bundle, ...]] = []

    def render_ts() -> Files:
        made[:] = [bundles()]
        return ts_part(replace(program, bundles=made[0]), documents, settings, manifest)

    def render_python() -> Files:
        return python_part(program, documents, settings, manifest)

    if not use_child(program):
        files, changed = sequential(out, render_python, render_ts, before_write)
    else:
        files, changed, sent = _with_child(
            out, render_python, render_ts, before_write, lambda: _plain(made[0])
        )
        if sent is not None:  # the child's bundles, as _child sends them
            made[:] = [tuple(ir.Bundle(*fields) for fields in sent)]
    return replace(program, bundles=made[0]), files, changed


def sequential(
    out: Path,
    render_python: Callable[[], Files],
    render_ts: Callable[[], Files],
    before_write: Callable[[], None],
) -> tuple[Files, list[str]]:
    files = render_python()
    files.update(render_ts())
    before_write()
    return files, write(out, files)


def merge(python_lines: list[str], ts_lines: list[str]) -> list[str]:
    """The lines one ``write`` of both folders gives: changes, then removals."""

    def split(lines: list[str]) -> tuple[list[str], list[str]]:
        extra = [line for line in lines if line.startswith("extra: ")]
        return [line for line in lines if not line.startswith("extra: ")], extra

    python_changed, python_extra = split(python_lines)
    ts_changed, ts_extra = split(ts_lines)
    return python_changed + ts_changed + python_extra + ts_extra


def _with_child(
    out: Path,
    render_python: Callable[[], Files],
    render_ts: Callable[[], Files],
    before_write: Callable[[], None],
    ts_extra: Callable[[], Any],
) -> tuple[Files, list[str], Any]:
    """The two packages, this process rendering and writing ``python/`` and a
    child ``ts/``; with what the child sent of its bundles (``None`` when this
    process rendered ``ts/`` itself): ``ts_extra()`` in the child."""
    up_read, up_write = os.pipe()  # child -> parent
    down_read, down_write = os.pipe()  # parent -> child
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(up_read)
        os.close(down_write)
        _child(out, render_ts, ts_extra, up_write, down_read)
    os.close(up_write)
    os.close(down_read)
    finished = False
    sent: Any = None
    try:
        with os.fdopen(up_read, "rb") as up, os.fdopen(down_write, "wb") as down:
            python_files = render_python()
            if up.read(1) == _RENDERED:
                before_write()
                _send(down, _GO)
                python_lines = write(out, python_files, ("python",))
                received = _receive(up)
                if received is None:  # the child could not write: write here
                    ts_files = render_ts()
                    ts = ts_files, write(out, ts_files, ("ts",))
                else:
                    ts_files, ts_lines, sent = received
                    ts = ts_files, ts_lines
            else:  # the child failed to render: render here, where errors show
                ts_files = render_ts()
                before_write()
                python_lines = write(out, python_files, ("python",))
                ts = ts_files, write(out, ts_files, ("ts",))
            finished = True
    finally:
        if not finished:
            _stop(pid)
        os.waitpid(pid, 0)
    return python_files | ts[0], merge(python_lines, ts[1]), sent


def _send(pipe: IO[bytes], data: bytes) -> None:
    """Write to a pipe whose reader may have died (it then reads nothing)."""
    try:
        pipe.write(data)
        pipe.flush()
    except BrokenPipeError:
        pass


def _receive(up: IO[bytes]) -> tuple[Files, list[str], Any] | None:
    """The child's files, changes and bundles, or ``None`` if it failed to write
    them."""
    if up.read(1) != _WRITTEN:
        return None
    header = up.read(8)
    if len(header) != 8:
        return None
    (size,) = struct.unpack("<Q", header)
    payload = up.read(size)
    if len(payload) != size:
        return None
    files, lines, bundles = marshal.loads(payload)
    return files, lines, bundles


def _plain(bundles: tuple[ir.Bundle, ...]) -> list[tuple[Any, ...]]:
    """Bundles as ``marshal`` sends them (``ir.Bundle(*fields)`` makes them again)."""
    return [(b.path, b.uri, b.draft, b.schema) for b in bundles]


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _child(
    out: Path,
    render_ts: Callable[[], Files],
    ts_extra: Callable[[], Any],
    up: int,
    down: int,
) -> Any:
    status = 1
    try:
        with os.fdopen(up, "wb") as send, os.fdopen(down, "rb") as receive:
            try:
                files = render_ts()
            except BaseException:
                send.write(_FAILED)
                raise
            send.write(_RENDERED)
            send.flush()
            if receive.read(1) != _GO:
                return
            lines = write(out, files, ("ts",))
            payload = marshal.dumps((files, lines, ts_extra()))
            send.write(_WRITTEN + struct.pack("<Q", len(payload)))
            send.write(payload)
            status = 0
    except BaseException:
        pass
    finally:
        os._exit(status)
