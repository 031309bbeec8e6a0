"""jsonschema-rs is imported without ``email.utils`` (runtime/_rs_import.py), and
nothing it or anyone else reads changes: its build date is the standard library's
reading of it, and ``email.utils`` imported afterwards is the standard library's."""

from __future__ import annotations

import datetime
import email.utils
import json
import random
import subprocess
import sys

from runtime._rs_import import _EmailUtils, rfc2822_datetime
from tests.conftest import ROOT

_PROBE = """
import json, sys
{before}
from runtime._rs_import import import_jsonschema_rs
rs = import_jsonschema_rs()
loaded = "email.utils" in sys.modules
sockets = "socket" in sys.modules
import email.utils
real = type(email.utils) is type(sys) and hasattr(email.utils, "formatdate")
print(json.dumps({{
    "loaded": loaded,
    "socket": sockets,
    "real": real,
    "time": repr(rs.jsonschema_rs.__build__["info-time"]),
}}))
"""


def _probe(before: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(before=before)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    found: dict[str, object] = json.loads(out.stdout)
    return found


def test_jsonschema_rs_without_email_utils_reads_the_same_build_date() -> None:
    lean = _probe("")
    assert lean["loaded"] is False  # nor socket, which only email.utils needed
    assert lean["socket"] is False
    assert lean["real"] is True  # imported afterwards: the standard library's
    # With email.utils imported first, jsonschema-rs reads the date itself.
    usual = _probe("import email.utils")
    assert usual["loaded"] is True
    assert lean["time"] == usual["time"]


def test_the_date_reads_as_the_standard_librarys_reading() -> None:
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    rng = random.Random(12)
    for _ in range(2000):
        when = datetime.datetime(1970, 1, 1) + datetime.timedelta(
            seconds=rng.randrange(0, 4_000_000_000)
        )
        zone = rng.choice(("+0000", "+0530", "-0800", "+1400", "-1159"))
        text = (
            f"{rng.choice(days)}, {when.day:02d} {months[when.month - 1]}"
            f" {when.year} {when:%H:%M:%S} {zone}"
        )
        mine = rfc2822_datetime(text)
        theirs = email.utils.parsedate_to_datetime(text)
        assert mine == theirs and mine is not None
        assert mine.utcoffset() == theirs.utcoffset()
    # Any other shape is left to the standard library (None here).
    for other in (
        "Fri, 29 Feb 2024 12:00:00 -0000",  # no zone: a naive datetime there
        "29 Feb 2024 12:00:00 +0000",
        "Fri, 30 Feb 2024 12:00:00 +0000",
        "Fri, 29 Feb 2024 12:00 +0000",
        "",
    ):
        assert rfc2822_datetime(other) is None


def test_the_stand_in_answers_as_the_standard_library() -> None:
    stand_in = _EmailUtils("email.utils")
    naive = "Fri, 29 Feb 2024 12:00:00 -0000"
    assert stand_in.parsedate_to_datetime(naive) == email.utils.parsedate_to_datetime(
        naive
    )
    # Another thread importing email.utils meanwhile gets the standard library's.
    assert stand_in.formatdate(0, usegmt=True) == email.utils.formatdate(0, usegmt=True)
    assert stand_in.parseaddr("A <a@b.c>") == ("A", "a@b.c")
