"""The jobs of a workflow run: real start and end times and log links. The only module that calls it.

PyGithub is imported only when jobs are fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from lumina_wave.times import parse_time

if TYPE_CHECKING:
    from lumina_wave.github.client import GitHubClient

READ_ACTIONS = "actions: read"


@dataclass(frozen=True)
class Job:
    """One job of a run, as GET …/actions/runs/{run_id}/jobs reports it."""

    name: str
    started_at: datetime | None
    completed_at: datetime | None
    html_url: str | None
    conclusion: str | None = None


def run_jobs(client: GitHubClient, run_id: int) -> list[Job]:
    """Every job of the latest attempt of run ``run_id`` (100 a page, following ``Link: next``)."""
    from lumina_wave.github.client import api_errors, pages

    path = f"/repos/{client.full_name}/actions/runs/{run_id}/jobs"
    with api_errors(f"reading the jobs of run {run_id}", READ_ACTIONS):
        return [_job(raw) for page in pages(client, path, {"filter": "latest"}, key="jobs") for raw in page]


def _job(raw: dict) -> Job:
    return Job(
        name=str(raw.get("name") or ""),
        started_at=parse_time(raw.get("started_at")),
        completed_at=parse_time(raw.get("completed_at")),
        html_url=raw.get("html_url"),
        conclusion=raw.get("conclusion"),
    )
