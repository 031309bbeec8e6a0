"""``generate`` runs with the cyclic garbage collector off, and gives back the
collector as it found it (codegen/api.py, ``no_cycle_collection``)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from benchmarks.shapes import write_shape
from codegen import api
from codegen.compiler import compile as compile_module
from codegen.compiler import scan


@pytest.mark.parametrize("enabled", [True, False])
def test_generate_turns_the_collector_off_and_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    write_shape(tmp_path / "schemas", "events", 4)
    seen: list[bool] = []
    real = scan.scan_document  # what compile imported, before the patch

    def scan_document(*args: object) -> object:
        seen.append(gc.isenabled())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(compile_module, "scan_document", scan_document)
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


def test_generate_freezes_nothing_a_long_lived_process_must_collect(
    tmp_path: Path,
) -> None:
    """A test run or a dev server calls ``generate`` many times: nothing may be
    moved to the permanent generation, and a cycle made while the collector was
    off is still collected once it is on again."""
    write_shape(tmp_path / "schemas", "events", 4)
    frozen = gc.get_freeze_count()
    was = gc.isenabled()
    gc.enable()
    try:

        class Node:
            other: object = None

        with api.no_cycle_collection():
            a, b = Node(), Node()
            a.other, b.other = b, a  # a cycle, garbage once the names are gone
            cycle = id(a)
            del a, b
            api.generate_to(tmp_path / "schemas", tmp_path / "out")
        assert gc.get_freeze_count() == frozen
        gc.collect()
        assert all(id(o) != cycle for o in gc.get_objects() if isinstance(o, Node))
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize(
    ("command", "off"),
    [(["generate"], True), (["check"], True), (["dlq", "--help"], False)],
)
def test_the_command_keeps_the_collector_off_until_exit(
    tmp_path: Path, command: list[str], off: bool
) -> None:
    """``contracts generate`` and ``check`` end with their process: the collector
    stays off for the rest of its life (no walk of the heap the generation leaves,
    none at exit). A command that may run long (``dlq``) leaves it on."""
    import subprocess
    import sys

    write_shape(tmp_path / "schemas", "events", 4)
    args = [*command]
    if command[0] != "dlq":
        args += ["--schemas", str(tmp_path / "schemas"), "--out", str(tmp_path / "out")]
    probe = (
        "import gc, sys\n"
        "from codegen import cli\n"
        f"sys.argv = ['contracts', *{args!r}]\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.isenabled())\n"
    )
    if command == ["check"]:  # something to check
        from codegen import api as _api

        _api.generate_to(tmp_path / "schemas", tmp_path / "out")
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(not off)
