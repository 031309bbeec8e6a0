"""The last stage: assemble both packages' files, write them, or compare with disk.

Output is a mapping of relative POSIX path -> bytes, built in memory. ``write``
makes a folder equal to it (stale files removed); ``diff`` says which files are
changed, missing or extra, which is what ``contracts check`` reports.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from codegen.compiler import ir
from codegen.compiler.compile import RECURSION_ROOM
from codegen.compiler.graph import recursion_room
from codegen.compiler.load import Document
from codegen.errors import CompileError, ContractError

# codegen.outputs's names, re-exported: callers of emit find them here too
from codegen.outputs import GENERATOR as GENERATOR
from codegen.outputs import IGNORED
from codegen.outputs import OWNED as OWNED
from codegen.outputs import Settings as Settings
from codegen.outputs import existing_files as existing_files
from codegen.python.package import python_files, python_verbatim_source
from codegen.typescript.native_patterns import native_safe
from codegen.typescript.render import (
    TEMPLATES as TS_TEMPLATES,
)
from codegen.typescript.render import (
    TypeScriptRenderer,
    js_literal,
    messages_view,
    module_path,
    pattern_table,
)
from codegen.typescript.runtime import runtime_files, runtime_source
from codegen.typescript.validators import checks_files, checks_path, functions_path


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
        "full_check": list(contract.full_check),
    }


def verbatim_source(rel: str) -> Path | None:
    """The source of an output file (``python/<pkg>/_support/types.py``,
    ``ts/http.js``)
    that is runtime code copied verbatim, or ``None`` for generated files."""
    parts = rel.split("/")
    if parts[0] == "python" and len(parts) >= 3:
        return python_verbatim_source("/".join(parts[2:]))
    if parts[0] == "ts" and len(parts) == 2:
        return runtime_source(parts[1])
    return None


def build_files(
    program: ir.Program, documents: list[Document], settings: Settings
) -> dict[str, bytes]:
    """Every file of both packages, by path below the output folder."""
    # The renderers follow chains of aliases as deep as lowering nested them.
    with recursion_room(RECURSION_ROOM):
        return _build_files(program, documents, settings)


def _build_files(
    program: ir.Program, documents: list[Document], settings: Settings
) -> dict[str, bytes]:
    manifest = manifest_of(program, settings)
    files = python_part(program, documents, settings, manifest)
    files.update(ts_part(program, documents, settings, manifest))
    return files


@dataclass(frozen=True)
class Manifest:
    """The manifest both packages carry: its entries, itself, and its JSON."""

    entries: list[dict[str, Any]]
    data: dict[str, Any]
    json: bytes


def manifest_of(program: ir.Program, settings: Settings) -> Manifest:
    entries = [manifest_entry(c) for c in program.contracts]
    manifest = {
        "generator": GENERATOR,
        "fingerprint": program.fingerprint,
        "packages": {"python": settings.python_package, "npm": settings.npm_package},
        "contracts": entries,
        # Each file's direct references, once: the files a contract reaches are
        # their closure (runtime.manifest.reached_files), which listed per entry
        # grew with the square of a chain's length (203 MB at 1,000 files).
        "references": {
            m.source: list(m.references)
            for m in sorted(program.modules, key=lambda m: m.source)
        },
    }
    return Manifest(entries, manifest, _json(manifest))


def _shared(
    base: str, program: ir.Program, documents: list[Document], manifest: Manifest
) -> dict[str, bytes]:
    """What both packages carry below ``base``: the manifest, the catalogue and the
    schema sources (the sources of the fingerprints, for live drift)."""
    files = {f"{base}/manifest.json": manifest.json}
    if program.catalog is not None:
        files[f"{base}/catalog.json"] = _json(program.catalog)
    for doc in documents:
        files[f"{base}/schemas/{doc.path}"] = doc.text
    return files


def python_part(
    program: ir.Program,
    documents: list[Document],
    settings: Settings,
    manifest: Manifest,
) -> dict[str, bytes]:
    """Every file below ``python/``."""
    with recursion_room(RECURSION_ROOM):
        files = python_files(
            program, settings.python_package, manifest.entries, GENERATOR
        )
    base = f"python/{settings.python_package}"
    files.update(_shared(base, program, documents, manifest))
    return files


def ts_part(
    program: ir.Program,
    documents: list[Document],
    settings: Settings,
    manifest: Manifest,
) -> dict[str, bytes]:
    """Every file below ``ts/``."""
    files = ts_main_part(program, documents, settings, manifest)
    files.update(ts_checks_part(program.bundles, contract_ids(manifest.entries)))
    return files


def ts_main_part(
    program: ir.Program,
    documents: list[Document],
    settings: Settings,
    manifest: Manifest,
) -> dict[str, bytes]:
    """The files below ``ts/`` that need no bundle (``program.bundles`` unused):
    all but :func:`ts_checks_part`'s."""
    files = _shared("ts", program, documents, manifest)
    files["ts/_catalog.js"] = TS_TEMPLATES.render(
        "_catalog.js.j2", catalog=program.catalog
    ).encode()
    files.update(_operations_dts(program.catalog, manifest.entries))
    with recursion_room(RECURSION_ROOM):
        files.update(
            ts_module_files(program, settings, manifest.entries, manifest.data)
        )
    return files


def contract_ids(entries: list[dict[str, Any]]) -> list[str]:
    """The contracts of manifest entries, sorted."""
    return sorted({str(e["contract"]) for e in entries})


class BundleTexts(NamedTuple):
    """What ``ts/_schemas.js`` holds of the bundles but their names: each one's
    schema as the JavaScript string of its JSON text (by path), and the table of
    their patterns (:func:`pattern_table`) with those V8 runs itself.

    ``generate``'s child makes it (:func:`bundle_texts`) from the bundles before
    their discriminators are added, while the parent lowers; :meth:`again` then
    makes the texts of the files given discriminators again (a discriminator
    holds no pattern: the table stays)."""

    literals: dict[str, str]
    patterns: list[list[str]]
    native: list[str]

    def again(self, bundles: tuple[ir.Bundle, ...], paths: Container[str]) -> None:
        for b in bundles:
            if b.path in paths:
                self.literals[b.path] = _schema_literal(b.schema)


def bundle_texts(schemas: dict[str, Any]) -> BundleTexts:
    """:class:`BundleTexts` of bundled schemas, by path."""
    table = pattern_table(schemas.values())
    return BundleTexts(
        {path: _schema_literal(schema) for path, schema in schemas.items()},
        table,
        [source for source, _ in table if native_safe(source)],
    )


def _schema_literal(schema: Any) -> str:
    return js_literal(json.dumps(schema, ensure_ascii=False, separators=(",", ":")))


def ts_checks_part(
    bundles: tuple[ir.Bundle, ...],
    contracts: list[str],
    texts: BundleTexts | None = None,
) -> dict[str, bytes]:
    """The files below ``ts/`` made from the bundles: the precompiled validators
    (``ts/_checks/``, of the locations ``contracts`` reach) and ``ts/_schemas.js``
    (the bundles for Ajv; ``texts``, if given, are :func:`bundle_texts` of
    ``bundles``)."""
    with recursion_room(RECURSION_ROOM):
        return _ts_checks_part(bundles, contracts, texts)


def _ts_checks_part(
    bundles: tuple[ir.Bundle, ...],
    contracts: list[str],
    texts: BundleTexts | None,
) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    by_uri = {b.uri.rstrip("#"): b for b in bundles}
    checks = checks_files(by_uri, contracts)
    for path, (text, functions) in checks.items():
        files[f"ts/{checks_path(path)}"] = text.encode()
        if functions is not None:
            files[f"ts/{functions_path(path)}"] = functions.encode()
    checked = set(checks)
    if texts is None:
        texts = bundle_texts({b.path: b.schema for b in bundles})
    files["ts/_schemas.js"] = TS_TEMPLATES.render(
        "schemas.js.j2",
        bundles=bundles,
        checked=checked,
        literals=texts.literals,
        patterns=texts.patterns,
        native=texts.native,
    ).encode()
    return files


def ts_files(
    program: ir.Program,
    settings: Settings,
    entries: list[dict[str, Any]],
    manifest: dict[str, Any],
) -> dict[str, bytes]:
    """The npm package: one .js/.d.ts pair per schema file plus the runtime."""
    files = ts_module_files(program, settings, entries, manifest)
    files.update(ts_checks_part(program.bundles, contract_ids(entries)))
    return files


def ts_module_files(
    program: ir.Program,
    settings: Settings,
    entries: list[dict[str, Any]],
    manifest: dict[str, Any],
) -> dict[str, bytes]:
    """One .js/.d.ts pair per schema file, the runtime and the package's index,
    manifest and envelope modules: all of :func:`ts_files` but the bundles'."""
    files: dict[str, bytes] = {}
    contracts = {ir.TypeName(e["module"], e["name"]): e["contract"] for e in entries}
    renderer = TypeScriptRenderer(program, contracts)
    for m in program.modules:
        js, dts = renderer.module_files(m)
        path = module_path(m.name)
        files[f"ts/{path}.js"] = js.encode()
        files[f"ts/{path}.d.ts"] = dts.encode()
    envelope = envelope_entry(entries, settings.envelope)
    for name, source in runtime_files(with_envelope=envelope is not None).items():
        files[f"ts/{name}"] = source.read_bytes()
    context: dict[str, Any] = {
        "modules": [module_path(m.name) for m in program.modules],
        "fingerprint": program.fingerprint,
        "manifest": manifest,
        "package": settings.npm_package,
        "generator": GENERATOR,
    }
    context["envelope"] = envelope
    context["bodies"] = [renderer.module_body(m) for m in program.modules]
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


def envelope_entry(
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


def write(
    out: Path, files: dict[str, bytes], owned: tuple[str, ...] = OWNED
) -> list[str]:
    """Make the ``owned`` folders of ``out`` hold exactly ``files``; return what
    changed: the files written, in path order, then the files removed.

    Each file is read at most once and written only when its bytes differ.
    """
    existing = existing_files(out, owned)
    lines = write_files(out, files, set(existing))
    return lines + remove_extra(out, files, existing, owned)


def write_files(
    out: Path, files: dict[str, bytes], present: Container[str]
) -> list[str]:
    """Write the ``files`` whose bytes differ from those on disk; return the lines
    ``missing: x`` or ``changed: x`` of those written, in path order. Only the
    paths in ``present`` (``existing_files``) are read first: a fresh folder costs
    no failed opens. Two processes may each write their own share of one folder."""
    lines = []
    made: set[str] = set()
    root = os.fspath(out)
    for rel in sorted(files):
        content = files[rel]
        path = os.path.join(root, rel)
        old = _read(Path(path)) if rel in present or _ignored(rel) else None
        if old == content:
            continue
        lines.append(f"{'missing' if old is None else 'changed'}: {rel}")
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        _write_bytes(path, content)
    return lines


def remove_extra(
    out: Path,
    files: Container[str],
    existing: list[str],
    owned: tuple[str, ...] = OWNED,
) -> list[str]:
    """Remove the ``existing`` files that are not in ``files``, then the folders of
    ``owned`` left empty; return the lines ``extra: x``, in path order. After
    every share of the folders is written (a folder emptied here may be one
    another writer is about to fill)."""
    lines = []
    for rel in existing:
        if rel not in files:
            lines.append(f"extra: {rel}")
            (out / rel).unlink()
    for folder in owned:
        _remove_empty_folders(out / folder)
    return lines


def _write_bytes(path: str, content: bytes) -> None:
    """``Path.write_bytes`` in three system calls (open, write, close): no buffered
    file object, no fstat, ioctl or lseek (thousands of files per generate)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o666)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _read(path: Path) -> bytes | None:
    """A file's bytes, or ``None`` when there is no readable file there."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _remove_empty_folders(root: Path) -> None:
    """Remove the folders below ``root`` (not itself) that hold nothing."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root, topdown=False):
        empty = not names and not any(os.path.lexists(Path(folder, d)) for d in dirs)
        if empty and Path(folder) != root:
            os.rmdir(folder)


def _ignored(rel: str) -> bool:
    """Whether ``existing_files`` leaves out the path (a build artefact's name)."""
    parts = rel.split("/")[1:]
    return any(p in IGNORED or p.endswith(".egg-info") for p in parts)


def diff(out: Path, files: dict[str, bytes]) -> list[str]:
    """Lines ``changed: x``, ``missing: x``, ``extra: x`` for files that differ."""
    lines = []
    for rel in sorted(files):
        old = _read(out / rel)
        if old is None:
            lines.append(f"missing: {rel}")
        elif old != files[rel]:
            lines.append(f"changed: {rel}")
    for rel in existing_files(out):
        if rel not in files:
            lines.append(f"extra: {rel}")
    return lines
