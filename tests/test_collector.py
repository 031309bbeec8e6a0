"""The cyclic garbage collector waits while a refusal is worded, and is given back
as it was found (runtime/_collector.py, ``Contracts.remembering``).

Holding it off is sound only because wording leaves no garbage in cycles:
reference counting frees everything the wording made. That is checked on every
refused sample of every golden case and their one-place mutations.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
import types
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation
from runtime import _collector as collector_module
from runtime._collector import paused
from runtime.errors import Violation
from tests.conftest import package_name, sample_cases
from tests.test_wording_speed import _mutations


@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def _refused(contracts: Contracts, contract: str, instance: Any) -> bool:
    try:
        contracts.get(contract).validate_python(instance)
    except ContractViolation:
        return True
    return False


# The cases whose refusals go through union reports and the full check.
CASES = ("composition", "recursive", "refs_multi_file", "unions", "unions_by_keys")


@pytest.mark.parametrize(
    "case", [c for c in sample_cases() if c.name in CASES], ids=lambda p: p.name
)
def test_wording_a_refusal_leaves_no_cyclic_garbage(
    case: Path, tmp_path: Path, clean_modules: None, collector: None
) -> None:
    package = package_name(case)
    generate_to(case / "schemas", tmp_path, Settings(python_package=package))
    sys.path.insert(0, str(tmp_path / "python"))
    contracts = Contracts(package)
    samples = json.loads((case / "samples.json").read_text("utf-8"))
    messages = [
        (s["contract"], m) for s in samples for m in list(_mutations(s["data"]))[:40]
    ]
    refused = [m for m in messages if _refused(contracts, *m)]  # first uses, once
    assert refused
    gc.disable()
    gc.collect()
    # What was there before (a class an earlier test's package left in a cache
    # may be let go of here) is not this wording's.
    before = {id(o) for o in gc.get_objects()}
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds stays in gc.garbage
    try:
        for contract, instance in refused:
            assert _refused(contracts, contract, instance)
        gc.collect()
        strange = [
            o
            for o in gc.garbage
            if id(o) not in before and not _literal_eval_closure(o)
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not strange, [repr(o)[:200] for o in strange[:20]]


def _literal_eval_closure(found: object) -> bool:
    """The one cycle wording may leave, of a few objects, in the standard library:
    ``ast.literal_eval`` 's local functions refer to each other through their
    cells (runtime/_violation_text.py reads jsonschema's enum lists with it)."""
    if isinstance(found, type(_literal_eval_closure)):
        return found.__qualname__.startswith("literal_eval.<locals>.")
    return isinstance(found, tuple | types.CellType)


def test_the_collector_is_off_while_a_refusal_is_worded_and_given_back(
    tmp_path: Path, clean_modules: None, collector: None
) -> None:
    case = next(c for c in sample_cases() if c.name == "unions")
    package = package_name(case)
    generate_to(case / "schemas", tmp_path, Settings(python_package=package))
    sys.path.insert(0, str(tmp_path / "python"))
    contracts = Contracts(package)
    report = contracts.union_report
    real = report.rewrite
    seen: list[bool] = []

    def rewrite(
        path: str, pointer: str, value: Any, found: list[Violation]
    ) -> list[Violation]:
        seen.append(gc.isenabled())
        return real(path, pointer, value, found)

    report.rewrite = rewrite  # type: ignore[method-assign]
    message = {"shape": {"kind": "circle", "radius": "big"}}
    for enabled in (True, False, True):
        (gc.enable if enabled else gc.disable)()
        assert _refused(contracts, "shape_envelope.json", message)
        assert gc.isenabled() is enabled
    assert seen == [False, False, False]


def test_overlapping_wordings_in_threads_give_the_collector_back_once(
    collector: None,
) -> None:
    gc.enable()
    first_in, second_in, first_out = (threading.Event() for _ in range(3))
    states: list[bool] = []

    def first() -> None:
        with paused():
            first_in.set()
            second_in.wait(5)
        states.append(gc.isenabled())  # the second one is still wording
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with paused():
            second_in.set()
            first_out.wait(5)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert states == [False]
    assert gc.isenabled()
    gc.disable()
    with paused():
        pass
    assert not gc.isenabled()  # off before: left off


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.mark.parametrize("hold", [0.0, 1e9])
def test_overlapping_wordings_without_end_still_collect(
    collector: None, monkeypatch: pytest.MonkeyPatch, hold: float
) -> None:
    """While one wording goes on, another that ends collects the host's cyclic
    garbage once the collector has been held off for HOLD_SECONDS (0 here), and
    not before (an hour here)."""
    monkeypatch.setattr(collector_module, "HOLD_SECONDS", hold)
    gc.enable()
    gc.collect()
    with paused():
        garbage = _Cycle()
        gone = weakref.ref(garbage)
        del garbage
        done = threading.Event()

        def other() -> None:
            with paused():
                pass
            done.set()

        thread = threading.Thread(target=other)
        thread.start()
        assert done.wait(10)
        thread.join(10)
        assert (gone() is None) is (hold == 0.0)
        assert not gc.isenabled()  # the first wording goes on
    assert gc.isenabled()
