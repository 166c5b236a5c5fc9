"""Writes paced under GitHub's secondary limits (lumina_wave/github/pacing.py), against the fake's model."""

from __future__ import annotations

import json

import pytest
from fakegithub import FakeGitHub, Repo, SecondaryLimit

from lumina_wave.github import comments
from lumina_wave.github.client import connect
from lumina_wave.github.pacing import (
    HOUR_BUDGET,
    MINUTE_BUDGET,
    Clock,
    Pacer,
    VirtualClock,
    WriteBudgetSpent,
    load_ledgers,
)
from lumina_wave.safe_files import UnsafePath


class Manual(Clock):
    """A clock that moves only when slept on."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def test_the_minute_budget_spaces_writes_and_the_hour_budget_waits_for_the_oldest():
    clock = Manual()
    pacer = Pacer(clock)
    for _ in range(MINUTE_BUDGET):
        pacer.acquire()
    assert clock.t == 1_000_000.0  # a burst up to the minute budget goes at once
    pacer.acquire()
    assert clock.t == pytest.approx(1_000_060.0)  # the next waits for the first to age out
    for _ in range(HOUR_BUDGET - MINUTE_BUDGET - 1):
        pacer.acquire()
    assert pacer.room() == 0
    before = clock.t
    pacer.acquire()
    assert clock.t == pytest.approx(1_003_600.0) and clock.t > before


def test_a_deadline_turns_a_long_wait_into_one_line_and_deferrable_writes_into_a_no():
    clock = Manual()
    past = [clock.t - 10.0] * HOUR_BUDGET  # another job of the run spent the hour 10 s ago
    pacer = Pacer(clock, past=past, deadline=clock.t + 600)
    assert pacer.room() == 0 and pacer.room(within=3600) == HOUR_BUDGET
    assert pacer.affords() is False
    with pytest.raises(WriteBudgetSpent, match=r"500 writes an hour.*made 480 in the last hour"):
        pacer.acquire("creating the PR of feature/issue-1")
    assert clock.t == 1_000_000.0  # it did not sleep before refusing


def test_deferrable_writes_leave_the_reserve_to_essential_ones():
    pacer = Pacer(Manual(), past=[999_990.0] * (HOUR_BUDGET - 3))
    assert pacer.affords(reserve=2) is True
    pacer.acquire()
    assert pacer.affords(reserve=2) is False
    pacer.acquire()  # essential: still room
    assert pacer.room() == 1


def test_the_ledger_round_trips_and_hostile_ledgers_are_skipped_with_a_line(tmp_path):
    clock = Manual()
    pacer = Pacer(clock)
    for _ in range(3):
        pacer.acquire()
    pacer.save(tmp_path / "wave-1", "wave-1")
    (tmp_path / "writes-bad.json").write_text("[" * 100_000)
    (tmp_path / "writes-strings.json").write_text(json.dumps({"writes": ["1", True]}))
    (tmp_path / "writes-nan.json").write_text('{"writes": [NaN]}')
    warnings: list[str] = []
    times = load_ledgers(tmp_path, warnings)
    assert times == [clock.t] * 3
    assert len(warnings) == 3 and all(w.startswith("write ledger writes-") for w in warnings)
    # Times older than an hour or in the future are not the run's recent writes.
    assert Pacer(clock, past=[clock.t - 4000, clock.t + 50, clock.t]).room() == HOUR_BUDGET - 1


def test_the_ledger_is_never_written_through_a_link(tmp_path, outside):
    pacer = Pacer(Manual())
    pacer.acquire()
    target = outside / "passwd"
    was = target.read_text()
    (tmp_path / "writes-wave-1.json").symlink_to(target)
    with pytest.raises(UnsafePath):
        pacer.save(tmp_path, "wave-1")
    assert target.read_text() == was


def test_a_virtual_clock_is_shared_through_its_file(tmp_path):
    one, two = VirtualClock(tmp_path / "clock"), VirtualClock(tmp_path / "clock")
    start = one.now()
    two.sleep(3600)
    assert one.now() - start >= 3600
    assert one.offset() == 3600


def test_the_fake_refuses_the_81st_write_of_a_minute_as_github_does(tmp_path):
    clock = Manual()
    limit = SecondaryLimit(clock.now)
    with FakeGitHub(Repo(), secondary=limit) as fake:
        fake.state.add_issue(1, "Home")
        # An unpaced client: the pacer's budgets raised past GitHub's.
        unpaced = Pacer(clock, minute=1000, hour=1000)
        client = connect(
            fake.state.full_name, "t", fake.api, wait=clock.sleep, seconds_between_writes=0, pacer=unpaced
        )
        for _ in range(80):
            comments.create_comment(client, 1, "x")
        comments.create_comment(client, 1, "after the wait")  # the retry waits retry-after on the clock
    answered = [r for r in fake.requests if r.fault == "secondary-limit"]
    assert limit.refused == len(answered) == 1 and answered[0].status == 403
    assert len(limit.accepted) == 81 and clock.t == pytest.approx(1_000_060.0)


def test_a_paced_client_never_meets_the_limit_over_an_hour_of_writes(tmp_path):
    clock = Manual()
    limit = SecondaryLimit(clock.now)
    with FakeGitHub(Repo(), secondary=limit) as fake:
        fake.state.add_issue(1, "Home")
        client = connect(
            fake.state.full_name,
            "t",
            fake.api,
            wait=pytest.fail,
            seconds_between_writes=0,
            pacer=Pacer(clock),
        )
        for n in range(600):
            comments.create_comment(client, 1, f"comment {n}")
    assert limit.refused == 0 and len(limit.accepted) == 600
    assert limit.peak_minute <= MINUTE_BUDGET
    # 480 in the first 6 minutes, 72 more when the first 72 age out, the last 48 a minute later.
    assert clock.t - 1_000_000.0 == pytest.approx(3660.0)


def test_a_256_issue_wave_publishes_under_the_secondary_limit_with_no_failure_or_duplicate(tmp_path):
    from pacing_scenarios import publish_wide_wave, unlabelled

    load, fake = publish_wide_wave(tmp_path, 256)
    heads = [pr.head for pr in fake.state.pulls.values()]
    assert len(heads) == len(set(heads)) == 256  # one PR per issue, none twice
    # Never met the limit; the fake counts on arrival, a little after the pacer: its 8 writes of
    # headroom absorb that.
    assert load.refused == 0 and load.peak_minute <= 80
    assert load.writes <= HOUR_BUDGET
    # 1 first comment + 256 PRs + 1 progress edit, then labels while the hour leaves room for the
    # progress edit and summary still to come: the rest is left out, and said so.
    left = unlabelled(fake)
    assert load.writes == 1 + 256 + 1 + (256 - left) and left == 256 - (HOUR_BUDGET - 258 - 1)
    assert load.virtual_seconds >= 6 * 60  # 480 writes at 72 a minute
    fake.assert_no_violations()


def test_a_600_pr_summarize_passes_the_secondary_limit_and_names_the_prs_left_out(tmp_path):
    from pacing_scenarios import HOME, summarize_wide_run

    from lumina_wave.commands.summarize import PR_COMMENTS_MAX

    load, fake = summarize_wide_run(tmp_path / "fresh", 600)
    assert "summary comment on #1: created" in load.log, load.log
    assert load.refused == 0 and load.writes == 1 + PR_COMMENTS_MAX
    targets = [c.issue_number for c in fake.state.comments.values()]
    assert len(targets) == len(set(targets)) == 1 + PR_COMMENTS_MAX
    (home,) = [c.body for c in fake.state.comments.values() if c.issue_number == HOME]
    assert f"500 of 600 PRs got no comment of their own: at most {PR_COMMENTS_MAX} PRs get a comment" in home
    fake.assert_no_violations()

    # The publishers spent 470 writes in the last ten minutes: 9 PR links fit, the home comment first.
    load, fake = summarize_wide_run(tmp_path / "spent", 600, ledger=470)
    assert load.refused == 0 and load.writes == 1 + 9
    (home,) = [c.body for c in fake.state.comments.values() if c.issue_number == HOME]
    assert "591 of 600 PRs got no comment of their own: GitHub's 500 writes an hour are spent" in home
