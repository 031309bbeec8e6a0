"""The ``contracts`` command line: one small module per command, one output layer.

Each command module parses its flags, calls library code and turns the result into
an :class:`~codegen.cli.output.Report`; ``output.show`` prints it as text, json or
GitHub Actions annotations (``--error-format``, the same flag everywhere). Only this
layer exits. Exit codes: 0 ok, 1 findings (stale files, invalid documents,
incompatible changes), 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from codegen.cli import plain
from codegen.cli.check import check
from codegen.cli.generate import generate

if TYPE_CHECKING:
    import typer


def __getattr__(name: str) -> typer.Typer:
    """``app``, the typer application (:mod:`codegen.cli.typer_app`), imported
    when asked for: ``generate`` and ``check`` with plain arguments run without
    typer."""
    if name == "app":
        from codegen.cli.typer_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    try:
        # generate and check with plain arguments skip typer (plain.py)
        if not plain.run(sys.argv[1:], {"generate": generate, "check": check}):
            from codegen.cli.typer_app import app

            app()
    except KeyboardInterrupt:
        sys.exit(130)


def entry() -> None:
    """The ``contracts`` script: :func:`main`; then, after a command that ends with
    its process (``generate``, ``check``: :func:`codegen.api.ends_with_process`),
    its output flushed, the process ends with ``os._exit`` instead of the
    interpreter's teardown, which frees every object of the generation one by one
    and walks them all in a last collection (events-200: ~5% of the CPU time of
    ``generate``; the heap of 1,000 schemas is 170 MB). Anything else (another
    command, an exit with a message, a stream that cannot be flushed) exits as
    Python does."""
    from codegen import api

    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None and api.ends_with_process():
            code = 0
        elif isinstance(exc.code, int) and api.ends_with_process():
            code = exc.code
        else:
            raise
    if not api.ends_with_process():
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        sys.exit(code)  # the usual exit, and its report of the failure
    os._exit(code)
