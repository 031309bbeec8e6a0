"""A format JSON Schema does not define (a vendor's ``color``) is an annotation: it
asserts nothing, ``generate`` says so in one line, and the strict setting refuses it.
(The Node side of the same verdicts: tests/test_formats.py.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from codegen.api import format_summary, generate
from codegen.emit import Settings
from codegen.errors import CompileError
from tests.conftest import VENV_BIN
from tests.test_regressions import verdicts

VENDOR: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Palette",
    "type": "object",
    "properties": {
        "primary": {"type": "string", "format": "color"},
        "accent": {"type": "string", "format": "color", "maxLength": 7},
        "release": {"format": "semver"},
        "home": {"type": "string", "format": "uri"},  # a real one still asserts
    },
}


def test_an_unknown_format_asserts_nothing(tmp_path: Path, clean_modules: None) -> None:
    docs = [
        {"primary": "not a colour at all", "release": 3, "accent": "#fff"},
        {"accent": "#ffffff0"},  # maxLength still applies
        {"home": "not a uri"},  # and a defined format
    ]
    got = verdicts(tmp_path, {"p.json": VENDOR}, "p.json", docs, "unknown_fmt")
    assert got == [True, False, False]


def test_generate_counts_unknown_formats_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps(VENDOR))
    program = generate(tmp_path).program
    assert program.unknown_formats == (("color", 2), ("semver", 1))
    assert format_summary(program) == (
        "not asserting 3 unknown format(s), kept as annotations: color (2),"
        " semver (1) (--strict refuses them)"
    )
    assert format_summary(program, shown=1) == (
        "not asserting 3 unknown format(s), kept as annotations: color (2)"
        " and 1 more (--strict refuses them)"
    )
    done = subprocess.run(
        [str(VENV_BIN / "contracts"), "generate", "--schemas", ".", "--out", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [format_summary(program)]


def test_strict_refuses_an_unknown_format(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps(VENDOR))
    with pytest.raises(CompileError) as info:
        generate(tmp_path, Settings(strict=True))
    refused = [("accent", "color"), ("primary", "color"), ("release", "semver")]
    assert [str(e).split("\n")[0] for e in info.value.errors] == [
        f"p.json#/properties/{name}/format: format '{fmt}' is not one JSON Schema"
        " defines; the strict setting refuses unknown formats (otherwise an"
        " annotation) [unsupported-format]"
        for name, fmt in refused
    ]
    hint = info.value.errors[0].hint
    assert hint is not None and hint.startswith("supported: date, date-time, duration,")
