"""The cyclic garbage collector held off while one message's violations are worded.

Wording a refusal in Python (jsonschema over a union's branches, the errors of each
``$ref`` remembered for the message) allocates some hundred thousand containers
that live until the message is worded: the collector's young generations promote
them, and every few messages a full collection scans the whole heap (the parsed
schema files, the models) for nothing. On the GitHub webhooks corpus that was 40%
of the time per refused document (6 full collections of ~130 ms per 53 documents).
None of those containers is garbage in a cycle: reference counting frees them all
when the wording ends (tests/test_collector.py checks that a refusal leaves no
cyclic garbage), so holding the collector off meanwhile frees the same memory,
later by at most one message's wording, and changes no violation.

The switch is the process's (``gc.disable``): the pause counts the wordings under
way in every thread, and turns the collector back on when the last one ends, only
if it was on before the first began. Threads whose wordings overlap without end (a
flood of refused messages on a thread pool) would keep it off for as long: so a
wording that ends while others go on runs a collection itself when the collector
has been held off for ``HOLD_SECONDS``, and the host's cyclic garbage waits at most
that long. An application that calls ``gc.enable`` or ``gc.disable`` itself while a
message is worded races with all this, as with any library that pauses the
collector (``timeit`` does).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausing = 0  # wordings under way, in every thread
_was_on = False  # whether the collector was on when the first of them began
_held_since = 0.0  # time.monotonic() when it was last turned off or run

# The longest the collector is held off while wordings overlap (see above).
HOLD_SECONDS = 1.0


@contextmanager
def paused() -> Iterator[None]:
    """The collector off while the block runs (in any thread), back on after the
    last such block ends if it was on before."""
    global _pausing, _was_on, _held_since
    with _lock:
        if _pausing == 0:
            _was_on = gc.isenabled()
            _held_since = time.monotonic()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        overdue = False
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _was_on:
                gc.enable()
            elif _was_on and time.monotonic() - _held_since >= HOLD_SECONDS:
                _held_since = time.monotonic()
                overdue = True
        if overdue:  # other wordings go on: collect now, at most every HOLD_SECONDS
            gc.collect()
