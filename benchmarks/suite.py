"""The official JSON Schema Test Suite as folders of schemas our compiler reads.

Reads ``tests/draft2020-12`` and ``tests/draft7`` of the suite, vendored at a pinned
commit in ``tests/vendor/json-schema-test-suite`` (``SOURCE.md`` there says which and
how to refresh it), and turns each test case (one schema, several instances) into a
schemas folder:

- ``suite_case.json``: the case's schema; a draft-07 case gets the draft-07
  ``$schema`` (the suite leaves it implicit, our compiler defaults to 2020-12).
- ``remotes/<path>``: every file of the suite's ``remotes/`` that the case's
  references reach as ``http://localhost:1234/<path>`` (transitively), served from
  disk, never from a network. A remote copy without ``$id`` gets ``$id`` = its URL
  (our compiler knows a file by ``$id`` or by path only); one whose ``$id`` differs
  from its URL keeps it, and an alias ``{"$id": URL, "$ref": <its $id>}`` stands at
  the URL (the suite's harness serves it there). Remote copies get a ``title``
  (an annotation) so that file names such as ``string.json`` do not become
  reserved or colliding type names; draft-07 cases read remotes as draft-07.

Every test file of both drafts runs, ``optional/`` included. Each case ends
compiled (and each instance judged against the suite's verdict), or refused by the
compiler with a code. Where a contract's verdict differs from the suite's by a
deliberate design decision, the instance carries that decision as its ``stated``
reason (the table ``STATED``), and is counted apart from plain agreement.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

SUITE = (
    Path(__file__).resolve().parents[1] / "tests" / "vendor" / "json-schema-test-suite"
)
DRAFTS = ("draft2020-12", "draft7")
REMOTE_BASE = "http://localhost:1234/"
CASE_FILE = "suite_case.json"
DRAFT7_URI = "http://json-schema.org/draft-07/schema#"

# Instances the contracts answer differently from the suite, by design decisions
# named here (docs/conformance.md explains each). Keyed by test file, then by the
# text a test's description contains ("" for any) and the suite's verdict it must
# have; the contract's verdict is the opposite of the suite's.
FORMAT_ASSERTED = (
    "format is asserted: a contract refuses a string its format rejects, where the"
    " core format.json expects annotation-only behaviour"
)
CONTENT_ANNOTATES = (
    "contentEncoding and contentMediaType are annotations in both drafts, as draft"
    " 2019-09 and later define them: a contract must give one verdict whichever draft"
    " it is written in, and draft-07 only allowed (MAY) their assertion"
)
DEPENDENCIES_UNKNOWN = (
    "`dependencies` is not a draft 2020-12 keyword (2019-09 split it into"
    " dependentRequired and dependentSchemas), so under 2020-12 it is an annotation,"
    " as the specification says of every unknown keyword; the strict setting refuses"
    " it"
)
STATED: dict[str, tuple[tuple[str, bool, str], ...]] = {
    "format.json": (("only an annotation", True, FORMAT_ASSERTED),),
    "optional/content.json": (
        ("invalid JSON document", False, CONTENT_ANNOTATES),
        ("invalid base64 string", False, CONTENT_ANNOTATES),
    ),
    "optional/dependencies-compatibility.json": (("", False, DEPENDENCIES_UNKNOWN),),
}


@dataclass(frozen=True)
class SuiteTest:
    description: str
    data: Any
    valid: bool  # the suite's verdict
    expected: bool  # the verdict a contract must give
    stated: str  # why ``expected`` differs from ``valid`` ("" when it does not)

    @property
    def text(self) -> str:
        return json.dumps(self.data, ensure_ascii=True)


@dataclass(frozen=True)
class SuiteCase:
    draft: str  # "draft2020-12" or "draft7"
    file: str  # e.g. "ref.json", "optional/format/uuid.json"
    index: int
    description: str
    schema: Any
    tests: tuple[SuiteTest, ...]

    @property
    def key(self) -> str:
        return f"{self.draft}/{self.file}#{self.index}"

    @property
    def optional(self) -> bool:
        return self.file.startswith("optional/")


@dataclass(frozen=True)
class SuiteFile:
    draft: str
    file: str
    cases: tuple[SuiteCase, ...]


def _tests(file: str, raw: list[dict[str, Any]]) -> tuple[SuiteTest, ...]:
    out = []
    for t in raw:
        stated = ""
        expected = bool(t["valid"])
        for text, suite, reason in STATED.get(file, ()):
            if text in t["description"] and t["valid"] is suite:
                stated, expected = reason, not expected
        out.append(SuiteTest(t["description"], t["data"], t["valid"], expected, stated))
    return tuple(out)


class SuiteMissing(RuntimeError):
    """The vendored suite (or a part of it) is not where it must be."""


def require(suite: Path = SUITE) -> Path:
    """``suite``, after checking that every part the runner reads is there."""
    missing = [
        part
        for part in (*(f"tests/{d}" for d in DRAFTS), "remotes", "SOURCE.md")
        if not (suite / part).exists()
    ]
    if missing:
        raise SuiteMissing(
            f"JSON-Schema-Test-Suite incomplete at {suite}: missing "
            f"{', '.join(missing)} (restore it with git, or refresh it with "
            "tests/vendor/refresh_suite.py)"
        )
    return suite


def load_files(suite: Path = SUITE) -> list[SuiteFile]:
    """Every test file of both drafts, in a stable order."""
    require(suite)
    files = []
    for draft in DRAFTS:
        root = suite / "tests" / draft
        for path in sorted(root.rglob("*.json"), key=lambda p: p.as_posix()):
            rel = path.relative_to(root).as_posix()
            raw = json.loads(path.read_text(encoding="utf-8"))
            cases = tuple(
                SuiteCase(
                    draft,
                    rel,
                    i,
                    c["description"],
                    c["schema"],
                    _tests(rel, c["tests"]),
                )
                for i, c in enumerate(raw)
            )
            files.append(SuiteFile(draft, rel, cases))
    return files


def _refs(node: Any, base: str, sibling_ids: bool = True) -> Iterator[str]:
    """Absolute URIs of every ``$ref``/``$dynamicRef`` below ``node``.

    Over-approximated: every object counts as a schema, which can only add files.
    ``sibling_ids=False`` ignores an ``$id`` beside a ``$ref`` (draft-07's rule).
    """
    stack: list[tuple[Any, str]] = [(node, base)]
    while stack:
        value, here = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("$id"), str) and (
                sibling_ids or "$ref" not in value
            ):
                here = urljoin(here, value["$id"])
            for key in ("$ref", "$dynamicRef"):
                if isinstance(value.get(key), str):
                    yield urldefrag(urljoin(here, value[key])).url
            stack.extend((v, here) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, here) for v in value)


def named_uris(case: SuiteCase, suite: Path = SUITE) -> set[str]:
    """Every absolute URI the references of a case (and of its remotes) name, by
    RFC 3986 and ``$id`` scoping. A compiler refusing a reference to any other URI
    resolved it wrongly."""
    named: set[str] = set()
    documents = [(case.schema, "file:///schemas/" + CASE_FILE)]
    for rel, contents in remote_files(case, suite).items():
        base = contents.get("$id") if isinstance(contents, dict) else None
        documents.append((contents, base or "file:///schemas/" + rel))
    for document, base in documents:
        for sibling_ids in (True, False):
            named.update(_refs(document, base, sibling_ids))
    return named


def _pascal(path: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in path.removesuffix(".json"))
    return "".join(w[:1].upper() + w[1:] for w in words.split())


def remote_files(case: SuiteCase, suite: Path = SUITE) -> dict[str, Any]:
    """``remotes/<path>`` -> contents, for every remote the case reaches."""
    out: dict[str, Any] = {}
    pending = list(_refs(case.schema, "file:///schemas/" + CASE_FILE))
    while pending:
        uri = pending.pop()
        if not uri.startswith(REMOTE_BASE):
            continue
        rel = uri[len(REMOTE_BASE) :]
        source = suite / "remotes" / rel
        name = f"remotes/{rel}"
        if name in out or not source.is_file():
            continue
        contents = json.loads(source.read_text(encoding="utf-8"))
        if not isinstance(contents, dict):
            out[name] = contents
            continue
        contents = dict(contents)
        contents.setdefault("title", "Remote" + _pascal(rel))
        if case.draft == "draft7":
            contents.setdefault("$schema", DRAFT7_URI)
        declared = contents.get("$id")
        own = (
            urldefrag(urljoin(uri, declared)).url if isinstance(declared, str) else uri
        )
        if own == uri:
            contents["$id"] = uri
            out[name] = contents
        else:
            served = name.removesuffix(".json") + "_served.json"
            out[served] = contents
            alias: dict[str, Any] = {
                "$id": uri,
                "title": "Remote" + _pascal(rel) + "Alias",
                "$ref": own,
            }
            if case.draft == "draft7":
                alias["$schema"] = DRAFT7_URI
            out[name] = alias
        pending.extend(_refs(contents, own))
    return out


def write_case(case: SuiteCase, folder: Path, suite: Path = SUITE) -> None:
    """Write the case's schemas folder (see the module docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = case.schema
    if case.draft == "draft7" and isinstance(schema, dict) and "$schema" not in schema:
        schema = {"$schema": DRAFT7_URI, **schema}
    (folder / CASE_FILE).write_text(json.dumps(schema, indent=1), encoding="utf-8")
    for rel, contents in remote_files(case, suite).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(contents, indent=1), encoding="utf-8")


def source_commit(suite: Path = SUITE) -> str:
    text = (require(suite) / "SOURCE.md").read_text(encoding="utf-8")
    found = re.search(r"\b[0-9a-f]{40}\b", text)
    if not found:
        raise SuiteMissing(f"{suite / 'SOURCE.md'} names no upstream commit")
    return found.group(0)
