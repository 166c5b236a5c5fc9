"""Leg result records (result-N.json): the only thing that crosses from a leg to later jobs."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lumina_wave.errors import InputError, Origin, valid_unicode
from lumina_wave.markdown import truncate

# Where the plan command writes plan.json and the legs their records; every command's default.
DEFAULT_PLAN_FILE = ".lumina-wave/plan.json"
DEFAULT_RESULTS_DIR = ".lumina-wave/results"
RESULT_VERSION = 1
STATUSES = ("success", "no-changes", "failed", "blocked", "cancelled")
DONE_STATUSES = frozenset({"success", "no-changes"})


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


def read_results(results_dir: str | os.PathLike[str], plan_id: str | None = None) -> dict[int, dict]:
    """Every ``result-N.json`` under ``results_dir`` (see :func:`read_records`); a bad record is
    bad input (exit 2): a leg must not start from records it cannot trust."""
    results, rejected = read_records(results_dir, plan_id)
    if rejected:
        raise InputError(f"unreadable result record: {rejected[0].reason}", Origin(rejected[0].path))
    return results


def read_records(
    results_dir: str | os.PathLike[str], plan_id: str | None = None
) -> tuple[dict[int, dict], list[Rejected]]:
    """Every ``result-N.json`` under ``results_dir`` (searched recursively, as artifacts unpack),
    and the records rejected, each for its first problem.

    Records are validated (schema, timestamps, valid Unicode); a record of another plan is
    ignored when ``plan_id`` is given. When two files hold the same issue, the one that
    finished last wins.
    """
    root = Path(results_dir)
    if not root.is_dir():
        return {}, []
    found: dict[int, dict] = {}
    rejected: list[Rejected] = []
    for path in sorted(root.rglob("result-*.json")):
        try:
            record = _read_record(path)
        except InputError as exc:
            number = path.name.removeprefix("result-").removesuffix(".json")
            issue = int(number) if number.isdecimal() and len(number) < 10 else None
            rejected.append(Rejected(str(path), issue, exc.message))
            continue
        if plan_id is not None and record["plan_id"] != plan_id:
            continue
        previous = found.get(record["issue"])
        if previous is None or (record["finished_at"] or "") >= (previous["finished_at"] or ""):
            found[record["issue"]] = record
    return dict(sorted(found.items())), rejected


def _read_record(path: Path) -> dict:
    """One record, checked; :class:`InputError` (message only) for its first problem."""
    from lumina_wave.github.jobs import parse_time
    from lumina_wave.schemas import describe, errors

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
