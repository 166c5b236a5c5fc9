"""What every end-to-end run must leave behind, checked against the fake's state and the bare origin.

:func:`check_run` asserts the invariants (every issue has a record with the expected status, one
open PR per PR-worthy issue with ``Closes #N``, one summary comment per target and no other
comment, branches pushed, no contract violation) and returns the duplicates it counted (0 when
the assertions pass; counted before asserting so the figures can report them).
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from fakegithub import FakeGitHub

from lumina_wave.plan import branch_name
from lumina_wave.statuses import DONE_STATUSES
from lumina_wave.summary import marker

from .driver import WaveRun


def open_prs(fake: FakeGitHub) -> dict[str, list[int]]:
    """Open PR numbers by head branch."""
    out: dict[str, list[int]] = {}
    for number, pr in sorted(fake.state.pulls.items()):
        if fake.state.issues[number].state == "open":
            out.setdefault(pr.head, []).append(number)
    return out


def summary_comments(fake: FakeGitHub, plan_id: str) -> Counter[int]:
    """How many summary comments of ``plan_id`` each issue or PR carries."""
    first = marker(plan_id)
    return Counter(
        c.issue_number for c in fake.state.comments.values() if c.body.split("\n", 1)[0].strip() == first
    )


def duplicates(fake: FakeGitHub, plan_id: str) -> int:
    """Extra PRs on one branch plus extra summary comments on one target."""
    extra_prs = sum(len(numbers) - 1 for numbers in open_prs(fake).values())
    extra_comments = sum(n - 1 for n in summary_comments(fake, plan_id).values())
    return extra_prs + extra_comments


def branch_sha(bare: Path, branch: str) -> str | None:
    done = subprocess.run(
        ["git", "--git-dir", str(bare), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or None


def check_run(
    run: WaveRun,
    expected: dict[int, str],
    *,
    comment_on: tuple[int, ...] = (),
    pr_statuses: frozenset[str] = frozenset({"success"}),
) -> int:
    """Assert the run's outcome; ``expected`` maps every issue to its final status."""
    fake, why = run.fake, run.transcript()
    found = duplicates(fake, run.plan_id)
    assert fake.violations == [], why
    records = run.records()
    assert {n: r["status"] for n, r in records.items()} == expected, why
    assert all(r["plan_id"] == run.plan_id for r in records.values())

    prs = open_prs(fake)
    with_pr = {n for n, status in expected.items() if status in pr_statuses and records[n].get("commit")}
    assert set(prs) == {branch_name(n) for n in with_pr}, why
    for n in with_pr:
        assert prs[branch_name(n)] == [records[n]["pr_number"]], why
        issue = fake.state.issues[records[n]["pr_number"]]
        assert f"Closes #{n}" in (issue.body or ""), issue.body
        assert branch_sha(run.bare, branch_name(n)) == records[n]["commit"]

    assert run.summarize is not None
    summarize = run.summarize.steps["summarize"]
    all_done = all(s in DONE_STATUSES for s in expected.values())
    assert summarize.rc == (0 if all_done else 1), why
    targets = {*comment_on, *(records[n]["pr_number"] for n in with_pr)}
    assert summary_comments(fake, run.plan_id) == Counter(dict.fromkeys(targets, 1)), why
    assert len(fake.state.comments) == len(targets), "lumina-wave wrote a comment that is not a summary"
    assert found == 0
    return found
