"""The summary for a terminal or a log. Pure."""

from __future__ import annotations

from lumina_wave import markdown as md
from lumina_wave import usage as usages
from lumina_wave.statuses import PENDING_WORDS, TABLE, Status
from lumina_wave.summary.model import Summary
from lumina_wave.summary.wording import chain, duration, issues, leg_time, percent, speedup_text, wave_time
from lumina_wave.untrusted import visible


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
    if rejected := c.get(Status.REJECTED):
        pending = f", {rejected} record{'' if rejected == 1 else 's'} rejected{pending}"
    lines = [
        f"lumina-wave summary, plan {summary.plan.plan_id}: {summary.done_count} of {len(summary.outcomes)} "
        f"done, {c[Status.FAILED]} failed, {c[Status.BLOCKED]} blocked, {c[Status.CANCELLED] + c[Status.MISSING]} did not run"
        f"{pending} (success rate {percent(summary.success_rate)})",
        f"wall time {duration(m.wall_seconds)}, sum of legs {duration(m.leg_seconds)}, "
        f"speed-up {speedup_text(m.speedup)}",
        f"critical path {chain(m.critical_path, ' -> ')} ({duration(m.critical_path_seconds)}), "
        f"lost to wave barriers {duration(m.barrier_loss_seconds)}",
    ]
    total = summary.usage_total
    if total["reported"]:
        lines.append(
            f"cost {usages.cost_text(total['cost_usd'])}, tokens {usages.count_text(usages.tokens(total))} "
            f"(as {issues(total['reported'])} reported)"
        )
    by_issue = {o.issue: o for o in summary.outcomes}
    for w in m.waves:
        lines.append(f"wave {w.wave} ({wave_time(summary, w)}):")
        for n in w.issues:
            o = by_issue[n]
            pr = f"PR #{o.pr_number}" if o.pr_number else ""
            status = TABLE[o.status].text if o.status in TABLE else o.status
            line = f"  #{n:<6} {status:<11} {pr:<10} {leg_time(o):>8}  {_plain(o.title, 70)}"
            if o.attempts and o.attempts > 1:
                line += f" ({o.attempts} attempts)"
            if o.usage:
                line += f"\n           cost {usages.cost_text(o.usage.get('cost_usd'))}, tokens {usages.count_text(usages.tokens(o.usage))}"
            if o.status in (Status.FAILED, Status.REJECTED, Status.REFUSED, Status.SKIPPED) and o.error:
                line += (
                    f"\n           {'why' if o.status == Status.SKIPPED else 'error'}: {_plain(o.error, 200)}"
                )
            elif o.status == Status.BLOCKED:
                line += f"\n           blocked by {chain(summary.blockers(o), ', ')}"
            line += "".join(f"\n           warning: {_plain(w, 200)}" for w in o.warnings)
            lines.append(line.rstrip())
    if summary.merge_order:
        lines.append(
            "merge order: " + ", ".join(f"#{o.pr_number} (issue #{o.issue})" for o in summary.merge_order)
        )
    if summary.extra_results:
        lines.append("ignored records of issues outside the plan: " + chain(summary.extra_results, ", "))
    return "\n".join(lines)
