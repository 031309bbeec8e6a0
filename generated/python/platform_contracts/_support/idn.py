"""Internationalised formats: ``idn-hostname`` (RFC 5890-5893, IDNA2008) and
``idn-email`` (RFC 6531). The label rules are the ``idna`` package's (as for the
A-labels of ``hostname``); the Node runtime applies the same steps to its table
made from that package's data (``_hostname.js``)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_SEPARATORS = re.compile("[.\u3002\uff0e\uff61]")
_LDH = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_RTL = frozenset({"R", "AL", "AN"})


def _a_label_length(label: str) -> int:
    return 4 + len(label.encode("punycode"))


def is_idn_hostname(value: str) -> bool:
    """Labels separated by "." or its three IDNA2003 equivalents, each an LDH
    label (an "xn--" one a valid A-label), or a valid U-label whose A-label has
    at most 63 octets; at most 253 octets in all (as A-labels); and, in a domain
    name with a right-to-left label, the bidi rule on every label (RFC 5893 s2)."""
    import idna

    from .formats import _is_a_label

    if not value:
        return False
    ulabels: list[str] = []
    total = -1
    for label in _SEPARATORS.split(value):
        if label.isascii():
            if not _LDH.fullmatch(label):
                return False
            if label[2:4] == "--" and label[:2].lower() != "xn":
                return False
            if label[:4].lower() == "xn--":
                if not _is_a_label(label):
                    return False
                ulabels.append(idna.ulabel(label))
            else:
                ulabels.append(label)
            total += len(label) + 1
            continue
        try:
            idna.check_label(label)
        except (ValueError, idna.IDNAError):
            return False
        size = _a_label_length(label)
        if size > 63:
            return False
        ulabels.append(label)
        total += size + 1
    if total > 253:
        return False
    if any(unicodedata.bidirectional(c) in _RTL for u in ulabels for c in u):
        for u in ulabels:
            try:
                idna.check_bidi(u, check_ltr=True)
            except (ValueError, idna.IDNAError):
                return False
    return True


_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\U0010ffff-]"
_LOCAL = (
    rf"{_ATEXT}+(?:\.{_ATEXT}+)*"
    r'|"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\U0010ffff]|\\[\x20-\x7e])*"'
)


@cache
def _local_part() -> re.Pattern[str]:
    """Compiled on first use, not at import (its code point classes take ms)."""
    return re.compile(_LOCAL)


def is_idn_email(value: str) -> bool:
    """RFC 6531 mailbox: ``email`` with UTF-8 (any non-ASCII code point) allowed in
    the local part, and a domain that is an ``idn-hostname`` once in NFC (or an
    address literal)."""
    from .formats import is_ipv4, is_ipv6

    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or not _local_part().fullmatch(local):
        return False
    if domain.startswith("[") and domain.endswith("]"):
        literal = domain[1:-1]
        if literal[:5].lower() == "ipv6:":
            return is_ipv6(literal[5:])
        return is_ipv4(literal)
    return is_idn_hostname(unicodedata.normalize("NFC", domain))
