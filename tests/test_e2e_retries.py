"""Retries (issue 14, item 2) through every job of the reusable workflow, as the runner drives it.

- ``agent-retries``: the agent step of wave.yml runs a failed agent again in its leg; the leg's
  record (collect's draft, then the publisher's) counts the attempts and the summary shows them.
- ``retry``: a run of the same plan that works the chosen issues and their dependents only,
  keeps the other records, and edits the plan's summary comment; without ``previous-run-id`` it
  finds the earlier run from that comment.
"""

from __future__ import annotations

import json
from dataclasses import replace

from e2e import scenarios
from e2e.checks import check_run
from e2e.driver import Inputs


def test_agent_retries_run_a_failed_agent_again_and_the_record_counts_the_attempts(
    wave_run, fake_github, fake_origin
):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    agents = {152: {"fail_times": 1}, 154: {"fail_times": 5}}
    run = wave_run(inputs=Inputs(agent_retries=2), agents=agents).run()

    check_run(run, {152: "success", 154: "failed", 155: "blocked"})
    records = run.records()
    assert {n: records[n]["attempts"] for n in scenario.issues} == {152: 2, 154: 3, 155: None}
    assert run.legs[152].job.steps["agent"].ok and not run.legs[154].job.steps["agent"].ok
    assert "attempt 2 in 0s" in run.transcript()
    comment = next(
        c.body for c in fake_github.state.comments.values() if c.issue_number == records[152]["pr_number"]
    )
    assert "(2 attempts)" in comment and "(3 attempts)" in comment


def test_without_agent_retries_a_failed_agent_runs_once(wave_run, fake_github, fake_origin):
    scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    run = wave_run(inputs=Inputs(), agents={154: {"fail_times": 1}}).run()

    check_run(run, {152: "success", 154: "failed", 155: "blocked"})
    assert {n: r["attempts"] for n, r in run.records().items()} == {152: 1, 154: 1, 155: None}


def _summary_comment(fake, target: int):
    (comment,) = (c for c in fake.state.comments.values() if c.issue_number == target)
    return comment


def test_retry_failed_re_runs_the_failed_and_blocked_issues_and_edits_the_same_summary(
    wave_run, fake_github, fake_origin
):
    """The acceptance test: #154 fails and blocks #155; "retry failed" from the issue (no run id,
    as a ``/wave retry`` comment starts it) finds the run from the summary comment on #155, runs
    legs for #154 and #155 only, keeps #152's record, and edits that one comment to cover all three."""
    scenario = scenarios.luminaguard_labels(fake_github, fake_origin[1])
    first = wave_run(inputs=scenario.inputs, event=scenario.event, agents={154: {"fail": True}}).run()
    check_run(first, {152: "success", 154: "failed", 155: "blocked"}, comment_on=scenario.comment_on)
    before = _summary_comment(fake_github, 155)
    before_id, before_body = before.id, before.body  # the fake edits the comment object in place
    assert "<!-- lumina-wave:run 7001 -->" in before_body and "1 of 3 issues done" in before_body

    retry = wave_run(
        inputs=replace(scenario.inputs, retry="failed"),
        event=scenario.event,
        run_id=7002,
        earlier={7001: first},
    ).run()

    assert sorted(retry.legs) == [154, 155], retry.transcript()  # no leg for #152
    assert retry.plan_id == first.plan_id
    check_run(retry, scenario.expected(), comment_on=scenario.comment_on)
    assert retry.records()[152] == first.records()[152]  # kept as it was
    after = _summary_comment(fake_github, 155)
    assert after.id == before_id and after.body != before_body  # the same comment, edited
    assert "3 of 3 issues done" in after.body
    assert "<!-- lumina-wave:run 7002 -->" in after.body
    assert all(f"#{n}" in after.body for n in scenario.issues)
    summary = json.loads(retry.summarize.steps["summarize"].outputs["summary-json"])
    assert {e["issue"]: e["status"] for e in summary["issues"]} == scenario.expected()
    assert retry.summarize.steps["summarize"].outputs["failed-count"] == "0"


def test_retry_of_listed_issues_from_a_dispatch_runs_their_dependents_too(wave_run, fake_github, fake_origin):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    first = wave_run(inputs=Inputs()).run()
    check_run(first, scenario.expected())
    agents = {n: {"text": "second pass"} for n in scenario.issues}
    retry = wave_run(
        inputs=Inputs(retry="154", previous_run_id="7001"), agents=agents, run_id=7002, earlier={7001: first}
    ).run()

    assert [[e["issue"] for e in wave] for wave in retry.waves] == [[154], [155]]
    check_run(retry, scenario.expected())
    assert retry.records()[152] == first.records()[152]
    assert retry.records()[155]["commit"] != first.records()[155]["commit"]


def test_retry_with_no_earlier_run_to_find_is_one_line_of_bad_input(wave_run, fake_github, fake_origin):
    scenario = scenarios.luminaguard_labels(fake_github, fake_origin[1])
    run = wave_run(inputs=replace(scenario.inputs, retry="failed"), event=scenario.event).run()

    step = run.plan.steps["previous"]
    assert step.rc == 2 and "plan" not in run.plan.steps
    (line,) = [line for line in step.stdout.splitlines() if line.startswith("lumina-wave: error:")]
    assert "Traceback" not in step.stdout + step.stderr
    assert "no earlier run to retry, no lumina-wave summary comment on #155 names one" in line
    assert not run.legs and run.summarize is None
    assert not [c for c in fake_github.calls() if c.method != "GET"]


def test_a_retry_of_a_later_wave_alone_runs_it_in_the_first_slot(wave_run, fake_github, fake_origin):
    """GitHub refuses an empty matrix: a retry's slots skip the waves it works nothing in, and the
    publisher of slot 1 publishes plan wave 2."""
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    first = wave_run(inputs=Inputs()).run()
    retry = wave_run(
        inputs=Inputs(retry="155", previous_run_id="7001"),
        agents={155: {"text": "second pass"}},
        run_id=7002,
        earlier={7001: first},
    ).run()

    assert retry.plan.steps["plan"].outputs["wave-count"] == "1"
    assert [[e["issue"] for e in wave] for wave in retry.waves] == [[155]]
    assert sorted(retry.legs) == [155] and sorted(retry.publishers) == [1]
    check_run(retry, scenario.expected())
    records = retry.records()
    assert records[155]["wave"] == 2 and records[155]["commit"] != first.records()[155]["commit"]
    assert {n: records[n] for n in (152, 154)} == {n: first.records()[n] for n in (152, 154)}
