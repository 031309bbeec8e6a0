"""Golden files: generated output compared byte for byte, refreshed by one flag.

Each ``tests/golden/<case>/`` holds ``schemas/`` and ``expected/``: the tree
generated from the schemas, or ``expected/error.txt`` for a case the compiler must
refuse. The runtime files every package gets verbatim (``_support.py``,
``_runtime.js``, ``streams.js``, ...; :func:`codegen.emit.verbatim_source`) are not
copied into each case: they are checked against their sources here, and the tests
that type-check or run golden packages use whole trees generated afresh
(``tests/conftest.py``). Refresh with ``pytest tests/test_golden.py
--update-golden`` and review the diff.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from codegen.api import generate
from codegen.cli.output import errors_report
from codegen.emit import verbatim_source
from codegen.errors import CompileError
from tests.conftest import case_settings, golden_cases

UPDATE = "pytest tests/test_golden.py --update-golden"


def _expected_files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _render(case: Path) -> dict[str, bytes]:
    settings = case_settings(case)
    try:
        return generate(case / "schemas", settings).files
    except CompileError as exc:
        text = "\n".join(errors_report(exc.errors).text)
        return {"error.txt": (text + "\n").encode()}


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_golden(case: Path, update_golden: bool) -> None:
    actual = _render(case)
    for rel in [r for r in actual if verbatim_source(r) is not None]:
        source = verbatim_source(rel)
        assert source is not None and actual.pop(rel) == source.read_bytes(), rel
    expected_dir = case / "expected"
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, content in actual.items():
            target = expected_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    expected = _expected_files(expected_dir)
    problems = []
    for rel in sorted(set(actual) | set(expected)):
        if rel not in expected:
            problems.append(f"new file {rel}")
        elif rel not in actual:
            problems.append(f"file no longer generated: {rel}")
        elif actual[rel] != expected[rel]:
            diff = difflib.unified_diff(
                expected[rel].decode(errors="replace").splitlines(),
                actual[rel].decode(errors="replace").splitlines(),
                f"expected/{rel}",
                f"actual/{rel}",
                lineterm="",
            )
            problems.append("\n".join(list(diff)[:60]))
    assert not problems, (
        f"golden case {case.name} differs; if intended, run `{UPDATE}`\n"
        + "\n".join(problems)
    )


def test_error_cases_have_expected_errors() -> None:
    """Each error_* case is refused, and its error names the file and pointer."""
    cases = [c for c in golden_cases() if c.name.startswith("error_")]
    assert len(cases) >= 8
    for case in cases:
        text = (case / "expected" / "error.txt").read_text()
        assert "#" in text and "[" in text, f"{case.name}: {text}"
        assert "Traceback" not in text
