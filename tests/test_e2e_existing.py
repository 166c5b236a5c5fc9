"""Never lose work on the GitHub path (issue 14, items 1, 4 and 8), through whole workflow runs.

- A reviewer's commit on a PR branch survives a second full run: ``existing-branch: continue``
  builds on it and updates the PR, ``restart`` keeps it under a backup ref on origin that the
  record and the summary name, ``skip`` leaves the issue alone with its PR.
- A merged PR's issue is skipped; a commit pushed while the legs ran is never pushed over.
- A PR once created stays in the record (a label GitHub refuses with 422 is a warning beside it).
- The fault matrix: API faults at each write, a rejected push, kill -9 of the publish step.
  For each: 0 lost commits, 0 duplicate PRs or comments, every issue with a recorded status.
  The counts go into ``docs/reliability.md`` (:data:`e2e.figures.KEEP_FIGURES`).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from e2e import scenarios
from e2e.checks import branch_sha, check_run, duplicates, open_prs
from e2e.driver import WaveRun
from e2e.faults import SeededFaults
from e2e.figures import KEEP_FIGURES, KeepFigure
from fakegithub.gitrepo import git

from lumina_wave.plan import branch_name

SECOND = {n: {"text": "second pass"} for n in scenarios.LUMINAGUARD}
ALL_DONE = dict.fromkeys(scenarios.LUMINAGUARD, "success")


def review(clone: Path, branch: str) -> str:
    """A reviewer's commit pushed (never forced) onto ``branch`` of origin (from main when new)."""
    git(clone, "fetch", "--quiet", "origin")
    exists = git(clone, "branch", "--remotes", "--list", f"origin/{branch}")
    git(clone, "checkout", "--quiet", "-B", branch, f"origin/{branch}" if exists else "origin/main")
    path = clone / f"review-{branch.rsplit('-', 1)[1]}.txt"
    path.write_text(f"a reviewer's fix on {branch}\n")
    git(clone, "add", path.name)
    git(clone, "commit", "--quiet", "-m", "Reviewer's fix")
    git(clone, "push", "--quiet", "origin", f"{branch}:refs/heads/{branch}")
    return git(clone, "rev-parse", "HEAD")


def contains(bare: Path, commit: str, branch: str) -> bool:
    done = subprocess.run(["git", "--git-dir", str(bare), "merge-base", "--is-ancestor", commit, branch])
    return done.returncode == 0


def backups(bare: Path, issue: int) -> dict[str, str]:
    out = git(
        bare, "for-each-ref", "--format=%(refname) %(objectname)", f"refs/lumina-wave/backup/issue-{issue}/"
    )
    return dict(line.split(" ", 1) for line in out.splitlines())


@dataclasses.dataclass
class Ledger:
    """Lost commits across the runs of one test: after each run, every commit its records name
    and every commit of others so far must be reachable from a ref of origin."""

    bare: Path
    others: list[str] = dataclasses.field(default_factory=list)
    runs: list[WaveRun] = dataclasses.field(default_factory=list)
    lost: int = 0

    def after(self, run: WaveRun) -> None:
        self.runs.append(run)
        shas = {r["commit"] for r in run.records().values() if r["commit"]} | set(self.others)
        self.lost += sum(not git(self.bare, "for-each-ref", "--contains", sha) for sha in shas)

    def figure(self, fault: str) -> None:
        last = self.runs[-1]
        unrecorded = len(set(scenarios.LUMINAGUARD) - set(last.records()))
        dups = duplicates(last.fake, last.plan_id)
        attempts = sum(r.attempt for r in self.runs)
        KEEP_FIGURES.record(KeepFigure(fault, attempts, self.lost, dups, unrecorded))
        assert (self.lost, dups, unrecorded) == (0, 0, 0)


def summary_text(fake, pr: int) -> str:
    (comment,) = [c for c in fake.state.comments.values() if c.issue_number == pr]
    return comment.body


def first_run(fake_github, fake_origin, tmp_path) -> tuple[scenarios.Scenario, Ledger, WaveRun]:
    """The LuminaGuard manifest's wave, run once, all done, in a new ledger."""
    bare, clone = fake_origin
    scenario = scenarios.luminaguard_manifest(fake_github, clone)
    ledger = Ledger(bare)
    first = WaveRun(fake_github, bare, tmp_path, inputs=scenario.inputs).run()
    check_run(first, ALL_DONE)
    ledger.after(first)
    return scenario, ledger, first


@pytest.mark.parametrize("mode", ["continue", "restart", "skip"])
def test_a_reviewers_commit_survives_a_second_run_as_existing_branch_says(
    mode, fake_github, fake_origin, tmp_path
):
    bare, clone = fake_origin
    scenario, ledger, _ = first_run(fake_github, fake_origin, tmp_path)
    prs, branch = open_prs(fake_github), branch_name(154)
    ledger.others.append(fix := review(clone, branch))

    inputs = dataclasses.replace(scenario.inputs, existing_branch=mode)
    second = WaveRun(fake_github, bare, tmp_path, inputs=inputs, agents=SECOND, run_id=7002).run()

    records = second.records()
    pr = records[154]["pr_number"]
    if mode == "continue":
        check_run(second, ALL_DONE)
        assert contains(bare, fix, branch) and records[154]["commit"] != fix
        assert "Lumina-Wave-Issue: 154" in git(bare, "log", "-1", "--format=%B", records[154]["commit"])
        assert "builds on it" in second.legs[154].job.steps["prepare"].stdout
    elif mode == "restart":
        check_run(second, ALL_DONE)
        assert not contains(bare, fix, branch)
        assert backups(bare, 154) == {records[154]["backup_ref"]: fix}
        assert records[154]["backup_ref"] in records[154]["warnings"][0]
        assert records[154]["backup_ref"] in summary_text(fake_github, pr)
    else:
        check_run(second, {**ALL_DONE, 154: "skipped"}, pr_statuses=frozenset({"success", "skipped"}))
        assert branch_sha(bare, branch) == fix == records[154]["commit"]
        assert "left alone (existing-branch: skip)" in records[154]["error"]
        assert "agent" not in second.legs[154].job.steps  # prepare skipped it
        assert "Left alone" in summary_text(fake_github, pr)
    assert open_prs(fake_github) == prs  # the same PRs, updated
    assert not backups(bare, 152)  # lumina-wave's own commits need no backup
    ledger.after(second)
    ledger.figure(f"reviewer's commit, then a second run ({mode})")


def test_a_merged_prs_issue_is_skipped(fake_github, fake_origin, tmp_path):
    bare, clone = fake_origin
    scenario, ledger, first = first_run(fake_github, fake_origin, tmp_path)
    merged = first.records()[152]["pr_number"]
    git(clone, "fetch", "--quiet", "origin")
    git(clone, "checkout", "--quiet", "-B", "main", "origin/main")
    git(clone, "merge", "--quiet", "--no-ff", "-m", "Merge the PR of #152", f"origin/{branch_name(152)}")
    git(clone, "push", "--quiet", "origin", "main")
    fake_github.state.merge_pull(merged)

    second = WaveRun(fake_github, bare, tmp_path, inputs=scenario.inputs, agents=SECOND, run_id=7002).run()

    # The merged PR keeps the first run's summary comment; no PR is opened for #152 again.
    check_run(second, {**ALL_DONE, 152: "skipped"}, comment_on=(merged,))
    record = second.records()[152]
    assert f"PR #{merged} of this branch was merged" in record["error"] and record["pr_number"] is None
    assert [n for n, p in fake_github.state.pulls.items() if p.head == branch_name(152)] == [merged]
    ledger.after(second)
    ledger.figure("merged PR, then a second run")


@pytest.mark.parametrize("mode", ["continue", "restart"])
def test_a_commit_pushed_while_the_legs_ran_is_not_pushed_over(mode, fake_github, fake_origin, tmp_path):
    bare, clone = fake_origin
    scenario = scenarios.luminaguard_manifest(fake_github, clone)
    ledger = Ledger(bare)
    inputs = dataclasses.replace(scenario.inputs, existing_branch=mode)
    run = WaveRun(fake_github, bare, tmp_path, inputs=inputs)
    run.before_publish = lambda k: ledger.others.append(review(clone, branch_name(152))) if k == 1 else None
    run.run()
    ledger.after(run)
    (fix,) = ledger.others
    record = run.records()[152]
    if mode == "continue":
        check_run(run, {**ALL_DONE, 152: "failed"})
        assert "pushed after the leg started" in record["error"]
        assert branch_sha(bare, branch_name(152)) == fix
        assert list(backups(bare, 152).values()) == [record["commit"]]  # the leg's commit, kept
        again = WaveRun(fake_github, bare, tmp_path, inputs=inputs, agents=SECOND, run_id=7002).run()
        check_run(again, ALL_DONE)
        assert contains(bare, fix, branch_name(152))
        ledger.after(again)
    else:
        check_run(run, ALL_DONE)
        assert backups(bare, 152) == {record["backup_ref"]: fix}
    ledger.figure(f"reviewer's commit mid-run ({mode})")


def test_a_label_github_refuses_keeps_the_pr_in_the_record(fake_github, fake_origin, tmp_path):
    bare, clone = fake_origin
    scenario = scenarios.luminaguard_manifest(fake_github, clone)
    ledger = Ledger(bare)
    inputs = dataclasses.replace(scenario.inputs, pr_labels="x" * 51)  # over GitHub's 50: 422
    run = WaveRun(fake_github, bare, tmp_path, inputs=inputs).run()

    check_run(run, ALL_DONE)  # every PR recorded, in the summary and commented; #155 not blocked
    assert {r.status for r in fake_github.calls("issues/add-labels")} == {422}
    for record in run.records().values():
        assert record["pr_number"] and "labelling PR" in record["warnings"][0]
        assert "### Warnings" in summary_text(fake_github, record["pr_number"])
    ledger.after(run)
    ledger.figure("label refused (422)")


WRITES = (
    "pulls/create",
    "pulls/update",
    "issues/add-labels",
    "issues/create-comment",
    "issues/update-comment",
)


@pytest.mark.parametrize("operation", WRITES)
def test_an_api_fault_at_each_write_loses_and_doubles_nothing(operation, fake_github, fake_origin, tmp_path):
    """The first two calls of ``operation`` (over two runs) answer 502 and drop the connection
    after GitHub acted."""
    bare, clone = fake_origin
    scenario = scenarios.luminaguard_manifest(fake_github, clone)
    fake_github.faults = (
        SeededFaults().on(operation, 1, "502", after=True).on(operation, 2, "drop", after=True)
    )
    inputs = dataclasses.replace(scenario.inputs, pr_labels="lumina")
    ledger = Ledger(bare)
    for run_id, agents in ((7001, {}), (7002, SECOND)):
        run = WaveRun(fake_github, bare, tmp_path, inputs=inputs, agents=agents, run_id=run_id).run()
        check_run(run, ALL_DONE)
        ledger.after(run)
    assert sum(fake_github.faults.injected.values()) == 2
    assert all("lumina" in fake_github.state.issues[n].labels for n in fake_github.state.pulls)
    ledger.figure(f"API fault: {operation}")


REJECT_ONCE = """#!/bin/sh
while read old new ref; do
  if [ "$ref" = refs/heads/feature/issue-154 ] && [ ! -e "$0.done" ]; then
    touch "$0.done"; echo "protected branch: push declined" >&2; exit 1
  fi
done
"""


def test_a_rejected_push_keeps_the_legs_commit_and_the_next_run_publishes(fake_github, fake_origin, tmp_path):
    bare, clone = fake_origin
    scenario = scenarios.luminaguard_manifest(fake_github, clone)
    hook = bare / "hooks" / "pre-receive"
    hook.write_text(REJECT_ONCE)
    hook.chmod(0o755)
    ledger = Ledger(bare)
    first = WaveRun(fake_github, bare, tmp_path, inputs=scenario.inputs).run()
    check_run(first, {152: "success", 154: "failed", 155: "blocked"})
    record = first.records()[154]
    assert "push declined" in record["error"] and "the leg's commit is kept at" in record["error"]
    assert list(backups(bare, 154).values()) == [record["commit"]]
    ledger.after(first)
    second = WaveRun(fake_github, bare, tmp_path, inputs=scenario.inputs, agents=SECOND, run_id=7002).run()
    check_run(second, ALL_DONE)
    ledger.after(second)
    ledger.figure("push rejected")


# A git first on PATH: runs the real one; after the push of $KILL_AT, kills the action (once).
KILLING_GIT = """#!PYTHON
import os, signal, subprocess, sys
from pathlib import Path
code = subprocess.run(["REAL_GIT", *sys.argv[1:]]).returncode
marker = Path(os.environ["KILL_MARKER"])
if "push" in sys.argv and any(a.endswith(":refs/heads/" + os.environ["KILL_AT"]) for a in sys.argv):
    if code == 0 and not marker.exists():
        marker.touch()
        pid = os.getppid()
        while pid > 1:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\\0")
            if any(a.endswith(b"entrypoint.py") for a in args):
                os.kill(pid, signal.SIGKILL)
                break
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[1])
sys.exit(code)
"""


@pytest.mark.parametrize("issue", [152, 155])
def test_kill_9_of_the_publish_step_then_re_run_failed_jobs(issue, fake_github, fake_origin, tmp_path):
    """Killed right after pushing #152 (wave 1's first leg: no PR, no record yet) or #155 (wave 2)."""
    bare, clone = fake_origin
    scenario = scenarios.luminaguard_manifest(fake_github, clone)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = subprocess.run(["which", "git"], capture_output=True, text=True, check=True).stdout.strip()
    wrapper = bin_dir / "git"
    wrapper.write_text(KILLING_GIT.replace("PYTHON", sys.executable).replace("REAL_GIT", real))
    wrapper.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "KILL_AT": branch_name(issue),
        "KILL_MARKER": str(tmp_path / "killed"),
    }
    ledger = Ledger(bare)
    run = WaveRun(fake_github, bare, tmp_path, inputs=scenario.inputs, env=env).run()
    killed = run.publishers[scenarios_wave(issue)].steps["publish"]
    assert killed.rc == -9 and (tmp_path / "killed").exists(), run.transcript()

    run.rerun_failed()

    check_run(run, ALL_DONE)
    assert run.attempt == 2
    ledger.after(run)
    ledger.figure(f"kill -9 of publish after pushing #{issue}")


def scenarios_wave(issue: int) -> int:
    return 2 if issue == 155 else 1
