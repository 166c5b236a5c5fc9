"""The fake GitHub speaks REST as api.github.com does: PyGithub and lumina-wave's own client use it
with zero OpenAPI contract violations (the ``fake_github`` fixture fails the test otherwise)."""

from __future__ import annotations

from pathlib import Path

import github
import pytest
import requests
from fakegithub.faults import SECONDARY_MESSAGE, FaultPolicy
from fakegithub.gitrepo import git, push_branch
from fakegithub.server import FakeGitHub
from fakegithub.state import ACTIONS_BOT, Repo

from lumina_wave.github import comments, issues, jobs
from lumina_wave.github.client import connect

REPO = "octo-org/r"


def pygithub(fake: FakeGitHub, per_page: int = 30) -> github.Github:
    return github.Github(
        base_url=fake.url,
        auth=github.Auth.Token("test-token"),
        per_page=per_page,
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=None,
    )


def test_pygithub_lists_issues_page_by_page(fake_github: FakeGitHub) -> None:
    for n in range(1, 76):
        fake_github.state.add_issue(n, labels=["wave"] if n % 3 else ["wave", "epic"])
    fake_github.state.issues[5].state = "closed"
    repo = pygithub(fake_github, per_page=10).get_repo(REPO)
    listed = [issue.number for issue in repo.get_issues(state="open", labels=["wave"], direction="asc")]
    assert listed == [n for n in range(1, 76) if n != 5]
    pages = fake_github.calls("issues/list-for-repo")
    assert len(pages) == 8
    assert [r.query.get("page") for r in pages] == [None, "2", "3", "4", "5", "6", "7", "8"]
    # Link headers point at /repositories/{id}/..., as github.com's do.
    first = requests.get(f"{fake_github.url}/repos/{REPO}/issues", params={"per_page": 10}, timeout=5)
    assert (
        f'{fake_github.url}/repositories/4242/issues?per_page=10&page=2>; rel="next"' in first.headers["link"]
    )
    assert [i.number for i in repo.get_issues(labels=["epic"], state="all")] == list(range(75, 0, -3))


def test_issue_list_contains_pull_requests_with_a_pull_request_key(
    fake_github: FakeGitHub, fake_origin: tuple[Path, Path]
) -> None:
    fake_github.state.add_issue(1, title="Only issue")
    push_branch(fake_origin[1], "feature/issue-1", {"one.txt": "1"})
    pygithub(fake_github).get_repo(REPO).create_pull(
        title="Fix", body="Closes #1", head="feature/issue-1", base="main"
    )
    listed = requests.get(f"{fake_github.url}/repos/{REPO}/issues", timeout=5).json()
    assert [(i["number"], "pull_request" in i) for i in listed] == [(2, True), (1, False)]


def test_create_update_and_find_a_pull_request_from_a_pushed_branch(
    fake_github: FakeGitHub, fake_origin: tuple[Path, Path]
) -> None:
    fake_github.state.add_issue(1, title="Do it")
    repo = pygithub(fake_github).get_repo(REPO)
    with pytest.raises(github.GithubException) as not_pushed:
        repo.create_pull(title="Do it", body="Closes #1", head="feature/issue-1", base="main")
    assert not_pushed.value.status == 422 and fake_github.state.pulls == {}

    sha = push_branch(fake_origin[1], "feature/issue-1", {"fix.txt": "fixed"})
    pr = repo.create_pull(title="Do it", body="Closes #1", head="feature/issue-1", base="main")
    assert (pr.number, pr.head.ref, pr.head.sha, pr.base.ref, pr.user.login) == (
        2, "feature/issue-1", sha, "main", ACTIONS_BOT.login,
    )  # fmt: skip
    with pytest.raises(github.GithubException) as duplicate:
        repo.create_pull(title="Again", body="Closes #1", head="feature/issue-1", base="main")
    assert duplicate.value.status == 422
    assert (
        duplicate.value.data["errors"][0]["message"]
        == "A pull request already exists for octo-org:feature/issue-1."
    )

    pr.edit(title="Do it (#1)", body="Closes #1\n\nUpdated")
    found = list(repo.get_pulls(state="open", head="octo-org:feature/issue-1"))
    assert [(p.number, p.title, p.body) for p in found] == [(2, "Do it (#1)", "Closes #1\n\nUpdated")]
    assert list(repo.get_pulls(state="open", head="octo-org:feature/issue-9")) == []
    pr.edit(state="closed")
    assert repo.get_pull(2).state == "closed" and list(repo.get_pulls(state="open")) == []
    # Closed, a new one may be opened for the same branch.
    assert (
        repo.create_pull(
            title="Reopen", body="Closes #1", head="octo-org:feature/issue-1", base="main"
        ).number
        == 3
    )


def test_no_commits_between_base_and_head_is_refused(
    fake_github: FakeGitHub, fake_origin: tuple[Path, Path]
) -> None:
    clone = fake_origin[1]
    push_branch(clone, "feature/issue-1", {"x": "1"})
    git(clone, "push", "--quiet", "origin", "feature/issue-1:main")  # main now contains the branch
    with pytest.raises(github.GithubException) as empty:
        pygithub(fake_github).get_repo(REPO).create_pull(
            title="t", body="b", head="feature/issue-1", base="main"
        )
    assert empty.value.data["errors"][0]["message"] == "No commits between main and feature/issue-1"


def test_comments_create_list_edit_delete(fake_github: FakeGitHub) -> None:
    fake_github.state.add_issue(1)
    issue = pygithub(fake_github, per_page=2).get_repo(REPO).get_issue(1)
    made = [issue.create_comment(f"comment {i}") for i in range(5)]
    assert [c.body for c in issue.get_comments()] == [f"comment {i}" for i in range(5)]
    made[1].edit("edited")
    made[3].delete()
    assert [c.body for c in issue.get_comments()] == ["comment 0", "edited", "comment 2", "comment 4"]
    assert {c.user.login for c in fake_github.state.comments.values()} == {ACTIONS_BOT.login}
    assert issue.update() or issue.comments == 4
    with pytest.raises(github.GithubException) as gone:
        made[3].edit("too late")
    assert gone.value.status == 404


def test_lumina_wave_client_reads_issues_dependencies_comments_and_jobs(fake_github: FakeGitHub) -> None:
    state = fake_github.state
    state.add_issue(1, labels=["wave"])
    state.add_issue(2, labels=["wave"], blocked_by=[1])
    state.add_issue(3, labels=["epic"], sub_issues=[1, 2])
    state.add_jobs(77, [(f"leg {i}", "2025-01-01T00:00:00Z", "2025-01-01T00:05:00Z") for i in range(130)])
    client = connect(REPO, "test-token", fake_github.url, wait=pytest.fail, seconds_between_writes=0)

    listed = issues.labelled_open_issues(client, "wave")
    assert [i["number"] for i in listed] == [1, 2]
    assert listed[1]["issue_dependencies_summary"] == {
        "blocked_by": 1,
        "blocking": 0,
        "total_blocked_by": 1,
        "total_blocking": 0,
    }
    assert [i["number"] for i in issues.blocked_by(client, 2)] == [1]
    assert [i["number"] for i in issues.sub_issues(client, 3) or []] == [1, 2]
    assert issues.get_issue(client, 3)["sub_issues_summary"] == {
        "total": 2,
        "completed": 0,
        "percent_completed": 0,
    }
    assert issues.get_issue(client, 99) is None
    blocking = requests.get(
        f"{fake_github.url}/repos/{REPO}/issues/1/dependencies/blocking", timeout=5
    ).json()
    assert [i["number"] for i in blocking] == [2]

    made = comments.create_comment(client, 3, "<!-- lumina-wave -->\nsummary")
    comments.edit_comment(client, made.id, "<!-- lumina-wave -->\nnew summary")
    assert [(c.body, c.login, c.user_type) for c in comments.list_comments(client, 3)] == [
        ("<!-- lumina-wave -->\nnew summary", "github-actions[bot]", "Bot")
    ]
    comments.delete_comment(client, made.id)
    comments.delete_comment(client, made.id)  # already gone counts as deleted
    assert state.comments == {} and comments.own_login(client) is None

    run = jobs.run_jobs(client, 77)
    assert len(run) == 130 and run[0].name == "leg 0" and run[0].conclusion == "success"
    assert [r.query.get("page") for r in fake_github.calls("actions/list-jobs-for-workflow-run")] == [
        None,
        "2",
    ]
    assert client.calls == len(fake_github.requests) - 1  # all but the direct GET of .../blocking


def test_ghes_prefix(fake_origin: tuple[Path, Path]) -> None:
    with FakeGitHub(Repo(git_dir=fake_origin[0]), base_path="/api/v3") as fake:
        fake.state.add_issue(1, labels=["wave"])
        assert fake.url.endswith("/api/v3")
        repo = pygithub(fake).get_repo(REPO)
        assert repo.full_name == REPO and [i.number for i in repo.get_issues(labels=["wave"])] == [1]
        repo.get_issue(1).add_to_labels("ready")
        assert fake.state.issues[1].labels == ["wave", "ready"]
        assert requests.get(f"{fake.url.removesuffix('/api/v3')}/repos/{REPO}", timeout=5).status_code == 404
    assert [r.operation for r in fake.requests] == [
        "repos/get",
        "issues/list-for-repo",
        "issues/get",
        "issues/add-labels",
        None,
    ]
    # PyGithub's add_to_labels sends a bare JSON array, which the published schema does not allow
    # (only {"labels": [...]}); code that adds labels must send the object.
    assert [str(v) for v in fake.violations] == [
        "POST /repos/octo-org/r/issues/1/labels request: body: ['ready'] is not valid under any of the given schemas",
        "GET /repos/octo-org/r request: not below the API root /api/v3/",
    ]


def test_state_persists_and_other_repositories_are_not_found(fake_github: FakeGitHub) -> None:
    fake_github.state.add_issue(1)
    other = requests.get(f"{fake_github.url}/repos/octo-org/other/issues/1", timeout=5)
    assert other.status_code == 404 and other.json()["message"] == "Not Found"
    requests.post(f"{fake_github.url}/repos/{REPO}/issues/1/labels", json={"labels": ["a"]}, timeout=5)
    requests.post(f"{fake_github.url}/repos/{REPO}/issues/1/labels", json={"labels": ["a", "b"]}, timeout=5)
    labels = requests.get(f"{fake_github.url}/repos/{REPO}/issues/1/labels", timeout=5).json()
    assert [label["name"] for label in labels] == ["a", "b"]


# --- faults ----------------------------------------------------------------------------------


def test_a_create_that_happened_but_answered_502(
    fake_github: FakeGitHub, fake_origin: tuple[Path, Path]
) -> None:
    fake_github.faults.on("pulls/create", 1, "502", after=True)
    push_branch(fake_origin[1], "feature/issue-1", {"x": "1"})
    repo = pygithub(fake_github).get_repo(REPO)
    with pytest.raises(github.GithubException) as bad_gateway:
        repo.create_pull(title="t", body="Closes #1", head="feature/issue-1", base="main")
    assert bad_gateway.value.status == 502
    assert list(fake_github.state.pulls) == [1]  # it exists: look before creating again
    assert [p.number for p in repo.get_pulls(head="octo-org:feature/issue-1")] == [1]
    assert fake_github.faults.injected == {("502-after-write", "pulls/create"): 1}
    assert [r.fault for r in fake_github.calls("pulls/create")] == ["502-after-write"]


def test_dropped_connection_and_secondary_rate_limit_are_retried_by_the_client(
    fake_github: FakeGitHub,
) -> None:
    fake_github.state.add_issue(1, labels=["wave"])
    fake_github.faults.on("issues/list-for-repo", 1, "drop").on("issues/list-for-repo", 2, "secondary")
    fake_github.faults.on("issues/create-comment", 1, "429")
    waits: list[float] = []
    client = connect(REPO, "test-token", fake_github.url, wait=waits.append, seconds_between_writes=0)
    assert [i["number"] for i in issues.labelled_open_issues(client, "wave")] == [1]
    comments.create_comment(client, 1, "once")
    assert [c.body for c in fake_github.state.comments.values()] == ["once"]
    assert [r.status for r in fake_github.requests] == [None, 403, 200, 429, 201]
    assert waits == [1, 1]  # retry-after honoured; the dropped connection is retried at once
    assert fake_github.faults.total == 3 and client.calls == 5


def test_fault_answers_look_like_github(fake_github: FakeGitHub) -> None:
    fake_github.faults.on("repos/get", 1, "secondary").on("repos/get", 2, "502")
    limited = requests.get(f"{fake_github.url}/repos/{REPO}", timeout=5)
    assert (limited.status_code, limited.headers["retry-after"], limited.json()["message"]) == (
        403,
        "1",
        SECONDARY_MESSAGE,
    )
    assert requests.get(f"{fake_github.url}/repos/{REPO}", timeout=5).status_code == 502
    assert requests.get(f"{fake_github.url}/repos/{REPO}", timeout=5).json()["full_name"] == REPO


def test_seeded_random_faults_are_reproducible_and_survived(fake_origin: tuple[Path, Path]) -> None:
    def run(seed: int) -> tuple[list[int], dict, int]:
        policy = FaultPolicy(rate=0.1, seed=seed, kinds=("502", "drop", "secondary", "429"))
        with FakeGitHub(Repo(git_dir=fake_origin[0]), faults=policy) as fake:
            for n in range(1, 201):
                fake.state.add_issue(n, labels=["wave"])
            client = connect(REPO, "test-token", fake.url, wait=lambda s: None)
            found = [i["number"] for _ in range(10) for i in issues.labelled_open_issues(client, "wave")]
        fake.assert_no_violations()
        return found, dict(policy.injected), client.calls

    first, second = run(7), run(7)
    assert first == second and first[0] == list(range(1, 201)) * 10
    assert first[2] == 20 + sum(first[1].values())  # 10 x 2 pages, plus one retry per fault
    assert sum(first[1].values()) >= 2, first[1]


def test_a_hang_past_the_client_timeout_is_a_timeout(fake_github: FakeGitHub) -> None:
    fake_github.faults.hang = 0.5
    fake_github.faults.on("repos/get", 1, "drop")
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{fake_github.url}/repos/{REPO}", timeout=0.2)
    assert requests.get(f"{fake_github.url}/repos/{REPO}", timeout=5).status_code == 200
    assert [(r.status, r.fault) for r in fake_github.requests] == [(None, "drop"), (200, None)]
