"""The last stage: assemble both packages' files, write them, or compare with disk.

Output is a mapping of relative POSIX path -> bytes, built in memory. ``write``
makes a folder equal to it (stale files removed); ``diff`` says which files are
changed, missing or extra, which is what ``contracts check`` reports.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.compiler import ir
from codegen.compiler.load import Document
from codegen.errors import CompileError, ContractError
from codegen.python.package import python_files, python_verbatim_source
from codegen.typescript.render import (
    TEMPLATES as TS_TEMPLATES,
)
from codegen.typescript.render import (
    TypeScriptRenderer,
    messages_view,
    module_path,
)

GENERATOR = "contracts 0.1.0"
# Folders below the output folder that the generator owns entirely.
OWNED = ("python", "ts")
# Build artefacts inside owned folders that are not generated files.
_IGNORED = frozenset({"__pycache__", "node_modules", "build", "dist"})


@dataclass(frozen=True)
class Settings:
    python_package: str = "platform_contracts"
    npm_package: str = "@platform/contracts"
    envelope: str | None = None  # the envelope contract, for envelope helpers
    strict: bool = False  # unknown keywords are errors, not annotations


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


def manifest_entry(contract: ir.Contract) -> dict[str, Any]:
    """A contract as ``manifest.json`` lists it (both packages carry the same)."""
    message = contract.message
    return {
        "contract": contract.id,
        "name": contract.type_name.name,
        "module": contract.type_name.module,
        "type": message.type if message else None,
        "version": message.version if message else None,
        "fingerprint": contract.fingerprint,
        "documents": list(contract.documents),
        "full_check": list(contract.full_check),
    }


# Runtime code copied verbatim into every package (not generated from the schemas).
TS_RUNTIME = (
    "_runtime.js", "_runtime.d.ts", "_formats.d.ts", "_formats.js", "_formats_extra.js",
    "_hostname.js", "_idna.js", "_unions.js", "_validate.js", "_catalog.d.ts", "http.js",
    "http.d.ts",
)  # fmt: skip
TS_STREAMS_RUNTIME = ("streams.js", "streams.d.ts", "presence.js", "presence.d.ts")


def verbatim_source(rel: str) -> Path | None:
    """The source of an output file (``python/<pkg>/_support/types.py``,
    ``ts/http.js``)
    that is runtime code copied verbatim, or ``None`` for generated files."""
    parts = rel.split("/")
    if parts[0] == "python" and len(parts) >= 3:
        return python_verbatim_source("/".join(parts[2:]))
    if parts[0] == "ts" and len(parts) == 2:
        if parts[1] in TS_RUNTIME or parts[1] in TS_STREAMS_RUNTIME:
            return TS_TEMPLATES.folder / parts[1]
    return None


def build_files(
    program: ir.Program, documents: list[Document], settings: Settings
) -> dict[str, bytes]:
    """Every file of both packages, by path below the output folder."""
    entries = [manifest_entry(c) for c in program.contracts]
    manifest = {
        "generator": GENERATOR,
        "fingerprint": program.fingerprint,
        "packages": {"python": settings.python_package, "npm": settings.npm_package},
        "contracts": entries,
    }
    files = python_files(program, settings.python_package, entries, GENERATOR)
    for base in (f"python/{settings.python_package}", "ts"):
        # Both packages carry the manifest, the catalogue and the schema sources
        # (the sources of the fingerprints, for live drift).
        files[f"{base}/manifest.json"] = _json(manifest)
        if program.catalog is not None:
            files[f"{base}/catalog.json"] = _json(program.catalog)
        for doc in documents:
            files[f"{base}/schemas/{doc.path}"] = doc.text
    files["ts/_catalog.js"] = TS_TEMPLATES.render(
        "_catalog.js.j2", catalog=program.catalog
    ).encode()
    files.update(_operations_dts(program.catalog, entries))
    files.update(ts_files(program, settings, entries, manifest))
    return files


def ts_files(
    program: ir.Program,
    settings: Settings,
    entries: list[dict[str, Any]],
    manifest: dict[str, Any],
) -> dict[str, bytes]:
    """The npm package: one .js/.d.ts pair per schema file plus the runtime."""
    files: dict[str, bytes] = {}
    contracts = {ir.TypeName(e["module"], e["name"]): e["contract"] for e in entries}
    renderer = TypeScriptRenderer(program, contracts)
    for m in program.modules:
        js, dts = renderer.module_files(m)
        path = module_path(m.name)
        files[f"ts/{path}.js"] = js.encode()
        files[f"ts/{path}.d.ts"] = dts.encode()
    for name in TS_RUNTIME:
        files[f"ts/{name}"] = (TS_TEMPLATES.folder / name).read_bytes()
    files["ts/_schemas.js"] = TS_TEMPLATES.render(
        "schemas.js.j2", bundles=program.bundles
    ).encode()
    context: dict[str, Any] = {
        "modules": [module_path(m.name) for m in program.modules],
        "fingerprint": program.fingerprint,
        "manifest": manifest,
        "package": settings.npm_package,
        "generator": GENERATOR,
    }
    envelope = _envelope_entry(entries, settings.envelope)
    context["envelope"] = envelope
    for name in (
        "index.js",
        "index.d.ts",
        "_manifest.js",
        "_manifest.d.ts",
        "package.json",
    ):
        files[f"ts/{name}"] = TS_TEMPLATES.render(f"{name}.j2", **context).encode()
    if envelope is not None:
        messages = messages_view(program)
        named = [(envelope["name"], module_path(envelope["module"]))]
        named += [(v["name"], v["module"]) for m in messages for v in m["versions"]]
        imports = [f'import type {{ {n} }} from "./{p}.js";' for n, p in named]
        for name in TS_STREAMS_RUNTIME:
            files[f"ts/{name}"] = (TS_TEMPLATES.folder / name).read_bytes()
        for name in ("envelope.js", "envelope.d.ts"):
            files[f"ts/{name}"] = TS_TEMPLATES.render(
                f"{name}.j2",
                envelope=envelope["contract"],
                envelope_name=envelope["name"],
                messages=messages,
                imports=sorted(set(imports)),
            ).encode()
    return files


def _operations_dts(catalog: Any, entries: list[dict[str, Any]]) -> dict[str, bytes]:
    """``ts/operations.d.ts``: each catalogue operation's parameters and bodies."""
    by_contract = {e["contract"]: e for e in entries}
    imports: set[str] = set()
    operations = []

    def type_of(contract: str) -> str:
        entry = by_contract[contract]
        path = module_path(entry["module"])
        imports.add(f'import type {{ {entry["name"]} }} from "./{path}.js";')
        return str(entry["name"])

    for op_id, op in sorted((catalog or {}).get("operations", {}).items()):
        operations.append(
            {
                "id": op_id,
                "method": op["method"].upper(),
                "path": op["path"],
                "description": " ".join(op.get("description", "").split()).replace(
                    "*/", "*\\/"
                ),
                "params": re.findall(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", op["path"]),
                "request": type_of(op["request"]["contract"])
                if "request" in op
                else None,
                "responses": [
                    (int(status), type_of(r["contract"]))
                    for status, r in sorted(op.get("responses", {}).items())
                ],
            }
        )
    text = TS_TEMPLATES.render(
        "operations.d.ts.j2", operations=operations, imports=sorted(imports)
    )
    return {"ts/operations.d.ts": text.encode(), "ts/operations.js": b"export {};\n"}


def _envelope_entry(
    entries: list[dict[str, Any]], envelope: str | None
) -> dict[str, Any] | None:
    if envelope is None:
        return None
    for e in entries:
        if e["contract"] == envelope:
            return e
    raise CompileError(
        [
            ContractError(
                envelope,
                "",
                "no-envelope",
                "the envelope contract (--envelope, or [tool.contracts] envelope"
                " for the configured folder) is not a schema file of this folder",
            )
        ]
    )


def write(out: Path, files: dict[str, bytes]) -> list[str]:
    """Make the owned folders of ``out`` hold exactly ``files``; return what changed."""
    changed = diff(out, files)
    for rel, content in files.items():
        path = out / rel
        if path.is_file() and path.read_bytes() == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for rel in _existing(out):
        if rel not in files:
            (out / rel).unlink()
    for owned in OWNED:
        root = out / owned
        if root.is_dir():
            for d in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
                if d.is_dir() and not any(d.iterdir()):
                    d.rmdir()
    return changed


def _existing(out: Path) -> list[str]:
    result = []
    for owned in OWNED:
        root = out / owned
        if root.is_dir():
            for p in root.rglob("*"):
                rel = p.relative_to(out).as_posix()
                parts = p.relative_to(root).parts
                if p.is_file() and not any(
                    part in _IGNORED or part.endswith(".egg-info") for part in parts
                ):
                    result.append(rel)
    return sorted(result)


def diff(out: Path, files: dict[str, bytes]) -> list[str]:
    """Lines ``changed: x``, ``missing: x``, ``extra: x`` for files that differ."""
    lines = []
    for rel in sorted(files):
        path = out / rel
        if not path.is_file():
            lines.append(f"missing: {rel}")
        elif path.read_bytes() != files[rel]:
            lines.append(f"changed: {rel}")
    for rel in _existing(out):
        if rel not in files:
            lines.append(f"extra: {rel}")
    return lines
