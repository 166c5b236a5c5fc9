"""Which commits of a branch are lumina-wave's, and what a leg does with a branch that exists."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lumina_wave import existing
from lumina_wave.errors import InputError

IDENTITY = ("-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def commit(repo: Path, name: str, message: str) -> str:
    (repo / name).write_text(name)
    git(repo, "add", name)
    subprocess.run(
        ["git", *IDENTITY, "commit", "--quiet", "-F", "-"], cwd=repo, input=message, text=True, check=True
    )
    return git(repo, "rev-parse", "HEAD").strip()


def test_our_message_ends_with_trailers_git_reads():
    message = existing.marked("Fix it (#5)\n\nWork on #5.\n", "abc123", 5)
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=message, capture_output=True, text=True, check=True
    ).stdout
    assert parsed == "Lumina-Wave-Plan: abc123\nLumina-Wave-Issue: 5\n"


def test_foreign_commits_are_those_without_our_trailer_beyond_the_start_refs(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    base = commit(repo, "a", "base")
    git(repo, "checkout", "--quiet", "-b", "feature/issue-5")
    commit(repo, "b", existing.marked("ours", "p1", 5))
    commit(repo, "c", existing.marked("a dependency's, merged in", "p1", 4))
    theirs = commit(
        repo, "d", "a reviewer's fix\n\nLumina-Wave-Issue: 5 (quoted in the body, not a trailer line)"
    )
    tip = commit(repo, "e", existing.marked("ours again", "p2", 5))

    assert existing.foreign_commits(repo, tip, [base]) == [theirs]
    assert existing.foreign_commits(repo, tip, [theirs]) == []


@pytest.mark.parametrize(
    ("mode", "pr", "skipped"),
    [
        ("continue", None, None),
        ("continue", {"number": 9, "state": "open", "merged_at": None}, None),
        ("continue", {"number": 9, "state": "closed", "merged_at": "2026-12-01T00:00:00Z"}, "was merged"),
        ("skip", {"number": 9, "state": "closed", "merged_at": None}, "was closed"),
        ("restart", {"number": 9, "state": "closed", "merged_at": "2026-12-01T00:00:00Z"}, None),
    ],
)
def test_a_merged_or_closed_pr_leaves_the_issue_alone_unless_restart(mode, pr, skipped):
    why = existing.pr_skip_reason(mode, pr)
    assert (why is None) == (skipped is None)
    if skipped:
        assert f"PR #9 of this branch {skipped}" in why


def test_the_mode_is_checked_as_bad_input():
    assert existing.parse_mode("") == "continue"
    assert existing.parse_mode(" skip ") == "skip"
    with pytest.raises(InputError, match="existing-branch must be one of continue, restart, skip"):
        existing.parse_mode("force")


def test_only_skip_with_commits_of_others_leaves_the_issue_alone():
    found = ["a" * 40, "b" * 40]
    why = "feature/issue-3 has 2 commits by others (aaaaaaaaaaaa): left alone (existing-branch: skip)"
    assert existing.skip_reason("skip", "feature/issue-3", found) == why
    assert existing.skip_reason("skip", "feature/issue-3", []) is None
    assert existing.skip_reason("continue", "feature/issue-3", found) is None
    assert existing.skip_reason("restart", "feature/issue-3", found) is None
