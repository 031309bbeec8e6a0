"""The cache of compiled templates (codegen/templating.py): used, never stale, never
needed."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from codegen import templating
from codegen.templating import Templates

# trim_blocks and lstrip_blocks change this template's code, not its source
SOURCE = "{% for x in items %}\n  {{ x | json }}\n{% endfor %}\nend\n"
TRIMMED = '  "a"\n  "b"\nend\n'
ITEMS = ["a", "b"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "t.j2").write_text(SOURCE, encoding="utf-8")
    return tmp_path


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates compiled from their source from now on."""
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def spy(
        self: jinja2.Environment,
        source: str,
        name: str | None = None,
        *args: object,
        **kwargs: object,
    ) -> object:
        compiled.append(str(name))
        return compile_(self, source, name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return compiled


def test_a_second_process_loads_the_compiled_template(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = _compiles(monkeypatch)
    assert Templates(folder).render("t.j2", items=ITEMS) == TRIMMED
    assert compiled == ["t.j2"]
    assert len(list((folder / "__pycache__").iterdir())) == 1
    # a new environment (as in the next run) renders from the cache
    assert Templates(folder).render("t.j2", items=ITEMS) == TRIMMED
    assert compiled == ["t.j2"]


def test_an_edited_template_is_compiled_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Templates(folder).render("t.j2", items=ITEMS)
    (folder / "t.j2").write_text(SOURCE.replace("}\nend", "}\nstop"), encoding="utf-8")
    compiled = _compiles(monkeypatch)
    assert Templates(folder).render("t.j2", items=ITEMS) == TRIMMED.replace(
        "end", "stop"
    )
    assert compiled == ["t.j2"]


def test_code_compiled_with_other_options_is_not_loaded(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jinja2's own checksum covers the source only: the same template compiled
    without trim_blocks (as another jinja2 version or another option would
    compile it), in the same cache file, is not taken."""
    untrimmed = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        bytecode_cache=jinja2.FileSystemBytecodeCache(
            str(folder / "__pycache__"), "%s.jinja2"
        ),
    )
    untrimmed.filters["json"] = templating._json
    (folder / "__pycache__").mkdir()
    assert untrimmed.get_template("t.j2").render(items=ITEMS) != TRIMMED
    (cached,) = (folder / "__pycache__").iterdir()
    before = cached.read_bytes()
    compiled = _compiles(monkeypatch)
    assert Templates(folder).render("t.j2", items=ITEMS) == TRIMMED
    assert compiled == ["t.j2"]
    assert cached.read_bytes() != before  # replaced by this environment's code


@pytest.mark.parametrize(
    "damage", [b"", b"garbage", bc_magic + b"garbage", bc_magic + b"\x80\x02X"]
)
def test_a_damaged_cache_file_is_compiled_again(
    folder: Path, damage: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    Templates(folder).render("t.j2", items=ITEMS)
    (cached,) = (folder / "__pycache__").iterdir()
    cached.write_bytes(damage)
    compiled = _compiles(monkeypatch)
    assert Templates(folder).render("t.j2", items=ITEMS) == TRIMMED
    assert compiled == ["t.j2"]


def test_a_cache_that_cannot_be_written_is_not_needed(folder: Path) -> None:
    (folder / "__pycache__").write_text("a file, not a folder", encoding="utf-8")
    assert Templates(folder).render("t.j2", items=ITEMS) == TRIMMED
    assert Templates(folder).render("t.j2", items=ITEMS) == TRIMMED
