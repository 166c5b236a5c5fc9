"""Timestamps as GitHub and the result records write them. Pure."""

from __future__ import annotations

import re
from datetime import datetime

_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)", re.ASCII)


def parse_time(value: str | None) -> datetime | None:
    """An RFC 3339 timestamp (``T`` and ``Z`` in either case, or an offset) as an aware datetime;
    None stays None. ValueError for anything else: no time zone, or no such day (2024-02-30)."""
    if not value:
        return None
    if not _RFC3339.fullmatch(value):
        raise ValueError(f"not an RFC 3339 date-time: {value[:60]!r}")
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
