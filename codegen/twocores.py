"""Compile, render and write both packages, the bundles' part in a forked child.

``contracts generate`` spends about half its time after compiling: rendering
the Python package, rendering the TypeScript package, and writing them. On a
machine with two cores or more the work is shared with a child made with
``fork`` (it inherits what is compiled, nothing is re-parsed):

- the child is made during compiling, as soon as references are resolved
  (:func:`compile.compile_unbundled`'s ``early``): while this process lowers
  the schemas it hashes the files' fingerprints and finds the files Node
  validates with cfworker (:meth:`Bundling.ahead`; sent back at once, this
  process waits for them once lowered; it never makes the :class:`Bundler`
  then), bundles the schemas (:meth:`Bundling.raw`) and makes their JSON
  texts for ``ts/_schemas.js`` (:func:`emit.bundle_texts`); then, told what
  lowering gave (the unions told apart by a tag, the contracts' ids: sent as
  soon as lowered, before this process makes the program and its manifest),
  it finishes the bundles and renders what only they give
  (:func:`emit.ts_checks_part`: the precompiled validators ``ts/_checks/`` and
  ``ts/_schemas.js``), and writes those files;
- this process renders and writes everything else (:func:`emit.python_part` and
  :func:`emit.ts_main_part`: the Python package, the TypeScript modules, the
  schema copies).

The split is by work, not by folder: bundling and the validators are about
half the CPU time after references are resolved (events-1000: 0.5 + 1.2 s),
while most files are the other part's (the child writes ~1,000 of ~6,000). The
child sends its files (``marshal``) as soon as they are rendered, and its
bundles at the end, so the files and the program returned are what
``compile_documents`` and one process give.

The result is the same as :func:`sequential`, byte for byte and line for line:

- nothing is written until both parts are rendered: the child renders, says
  so, and writes only when this process, which has rendered its part, tells it
  to; a failure on either side writes nothing;
- a compile error, or any error before writing, stops the child;
- the files already in the output folders are listed once, before the fork;
  each process writes its own files (:func:`emit.write_files`), and stale files
  and empty folders are removed by this process once both have written;
- the lines of changes are merged in path order, as one ``write`` gives them.

Whenever the child cannot do its part (no ``fork``, one core, threads running,
the child failed or died), this process does it instead, so the error, if any,
is raised here as in a sequential run. ``CONTRACTS_JOBS=1`` turns the child off.
"""

from __future__ import annotations

import marshal
import os
import select
import signal
import struct
import sys
import threading
from collections.abc import Callable
from dataclasses import astuple, replace
from pathlib import Path
from typing import IO, Any

from codegen.compiler import ir
from codegen.compiler.compile import Ahead, Bundles, Bundling, Made
from codegen.compiler.load import Document
from codegen.emit import (
    OWNED,
    Settings,
    bundle_texts,
    contract_ids,
    envelope_entry,
    existing_files,
    manifest_of,
    python_part,
    remove_extra,
    ts_checks_part,
    ts_main_part,
    write,
    write_files,
)
from codegen.errors import ContractError

# Below this many modules a child costs more than it saves.
MIN_MODULES = 100
_LOWERED, _RENDERED, _WRITTEN, _FAILED, _GO = b"L", b"R", b"D", b"E", b"W"
_GO_LEAN = b"w"  # go, and keep the bundles (none sent back: keep_bundles false)
_AHEAD = b"P"  # the fingerprints and cfworker's files, the child's first message
# Room in each pipe (a pipe holds 64 kB by default) for the first message of each
# side: the child's fingerprints (130 kB at 1,000 files), so that it bundles while
# the parent lowers instead of waiting for the parent to read them; and what
# lowering gave (124 kB at 1,000 files: the contract ids), so that the child
# renders the validators while the parent renders its part, instead of getting
# the rest of the message once the parent has rendered (the child then started
# its ~1 s of work only then, whenever it had not drained the pipe in time).
_PIPE_SIZE = 1 << 20
_NEED, _CHUNK, _NONE = b"N", b"C", b"X"  # asking for files to write; the answers
# Files the parent writes between looks at the child's asking (and the fewest it
# hands over).
_STEP = 32

Files = dict[str, bytes]


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def use_child(documents: int) -> bool:
    """Whether a child process should make the bundles and write what they give,
    for a program of this many schema documents (one module each)."""
    return (
        hasattr(os, "fork")
        and os.environ.get("CONTRACTS_JOBS") != "1"
        and documents >= MIN_MODULES
        and cores() > 1
        and threading.active_count() == 1  # fork copies no other thread
    )


class Generation:
    """One ``generate`` into ``out``: ``compile_unbundled(..., early=g.start)``,
    then :meth:`build_and_write`, inside ``with``; leaving it stops a child still
    running (a compile error, an error before writing)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.pid: int | None = None
        self.up: IO[bytes] | None = None  # child -> parent, unbuffered
        self.down: IO[bytes] | None = None  # parent -> child
        self.existing: list[str] = []
        self.unsent = b""  # what lowering gave, that the pipe had no room for yet

    def __enter__(self) -> Generation:
        return self

    def __exit__(self, *exc: object) -> None:
        self._end(stop=True)

    def _end(self, stop: bool) -> None:
        for pipe in (self.up, self.down):
            if pipe is not None:
                try:
                    pipe.close()
                except BrokenPipeError:
                    pass
        self.up = self.down = None
        if self.pid is not None:
            if stop:
                _stop(self.pid)
            os.waitpid(self.pid, 0)
            self.pid = None

    def start(self, bundling: Bundling) -> Made | None:
        """Fork the child, if one pays (:func:`use_child`): it hashes the
        fingerprints and bundles while this process lowers. Return what tells it
        what lowering gave and reads the child's :class:`Ahead` (:meth:`ahead`),
        or ``None`` without a child."""
        if self.pid is not None or not use_child(len(bundling.documents)):
            return None
        self.existing = existing_files(self.out, OWNED)
        present = set(self.existing)
        up_read, up_write = os.pipe()  # child -> parent
        down_read, down_write = os.pipe()  # parent -> child
        import fcntl  # POSIX, as fork is

        if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux
            for end in (up_write, down_write):
                try:
                    fcntl.fcntl(end, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
                except OSError:  # above /proc/sys/fs/pipe-max-size: 64 kB then
                    pass
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(up_read)
            os.close(down_write)
            _child(self.out, present, bundling, up_write, down_read)
        os.close(up_write)
        os.close(down_read)
        self.pid = pid
        self.up = os.fdopen(up_read, "rb", buffering=0)
        self.down = os.fdopen(down_write, "wb")
        return self.ahead

    def ahead(
        self, tagged: dict[tuple[str, str], tuple[str, str]], contracts: list[str]
    ) -> Ahead | None:
        """Tell the child what lowering gave (the unions told apart by a tag, the
        contracts' ids), so that it finishes the bundles and renders the
        validators while this process makes the program, its manifest and its
        own part; then the fingerprints and cfworker's files the child found
        (waiting for them if need be), or ``None`` if it failed first (this
        process makes them then; the child's failure shows again when its files
        are asked for)."""
        if self.up is None or self.down is None:
            return None
        lowered = marshal.dumps((tagged, contracts))
        # The child may still be bundling: what the pipe does not take now goes
        # once this process has rendered its part.
        self.unsent = _send_now(
            self.down, _LOWERED + struct.pack("<Q", len(lowered)) + lowered
        )
        if _read(self.up, 1) != _AHEAD:
            return None
        header = _read(self.up, 8)
        if len(header) != 8:
            return None
        (size,) = struct.unpack("<Q", header)
        payload = _read(self.up, size)
        if len(payload) != size:
            return None
        prints, exact, errors = marshal.loads(payload)
        return Ahead(prints, frozenset(exact), [ContractError(*e) for e in errors])

    def build_and_write(
        self,
        program: ir.Program,
        documents: list[Document],
        settings: Settings,
        bundles: Bundles,
        before_write: Callable[[], None] = lambda: None,
        keep_bundles: bool = True,
        rendered: Callable[[Files], None] = lambda files: None,
    ) -> tuple[ir.Program, Files, list[str]]:
        """Render both packages into ``out``; return the program with its bundles
        (which ``bundles`` makes, for the TypeScript package only; none unless
        ``keep_bundles``: the child then does not send them back, 3 MB of
        ``marshal`` at 1,000 schemas), every file, and what changed.

        ``before_write`` runs once both packages are rendered, before the first
        file is written (the stamp goes then); ``rendered`` then, with every file,
        while the child writes its own (the stamp's digest of the files is made
        then: their writing is shared as it goes, so this costs half, not all of
        it at the end)."""
        out = self.out
        manifest = manifest_of(program, settings)
        # The one error rendering raises: before a file is made.
        envelope_entry(manifest.entries, settings.envelope)
        contracts = contract_ids(manifest.entries)
        made: list[tuple[ir.Bundle, ...]] = []

        def render_child() -> Files:
            made[:] = [bundles()]
            return ts_checks_part(made[0], contracts)

        def render_parent() -> Files:
            files = python_part(program, documents, settings, manifest)
            files.update(ts_main_part(program, documents, settings, manifest))
            return files

        if self.pid is None or self.up is None or self.down is None:
            files, changed = sequential(
                out, render_parent, render_child, before_write, rendered
            )
        else:
            try:
                files, changed, sent = _with_child(
                    out,
                    self.existing,
                    self.up,
                    self.down,
                    self.unsent,
                    render_parent,
                    render_child,
                    before_write,
                    rendered,
                    keep_bundles,
                )
            except BaseException:
                self._end(stop=True)
                raise
            self._end(stop=False)
            if sent is not None:  # the child's bundles, as _child sends them
                made[:] = [tuple(ir.Bundle(*fields) for fields in sent)]
        kept = made[0] if keep_bundles else ()
        return replace(program, bundles=kept), files, changed


def sequential(
    out: Path,
    render_parent: Callable[[], Files],
    render_child: Callable[[], Files],
    before_write: Callable[[], None],
    rendered: Callable[[Files], None] = lambda files: None,
) -> tuple[Files, list[str]]:
    files = render_parent()
    files.update(render_child())
    before_write()
    rendered(files)
    return files, write(out, files)


def _path(line: str) -> str:
    return line.partition(": ")[2]


def _with_child(
    out: Path,
    existing: list[str],
    up: IO[bytes],
    down: IO[bytes],
    unsent: bytes,
    render_parent: Callable[[], Files],
    render_child: Callable[[], Files],
    before_write: Callable[[], None],
    rendered: Callable[[Files], None] = lambda files: None,
    keep_bundles: bool = True,
) -> tuple[Files, list[str], Any]:
    """Both parts, this process rendering and writing ``render_parent``'s files
    and the child ``render_child``'s; with what the child sent of its bundles
    (``None`` when this process rendered the child's part itself). ``unsent``:
    the end of what lowering gave, which the pipe had no room for yet.

    The child sends its files once rendered (this process reads them while the
    child would wait for it anyway, or while it would wait for the child), not
    once written: at the end, after both have written, they cost every run
    0.05-0.09 s of CPU while the child had nothing left to do."""
    present = set(existing)
    sent: Any = None
    files = render_parent()
    if unsent:
        _send(down, unsent)
    child_files = _rendered(up)
    if child_files is not None:
        before_write()
        _send(down, _GO if keep_bundles else _GO_LEAN)
        every = files | child_files
        rendered(every)
        lines, given, received = _share(out, files, present, up, down)
        if received is None:  # the child could not write: write here
            child_lines = write_files(out, child_files, present)
            child_lines += write_files(out, given, present)
        else:
            child_lines, sent = received
    else:  # the child failed to render: render here, where errors show
        child_files = render_child()
        before_write()
        every = files | child_files
        rendered(every)
        lines = write_files(out, files, present)
        child_lines = write_files(out, child_files, present)
    changed = sorted(lines + child_lines, key=_path)
    return every, changed + remove_extra(out, every, existing, OWNED), sent


def _framed(up: IO[bytes], tag: bytes) -> Any:
    """The value of the child's next message, which must be ``tag``; ``None`` if
    it sent another or the pipe ended early (the child failed)."""
    if _read(up, 1) != tag:
        return None
    header = _read(up, 8)
    if len(header) != 8:
        return None
    (size,) = struct.unpack("<Q", header)
    payload = _read(up, size)
    if len(payload) != size:
        return None
    return marshal.loads(payload)


def _rendered(up: IO[bytes]) -> Files | None:
    """The files the child rendered, or ``None`` if it failed."""
    files: Files | None = _framed(up, _RENDERED)
    return files


def _share(
    out: Path, files: Files, present: set[str], up: IO[bytes], down: IO[bytes]
) -> tuple[list[str], Files, tuple[list[str], Any] | None]:
    """Write ``files`` from the first path on, and hand the child, each time it
    has written what it holds and asks for more, the last half of those not yet
    written. Return the lines of the files written here, the files handed over,
    and what the child sent at the end (``None`` if it failed).

    Writing costs the two processes unequal time (their own files differ in
    number, and creating a file's inode can cost from 0.05 to 0.5 ms on the same
    machine), so the work is shared as it goes rather than split in advance."""
    order = sorted(files)
    front, back = 0, len(order)
    lines: list[str] = []
    given: Files = {}
    asking, failed = True, False
    while front < back:
        step = min(front + _STEP, back)
        lines += write_files(out, {r: files[r] for r in order[front:step]}, present)
        front = step
        if asking and select.select([up], [], [], 0)[0]:
            if _read(up, 1) != _NEED:  # the child failed or died
                asking, failed = False, True
                continue
            share = (back - front) // 2
            if share < _STEP:
                asking = False
                _send(down, _NONE)
                continue
            chunk = {r: files[r] for r in order[back - share : back]}
            back -= share
            given.update(chunk)
            payload = marshal.dumps(chunk)
            _send(down, _CHUNK + struct.pack("<Q", len(payload)) + payload)
    if asking:  # the child is writing its last share: it asks once more
        if _read(up, 1) == _NEED:
            _send(down, _NONE)
        else:
            failed = True
    return lines, given, None if failed else _receive(up)


def _read(pipe: IO[bytes], size: int) -> bytes:
    """``size`` bytes from an unbuffered pipe, or fewer at its end."""
    parts = []
    while size > 0:
        part = pipe.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _send_now(pipe: IO[bytes], data: bytes) -> bytes:
    """Write what the pipe takes without waiting; return the rest."""
    pipe.flush()
    fd = pipe.fileno()
    view = memoryview(data)
    os.set_blocking(fd, False)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except (BlockingIOError, BrokenPipeError):
        pass
    finally:
        os.set_blocking(fd, True)
    return bytes(view)


def _send(pipe: IO[bytes], data: bytes) -> None:
    """Write to a pipe whose reader may have died (it then reads nothing)."""
    try:
        pipe.write(data)
        pipe.flush()
    except BrokenPipeError:
        pass


def _receive(up: IO[bytes]) -> tuple[list[str], Any] | None:
    """The child's changes and bundles, or ``None`` if it failed to write its
    files."""
    found = _framed(up, _WRITTEN)
    if found is None:
        return None
    lines, bundles = found
    return lines, bundles


def _plain(bundles: tuple[ir.Bundle, ...]) -> list[tuple[Any, ...]]:
    """Bundles as ``marshal`` sends them (``ir.Bundle(*fields)`` makes them again)."""
    return [(b.path, b.uri, b.draft, b.schema, b.engine) for b in bundles]


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _child(
    out: Path,
    present: set[str],
    bundling: Bundling,
    up: int,
    down: int,
) -> Any:
    status = 1
    try:
        with os.fdopen(up, "wb") as send, os.fdopen(down, "rb") as receive:
            try:
                # While the parent lowers: the fingerprints and cfworker's files
                # first (it waits for them once lowered), then the longest part of
                # bundling.
                prints, exact, errors = bundling.ahead()
                ahead = marshal.dumps((prints, exact, [astuple(e) for e in errors]))
                send.write(_AHEAD + struct.pack("<Q", len(ahead)) + ahead)
                send.flush()
                raw = bundling.raw()
                texts = bundle_texts({d.path: raw[d.path] for d in bundling.documents})
                if receive.read(1) != _LOWERED:
                    return  # the parent stopped: a compile error
                (size,) = struct.unpack("<Q", receive.read(8))
                tagged, contracts = marshal.loads(receive.read(size))
                bundles = bundling.finish(raw, tagged, exact)
                texts.again(bundles, {file for file, _ in tagged})
                files = ts_checks_part(bundles, contracts, texts)
                rendered = marshal.dumps(files)
            except BaseException:
                send.write(_FAILED)
                raise
            send.write(_RENDERED + struct.pack("<Q", len(rendered)))
            send.write(rendered)
            send.flush()
            del rendered
            go = receive.read(1)
            if go not in (_GO, _GO_LEAN):
                return
            keep = go == _GO
            lines = write_files(out, files, present)
            while True:  # then what the parent hands over, until it has no more
                send.write(_NEED)
                send.flush()
                kind = receive.read(1)
                if kind == _NONE:
                    break
                if kind != _CHUNK:
                    return
                (size,) = struct.unpack("<Q", receive.read(8))
                lines += write_files(out, marshal.loads(receive.read(size)), present)
            payload = marshal.dumps((lines, _plain(bundles) if keep else None))
            send.write(_WRITTEN + struct.pack("<Q", len(payload)))
            send.write(payload)
            status = 0
    except BaseException:
        pass
    finally:
        os._exit(status)
