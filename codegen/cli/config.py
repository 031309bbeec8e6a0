"""Settings from ``[tool.contracts]`` in the nearest ``pyproject.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from codegen.cli.output import usage_error
from codegen.outputs import Settings


@dataclass(frozen=True)
class Config:
    """Where things are, resolved against the directory of ``pyproject.toml``."""

    schemas: Path
    out: Path
    settings: Settings
    source: Path | None  # the pyproject.toml read, if any


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text("utf-8"))
            except tomllib.TOMLDecodeError:
                continue
            if "contracts" in data.get("tool", {}):
                return candidate
    return None


def load_config(start: Path | None = None) -> Config:
    start = (start or Path.cwd()).resolve()
    pyproject = find_pyproject(start)
    table: dict[str, Any] = {}
    base = start
    if pyproject is not None:
        table = tomllib.loads(pyproject.read_text("utf-8"))["tool"]["contracts"]
        base = pyproject.parent
    defaults = Settings()
    return Config(
        schemas=base / table.get("schemas", "schemas"),
        out=base / table.get("out", "generated"),
        settings=Settings(
            python_package=table.get("python-package", defaults.python_package),
            npm_package=table.get("npm-package", defaults.npm_package),
            envelope=table.get("envelope", defaults.envelope),
            strict=_flag(table, "strict", pyproject),
        ),
        source=pyproject,
    )


def _flag(table: dict[str, Any], key: str, source: Path | None) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise usage_error(
            f"{source}: [tool.contracts] {key} must be true or false, got {value!r}"
        )
    return value


def resolve_config(
    schemas: Path | None,
    out: Path | None,
    envelope: str | None = None,
    strict: bool | None = None,
) -> Config:
    """The configuration, with the command line's options over it.

    ``[tool.contracts] envelope`` names a file of the configured schemas folder, so
    it does not follow ``--schemas`` to another folder: there only ``--envelope``
    sets one.
    """
    config = load_config()
    settings = config.settings
    if schemas is not None and schemas.resolve() != config.schemas.resolve():
        settings = replace(settings, envelope=None)
    if envelope is not None:
        settings = replace(settings, envelope=envelope)
    if strict is not None:
        settings = replace(settings, strict=strict)
    return Config(
        schemas=schemas or config.schemas,
        out=out or config.out,
        settings=settings,
        source=config.source,
    )
