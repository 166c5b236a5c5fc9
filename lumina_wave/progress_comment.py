"""Live progress in the summary comment: posted when the plan is made, edited as each wave finishes.

The comment is the sticky summary comment of the plan (same marker, :mod:`lumina_wave.publish`),
so the final edit, by summarize, turns it into the completion summary. Its writers are the run's
serial jobs: the plan job (every issue waiting), each wave's publisher after its wave, then
summarize; one job at a time, so edits never race. Only the home targets (``comment-on``, else
the triggering issue) get progress; PRs get their comment from summarize once they exist.

Issue numbers and statuses only: no untrusted text reaches the comment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from lumina_wave.statuses import TABLE
from lumina_wave.summary import marker

if TYPE_CHECKING:
    from lumina_wave.github.client import GitHubClient
    from lumina_wave.plan import Plan
    from lumina_wave.publish import Published
    from lumina_wave.results import ResultRecord

ICONS = {s: shown.icon for s, shown in TABLE.items() if shown.icon}
UNKNOWN = "❔"  # a wave that is done, but no record of the issue arrived
LISTED_PER_WAVE = 50  # issue numbers shown per wave; the rest as "… and N more"


def wave_part(
    number: int, count: int, state: str, issues: Sequence[int], records: Mapping[int, ResultRecord]
) -> str:
    """``wave 1 of 3 done: ✅ #152 ✅ #154`` (``state``: done, running or waiting). Pure."""
    shown = [
        f"{ICONS.get(records[n]['status'] if n in records else '', UNKNOWN)} #{n}"
        if state == "done"
        else f"#{n}"
        for n in issues[:LISTED_PER_WAVE]
    ]
    more = len(issues) - len(shown)
    if more > 0:
        shown.append(f"… and {more} more")
    of = f" of {count}" if number == 1 or state == "done" else ""
    return f"wave {number}{of} {state}: {' '.join(shown)}"


def render_progress(
    plan: Plan,
    records: Mapping[int, ResultRecord],
    done_through: int,
    running: int | None,
    run_url: str | None,
) -> str:
    """The progress body: marker, the state of each wave, and what this comment is. Pure.

    Waves up to ``done_through`` are done (0: none yet), wave ``running`` (None: none) runs,
    the others wait. Waves past the tenth after the running one are collapsed into one count.
    """
    count = plan.wave_count
    parts = []
    for number, issues in enumerate(plan.waves, start=1):
        state = "done" if number <= done_through else "running" if number == running else "waiting"
        if state == "waiting" and number > max(done_through, running or 0) + 10:
            rest = sum(len(w) for w in plan.waves[number - 1 :])
            parts.append(f"waves {number}-{count} waiting: {rest} issues")
            break
        parts.append(wave_part(number, count, state, issues, records))
    head = (
        "### lumina-wave: every issue waiting"
        if done_through == 0 and running is None
        else f"### lumina-wave: wave {done_through} of {count} done"
    )
    where = f"[this run]({run_url})" if run_url else "this run"
    return (
        f"{marker(plan.plan_id)}\n{head}\n\n"
        + " · ".join(parts)
        + f"\n\n_Plan `{plan.plan_id}`, {len(plan.items)} issues in {count} waves. Live progress of {where}: "
        "this comment is edited as each wave finishes and becomes the summary when the run ends._\n"
    )


def carry_follow_ups(old: str, new: str) -> str:
    """``new`` with the follow-ups line that ``old`` records (a progress edit must not drop it)."""
    from lumina_wave.continuation import follow_ups_line, parse_follow_ups

    dispatched = parse_follow_ups(old)
    if not dispatched:
        return new
    first, _, rest = new.partition("\n")
    return f"{first}\n{follow_ups_line(dispatched)}\n{rest}"


def post_progress(client: GitHubClient, plan: Plan, targets: Sequence[int], body: str) -> list[Published]:
    """Write ``body`` as the plan's comment on each home target (created, or edited in place)."""
    from lumina_wave.publish import Publisher

    return Publisher(client, plan.plan_id).publish(targets, body, merge=carry_follow_ups)
