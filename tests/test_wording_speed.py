"""The violations of an invalid message are worded faster, in the same words.

The full check words a refused message with ``jsonschema``; the union report asks
it about every branch of a failing union. To make that fast, ``runtime._fullcheck``
remembers the errors of each (subschema, value) while one message is worded,
decides a union's branches by their first error, and the runtime does not ask
``jsonschema`` about a location jsonschema-rs finds valid. None of it may change a
word: here every golden sample, the repository's samples and one-place mutations
of them are refused (or accepted) the same, with the same text, as by ``jsonschema``
as it was (``plain``: every branch's errors listed, nothing remembered, every
location asked).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation
from runtime._fullcheck import FullCheck
from runtime._violation_text import from_jsonschema
from runtime.errors import Violation
from tests.conftest import ROOT, package_name, sample_cases


class Plain(Contracts):
    """The full check's words as they were: jsonschema, plain, asked every time."""

    def __init__(self, package: str) -> None:
        super().__init__(package)
        checker = FullCheck(package, self.support, plain=True)
        checker.registry = checker.registry.crawl()  # as it was: crawled up front
        self.__dict__["full_checker"] = checker

    def full_violations(
        self, contract: str, instance: Any, keywords: frozenset[str] | None = None
    ) -> list[Violation]:
        validator = self.full_checker.validator(contract)
        return from_jsonschema(validator.iter_errors(instance), keywords)


def _mutations(value: Any) -> Iterator[Any]:
    """The value, and each one-place change of it: a key dropped, a value nulled,
    a string emptied, a number moved, a property added."""
    yield value
    if isinstance(value, dict):
        yield {**value, "unexpected~/key": 1}
        for key in value:
            yield {k: v for k, v in value.items() if k != key}
            for changed in _mutations(value[key]):
                if changed is not value[key]:
                    yield {**value, key: changed}
    elif isinstance(value, list):
        for i, item in enumerate(value):
            for changed in _mutations(item):
                if changed is not item:
                    yield [*value[:i], changed, *value[i + 1 :]]
    else:
        yield None
        if isinstance(value, str):
            yield ""
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield -value - 1


def _text(contracts: Contracts, contract: str, instance: Any) -> str:
    try:
        contracts.get(contract).validate_python(instance)
    except ContractViolation as exc:
        return str(exc)
    return "valid"


def _compare(package: str, samples: list[tuple[str, Any]]) -> int:
    fast, plain = Contracts(package), Plain(package)
    differ, refused = [], 0
    for contract, data in samples:
        for instance in _mutations(data):
            words = _text(fast, contract, instance)
            refused += words != "valid"
            expected = _text(plain, contract, instance)
            if words != expected:
                differ.append(
                    f"{contract} {json.dumps(instance)[:300]}\n  now:\n{words}\n"
                    f"  as it was:\n{expected}"
                )
    assert not differ, f"{len(differ)} differ:\n" + "\n".join(differ[:10])
    return refused


@pytest.mark.parametrize("case", sample_cases(), ids=lambda p: p.name)
def test_golden_samples_keep_their_words(
    case: Path, tmp_path: Path, clean_modules: None
) -> None:
    package = package_name(case)
    generate_to(case / "schemas", tmp_path, Settings(python_package=package))
    sys.path.insert(0, str(tmp_path / "python"))
    samples = json.loads((case / "samples.json").read_text())
    refused = _compare(package, [(s["contract"], s["data"]) for s in samples])
    assert refused >= 6


def test_repo_samples_keep_their_words(tmp_path: Path, clean_modules: None) -> None:
    generate_to(ROOT / "schemas", tmp_path, Settings(python_package="words_repo"))
    sys.path.insert(0, str(tmp_path / "python"))
    root = ROOT / "tests" / "samples"
    samples = [
        (p.parent.relative_to(root).as_posix() + ".json", json.loads(p.read_text()))
        for p in sorted(root.rglob("*.json"))
    ]
    assert _compare("words_repo", samples) >= 100
