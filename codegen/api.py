"""The library entry points the CLI calls: generate, check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codegen.compiler import ir
from codegen.compiler.compile import compile_documents
from codegen.emit import Settings, build_files, diff, write


@dataclass(frozen=True)
class GenerateResult:
    program: ir.Program
    files: dict[str, bytes]


def generate(schemas: Path, settings: Settings | None = None) -> GenerateResult:
    """Compile ``schemas`` and render every output file, in memory."""
    settings = settings or Settings()
    program, documents = compile_documents(schemas)
    return GenerateResult(program, build_files(program, documents, settings))


def generate_to(
    schemas: Path, out: Path, settings: Settings | None = None
) -> list[str]:
    """Generate into ``out``; return the files that changed."""
    result = generate(schemas, settings)
    return write(out, result.files)


def check(schemas: Path, out: Path, settings: Settings | None = None) -> list[str]:
    """What differs between ``out`` and a fresh generation (empty when fresh)."""
    return diff(out, generate(schemas, settings).files)
