"""Issue and pull request comments: list, create, edit, delete. The only module that calls them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from github import GithubException

from lumina_wave.github.client import GitHubClient, api_errors, create_once, pages

WRITE_ISSUES = "issues: write, pull-requests: write"


@dataclass(frozen=True)
class Comment:
    """The parts of a comment that decide whether it is ours."""

    id: int
    body: str
    login: str
    user_type: str
    created_at: str

    @classmethod
    def from_json(cls, raw: dict) -> Comment:
        user = raw.get("user") or {}
        return cls(
            id=int(raw["id"]),
            body=raw.get("body") or "",
            login=str(user.get("login") or ""),
            user_type=str(user.get("type") or ""),
            created_at=str(raw.get("created_at") or ""),
        )


def list_comments(client: GitHubClient, number: int) -> list[Comment]:
    """Every comment on issue or PR ``number``, oldest first."""
    path = f"/repos/{client.full_name}/issues/{number}/comments"
    with api_errors(f"listing the comments of #{number}", WRITE_ISSUES):
        return [Comment.from_json(raw) for page in pages(client, path) for raw in page]


def create_comment(
    client: GitHubClient, number: int, body: str, find: Callable[[], Comment | None] | None = None
) -> Comment:
    """Comment on ``number``. With ``find``, a create whose answer was lost is looked for with it
    and repeated only when not found (:func:`~lumina_wave.github.client.create_once`)."""
    path = f"/repos/{client.full_name}/issues/{number}/comments"
    with api_errors(f"commenting on #{number}", WRITE_ISSUES):
        if find is None:
            return Comment.from_json(_write(client, "POST", path, body))
        return create_once(client, lambda: Comment.from_json(_write(client, "POST", path, body)), find)


def edit_comment(client: GitHubClient, comment_id: int, body: str) -> Comment:
    path = f"/repos/{client.full_name}/issues/comments/{comment_id}"
    with api_errors(f"editing comment {comment_id}", WRITE_ISSUES):
        return Comment.from_json(_write(client, "PATCH", path, body))


def delete_comment(client: GitHubClient, comment_id: int) -> None:
    """Delete a comment; one that is already gone (404) counts as deleted."""
    path = f"/repos/{client.full_name}/issues/comments/{comment_id}"
    with api_errors(f"deleting comment {comment_id}", WRITE_ISSUES):
        try:
            client.gh.requester.requestJsonAndCheck("DELETE", path)
        except GithubException as exc:
            if exc.status != 404:
                raise


def own_login(client: GitHubClient) -> str | None:
    """The token's login from GET /user, or None for installation tokens (GITHUB_TOKEN answers 403)."""
    with api_errors("reading the token's user"):
        try:
            return str(client.get_json("/user")[1]["login"])
        except GithubException as exc:
            if exc.status in (401, 403, 404):
                return None
            raise


def _write(client: GitHubClient, verb: str, path: str, body: str) -> dict:
    return client.gh.requester.requestJsonAndCheck(verb, path, input={"body": body})[1]
