"""The summary as GitHub markdown: the comment and the job summary, shortened to fit. Pure."""

from __future__ import annotations

from collections.abc import Callable

from lumina_wave import markdown as md
from lumina_wave import usage as usages
from lumina_wave.diagram import mermaid
from lumina_wave.statuses import PENDING_WORDS, TABLE, Status
from lumina_wave.summary.model import AGENT_RAN, NOT_RUN, Outcome, Summary
from lumina_wave.summary.wording import (
    chain,
    duration,
    issues,
    leg_time,
    percent,
    speedup_text,
    wave_time,
    why_not_run,
)

_LIST_CAPS = (None, 200, 100, 50, 20, 10, 5)


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
    if rejected := c.get(Status.REJECTED):
        pending = f"**{rejected}** record{'' if rejected == 1 else 's'} rejected · {pending}"
    return (
        f"{marker(plan.plan_id)}\n"
        f"## {icon} lumina-wave: {summary.done_count} of {issues(n)} done\n\n"
        f"**{summary.done_count}** done · **{c[Status.FAILED]}** failed · **{c[Status.BLOCKED]}** blocked · "
        f"**{c[Status.CANCELLED] + c[Status.MISSING]}** did not run · {pending}"
        f"success rate **{percent(summary.success_rate)}** · "
        f"wall time **{duration(summary.metrics.wall_seconds)}**{cost_text}\n\n"
        f"plan {md.code(plan.plan_id)} ({md.inline(plan.source, 80)}) · {issues(n)} in "
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
            f"| {TABLE[o.status].label}{_attempts(o)} | {_pr_ref(o)} | {leg_time(o)} |"
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
        f"| Critical path by duration | {chain(m.critical_path)} ({duration(m.critical_path_seconds)}) |",
        f"| Lost to wave barriers (wall - critical path) | {duration(m.barrier_loss_seconds)} |",
        f"| Planned critical path (most waves) | {chain(m.planned_critical_path)} |",
    ]
    for w in m.waves:
        rows.append(f"| Wave {w.wave} ({issues(len(w.issues))}) | {wave_time(summary, w)} |")
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
    ran = [o for o in summary.outcomes if o.usage or o.status in AGENT_RAN]
    head = "| | Model | Input tokens | Cached | Output tokens | Turns | Cost |"
    rows = [head, "|---|---|---:|---:|---:|---:|---:|"]
    if per_issue:
        for o in ran:
            model = md.inline(o.usage.get("model"), 60) if o.usage and o.usage.get("model") else "—"
            rows.append(f"| {_issue_ref(o)} | {model} | {_usage_cells(o.usage or {})} |")
    for w in summary.metrics.waves:
        u = summary.wave_usage(w.wave)
        rows.append(
            f"| Wave {w.wave} ({u['reported']} of {issues(len(w.issues))} reported) | | {_usage_cells(u)} |"
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
        if o.status == Status.SKIPPED:
            alone.append(f"{head}: {md.inline(o.error or 'left alone', md.ERROR_LIMIT)}")
        if o.status == Status.FAILED:
            error = md.inline(o.error or "no error message", md.ERROR_LIMIT)
            log = f" ({md.link('job log', o.job_url)})" if o.job_url else ""
            failed.append(f"{head}: {error}{log}")
        elif o.status == Status.BLOCKED:
            blocked.append(f"{head}: blocked by {chain(summary.blockers(o), ', ')}")
        elif o.status in NOT_RUN:
            not_run.append(f"{head}: {why_not_run(summary, o)}")
        elif o.status in (Status.REJECTED, Status.REFUSED):
            why = md.inline(o.error or "", md.ERROR_LIMIT)
            failed.append(f"{head}: {'refused: ' if o.status == Status.REFUSED else ''}{why}")
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
    return "_Ignored result records of issues outside the plan: " + chain(summary.extra_results, ", ") + "._"
