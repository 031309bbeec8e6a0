"""The ``contracts`` command as a user runs it: exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.conftest import GOLDEN, ROOT, VENV_BIN


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(VENV_BIN / "contracts"), *args], cwd=cwd, capture_output=True, text=True
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def test_generate_then_check_is_fresh(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run("generate", "--schemas", "schemas", "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert "wrote: python/platform_contracts/order/order_created_v1.py" in first.stdout
    again = run("generate", "--schemas", "schemas", "--out", str(out))
    assert again.stdout.strip().endswith("0 file(s) changed")
    fresh = run("check", "--schemas", "schemas", "--out", str(out))
    assert fresh.returncode == 0 and "up to date" in fresh.stdout


def test_check_lists_changed_missing_and_extra_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("generate", "--schemas", "schemas", "--out", str(out))
    pkg = out / "python" / "platform_contracts"
    (pkg / "envelope_v1.py").write_text("# edited by hand\n")
    (pkg / "llm" / "tool_call_v1.py").unlink()
    (pkg / "stray.py").write_text("x = 1\n")
    result = run("check", "--schemas", "schemas", "--out", str(out))
    assert result.returncode == 1
    assert "changed: python/platform_contracts/envelope_v1.py" in result.stdout
    assert "missing: python/platform_contracts/llm/tool_call_v1.py" in result.stdout
    assert "extra: python/platform_contracts/stray.py" in result.stdout
    as_json = run(
        "check", "--schemas", "schemas", "--out", str(out), "--error-format", "json"
    )
    assert len(json.loads(as_json.stdout)) == 3
    run("generate", "--schemas", "schemas", "--out", str(out))
    assert not (pkg / "stray.py").exists()
    assert run("check", "--schemas", "schemas", "--out", str(out)).returncode == 0


def test_new_schema_file_makes_check_fail(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    out = tmp_path / "out"
    run("generate", "--schemas", str(schemas), "--out", str(out))
    (schemas / "extra.json").write_text(
        '{"title": "Extra", "type": "object", "properties": {"a": {"type": "string"}}}'
    )
    result = run("check", "--schemas", str(schemas), "--out", str(out))
    assert result.returncode == 1
    assert "missing: python/platform_contracts/extra.py" in result.stdout


def test_repo_generated_code_is_fresh() -> None:
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_exit_codes_and_messages(tmp_path: Path) -> None:
    samples = ROOT / "tests" / "samples" / "order" / "order_created.v1"
    ok = run(
        "validate",
        "--contract",
        "order/order_created.v1.json",
        str(samples / "valid-full.json"),
    )
    assert ok.returncode == 0 and ok.stdout.strip().endswith(": VALID")
    assert "stale" not in ok.stderr, ok.stderr  # generated/ is fresh, so it is used
    good, wrong = samples / "valid-full.json", samples / "invalid-string-quantity.json"
    bad = run(
        "validate", "--contract", "order/order_created.v1.json", str(good), str(wrong)
    )
    assert bad.returncode == 1
    assert "invalid-string-quantity.json: INVALID" in bad.stdout
    assert '/lines/0/quantity: expected an integer, got "5"' in bad.stdout
    broken = tmp_path / "broken.json"
    broken.write_text('{"order_id": ')
    malformed = run(
        "validate", "--contract", "order/order_created.v1.json", str(broken)
    )
    assert malformed.returncode == 1
    assert (
        "expected valid JSON, got Expecting value at line 1 column 14"
        in malformed.stdout
    )
    unknown = run(
        "validate", "--contract", "nope.json", str(samples / "valid-full.json")
    )
    assert unknown.returncode == 2 and "no contract 'nope.json'" in unknown.stderr
    missing = run(
        "validate", "--contract", "order/order_created.v1.json", "no-such.json"
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_validate_uses_fresh_models_when_out_is_stale(tmp_path: Path) -> None:
    sample = ROOT / "tests/samples/order/order_created.v1/valid-full.json"
    result = run("validate", "--out", str(tmp_path / "nothing-here"),
                 "--contract", "order/order_created.v1.json", str(sample))  # fmt: skip
    assert result.returncode == 0
    assert "validated with code generated now" in result.stderr


def test_refused_schemas_exit_2_with_located_errors() -> None:
    result = run("generate", "--schemas", str(GOLDEN / "error_remote_ref" / "schemas"),
                 "--out", "/nonexistent/never-written")  # fmt: skip
    assert result.returncode == 2
    assert "order.json#/properties/customer/$ref" in result.stderr
    assert "[remote-ref]" in result.stderr and "nothing was written" in result.stderr
    gh = run("check", "--schemas", str(GOLDEN / "error_unknown_keyword" / "schemas"),
             "--error-format", "github-actions")  # fmt: skip
    assert gh.returncode == 2
    assert gh.stderr.startswith(
        "::error file=thing.json,title=unknown-keyword::/requird"
    )


def test_usage_error_exits_2() -> None:
    assert run("generate", "--no-such-flag").returncode == 2
    assert run("validate").returncode == 2


def test_drift_between_python_node_and_schemas(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("generate", "--schemas", "schemas", "--out", str(out))
    assert run("drift", "--out", str(out)).returncode == 0
    manifest = out / "ts" / "manifest.json"
    data = json.loads(manifest.read_text())
    entry = next(e for e in data["contracts"] if e["contract"] == "envelope.v1.json")
    entry["fingerprint"] = "sha256:" + "0" * 64
    manifest.write_text(json.dumps(data))
    result = run("drift", "--out", str(out))
    assert result.returncode == 1
    assert "envelope.v1.json: schemas " in result.stdout
    assert "node 000000000000" in result.stdout
    assert "1 contract(s) differ" in result.stdout


def test_configured_envelope_applies_to_the_configured_folder_only(
    tmp_path: Path,
) -> None:
    # [tool.contracts] envelope names a file of schemas/; another folder has none.
    other = GOLDEN / "arrays" / "schemas"
    sample = tmp_path / "doc.json"
    sample.write_text("{}")
    out = tmp_path / "out"
    for args in (
        ("generate", "--out", str(out)),
        ("check", "--out", str(out)),
        ("validate", "--contract", "arrays.json", str(sample)),
        ("breaking", "--against", str(other)),
        ("docs", "--out-dir", str(tmp_path / "api")),
    ):
        result = run(*args, "--schemas", str(other.relative_to(ROOT)))
        assert "no-envelope" not in result.stderr, (args, result.stderr)
        assert result.returncode in (0, 1), (args, result.stderr)
    # Given on the command line, it applies to that folder, and is checked there.
    named = run("check", "--schemas", str(other), "--out", str(out),
                "--envelope", "envelope.v1.json")  # fmt: skip
    assert named.returncode == 2
    assert (
        "envelope.v1.json#: the envelope contract (--envelope, or [tool.contracts]"
        " envelope for the configured folder) is not a schema file of this folder"
        " [no-envelope]"
    ) in named.stderr
    # The configured folder itself still gets its envelope, named by path or not.
    same = run("check", "--schemas", "./schemas/")
    assert same.returncode == 0, same.stdout + same.stderr


def test_every_command_takes_the_same_output_flag() -> None:
    from click import Command
    from typer.main import get_command

    from codegen.cli import app

    root = get_command(app)
    commands: list[tuple[str, Command]] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        commands += (
            [(f"{name} {s}", c) for s, c in subs.items()] if subs else [(name, command)]
        )
    assert len(commands) >= 8
    for name, command in commands:
        flags = {flag for p in command.params for flag in p.opts}
        assert "--error-format" in flags, f"{name} has no --error-format"


def test_annotations_escape_what_github_reads_as_syntax() -> None:
    from codegen.cli.output import Annotation

    note = Annotation("error", "a:b,c", "50% off\nnext\rline", "dir/x,y.json")
    assert note.command() == (
        "::error file=dir/x%2Cy.json,title=a%3Ab%2Cc::50%25 off%0Anext%0Dline"
    )
    assert Annotation("notice", "t", "m").command() == "::notice title=t::m"


def test_json_output_is_json_for_every_command(tmp_path: Path) -> None:
    out = tmp_path / "out"
    made = run("generate", "--out", str(out), "--error-format", "json")
    assert made.returncode == 0, made.stderr
    assert {"file": "python/platform_contracts/py.typed", "change": "wrote"} in (
        json.loads(made.stdout)
    )
    assert (
        json.loads(run("check", "--out", str(out), "--error-format", "json").stdout)
        == []
    )
    drift = run("drift", "--error-format", "json")
    assert drift.returncode == 0 and json.loads(drift.stdout) == []


def test_strict_setting_and_flags(tmp_path: Path) -> None:
    """Unknown keywords: one summary line by default; errors under strict, which
    [tool.contracts] strict sets and --strict/--no-strict override."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "c.json").write_text(
        json.dumps(
            {
                "type": "object",
                "markdownDescription": "x",
                "properties": {"a": {"type": "string", "markdownDescription": "y"}},
                "doNotSuggest": True,
            }
        )
    )
    lax = run("generate", "--out", "out", cwd=tmp_path)
    assert lax.returncode == 0, lax.stderr
    assert lax.stderr.splitlines() == [
        "ignored 3 unknown keyword(s) as annotations: markdownDescription (2),"
        " doNotSuggest (1) (--strict refuses them)"
    ]
    strict = run("check", "--out", "out", "--strict", cwd=tmp_path)
    assert strict.returncode == 2 and "c.json#/doNotSuggest" in strict.stderr
    assert "3 error(s)" in strict.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.contracts]\nstrict = true\n")
    assert run("check", "--out", "out", cwd=tmp_path).returncode == 2
    assert run("check", "--out", "out", "--no-strict", cwd=tmp_path).returncode == 0
    (tmp_path / "pyproject.toml").write_text('[tool.contracts]\nstrict = "yes"\n')
    bad = run("check", "--out", "out", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip().endswith(
        "[tool.contracts] strict must be true or false, got 'yes'"
    )
