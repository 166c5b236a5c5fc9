"""Who may do what on the repository: the only module that calls the collaborator endpoints."""

from __future__ import annotations

from urllib.parse import quote

from github import GithubException

from lumina_wave.github.client import GitHubClient, api_errors

# GitHub's base roles, weakest first.
BASE_ROLES = ("none", "read", "triage", "write", "maintain", "admin")
# ``permission`` is the legacy base role: maintain reads as write, triage as read.
_LEGACY = {"none": "none", "read": "read", "write": "write", "admin": "admin"}
# The ``permissions`` flags of the answer's user, strongest first, and the base role each means.
_FLAGS = (
    ("admin", "admin"),
    ("maintain", "maintain"),
    ("push", "write"),
    ("triage", "triage"),
    ("pull", "read"),
)


def permission_of(client: GitHubClient, login: str) -> tuple[str, str]:
    """``(role_name, base role)`` of ``login`` on the repository: the base role is one of
    :data:`BASE_ROLES`, read from ``role_name`` when it is one, else (a custom role) from the
    user's ``permissions`` flags, else from the legacy ``permission``. A login GitHub does not
    know (404) has role ``none``."""
    path = f"/repos/{client.full_name}/collaborators/{quote(login, safe='')}/permission"
    with api_errors(f"reading the permission of {login} on {client.full_name}"):
        try:
            data = client.get_json(path)[1]
        except GithubException as exc:
            if exc.status == 404:
                return "none", "none"
            raise
    return str(data.get("role_name") or data.get("permission") or "none"), base_role(data)


def base_role(data: dict) -> str:
    """The base role an answer of the permission endpoint grants (see :func:`permission_of`)."""
    role = data.get("role_name")
    if role in BASE_ROLES:
        return role
    flags = (data.get("user") or {}).get("permissions") or {}
    for flag, level in _FLAGS:
        if flags.get(flag) is True:
            return level
    return _LEGACY.get(str(data.get("permission")), "none")
