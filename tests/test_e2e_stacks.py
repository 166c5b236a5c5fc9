"""``stack: true`` registers GitHub native stacks, through the end-to-end driver and the fake GitHub.

The wave: #11 → #12 → #13 is a line; #14 also builds on #11 (a fork: #11 already has #12 on
top); #15 needs #12 and #14 (a diamond: a merge of two branches, based on main).
"""

from __future__ import annotations

import json
import subprocess

import pytest
from e2e.driver import Inputs, WaveRun

MANIFEST = """version: 1
defaults:
  base: main
issues:
  - {number: 11, title: Storage layer}
  - {number: 12, title: Storage API, depends_on: [11]}
  - {number: 13, title: Storage CLI, depends_on: [12]}
  - {number: 14, title: Storage metrics, depends_on: [11]}
  - {number: 15, title: Storage dashboard, depends_on: [12, 14]}
"""


@pytest.fixture
def stacked(fake_github, fake_origin):
    clone = fake_origin[1]
    for n in range(11, 16):
        fake_github.state.add_issue(n, title=f"issue {n}")
    (clone / ".github").mkdir(exist_ok=True)
    (clone / ".github" / "waves.yml").write_text(MANIFEST)
    for args in (
        ["add", ".github/waves.yml"],
        ["commit", "-qm", "manifest"],
        ["push", "-q", "origin", "main"],
    ):
        subprocess.run(["git", *args], cwd=clone, check=True, capture_output=True)
    return fake_github


def pr_of(fake, issue: int) -> int:
    (number,) = (n for n, pr in fake.state.pulls.items() if pr.head == f"feature/issue-{issue}")
    return number


def summary_of(run: WaveRun) -> tuple[dict, str]:
    outputs = run.summarize.steps["summarize"].outputs
    comment = next(c.body for c in run.fake.state.comments.values() if "Merge order" in c.body)
    return json.loads(outputs["summary-json"]), comment


def test_a_line_becomes_one_native_stack_and_the_rest_say_why_not(stacked, fake_origin, tmp_path):
    run = WaveRun(stacked, fake_origin[0], tmp_path, inputs=Inputs(stack=True)).run()
    assert {n: r["status"] for n, r in run.records().items()} == dict.fromkeys(range(11, 16), "success")
    line = [pr_of(stacked, n) for n in (11, 12, 13)]
    (stack,) = stacked.state.stacks.values()
    assert stack.pulls == line
    data, comment = summary_of(run)
    assert data["stacks"]["stacks"] == [{"number": stack.number, "pull_requests": line}]
    reasons = {entry["issue"]: entry["reason"] for entry in data["stacks"]["not_stacked"]}
    assert reasons == {
        14: "#11 already has #12 on top in its stack",
        15: "depends on #12, #14: a stack is one line of PRs, so its PR is based on main",
    }
    assert f"- [ ] #{line[1]} (issue #12) · stack {stack.number}" in comment
    assert f"- stack {stack.number}: #{line[0]} → #{line[1]} → #{line[2]}" in comment
    assert "- #15 is not in a stack: depends on #12, #14: a stack is one line of PRs" in comment
    # One look-up and one create per line of PRs: the API calls stacking adds to summarize.
    assert [len(stacked.calls(f"pull-request-stacks/{op}")) for op in ("list", "create", "add")] == [1, 1, 0]
    # A second summarize (a re-run) finds the stack and leaves it as it is.
    creates = len(stacked.calls("pull-request-stacks/create"))
    run._summarize_job("summarize-again")
    assert len(stacked.calls("pull-request-stacks/create")) == creates == 1
    assert not stacked.calls("pull-request-stacks/add")


def test_the_stack_grows_when_a_re_run_finishes_the_line(stacked, fake_origin, tmp_path):
    run = WaveRun(
        stacked, fake_origin[0], tmp_path, inputs=Inputs(stack=True), agents={13: {"fail": True}}
    ).run()
    (stack,) = stacked.state.stacks.values()
    assert stack.pulls == [pr_of(stacked, 11), pr_of(stacked, 12)]
    run.agents = {}
    run.rerun_failed()
    assert run.records()[13]["status"] == "success"
    assert stacked.state.stacks[stack.number].pulls == [pr_of(stacked, n) for n in (11, 12, 13)]
    assert len(stacked.calls("pull-request-stacks/add")) == 1
    assert len(stacked.calls("pull-request-stacks/create")) == 1


@pytest.mark.parametrize("status", [404, 403])
def test_without_native_stacks_the_branches_stay_stacked_and_the_summary_says_so(
    stacked, fake_origin, tmp_path, status
):
    stacked.state.stacks_refused = status
    run = WaveRun(stacked, fake_origin[0], tmp_path, inputs=Inputs(stack=True)).run()
    assert {n: r["status"] for n, r in run.records().items()} == dict.fromkeys(range(11, 16), "success")
    assert stacked.state.pulls[pr_of(stacked, 12)].base == "feature/issue-11"  # still stacked
    assert stacked.state.pulls[pr_of(stacked, 13)].base == "feature/issue-12"
    assert not stacked.state.stacks
    data, comment = summary_of(run)
    assert data["stacks"]["stacks"] == [] and f"GitHub answered {status}" in data["stacks"]["unavailable"]
    assert (
        "GitHub's native stacks are not available here, so none was made; the branches stay stacked"
        in comment
    )
    assert run.summarize.steps["summarize"].rc == 0


def test_without_stack_no_stacks_call_is_made(stacked, fake_origin, tmp_path):
    run = WaveRun(stacked, fake_origin[0], tmp_path, inputs=Inputs()).run()
    assert all(r["status"] == "success" for r in run.records().values())
    assert not [r for r in stacked.requests if (r.operation or "").startswith("pull-request-stacks/")]
    data, comment = summary_of(run)
    assert "stacks" not in data and "Native stacks" not in comment
