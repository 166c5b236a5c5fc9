"""Shallow legs and publishers (issue 18): wave.yml checks legs and publishers out at depth 1; prepare
and publish fetch only what they need.

The driver clones each leg's workspace as deep as wave.yml's checkout step says (depth 1, over
file:// so that git honours the depth). The origin here has history a leg must not download: 30
commits on main and a side branch forked from the first one, whose history a plain fetch of every
branch would bring into a shallow clone whole.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from e2e import scenarios
from e2e.checks import check_run, open_prs
from e2e.driver import Inputs, WaveRun, workflow_facts
from fakegithub.gitrepo import git

HISTORY = 30  # commits on main before the wave


@pytest.fixture
def deep_origin(fake_origin: tuple[Path, Path]) -> str:
    """Give the origin history; returns the side branch's tip, which no leg needs."""
    _, clone = fake_origin
    first = git(clone, "rev-parse", "HEAD")
    move_main(clone, HISTORY, "history.txt", "history")
    git(clone, "checkout", "--quiet", "-b", "side", first)
    (clone / "side.txt").write_text("side\n")
    git(clone, "add", "side.txt")
    git(clone, "commit", "--quiet", "-m", "side work")
    git(clone, "push", "--quiet", "origin", "side")
    git(clone, "checkout", "--quiet", "main")
    return git(clone, "rev-parse", "side")


def has(workspace: Path, commit: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", commit], cwd=workspace).returncode == 0


def history(workspace: Path) -> int:
    """Commits the clone holds (all refs)."""
    return int(git(workspace, "rev-list", "--count", "--all"))


def shallow(workspace: Path) -> bool:
    return git(workspace, "rev-parse", "--is-shallow-repository") == "true"


def bare(run: WaveRun, *args: str) -> str:
    return git(run.bare, *args)


def move_main(clone: Path, commits: int, file: str = "moved.txt", message: str = "main moves") -> None:
    """``commits`` new commits on main, each changing ``file``, pushed to origin."""
    for i in range(commits):
        (clone / file).write_text(f"{i}\n")
        git(clone, "add", file)
        git(clone, "commit", "--quiet", "-m", f"{message} {i}")
    git(clone, "push", "--quiet", "origin", "main")


def test_the_workflow_checks_legs_and_publishers_out_at_depth_1():
    depths = workflow_facts().fetch_depth
    slots = range(1, workflow_facts().slots + 1)
    assert {depths[f"{job}-{k}"] for k in slots for job in ("wave", "publish")} == {1}
    assert "summarize" not in depths  # no checkout


def test_a_depth_1_leg_fetches_only_the_tips_it_needs(fake_github, fake_origin, deep_origin, tmp_path):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs).run()

    check_run(run, scenario.expected())
    for issue, leg in run.legs.items():
        workspace = leg.job.workspace
        assert shallow(workspace), run.transcript()
        assert history(workspace) <= 2, f"#{issue} fetched history it does not need"  # main's tip, its commit
        assert not has(workspace, deep_origin)
    # The publisher pushed each branch whole on origin: its commit's parent is main's tip there.
    main = bare(run, "rev-parse", "main")
    assert bare(run, "rev-parse", "feature/issue-155^") == main
    for k, publisher in run.publishers.items():
        assert shallow(publisher.workspace), run.transcript()
        # main's tip, the wave's pushed commits: no history
        assert history(publisher.workspace) <= 1 + len(run.waves[k - 1]), f"publisher {k}"
        assert not has(publisher.workspace, deep_origin)


def test_a_shallow_publisher_fetches_the_base_its_legs_started_from_when_the_base_moved(
    fake_github, fake_origin, deep_origin, tmp_path
):
    """main moves on by 12 commits after wave 1's legs started and before their publisher: the
    bundles build on main's old tip, which the publisher's depth-1 checkout lacks. It fetches
    that commit and deepens main down to it, pushes each branch whole, and fetches no more."""
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    _, clone = fake_origin
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs)
    publish = run._publish
    started_from = bare(run, "rev-parse", "main")

    def main_moves_before_publisher_1(k: int) -> None:
        if k == 1:
            move_main(clone, 12)
        publish(k)

    run._publish = main_moves_before_publisher_1
    run.run()

    check_run(run, scenario.expected())
    wave_1 = [e["issue"] for e in run.waves[0]]
    for issue in wave_1:
        assert bare(run, "rev-parse", f"feature/issue-{issue}^") == started_from
    publisher = run.publishers[1].workspace
    assert shallow(publisher), run.transcript()
    assert has(publisher, started_from)
    assert history(publisher) < HISTORY, "the publisher fetched the whole history"
    assert not has(publisher, deep_origin)
    # wave 2 started from main's new tip; its publisher needed nothing older
    assert history(run.publishers[2].workspace) <= 1 + len(run.waves[1])


def test_a_stacked_leg_on_a_shallow_clone_merges_its_dependencies(
    fake_github, fake_origin, deep_origin, tmp_path
):
    """A diamond, stacked, while main moves on by 20 commits between the waves: #3 merges the
    branches of #1 and #2, whose merge base lies 21 commits below main's tip."""
    _, clone = fake_origin
    (clone / ".github").mkdir()
    (clone / ".github" / "waves.yml").write_text(
        "version: 1\nissues:\n  - {number: 1, title: One}\n  - {number: 2, title: Two}\n"
        "  - {number: 3, title: Three, depends_on: [1, 2]}\n"
    )
    git(clone, "add", ".github/waves.yml")
    git(clone, "commit", "--quiet", "-m", "Add the wave manifest")
    git(clone, "push", "--quiet", "origin", "main")
    for n in (1, 2, 3):
        fake_github.state.add_issue(n, title=("One", "Two", "Three")[n - 1])
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=Inputs(stack=True))
    wave = run._wave

    def main_moves_after_wave_1(k: int, issues: list[int]) -> None:
        wave(k, issues)
        if k == 1:
            move_main(clone, 20)

    run._wave = main_moves_after_wave_1
    run.run()

    check_run(run, {1: "success", 2: "success", 3: "success"})
    records = run.records()
    head = records[3]["commit"]
    for dep in (1, 2):
        assert bare(run, "merge-base", "--is-ancestor", records[dep]["commit"], head) == ""
    assert records[3]["base"] == "main"  # two dependencies: a merge of both, PR against the base
    workspace = run.legs[3].job.workspace
    assert shallow(workspace), run.transcript()
    assert history(workspace) < HISTORY + 20, "the stacked leg fetched the whole history"
    assert not has(workspace, deep_origin)
    assert (workspace / "work" / "issue-1.txt").is_file() and (workspace / "work" / "issue-2.txt").is_file()
    # wave 1's publisher got bundles built on main's tip of before the move; wave 2's on the
    # branches of #1 and #2, whose merge base with main it fetched as prepare did
    for publisher in run.publishers.values():
        assert shallow(publisher.workspace), run.transcript()
        assert history(publisher.workspace) < HISTORY + 20, "a publisher fetched the whole history"
        assert not has(publisher.workspace, deep_origin)


def test_a_shallow_leg_updates_its_existing_branch(fake_github, fake_origin, deep_origin, tmp_path):
    """A second run of the wave: each leg's branch exists on origin from the first run; the
    depth-1 leg pushes its new commit over it (the lease is the tip it fetched)."""
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    first = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs).run()
    check_run(first, scenario.expected())
    before, prs = first.records(), open_prs(fake_github)
    agents = {n: {"text": "second pass"} for n in scenario.issues}
    second = WaveRun(
        fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs, agents=agents, run_id=7002
    ).run()

    check_run(second, scenario.expected())
    assert open_prs(fake_github) == prs
    after = second.records()
    for issue, leg in second.legs.items():
        assert shallow(leg.job.workspace), second.transcript()
        assert after[issue]["commit"] != before[issue]["commit"]
        text = bare(second, "show", f"feature/issue-{issue}:work/issue-{issue}.txt")
        assert text.endswith("second pass")
