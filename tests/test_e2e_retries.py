"""Retries (issue 14, item 2) through every job of the reusable workflow, as the runner drives it.

- ``agent-retries``: the agent step of wave.yml runs a failed agent again in its leg; the leg's
  record (collect's draft, then the publisher's) counts the attempts and the summary shows them.
"""

from __future__ import annotations

from e2e import scenarios
from e2e.checks import check_run
from e2e.driver import Inputs, WaveRun


def test_agent_retries_run_a_failed_agent_again_and_the_record_counts_the_attempts(
    fake_github, fake_origin, tmp_path
):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    agents = {152: {"fail_times": 1}, 154: {"fail_times": 5}}
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=Inputs(agent_retries=2), agents=agents).run()

    check_run(run, {152: "success", 154: "failed", 155: "blocked"})
    records = run.records()
    assert {n: records[n]["attempts"] for n in scenario.issues} == {152: 2, 154: 3, 155: None}
    assert run.legs[152].job.steps["agent"].ok and not run.legs[154].job.steps["agent"].ok
    assert "attempt 2 in 0s" in run.transcript()
    comment = next(
        c.body for c in fake_github.state.comments.values() if c.issue_number == records[152]["pr_number"]
    )
    assert "(2 attempts)" in comment and "(3 attempts)" in comment


def test_without_agent_retries_a_failed_agent_runs_once(fake_github, fake_origin, tmp_path):
    scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    run = WaveRun(
        fake_github, fake_origin[0], tmp_path, inputs=Inputs(), agents={154: {"fail_times": 1}}
    ).run()

    check_run(run, {152: "success", 154: "failed", 155: "blocked"})
    assert {n: r["attempts"] for n, r in run.records().items()} == {152: 1, 154: 1, 155: None}
