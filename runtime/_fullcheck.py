"""The full JSON Schema check, for contracts whose rules Pydantic cannot express.

``jsonschema`` over the schemas bundled in the generated package, with the same
semantics as the generated models: formats asserted by the package's own checkers,
``pattern`` with ECMA-262 rules, ``multipleOf`` in decimal arithmetic. References
resolve inside the bundle only; nothing is fetched.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from functools import cached_property
from types import ModuleType
from typing import Any
from urllib.parse import quote, urldefrag, urljoin

import attrs
import referencing.exceptions
from jsonschema import FormatChecker, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

from runtime._doomed import EARLY_DRAFTS, Test, follow_in, schema_test
from runtime._errorwalk import DYNAMIC as _DYNAMIC
from runtime._errorwalk import identifies as _identifies
from runtime._fastcheck import (
    SchemaFiles,
    dynamic_anchors,
    may_declare_dynamic_anchor,
    schema_files,
    static_dynamic_refs,
    subschemas,
)

ROOT_URI = "file:///schemas/"


class Memo(threading.local):
    """The errors of each ``$ref`` already followed, per thread: a dict while one
    message's violations are worded (``Contracts.remembering``), else None."""

    errors: dict[tuple[Any, ...], Any] | None = None


# Whether a value surely satisfies a subschema (then it has no errors to word).
Prune = Callable[[Any, Any], bool]
# Whether a value surely fails a subschema, reached by a validator (see doomed).
Doomed = Callable[[Any, Any, Any], bool]


def _drafts(
    support: ModuleType,
    memo: Memo | None = None,
    plain: bool = False,
    prune: Prune | None = None,
    doomed: Doomed | None = None,
) -> _Classes:
    """The validator classes of both drafts, with the package's semantics. Unless
    ``plain`` (the words as they were, for tests to compare with), unions decide
    branches by their first error and ``memo`` remembers errors: faster, and no
    violation's text changes."""

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

    def passes(validator: Any, instance: Any, branches: Any) -> Iterator[bool]:
        """Each branch's verdict, from its first error alone (jsonschema lists
        every error of every failing branch, to attach them to the union's one
        error as its context, which no violation reads). A branch that
        ``doomed`` says fails (its type, a required property, a tag) is not
        walked: its errors are worded only if a union report asks for them."""
        for index, branch in enumerate(branches):
            if doomed is not None and doomed(validator, branch, instance):
                yield False
                continue
            errors = validator.descend(instance, branch, schema_path=index)
            yield next(errors, None) is None

    def any_of(
        validator: Any, value: list[Any], instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        if not any(passes(validator, instance, value)):
            yield ValidationError(
                f"{instance!r} is not valid under any of the given schemas"
            )

    def one_of(
        validator: Any, value: list[Any], instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        passing = sum(passes(validator, instance, value))
        if passing == 0:
            yield ValidationError(
                f"{instance!r} is not valid under any of the given schemas"
            )
        elif passing > 1:
            yield ValidationError(f"{instance!r} is valid under more than one")

    targets: dict[tuple[Any, str], tuple[Any, Any]] = {}

    def ref(
        validator: Any, ref: str, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        """jsonschema's ``$ref``, its target looked up once per base URI: the
        lookup took about a sixth of wording a refused webhook. Only where
        errors are remembered (no reference depends on the way there)."""
        resolver = validator._resolver
        key = (getattr(resolver, "_base_uri", None), ref)
        found = targets.get(key)
        if found is None:
            try:
                resolved = resolver.lookup(ref)
            except referencing.exceptions.Unresolvable:
                yield from validator._validate_reference(ref=ref, instance=instance)
                return  # jsonschema raised its own error above
            found = targets[key] = (resolved.contents, resolved.resolver)
        yield from validator.descend(instance, found[0], resolver=found[1])

    unions: dict[str, Any] = {"anyOf": any_of, "oneOf": one_of}
    if memo is not None:
        unions["$ref"] = ref
    overrides = {
        **({} if plain else unions),
        "pattern": pattern,
        "multipleOf": multiple_of,
        "patternProperties": pattern_properties,
        "additionalProperties": additional_properties,
    }
    bases = {
        "2020-12": validators.Draft202012Validator,
        "7": validators.Draft7Validator,
    }

    # Each class is made on first use (about 0.5 ms each, attrs writing its
    # methods): a package meets one or two of the eight.
    def our_class(draft: str) -> type[Validator]:
        cls: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
            bases[draft], overrides
        )
        cls.descend = _false_placed(cls.descend)  # type: ignore[attr-defined]
        return cls if plain else adapted(cls)

    # A subschema with a "$schema" of its own is judged by jsonschema's class for
    # that draft (validator_for), without our keywords, as it always was; it gets
    # the unions and $ref above, which change no violation, only the time taken.
    def their_class(cls: Any) -> type[Validator]:
        made = validators.extend(  # type: ignore[no-untyped-call]
            cls, {k: v for k, v in unions.items() if k in cls.VALIDATORS}
        )
        made.descend = _false_placed(made.descend)
        return adapted(made)

    def adapted(cls: Any) -> type[Validator]:
        cls.evolve = _evolve(cls, theirs)
        if memo is not None:
            cls.descend = _descend(cls.descend, memo, prune)
        return cls  # type: ignore[no-any-return]

    theirs = _Classes(their_class)
    ours = _Classes(our_class)
    ours.theirs = theirs
    return ours


class _Classes(dict[Any, Any]):
    """Validator classes by draft, each made on its first look-up."""

    def __init__(self, make: Callable[[Any], type[Validator]]) -> None:
        super().__init__()
        self._make = make
        # Ours: the classes of subschemas that name their own $schema (_evolve).
        self.theirs: _Classes | None = None

    def __missing__(self, key: Any) -> type[Validator]:
        made = self[key] = self._make(key)
        return made


_BUILTIN = (
    validators.Draft3Validator, validators.Draft4Validator,
    validators.Draft6Validator, validators.Draft7Validator,
    validators.Draft201909Validator, validators.Draft202012Validator,
)  # fmt: skip


def _evolve(cls: Any, swaps: _Classes) -> Any:
    """jsonschema's ``evolve`` (a validator for a subschema), with its own draft
    classes swapped for the ones of ``swaps``."""
    fields = [(f.name, f.alias) for f in attrs.fields(cls) if f.init]
    # validator_for's answer by (the "$schema" string, the default class): it
    # looks the URI up normalized (urlsplit) on every call, about 2% of wording
    # a refused webhook (the schema files' roots carry "$schema").
    drafts: dict[tuple[str, Any], Any] = {}

    def evolve(self: Any, **changes: Any) -> Any:
        schema = changes.setdefault("schema", self.schema)
        default = self.__class__
        uri = schema.get("$schema") if isinstance(schema, dict) else None
        new: Any
        if not isinstance(uri, str):
            new = validators.validator_for(schema, default=default)
        else:
            new = drafts.get((uri, default))
            if new is None:
                new = drafts[(uri, default)] = validators.validator_for(
                    schema, default=default
                )
        if new in _BUILTIN:
            new = swaps[new]
        for name, alias in fields:
            if alias not in changes:
                changes[alias] = getattr(self, name)
        return new(**changes)

    return evolve


def _false_placed(descend: Any) -> Any:
    """jsonschema's ``descend``, the error of a ``false`` subschema at the value
    it refuses: jsonschema gives it no path (so a property whose schema is
    ``false`` was refused at its holder, and the Node runtime, as Ajv, says the
    property)."""

    def placed(
        self: Any,
        instance: Any,
        schema: Any,
        path: Any = None,
        schema_path: Any = None,
        resolver: Any = None,
    ) -> Iterator[ValidationError]:
        if schema is not False or path is None:
            yield from descend(self, instance, schema, path, schema_path, resolver)
            return
        for error in descend(self, instance, schema, None, schema_path, resolver):
            error.path.appendleft(path)
            yield error

    return placed


def _descend(descend: Any, memo: Memo, prune: Prune | None = None) -> Any:
    """jsonschema's ``descend`` (a value against a subschema), its errors
    remembered while ``memo`` is active: a union report asks about every branch
    of a union, and the branches share most of their subschemas (the sender, the
    repository of each of 66 webhook events). The key holds all the errors depend
    on: the validator class, the base URI, the subschema and the value (both kept
    alive meanwhile, so their ids stay theirs). A reference whose target depends
    on the way there ($dynamicRef, $recursiveRef) would need more: packages that
    hold one are not remembered."""

    def remembered(
        self: Any,
        instance: Any,
        schema: Any,
        path: Any = None,
        schema_path: Any = None,
        resolver: Any = None,
    ) -> Iterator[ValidationError]:
        errors = memo.errors
        if errors is None or not isinstance(schema, dict):
            yield from descend(self, instance, schema, path, schema_path, resolver)
            return
        base = getattr(resolver or self._resolver, "_base_uri", None)
        key = (type(self), base, id(schema), id(instance))
        found = errors.get(key)
        if found is None:
            # Valid for jsonschema-rs: no errors below (see FullCheck.prune).
            pruned = prune is not None and prune(schema, instance)
            found = errors[key] = (
                []
                if pruned
                else list(descend(self, instance, schema, resolver=resolver)),
                schema,
                instance,
            )
        for error in found[0]:
            error = _fresh(error)
            if path is not None:
                error.path.appendleft(path)
            if schema_path is not None:
                error.schema_path.appendleft(schema_path)
            yield error

    return remembered


_new_error = BaseException.__new__


def _fresh(error: ValidationError) -> ValidationError:
    """A copy of a remembered error that its new parents may extend."""
    new = _new_error(type(error))
    new.__dict__.update(error.__dict__)
    new.args = error.args
    new.path = new.relative_path = deque(error.relative_path)
    new.schema_path = new.relative_schema_path = deque(error.relative_schema_path)
    return new


def _format_checker(support: ModuleType) -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, check in support.FORMATS.items():
        checker.checks(name)(_strings_only(check))
    return checker


class FullCheck:
    """Builds and caches one jsonschema validator per contract of a package."""

    def __init__(
        self,
        package: str,
        support: ModuleType,
        memo: Any = None,
        plain: bool = False,
        schemas: SchemaFiles | None = None,
    ) -> None:
        self.memo = memo if memo is not None else Memo()
        self.format_checker = _format_checker(support)
        resources = []
        self.draft_of: dict[str, str] = {}
        self.canonical: dict[str, str] = {}  # file -> the URI its $refs resolve from
        self.documents: dict[str, Any] = {}  # file -> its schema, as shipped
        # A reference whose target depends on the way it was reached is not
        # remembered: no package with a $dynamicRef or a $recursiveRef is.
        self.remembers = True
        # The compiled check (runtime._fastcheck.FastCheck), when the package's
        # Contracts set it: see prune.
        self.fast: Any = None
        self._resources: list[tuple[str, Any]] = []  # file -> contents registered
        # Whether a schema holds unevaluated*: jsonschema walks again every
        # subschema of its scope for each value, which prune spares (see there).
        self.walks_scopes = False
        found = schema_files(package) if schemas is None else schemas
        identified = False  # some subschema may have an $id or an anchor
        dynamic = {p for p, text, _ in found if may_declare_dynamic_anchor(text)}
        anchors = dynamic_anchors(d for p, _, d in found if p in dynamic)
        for path, text, shipped in found:
            self.documents[path] = shipped
            # A $dynamicRef with one possible target is a $ref (as jsonschema-rs
            # gets it): the same verdicts and words, and it may be remembered.
            contents = shipped
            if path in dynamic:
                contents = static_dynamic_refs(shipped, anchors)
            if contents is not shipped:
                text = json.dumps(contents)
            if any(word in text for word in _DYNAMIC):
                self.remembers = False
            if "unevaluatedProperties" in text or "unevaluatedItems" in text:
                self.walks_scopes = True
            if not identified:
                identified = _identifies(text, contents)
            is_seven = isinstance(contents, dict) and "draft-07" in str(
                contents.get("$schema", "")
            )
            spec = DRAFT7 if is_seven else DRAFT202012
            if isinstance(contents, dict):
                # Without $schema, jsonschema keeps our validator class (ECMA
                # patterns, decimal multipleOf, our formats) across $refs.
                contents = {k: v for k, v in contents.items() if k != "$schema"}
            self._resources.append((path, contents))
            resource: Resource[Any] = spec.create_resource(contents)
            uri = ROOT_URI + path
            self.draft_of[path] = "7" if is_seven else "2020-12"
            self.canonical[path] = uri
            resources.append((uri, resource))
            declared = resource.id()
            if isinstance(declared, str):
                self.canonical[path] = urldefrag(urljoin(uri, declared)).url
                resources.append((self.canonical[path], resource))
        # doomed reads type, required, const and enum as drafts 6 and later do.
        self._tests: dict[tuple[Any, int], tuple[Test | None, Any]] = {}
        self._located: dict[tuple[str, str], Test | None] = {}
        early = any(word in text for _, text, _ in found for word in EARLY_DRAFTS)
        self.drafts = _drafts(
            support,
            None if plain or not self.remembers else self.memo,
            plain=plain,
            prune=self.prune,
            doomed=None if early else self.doomed,
        )
        self._doomed = not early and not plain
        # Crawling finds the resources and anchors embedded in the documents:
        # with no $id but a document's own and no anchor, there are none, and a
        # lookup is of a file (by its path or its $id) and a JSON pointer, found
        # without. referencing crawls by itself when a lookup misses, so this
        # changes no resolution, only when the walk is paid: the GitHub webhook
        # bundle's 6,162 subschemas took a fifth of the first refusal.
        registry = _offline_registry().with_resources(resources)
        self.registry: Registry[Any] = registry.crawl() if identified else registry
        # Without one, a reference's target is found in the documents directly
        # (see follow): doomed follows about 570 chains for a refused webhook.
        self._by_uri: dict[str, Any] | None = None
        if not identified:
            self._by_uri = {uri: resource.contents for uri, resource in resources}
        self._cache: dict[str, Validator] = {}

    @cached_property
    def locations(self) -> dict[int, str]:
        """Each subschema's location (``file#pointer``) by its id, for
        :meth:`prune` (found on its first use, not by every refusal)."""
        found = {}
        for path, contents in self._resources:
            for pointer, node in subschemas(contents):
                if "$schema" not in node:  # its own draft: jsonschema's class
                    where = quote(pointer, safe="/~$!&'()*+,;=:@")
                    found[id(node)] = f"{path}#{where}" if pointer else path
        return found

    def prune(self, schema: Any, instance: Any) -> bool:
        """Whether jsonschema-rs finds a non-empty object or array valid against a
        subschema of the package: then wording its errors needs no walk below it
        (none would be found: both checkers give the same verdicts, which
        tests/test_fastcheck.py and the conformance run compare). Only while a
        message's violations are worded, only in packages whose references do
        not depend on the way there (``remembers``), and only in packages with
        unevaluated* (``walks_scopes``): there jsonschema walks every subschema of
        a scope again for each value, and an OpenAPI 3.1 description with one bad
        field took 24 ms of CPU instead of 9. Elsewhere the walk costs less than
        asking: the GitHub webhooks' refusals (no unevaluated*, a 66-branch union
        tried branch by branch) took 9.3 s for all 329 documents with it, 8.2-8.5 s
        without, and the first refusal 714 ms instead of 410 (a validator compiled
        per location)."""
        fast = self.fast if self.walks_scopes else None
        if fast is None or not instance or not isinstance(instance, dict | list):
            return False
        where = self.locations.get(id(schema))
        return where is not None and fast.is_valid(where, instance) is True

    def doomed(self, validator: Any, schema: Any, instance: Any) -> bool:
        """Whether ``instance`` surely fails ``schema`` (met by ``validator``), as
        jsonschema would find: the schema (its lone ``$ref`` s followed as
        jsonschema resolves them) asserts a type the value is not, a property the
        value lacks, or a string ``const`` or ``enum`` for a property the value
        holds otherwise. Checked on the failure path only; the webhook union's 66
        events, each a union of its actions told apart by ``action``, are mostly
        ruled out so, without a walk of the payload. False when unsure."""
        if not isinstance(schema, dict):
            return False
        resolver = validator._resolver
        key = (getattr(resolver, "_base_uri", None), id(schema))
        found = self._tests.get(key)
        if found is None:  # the schema is kept with it, so its id stays its own
            found = self._tests[key] = (
                schema_test(resolver, schema, self.follow),
                schema,
            )
        test = found[0]
        return test is not None and test.fails(instance)

    def doomed_at(self, path: str, pointer: str, instance: Any) -> bool:
        """:meth:`doomed` for the schema at a location of a schema file (its
        test found from the registry, without a validator for the location)."""
        if not self._doomed:
            return False
        key = (path, pointer)
        if key not in self._located:
            # From the file's URI, as a reference to the file itself and the
            # location would be looked up (its URI has no fragment).
            where = quote(pointer, safe="/~$!&'()*+,;=:@")
            resolver = self.registry.resolver(base_uri=self.canonical[path])
            self._located[key] = schema_test(
                resolver, {"$ref": f"#{where}"}, self.follow
            )
        test = self._located[key]
        return test is not None and test.fails(instance)

    def follow(self, base: str, ref: str) -> tuple[Any, str] | None:
        """runtime._doomed.follow_in over the package's documents by URI (none
        where a subschema may have an $id or an anchor)."""
        return follow_in(self._by_uri, base, ref)

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


def _strings_only(check: Any) -> Any:
    """Formats constrain strings only; any other instance passes (as specified)."""

    def wrapped(instance: Any) -> bool:
        return not isinstance(instance, str) or bool(check(instance))

    return wrapped
