"""What a leg may change, through the end-to-end driver: wave.yml's publisher jobs, as the runner drives them.

The luminaguard wave (#152 and #154, then #155 on #154): a leg whose change touches
``.github/workflows/`` ends ``refused`` with the reason, its branch is not pushed and it gets no
PR; ``allowed-paths`` / ``blocked-paths`` set the policy; ``max-prs`` caps the PRs of the run,
counting the PRs that the earlier waves' publishers opened.
"""

from __future__ import annotations

import subprocess

import pytest
from e2e import scenarios
from e2e.driver import Inputs, WaveRun


def run_wave(fake, origin, tmp_path, agents: dict, **inputs: str) -> tuple[WaveRun, dict[int, dict]]:
    scenario = scenarios.luminaguard_manifest(fake, origin[1])
    run = WaveRun(fake, origin[0], tmp_path, inputs=Inputs(**inputs), agents=agents).run()
    records = run.records()
    assert set(records) == set(scenario.issues), run.transcript()
    return run, records


def branches(bare) -> set[str]:
    out = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname:short)", "refs/heads/"],
        cwd=bare,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def pr_issues(fake) -> set[int]:
    return {int(p.head.rsplit("-", 1)[1]) for p in fake.state.pulls.values()}


def assert_refused(run: WaveRun, fake, records: dict, issue: int, why: str) -> None:
    record = records[issue]
    assert (record["status"], record["error"], record["pr_number"], record["commit"]) == (
        "refused",
        why,
        None,
        None,
    )
    assert f"feature/issue-{issue}" not in branches(run.bare)
    assert issue not in pr_issues(fake)
    assert f"::error::#{issue}: refused ({why})" in run.transcript()
    # The summary (the job's, and the comment on every PR opened) shows it with its reason.
    assert run.summarize.steps["summarize"].outputs["failed-count"] != "0"
    for body in [run.summarize.summary, *(c.body for c in fake.state.comments.values())]:
        assert "🛡️ refused" in body and f"refused: {why}" in body, body


WORKFLOW = {".github/workflows/evil.yml": "on: push\njobs: {}\n"}


def test_a_workflow_change_is_refused_by_default_and_nothing_of_it_is_pushed(
    fake_github, fake_origin, tmp_path
):
    run, records = run_wave(fake_github, fake_origin, tmp_path, {152: {"files": WORKFLOW}})
    assert_refused(run, fake_github, records, 152, "workflow change: .github/workflows/evil.yml")
    assert (records[154]["status"], records[155]["status"]) == ("success", "success")
    assert pr_issues(fake_github) == {154, 155}


@pytest.mark.parametrize("allowed", ["**", "work/, .github/"])
def test_a_broad_allowed_path_does_not_let_a_workflow_through(fake_github, fake_origin, tmp_path, allowed):
    run, records = run_wave(
        fake_github, fake_origin, tmp_path, {152: {"files": WORKFLOW}}, allowed_paths=allowed
    )
    assert_refused(run, fake_github, records, 152, "workflow change: .github/workflows/evil.yml")


def test_allowed_paths_naming_the_workflow_folder_lets_the_change_through(fake_github, fake_origin, tmp_path):
    _, records = run_wave(
        fake_github,
        fake_origin,
        tmp_path,
        {152: {"files": WORKFLOW}},
        allowed_paths="work/\n.github/workflows/*.yml",
    )
    assert {n: r["status"] for n, r in records.items()} == dict.fromkeys((152, 154, 155), "success")
    assert pr_issues(fake_github) == {152, 154, 155}


def test_blocked_and_allowed_paths_set_the_policy(fake_github, fake_origin, tmp_path):
    agents = {152: {"files": {"docs/notes.md": "x\n"}}, 154: {"files": {"src/app.py": "x = 1\n"}}}
    run, records = run_wave(
        fake_github, fake_origin, tmp_path, agents, allowed_paths="work/**, docs/*.md", blocked_paths="docs/"
    )
    assert_refused(run, fake_github, records, 152, "blocked path: docs/notes.md")
    assert_refused(run, fake_github, records, 154, "outside allowed-paths: src/app.py")
    assert records[155]["status"] == "blocked"  # its dependency #154 is not done


def test_max_prs_counts_the_prs_of_the_earlier_waves(fake_github, fake_origin, tmp_path):
    run, records = run_wave(fake_github, fake_origin, tmp_path, {}, max_prs="2")
    assert (records[152]["status"], records[154]["status"]) == ("success", "success")
    # wave 2's publisher is another job: it counts wave 1's PRs from their records
    assert_refused(run, fake_github, records, 155, "max-prs: this run opened 2 PRs already (max-prs 2)")
    assert pr_issues(fake_github) == {152, 154}


def test_a_re_run_keeps_the_prs_it_opened_within_max_prs(fake_github, fake_origin, tmp_path):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    run = WaveRun(
        fake_github, fake_origin[0], tmp_path, inputs=Inputs(max_prs="3"), agents={155: {"fail": True}}
    ).run()
    assert run.records()[155]["status"] == "failed"
    run.agents = {}
    run.rerun_failed()
    assert {n: r["status"] for n, r in run.records().items()} == scenario.expected(), run.transcript()
    assert pr_issues(fake_github) == {152, 154, 155}
