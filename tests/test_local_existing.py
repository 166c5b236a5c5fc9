"""``lumina-wave local --existing-branch``: a second run never drops the commits of others on an
issue's branch. Real repositories, real ``lumina-wave local`` processes, real agents."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from test_local import Sandbox, git, make_sandbox
from test_local_citizen import with_agent

APPEND = 'echo "second run" >> "work-$WAVE_ISSUE_NUMBER.txt"'  # a change on top of whatever is there


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return make_sandbox(tmp_path)


def rev(sandbox: Sandbox, ref: str, where: Path | None = None) -> str:
    return git(where or sandbox.repo, "rev-parse", ref).strip()


def backups(sandbox: Sandbox, where: Path | None = None) -> dict[str, str]:
    out = git(
        where or sandbox.repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/lumina-wave/backup/"
    )
    return dict(line.split() for line in out.splitlines())


def is_ancestor(where: Path, commit: str, of: str) -> bool:
    return subprocess.run(["git", "merge-base", "--is-ancestor", commit, of], cwd=where).returncode == 0


def run(sandbox: Sandbox, command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=sandbox.repo, env=sandbox.env(), capture_output=True, text=True, timeout=120
    )


def users_commit(sandbox: Sandbox, issue: int = 1) -> str:
    """A first run, then the user's own commit on ``feature/issue-N`` (in its worktree)."""
    tree = sandbox.repo / ".worktrees" / f"issue-{issue}"
    (tree / "mine.txt").write_text("the user's fix\n")
    git(tree, "add", "mine.txt")
    git(tree, "commit", "-q", "-m", "the user's fix")
    return rev(sandbox, f"feature/issue-{issue}")


def first_run(sandbox: Sandbox, *extra: str) -> Path:
    manifest = sandbox.manifest({1: [], 2: []})
    result = sandbox.run(manifest, *extra)
    assert result.returncode == 0, result.stderr
    return manifest


def test_continue_is_the_default_and_builds_on_the_users_commit(sandbox: Sandbox):
    manifest = first_run(sandbox)
    mine = users_commit(sandbox)
    ours = rev(sandbox, "feature/issue-2")
    result = run(sandbox, with_agent(sandbox, manifest, APPEND, "--rerun"))
    assert result.returncode == 0, result.stderr
    tip = rev(sandbox, "feature/issue-1")
    assert rev(sandbox, f"{tip}^") == mine  # the agent's change is on top of the user's commit
    assert git(sandbox.repo, "show", f"{tip}:mine.txt") == "the user's fix\n"
    assert git(sandbox.repo, "show", f"{tip}:work-1.txt") == "work for #1\nsecond run\n"
    record = sandbox.records()[1]
    assert (record["status"], record["commit"]) == ("success", tip)
    line = f"feature/issue-1 has 1 commit by others ({mine[:12]}): continued, the leg builds on it"
    assert line in result.stderr and line in result.stdout
    assert record["warnings"] == [
        f"feature/issue-1 has 1 commit by others ({mine[:12]}): the leg built on it (existing-branch: continue)"
    ]
    assert "the leg built on it" in (sandbox.repo / ".lumina-wave" / "summary.md").read_text()
    # a branch with lumina-wave's commits only is restarted as before, its old tip kept
    assert list(backups(sandbox).values()) == [ours]
    assert not is_ancestor(sandbox.repo, ours, "feature/issue-2")


def test_restart_resets_the_branch_and_names_the_backup_ref_that_keeps_the_users_commit(sandbox: Sandbox):
    manifest = first_run(sandbox)
    mine = users_commit(sandbox)
    result = sandbox.run(manifest, "--rerun", "--existing-branch", "restart")
    assert result.returncode == 0, result.stderr
    kept = {commit: ref for ref, commit in backups(sandbox).items()}
    ref = kept[mine]
    assert ref.startswith("refs/lumina-wave/backup/issue-1/")
    tip = rev(sandbox, "feature/issue-1")
    assert not is_ancestor(sandbox.repo, mine, tip)
    assert "mine.txt" not in git(sandbox.repo, "ls-tree", "--name-only", tip)  # started from the base
    line = (
        f"resetting feature/issue-1 (was {mine[:12]}), feature/issue-1 has 1 commit by others "
        f"({mine[:12]}) (existing-branch: restart); its commits are kept at {ref}"
    )
    assert line in result.stderr and line in result.stdout
    record = sandbox.records()[1]
    assert record["status"] == "success"
    assert record["warnings"] == [
        f"restarted feature/issue-1: feature/issue-1 has 1 commit by others ({mine[:12]}); "
        f"its old tip {mine[:12]} is kept at {ref}"
    ]


def test_skip_leaves_the_branch_and_its_worktree_alone_and_records_skipped(sandbox: Sandbox):
    manifest = first_run(sandbox)
    mine = users_commit(sandbox)
    result = sandbox.run(manifest, "--rerun", "--existing-branch", "skip")
    assert result.returncode == 0, result.stderr
    assert rev(sandbox, "feature/issue-1") == mine
    assert rev(sandbox, "HEAD", sandbox.repo / ".worktrees" / "issue-1") == mine
    assert (sandbox.runs(1), sandbox.runs(2)) == (1, 2)  # its agent did not run again
    record = sandbox.records()[1]
    why = f"feature/issue-1 has 1 commit by others ({mine[:12]}): left alone (existing-branch: skip)"
    assert (record["status"], record["error"], record["commit"]) == ("skipped", why, None)
    assert f"#1 not run: {why}" in result.stderr and f"why: {why}" in result.stdout
    assert re.search(rf"#1 left alone [0-9.]+s \({re.escape(why)}\)", result.stderr)  # the board
    assert not any("/issue-1/" in ref for ref in backups(sandbox))


def test_a_resumed_run_continues_a_failed_issues_branch_with_the_users_commit(sandbox: Sandbox):
    manifest = sandbox.manifest({1: []})
    sandbox.behave(_1={"exit": 1})
    assert sandbox.run(manifest).returncode == 1
    mine = users_commit(sandbox)
    result = run(sandbox, with_agent(sandbox, manifest, APPEND))  # no --rerun: not done yet
    assert result.returncode == 0, result.stderr
    tip = rev(sandbox, "feature/issue-1")
    assert is_ancestor(sandbox.repo, mine, tip)
    assert git(sandbox.repo, "show", f"{tip}:mine.txt") == "the user's fix\n"
    assert backups(sandbox) == {}


def test_push_restart_keeps_the_remote_branchs_commits_of_others_under_a_backup_ref_there(
    sandbox: Sandbox, tmp_path: Path
):
    manifest = first_run(sandbox, "--push")
    other = tmp_path / "reviewer"
    git(tmp_path, "clone", "-q", "--branch", "feature/issue-1", str(sandbox.origin), str(other))
    (other / "review.txt").write_text("a reviewer's change\n")
    git(other, "add", "review.txt")
    git(other, "-c", "user.name=R", "-c", "user.email=r@example.com", "commit", "-q", "-m", "review")
    git(other, "push", "-q", "origin", "feature/issue-1")
    theirs = rev(sandbox, "HEAD", other)
    result = sandbox.run(manifest, "--rerun", "--push", "--existing-branch", "restart")
    assert result.returncode == 0, result.stderr
    record = sandbox.records()[1]
    ref = record["backup_ref"]
    assert ref and rev(sandbox, ref, sandbox.origin) == theirs
    pushed = rev(sandbox, "refs/heads/feature/issue-1", sandbox.origin)
    assert pushed == record["commit"]
    assert not is_ancestor(sandbox.origin, theirs, pushed)
    assert any(ref in w and theirs[:12] in w for w in record["warnings"])


def test_push_continue_pushes_the_agents_change_on_top_of_the_users_local_commit(sandbox: Sandbox):
    manifest = first_run(sandbox, "--push")
    mine = users_commit(sandbox)  # not pushed
    result = run(sandbox, with_agent(sandbox, manifest, APPEND, "--rerun", "--push"))
    assert result.returncode == 0, result.stderr
    pushed = rev(sandbox, "refs/heads/feature/issue-1", sandbox.origin)
    assert pushed == sandbox.records()[1]["commit"] == rev(sandbox, "feature/issue-1")
    assert rev(sandbox, f"{pushed}^", sandbox.origin) == mine
    assert not any("/issue-1/" in ref for ref in backups(sandbox, sandbox.origin))


def test_a_stacked_dependencys_commits_of_others_are_not_counted_on_its_dependent(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1]})
    sandbox.behave(_2={"exit": 1, "write": False})
    assert sandbox.run(manifest, "--stack").returncode == 1
    mine = users_commit(sandbox, 1)
    sandbox.behave()
    assert (
        sandbox.run(manifest, "--stack").returncode == 0
    )  # #2 again: it starts from #1 with the user's commit
    old = rev(sandbox, "feature/issue-2")
    assert is_ancestor(sandbox.repo, mine, old)
    result = run(sandbox, with_agent(sandbox, manifest, APPEND, "--stack", "--rerun"))
    assert result.returncode == 0, result.stderr
    # #1 is continued; #2 has the user's commit only through #1's branch: restarted from #1's new tip
    assert rev(sandbox, "feature/issue-1^") == mine
    assert "feature/issue-2 has" not in result.stdout
    assert any(
        r.startswith("refs/lumina-wave/backup/issue-2/") and c == old for r, c in backups(sandbox).items()
    )
    assert is_ancestor(sandbox.repo, rev(sandbox, "feature/issue-1"), "feature/issue-2")
