"""``generate`` runs with the cyclic garbage collector off, and gives back the
collector as it found it (codegen/api.py, ``no_cycle_collection``)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from benchmarks.shapes import write_shape
from codegen import api
from codegen.compiler import compile as compile_module


@pytest.mark.parametrize("enabled", [True, False])
def test_generate_turns_the_collector_off_and_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    write_shape(tmp_path / "schemas", "events", 4)
    seen: list[bool] = []
    real = compile_module.check_document

    def check_document(*args: object) -> object:
        seen.append(gc.isenabled())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(compile_module, "check_document", check_document)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        api.generate_to(tmp_path / "schemas", tmp_path / "out")
        assert gc.isenabled() is enabled
        assert api.check(tmp_path / "schemas", tmp_path / "out") == []
        (tmp_path / "out" / "ts" / "index.js").write_text("edited\n")
        assert api.check(tmp_path / "schemas", tmp_path / "out") == [
            "changed: ts/index.js"
        ]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen and not any(seen)  # off while compiling, in generate and check
