"""Reading issues: the only module that calls the issue endpoints. Returns GitHub's raw JSON dicts.

Lists are read with the requester directly, not through PyGithub objects: on a listed
``Issue``, even ``raw_data`` completes the object with one GET per issue.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from github import GithubException
from requests.utils import parse_header_links

from lumina_wave.github.client import GitHubClient, api_errors

PER_PAGE = 100
READ_ISSUES = "issues: read"
_GONE = (404, 410)


def pages(client: GitHubClient, path: str, params: dict[str, Any] | None = None) -> Iterator[list[dict]]:
    """Each page of a list endpoint, following GitHub's ``Link: rel="next"`` until the end."""
    url: str | None = path
    query: dict[str, Any] | None = {**(params or {}), "per_page": PER_PAGE}
    while url:
        headers, data = client.get_json(url, query)
        yield list(data or [])
        url = _next_link(headers.get("link", ""))
        query = None  # the next link carries the query


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


def _next_link(header: str) -> str | None:
    for link in parse_header_links(header) if header else []:
        if link.get("rel") == "next":
            return link["url"]
    return None
