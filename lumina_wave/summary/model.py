"""The summary's model: how each issue of the plan ended, and the run's figures. Pure.

Statuses (their table: :mod:`lumina_wave.statuses`). An issue's status is its result record's
(success, no-changes, failed, blocked, cancelled, refused, skipped), or ``missing`` when no
record exists: the leg never ran or was cancelled before it could write one, shown as "did not run". Done means success, no-changes or skipped
(left alone: its PR was merged or closed, or ``existing-branch: skip``).
An issue whose only record was rejected (unreadable, invalid, of no real time: see
:func:`~lumina_wave.results.read_records`) is ``rejected``, shown as "record rejected"
with the reason; it is not done, and the other issues are summarized as usual.

A run that works only the first waves of a deeper plan (``through_wave``, see
:mod:`lumina_wave.continuation`) gives the issues of later waves the status ``pending``,
shown as "waits for the follow-up run". They were not due in this run: they are not
counted as not done, and the success rate is over the issues that were due (done ÷
(total - pending)), so a run whose waves all succeeded is ✅ with failed-count 0.

Timings, from real timestamps only. A leg's time is, in order of preference:

1. its job in the run (GET …/actions/runs/{id}/jobs): a job belongs to issue N when the
   issue numbers written ``#N`` in its name are exactly ``{N}`` among the plan's issues
   (``wave-2 (#155)``, ``wave / wave-2 (#155)`` from a reusable workflow). Jobs naming
   several plan issues (batches) are not used. When several jobs name the issue, the leg
   spans the earliest start to the latest completion;
2. else the record's ``started_at`` → ``finished_at``;
3. else unknown.

Metrics are computed only when every leg that ran is timed; otherwise they are None
("n/a"), never estimated. A leg that did not run (see :func:`compute_metrics`) costs
nothing and weighs 0 in the critical path. Wall time runs from the first leg start to
the last leg finish.

Cost, from what the agents reported (a record's ``usage``, see :mod:`lumina_wave.usage`):
summed per wave and in total over the issues that reported each figure; "—" (None in JSON)
where none did, never 0. Native stacks (``stack: true``) come in as a
:class:`~lumina_wave.stacking.StackReport` and are named in the merge order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

from lumina_wave import usage as usages
from lumina_wave.plan import Plan, longest_chain
from lumina_wave.results import Rejected, ResultRecord
from lumina_wave.stacking import StackReport
from lumina_wave.statuses import DONE_STATUSES, TABLE, Status
from lumina_wave.times import parse_time

# ``counts`` has these always, and any other status only when some issue has it.
STATUS_ORDER = tuple(s for s, shown in TABLE.items() if shown.counted)
NOT_RUN = frozenset({Status.CANCELLED, Status.MISSING})
AGENT_RAN = frozenset({Status.SUCCESS, Status.NO_CHANGES, Status.FAILED})  # the agent's step ended
_JOB_ISSUE = re.compile(r"#(\d+)")


class RunJob(Protocol):
    """What the summary reads of a job of the run (:class:`lumina_wave.github.jobs.Job` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def started_at(self) -> datetime | None: ...

    @property
    def completed_at(self) -> datetime | None: ...

    @property
    def html_url(self) -> str | None: ...


@dataclass(frozen=True)
class Outcome:
    """How one issue of the plan ended."""

    issue: int
    title: str
    kind: str
    url: str
    wave: int
    depends_on: tuple[int, ...]
    status: str
    pr_number: int | None = None
    pr_url: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    timing: str | None = None  # "job", "record" or None
    error: str | None = None
    blocked_by: tuple[int, ...] = ()
    job_url: str | None = None
    usage: dict | None = None  # what the agent reported (see lumina_wave.usage); None: nothing
    attempts: int | None = None
    warnings: tuple[str, ...] = ()  # what failed beside the PR, a restart's backup

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES


@dataclass(frozen=True)
class WaveTiming:
    wave: int
    issues: tuple[int, ...]
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class Metrics:
    """Figures from real timestamps; None where a needed timestamp is missing."""

    started_at: datetime | None
    finished_at: datetime | None
    leg_seconds: float | None
    timed_legs: int
    ran_legs: int
    critical_path: tuple[int, ...]
    critical_path_seconds: float | None
    waves: tuple[WaveTiming, ...]
    planned_critical_path: tuple[int, ...]
    active_seconds: float | None = None  # the wall time inside the runs' spans (resumed local runs)

    @property
    def wall_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        if self.active_seconds is not None:
            return self.active_seconds
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def speedup(self) -> float | None:
        wall = self.wall_seconds
        return self.leg_seconds / wall if self.leg_seconds is not None and wall else None

    @property
    def barrier_loss_seconds(self) -> float | None:
        wall = self.wall_seconds
        if wall is None or self.critical_path_seconds is None:
            return None
        return wall - self.critical_path_seconds


@dataclass(frozen=True)
class Summary:
    plan: Plan
    outcomes: tuple[Outcome, ...]
    metrics: Metrics
    merge_order: tuple[Outcome, ...]
    run_url: str | None = None
    extra_results: tuple[int, ...] = ()
    stacks: StackReport | None = None  # with stack: true, what became of GitHub's native stacks

    @cached_property
    def status_of(self) -> dict[int, str]:
        """Each issue's status, looked up once per summary (renderers ask it for every dependency)."""
        return {o.issue: o.status for o in self.outcomes}

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return counts

    @property
    def done_count(self) -> int:
        return sum(o.done for o in self.outcomes)

    @property
    def pending_count(self) -> int:
        """Issues of waves after this run's last: they wait for the follow-up run."""
        return sum(o.status == Status.PENDING for o in self.outcomes)

    @property
    def due_count(self) -> int:
        """The issues this run was to finish: all but the pending ones."""
        return len(self.outcomes) - self.pending_count

    @property
    def not_done_count(self) -> int:
        """Failed, blocked or did not run (pending ones are not due): the ``failed-count`` output."""
        return self.due_count - self.done_count

    @property
    def success_rate(self) -> float:
        """Done ÷ the issues due in this run (1.0 when none was due)."""
        return self.done_count / self.due_count if self.due_count else 1.0

    @property
    def all_done(self) -> bool:
        return self.not_done_count == 0

    @cached_property
    def usage_total(self) -> dict:
        """What the agents reported, summed (:func:`lumina_wave.usage.add_up`)."""
        return usages.add_up(o.usage for o in self.outcomes)

    def wave_usage(self, wave: int) -> dict:
        return usages.add_up(o.usage for o in self.outcomes if o.wave == wave)

    def blockers(self, o: Outcome) -> tuple[int, ...]:
        """What blocks ``o``: its record's ``blocked_by``, else its dependencies not done."""
        if o.blocked_by:
            return o.blocked_by
        return tuple(d for d in o.depends_on if self.status_of.get(d) not in DONE_STATUSES)


def build_summary(
    plan: Plan,
    results: Mapping[int, ResultRecord],
    jobs: Sequence[RunJob] | None = None,
    run_url: str | None = None,
    repo_url: str | None = None,
    through_wave: int | None = None,
    rejected: Sequence[Rejected] = (),
    stacks: StackReport | None = None,
    active: Sequence[tuple[datetime, datetime]] = (),
) -> Summary:
    """The summary of ``plan`` from its result records (``read_results``) and the run's jobs.

    ``repo_url`` (``https://github.com/o/r``) links issues whose plan entry has no URL.
    Records of issues outside the plan are reported in ``extra_results``, not counted.
    ``through_wave`` is the last wave this run works (None: the whole plan); the issues of
    later waves are ``pending`` (see the module docstring), whatever records there are.
    ``rejected`` are the records :func:`~lumina_wave.results.read_records` refused: an issue
    with one and no valid record is ``rejected``.
    ``active`` are the spans in which runs were going (a resumed ``local`` run has several):
    given, the wall time counts only the time inside them, not the pauses between.

    """
    spans = match_jobs(jobs or (), plan.items)
    refused = {r.issue: r.reason for r in rejected}
    outcomes = []
    for n in (n for wave in plan.waves for n in wave):
        item = plan.items[n]
        pending = through_wave is not None and plan.wave_of[n] > through_wave
        record: Mapping[str, Any] = {"status": Status.PENDING} if pending else results.get(n) or {}
        started: datetime | None
        finished: datetime | None
        job_url: str | None
        timing: str | None
        if not record and n in refused:
            record = {"status": Status.REJECTED, "error": f"result record rejected: {refused[n]}"}
        if n in spans and not pending:
            started, finished, job_url = spans[n]
            timing = "job"
        else:
            started, finished = parse_time(record.get("started_at")), parse_time(record.get("finished_at"))
            timing = "record" if started and finished else None
            job_url = None
        outcomes.append(
            Outcome(
                issue=n,
                title=item.title,
                kind=item.kind,
                url=item.url or (f"{repo_url}/issues/{n}" if repo_url else ""),
                wave=plan.wave_of[n],
                depends_on=plan.depends_on[n],
                status=record.get("status", Status.MISSING),
                pr_number=record.get("pr_number"),
                pr_url=record.get("pr_url"),
                started_at=started if timing else None,
                finished_at=finished if timing else None,
                timing=timing,
                error=record.get("error"),
                blocked_by=tuple(record.get("blocked_by", ())),
                job_url=job_url or record.get("job_url"),
                usage=record.get("usage"),
                attempts=record.get("attempts"),
                warnings=tuple(record.get("warnings") or ()),
            )
        )
    return Summary(
        plan=plan,
        outcomes=tuple(outcomes),
        metrics=compute_metrics(plan, outcomes, active),
        merge_order=merge_order(plan, outcomes),
        run_url=run_url,
        extra_results=tuple(sorted(set(results) - set(plan.items))),
        stacks=stacks,
    )


def match_jobs(
    jobs: Sequence[RunJob], issues: Mapping[int, object]
) -> dict[int, tuple[datetime, datetime, str | None]]:
    """Issue -> (start, end, log URL) from the run's jobs, by the naming rule in the module docstring."""
    wanted = set(issues)
    spans: dict[int, tuple[datetime, datetime, str | None]] = {}
    for job in jobs:
        if job.started_at is None or job.completed_at is None:
            continue
        named = {int(m) for m in _JOB_ISSUE.findall(job.name)} & wanted
        if len(named) != 1:
            continue
        n = named.pop()
        if n in spans:
            start, end, url = spans[n]
            spans[n] = (min(start, job.started_at), max(end, job.completed_at), url)
        else:
            spans[n] = (job.started_at, job.completed_at, job.html_url)
    return spans


def active_time(spans: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime) -> float:
    """Seconds between ``start`` and ``end`` covered by at least one of ``spans``."""
    total, reached = 0.0, start
    for a, b in sorted(spans):
        a, b = max(a, reached), min(b, end)
        if b > a:
            total += (b - a).total_seconds()
            reached = b
    return total


def compute_metrics(
    plan: Plan, outcomes: Sequence[Outcome], active: Sequence[tuple[datetime, datetime]] = ()
) -> Metrics:
    """Wall time, sum of legs, the duration-weighted critical path and per-wave spans.

    A leg *ran* when it reached the agent (success, no-changes, failed) or has timestamps;
    blocked or cancelled legs without timestamps and missing ones did not, and weigh 0.
    Every figure is None unless every leg that ran is timed.
    """
    by_issue = {o.issue: o for o in outcomes}
    timed = [o for o in outcomes if o.seconds is not None]
    ran = [o for o in outcomes if o.seconds is not None or o.status in AGENT_RAN]
    complete = bool(timed) and len(timed) == len(ran)

    critical: tuple[int, ...] = ()
    critical_seconds = None
    if complete:
        weights = {n: o.seconds or 0.0 for n, o in by_issue.items()}
        topological = (n for wave in plan.waves for n in wave)
        critical, critical_seconds = longest_chain(topological, plan.depends_on, weights)

    waves = []
    for index, wave in enumerate(plan.waves, start=1):
        known = [by_issue[n] for n in wave if by_issue[n].seconds is not None]
        span = complete and bool(known)
        waves.append(
            WaveTiming(
                index,
                tuple(wave),
                min(o.started_at for o in known) if span else None,  # type: ignore[type-var]
                max(o.finished_at for o in known) if span else None,  # type: ignore[type-var]
            )
        )
    started = min(o.started_at for o in timed) if complete else None  # type: ignore[type-var]
    finished = max(o.finished_at for o in timed) if complete else None  # type: ignore[type-var]
    return Metrics(
        started_at=started,
        finished_at=finished,
        leg_seconds=sum(o.seconds or 0.0 for o in timed) if complete else None,
        timed_legs=len(timed),
        ran_legs=len(ran),
        critical_path=critical,
        critical_path_seconds=critical_seconds,
        waves=tuple(waves),
        planned_critical_path=plan.critical_path,
        active_seconds=active_time(active, started, finished) if active and started and finished else None,
    )


def merge_order(plan: Plan, outcomes: Sequence[Outcome]) -> tuple[Outcome, ...]:
    """Issues with a PR, dependencies first: by dependency depth (independent ones first), then number."""
    depth: dict[int, int] = {}
    for n in (n for wave in plan.waves for n in wave):
        depth[n] = 1 + max((depth[d] for d in plan.depends_on[n]), default=-1)
    return tuple(sorted((o for o in outcomes if o.pr_number), key=lambda o: (depth[o.issue], o.issue)))


# --- the summary as plain data (schema ``summary``) ---------------------------------------

SUMMARY_VERSION = 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def summary_to_json(summary: Summary) -> dict:
    """The summary as plain data (schema ``summary``), for ``summary.json`` and output ``summary-json``."""
    m = summary.metrics
    return {
        "version": SUMMARY_VERSION,
        "plan_id": summary.plan.plan_id,
        "source": summary.plan.source,
        "run_url": summary.run_url,
        "total": len(summary.outcomes),
        "done": summary.done_count,
        "not_done": summary.not_done_count,
        "success_rate": round(summary.success_rate, 4),
        "counts": summary.counts,
        "metrics": {
            "started_at": _iso(m.started_at),
            "finished_at": _iso(m.finished_at),
            "wall_seconds": _round(m.wall_seconds),
            "leg_seconds": _round(m.leg_seconds),
            "speedup": _round(m.speedup),
            "timed_legs": m.timed_legs,
            "ran_legs": m.ran_legs,
            "critical_path": list(m.critical_path),
            "critical_path_seconds": _round(m.critical_path_seconds),
            "barrier_loss_seconds": _round(m.barrier_loss_seconds),
            "planned_critical_path": list(m.planned_critical_path),
            "waves": [
                {
                    "wave": w.wave,
                    "issues": list(w.issues),
                    "started_at": _iso(w.started_at),
                    "finished_at": _iso(w.finished_at),
                    "seconds": _round(w.seconds),
                }
                for w in m.waves
            ],
        },
        "issues": [
            {
                "issue": o.issue,
                "title": o.title,
                "kind": o.kind,
                "url": o.url,
                "wave": o.wave,
                "depends_on": list(o.depends_on),
                "status": o.status,
                "pr_number": o.pr_number,
                "pr_url": o.pr_url,
                "started_at": _iso(o.started_at),
                "finished_at": _iso(o.finished_at),
                "seconds": _round(o.seconds),
                "timing": o.timing,
                "error": o.error,
                "blocked_by": list(summary.blockers(o)) if o.status == Status.BLOCKED else list(o.blocked_by),
                "job_url": o.job_url,
                "usage": o.usage,
                "attempts": o.attempts,
            }
            for o in summary.outcomes
        ],
        "usage": {
            "total": {**summary.usage_total, "tokens": usages.tokens(summary.usage_total)},
            "waves": [
                {"wave": w.wave, **(u := summary.wave_usage(w.wave)), "tokens": usages.tokens(u)}
                for w in m.waves
            ],
        },
        "merge_order": [
            {"issue": o.issue, "pr_number": o.pr_number, "pr_url": o.pr_url} for o in summary.merge_order
        ],
        "extra_results": list(summary.extra_results),
        **({"stacks": _stacks_json(summary.stacks)} if summary.stacks else {}),
    }


def _stacks_json(stacks: StackReport) -> dict:
    return {
        "stacks": [{"number": n, "pull_requests": list(prs)} for n, prs in stacks.stacks],
        "not_stacked": [{"issue": issue, "reason": why} for issue, why in stacks.not_stacked],
        "unavailable": stacks.unavailable,
    }
