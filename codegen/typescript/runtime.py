"""The Node runtime the npm package ships: ``runtime/node/compiled/``, compiled once
from the TypeScript in ``runtime/node/src/`` by ``make node-runtime`` and checked in
(``tests/test_node_runtime_build.py`` rebuilds it and compares byte for byte).

A few modules of ``src/`` only declare, for the compiler, what ``contracts generate``
writes itself from the schemas (the bundled schemas, the catalogue, the manifest,
the typed operations and envelope): their compiled ``.js`` (and, where the generator
writes a typed one, ``.d.ts``) are never shipped.
"""

from __future__ import annotations

from pathlib import Path

import runtime

COMPILED = Path(runtime.__file__).resolve().parent / "node" / "compiled"

# Compiled files the generator writes instead (from the schemas).
GENERATED_INSTEAD = frozenset(
    {
        "_schemas.js", "_catalog.js", "_manifest.js", "_manifest.d.ts",
        "operations.js", "operations.d.ts", "envelope.js", "envelope.d.ts",
    }
)  # fmt: skip
# Modules shipped only with an envelope contract (Redis Streams need one).
WITH_ENVELOPE = frozenset(
    {"_envelope", "_publisher", "_streams_common", "streams", "presence"}
)


def _module(name: str) -> str:
    return name.removesuffix(".d.ts").removesuffix(".js")


def runtime_files(with_envelope: bool) -> dict[str, Path]:
    """The compiled runtime files the package ships, by name."""
    out: dict[str, Path] = {}
    for path in sorted(COMPILED.iterdir(), key=lambda p: p.name):
        name = path.name
        if not name.endswith((".js", ".d.ts")) or name in GENERATED_INSTEAD:
            continue
        if _module(name) in WITH_ENVELOPE and not with_envelope:
            continue
        out[name] = path
    return out


def runtime_source(name: str) -> Path | None:
    """The compiled file behind ``ts/<name>`` when the package ships it verbatim."""
    return runtime_files(with_envelope=True).get(name)
