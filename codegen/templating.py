"""The jinja2 environment: strict (an undefined name is an error), no autoescape
(escaping is done by the renderers, per target language), templates from the package."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["py"] = _py
    env.filters["js"] = _js
    env.filters["json"] = _json
    return env


def _py(value: Any) -> str:
    from codegen.pylayout import py_literal

    return py_literal(value)


def _js(value: Any) -> str:
    from codegen.render_ts import js_literal

    return js_literal(value)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
