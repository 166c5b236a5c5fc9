"""Planted links through the action's entry point (issue 11, item 3): a link where a record, the
plan or a context file goes is refused with one error line naming the path, exit 2, and nothing
is written through it; a leg refused in prepare still ends with a failed record.

Every step runs as root here, so a write through the link would succeed if it were not refused.
"""

from __future__ import annotations

import os
from pathlib import Path

from e2e import scenarios
from e2e.driver import Job, WaveRun
from fakegithub.gitrepo import git


def untouched(outside: Path) -> bool:
    return os.listdir(outside) == ["passwd"] and (outside / "passwd").read_text() == "root:x:0:0\n"


def errors(step) -> list[str]:
    return [line for line in step.stdout.splitlines() if line.startswith("::error")]


def test_an_out_folder_the_agent_replaced_with_a_link_is_refused(fake_github, fake_origin, tmp_path, outside):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    agents = {154: {"link": {".lumina-wave/out": str(outside)}}}
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs, agents=agents).run()

    collect = run.legs[154].job.steps["collect"]
    assert collect.rc == 2, run.transcript()
    out = run.legs[154].job.workspace / ".lumina-wave" / "out"
    (refused,) = errors(collect)
    assert refused.endswith(" is a symbolic link") and str(out) in refused, refused
    assert untouched(outside)
    records = {n: r["status"] for n, r in run.records().items()}
    # #154 left no draft: its publisher records it failed, and #155 is blocked
    assert records == {152: "success", 154: "failed", 155: "blocked"}


def test_a_plan_file_committed_as_a_link_is_refused(fake_github, fake_origin, tmp_path, outside):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    clone = fake_origin[1]
    (clone / ".lumina-wave").mkdir()
    (clone / ".lumina-wave" / "plan.json").symlink_to(outside / "passwd")
    git(clone, "add", ".lumina-wave/plan.json")
    git(clone, "commit", "--quiet", "-m", "A plan.json that is a link")
    git(clone, "push", "--quiet", "origin", "main")
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs).run()

    plan = run.plan.steps["plan"]
    assert plan.rc == 2, run.transcript()
    assert errors(plan) == [
        "::error file=.lumina-wave/plan.json::.lumina-wave/plan.json: not written:"
        " .lumina-wave/plan.json is a symbolic link"
    ]
    assert untouched(outside)
    assert run.legs == {} and run.artifacts.names() == [] and fake_github.state.comments == {}


def test_a_context_file_planted_as_a_link_is_refused_and_the_leg_recorded_failed(
    fake_github, fake_origin, tmp_path, outside
):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])

    def plant(job: Job, issue: int) -> None:
        if issue == 154:  # left by an earlier job on a self-hosted runner's RUNNER_TEMP
            (job.temp / "lumina-wave").mkdir()
            (job.temp / "lumina-wave" / "issue-154.md").symlink_to(outside / "passwd")

    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs, after_checkout=plant).run()

    leg = run.legs[154].job
    prepare = leg.steps["prepare"]
    assert prepare.rc == 2, run.transcript()
    context = leg.temp / "lumina-wave" / "issue-154.md"
    assert errors(prepare) == [
        f"::error file={context}::{context}: not written: {context} is a symbolic link"
    ]
    assert prepare.outputs["skip"] == "true" and "agent" not in leg.steps
    assert untouched(outside)
    records = run.records()
    assert {n: r["status"] for n, r in records.items()} == {152: "success", 154: "failed", 155: "blocked"}
    assert records[154]["error"] == f"{context}: not written: {context} is a symbolic link"
