"""The run's context: what the environment says about where a command runs, read once at the entry
(:func:`lumina_wave.cli.main`, :func:`lumina_wave.action.main`) and handed to every command, with
the one factory of GitHub clients. Commands read no ``os.environ`` of their own."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave.errors import InputError

if TYPE_CHECKING:
    from lumina_wave.git import Author
    from lumina_wave.github.client import GitHubClient
    from lumina_wave.github.pacing import Pacer
    from lumina_wave.plan import Plan

DEFAULT_SERVER_URL = "https://github.com"


@dataclass(frozen=True)
class Context:
    """Where a command runs. ``repository`` is the run's (GITHUB_REPOSITORY), which a command's
    repository option defaults to; ``token`` is GITHUB_TOKEN on the CLI, input ``github-token``
    in the action; ``env`` is the whole environment as it was at the entry, for what hands it on
    (the agent's environment, the actor gate, the context folders)."""

    repository: str = ""
    token: str = ""
    api_url: str | None = None
    server_url: str = DEFAULT_SERVER_URL
    run_id: str = ""
    workflow_ref: str = ""
    workspace: str = ""
    event_path: str | None = None
    debug: bool = False
    max_wait: float | None = None
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str],
        *,
        token: str | None = None,
        debug: bool = False,
        max_wait: float | None = None,
    ) -> Context:
        """The context ``environ`` describes; ``token`` (default GITHUB_TOKEN) and ``debug``
        (also LUMINA_WAVE_DEBUG=1) as the entry knows them."""
        env = dict(environ)
        return cls(
            repository=env.get("GITHUB_REPOSITORY", ""),
            token=env.get("GITHUB_TOKEN", "") if token is None else token,
            api_url=env.get("GITHUB_API_URL") or None,
            server_url=(env.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/"),
            run_id=env.get("GITHUB_RUN_ID", ""),
            workflow_ref=env.get("GITHUB_WORKFLOW_REF", ""),
            workspace=env.get("GITHUB_WORKSPACE", ""),
            event_path=env.get("GITHUB_EVENT_PATH") or None,
            debug=debug or env.get("LUMINA_WAVE_DEBUG") == "1",
            max_wait=max_wait,
            env=env,
        )

    @property
    def workdir(self) -> str:
        """The work tree a command works in: the workspace on a runner, else here."""
        return self.workspace or os.getcwd()

    def repo_url(self, repo: str) -> str | None:
        """``https://github.com/OWNER/NAME`` of ``repo`` (None without one)."""
        return f"{self.server_url}/{repo}" if repo else None

    @property
    def run_url(self) -> str | None:
        """The URL of this workflow run (None off Actions: no repository or numeric run id)."""
        if self.repository and self.run_id.isdigit():
            return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"
        return None

    @property
    def job_url(self) -> str | None:
        """What a record's ``job_url`` holds: the URL of the workflow run its leg belongs to."""
        return self.run_url

    @property
    def triggered_by(self) -> int | None:
        """The issue or PR of the event that started the run (:func:`~lumina_wave.publish.triggering_number`)."""
        from lumina_wave.publish import triggering_number

        return triggering_number(self.event_path)

    def github(
        self, repo: str | None = None, token: str | None = None, *, pacer: Pacer | None = None
    ) -> GitHubClient:
        """The one way a command connects: a client for ``repo`` (default: the run's repository)
        with the context's token (or ``token``), API URL, retry cap and debug setting; makes no
        request (:func:`lumina_wave.github.client.connect`)."""
        from lumina_wave.github.client import connect

        name = self.repository if repo is None else repo
        secret = self.token if token is None else token
        return connect(name, secret, self.api_url, max_wait=self.max_wait, pacer=pacer, debug=self.debug)

    def default_base(self, workdir: str, plan: Plan, given: str, token: str | None = None) -> str:
        """The base option, else the plan's base, else the repository's default branch (as the
        event names it, else as origin says, asked with ``token``), else ``main``."""
        from lumina_wave.git import remote_default_branch

        return (
            given
            or plan.base
            or event_default_branch(self.event_path)
            or remote_default_branch(workdir, "origin", token)
            or "main"
        )


def event_default_branch(event_path: str | None) -> str | None:
    """``repository.default_branch`` of the event GitHub wrote (most events carry it; schedule
    does not): a round trip to the remote fewer for every leg and publisher."""
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8")) if event_path else None
    except (OSError, ValueError):
        return None
    repository = event.get("repository") if isinstance(event, dict) else None
    name = repository.get("default_branch") if isinstance(repository, dict) else None
    valid = isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._/-]*", name) and ".." not in name
    return name if valid else None


def to_runner_path(value: str, here: Path, runner: Path) -> str:
    """``value`` with the container's context folder replaced by the runner's."""
    return str(runner / Path(value).relative_to(here)) if Path(value).is_relative_to(here) else value


def parse_author(text: str) -> Author:
    """The ``author`` option (``Name <email>``; empty gives the Actions bot)."""
    from lumina_wave.git import Author

    try:
        return Author.parse(text)
    except ValueError as exc:
        raise InputError(str(exc)) from None
