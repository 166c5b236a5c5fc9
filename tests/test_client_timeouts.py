"""Timeouts against the fake GitHub: a hung read is retried, a create that timed out after it
happened is found instead of repeated."""

from __future__ import annotations

import pytest
from fakegithub.gitrepo import push_branch

from lumina_wave.github import client as client_module
from lumina_wave.github import issues
from lumina_wave.github.client import connect
from lumina_wave.github.pulls import Pulls

REPO = "octo-org/r"


@pytest.fixture
def short_timeout(monkeypatch):
    """A client timeout far below the fake's hang, so a timeout costs one second."""
    monkeypatch.setattr(client_module, "REQUEST_TIMEOUT", 1)  # PyGithub takes whole seconds


def test_a_read_that_hangs_past_the_timeout_is_retried(fake_github, short_timeout):
    fake_github.state.add_issue(number=1, title="one")
    fake_github.faults.hang = 2.0
    fake_github.faults.on("issues/get", 1, "drop")
    waits: list[float] = []
    client = connect(REPO, "t", fake_github.url, wait=waits.append, seconds_between_writes=0)
    assert issues.get_issue(client, 1)["title"] == "one"
    assert len(fake_github.calls(operation="issues/get")) == 2
    assert fake_github.faults.injected[("drop", "issues/get")] == 1


def test_a_pr_create_that_timed_out_after_it_happened_is_not_repeated(
    fake_github, fake_origin, short_timeout
):
    push_branch(fake_origin[1], "feature/issue-1", {"one.txt": "1\n"})
    fake_github.faults.hang = 2.0
    fake_github.faults.on("pulls/create", 1, "drop", after=True)
    client = connect(REPO, "t", fake_github.url, wait=lambda _: None, seconds_between_writes=0)
    pr = Pulls(client).ensure(
        branch="feature/issue-1", base="main", title="Issue 1", body="Closes #1", draft=False
    )
    assert [p.number for p in fake_github.state.pulls.values()] == [pr.number]
    assert len(fake_github.calls(operation="pulls/create")) == 1
