"""The summary as plain data (schema ``summary``): ``summary.json`` and the ``summary-json`` output. Pure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lumina_wave import markdown as md
from lumina_wave import usage as usages
from lumina_wave.limits import OUTPUT_BUDGET, output_text, utf16_units
from lumina_wave.stacking import StackReport
from lumina_wave.statuses import DONE_STATUSES, Status
from lumina_wave.summary.model import Summary

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
        drop("issues", lambda i: i["status"] not in DONE_STATUSES | {Status.PENDING}),
        cut_errors,
        drop("issues", lambda i: False),
        drop("merge_order", lambda m: False),
    )
    for step in steps:
        if size(out) <= limit:
            break
        out = step(out)
    return out
