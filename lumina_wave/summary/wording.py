"""The wording the summary's markdown and text share: durations, rates, issue lists. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from lumina_wave.statuses import DONE_STATUSES, Status
from lumina_wave.summary.model import AGENT_RAN, Outcome, Summary, WaveTiming


def duration(seconds: float | None) -> str:
    """``42s``, ``4m 10s``, ``1h 02m``; ``n/a`` when unknown."""
    if seconds is None:
        return "n/a"
    total = round(seconds)
    sign = "-" if total < 0 else ""
    total = abs(total)
    if total < 60:
        return f"{sign}{total}s"
    if total < 3600:
        return f"{sign}{total // 60}m {total % 60:02d}s"
    return f"{sign}{total // 3600}h {total % 3600 // 60:02d}m"


def leg_time(o: Outcome) -> str:
    """A leg's duration; ``—`` for one that did not run (no timestamps, never reached its agent)."""
    return "—" if o.seconds is None and o.status not in AGENT_RAN else duration(o.seconds)


def wave_time(summary: Summary, w: WaveTiming) -> str:
    """A wave's span; ``—`` when none of its legs ran."""
    ran = any(leg_time(o) != "—" for o in summary.outcomes if o.issue in w.issues)
    return duration(w.seconds) if ran else "—"


def percent(rate: float) -> str:
    return f"{rate * 100:.0f}%"


def speedup_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def issues(count: int) -> str:
    return f"{count} issue" if count == 1 else f"{count} issues"


def chain(numbers: Sequence[int], arrow: str = " → ") -> str:
    return arrow.join(f"#{n}" for n in numbers) if numbers else "n/a"


def why_not_run(summary: Summary, o: Outcome) -> str:
    """Why an issue did not run: its unfinished dependencies, if any."""
    waiting = [d for d in o.depends_on if summary.status_of.get(d) not in DONE_STATUSES]
    base = "cancelled" if o.status == Status.CANCELLED else "no result record (never ran or was cancelled)"
    return f"{base}; dependency not done: {chain(waiting, ', ')}" if waiting else base
