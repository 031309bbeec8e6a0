"""``contracts docs``: OpenAPI 3.1 for HTTP operations, AsyncAPI 3.0 for streams.

Both documents come from the catalogue and the schemas. Every contract an operation
or a stream uses is bundled into the document's ``components.schemas`` under its
type name (the same name as in the generated Python and TypeScript), together with
every schema it references, and every ``$ref`` is rewritten to point inside the
document; ``$id``, ``$anchor`` and ``$schema`` are dropped from the copies, so a
reader resolves nothing outside it. OpenAPI 3.1 schemas are JSON Schema 2020-12
(``jsonSchemaDialect``); AsyncAPI payloads are Multi Format Schema Objects with the
2020-12 schema format. Output is deterministic: sorted keys where order carries no
meaning, no timestamps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

from codegen.compiler.compile import compile_documents
from codegen.compiler.load import Document
from codegen.compiler.resolve import Resolver, SchemaGraph
from codegen.compiler.vocabulary import subschemas
from codegen.emit import GENERATOR, Settings, manifest_entry
from codegen.errors import CompileError, ContractError
from runtime.jsonpointer import pointer_join, resolve_pointer

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
DRAFT7_FORMAT = "application/schema+json;version=draft-07"
DRAFT7_URI = "http://json-schema.org/draft-07/schema#"
OPENAPI_FILE = "openapi.json"
ASYNCAPI_FILE = "asyncapi.json"
PROBLEM_CONTRACT = "common/problem.json#/$defs/ProblemDetails"
# What the contract layer answers, whatever the catalogue declares, for an operation
# that takes a body.
REFUSALS = {
    "400": "malformed JSON, or nested too deeply (refused by the contract layer)",
    "413": "request body too large (refused by the contract layer)",
    "415": "not a JSON content type (refused by the contract layer)",
    "422": "the request body breaks its contract (refused by the contract layer)",
}
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Keywords that only make sense in the schema's own file; refs are rewritten instead.
_DROPPED = frozenset({"$id", "$anchor", "$dynamicAnchor", "$schema"})
_VERSION = GENERATOR.split()[-1]

Place = Callable[[str], str]  # component name -> the JSON pointer URI of its schema


@dataclass(frozen=True)
class ApiDocs:
    """The two documents, as JSON values."""

    openapi: dict[str, Any]
    asyncapi: dict[str, Any]

    def files(self) -> dict[str, bytes]:
        return {OPENAPI_FILE: _dump(self.openapi), ASYNCAPI_FILE: _dump(self.asyncapi)}


def _dump(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


class ComponentBundler:
    """Component schemas for contract locations, with refs rewritten by a Place."""

    def __init__(self, documents: list[Document], entries: list[dict[str, Any]]):
        self.graph = SchemaGraph(documents)
        self.documents = {d.path: d for d in documents}
        self.entries = entries
        self.by_contract = {e["contract"]: e for e in entries}
        self.at: dict[tuple[str, str], str] = {}
        for e in entries:
            file, _, pointer = e["contract"].partition("#")
            self.at[(file, pointer)] = e["name"]
        self.where = {name: location for location, name in self.at.items()}

    def name(self, contract: str) -> str:
        return str(self.by_contract[contract]["name"])

    def _target(self, file: str, pointer: str, source: str) -> tuple[str, str]:
        """The component holding ``file#pointer`` and the pointer inside it."""
        best: tuple[str, str] | None = None
        for (f, p), name in self.at.items():
            if f == file and (pointer == p or pointer.startswith(p + "/")):
                if best is None or len(p) > len(self.where[best[0]][1]):
                    best = (name, pointer[len(p) :])
        if best is None:
            raise CompileError(
                [
                    ContractError(
                        source,
                        "",
                        "docs-ref",
                        f"a $ref reaches {file}#{pointer}, which is inside no file"
                        " root or $defs entry, so it has no place in the documents",
                    )
                ]
            )
        return best

    def component(self, name: str, place: Place) -> tuple[Any, set[str]]:
        """The schema of a component and the components it references."""
        file, pointer = self.where[name]
        doc = self.documents[file]
        node = resolve_pointer(doc.contents, pointer)
        resolver = self.graph.root_resolver(file)
        if pointer:  # a $defs entry: its own $id scope, if it has one
            resolver = self.graph.descend(resolver, node, doc.draft)
        used: set[str] = set()

        def rewrite(value: Any, at: str, resolver: Resolver) -> Any:
            if not isinstance(value, dict):
                return value
            if at != pointer:
                resolver = self.graph.descend(resolver, value, doc.draft)
            children = {p for _, p in subschemas(value, doc.draft, at)}
            out: dict[str, Any] = {}
            for key, item in value.items():
                if key in _DROPPED or (
                    at == "" and key in ("$defs", "definitions")  # own components
                ):
                    continue
                child = pointer_join(at, key)
                if key == "$ref" and isinstance(item, str):
                    target = self.graph.resolve(resolver, item, file, at)
                    ref, rest = self._target(target.file, target.pointer, file)
                    used.add(ref)
                    out[key] = place(ref) + rest
                else:
                    out[key] = walk(item, child, children, resolver)
            return out

        def walk(value: Any, at: str, children: set[str], resolver: Resolver) -> Any:
            if at in children:
                return rewrite(value, at, resolver)
            if isinstance(value, dict):
                return {
                    k: walk(v, pointer_join(at, k), children, resolver)
                    for k, v in value.items()
                }
            if isinstance(value, list):
                return [
                    walk(v, pointer_join(at, i), children, resolver)
                    for i, v in enumerate(value)
                ]
            return value

        schema = rewrite(node, pointer, resolver)
        if doc.draft == "7" and isinstance(schema, dict):
            schema = {"$schema": DRAFT7_URI, **schema}
        return schema, used

    def closure(self, names: Iterable[str], place: Place) -> dict[str, Any]:
        """The named components and every component they reach, sorted by name."""
        found: dict[str, Any] = {}
        todo = sorted(set(names), reverse=True)
        while todo:
            name = todo.pop()
            if name in found:
                continue
            found[name], used = self.component(name, place)
            todo.extend(sorted(used - found.keys(), reverse=True))
        return dict(sorted(found.items()))

    def problem_name(self) -> str | None:
        """The component of RFC 9457 problem documents, when the folder has one."""
        entry = self.by_contract.get(PROBLEM_CONTRACT)
        return None if entry is None else str(entry["name"])

    def draft(self, name: str) -> str:
        return self.documents[self.where[name][0]].draft


def _description(bundler: ComponentBundler, contract: str) -> str:
    file, _, pointer = contract.partition("#")
    node = resolve_pointer(bundler.documents[file].contents, pointer)
    text = node.get("description", "") if isinstance(node, dict) else ""
    return str(text)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"


def openapi(
    bundler: ComponentBundler, catalog: dict[str, Any], fingerprint: str
) -> Any:
    """The OpenAPI 3.1 document of the catalogue's HTTP operations."""

    def place(name: str) -> str:
        return "#/components/schemas/" + name

    paths: dict[str, dict[str, Any]] = {}
    roots: set[str] = set()

    def problem_schema() -> dict[str, Any]:
        name = bundler.problem_name()
        if name is None:
            return {"type": "object", "required": ["type", "title", "status"]}
        roots.add(name)
        return {"$ref": place(name)}

    operations = catalog.get("operations", {})
    for op_id in sorted(operations):
        op = operations[op_id]
        operation: dict[str, Any] = {
            "operationId": op_id,
            "description": op["description"],
        }
        params = _PARAM.findall(op["path"])
        if params:
            operation["parameters"] = [
                {
                    "name": p,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
                for p in params
            ]
        if "request" in op:
            name = bundler.name(op["request"]["contract"])
            roots.add(name)
            operation["requestBody"] = {
                "required": True,
                "description": _description(bundler, op["request"]["contract"]),
                "content": {"application/json": {"schema": {"$ref": place(name)}}},
            }
        responses: dict[str, Any] = {}
        for status in sorted(op["responses"], key=int):
            contract = op["responses"][status]["contract"]
            name = bundler.name(contract)
            roots.add(name)
            media = (
                "application/problem+json" if int(status) >= 400 else "application/json"
            )
            responses[status] = {
                "description": f"{_phrase(int(status))}: {name}",
                "content": {media: {"schema": {"$ref": place(name)}}},
            }
        if "request" in op:
            # The contract layer's own refusals (runtime/http.py, http.js).
            for status, why in REFUSALS.items():
                if status not in responses:
                    schema = problem_schema()
                    responses[status] = {
                        "description": f"{_phrase(int(status))}: {why}",
                        "content": {"application/problem+json": {"schema": schema}},
                    }
        operation["responses"] = dict(sorted(responses.items()))
        operation["x-server"] = op["server"]
        operation["x-clients"] = list(op.get("clients", []))
        paths.setdefault(op["path"], {})[op["method"].lower()] = operation
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": DIALECT,
        "info": {
            "title": "Contracts: HTTP operations",
            "version": _VERSION,
            "description": "The HTTP operations of schemas/catalog.json between the"
            " Python agents and the Node business modules, generated by `contracts"
            " docs`. Every operation that takes a body also answers 400, 413, 415"
            " and 422 with an RFC 9457 problem document when the contract layer"
            " refuses a request, whether or not the catalogue lists them.",
        },
        "x-fingerprint": fingerprint,
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": bundler.closure(roots, place)},
    }


def asyncapi(
    bundler: ComponentBundler,
    catalog: dict[str, Any],
    fingerprint: str,
    envelope: str | None,
) -> Any:
    """The AsyncAPI 3.0 document of the catalogue's Redis streams."""

    def place(name: str) -> str:
        return f"#/components/schemas/{name}/schema"

    roots: set[str] = set()
    envelope_name = None
    if envelope is not None and envelope in bundler.by_contract:
        envelope_name = bundler.name(envelope)
        roots.add(envelope_name)
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    streams = catalog.get("streams", {})
    for stream in sorted(streams):
        channel_messages: dict[str, Any] = {}
        roles: dict[tuple[str, str], list[str]] = {}
        for carried in streams[stream]["messages"]:
            entry = bundler.by_contract[carried["contract"]]
            name = str(entry["name"])
            roots.add(name)
            message_id = (
                f"{entry['type']}.v{entry['version']}" if entry["type"] else name
            )
            messages[message_id] = _message(
                bundler, entry, message_id, place, envelope_name
            )
            channel_messages[message_id] = {
                "$ref": f"#/components/messages/{message_id}"
            }
            for runtime in carried["producers"]:
                roles.setdefault(("send", runtime), []).append(message_id)
            for runtime in carried["consumers"]:
                roles.setdefault(("receive", runtime), []).append(message_id)
        channels[stream] = {
            "address": f"stream:{{{stream}}}",
            "title": stream,
            "description": streams[stream]["description"]
            + "\n\nThe address is the Redis key; its braces are a Redis Cluster hash"
            " tag (docs/wire.md), not a channel parameter.",
            "messages": dict(sorted(channel_messages.items())),
        }
        channel_ref = "#/channels/" + pointer_join("", stream)[1:]
        for (action, runtime), ids in sorted(roles.items()):
            verb = "publishes on" if action == "send" else "consumes from"
            operations[f"{runtime}.{action}.{stream}"] = {
                "action": action,
                "channel": {"$ref": channel_ref},
                "title": f"{runtime} {verb} {stream}",
                "messages": [
                    {"$ref": f"{channel_ref}/messages/{m}"} for m in sorted(set(ids))
                ],
                "tags": [{"name": runtime}],
            }
    schemas = bundler.closure(roots, place)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Contracts: Redis streams",
            "version": _VERSION,
            "description": "The Redis streams of schemas/catalog.json between the"
            " Python agents and the Node business modules, generated by `contracts"
            " docs`. Each entry has one field, `envelope`, holding the message's"
            " envelope as JSON (docs/wire.md).",
            "x-fingerprint": fingerprint,
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": dict(sorted(operations.items())),
        "components": {
            "schemas": {
                name: {
                    "schemaFormat": DRAFT7_FORMAT
                    if bundler.draft(name) == "7"
                    else SCHEMA_FORMAT,
                    "schema": schema,
                }
                for name, schema in schemas.items()
            },
            "messages": dict(sorted(messages.items())),
        },
    }


def _message(
    bundler: ComponentBundler,
    entry: dict[str, Any],
    message_id: str,
    place: Place,
    envelope_name: str | None,
) -> dict[str, Any]:
    name = str(entry["name"])
    schema: dict[str, Any] = {"$ref": place(name)}
    if envelope_name is not None and entry["type"]:
        schema = {
            "allOf": [{"$ref": place(envelope_name)}],
            "properties": {
                "type": {"const": entry["type"]},
                "version": {"const": entry["version"]},
                "data": schema,
            },
        }
    message: dict[str, Any] = {
        "name": entry["type"] or name,
        "title": name,
        "contentType": "application/json",
        "payload": {"schemaFormat": SCHEMA_FORMAT, "schema": schema},
        "x-contract": entry["contract"],
    }
    description = _description(bundler, entry["contract"])
    if description:
        message["description"] = description
    return message


def build_docs(schemas: Path, settings: Settings | None = None) -> ApiDocs:
    """Both documents for a schemas folder (compiled first: errors are refused)."""
    settings = settings or Settings()
    program, documents = compile_documents(schemas, settings.strict)
    entries = [manifest_entry(c) for c in program.contracts]
    catalog = program.catalog or {}
    bundler = ComponentBundler(documents, entries)
    return ApiDocs(
        openapi(bundler, catalog, program.fingerprint),
        asyncapi(bundler, catalog, program.fingerprint, settings.envelope),
    )


def write_docs(docs: ApiDocs, out_dir: Path) -> list[Path]:
    """Write ``openapi.json`` and ``asyncapi.json`` into ``out_dir``; return paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in docs.files().items():
        path = out_dir / name
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)
        written.append(path)
    return written
