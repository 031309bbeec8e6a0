"""``import jsonschema_rs`` without the standard library's ``email.utils``.

jsonschema-rs's native module, when it is first imported, builds its
``__build__`` table (pyo3-built), whose ``info-time`` is the build date read by
``email.utils.parsedate_to_datetime``: that import brings ``socket``,
``calendar``, ``locale`` and six ``email`` modules, about 7 ms of the first valid
message of a process that has not imported them (the compiled check is built
then): a third of AsyncAPI's first validation, a fifth of a webhook's. Nothing
else of jsonschema-rs uses it.

So, where ``email.utils`` is not imported yet, jsonschema-rs is imported with a
stand-in under that name (:class:`_EmailUtils`), removed right after: its
``parsedate_to_datetime`` reads the date pyo3-built writes (``Tue, 27 Oct 2026
10:17:51 +0000``) to the same ``datetime`` as the standard library's, and
anything else it is asked (another thread importing ``email.utils`` meanwhile
gets it) is the standard library's own, from a copy of the module loaded then.
An ``import email.utils`` after it loads the module as usual.
"""

from __future__ import annotations

import datetime
import sys
import threading
from importlib.machinery import ModuleSpec, PathFinder
from importlib.util import module_from_spec
from types import ModuleType
from typing import Any

_NAME = "email.utils"
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
         "Nov", "Dec")
    )
}  # fmt: skip
_DAYS = frozenset({"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})
_lock = threading.Lock()


def import_jsonschema_rs() -> ModuleType:
    """The ``jsonschema_rs`` module, imported without ``email.utils`` where that
    is not imported yet (see the module's text)."""
    found = sys.modules.get("jsonschema_rs")
    if found is not None:
        return found
    with _lock:
        if _NAME in sys.modules or "jsonschema_rs" in sys.modules:
            import jsonschema_rs

            return jsonschema_rs
        stand_in = _EmailUtils(_NAME)
        sys.modules[_NAME] = stand_in
        try:
            import jsonschema_rs
        finally:
            if sys.modules.get(_NAME) is stand_in:
                del sys.modules[_NAME]
        return jsonschema_rs


def rfc2822_datetime(text: str) -> datetime.datetime | None:
    """``email.utils.parsedate_to_datetime`` of a date as chrono's ``to_rfc2822``
    writes it (``Tue, 27 Oct 2026 10:17:51 +0000``); None for any other text."""
    parts = text.split(" ")
    if len(parts) != 6 or parts[0][:-1] not in _DAYS or parts[0][-1:] != ",":
        return None
    day, month, year, clock, zone = parts[1:]
    hms = clock.split(":")
    numbers = [day, year, *hms]
    if (
        month not in _MONTHS
        or len(hms) != 3
        or not all(n.isascii() and n.isdigit() for n in numbers)
        or len(year) != 4
        or len(zone) != 5
        or zone[0] not in "+-"
        or not (zone[1:].isascii() and zone[1:].isdigit())
        or zone == "-0000"  # the standard library's "no zone": a naive datetime
    ):
        return None
    minutes = int(zone[1:3]) * 60 + int(zone[3:])
    offset = datetime.timedelta(minutes=-minutes if zone[0] == "-" else minutes)
    try:
        return datetime.datetime(
            int(year),
            _MONTHS[month],
            int(day),
            int(hms[0]),
            int(hms[1]),
            int(hms[2]),
            tzinfo=datetime.timezone(offset),
        )
    except ValueError:
        return None


class _EmailUtils(ModuleType):
    """Stands for ``email.utils`` while jsonschema-rs is imported."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._real: ModuleType | None = None

    def parsedate_to_datetime(self, data: str) -> datetime.datetime:
        found = rfc2822_datetime(data) if isinstance(data, str) else None
        if found is not None:
            return found
        real: datetime.datetime = self._module().parsedate_to_datetime(data)
        return real

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._module(), name)

    def _module(self) -> ModuleType:
        """The standard library's module, a copy loaded for this stand-in (the
        name ``email.utils`` is the stand-in's while it is registered)."""
        if self._real is None:
            import email

            spec: ModuleSpec | None = PathFinder.find_spec(_NAME, email.__path__)
            if spec is None or spec.loader is None:  # pragma: no cover
                raise ImportError(_NAME)
            module = module_from_spec(spec)
            spec.loader.exec_module(module)
            self._real = module
        return self._real
