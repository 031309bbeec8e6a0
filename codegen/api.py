"""The library entry points the CLI calls: generate, check."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codegen import stamp
from codegen.outputs import Settings

if TYPE_CHECKING:
    from codegen.compiler import ir

# The compiler and the renderers (codegen.compiler.compile, codegen.emit,
# codegen.twocores) are imported by the functions that use them: `contracts
# check` with a stamp that matches needs none of them (their imports, jinja2,
# referencing and pydantic-core were most of its time).


@dataclass(frozen=True)
class GenerateResult:
    program: ir.Program
    files: dict[str, bytes]
    stamp: stamp.Stamp | None = None  # what it was made from, taken before compiling


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector off for the duration, on again after (if it
    was). Compiling and rendering make millions of objects that live until the
    end, and almost no cycles: each automatic collection walked the growing
    heap again (events-1000 in one process: 658 collections, 0.6-0.7 s of
    5.4-6.6 s CPU; peak memory the same without them, 183 vs 184 MB; chain-1000
    384 vs 385 MB). Nothing is frozen: in a long-lived process (a test run, a
    dev server) the objects of one generation must stay collectable, so the
    first collection after walks what is still alive (0.1-0.3 s at 1,000
    schemas). ``contracts generate`` and ``contracts check``, whose process
    ends with the command, keep it off until exit
    (:func:`collector_off_until_exit`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_ENDS_WITH_PROCESS = [False]


def collector_off_until_exit() -> None:
    """For a command whose process ends when it does (``generate``, ``check``):
    the cyclic collector off until exit, so neither the heap a generation leaves
    nor the interpreter's exit is walked. Commands that may run long (``dlq``,
    ``drift --redis``) keep it. The ``contracts`` script then ends the process
    without the interpreter's teardown (:func:`ends_with_process`)."""
    gc.disable()
    _ENDS_WITH_PROCESS[0] = True


def ends_with_process() -> bool:
    """Whether the command run is one that ends with its process and holds
    nothing that needs the interpreter's teardown (no open file it wrote, no
    ``atexit`` work, no thread): ``generate`` and ``check``."""
    return _ENDS_WITH_PROCESS[0]


def generate(schemas: Path, settings: Settings | None = None) -> GenerateResult:
    """Compile ``schemas`` and render every output file, in memory."""
    with no_cycle_collection():
        return _generate(schemas, settings or Settings())


def _generate(schemas: Path, settings: Settings) -> GenerateResult:
    from codegen.compiler.compile import compile_documents
    from codegen.emit import build_files

    made_from = stamp.current(schemas, settings) if schemas.is_dir() else None
    program, documents = compile_documents(schemas, settings.strict)
    files = build_files(program, documents, settings)
    return GenerateResult(program, files, made_from)


def generate_to(
    schemas: Path, out: Path, settings: Settings | None = None
) -> list[str]:
    """Generate into ``out``; return the files that changed."""
    return generate_into(schemas, out, settings, bundles=False)[1]


def generate_into(
    schemas: Path, out: Path, settings: Settings | None = None, bundles: bool = True
) -> tuple[GenerateResult, list[str]]:
    """Generate into ``out`` (part of the work in a child process when that is
    faster: :mod:`codegen.twocores`); return the result and the files that
    changed, as :func:`generate` then :func:`write_result` would, except that
    the program holds no bundles unless ``bundles`` (``contracts generate``
    needs none: the child then keeps them)."""
    from codegen.compiler.compile import compile_unbundled
    from codegen.twocores import Generation

    settings = settings or Settings()
    made_from = stamp.current(schemas, settings) if schemas.is_dir() else None
    digests: list[str] = []  # the stamp's, of the files, made while writing them

    def digest(files: dict[str, bytes]) -> None:
        if made_from is not None:
            digests.append(stamp.outputs_digest(files))

    with no_cycle_collection(), Generation(out) as generation:
        program, documents, made = compile_unbundled(
            schemas, settings.strict, generation.start
        )
        program, files, changed = generation.build_and_write(
            program,
            documents,
            settings,
            made,
            lambda: stamp.remove_stamp(out),
            keep_bundles=bundles,
            rendered=digest,
        )
        if made_from is not None:
            stamp.write_stamp(out, made_from, files, digests[-1] if digests else None)
    return GenerateResult(program, files, made_from), changed


def write_result(out: Path, result: GenerateResult) -> list[str]:
    """Write a generation into ``out`` and its stamp; return the files that changed."""
    from codegen.emit import write

    stamp.remove_stamp(out)
    changed = write(out, result.files)
    if result.stamp is not None:
        stamp.write_stamp(out, result.stamp, result.files)
    return changed


def annotation_summary(program: ir.Program, shown: int = 5) -> str | None:
    """One line about the unknown keywords kept as annotations, if any."""
    if not program.annotations:
        return None
    total = sum(count for _, count in program.annotations)
    names = ", ".join(f"{n} ({c})" for n, c in program.annotations[:shown])
    more = len(program.annotations) - shown
    rest = f" and {more} more name(s)" if more > 0 else ""
    return (
        f"ignored {total} unknown keyword(s) as annotations: {names}{rest}"
        " (--strict refuses them)"
    )


def format_summary(program: ir.Program, shown: int = 5) -> str | None:
    """One line about the unknown formats kept as annotations, if any."""
    if not program.unknown_formats:
        return None
    total = sum(count for _, count in program.unknown_formats)
    names = ", ".join(f"{n} ({c})" for n, c in program.unknown_formats[:shown])
    more = len(program.unknown_formats) - shown
    rest = f" and {more} more" if more > 0 else ""
    return (
        f"not asserting {total} unknown format(s), kept as annotations: {names}{rest}"
        " (--strict refuses them)"
    )


def check(schemas: Path, out: Path, settings: Settings | None = None) -> list[str]:
    """What differs between ``out`` and a fresh generation (empty when fresh).

    A stamp that matches the schemas, settings, toolkit and the files on disk
    answers without compiling; anything else is compared in full.
    """
    settings = settings or Settings()
    if schemas.is_dir() and stamp.is_fresh(schemas, out, settings):
        return []
    from codegen.emit import diff

    return diff(out, generate(schemas, settings).files)
