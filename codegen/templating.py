"""A folder of jinja2 templates: strict (an undefined name is an error), no
autoescape (each renderer escapes for its own language through the filters it
gives), trailing newlines kept, block lines trimmed.

Compiled templates are cached beside them, in the folder's ``__pycache__``, as
Python caches the modules' bytecode (:class:`_Cache`): compiling the ~15
templates a ``contracts generate`` renders took ~20 ms of CPU at every run, a
tenth of its fixed cost.

The templates rendered once per module read their views (dicts) by subscript,
``d["name"]``: jinja2's ``d.name`` looks for an attribute first, and a dict
raises ``AttributeError`` before the key is tried (~70,000 reads at 1,000
schemas); a declaration's lines come joined (``"\n".join``), not one loop
turn each."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from hashlib import sha1
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

# Every option of the environment but the loader and the caches: the salt of
# the cached code's checksum (:class:`_Cache`).
_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "autoescape": False,
    "keep_trailing_newline": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Cache(jinja2.FileSystemBytecodeCache):
    """jinja2's cache of compiled templates in ``folder`` (one file a template),
    as safe to use as Python's own ``__pycache__``:

    - never stale: jinja2 keeps a template's code with the checksum of its
      source, and loads it only when the checksum is the same; here the checksum
      also covers jinja2's version and the environment's options, the other
      inputs of the code (a file of another version is compiled again, then
      replaced);
    - never needed: a folder that cannot be made or written (a read-only
      install), or a file that cannot be read, unpickled or unmarshalled, means
      the template is compiled in memory, as without a cache;
    - safe when processes share it (``generate``'s forked child, concurrent
      runs): jinja2 writes a temporary file and renames it over the old one, so
      a reader sees a whole file, old or new.

    The folder holds nothing that is not re-made from the template: the stamp's
    digest of the toolkit skips ``__pycache__`` folders (:mod:`codegen.stamp`),
    as the packaged files do (``package-data`` lists files, not folders)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), "%s.jinja2")
        self._salt = f"{jinja2.__version__}|{sorted(_OPTIONS.items())}|".encode()

    def get_source_checksum(self, source: str) -> str:
        return sha1(self._salt + source.encode("utf-8")).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file (jinja2 lets pickle's errors out)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:  # read-only, full, or removed meanwhile: not cached
            pass


class Templates:
    """The templates of one renderer, with that renderer's filters."""

    def __init__(self, folder: Path, **filters: Callable[[Any], str]) -> None:
        self.folder = folder
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folder),
            auto_reload=False,  # a run renders each template many times: load once
            bytecode_cache=_Cache(folder / "__pycache__"),
            **_OPTIONS,
        )
        self._env.filters.update({"json": _json, **filters})

    def render(self, name: str, **context: Any) -> str:
        return self._env.get_template(name).render(**context)
