"""Reading issues: the only module that calls the issue endpoints. Returns GitHub's raw JSON dicts.

Lists are read with the requester directly, not through PyGithub objects: on a listed
``Issue``, even ``raw_data`` completes the object with one GET per issue.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from github import GithubException

from lumina_wave.github.client import PER_PAGE, GitHubClient, api_errors, pages

READ_ISSUES = "issues: read"
_GONE = (404, 410)


def labelled_open_issues(client: GitHubClient, label: str) -> list[dict]:
    """Open issues and pull requests carrying ``label``, oldest first."""
    path = f"/repos/{client.full_name}/issues"
    params = {"state": "open", "labels": label, "sort": "created", "direction": "asc"}
    with api_errors(f"listing the open issues labelled {label!r} in {client.full_name}", READ_ISSUES):
        return [issue for page in pages(client, path, params) for issue in page]


def recent_issue_pages(client: GitHubClient) -> Iterator[list[dict]]:
    """Pages of every issue and pull request, newest (highest number) first."""
    path = f"/repos/{client.full_name}/issues"
    params = {"state": "all", "sort": "created", "direction": "desc"}
    with api_errors(f"listing the issues of {client.full_name}", READ_ISSUES):
        yield from pages(client, path, params)


def find_issues(client: GitHubClient, numbers: Iterable[int]) -> dict[int, dict]:
    """Issues (or pull requests) ``numbers`` by number, with as few requests as possible; the
    ones that do not exist are left out.

    Two or more: read the newest issues a page (100) at a time while paging on is cheaper
    than one GET per issue still missing (issue numbers follow creation), then GET the rest.
    So the requests are at most one per issue, and about one per 100 recent ones.
    """
    wanted = set(numbers)
    found: dict[int, dict] = {}
    if len(wanted) > 1:
        for page in recent_issue_pages(client):
            found.update({raw["number"]: raw for raw in page if raw["number"] in wanted})
            left = wanted - found.keys()
            if not left or not page:
                break
            pages_to_go = -(-(page[-1]["number"] - min(left)) // PER_PAGE)
            if not 0 < pages_to_go < len(left):
                break
    for number in sorted(wanted - found.keys()):
        raw = get_issue(client, number)
        if raw is not None:
            found[number] = raw
    return found


def get_issue(client: GitHubClient, number: int) -> dict | None:
    """Issue (or pull request) ``number``, or None when it does not exist (404, or 410 deleted)."""
    with api_errors(f"reading issue #{number} of {client.full_name}", READ_ISSUES):
        try:
            return client.get_json(f"/repos/{client.full_name}/issues/{number}")[1]
        except GithubException as exc:
            if exc.status in _GONE:
                return None
            raise


def blocked_by(client: GitHubClient, number: int) -> list[dict]:
    """The issues that block issue ``number`` (GitHub's native dependencies), any repository."""
    path = f"/repos/{client.full_name}/issues/{number}/dependencies/blocked_by"
    with api_errors(f"reading what blocks issue #{number}", READ_ISSUES):
        return [issue for page in pages(client, path) for issue in page]


def sub_issues(client: GitHubClient, number: int) -> list[dict] | None:
    """The sub-issues of issue ``number``, or None when that issue does not exist."""
    path = f"/repos/{client.full_name}/issues/{number}/sub_issues"
    with api_errors(f"reading the sub-issues of issue #{number}", READ_ISSUES):
        try:
            return [issue for page in pages(client, path) for issue in page]
        except GithubException as exc:
            if exc.status in _GONE:
                return None
            raise
