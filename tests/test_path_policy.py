"""The pure rules behind the publisher's path policy and the plan's actor gate (the end-to-end
tests, test_e2e_path_policy.py and test_e2e_actor_gate.py, show them in a run)."""

from __future__ import annotations

import pytest

from lumina_wave import actor_gate
from lumina_wave.errors import InputError
from lumina_wave.path_policy import ChangePolicy, PolicyRefusal, matches, parse_globs


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("docs/", "docs/a/b.md", True),
        ("docs/", "docs.md", False),
        ("docs/*.md", "docs/a.md", True),
        ("docs/*.md", "docs/a/b.md", False),
        ("docs/**", "docs/a/b.md", True),
        ("**/*.lock", "Cargo.lock", True),
        ("**/*.lock", "a/b/poetry.lock", True),
        ("src/?.py", "src/a.py", True),
        ("src/?.py", "src/ab.py", False),
        ("a.b", "aXb", False),  # no regex leaks through
        ("work/", "work", False),
    ],
)
def test_globs_match_whole_paths(pattern, path, expected):
    assert matches(pattern, path) is expected


def test_globs_are_split_on_commas_and_newlines_and_stay_inside_the_repository():
    assert parse_globs(" a/ ,\n./b/*.md\n\n", "allowed-paths") == ("a/", "b/*.md")
    for bad in ("/etc/", "a/../../b"):
        with pytest.raises(InputError, match="relative to the top of the repository"):
            parse_globs(bad, "blocked-paths")


def test_max_prs_counts_each_issue_once_and_only_when_a_pr_is_wanted():
    policy = ChangePolicy(max_prs=1, with_pr={7})
    policy.check(7, ["a"], wants_pr=True)  # holds its PR already (a re-run)
    policy.check(8, ["a"], wants_pr=False)  # pushed without a PR: not counted
    with pytest.raises(PolicyRefusal, match=r"max-prs: this run opened 1 PRs already \(max-prs 1\)"):
        policy.check(9, ["a"], wants_pr=True)


def test_a_follow_up_dispatched_by_the_workflows_bot_passes_the_gate_and_nothing_else_does():
    env = {"GITHUB_ACTOR": "github-actions[bot]", "GITHUB_EVENT_NAME": "workflow_dispatch"}
    policy = actor_gate.parse_policy("", "")
    asked: list[str] = []

    def permission_of(login: str) -> tuple[str, str]:
        asked.append(login)
        return "write", "write"

    assert actor_gate.check(policy, {}, env, "o/r", permission_of, follow_up=True) == ["github-actions[bot]"]
    with pytest.raises(InputError, match=r"actor github-actions\[bot\] is a bot not named in allowed-bots"):
        actor_gate.check(policy, {}, env, "o/r", permission_of, follow_up=False)
    with pytest.raises(InputError, match="cannot tell who triggered the run"):
        actor_gate.check(policy, {}, {}, "o/r", permission_of)
    assert asked == []
    with pytest.raises(InputError, match="'allowed-bots' names 'octocat'"):
        actor_gate.parse_policy("write", "octocat")
