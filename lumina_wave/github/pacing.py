"""Writes paced under GitHub's secondary limits: 80 content-creating requests a minute, 500 an hour.

One :class:`Pacer` per process sits in the client (:func:`lumina_wave.github.client.connect`)
and is asked before every write (POST, PATCH, PUT, DELETE): it keeps the times of the run's
writes and lets a write go only while the last minute holds fewer than :data:`MINUTE_BUDGET`
and the last hour fewer than :data:`HOUR_BUDGET` of them, else it waits (on its clock) until
the oldest one ages out. Both budgets stay below GitHub's figures: the headroom is for writes
no ledger sees (the plan job's first progress comment, a second run in the same repository,
clock skew between runners).

The run's writers are serial jobs (plan, publish-1 … publish-10, summarize), so the hour holds
across jobs through the **ledger**: each writer saves the times of its writes as
``writes-<name>.json`` beside the result records it uploads, and each later writer loads every
ledger among the records it downloads (:func:`load_ledgers`). A ledger crosses a job boundary,
so it is read as hostile data: bounded in size, numbers only, times in the future dropped.

A writer has a time budget (its job's timeout less a margin). An *essential* write (a PR, the
home summary comment) waits for room as long as the budget allows, then fails with one line
(:class:`WriteBudgetSpent`); a *deferrable* write (labels, a PR's link comment) is skipped when
the hour has no room for it (:meth:`Pacer.affords`), and the caller says so.

Tests and benchmarks run on a virtual clock: ``LUMINA_WAVE_VIRTUAL_CLOCK`` names a file holding
seconds added to the real time; sleeping adds to it (shared with the fake GitHub's clock).
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from lumina_wave.errors import GitHubError

MINUTE_BUDGET = 72  # GitHub: 80 content-creating requests a minute
HOUR_BUDGET = 480  # GitHub: 500 an hour
MINUTE, HOUR = 60.0, 3600.0
WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
LEDGER_GLOB = "writes-*.json"
LEDGER_LIMIT = 64 * 1024  # bytes: 480 times in an hour fit in ~9 KB
CLOCK_ENV = "LUMINA_WAVE_VIRTUAL_CLOCK"


class WriteBudgetSpent(GitHubError):
    """An essential write would wait past the writer's time budget."""


class Clock:
    """Real time (epoch seconds: the ledger is compared across runners) and real sleep."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class VirtualClock(Clock):
    """The real time plus an offset kept in ``path``; :meth:`sleep` adds to the offset at once.

    Processes sharing the file share the clock (the fake GitHub reads it too)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def offset(self) -> float:
        try:
            return float(self.path.read_text() or 0)
        except (OSError, ValueError):
            return 0.0

    def now(self) -> float:
        return time.time() + self.offset()

    def sleep(self, seconds: float) -> None:
        with open(self.path, "a+") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            file.seek(0)
            text = file.read().strip()
            file.seek(0)
            file.truncate()
            file.write(repr((float(text) if text else 0.0) + max(seconds, 0.0)))


def clock_from_env() -> Clock:
    """A :class:`VirtualClock` when ``LUMINA_WAVE_VIRTUAL_CLOCK`` names a file, else real time."""
    path = os.environ.get(CLOCK_ENV, "").strip()
    return VirtualClock(path) if path else Clock()


class Pacer:
    """Token windows for the minute and the hour, over the run's writes so far.

    ``deadline`` (a :meth:`Clock.now` value) ends the writer's time budget; None: no budget
    (an essential write then waits as long as it takes)."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        past: Iterable[float] = (),
        minute: int = MINUTE_BUDGET,
        hour: int = HOUR_BUDGET,
        deadline: float | None = None,
    ) -> None:
        self.clock = clock or Clock()
        self.minute, self.hour, self.deadline = minute, hour, deadline
        now = self.clock.now()
        self._times: deque[float] = deque(sorted(t for t in past if now - HOUR < t <= now))
        self.mine: list[float] = []  # this process's writes, for its ledger
        self.waited = 0.0

    def _trim(self, now: float) -> None:
        while self._times and self._times[0] <= now - HOUR:
            self._times.popleft()

    def next_slot(self) -> float:
        """The earliest time a write may go (now or later)."""
        now = self.clock.now()
        self._trim(now)
        at = now
        if len(self._times) >= self.hour:
            at = max(at, self._times[len(self._times) - self.hour] + HOUR)
        recent = [t for t in self._times if t > now - MINUTE]
        if len(recent) >= self.minute:
            at = max(at, recent[len(recent) - self.minute] + MINUTE)
        return at

    def room(self, within: float = 0.0) -> int:
        """How many writes could go in the next ``within`` seconds without passing the hour budget
        (the minute budget only spaces them)."""
        now = self.clock.now()
        self._trim(now)
        aged = sum(1 for t in self._times if t <= now + within - HOUR)
        return max(self.hour - len(self._times) + aged, 0)

    def seconds_left(self) -> float:
        """The writer's time budget left (infinite without a deadline)."""
        return math.inf if self.deadline is None else max(self.deadline - self.clock.now(), 0.0)

    def acquire(self, doing: str = "writing to GitHub") -> None:
        """Wait for room for one write and count it; raise :class:`WriteBudgetSpent` when the wait
        would pass the deadline."""
        at = self.next_slot()
        now = self.clock.now()
        if self.deadline is not None and at > self.deadline:
            raise WriteBudgetSpent(
                f"{doing}: GitHub allows 500 writes an hour and this run made {len(self._times)} in the "
                f"last hour; the next may go in {at - now:.0f} s, past this job's time budget; re-run the "
                "failed jobs later"
            )
        if at > now:
            self.clock.sleep(at - now)
            self.waited += at - now
        self.record(max(at, now))

    def affords(self, reserve: int = 0) -> bool:
        """Whether a deferrable write can go without waiting on the hour budget, leaving ``reserve``
        writes of room for essential ones (it may still wait on the minute's spacing). Counts nothing:
        the write itself is counted when it is sent."""
        return self.room() > reserve and (self.deadline is None or self.next_slot() <= self.deadline)

    def record(self, moment: float) -> None:
        self._times.append(moment)
        self.mine.append(moment)

    def save(self, folder: str | os.PathLike[str], name: str) -> Path:
        """This process's writes as ``folder/writes-<name>.json`` (the run's ledger travels with the
        records), never written through a link."""
        from lumina_wave.safe_files import write_text

        writes = [round(t, 3) for t in self.mine[-HOUR_BUDGET * 2 :]]
        return write_text(Path(folder) / f"writes-{name}.json", json.dumps({"writes": writes}))


def load_ledgers(folder: str | os.PathLike[str], warnings: list[str] | None = None) -> list[float]:
    """The write times in every ``writes-*.json`` under ``folder`` (hostile: bad files are skipped,
    each with a line in ``warnings``)."""
    times: list[float] = []
    root = Path(folder)
    if not root.is_dir():
        return times
    for path in sorted(root.rglob(LEDGER_GLOB)):
        try:
            if path.is_symlink() or path.stat().st_size > LEDGER_LIMIT:
                raise ValueError("not a regular file of at most 64 KiB")
            data = json.loads(path.read_text(encoding="utf-8"))
            found = data.get("writes") if isinstance(data, dict) else None
            if not isinstance(found, list) or not all(
                isinstance(t, int | float) and not isinstance(t, bool) and math.isfinite(t) for t in found
            ):
                raise ValueError("not {'writes': [seconds, ...]}")
        except (OSError, ValueError, RecursionError) as exc:
            if warnings is not None:
                warnings.append(f"write ledger {path.name} ignored: {' '.join(str(exc).split())[:200]}")
            continue
        times += [float(t) for t in found]
    return times
