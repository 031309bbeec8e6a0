"""``contracts generate`` and ``check`` with plain arguments skip typer's parsing
(``codegen/cli/plain.py``): they must get what typer would give them, and leave
to typer everything it words itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from codegen.cli import app, plain
from codegen.cli.output import Format

PLAIN = [
    [],
    ["--schemas", "s"],
    ["--schemas=s", "--out", "o/x"],
    ["--out", "o", "--schemas", "s", "--envelope", "envelope.v1.json"],
    ["--strict"],
    ["--no-strict", "--strict"],
    ["--strict", "--no-strict"],
    ["--format", "json"],
    ["--error-format=github-actions", "--schemas", "a b"],
    ["--schemas", "one", "--schemas", "two"],  # the last one, as click takes it
    ["--envelope=x.json", "--format", "text", "--out=o"],
]
TO_TYPER = [
    ["--help"],
    ["--schemas"],
    ["--schemas", "--out"],
    ["--schemas="],
    ["--format", "JSON"],
    ["--format", "yaml"],
    ["--strict=yes"],
    ["--verbose"],
    ["-h"],
    ["positional"],
    ["--envelope", "-x"],
]


def _typer_params(command: str, args: list[str]) -> dict[str, Any]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    ctx = group.commands[command].make_context(command, list(args))
    return {k: v for k, v in ctx.params.items() if v is not None}


@pytest.mark.parametrize("command", ["generate", "check"])
@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_plain_arguments_are_what_typer_gives(command: str, args: list[str]) -> None:
    mine = plain.plain_arguments(args)
    assert mine is not None
    mine.setdefault("error_format", Format.text)  # the command's default
    assert mine == _typer_params(command, args)


@pytest.mark.parametrize("args", TO_TYPER, ids=" ".join)
def test_anything_else_goes_to_typer(args: list[str]) -> None:
    assert plain.plain_arguments(args) is None
    ran: list[dict[str, Any]] = []
    assert not plain.run(["generate", *args], {"generate": lambda **k: ran.append(k)})
    assert ran == []


def test_other_commands_go_to_typer() -> None:
    ran: list[str] = []
    assert not plain.run(["drift"], {"generate": lambda **k: ran.append("x")})
    assert not plain.run([], {"generate": lambda **k: ran.append("x")})
    assert ran == []


def test_the_command_exits_as_under_typer(tmp_path: Path) -> None:
    """Exit codes and output through the plain path: fresh (0), stale (1), and a
    compile error (2), as the commands raise them."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "a.v1.json").write_text('{"type": "object", "title": "A"}')
    out = tmp_path / "out"
    exe = [sys.executable, "-c", "from codegen.cli import main; main()"]

    def contracts(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*exe, *args, "--schemas", str(schemas), "--out", str(out)],
            capture_output=True,
            text=True,
        )

    done = contracts("generate")
    assert done.returncode == 0, done.stderr
    assert "file(s) changed" in done.stdout
    assert contracts("check").returncode == 0
    (out / "ts" / "index.js").write_text("// edited\n")
    stale = contracts("check", "--format", "json")
    assert stale.returncode == 1 and '"changed: ts/index.js"' in stale.stdout
    (schemas / "b.v1.json").write_text('{"$ref": "missing.json"}')
    failed = contracts("generate")
    assert failed.returncode == 2 and "nothing was written" in failed.stderr


def test_the_plain_path_imports_no_typer(tmp_path: Path) -> None:
    """generate and check with plain arguments run without importing typer (20 ms
    of their start); anything else still gets typer's application."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "a.v1.json").write_text('{"type": "object", "title": "A"}')
    code = (
        "import sys\nfrom codegen.cli import main\ntry:\n    main()\n"
        "finally:\n    print('typer loaded:', 'typer' in sys.modules)"
    )
    io = ["--schemas", str(schemas), "--out", str(tmp_path / "out")]
    for args, loaded in [
        (["generate", *io], False),
        (["check", *io], False),
        (["check", *io, "--verbose"], True),  # to typer: an unknown option
    ]:
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True
        )
        assert f"typer loaded: {loaded}" in done.stdout, done.stdout + done.stderr


def test_generate_and_check_end_without_the_interpreters_teardown(
    tmp_path: Path,
) -> None:
    """The ``contracts`` script ends ``generate`` and ``check`` with ``os._exit``
    once their output is flushed (no teardown of the generation's objects: an
    ``atexit`` probe never runs), with their exit codes and every line of their
    output; any other command exits as Python does."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "a.v1.json").write_text('{"type": "object", "title": "A"}')
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('teardown', flush=True))\n"
        "from codegen.cli import entry\n"
        "sys.argv[0] = 'contracts'\n"
        "entry()\n"
    )
    io = ["--schemas", str(schemas), "--out", str(tmp_path / "out")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True
        )

    done = run("generate", *io)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1].endswith("file(s) changed") and "teardown" not in lines
    assert len(lines) > 10  # every "wrote:" line reached the pipe
    fresh = run("check", *io)
    assert fresh.returncode == 0 and fresh.stdout.endswith(
        "is up to date with " + str(schemas) + "\n"
    )
    (schemas / "a.v1.json").write_text('{"type": "object", "title": "B"}')
    stale = run("check", *io)
    assert stale.returncode == 1 and "teardown" not in stale.stdout
    assert "a_v1.py" in stale.stdout
    (schemas / "a.v1.json").write_text('{"$ref": "missing.json"}')
    failed = run("generate", *io)
    assert failed.returncode == 2 and "nothing was written" in failed.stderr
    assert "teardown" not in failed.stdout
    other = run("docs", "--help")
    assert other.returncode == 0 and other.stdout.rstrip().endswith("teardown")
