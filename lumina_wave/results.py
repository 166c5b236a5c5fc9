"""Leg result records (result-N.json): the only thing that crosses from a leg to later jobs; the
store (:mod:`lumina_wave.store`) reads and writes them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict, cast

RESULT_VERSION = 1  # a record's status is one of lumina_wave.statuses.STATUSES


def utc_now() -> str:
    """The current time as an ISO 8601 UTC timestamp with milliseconds and a ``Z`` (short local legs need them)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ResultRecord(TypedDict):
    """A result record, as ``schemas/result.schema.json`` describes it (:func:`new_record` fills
    every field; one read from a file may lack those an older version did not write)."""

    version: int
    plan_id: str
    issue: int
    status: str
    branch: str
    base: str | None
    commit: str | None
    start: NotRequired[str | None]
    pr_number: int | None
    pr_url: str | None
    started_at: str | None
    finished_at: str | None
    agent_outcome: str | None
    error: str | None
    blocked_by: list[int]
    wave: NotRequired[int | None]
    job_url: NotRequired[str | None]
    usage: NotRequired[dict[str, Any] | None]
    attempts: NotRequired[int | None]
    warnings: NotRequired[list[str]]
    backup_ref: NotRequired[str | None]


def new_record(plan_id: str, issue: int, status: str, branch: str, **fields: Any) -> ResultRecord:
    """A complete result record; ``fields`` override the empty defaults."""
    record: dict[str, Any] = {
        "version": RESULT_VERSION,
        "plan_id": plan_id,
        "issue": issue,
        "status": status,
        "branch": branch,
        "base": None,
        "commit": None,
        "start": None,
        "pr_number": None,
        "pr_url": None,
        "started_at": None,
        "finished_at": None,
        "agent_outcome": None,
        "error": None,
        "blocked_by": [],
        "wave": None,
        "job_url": None,
        "usage": None,
        "attempts": None,
        "warnings": [],
        "backup_ref": None,
    }
    unknown = set(fields) - set(record)
    if unknown:
        raise TypeError(f"unknown result fields: {sorted(unknown)}")
    record.update(fields)
    return cast(ResultRecord, record)


@dataclass(frozen=True)
class Rejected:
    """A result record that could not be used: its file, the issue its name gives, and why."""

    path: str
    issue: int | None
    reason: str


def record_problem(
    record: ResultRecord, file_name: str, issues: Collection[int], repo_url: str | None
) -> str | None:
    """Why a record cannot be the record of its issue (None when it can). Pure.

    Its file must be named for its issue, the issue must be in the plan, and a PR it names must
    be a PR of this repository (``repo_url``, e.g. ``https://github.com/o/r``; not checked when
    the repository is unknown, as no comment is written then): a record planted
    by someone else than its publisher must not lend its issue a foreign PR or comment target.
    """
    if file_name != f"result-{record['issue']}.json":
        return f"{file_name} holds the record of #{record['issue']}"
    if record["issue"] not in issues:
        return f"#{record['issue']} is not in the plan"
    names_pr = record["pr_number"] is not None or record["pr_url"] is not None
    if names_pr and repo_url and record["pr_url"] != f"{repo_url}/pull/{record['pr_number']}":
        return "its PR is not a PR of this repository"
    return None


def rejected_line(rejected: Rejected) -> str:
    """The warning for one rejected record, on one line."""
    from lumina_wave.errors import one_line

    return one_line(f"{rejected.path}: result record rejected: {rejected.reason}")
