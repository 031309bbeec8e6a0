"""The bundles and the files made from them (precompiled validators, ``_schemas.js``)
rendered and written by a child process (``codegen/twocores.py``) give the same
files and the same report as one process, and any failure of the child falls back
to one process."""

from __future__ import annotations

import json
import os
import select
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from benchmarks.shapes import write_shape
from codegen import api, emit, stamp, twocores
from codegen.compiler import compile as compile_module
from codegen.compiler.compile import compile_documents
from codegen.emit import Settings
from codegen.errors import CompileError


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _stale(out: Path) -> None:
    """An output folder as a user might leave it: edited, extra and missing files."""
    (out / "ts" / "extra.js").write_text("x\n")
    extra = out / "python" / "platform_contracts" / "zz" / "extra.py"
    extra.parent.mkdir()
    extra.write_text("y\n")
    with (out / "ts" / "index.js").open("a") as f:
        f.write("// edited\n")
    with (out / "python" / "platform_contracts" / "__init__.py").open("a") as f:
        f.write("# edited\n")
    next((out / "ts" / "events").rglob("*.d.ts")).unlink()


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    write_shape(tmp_path / "schemas", "events", 12)
    return tmp_path / "schemas"


def _run(
    schemas: Path, out: Path, monkeypatch: pytest.MonkeyPatch, child: bool
) -> tuple[list[str], list[str]]:
    monkeypatch.setattr(twocores, "MIN_MODULES", 0 if child else 10**9)
    monkeypatch.setattr(twocores, "cores", lambda: 2)
    first = api.generate_to(schemas, out)
    _stale(out)
    return first, api.generate_to(schemas, out)


def test_a_child_gives_the_same_files_and_report(
    schemas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spawned: list[int] = []
    fork = os.fork

    def counting_fork() -> int:
        pid = fork()
        if pid:
            spawned.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    alone = _run(schemas, tmp_path / "one", monkeypatch, child=False)
    assert spawned == []
    paired = _run(schemas, tmp_path / "two", monkeypatch, child=True)
    assert len(spawned) == 2
    assert paired == alone
    assert any(line.startswith("extra: ") for line in alone[1])
    assert alone[1][-2:] == [
        "extra: python/platform_contracts/zz/extra.py",
        "extra: ts/extra.js",
    ]
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")
    assert stamp.is_fresh(schemas, tmp_path / "two", Settings())
    # The bundles the child made come back: the program is compile_documents'.
    result, _ = api.generate_into(schemas, tmp_path / "two")
    assert len(spawned) == 3
    expected, _ = compile_documents(schemas)
    assert result.program == expected
    assert len(result.program.bundles) == 13
    # Without bundles asked for (contracts generate), the child keeps them: the
    # same files and program, no bundles, with a child or without.
    lean, _ = api.generate_into(schemas, tmp_path / "two", bundles=False)
    assert len(spawned) == 4
    assert lean.program == replace(expected, bundles=())
    assert lean.files == result.files
    monkeypatch.setattr(twocores, "MIN_MODULES", 10**9)
    assert api.generate_into(schemas, tmp_path / "one")[0].program == expected
    alone_lean, _ = api.generate_into(schemas, tmp_path / "one", bundles=False)
    assert alone_lean.program == lean.program and alone_lean.files == lean.files
    assert len(spawned) == 4


def test_a_child_that_dies_leaves_the_work_to_the_parent(
    schemas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = emit.ts_checks_part  # what twocores imported, before the patch

    def dying(*args: object, **kwargs: object) -> dict[str, bytes]:
        if os.getpid() != parent:
            os._exit(3)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    expected = _run(schemas, tmp_path / "one", monkeypatch, child=False)
    monkeypatch.setattr(twocores, "ts_checks_part", dying)
    assert _run(schemas, tmp_path / "two", monkeypatch, child=True) == expected
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")


def test_the_child_hashes_the_fingerprints_while_the_parent_lowers(
    schemas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent takes the child's fingerprints instead of
    hashing them again; they are those one process makes."""
    parent = os.getpid()
    log = tmp_path / "hashed_in"  # a file: the child's memory is its own
    real = compile_module.fingerprints

    def spying(*args: Any) -> dict[str, str]:
        with log.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args)

    def hashed_in() -> list[int]:
        pids = [int(line) for line in log.read_text().split()]
        log.unlink()
        return pids

    monkeypatch.setattr(compile_module, "fingerprints", spying)
    expected = _run(schemas, tmp_path / "one", monkeypatch, child=False)
    assert hashed_in() == [parent, parent]
    assert _run(schemas, tmp_path / "two", monkeypatch, child=True) == expected
    children = hashed_in()
    assert len(children) == 2 and parent not in children
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")


def test_a_child_that_dies_hashing_leaves_the_fingerprints_to_the_parent(
    schemas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = compile_module.Bundling.prints

    def dying(self: compile_module.Bundling) -> dict[str, str]:
        if os.getpid() != parent:
            os._exit(3)
        return real(self)

    expected = _run(schemas, tmp_path / "one", monkeypatch, child=False)
    monkeypatch.setattr(compile_module.Bundling, "prints", dying)
    assert _run(schemas, tmp_path / "two", monkeypatch, child=True) == expected
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")


def test_a_failure_in_either_package_writes_nothing(
    schemas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(twocores, "MIN_MODULES", 0)
    monkeypatch.setattr(twocores, "cores", lambda: 2)
    out = tmp_path / "out"
    api.generate_to(schemas, out)
    before = _tree(out)
    (schemas / "events" / "new.v1.json").write_text('{"type": "string"}\n')

    def broken(*args: object, **kwargs: object) -> dict[str, bytes]:
        raise RuntimeError("cannot render")

    for part in ("ts_checks_part", "ts_main_part", "python_part"):
        with monkeypatch.context() as patch:
            patch.setattr(twocores, part, broken)
            with pytest.raises(RuntimeError, match="cannot render"):
                api.generate_to(schemas, out)
        assert _tree(out) == before  # the stamp included: nothing was written
    with pytest.raises(CompileError, match="envelope"):
        api.generate_to(schemas, out, Settings(envelope="missing.json"))
    assert _tree(out) == before


def _handing_over(monkeypatch: pytest.MonkeyPatch, die_with_a_share: bool) -> list[int]:
    """Make the parent hand files over: it writes one file at a time, and its first
    look for the child's request waits for it (the child asks once it has written
    its own files), so a share is handed however the two processes are scheduled.
    Returns the number of files each handover gave, as the parent saw it."""
    parent = os.getpid()
    real_write, real_share = emit.write_files, twocores._share  # twocores' own
    calls: list[int] = []
    shares: list[int] = []
    polls: list[float] = []

    def write_files(out: Path, files: dict[str, bytes], present: set[str]) -> object:
        calls.append(len(files))
        if os.getpid() != parent and len(calls) == 2 and die_with_a_share:
            os._exit(3)  # the child dies with the files it was handed
        return real_write(out, files, present)

    class FirstPollWaits:
        @staticmethod
        def select(read: Any, write: Any, error: Any, timeout: float) -> Any:
            polls.append(timeout)
            return select.select(read, write, error, 60 if len(polls) == 1 else timeout)

    def share(*args: object) -> object:
        result = real_share(*args)  # type: ignore[arg-type]
        shares.append(len(result[1]))
        return result

    monkeypatch.setattr(twocores, "write_files", write_files)
    monkeypatch.setattr(twocores, "_share", share)
    monkeypatch.setattr(twocores, "select", FirstPollWaits)
    monkeypatch.setattr(twocores, "_STEP", 1)
    return shares


@pytest.mark.parametrize("die", [False, True])
def test_the_child_writes_files_the_parent_hands_over(
    schemas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, die: bool
) -> None:
    expected = _run(schemas, tmp_path / "one", monkeypatch, child=False)
    shares = _handing_over(monkeypatch, die)
    assert _run(schemas, tmp_path / "two", monkeypatch, child=True) == expected
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")
    assert len(shares) == 2 and shares[0] > 0  # the first run handed files over


def test_a_compile_error_after_the_child_started_stops_it(
    schemas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child starts once references are resolved, before lowering: files that
    import each other (found after lowering) stop it and write nothing."""
    monkeypatch.setattr(twocores, "MIN_MODULES", 0)
    monkeypatch.setattr(twocores, "cores", lambda: 2)
    started: list[int] = []
    real_start = twocores.Generation.start

    def start(self: twocores.Generation, bundling: object) -> object:
        prints = real_start(self, bundling)  # type: ignore[arg-type]
        started.append(self.pid or 0)
        return prints

    monkeypatch.setattr(twocores.Generation, "start", start)
    out = tmp_path / "out"
    api.generate_to(schemas, out)
    before = _tree(out)
    for name, other in (("a", "b"), ("b", "a")):
        schema = {"type": "object", "properties": {"x": {"$ref": f"{other}.v1.json"}}}
        (schemas / f"{name}.v1.json").write_text(json.dumps(schema))
    with pytest.raises(CompileError, match="file-cycle|cycle"):
        api.generate_to(schemas, out)
    assert len(started) == 2 and all(started)  # a child was running both times
    assert _tree(out) == before
    with pytest.raises(ChildProcessError):  # that child stopped and was reaped
        # (by its pid: the test process may have other children, a redis-server)
        os.waitpid(started[-1], os.WNOHANG)


@pytest.mark.parametrize(
    "case",
    sorted(
        p.parent.name
        for p in (Path(__file__).parent / "golden").glob("*/schemas")
        if not p.parent.name.startswith("error_")
    ),
)
def test_the_child_is_told_the_contracts_the_program_has(case: str) -> None:
    """The contracts' ids sent to the child once lowered (contract_ids_of) are
    those of the program made after (contracts_of)."""
    told: list[list[str]] = []

    def early(bundling: object) -> Any:
        def made(tagged: object, contracts: list[str]) -> None:
            told.append(contracts)

        return made

    root = Path(__file__).parent / "golden" / case / "schemas"
    program, _, _ = compile_module.compile_unbundled(root, False, early)
    assert told == [sorted({c.id for c in program.contracts})]
    assert told[0]
