"""The actor gate: a wave starts only for people who could have written its changes themselves.

Whoever can label or comment (triage, or anyone on a public repository) could otherwise start
agents that hold secrets and read hostile text. ``plan`` asks GitHub for the permission of every
actor of the run and refuses (bad input: one line, exit 2, nothing written) unless each has at
least ``min-permission`` (read < triage < write < maintain < admin; default write):

- the actors: the comment's author (``issue_comment``), the event's sender (who labelled,
  dispatched, pushed), ``GITHUB_ACTOR`` and ``GITHUB_TRIGGERING_ACTOR``. The last differs on a
  re-run (who pressed "Re-run"); a re-run runs with the first actor's privileges, so both must
  pass: a maintainer cannot re-run an outsider's command into a wave, nor the reverse.
- a bot (a login ending in ``[bot]``) passes only when ``allowed-bots`` names it (``*``: any bot),
  without a permission lookup: GitHub gives bots no collaborator role to compare. One exception:
  a follow-up run of a deeper plan is dispatched by the run before it with its token, so its
  actor is ``github-actions[bot]``; a follow-up run (plan-id given) lets that bot through, since
  only a workflow of this repository, whose own plan passed the gate, can dispatch with it.
- forks: a ``pull_request``/``pull_request_target`` event whose head repository is not the base
  repository, or a ``workflow_run`` of such a head, is refused whoever the actor is. A repository
  that is itself a fork runs its own events as any repository does (its owner's secrets, its
  owner's permission): the gate applies there unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lumina_wave.errors import InputError

ROLES = ("read", "triage", "write", "maintain", "admin")
DEFAULT_MIN_PERMISSION = "write"
WORKFLOW_BOT = "github-actions[bot]"


@dataclass(frozen=True)
class GatePolicy:
    """``min_permission``: one of :data:`ROLES`; ``allowed_bots``: bot logins (``*`` for any)."""

    min_permission: str = DEFAULT_MIN_PERMISSION
    allowed_bots: frozenset[str] = frozenset()

    def allows_bot(self, login: str) -> bool:
        return "*" in self.allowed_bots or login.lower() in self.allowed_bots


def parse_policy(min_permission: str, allowed_bots: str) -> GatePolicy:
    """The policy of inputs ``min-permission`` (empty: write) and ``allowed-bots`` (comma list)."""
    level = (min_permission or DEFAULT_MIN_PERMISSION).strip().lower()
    if level not in ROLES:
        raise InputError(f"input 'min-permission' must be one of {', '.join(ROLES)}, got {min_permission!r}")
    bots = frozenset(b.strip().lower() for b in allowed_bots.split(",") if b.strip())
    for bot in bots - {"*"}:
        if not bot.endswith("[bot]"):
            raise InputError(f"input 'allowed-bots' names {bot!r}, which is not a bot login (NAME[bot])")
    return GatePolicy(level, bots)


def read_event(path: str | None) -> dict:
    """The event payload at GITHUB_EVENT_PATH; empty when there is none or it is unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def actors(event: Mapping, env: Mapping[str, str]) -> list[str]:
    """The distinct logins that triggered the run (see the module docstring), in that order."""
    found = [
        _login((event.get("comment") or {}).get("user")),
        _login(event.get("sender")),
        env.get("GITHUB_ACTOR", ""),
        env.get("GITHUB_TRIGGERING_ACTOR", ""),
    ]
    out: list[str] = []
    for login in found:
        if login and login.lower() not in (o.lower() for o in out):
            out.append(login)
    return out


def fork_source(event: Mapping, repository: str) -> str | None:
    """The fork a run's code or event comes from, or None: a pull request whose head repository
    is not the base (a deleted fork counts), or a ``workflow_run`` of such a head."""
    pull = event.get("pull_request")
    if isinstance(pull, dict):
        head = ((pull.get("head") or {}).get("repo") or {}).get("full_name")
        base = ((pull.get("base") or {}).get("repo") or {}).get("full_name") or repository
        if not head or head.lower() != base.lower():
            return head or "a deleted fork"
    run = event.get("workflow_run")
    if isinstance(run, dict):
        head = (run.get("head_repository") or {}).get("full_name")
        base = (run.get("repository") or {}).get("full_name") or repository
        if head and head.lower() != base.lower():
            return head
    return None


def check(
    policy: GatePolicy,
    event: Mapping,
    env: Mapping[str, str],
    repository: str,
    permission_of: Callable[[str], tuple[str, str]],
    *,
    follow_up: bool = False,
) -> list[str]:
    """Raise :class:`InputError` (one line naming the actor and what was found) unless the run
    may start; returns the actors that passed. ``permission_of(login)`` is ``(role_name, base
    role)`` (:func:`lumina_wave.github.collaborators.permission_of`), asked once per person."""
    fork = fork_source(event, repository)
    if fork:
        raise InputError(f"the run comes from the fork {fork}; lumina-wave does not start for forks")
    logins = actors(event, env)
    if not logins:
        raise InputError("cannot tell who triggered the run (no sender, GITHUB_ACTOR empty); not starting")
    dispatched = follow_up and env.get("GITHUB_EVENT_NAME") == "workflow_dispatch"
    for login in logins:
        if login.lower().endswith("[bot]"):
            if policy.allows_bot(login) or (dispatched and login.lower() == WORKFLOW_BOT):
                continue
            raise InputError(
                f"actor {login} is a bot not named in allowed-bots; not starting for it on {repository}"
            )
        role, base = permission_of(login)
        if base not in ROLES or ROLES.index(base) < ROLES.index(policy.min_permission):
            shown = role if role == base else f"{role} (base {base})"
            raise InputError(
                f"actor {login} has permission {shown} on {repository}; starting a wave needs at least "
                f"{policy.min_permission} (input min-permission)"
            )
    return logins


def _login(user: object) -> str:
    return str(user.get("login") or "") if isinstance(user, dict) else ""
