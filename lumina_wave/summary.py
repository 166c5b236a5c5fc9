"""The completion summary: plan + leg results (+ job timings) in; markdown, text and JSON out. Pure.

Statuses. An issue's status is its result record's (success, no-changes, failed, blocked,
cancelled, skipped), or ``missing`` when no record exists: the leg never ran or was cancelled
before it could write one, shown as "did not run". Done means success, no-changes or skipped
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from lumina_wave import markdown as md
from lumina_wave import usage as usages
from lumina_wave.diagram import mermaid
from lumina_wave.github.jobs import Job, parse_time
from lumina_wave.limits import OUTPUT_BUDGET, output_text, utf16_units
from lumina_wave.plan import Plan, longest_chain
from lumina_wave.results import DONE_STATUSES, Rejected
from lumina_wave.stacking import StackReport
from lumina_wave.untrusted import visible

SUMMARY_VERSION = 1
MISSING = "missing"
PENDING = "pending"
REJECTED = "rejected"
REFUSED = "refused"
NOT_RUN = frozenset({"cancelled", MISSING})
# ``counts`` has every status of STATUS_ORDER, and PENDING, REJECTED or REFUSED only when some issue has it.
STATUS_ORDER = ("success", "no-changes", "failed", "blocked", "cancelled", MISSING)
PENDING_WORDS = "waits for the follow-up run"
STATUS_LABELS = {
    "success": "✅ success",
    "no-changes": "⚪ no changes",
    "failed": "❌ failed",
    "blocked": "⛔ blocked",
    "cancelled": "🚫 cancelled",
    "skipped": "⏭️ skipped",
    MISSING: "⏹️ did not run",
    PENDING: f"⏳ {PENDING_WORDS}",
    REJECTED: "🛑 record rejected",
    REFUSED: "🛡️ refused",
}
_JOB_ISSUE = re.compile(r"#(\d+)")
_AGENT_RAN = frozenset({"success", "no-changes", "failed"})
_LIST_CAPS = (None, 200, 100, 50, 20, 10, 5)


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
        return sum(o.status == PENDING for o in self.outcomes)

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


# --- building ------------------------------------------------------------------------------


def build_summary(
    plan: Plan,
    results: Mapping[int, dict],
    jobs: Sequence[Job] | None = None,
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
        record: dict[str, Any] = {"status": PENDING} if pending else results.get(n) or {}
        started: datetime | None
        finished: datetime | None
        job_url: str | None
        timing: str | None
        if not record and n in refused:
            record = {"status": REJECTED, "error": f"result record rejected: {refused[n]}"}
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
                status=record.get("status", MISSING),
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
    jobs: Sequence[Job], issues: Mapping[int, object]
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
    ran = [o for o in outcomes if o.seconds is not None or o.status in _AGENT_RAN]
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


# --- shared wording ------------------------------------------------------------------------


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
    return "—" if o.seconds is None and o.status not in _AGENT_RAN else duration(o.seconds)


def wave_time(summary: Summary, w: WaveTiming) -> str:
    """A wave's span; ``—`` when none of its legs ran."""
    ran = any(leg_time(o) != "—" for o in summary.outcomes if o.issue in w.issues)
    return duration(w.seconds) if ran else "—"


def percent(rate: float) -> str:
    return f"{rate * 100:.0f}%"


def speedup_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _issues(count: int) -> str:
    return f"{count} issue" if count == 1 else f"{count} issues"


def _chain(issues: Sequence[int], arrow: str = " → ") -> str:
    return arrow.join(f"#{n}" for n in issues) if issues else "n/a"


def _why_not_run(summary: Summary, o: Outcome) -> str:
    """Why an issue did not run: its unfinished dependencies, if any."""
    waiting = [d for d in o.depends_on if summary.status_of.get(d) not in DONE_STATUSES]
    base = "cancelled" if o.status == "cancelled" else "no result record (never ran or was cancelled)"
    return f"{base}; dependency not done: {_chain(waiting, ', ')}" if waiting else base


def _blockers(summary: Summary, o: Outcome) -> tuple[int, ...]:
    if o.blocked_by:
        return o.blocked_by
    return tuple(d for d in o.depends_on if summary.status_of.get(d) not in DONE_STATUSES)


# --- markdown ------------------------------------------------------------------------------


def marker(plan_id: str) -> str:
    """The hidden first line that identifies the summary comment of ``plan_id``."""
    return f"<!-- lumina-wave:summary plan={plan_id} -->"


def render_markdown(
    summary: Summary,
    limit: int | None = None,
    size: Callable[[str], int] = len,
    full_at: str | None = None,
    full: str | None = None,
) -> str:
    """The summary as GitHub markdown, starting with the hidden marker line.

    With ``limit``, a summary whose ``size`` exceeds it is shortened: the issue table and the
    graph give way to a pointer to ``full_at`` (markdown; default: the run's job summary,
    else ``summary.md``); the headline, metrics, failures, blocked issues and merge order
    stay, their lists capped with "… and N more" as far as needed. ``full`` is this
    summary's markdown without a limit when already rendered (it is not rendered again).
    """
    if full is None:
        full = _full_markdown(summary)
    if limit is None or size(full) <= limit:
        return full
    if full_at is None:
        full_at = (
            md.link("the job summary of the run", summary.run_url) if summary.run_url else "`summary.md`"
        )
    for cap in _LIST_CAPS:
        short = _short_markdown(summary, cap, full_at)
        if size(short) <= limit:
            return short
    raise ValueError(f"the shortest summary is still over {limit}")  # unreachable for limits >= 8 KiB


def _full_markdown(summary: Summary) -> str:
    parts = [
        _headline(summary),
        "### Issues\n\n" + _issue_table(summary),
        "### Dependency graph\n\n```mermaid\n" + _graph(summary) + "\n```",
        "### Metrics\n\n" + _metrics_table(summary),
        _cost_section(summary, per_issue=True),
        *_problem_sections(summary, None),
        _merge_section(summary, None),
        _extra_note(summary),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _short_markdown(summary: Summary, cap: int | None, full_at: str) -> str:
    note = (
        "> [!NOTE]\n> Shortened to fit GitHub's size limit: "
        f"the table of all {len(summary.outcomes)} issues and the graph are in {full_at}."
    )
    parts = [
        _headline(summary),
        note,
        "### Metrics\n\n" + _metrics_table(summary),
        _cost_section(summary, per_issue=False),
        *_problem_sections(summary, cap),
        _merge_section(summary, cap),
        _extra_note(summary),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _headline(summary: Summary) -> str:
    c = summary.counts
    n = len(summary.outcomes)
    icon = "✅" if summary.all_done else "❌"
    plan = summary.plan
    run = f" · {md.link('workflow run', summary.run_url)}" if summary.run_url else ""
    cost = summary.usage_total["cost_usd"]
    cost_text = f" · cost **{usages.cost_text(cost)}**" if cost is not None else ""
    pending = f"**{summary.pending_count}** {PENDING_WORDS} · " if summary.pending_count else ""
    if c.get(REJECTED):
        pending = f"**{c[REJECTED]}** record{'' if c[REJECTED] == 1 else 's'} rejected · {pending}"
    return (
        f"{marker(plan.plan_id)}\n"
        f"## {icon} lumina-wave: {summary.done_count} of {_issues(n)} done\n\n"
        f"**{summary.done_count}** done · **{c['failed']}** failed · **{c['blocked']}** blocked · "
        f"**{c['cancelled'] + c[MISSING]}** did not run · {pending}"
        f"success rate **{percent(summary.success_rate)}** · "
        f"wall time **{duration(summary.metrics.wall_seconds)}**{cost_text}\n\n"
        f"plan {md.code(plan.plan_id)} ({md.inline(plan.source, 80)}) · {_issues(n)} in "
        f"{plan.wave_count} wave{'' if plan.wave_count == 1 else 's'}{run}"
    )


def _issue_ref(o: Outcome) -> str:
    return md.link(f"#{o.issue}", o.url)


def _pr_ref(o: Outcome) -> str:
    return md.link(f"#{o.pr_number}", o.pr_url) if o.pr_number else "—"


def _issue_table(summary: Summary) -> str:
    rows = ["| Issue | Title | Kind | Wave | Status | PR | Duration |", "|---:|---|---|---:|---|---|---:|"]
    for o in summary.outcomes:
        rows.append(
            f"| {_issue_ref(o)} | {md.inline(o.title, md.TITLE_LIMIT)} | {md.inline(o.kind, 40)} | {o.wave} "
            f"| {STATUS_LABELS[o.status]}{_attempts(o)} | {_pr_ref(o)} | {leg_time(o)} |"
        )
    return "\n".join(rows)


def _attempts(o: Outcome) -> str:
    return f" ({o.attempts} attempts)" if o.attempts and o.attempts > 1 else ""


def _graph(summary: Summary) -> str:
    return mermaid(summary.plan, status={o.issue: o.status for o in summary.outcomes})


def _metrics_table(summary: Summary) -> str:
    m = summary.metrics
    source = sorted({o.timing for o in summary.outcomes if o.timing})
    timing = {"job": "job timings", "record": "result records"}
    rows = [
        "| Metric | Value |",
        "|---|---|",
        f"| Wall time (first start → last finish) | {duration(m.wall_seconds)} |",
        f"| Sum of leg times (one after another) | {duration(m.leg_seconds)} |",
        f"| Speed-up (sum ÷ wall) | {speedup_text(m.speedup)} |",
        f"| Critical path by duration | {_chain(m.critical_path)} ({duration(m.critical_path_seconds)}) |",
        f"| Lost to wave barriers (wall - critical path) | {duration(m.barrier_loss_seconds)} |",
        f"| Planned critical path (most waves) | {_chain(m.planned_critical_path)} |",
    ]
    for w in m.waves:
        rows.append(f"| Wave {w.wave} ({_issues(len(w.issues))}) | {wave_time(summary, w)} |")
    sources = ", ".join(timing[s] for s in source) or "no timestamps"
    rows.append(f"| Timed legs | {m.timed_legs} of {m.ran_legs} that ran ({sources}) |")
    return "\n".join(rows)


def _usage_cells(u: dict) -> str:
    return " | ".join(
        [
            usages.count_text(u.get("input_tokens")),
            usages.count_text(u.get("cached_tokens")),
            usages.count_text(u.get("output_tokens")),
            usages.count_text(u.get("turns")),
            usages.cost_text(u.get("cost_usd")),
        ]
    )


def _cost_section(summary: Summary, per_issue: bool) -> str:
    """What the agents reported they used, per issue (``per_issue``), per wave and in total;
    empty when no agent reported anything. "—" is not known, never 0."""
    total = summary.usage_total
    if not total["reported"]:
        return ""
    ran = [o for o in summary.outcomes if o.usage or o.status in _AGENT_RAN]
    head = "| | Model | Input tokens | Cached | Output tokens | Turns | Cost |"
    rows = [head, "|---|---|---:|---:|---:|---:|---:|"]
    if per_issue:
        for o in ran:
            model = md.inline(o.usage.get("model"), 60) if o.usage and o.usage.get("model") else "—"
            rows.append(f"| {_issue_ref(o)} | {model} | {_usage_cells(o.usage or {})} |")
    for w in summary.metrics.waves:
        u = summary.wave_usage(w.wave)
        rows.append(
            f"| Wave {w.wave} ({u['reported']} of {_issues(len(w.issues))} reported) | | {_usage_cells(u)} |"
        )
    model = md.inline(total["model"], 60) if total["model"] else ""
    rows.append(
        f"| **Total** ({total['reported']} of {len(ran)} that ran reported) | {model} | {_usage_cells(total)} |"
    )
    return (
        "### What it cost\n\nAs the agents reported it in `$WAVE_USAGE_FILE`; — is not reported.\n\n"
        + "\n".join(rows)
    )


def _capped(lines: list[str], cap: int | None) -> list[str]:
    if cap is None or len(lines) <= cap:
        return lines
    return [*lines[:cap], f"- … and {len(lines) - cap} more"]


def _problem_sections(summary: Summary, cap: int | None) -> list[str]:
    failed: list[str] = []
    blocked: list[str] = []
    not_run: list[str] = []
    alone: list[str] = []
    warned: list[str] = []
    for o in summary.outcomes:
        head = f"- {_issue_ref(o)} {md.inline(o.title, md.TITLE_LIMIT)}".rstrip()
        warned += (f"{head}: {md.inline(w, md.ERROR_LIMIT)}" for w in o.warnings)
        if o.status == "skipped":
            alone.append(f"{head}: {md.inline(o.error or 'left alone', md.ERROR_LIMIT)}")
        if o.status == "failed":
            error = md.inline(o.error or "no error message", md.ERROR_LIMIT)
            log = f" ({md.link('job log', o.job_url)})" if o.job_url else ""
            failed.append(f"{head}: {error}{log}")
        elif o.status == "blocked":
            blocked.append(f"{head}: blocked by {_chain(_blockers(summary, o), ', ')}")
        elif o.status in NOT_RUN:
            not_run.append(f"{head}: {_why_not_run(summary, o)}")
        elif o.status in (REJECTED, REFUSED):
            why = md.inline(o.error or "", md.ERROR_LIMIT)
            failed.append(f"{head}: {'refused: ' if o.status == REFUSED else ''}{why}")
    sections = []
    titled = (("Failures", failed), ("Blocked", blocked), ("Did not run", not_run), ("Left alone", alone))
    for title, lines in (*titled, ("Warnings", warned)):
        if lines:
            sections.append(f"### {title}\n\n" + "\n".join(_capped(lines, cap)))
    return sections


def _merge_section(summary: Summary, cap: int | None) -> str:
    if not summary.merge_order:
        return ""
    stacks = summary.stacks
    lines = []
    for o in summary.merge_order:
        number = stacks.stack_of(o.pr_number) if stacks and o.pr_number else None
        lines.append(f"- [ ] #{o.pr_number} (issue #{o.issue})" + (f" · stack {number}" if number else ""))
    return (
        "### Merge order\n\nDependencies first:\n\n" + "\n".join(_capped(lines, cap)) + _stack_notes(summary)
    )


def _stack_notes(summary: Summary) -> str:
    """What became of GitHub's native stacks (``stack: true``): the stacks, the PRs left out and why."""
    stacks = summary.stacks
    if stacks is None:
        return ""
    lines = [f"- stack {n}: " + " → ".join(f"#{pr}" for pr in prs) for n, prs in stacks.stacks]
    lines += [
        f"- #{issue} is not in a stack: {md.inline(why, md.ERROR_LIMIT)}" for issue, why in stacks.not_stacked
    ]
    if stacks.unavailable:
        lines.append(
            "- GitHub's native stacks are not available here, so none was made; the branches stay "
            f"stacked on each other: {md.inline(stacks.unavailable, md.ERROR_LIMIT)}"
        )
    return "\n\nNative stacks:\n\n" + "\n".join(lines) if lines else ""


def _extra_note(summary: Summary) -> str:
    if not summary.extra_results:
        return ""
    return "_Ignored result records of issues outside the plan: " + _chain(summary.extra_results, ", ") + "._"


# --- terminal text -------------------------------------------------------------------------


def _plain(text: str | None, limit: int) -> str:
    """Untrusted text for a terminal: one line, invisible characters shown, control characters
    (escape sequences) removed."""
    flat = " ".join(visible(text or "").split())
    return md.truncate("".join(ch if ch.isprintable() else "?" for ch in flat), limit)


def render_text(summary: Summary) -> str:
    """The summary for a terminal or a log: counts, metrics, one line per issue, merge order."""
    c = summary.counts
    m = summary.metrics
    pending = f", {summary.pending_count} {PENDING_WORDS}" if summary.pending_count else ""
    if c.get(REJECTED):
        pending = f", {c[REJECTED]} record{'' if c[REJECTED] == 1 else 's'} rejected{pending}"
    lines = [
        f"lumina-wave summary, plan {summary.plan.plan_id}: {summary.done_count} of {len(summary.outcomes)} "
        f"done, {c['failed']} failed, {c['blocked']} blocked, {c['cancelled'] + c[MISSING]} did not run"
        f"{pending} (success rate {percent(summary.success_rate)})",
        f"wall time {duration(m.wall_seconds)}, sum of legs {duration(m.leg_seconds)}, "
        f"speed-up {speedup_text(m.speedup)}",
        f"critical path {_chain(m.critical_path, ' -> ')} ({duration(m.critical_path_seconds)}), "
        f"lost to wave barriers {duration(m.barrier_loss_seconds)}",
    ]
    total = summary.usage_total
    if total["reported"]:
        lines.append(
            f"cost {usages.cost_text(total['cost_usd'])}, tokens {usages.count_text(usages.tokens(total))} "
            f"(as {_issues(total['reported'])} reported)"
        )
    by_issue = {o.issue: o for o in summary.outcomes}
    for w in m.waves:
        lines.append(f"wave {w.wave} ({wave_time(summary, w)}):")
        for n in w.issues:
            o = by_issue[n]
            pr = f"PR #{o.pr_number}" if o.pr_number else ""
            status = {MISSING: "did not run", PENDING: PENDING_WORDS, REJECTED: "record rejected"}.get(
                o.status, o.status
            )
            line = f"  #{n:<6} {status:<11} {pr:<10} {leg_time(o):>8}  {_plain(o.title, 70)}"
            if o.attempts and o.attempts > 1:
                line += f" ({o.attempts} attempts)"
            if o.usage:
                line += f"\n           cost {usages.cost_text(o.usage.get('cost_usd'))}, tokens {usages.count_text(usages.tokens(o.usage))}"
            if o.status in ("failed", REJECTED, REFUSED, "skipped") and o.error:
                line += f"\n           {'why' if o.status == 'skipped' else 'error'}: {_plain(o.error, 200)}"
            elif o.status == "blocked":
                line += f"\n           blocked by {_chain(_blockers(summary, o), ', ')}"
            line += "".join(f"\n           warning: {_plain(w, 200)}" for w in o.warnings)
            lines.append(line.rstrip())
    if summary.merge_order:
        lines.append(
            "merge order: " + ", ".join(f"#{o.pr_number} (issue #{o.issue})" for o in summary.merge_order)
        )
    if summary.extra_results:
        lines.append("ignored records of issues outside the plan: " + _chain(summary.extra_results, ", "))
    return "\n".join(lines)


# --- JSON ----------------------------------------------------------------------------------


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
                "blocked_by": list(_blockers(summary, o)) if o.status == "blocked" else list(o.blocked_by),
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


def summary_for_output(data: dict, limit: int = OUTPUT_BUDGET) -> dict:
    """``data`` (from :func:`summary_to_json`) fitted under ``limit`` UTF-16 code units as an
    output writes it, the way GitHub sizes job outputs (:mod:`lumina_wave.limits`).

    For a job output, in this order until it fits: the entries of done (and pending) issues
    go, error texts are cut to :data:`~lumina_wave.markdown.ERROR_LIMIT` characters, every
    issue entry goes, then the merge order; ``omitted`` counts the entries left out and the
    errors cut (summary.json keeps everything).
    """

    def size(d: dict) -> int:
        return utf16_units(output_text(d))

    def cut_errors(d: dict) -> dict:
        issues = [{**i, "error": md.truncate(i["error"] or "", md.ERROR_LIMIT) or None} for i in d["issues"]]
        cut = sum(new["error"] != old["error"] for new, old in zip(issues, d["issues"], strict=True))
        return {**d, "issues": issues, "omitted": {**d.get("omitted", {}), "errors": cut}}

    def drop(key: str, keep: Callable[[dict], bool]) -> Callable[[dict], dict]:
        def step(d: dict) -> dict:
            kept = [e for e in d[key] if keep(e)]
            omitted = {**d.get("omitted", {})}
            omitted[key] = omitted.get(key, 0) + len(d[key]) - len(kept)
            return {**d, key: kept, "omitted": omitted}

        return step

    out = data
    steps = (
        drop("issues", lambda i: i["status"] not in DONE_STATUSES | {PENDING}),
        cut_errors,
        drop("issues", lambda i: False),
        drop("merge_order", lambda m: False),
    )
    for step in steps:
        if size(out) <= limit:
            break
        out = step(out)
    return out
