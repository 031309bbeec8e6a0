"""The full JSON Schema check, for contracts whose rules Pydantic cannot express.

``jsonschema`` over the schemas bundled in the generated package, with the same
semantics as the generated models: formats asserted by the package's own checkers,
``pattern`` with ECMA-262 rules, ``multipleOf`` in decimal arithmetic. References
resolve inside the bundle only; nothing is fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files
from types import ModuleType
from typing import Any
from urllib.parse import urldefrag, urljoin

import referencing.exceptions
from jsonschema import FormatChecker, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

ROOT_URI = "file:///schemas/"


def _drafts(support: ModuleType) -> dict[str, type[Validator]]:
    def pattern(
        validator: Any, value: str, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        if validator.is_type(instance, "string") and not support.ecma_regex(
            value
        ).search(instance):  # linear time: Rust's regex, the models' engine
            yield ValidationError(f"{instance!r} does not match {value!r}")

    def multiple_of(
        validator: Any, value: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        if validator.is_type(instance, "number") and not support.is_multiple(
            instance, value
        ):
            yield ValidationError(f"{instance!r} is not a multiple of {value}")

    def pattern_properties(
        validator: Any, value: dict[str, Any], instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        for regex, subschema in value.items():
            compiled = support.ecma_regex(regex)
            for key, item in instance.items():
                if compiled.search(key):
                    yield from validator.descend(
                        item, subschema, path=key, schema_path=regex
                    )

    def additional_properties(
        validator: Any, value: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        props = schema.get("properties", {})
        patterns = [support.ecma_regex(p) for p in schema.get("patternProperties", {})]
        extras = [
            k
            for k in instance
            if k not in props and not any(p.search(k) for p in patterns)
        ]
        if value is False:
            for key in extras:
                error = ValidationError(
                    f"additional property {key!r} is not allowed",
                    instance=instance[key],
                )
                error.relative_path.appendleft(key)
                yield error
        elif isinstance(value, dict):
            for key in extras:
                yield from validator.descend(instance[key], value, path=key)

    overrides = {
        "pattern": pattern,
        "multipleOf": multiple_of,
        "patternProperties": pattern_properties,
        "additionalProperties": additional_properties,
    }
    return {
        "2020-12": validators.extend(  # type: ignore[no-untyped-call]
            validators.Draft202012Validator, overrides
        ),
        "7": validators.extend(  # type: ignore[no-untyped-call]
            validators.Draft7Validator, overrides
        ),
    }


def _format_checker(support: ModuleType) -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, check in support.FORMATS.items():
        checker.checks(name)(_strings_only(check))
    return checker


class FullCheck:
    """Builds and caches one jsonschema validator per contract of a package."""

    def __init__(self, package: str, support: ModuleType) -> None:
        self.drafts = _drafts(support)
        self.format_checker = _format_checker(support)
        resources = []
        self.draft_of: dict[str, str] = {}
        self.canonical: dict[str, str] = {}  # file -> the URI its $refs resolve from
        self.documents: dict[str, Any] = {}  # file -> its schema, as shipped
        root = files(package).joinpath("schemas")
        for path, text in _walk(root, ""):
            contents = json.loads(text)
            self.documents[path] = contents
            is_seven = isinstance(contents, dict) and "draft-07" in str(
                contents.get("$schema", "")
            )
            spec = DRAFT7 if is_seven else DRAFT202012
            if isinstance(contents, dict):
                # Without $schema, jsonschema keeps our validator class (ECMA
                # patterns, decimal multipleOf, our formats) across $refs.
                contents = {k: v for k, v in contents.items() if k != "$schema"}
            resource: Resource[Any] = spec.create_resource(contents)
            uri = ROOT_URI + path
            self.draft_of[path] = "7" if is_seven else "2020-12"
            self.canonical[path] = uri
            resources.append((uri, resource))
            declared = resource.id()
            if isinstance(declared, str):
                self.canonical[path] = urldefrag(urljoin(uri, declared)).url
                resources.append((self.canonical[path], resource))
        self.registry: Registry[Any] = (
            _offline_registry().with_resources(resources).crawl()
        )
        self._cache: dict[str, Validator] = {}

    def validator(self, contract: str) -> Validator:
        cached = self._cache.get(contract)
        if cached is None:
            path, _, fragment = contract.partition("#")
            cls = self.drafts[self.draft_of[path]]
            target = self.canonical[path] + (f"#{fragment}" if fragment else "")
            schema = {"$ref": target}
            cached = cls(
                schema, registry=self.registry, format_checker=self.format_checker
            )
            self._cache[contract] = cached
        return cached


def _offline_registry() -> Registry[Any]:
    """A registry whose retrieve hook refuses every URI it does not hold."""
    return Registry(retrieve=_refuse)  # type: ignore[call-arg]


def _refuse(uri: str) -> Resource[Any]:
    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


def _walk(node: Any, prefix: str) -> Iterator[tuple[str, str]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, rel + "/")
        elif child.name.endswith(".json"):
            yield rel, child.read_text(encoding="utf-8")


def _strings_only(check: Any) -> Any:
    """Formats constrain strings only; any other instance passes (as specified)."""

    def wrapped(instance: Any) -> bool:
        return not isinstance(instance, str) or bool(check(instance))

    return wrapped
