"""A folder of jinja2 templates: strict (an undefined name is an error), no
autoescape (each renderer escapes for its own language through the filters it
gives), trailing newlines kept, block lines trimmed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Templates:
    """The templates of one renderer, with that renderer's filters."""

    def __init__(self, folder: Path, **filters: Callable[[Any], str]) -> None:
        self.folder = folder
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folder),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # a run renders each template many times: load once
        )
        self._env.filters.update({"json": _json, **filters})

    def render(self, name: str, **context: Any) -> str:
        return self._env.get_template(name).render(**context)
