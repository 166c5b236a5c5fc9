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


def test_what_the_agents_report_they_used_reaches_the_summary_and_the_outputs(
    fake_github, fake_origin, tmp_path
):
    """One agent reports cost and tokens (as the Claude recipe does), one only tokens (as the Codex
    recipe does), one writes a broken usage file: a warning, "—", and the leg still succeeds."""
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    agents = {
        152: {
            "usage": {
                "model": "claude-sonnet-4-5",
                "input_tokens": 21000,
                "cached_tokens": 18000,
                "output_tokens": 1500,
                "cost_usd": 0.0834,
                "turns": 6,
            }
        },
        154: {
            "usage": {
                "model": "gpt-5-codex",
                "input_tokens": 9000,
                "cached_tokens": 4000,
                "output_tokens": 700,
            }
        },
        155: {"usage": '{"cost_usd": NaN}'},
    }
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs, agents=agents).run()
    check_run(run, scenario.expected())
    records = run.records()
    assert records[152]["usage"]["cost_usd"] == 0.0834 and records[154]["usage"]["cost_usd"] is None
    assert records[155]["usage"] is None
    collect_155 = run.legs[155].job.steps["collect"].stdout
    assert "::warning::#155: usage file " in collect_155 and "NaN is not a number" in collect_155
    outputs = run.summarize.steps["summarize"].outputs
    assert (outputs["cost-usd"], outputs["tokens"]) == ("0.0834", str(21000 + 1500 + 9000 + 700))
    total = json.loads(outputs["summary-json"])["usage"]["total"]
    assert (total["reported"], total["cost_usd"], total["cached_tokens"]) == (2, 0.0834, 22000)
    comment = next(c.body for c in fake_github.state.comments.values() if "What it cost" in c.body)
    assert "| **Total** (2 of 3 that ran reported) |  | 30,000 | 22,000 | 2,200 | 6 | $0.08 |" in comment
    assert "· cost **$0.08**" in comment
