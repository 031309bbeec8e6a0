"""`contracts check` trusts `<out>/contracts-stamp.json` only when nothing changed."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from codegen import api, emit, stamp
from codegen.emit import Settings

ORDER = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Order",
    "type": "object",
    "properties": {"id": {"type": "string"}, "line": {"$ref": "common/line.json"}},
    "required": ["id"],
    "x-message": {"type": "order.created", "version": 1},
}
LINE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Line",
    "type": "object",
    "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer"}},
}


@pytest.fixture
def generated(tmp_path: Path) -> tuple[Path, Path]:
    schemas, out = tmp_path / "schemas", tmp_path / "out"
    (schemas / "common").mkdir(parents=True)
    (schemas / "order.json").write_text(json.dumps(ORDER), encoding="utf-8")
    (schemas / "common" / "line.json").write_text(json.dumps(LINE), encoding="utf-8")
    api.generate_to(schemas, out)
    return schemas, out


def _no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("check compiled although the stamp matched")

    monkeypatch.setattr(api, "generate", refuse)


def test_an_unchanged_folder_is_checked_by_the_stamp_alone(
    generated: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    schemas, out = generated
    assert (out / stamp.STAMP_FILE).is_file()
    _no_compiling(monkeypatch)
    assert api.check(schemas, out) == []


def test_a_check_answered_by_the_stamp_imports_no_compiler(
    generated: tuple[Path, Path],
) -> None:
    """The compiler, the renderers and their libraries stay unloaded (most of the
    command's time when they were imported at its start)."""
    schemas, out = generated
    probe = (
        "import sys; from pathlib import Path; from codegen import api; "
        f"assert api.check(Path({str(schemas)!r}), Path({str(out)!r})) == []; "
        "print(sorted(m for m in ('jinja2', 'referencing', 'pydantic_core',"
        " 'codegen.compiler.compile', 'codegen.emit') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_stamp_is_the_same_on_every_run_and_holds_no_time(
    generated: tuple[Path, Path],
) -> None:
    schemas, out = generated
    first = (out / stamp.STAMP_FILE).read_bytes()
    api.generate_to(schemas, out)
    assert (out / stamp.STAMP_FILE).read_bytes() == first
    recorded = json.loads(first)
    assert set(recorded) == {
        "generator", "toolkit", "settings", "inputs", "outputs",
    }  # fmt: skip
    assert all(v.startswith("sha256:") for k, v in recorded.items() if k in ("inputs",))


def test_an_edited_generated_file_is_stale(generated: tuple[Path, Path]) -> None:
    schemas, out = generated
    path = out / "python/platform_contracts/order.py"
    path.write_text(path.read_text("utf-8") + "# edited\n", encoding="utf-8")
    assert api.check(schemas, out) == ["changed: python/platform_contracts/order.py"]


def test_an_added_or_removed_generated_file_is_stale(
    generated: tuple[Path, Path],
) -> None:
    schemas, out = generated
    (out / "ts/extra.js").write_text("export {};\n", encoding="utf-8")
    (out / "ts/common/line.d.ts").unlink()
    assert api.check(schemas, out) == [
        "missing: ts/common/line.d.ts",
        "extra: ts/extra.js",
    ]


def test_an_edited_schema_makes_the_output_stale(
    generated: tuple[Path, Path],
) -> None:
    schemas, out = generated
    changed = dict(LINE, properties={"sku": {"type": "string", "maxLength": 9}})
    (schemas / "common" / "line.json").write_text(json.dumps(changed), "utf-8")
    problems = api.check(schemas, out)
    assert "changed: python/platform_contracts/common/line.py" in problems
    assert "changed: ts/schemas/common/line.json" in problems


def test_another_toolkit_version_makes_the_output_stale(
    generated: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    schemas, out = generated
    monkeypatch.setattr(emit, "GENERATOR", "contracts 9.9.9")
    monkeypatch.setattr(stamp, "GENERATOR", "contracts 9.9.9")
    assert not stamp.is_fresh(schemas, out, Settings())
    assert "changed: ts/manifest.json" in api.check(schemas, out)


def test_an_edited_toolkit_or_other_settings_are_not_trusted(
    generated: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    schemas, out = generated
    assert stamp.is_fresh(schemas, out, Settings())
    other = replace(Settings(), npm_package="@other/contracts")
    assert not stamp.is_fresh(schemas, out, other)
    monkeypatch.setattr(stamp, "toolkit_identity", lambda: "sha256:edited")
    assert not stamp.is_fresh(schemas, out, Settings())
    assert api.check(schemas, out) == []  # compared in full: still the same bytes


def test_a_broken_or_missing_stamp_means_a_full_comparison(
    generated: tuple[Path, Path],
) -> None:
    schemas, out = generated
    for text in ("{not json", "[]", '{"outputs": 1}'):
        (out / stamp.STAMP_FILE).write_text(text, encoding="utf-8")
        assert not stamp.is_fresh(schemas, out, Settings())
        assert api.check(schemas, out) == []
    (out / stamp.STAMP_FILE).unlink()
    assert not stamp.is_fresh(schemas, out, Settings())
    assert api.check(schemas, out) == []


def test_write_removes_stale_files_and_empty_folders_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kept = {"python/p/a.py": b"a\n", "ts/index.js": b"x\n"}
    emit.write(out, kept | {"python/p/old/deep/b.py": b"b\n"})
    (out / "ts/node_modules/dep").mkdir(parents=True)
    (out / "ts/node_modules/dep/index.js").write_bytes(b"dep\n")
    (out / "python/p/__pycache__").mkdir()
    (out / "python/p/__pycache__/a.pyc").write_bytes(b"")
    (out / "python/empty/nested").mkdir(parents=True)
    changed = emit.write(out, kept | {"ts/index.js": b"y\n"})
    assert changed == ["changed: ts/index.js", "extra: python/p/old/deep/b.py"]
    assert not (out / "python/p/old").exists()
    assert not (out / "python/empty").exists()
    assert (out / "ts/node_modules/dep/index.js").is_file()
    assert (out / "python/p/__pycache__/a.pyc").is_file()
    assert emit.existing_files(out) == ["python/p/a.py", "ts/index.js"]
    assert emit.write(out, kept | {"ts/index.js": b"y\n"}) == []
    emit.write(out, {})
    assert (out / "python").is_dir() and not (out / "python/p/a.py").exists()


def test_the_toolkit_is_its_sources_not_the_npm_packages_beside_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "runtime" / "node" / "compiled" / "index.js"
    source.parent.mkdir(parents=True)
    source.write_text("export {};\n")
    monkeypatch.setattr(stamp, "_PACKAGES", (tmp_path / "runtime",))
    first = stamp.toolkit_identity()
    installed = tmp_path / "runtime" / "node" / "node_modules" / "typescript" / "a.js"
    installed.parent.mkdir(parents=True)
    installed.write_text("x\n")
    (tmp_path / "runtime" / "__pycache__").mkdir()
    (tmp_path / "runtime" / "__pycache__" / "m.pyc").write_bytes(b"\0")
    assert stamp.toolkit_identity() == first  # neither is read
    source.write_text("export const edited = 1;\n")
    assert stamp.toolkit_identity() != first


def test_library_versions_are_those_importlib_metadata_reads() -> None:
    """The stamp reads versions from the ``.dist-info`` folder names (importing
    ``importlib.metadata`` cost each command 15-20 ms); the same answers."""
    from importlib import metadata

    for name in (*stamp.LIBRARIES, "typer", "pydantic"):
        assert stamp.library_version(name) == metadata.version(name)
    assert stamp.library_version("no-such-distribution-here") == "-"
