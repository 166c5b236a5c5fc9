"""Leg result records (result-N.json): the only thing that crosses from a leg to later jobs."""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lumina_wave.errors import InputError, Origin

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
    }
    unknown = set(fields) - set(record)
    if unknown:
        raise TypeError(f"unknown result fields: {sorted(unknown)}")
    record.update(fields)
    return record


def result_path(results_dir: str | os.PathLike[str], issue: int) -> Path:
    return Path(results_dir) / f"result-{issue}.json"


def write_result(results_dir: str | os.PathLike[str], record: dict) -> Path:
    """Validate and write ``record`` atomically (a reader never sees half a file)."""
    import tempfile  # not at the top: plan, which imports this module, never writes a record

    from lumina_wave.schemas import validate

    validate(record, "result", f"result-{record.get('issue')}.json")
    target = result_path(results_dir, record["issue"])
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, target)
    return target


def write_summary_files(out_dir: str | os.PathLike[str], data: dict, markdown: str) -> None:
    """Write the completion summary as ``summary.json`` (``data``) and ``summary.md`` under ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (out / "summary.md").write_text(markdown, "utf-8")


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


def rejected_record(record: dict, why: str) -> dict:
    """What a rejected record of an issue of the plan shows instead: failed, ``record rejected``."""
    return new_record(
        record["plan_id"], record["issue"], "failed", record["branch"], error=f"record rejected: {why}"
    )


def read_results(
    results_dir: str | os.PathLike[str],
    plan_id: str | None = None,
    *,
    issues: Collection[int] | None = None,
    repo_url: str | None = None,
    warnings: list[str] | None = None,
) -> dict[int, dict]:
    """Every ``result-N.json`` under ``results_dir`` (searched recursively, as artifacts unpack).

    Records are validated; a record of another plan is ignored when ``plan_id`` is given.
    When two files hold the same issue, the one that finished last wins. With ``issues`` (the
    plan's), each record is checked (:func:`record_problem`): one that fails is replaced by a
    ``record rejected`` failure (dropped when its issue is not in the plan), and ``warnings``
    gets one line naming it.
    """
    from lumina_wave.schemas import validate

    root = Path(results_dir)
    if not root.is_dir():
        return {}
    found: dict[int, dict] = {}
    rejected: dict[int, dict] = {}
    for path in sorted(root.rglob("result-*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"unreadable result record: {exc}", Origin(str(path))) from None
        validate(record, "result", str(path))
        if plan_id is not None and record["plan_id"] != plan_id:
            continue
        if issues is not None and (why := record_problem(record, path.name, issues, repo_url)):
            if warnings is not None:
                warnings.append(f"result record {path.name} rejected: {why}")
            if record["issue"] in issues and path.name == f"result-{record['issue']}.json":
                rejected[record["issue"]] = rejected_record(record, why)  # wins over any other
            continue
        previous = found.get(record["issue"])
        if previous is None or (record["finished_at"] or "") >= (previous["finished_at"] or ""):
            found[record["issue"]] = record
    return dict(sorted({**found, **rejected}.items()))
