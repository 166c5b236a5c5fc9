"""Re-runs and races (issue 6, item 5): nothing is made twice.

- The whole wave run again (a new workflow run) reuses every branch, PR and comment: the PRs
  and comments are updated in place, none is added.
- Two ``summarize`` jobs whose processes start together leave one comment per target.
- "Re-run failed jobs" after a failed leg, whose agent now succeeds, turns that leg, its PR and
  the summary green.
"""

from __future__ import annotations

from e2e import scenarios
from e2e.checks import check_run, duplicates, open_prs
from e2e.driver import RESULT_ARTIFACT, Inputs, workflow_facts
from e2e.faults import SeededFaults
from e2e.figures import FIGURES


def comment_state(fake) -> dict[int, tuple[int, str]]:
    """Comment id -> (issue, body)."""
    return {c.id: (c.issue_number, c.body) for c in fake.state.comments.values()}


def test_running_the_whole_wave_twice_updates_and_adds_nothing(wave_run, fake_github, fake_origin):
    scenario = scenarios.luminaguard_labels(fake_github, fake_origin[1])
    first = wave_run(inputs=scenario.inputs, event=scenario.event).run()
    check_run(first, scenario.expected(), comment_on=scenario.comment_on)
    prs, comments = open_prs(fake_github), comment_state(fake_github)
    agents = {n: {"text": "second pass"} for n in scenario.issues}
    second = wave_run(inputs=scenario.inputs, event=scenario.event, agents=agents, run_id=7002).run()

    check_run(second, scenario.expected(), comment_on=scenario.comment_on)
    assert second.plan_id == first.plan_id
    assert open_prs(fake_github) == prs
    assert len(fake_github.state.pulls) == len(prs)  # none opened and closed meanwhile either
    assert set(comment_state(fake_github)) == set(comments)
    after = comment_state(fake_github)
    # The home comment (#155) is edited; each PR's link to it reads the same and is not rewritten.
    assert {after[i][0] for i, (_, body) in comments.items() if after[i][1] != body} == {155}
    assert "/actions/runs/7002" in next(body for issue, body in after.values() if issue == 155)
    assert [r.status for r in fake_github.calls("pulls/update")] == [200] * 3
    FIGURES.record("whole wave twice", fake_github, [first, second], duplicates(fake_github, first.plan_id))


def test_two_summarize_jobs_at_once_leave_one_comment_per_target(wave_run, fake_github, fake_origin):
    scenario = scenarios.luminaguard_labels(fake_github, fake_origin[1])
    run = wave_run(inputs=scenario.inputs, event=scenario.event)
    run.run(summarize=False)
    run.base_env.pop("LUMINA_WAVE_VIRTUAL_CLOCK")  # the race needs a wait that takes real time
    # The first creation is held back a second by a rate limit: the other job lists, finds no
    # comment and creates one meanwhile, so both create on that target. They must settle on one.
    fake_github.faults = SeededFaults().on("issues/create-comment", 1, "429")
    jobs = run.summarize_together(2)

    assert [j.steps["summarize"].rc for j in jobs] == [0, 0], run.transcript()
    check_run(run, scenario.expected(), comment_on=scenario.comment_on)
    created = [r for r in fake_github.calls("issues/create-comment") if r.status == 201]
    # 4 targets, #155's comment made by the plan job: at least one was created twice, then settled.
    assert len(created) > 4
    assert fake_github.calls("issues/delete-comment")
    FIGURES.record(
        "two summarize at once", fake_github, [run], duplicates(fake_github, run.plan_id), stable=False
    )


def test_a_failed_leg_re_run_green_turns_its_pr_and_the_summary_green(wave_run, fake_github, fake_origin):
    # A re-run attempt's record replaces the first one's only with wave.yml's `overwrite: true`
    # (upload-artifact answers 409 Conflict otherwise); the driver applies what the file says.
    assert workflow_facts().overwrite[RESULT_ARTIFACT]
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    run = wave_run(inputs=Inputs(pr_on_failure=True), agents={154: {"fail": True}}).run()
    check_run(
        run,
        {152: "success", 154: "failed", 155: "blocked"},
        pr_statuses=frozenset({"success", "failed"}),
    )
    failed_pr = run.records()[154]["pr_number"]
    (comment,) = [c for c in fake_github.state.comments.values() if c.issue_number == failed_pr]
    assert "❌ lumina-wave: 1 of 3 issues done" in comment.body

    run.agents[154] = {}
    run.rerun_failed()

    assert sorted(run.legs) == [152, 154, 155] and run.attempt == 2
    check_run(run, scenario.expected())
    assert run.records()[154]["pr_number"] == failed_pr
    (again,) = [c for c in fake_github.state.comments.values() if c.issue_number == failed_pr]
    assert again.id == comment.id and "✅ lumina-wave: 3 of 3 issues done" in again.body
    FIGURES.record("failed leg re-run", fake_github, [run], duplicates(fake_github, run.plan_id))
