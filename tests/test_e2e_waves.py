"""Whole waves through every job of the reusable workflow, against the fake GitHub (issue 6, item 3).

Each run: plan → every leg of every wave (prepare, the scripted agent, finish) → summarize, each
step a real ``entrypoint.py`` process with the runner's variables and files. Every issue ends with
a recorded status, one PR per issue (``Closes #N``), one summary comment per target, and the fake
saw no request or answer outside GitHub's OpenAPI description.
"""

from __future__ import annotations

import json

import pytest
from e2e import scenarios
from e2e.checks import check_run, duplicates
from e2e.driver import WaveRun
from e2e.figures import FIGURES

SCENARIOS = scenarios.ALL


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_whole_wave_leaves_one_pr_per_issue_and_one_summary_per_target(
    name, fake_github, fake_origin, tmp_path
):
    scenario = SCENARIOS[name](fake_github, fake_origin[1])
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs, event=scenario.event).run()

    assert [[e["issue"] for e in wave] for wave in run.waves] == scenario.waves, run.transcript()
    check_run(run, scenario.expected(), comment_on=scenario.comment_on)
    summary = json.loads(run.summarize.steps["summarize"].outputs["summary-json"])
    assert summary["plan_id"] == run.plan_id
    assert run.summarize.steps["summarize"].outputs["failed-count"] == "0"
    # Job timings came from the run's jobs, as GitHub reports them to summarize.
    assert {entry["timing"] for entry in summary["issues"]} == {"job"}
    count = len(scenario.issues)
    assert f"lumina-wave: {count} of {count} issues done" in run.summarize.summary  # the job summary
    FIGURES.record(name, fake_github, [run], duplicates(fake_github, run.plan_id))


def test_legs_of_a_wave_run_at_once_and_dependents_wait(fake_github, fake_origin, tmp_path):
    """Matrix legs overlap in time; a wave starts only after the one before has ended."""
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    agents = {n: {"sleep": 1.0} for n in scenario.issues}
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs, agents=agents).run()
    first, second = (run.legs[152].job, run.legs[154].job), run.legs[155].job
    assert max(j.started for j in first) < min(j.finished for j in first)
    assert second.started >= max(j.finished for j in first)
    check_run(run, scenario.expected())
