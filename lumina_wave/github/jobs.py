"""The jobs of a workflow run: real start and end times and log links. The only module that calls it.

:class:`Job` and :func:`parse_time` import nothing heavy, so the pure summary can use them;
PyGithub is imported only when jobs are fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lumina_wave.github.client import GitHubClient

READ_ACTIONS = "actions: read"
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)", re.ASCII)


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


def parse_time(value: str | None) -> datetime | None:
    """An RFC 3339 timestamp (``T`` and ``Z`` in either case, or an offset) as an aware datetime;
    None stays None. ValueError for anything else: no time zone, or no such day (2024-02-30)."""
    if not value:
        return None
    if not _RFC3339.fullmatch(value):
        raise ValueError(f"not an RFC 3339 date-time: {value[:60]!r}")
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))


def _job(raw: dict) -> Job:
    return Job(
        name=str(raw.get("name") or ""),
        started_at=parse_time(raw.get("started_at")),
        completed_at=parse_time(raw.get("completed_at")),
        html_url=raw.get("html_url"),
        conclusion=raw.get("conclusion"),
    )
