"""Fault injection for the fake GitHub: seeded, countable, and optionally *after* the write happened.

Kinds, as GitHub (or the network) produces them:

- ``502``: a bad gateway answer;
- ``drop``: the connection closes without an answer (after ``hang`` seconds, so a ``hang``
  longer than the client's timeout is a timeout);
- ``secondary``: 403 with ``retry-after`` and GitHub's secondary rate limit message;
- ``429``: too many requests, with ``retry-after``.

:class:`SecondaryLimit` models the limit itself (80 writes a minute, 500 an hour) on a clock.

A fault either replaces the request (nothing happened) or, for writes with ``502``/``drop``,
comes *after* the handler ran: the object exists but the client never heard. That is the case
a client must look for before it repeats a create. Rate limits always refuse before acting,
as GitHub's do.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = ("502", "drop", "secondary", "429")
WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000."
)
RATE_LIMIT_DOCS = (
    "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)


class SecondaryLimit:
    """GitHub's secondary limit on content-creating requests: past ``minute`` writes in the last
    60 s, or ``hour`` in the last 3,600 s, a write is refused (403, ``retry-after``: the seconds
    until the oldest write of the full window ages out, GitHub's message) before it acts.

    Every write (POST, PATCH, PUT, DELETE) counts, as lumina-wave's pacer counts them; refused
    ones do not. ``clock`` gives the time (epoch seconds): a virtual clock lets a test run an
    hour of writes without sleeping.
    """

    def __init__(self, clock: Callable[[], float] = time.time, minute: int = 80, hour: int = 500) -> None:
        self.clock, self.minute, self.hour = clock, minute, hour
        self.accepted: list[float] = []
        self.refused = 0
        self.peak_minute = 0
        self._lock = threading.Lock()

    def admit(self, method: str) -> int | None:
        """None when the request may go (a write is counted), else the seconds of ``retry-after``."""
        if method not in WRITES:
            return None
        with self._lock:
            now = self.clock()
            hour = [t for t in self.accepted if t > now - 3600]
            minute = [t for t in hour if t > now - 60]
            if len(minute) >= self.minute or len(hour) >= self.hour:
                waits = [minute[-self.minute] + 60 - now] if len(minute) >= self.minute else []
                waits += [hour[-self.hour] + 3600 - now] if len(hour) >= self.hour else []
                self.refused += 1
                return max(1, math.ceil(max(waits)))
            self.accepted.append(now)
            self.peak_minute = max(self.peak_minute, len(minute) + 1)
            return None

    def answer(self, retry_after: int) -> tuple[int, dict[str, str], dict]:
        headers = {"retry-after": str(retry_after), "x-ratelimit-remaining": "4321"}
        return 403, headers, {"message": SECONDARY_MESSAGE, "documentation_url": RATE_LIMIT_DOCS}


@dataclass(frozen=True)
class Fault:
    kind: str
    after: bool = False  # the handler ran first (writes only)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {KINDS}")
        if self.after and self.kind not in ("502", "drop"):
            raise ValueError("only 502 and drop can come after the write")


@dataclass
class Rule:
    """Fault the ``nth`` (1-based) call of ``operation`` (an operationId, e.g. ``pulls/create``)."""

    operation: str
    nth: int
    fault: Fault


@dataclass
class FaultPolicy:
    """Which calls fail: every call with probability ``rate`` (seeded), plus explicit :class:`Rule` s.

    ``kinds`` are drawn uniformly for random faults; a random fault on a write comes after the
    write with probability ``after_share``. ``retry_after`` is the seconds named in rate-limit
    answers and ``hang`` how long a ``drop`` waits before closing.
    """

    rate: float = 0.0
    seed: int = 0
    kinds: tuple[str, ...] = KINDS
    after_share: float = 0.5
    retry_after: int = 1
    hang: float = 0.0
    rules: list[Rule] = field(default_factory=list)
    injected: Counter[tuple[str, str]] = field(default_factory=Counter)
    _calls: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def on(self, operation: str, nth: int, kind: str, after: bool = False) -> FaultPolicy:
        """Add a rule; returns self so rules chain."""
        self.rules.append(Rule(operation, nth, Fault(kind, after)))
        return self

    def decide(self, method: str, operation: str) -> Fault | None:
        """The fault for this call, if any, counted in :attr:`injected`."""
        with self._lock:
            self._calls[operation] += 1
            fault = next(
                (r.fault for r in self.rules if r.operation == operation and r.nth == self._calls[operation]),
                None,
            )
            if fault is None and self.rate and self._rng.random() < self.rate:
                kind = self._rng.choice(self.kinds)
                after = method in WRITES and kind in ("502", "drop") and self._rng.random() < self.after_share
                fault = Fault(kind, after)
            if fault is not None:
                self.injected[(fault.kind + ("-after-write" if fault.after else ""), operation)] += 1
            return fault

    @property
    def total(self) -> int:
        return sum(self.injected.values())

    def answer(self, fault: Fault) -> tuple[int, dict[str, str], dict]:
        """Status, headers and body of a fault that answers (not ``drop``)."""
        if fault.kind == "502":
            return 502, {}, {"message": "Server Error"}
        headers = {"retry-after": str(self.retry_after), "x-ratelimit-remaining": "4321"}
        status = 403 if fault.kind == "secondary" else 429
        return status, headers, {"message": SECONDARY_MESSAGE, "documentation_url": RATE_LIMIT_DOCS}
