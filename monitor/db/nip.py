"""Validation of the NIP, the 18-digit civil-servant number.

Layout (Peraturan BKN on NIP; the same shape is issued to PNS and PPPK):
``YYYYMMDD`` birth date · ``YYYYMM`` TMT (start of service: year and month) ·
``G`` gender (1 man, 2 woman) · ``NNN`` sequence number.
"""

from __future__ import annotations

import re
from datetime import date

_NIP_RE = re.compile(r"^\d{18}$")


class InvalidNIP(ValueError):
    """The value is not a valid NIP; the message says why."""


def normalise_nip(raw: str) -> str:
    """Strip the spaces and dots people type into NIPs (``1985 0312 ...``)."""
    return re.sub(r"[\s.\-]", "", str(raw or ""))


def validate_nip(raw: str) -> str:
    """Return the normalised NIP or raise :class:`InvalidNIP` with the reason."""
    nip = normalise_nip(raw)
    if not nip:
        raise InvalidNIP("NIP is empty")
    if not _NIP_RE.match(nip):
        raise InvalidNIP(f"NIP must be 18 digits, got {len(nip)} characters: {nip!r}")
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise InvalidNIP(f"NIP {nip}: birth date {nip[0:8]} is not a real date") from None
    tmt_year, tmt_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= tmt_month <= 12:
        raise InvalidNIP(f"NIP {nip}: TMT month {nip[12:14]} is not 01-12")
    if birth.year < 1940 or birth > date.today():
        raise InvalidNIP(f"NIP {nip}: birth year {birth.year} is out of range")
    # Appointment below the minimum age of 18 (UU ASN) means a mistyped number.
    if tmt_year < birth.year + 18 or tmt_year > date.today().year + 1:
        raise InvalidNIP(f"NIP {nip}: TMT year {tmt_year} is impossible for birth year {birth.year}")
    if nip[14] not in "12":
        raise InvalidNIP(f"NIP {nip}: gender digit must be 1 or 2, got {nip[14]}")
    return nip


def birth_date_of(nip: str) -> date:
    return date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
