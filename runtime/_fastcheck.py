"""The full check's verdict at compiled speed: jsonschema-rs over the bundled schemas.

Contracts whose rules Pydantic cannot express need a full JSON Schema check of
every message, valid ones included. Pure-Python ``jsonschema`` costs about 200 ms
on a large real-world contract (the GitHub webhook schema); ``jsonschema-rs``
decides the same in under a millisecond. This module gives the verdict only; the
violations of a message it finds invalid are still worded by ``runtime._fullcheck``
(the cold path, invalid messages only), so every error text stays as it was.

The semantics are those of ``runtime._fullcheck``: the generated package's own
format checkers (and no other format asserted), ``pattern`` with its ECMA-262
rules, ``multipleOf`` in decimal arithmetic, ``$schema`` dropped from every
resource so a contract is judged by its own draft throughout, references resolved
inside the bundle only (nothing is fetched).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from types import ModuleType
from typing import Any
from urllib.parse import quote, urldefrag, urljoin

import jsonschema_rs

from runtime._dispatch import union_members
from runtime._reach import LIST, MAP, ONE, Tokens, prunable, reached_document
from runtime._schemafiles import SchemaFiles as SchemaFiles
from runtime._schemafiles import schema_files as schema_files

ROOT_URI = "file:///schemas/"

# How many contracts a FastCheck compiles against the part of their file they
# reach (each with a registry of its own, its parts rewritten once for all),
# before it builds one registry of every file for the others.
ALONE = 16


# The formats jsonschema-rs knows by itself. Those the package has no checker for
# are not asserted (as in runtime._fullcheck and the generated models).
_BUILTIN_FORMATS = (
    "date", "date-time", "duration", "email", "hostname", "idn-email",
    "idn-hostname", "ipv4", "ipv6", "iri", "iri-reference", "json-pointer",
    "regex", "relative-json-pointer", "time", "uri", "uri-reference",
    "uri-template", "uuid",
)  # fmt: skip


def _accept(value: str) -> bool:
    return True


def _keywords(support: ModuleType) -> dict[str, Any]:
    """``multipleOf`` (decimal), as the models."""

    class MultipleOf:
        def __init__(self, parent: Any, value: Any, path: Any) -> None:
            self.value = value

        def validate(self, instance: Any) -> None:
            if (
                isinstance(instance, int | float)
                and not isinstance(instance, bool)
                and not support.is_multiple(instance, self.value)
            ):
                raise ValueError(f"not a multiple of {self.value}")

    return {"multipleOf": MultipleOf}


def linear_patterns(schema: Any, translate: Callable[[str], str]) -> Any:
    """``schema`` with every ``pattern`` and ``patternProperties`` key in the syntax
    of Rust's regex with ECMA-262's meaning (``translate``, the models' translation):
    jsonschema-rs (``RegexOptions``) then matches them natively, in linear time,
    as the models and Node do. Its own ECMA-262 reading differs at the edges (``.``
    matches U+2028, ``\b`` is Unicode, ``[^]`` is refused). Only subschemas are
    rewritten, never data (``const``, ``enum``, ``default``)."""
    return _rewritten(schema, translate, {})


def prefiltered_formats(schema: Any, fast: dict[str, str]) -> Any:
    """``schema`` with each ``format`` that has a fast pattern (``fast``: the
    package's ``FAST_FORMATS``, a language inside the format's own, so that a
    string it matches is one the format's checker accepts) asserted as
    ``{"anyOf": [{"pattern": fast}, {"format": name}]}``, added to the
    subschema's ``allOf``: jsonschema-rs matches the pattern in Rust and calls
    the Python checker only for a string it does not match. The verdict is the
    format's alone on every value: ``pattern`` and ``format`` both accept any
    value that is not a string, and neither evaluates a property or an item.
    Only subschemas are rewritten, never data; the ``format`` is removed and an
    existing ``allOf`` keeps its members where they were (references by JSON
    pointer into it still find them)."""
    return _rewritten(schema, None, fast)


def _rewritten(
    schema: Any, translate: Callable[[str], str] | None, fast: dict[str, str]
) -> Any:
    """:func:`linear_patterns` (with ``translate``) and :func:`prefiltered_formats`
    (with ``fast``) in one walk."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if translate is not None and isinstance(out.get("pattern"), str):
        out["pattern"] = translate(out["pattern"])
    for key, value in schema.items():
        if key in MAP and isinstance(value, dict):
            rename = translate if key == "patternProperties" else None
            out[key] = {
                (rename(k) if rename else k): _rewritten(v, translate, fast)
                for k, v in value.items()
            }
        elif key in LIST and isinstance(value, list):
            out[key] = [_rewritten(v, translate, fast) for v in value]
        elif key in ONE and isinstance(value, dict):
            out[key] = _rewritten(value, translate, fast)
    name = schema.get("format")
    pattern = fast.get(name) if isinstance(name, str) else None
    everything = out.get("allOf", [])
    if pattern is not None and isinstance(everything, list):
        del out["format"]
        either = {"anyOf": [{"pattern": pattern}, {"format": name}]}
        out["allOf"] = [*everything, either]
    return out


def subschemas(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema of ``node`` (a dict) with its JSON pointer, ``node`` first."""
    if not isinstance(node, dict):
        return
    yield pointer, node
    for key, value in node.items():
        here = f"{pointer}/{_escape(key)}"
        if key in MAP and isinstance(value, dict):
            for name, sub in value.items():
                yield from subschemas(sub, f"{here}/{_escape(name)}")
        elif key in LIST and isinstance(value, list):
            for i, sub in enumerate(value):
                yield from subschemas(sub, f"{here}/{i}")
        elif key in ONE:
            yield from subschemas(value, here)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def may_declare_dynamic_anchor(text: str) -> bool:
    """Whether a schema file's JSON text can declare a ``$dynamicAnchor``: it holds
    the word, or a ``\\u`` escape that could spell it in a key. Any other file is
    left as it is by :func:`static_dynamic_refs` and adds nothing to
    :func:`dynamic_anchors`, so its every subschema need not be walked."""
    return "dynamicAnchor" in text or "\\u" in text


def dynamic_anchors(documents: Iterable[Any]) -> Counter[str]:
    """How many subschemas of all ``documents`` declare each ``$dynamicAnchor``."""
    return Counter(
        node["$dynamicAnchor"]
        for doc in documents
        for _, node in subschemas(doc)
        if isinstance(node.get("$dynamicAnchor"), str)
    )


def static_dynamic_refs(schema: Any, anchors: Counter[str]) -> Any:
    """``schema`` with each ``"$dynamicRef": "#name"`` (and ``"$ref": "#name"``)
    that can only mean one subschema made a ``$ref`` by JSON pointer: when the
    bundle declares ``$dynamicAnchor`` "name" once (``anchors``), in this document,
    which embeds no other resource, the dynamic scope has nowhere else to go.
    jsonschema-rs panics on a reference to a named anchor there (the OpenAPI 3.1
    schema's ``#meta``), which left such a contract to pure-Python ``jsonschema``."""
    found = list(subschemas(schema))
    if any("$id" in node for pointer, node in found if pointer):
        return schema
    named = {node.get("$anchor") for _, node in found}
    targets = {
        node["$dynamicAnchor"]: quote(pointer, safe="/~$!&'()*+,;=:@")
        for pointer, node in found
        if isinstance(node.get("$dynamicAnchor"), str)
        and anchors[node["$dynamicAnchor"]] == 1
        and node["$dynamicAnchor"] not in named
    }
    if not targets:
        return schema

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: rewrite(v) if k not in _DATA else v for k, v in node.items()}
        for key in ("$dynamicRef", "$ref"):
            ref = out.get(key)
            if isinstance(ref, str) and ref[:1] == "#" and ref[1:] in targets:
                if key == "$dynamicRef" and "$ref" in out:
                    continue
                out.pop(key)
                out["$ref"] = "#" + targets[ref[1:]]
        return out

    return rewrite(schema)


# Keywords whose values are data, never schemas.
_DATA = frozenset({"const", "enum", "default", "examples"})


class FastCheck:
    """One compiled validator per contract of a package, built on first use."""

    def __init__(
        self, package: str, support: ModuleType, schemas: SchemaFiles | None = None
    ) -> None:
        self._formats: dict[str, Callable[[str], bool]] = dict.fromkeys(
            _BUILTIN_FORMATS, _accept
        )
        self._formats.update(support.FORMATS)
        self._keywords = _keywords(support)
        rust = support.translate_rust
        fast = {
            name: pattern
            for name, pattern in getattr(support, "FAST_FORMATS", {}).items()
            if name in support.FORMATS
        }
        self._rewrite: Callable[[Any], Any] = lambda node: _rewritten(node, rust, fast)
        self._sources: dict[str, Any] = {}  # each file's schema before the rewrite
        self._prunable: dict[str, bool] = {}
        self._rewritten: dict[str, dict[Tokens, Any]] = {}  # by file, by pointer
        self.draft_of: dict[str, str] = {}
        self.canonical: dict[str, str] = {}  # file -> the URI its $refs resolve from
        found = schema_files(package) if schemas is None else schemas
        documents = [(path, parsed) for path, _, parsed in found]
        dynamic = {p for p, text, _ in found if may_declare_dynamic_anchor(text)}
        anchors = dynamic_anchors(c for p, c in documents if p in dynamic)
        for path, text, contents in found:
            if path in dynamic:
                contents = static_dynamic_refs(contents, anchors)
            is_seven = isinstance(contents, dict) and "draft-07" in str(
                contents.get("$schema", "")
            )
            if isinstance(contents, dict):
                contents = {k: v for k, v in contents.items() if k != "$schema"}
            self._sources[path] = contents
            self._prunable[path] = path not in dynamic and prunable(text, contents)
            self._rewritten[path] = {}
            uri = ROOT_URI + path
            self.draft_of[path] = "7" if is_seven else "2020-12"
            self.canonical[path] = uri
            declared = contents.get("$id") if isinstance(contents, dict) else None
            if isinstance(declared, str):
                self.canonical[path] = urldefrag(urljoin(uri, declared)).url
        self._registries: dict[str, Any] = {}
        self._cache: dict[str, Any] = {}
        self.unsupported: set[str] = set()
        self.alone = 0  # contracts compiled against the part they reach

    @cached_property
    def _resources(self) -> list[tuple[str, Any]]:
        """Every schema file, rewritten (patterns in Rust's syntax, formats
        prefiltered: one walk each), under its URI and the one its ``$id`` gives."""
        resources = []
        for path, contents in self._sources.items():
            compiled = self._rewrite(contents)
            uri = ROOT_URI + path
            resources.append((uri, compiled))
            if self.canonical[path] != uri:
                resources.append((self.canonical[path], compiled))
        return resources

    def _registry(self, draft: str) -> Any:
        registry = self._registries.get(draft)
        if registry is None:
            spec = jsonschema_rs.Draft7 if draft == "7" else jsonschema_rs.Draft202012
            registry = jsonschema_rs.Registry(self._resources, draft=spec)
            self._registries[draft] = registry
        return registry

    def _reached_registry(self, path: str, fragment: str, draft: str) -> Any:
        """A registry of the part of ``path`` that the subschema at ``fragment``
        reaches (runtime/_reach.py), or ``None``: the file is not one where that
        is sure, the fragment reaches another file or the whole one, or the
        whole-package registry is built already (a contract reached the root, or
        more than :data:`ALONE` contracts were compiled alone: the wording's
        pruning asks about many locations)."""
        if draft in self._registries or self.alone >= ALONE or not self._prunable[path]:
            return None
        reached = reached_document(
            self._sources[path], fragment, self._rewrite, self._rewritten[path]
        )
        if reached is None:
            return None
        self.alone += 1
        uri = ROOT_URI + path
        resources = [(uri, reached)]
        if self.canonical[path] != uri:
            resources.append((self.canonical[path], reached))
        spec = jsonschema_rs.Draft7 if draft == "7" else jsonschema_rs.Draft202012
        return jsonschema_rs.Registry(resources, draft=spec)

    def validator(self, contract: str) -> Any:
        cached = self._cache.get(contract)
        if cached is None:
            path, _, fragment = contract.partition("#")
            draft = self.draft_of[path]
            cls = (
                jsonschema_rs.Draft7Validator
                if draft == "7"
                else jsonschema_rs.Draft202012Validator
            )
            target = self.canonical[path] + (f"#{fragment}" if fragment else "")
            registry = self._reached_registry(path, fragment, draft)
            cached = self._cache[contract] = cls(
                {"$ref": target},
                registry=registry or self._registry(draft),
                formats=self._formats,
                validate_formats=True,
                keywords=self._keywords,
                pattern_options=jsonschema_rs.RegexOptions(),  # linear time
            )
        return cached

    def union_members(self, contract: str) -> tuple[str, ...]:
        """runtime._dispatch.union_members of a contract's schema."""
        path, _, fragment = contract.partition("#")
        return union_members(self._sources[path], path, fragment)

    def is_valid(self, contract: str, instance: Any) -> bool | None:
        """The verdict, or None where there is none from jsonschema-rs: an instance
        it cannot take (a string that is not Unicode text: a lone surrogate), or a
        contract it cannot build (it panics on a few reference shapes of the test
        suite; such a contract is left to the reference validator from then on)."""
        if contract in self.unsupported:
            return None
        try:
            validator = self.validator(contract)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # pyo3's PanicException is a BaseException
            self.unsupported.add(contract)
            return None
        try:
            return bool(validator.is_valid(instance))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            return None
