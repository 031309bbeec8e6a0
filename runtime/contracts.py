"""The contracts of a generated package, and validation of messages against them.

:class:`Contracts` reads the package's ``manifest.json``; :meth:`Contracts.get`
returns a :class:`ContractValidator` that turns raw JSON bytes into the typed model
(or raises :class:`ContractViolation` listing every error). Validation is Pydantic
on the raw bytes, plus a full JSON Schema check only for the contracts the
compiler marked as needing one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from importlib.resources import files
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, SchemaValidator

from runtime._collector import paused
from runtime._depth import nesting_depth as nesting_depth
from runtime._depth import nesting_depth_scan as nesting_depth_scan
from runtime._dispatch import Branches, Built, tagged_choices, union_members
from runtime._jsontext import _INVALID as _INVALID
from runtime._jsontext import NOT_FAST as NOT_FAST
from runtime._jsontext import _loads_or_none as _loads_or_none
from runtime._jsontext import _standard_or_invalid as _standard_or_invalid
from runtime._jsontext import json_marks as json_marks
from runtime._jsontext import non_json_constant as non_json_constant
from runtime._jsontext import orjson_value as orjson_value
from runtime._schemafiles import union_free
from runtime._steps import without_steps
from runtime._violation_text import from_jsonschema, from_pydantic, json_problem, show
from runtime.errors import ContractViolation, UnknownContract, Violation
from runtime.manifest import known_documents

if TYPE_CHECKING:
    from runtime._errorwalk import ErrorWalk
    from runtime._fastcheck import FastCheck
    from runtime._fullcheck import FullCheck
    from runtime._schemafiles import SchemaFiles
    from runtime._union_report import UnionReport

DEFAULT_MAX_BYTES = 1 << 20
DEFAULT_MAX_DEPTH = 64


@dataclass(frozen=True)
class Limits:
    """Limits checked before parsing: size in bytes and nesting depth."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH


_UNTAGGED = object()  # a tag not computed yet


class ContractValidator:
    """Validates messages of one contract."""

    def __init__(self, contracts: Contracts, entry: dict[str, Any]) -> None:
        self.contracts = contracts
        self.contract: str = entry["contract"]
        self.name: str = entry["name"]
        self.fingerprint: str = entry["fingerprint"]
        self.message_type: str | None = entry["type"]
        self.version: int | None = entry["version"]
        self.full_check: tuple[str, ...] = tuple(entry["full_check"])
        self._module: str = entry["module"]

    @cached_property
    def python_type(self) -> Any:
        module = import_module(f"{self.contracts.package}.{self._module}")
        return getattr(module, self.name)

    @cached_property
    def _whole(self) -> Built:
        return Built(self.python_type, self._strip_patterns)

    @cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return self._whole.adapter

    @cached_property
    def core(self) -> SchemaValidator:
        """The type's pydantic-core validator, built from the core schema and
        config of its adapter without building the adapter (runtime/_dispatch.py:
        no look-up of pydantic plugins), called on the hot paths."""
        return self._whole.core

    @cached_property
    def branches(self) -> Branches | None:
        """For a union told apart by a callable discriminator (a big event root),
        its choices, each built on the first message it takes
        (runtime/_dispatch.py); ``None`` for any other type."""
        found = tagged_choices(self.python_type)
        if found is None:
            return None
        return Branches(*found, self._strip_patterns)

    @cached_property
    def _member_contracts(self) -> dict[str, str]:
        """For a union of :attr:`branches` whose schema is nothing but a ``oneOf``
        or ``anyOf`` of ``$ref`` s: each member contract by its type's name, which
        is the tag of a choice that holds that member alone."""
        members = self.contracts.fast_checker.union_members(self.contract)
        entries = self.contracts._entries
        return {entries[m]["name"]: m for m in members if m in entries}

    def _alone(self, tag: Any) -> bool:
        """Whether the model of the union member a message's keys name (its tag,
        :meth:`_tag`) decides alone: its own contract needs no full check (its
        manifest entry lists none), and the union accepts a message exactly when
        that member does (runtime._dispatch.union_members). Such a message needs
        no compiled check, nor its import; a refusal is worded as any other."""
        return isinstance(tag, str) and tag in self._alone_tags

    @cached_property
    def _alone_tags(self) -> frozenset[str]:
        path, _, fragment = self.contract.partition("#")
        # The files every checker reads (the walk that words a refusal, the
        # compiled check), parsed once.
        document = next((v for p, _, v in self.contracts._schemas if p == path), None)
        entries = self.contracts._entries
        return frozenset(
            entries[m]["name"]
            for m in union_members(document, path, fragment)
            if m in entries and not entries[m]["full_check"]
        )

    def _tag(self, instance: Any) -> Any:
        """The tag :attr:`branches` computes for ``instance`` (``None``: no
        branches), computed once per message."""
        branches = self.branches
        return None if branches is None else branches.tag(instance)

    def _fast_verdict(self, instance: Any, tag: Any = _UNTAGGED) -> bool | None:
        """The compiled full check's verdict. For a union told apart by its keys,
        the verdict of the member the keys name: the compiler split the union
        only where a message valid for a member is sent to that member and none
        other (codegen/compiler/unions.py), so the union accepts a message
        exactly when that member does. Compiling one member is about 1 ms; the
        66-event webhook root took 16 ms."""
        contract = self.contract
        if self.branches is not None:
            if tag is _UNTAGGED:
                tag = self.branches.tag(instance)
            if isinstance(tag, str):
                contract = self._member_contracts.get(tag, contract)
        return self.contracts.fast_checker.is_valid(contract, instance)

    @property
    def _compiled_first(self) -> bool:
        """Whether a message is put to the compiled full check before the model:
        once the package's compiled check is built. Until then (the first
        messages of a process) the model decides first, and the compiled check
        is asked only of a message the model accepts (:meth:`_check_full`): a
        refusal by the model, the full check's verdict unasked, is worded
        without it, and the compiled check's import (jsonschema-rs loads
        ``email.utils`` and ``socket``), its schema rewrite and its compile, 25
        to 30 ms, wait for a message the model accepts. The verdicts are the
        same in either order: a message is valid when the model accepts it and
        the full check does (the compiled check's verdict, or the walk finding
        no violation); the order only decides which of them runs first, and
        whether the model runs with its patterns (see :attr:`unpatterned`)."""
        return "fast_checker" in self.contracts.__dict__

    def core_for_json(self, raw: bytes) -> SchemaValidator:
        """The validator that takes ``raw`` when it is valid: its union branch
        (:attr:`branches`), else :attr:`core`. A refusal of the branch is worded
        by :meth:`validate_json` or :meth:`validate_python`."""
        if self.branches is None:
            return self.core
        instance = _loads_or_none(raw)
        if instance is _INVALID:
            return self.core
        return self._built_for(instance).core

    def _built_for(self, instance: Any, tag: Any = _UNTAGGED) -> Built:
        """What validates ``instance``: its union branch, or the whole type
        (``tag``: the branches' tag for it, when computed already)."""
        branches = self.branches
        if branches is not None:
            if tag is _UNTAGGED:
                tag = branches.tag(instance)
            built = branches.of_tag(tag)
            if built is not None:
                return built
        return self._whole

    def _limits(self, data: bytes, parse: bool = False) -> Any:
        """Refuse text too big, too deep or with a ``NaN``; when ``parse``, return
        its parsed value (:data:`_INVALID` if it is not JSON), parsed before the
        depth is counted: orjson has a depth limit of its own, and a text it
        parses is well-formed, which counts faster (:func:`nesting_depth`)."""
        limits = self.contracts.limits
        if len(data) > limits.max_bytes:
            raise ContractViolation(
                self.contract,
                [
                    Violation(
                        "", f"at most {limits.max_bytes} bytes", f"{len(data)} bytes"
                    )
                ],
            )
        # One pass keeps the bytes the two checks below look for: "N" and "I" (of
        # NaN and Infinity) and the brackets, which bound the depth from above.
        marks = json_marks(data)
        value: Any = orjson_value(data) if parse else _UNPARSED
        parsed = value is not _UNPARSED and value is not NOT_FAST
        # A text orjson parsed is JSON (RFC 8259): no NaN nor Infinity outside strings.
        if not parsed and (b"N" in marks or b"I" in marks):
            constant = non_json_constant(data)
            if constant is not None:
                raise ContractViolation(
                    self.contract, [Violation("", "valid JSON", constant)]
                )
        if marks.count(b"[") + marks.count(b"{") > limits.max_depth:
            depth = nesting_depth(data, valid_json=parsed)
            if depth > limits.max_depth:
                raise ContractViolation(
                    self.contract,
                    [
                        Violation(
                            "",
                            f"nesting depth at most {limits.max_depth}",
                            f"depth {depth}",
                        )
                    ],
                )
        return _standard_or_invalid(data) if value is NOT_FAST else value

    def validate_json(self, data: bytes | str) -> Any:
        """Raw JSON to the typed value, or :class:`ContractViolation`."""
        raw = data.encode() if isinstance(data, str) else bytes(data)
        instance: Any = self._limits(raw, parse=bool(self.full_check))
        verdict: Any = _NOT_ASKED
        tag: Any = _UNTAGGED
        if instance is not _INVALID and instance is not _UNPARSED:
            tag = self._tag(instance)
        full = bool(self.full_check) and not self._alone(tag)
        if full and instance is not _INVALID and self._compiled_first:
            verdict = self._fast_verdict(instance, tag)
            if verdict:
                try:
                    return self._built_for(instance, tag).unpatterned.validate_json(
                        raw, by_alias=True, by_name=False
                    )
                except ValidationError:  # not expected: decided and worded below
                    verdict = _NOT_ASKED
        value: Any = _NO_VALUE
        if self.branches is not None:
            # The branch the union would pick; its errors are the union's.
            if instance is _UNPARSED:
                instance = _loads_or_none(raw)
            if instance is not _INVALID and tag is _UNTAGGED:
                tag = self.branches.tag(instance)
            built = None if instance is _INVALID else self.branches.of_tag(tag)
            if built is not None:
                try:
                    value = built.core.validate_json(raw, by_alias=True, by_name=False)
                except ValidationError as exc:
                    errors = self._union_errors(exc, instance)
                    raise self._refused(errors, instance) from None
        if value is _NO_VALUE:
            try:
                value = self.core.validate_json(raw, by_alias=True, by_name=False)
            except ValidationError as exc:
                instance = _loads_or_none(raw)
                if instance is _INVALID:
                    raise ContractViolation(
                        self.contract, [Violation("", "valid JSON", json_problem(raw))]
                    ) from None
                raise self._refused(exc.errors(), instance) from None
        if full:
            if instance is _INVALID or instance is _UNPARSED:
                instance = json.loads(raw)
            self._check_full(instance, verdict)
        return value

    def validate_python(self, instance: Any) -> Any:
        """A parsed JSON value (dicts, lists, str, int, float, bool, None) to the
        typed value. Same verdicts as :meth:`validate_json` on its JSON text."""
        verdict: Any = _NOT_ASKED
        tag = self._tag(instance)
        full = bool(self.full_check) and not self._alone(tag)
        if full and self._compiled_first:
            verdict = self._fast_verdict(instance, tag)
            if verdict:
                try:
                    return self._built_for(instance, tag).unpatterned.validate_python(
                        instance, by_alias=True, by_name=False
                    )
                except ValidationError:  # not expected: decided and worded below
                    verdict = _NOT_ASKED
        value: Any = _NO_VALUE
        if self.branches is not None:
            built = self.branches.of_tag(tag)
            if built is not None:
                try:
                    value = built.core.validate_python(
                        instance, by_alias=True, by_name=False
                    )
                except ValidationError as exc:
                    errors = self._union_errors(exc, instance)
                    raise self._refused(errors, instance) from None
        if value is _NO_VALUE:
            try:
                value = self.core.validate_python(
                    instance, by_alias=True, by_name=False
                )
            except ValidationError as exc:
                raise self._refused(exc.errors(), instance) from None
        if full:
            self._check_full(instance, verdict)
        return value

    def _union_errors(self, exc: ValidationError, instance: Any) -> list[ErrorDetails]:
        """The errors of the branch a tagged union picked, as the whole union
        reports them: pydantic-core validates with the one choice its tag names
        and puts the tag in front of each error's location. So a refused message
        needs no validator of the whole union."""
        assert self.branches is not None
        tag = self.branches.tag(instance)
        errors = exc.errors()
        for error in errors:
            error["loc"] = (tag, *error["loc"])
        return errors

    def _refused(self, errors: list[ErrorDetails], instance: Any) -> ContractViolation:
        """The violation of a message Pydantic refused."""
        violations = from_pydantic(errors, instance)
        try:
            with self.contracts.remembering():
                if self.full_check:
                    violations += self._full(instance, self.delegated_keywords)
                violations = self._explained(instance, violations)
        except RecursionError:  # refused all the same, in Pydantic's words
            violations = [*from_pydantic(errors, instance), _unworded(instance)]
        return ContractViolation(self.contract, violations)

    def check_limits(self, data: bytes) -> None:
        """Raise :class:`ContractViolation` if raw JSON is too big or too deep."""
        self._limits(data)

    @cached_property
    def delegated_keywords(self) -> frozenset[str]:
        """The keywords only the full check enforces (for error reports)."""
        return frozenset(c.rsplit("/", 1)[-1] for c in self.full_check) | {"$ref"}

    def _explained(self, instance: Any, found: list[Violation]) -> list[Violation]:
        """``found`` with each failing oneOf/anyOf reported as the branch meant;
        ``found`` itself where no file the contract reaches holds a union."""
        if self._union_free:
            return found
        path, _, pointer = self.contract.partition("#")
        return self.contracts.union_report.rewrite(path, pointer, instance, found)

    @cached_property
    def _union_free(self) -> bool:
        """No file the contract reaches can hold a oneOf/anyOf: the union report,
        which parses every schema file, is then not built (runtime/_schemafiles.py)."""
        c = self.contracts
        reached = known_documents(c.manifest, c._entries[self.contract])
        return union_free(c.package, reached, c.__dict__.get("_schemas"))

    @cached_property
    def unpatterned(self) -> SchemaValidator:
        """The model's validator without its ``pattern`` steps, for a contract that
        needs the full check. The full check decides first, matching every pattern;
        a message it accepts matches every pattern of the model too (a model accepts
        every message its schema accepts), so the model need not match them again:
        each pattern runs once per value. Its typed value is the model's."""
        return self._whole.unpatterned

    def _strip_patterns(self, schema: Any) -> Any:
        """``schema`` without its ``pattern`` steps and, outside union choices,
        its ``format`` steps (runtime/_steps.py), or ``None`` for a package
        generated before the steps were marked."""
        support = self.contracts.support
        pattern = getattr(getattr(support, "patterns", None), "PATTERN_STEP", None)
        if not isinstance(pattern, str):
            return None
        format_ = getattr(getattr(support, "formats", None), "FORMAT_STEP", None)
        formats = frozenset({format_} if isinstance(format_, str) else ())
        return without_steps(schema, frozenset({pattern}), formats)

    def _check_full(self, instance: Any, verdict: Any = None) -> None:
        """The full check of a message Pydantic accepted: the verdict from the
        compiled validator (``verdict``, when it was asked already); the violations,
        only for a message it refuses, in the words of the reference one."""
        if verdict is _NOT_ASKED:
            verdict = self._fast_verdict(instance)
        if verdict:
            return
        try:
            with self.contracts.remembering():
                violations = self._full(instance)
                if violations:
                    violations = self._explained(instance, violations)
        except RecursionError:  # refused: the compiled check did, or none decided
            violations = [_unworded(instance)]
        if violations:
            raise ContractViolation(self.contract, violations)

    def _full(
        self, instance: Any, keywords: frozenset[str] | None = None
    ) -> list[Violation]:
        return self.contracts.full_violations(self.contract, instance, keywords)


def _unworded(instance: Any) -> Violation:
    """The refusal of a message whose violations are nested deeper than Python's
    recursion goes to word them: a schema's chain of unions, each a ``$ref`` to
    the next, hundreds long (a message is at most ``max_depth`` deep; a chain of
    schemas is not). Refused, never accepted for want of words."""
    expected = "a value the schema accepts (its unions nest too deep to word why not)"
    return Violation("", expected, show(instance))


_NOT_ASKED = object()
_UNPARSED = object()
_NO_VALUE = object()


class _Memo(threading.local):
    """runtime._fullcheck.Memo, without importing jsonschema before it is needed."""

    errors: dict[tuple[Any, ...], Any] | None = None
    # Renderings of values by id (runtime._violation_text.from_jsonschema).
    shown: dict[int, tuple[Any, str]] | None = None


class Contracts:
    """All contracts of one generated Python package (e.g. ``platform_contracts``)."""

    def __init__(self, package: str, limits: Limits | None = None) -> None:
        self.package = package
        self.limits = limits or Limits()
        manifest = json.loads(
            files(package).joinpath("manifest.json").read_text("utf-8")
        )
        self.manifest: dict[str, Any] = manifest
        self.fingerprint: str = manifest["fingerprint"]
        self._entries = {e["contract"]: e for e in manifest["contracts"]}
        self._by_message = {
            (e["type"], e["version"]): e["contract"]
            for e in manifest["contracts"]
            if e["type"] is not None
        }
        self._validators: dict[str, ContractValidator] = {}
        self._memo = _Memo()

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """While one message's violations are worded, ``jsonschema`` remembers
        the errors of each reference it follows (runtime/_fullcheck.py), and the
        cyclic garbage collector waits (runtime/_collector.py)."""
        if self._memo.errors is not None:
            yield
            return
        with paused():  # on again once what was remembered is freed
            self._memo.errors = {}
            self._memo.shown = {}
            try:
                yield
            finally:
                self._memo.errors = None
                self._memo.shown = None

    @cached_property
    def support(self) -> ModuleType:
        return import_module(f"{self.package}._support")

    @cached_property
    def _schemas(self) -> SchemaFiles:
        """The package's schema files, read and parsed once for every checker."""
        from runtime._schemafiles import schema_files

        return schema_files(self.package)

    @cached_property
    def fast_checker(self) -> FastCheck:
        from runtime._fastcheck import FastCheck

        return FastCheck(self.package, self.support, self._schemas)

    @cached_property
    def full_checker(self) -> FullCheck:
        # jsonschema is imported only by packages that have a full-check contract.
        from runtime._fullcheck import FullCheck

        checker = FullCheck(
            self.package, self.support, self._memo, schemas=self._schemas
        )
        checker.fast = self.fast_checker  # prunes valid subtrees while wording
        return checker

    @cached_property
    def walk(self) -> ErrorWalk | None:
        """The full check's violations found without jsonschema, where they can
        be (runtime/_errorwalk.py); None for a package where they cannot."""
        from runtime._errorwalk import walk_of

        return walk_of(self._schemas, self.support, self._memo)

    @cached_property
    def union_report(self) -> UnionReport:
        """Failing unions explained (runtime/_union_report.py), with the full check
        as the validator of one schema location (on the failure path only)."""
        from runtime._union_report import report_for

        return report_for(self)

    def full_violations(
        self, contract: str, instance: Any, keywords: frozenset[str] | None = None
    ) -> list[Violation]:
        """The full check's violations of ``instance`` (only those of ``keywords``
        when given), in ``jsonschema`` 's words (see :meth:`remembering`): found
        by runtime._errorwalk where its walk goes, else by jsonschema itself."""
        walk = self.walk
        walked = None if walk is None else walk.violations(contract, instance, keywords)
        if walked is not None:
            return walked
        validator = self.full_checker.validator(contract)
        errors = validator.iter_errors(instance)
        return from_jsonschema(errors, keywords, self._memo.shown)

    def names(self) -> list[str]:
        return sorted(self._entries)

    def get(self, contract: str) -> ContractValidator:
        """The validator of a contract: a schema file path, or ``file#/$defs/Name``."""
        validator = self._validators.get(contract)
        if validator is None:
            entry = self._entries.get(contract)
            if entry is None:
                raise UnknownContract(f"no contract {contract!r} in {self.package}")
            validator = self._validators[contract] = ContractValidator(self, entry)
        return validator

    def for_message(self, message_type: str, version: int) -> ContractValidator:
        contract = self._by_message.get((message_type, version))
        if contract is None:
            known = sorted(v for t, v in self._by_message if t == message_type)
            detail = f"known versions {known}" if known else "unknown message type"
            raise UnknownContract(
                f"no contract for {message_type} v{version} ({detail})"
            )
        return self.get(contract)
