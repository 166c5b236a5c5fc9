"""Whole waves with a tenth of GitHub's answers faulted (issue 6, item 4).

502s, dropped connections and secondary rate limits (403 and 429 with ``retry-after``) land on
about 10 % of calls, seeded per operation and call, and the first two PR and comment creations
are answered 502 or dropped *after* GitHub made the object. The runs must still end with every
issue's status recorded, every PR and summary comment present exactly once, and no contract
violation.
"""

from __future__ import annotations

import pytest
from e2e import scenarios
from e2e.checks import check_run, duplicates
from e2e.driver import WaveRun
from e2e.faults import SeededFaults
from e2e.figures import FIGURES

RATE = 0.1
SCENARIOS = scenarios.ALL
CREATES = ("pulls/create", "issues/create-comment")


def faults(seed: int) -> SeededFaults:
    policy = SeededFaults(rate=RATE, seed=seed, retry_after=1)
    for operation in CREATES:
        policy.on(operation, 1, "502", after=True).on(operation, 2, "drop", after=True)
    return policy


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_faulted_wave_ends_with_every_pr_and_comment_exactly_once(name, fake_github, fake_origin, tmp_path):
    scenario = SCENARIOS[name](fake_github, fake_origin[1])
    fake_github.faults = faults(seed=sum(map(ord, name)))
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs, event=scenario.event).run()

    check_run(run, scenario.expected(), comment_on=scenario.comment_on)
    injected = {kind for kind, _ in fake_github.faults.injected}
    assert {"502-after-write", "drop-after-write"} <= injected
    after_write = [r for r in fake_github.requests if r.fault and r.fault.endswith("-after-write")]
    assert {r.operation for r in after_write} >= set(CREATES)
    FIGURES.record(f"{name} (faults)", fake_github, [run], duplicates(fake_github, run.plan_id))


def test_a_pr_whose_creation_never_happened_is_created_on_the_next_attempt(
    fake_github, fake_origin, tmp_path
):
    """A 502 *before* the write: nothing exists, so the leg looks, finds nothing and creates it."""
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    fake_github.faults = SeededFaults().on("pulls/create", 1, "502").on("pulls/create", 2, "drop")
    fake_github.faults.on("issues/create-comment", 1, "502").on("issues/create-comment", 2, "secondary")
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs).run()

    check_run(run, scenario.expected())
    creates = [r.status for r in fake_github.calls("pulls/create")]
    assert creates[:2] == [502, None] and creates.count(201) == 3
    FIGURES.record("lost creates", fake_github, [run], duplicates(fake_github, run.plan_id))


def test_a_rate_limit_asking_for_an_hour_fails_the_leg_with_one_line_and_records_every_issue(
    fake_github, fake_origin, tmp_path
):
    """Past the cap on retry waits (input max-wait, 600 s) nobody sleeps until the job's timeout."""
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    fake_github.faults = SeededFaults(retry_after=3600).on("pulls/create", 1, "429")
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs).run()

    records = run.records()
    assert set(records) == set(scenario.expected())
    failed = [r for r in records.values() if r["status"] == "failed"]
    assert len(failed) == 1
    assert "GitHub asks to wait 3600 s more after a 429 answer" in failed[0]["error"]
    assert "at most 600 s per request (input max-wait)" in failed[0]["error"]
    assert fake_github.calls("pulls/create")[0].status == 429
