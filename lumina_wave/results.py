"""Leg result records (result-N.json): the only thing that crosses from a leg to later jobs."""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lumina_wave.errors import InputError, Origin, valid_unicode
from lumina_wave.markdown import truncate

# Where the plan command writes plan.json and the legs their records; every command's default.
DEFAULT_PLAN_FILE = ".lumina-wave/plan.json"
DEFAULT_RESULTS_DIR = ".lumina-wave/results"
RESULT_VERSION = 1  # a record's status is one of lumina_wave.statuses.STATUSES


def utc_now() -> str:
    """The current time as an ISO 8601 UTC timestamp with milliseconds and a ``Z`` (short local legs need them)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_record(plan_id: str, issue: int, status: str, branch: str, **fields: Any) -> dict:
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
    return record


def result_path(results_dir: str | os.PathLike[str], issue: int) -> Path:
    return Path(results_dir) / f"result-{issue}.json"


def write_result(results_dir: str | os.PathLike[str], record: dict) -> Path:
    """Validate and write ``record`` atomically (a reader never sees half a file), never through
    a link (:mod:`lumina_wave.safe_files`)."""
    from lumina_wave.safe_files import write_text  # not at the top: plan never writes a record
    from lumina_wave.schemas import validate

    validate(record, "result", f"result-{record.get('issue')}.json")
    target = result_path(results_dir, record["issue"])
    return write_text(target, json.dumps(record, indent=2, ensure_ascii=False) + "\n")


def write_summary_files(out_dir: str | os.PathLike[str], data: dict, markdown: str) -> None:
    """Write the completion summary as ``summary.json`` (``data``) and ``summary.md`` under ``out_dir``."""
    from lumina_wave.safe_files import write_text

    out = Path(out_dir)
    write_text(out / "summary.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    write_text(out / "summary.md", markdown)


@dataclass(frozen=True)
class Rejected:
    """A result record that could not be used: its file, the issue its name gives, and why."""

    path: str
    issue: int | None
    reason: str


def record_problem(record: dict, file_name: str, issues: Collection[int], repo_url: str | None) -> str | None:
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


def read_results(
    results_dir: str | os.PathLike[str],
    plan_id: str | None = None,
    *,
    issues: Collection[int] | None = None,
    repo_url: str | None = None,
    warnings: list[str] | None = None,
) -> dict[int, dict]:
    """Every ``result-N.json`` under ``results_dir`` (see :func:`read_records`).

    Without ``issues`` a bad record is bad input (exit 2): a leg must not start from records it
    cannot trust. With ``issues`` (the plan's, as a publisher reads records anyone could have
    planted), a rejected record of an issue of the plan becomes a ``record rejected`` failure,
    so its dependents are blocked, and ``warnings`` gets one line for each rejected record.
    """
    from lumina_wave.plan import branch_name  # not at the top: plan imports this module

    results, rejected = read_records(results_dir, plan_id, issues=issues, repo_url=repo_url)
    if issues is None:
        if rejected:
            raise InputError(f"unreadable result record: {rejected[0].reason}", Origin(rejected[0].path))
        return results
    for bad in rejected:
        if warnings is not None:
            warnings.append(rejected_line(bad))
        if bad.issue is not None and bad.issue in issues:
            results[bad.issue] = new_record(
                plan_id or "",
                bad.issue,
                "failed",
                branch_name(bad.issue),
                error=f"record rejected: {bad.reason}",
            )
    return dict(sorted(results.items()))


def read_records(
    results_dir: str | os.PathLike[str],
    plan_id: str | None = None,
    *,
    issues: Collection[int] | None = None,
    repo_url: str | None = None,
) -> tuple[dict[int, dict], list[Rejected]]:
    """Every ``result-N.json`` under ``results_dir`` (searched recursively, as artifacts unpack),
    and the records rejected, each for its first problem.

    Records are validated (schema, timestamps, valid Unicode); a record of another plan is
    ignored when ``plan_id`` is given. With ``issues`` (the plan's) each record is also checked
    by :func:`record_problem`; a rejected record names its issue only when its file is named for
    an issue of the plan, and such a rejection wins over any other record of that issue. When
    two files hold the same issue, the one that finished last wins.
    """
    root = Path(results_dir)
    if not root.is_dir():
        return {}, []
    found: dict[int, dict] = {}
    rejected: list[Rejected] = []
    for path in sorted(root.rglob("result-*.json")):
        number = path.name.removeprefix("result-").removesuffix(".json")
        named = int(number) if number.isdecimal() and len(number) < 10 else None
        try:
            record = _read_record(path)
        except InputError as exc:
            rejected.append(Rejected(str(path), named, exc.message))
            continue
        if plan_id is not None and record["plan_id"] != plan_id:
            continue
        if issues is not None and (why := record_problem(record, path.name, issues, repo_url)):
            rejected.append(Rejected(str(path), named if named in issues else None, why))
            continue
        previous = found.get(record["issue"])
        if previous is None or (record["finished_at"] or "") >= (previous["finished_at"] or ""):
            found[record["issue"]] = record
    for bad in rejected:
        if bad.issue is not None:
            found.pop(bad.issue, None)
    return dict(sorted(found.items())), rejected


def _read_record(path: Path) -> dict:
    """One record, checked; :class:`InputError` (message only) for its first problem."""
    from lumina_wave.schemas import describe, errors
    from lumina_wave.times import parse_time

    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(exc)) from None
    except RecursionError:
        raise InputError("nested too deeply to read") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise InputError(truncate(str(exc).split(";")[0], 120)) from None
    found = errors(record, "result")
    if found:
        raise InputError(f"invalid result: {truncate(describe(found[0]), 200)}")
    for key in ("started_at", "finished_at"):
        try:
            parse_time(record[key])
        except ValueError:
            raise InputError(f"{key}: {truncate(record[key], 60)!r} is not an ISO 8601 time") from None
    if not valid_unicode(record):
        raise InputError("text is not valid Unicode (a lone UTF-16 surrogate)")
    return record
