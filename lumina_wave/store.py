"""The store: every file that crosses a step or job boundary is read and written here.

plan.json (and its digest), the result records, the legs' drafts and bundles, a leg's state (what
prepare hands finish or collect), the completion summary. Writes go through
:mod:`lumina_wave.safe_files` (never through a link); every read is validated (its schema, or a
typed check) and a problem is an :class:`~lumina_wave.errors.InputError` naming the file and what
is wrong, a missing file a :class:`Missing` one, never an empty value. Files another job wrote,
and everything in the agent's reach, are untrusted: records and drafts are checked field by field,
and the publisher re-derives what it acts on (:func:`lumina_wave.legs.publish_leg`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lumina_wave.errors import InputError, Origin, valid_unicode
from lumina_wave.markdown import truncate
from lumina_wave.results import Rejected, ResultRecord, new_record, record_problem, rejected_line
from lumina_wave.safe_files import CONTAINER_HOME, write_text

if TYPE_CHECKING:
    from lumina_wave.plan import Plan

# Where the plan command writes plan.json and the legs their records; every command's default.
DEFAULT_PLAN_FILE = ".lumina-wave/plan.json"
DEFAULT_RESULTS_DIR = ".lumina-wave/results"
DEFAULT_OUT_DIR = (
    ".lumina-wave/out"  # what a job leaves for the next: a leg's bundle and draft, a wave's records
)
DEFAULT_LEGS_DIR = ".lumina-wave/legs"  # where the publisher finds the legs' bundles and drafts
CONTAINER_WORKSPACE = "/github/workspace"
CONTEXT_FOLDER = "lumina-wave"
DRAFT_LIMIT = 1024 * 1024
STATE_LIMIT = 64 * 1024


class Missing(InputError):
    """A file that should be there is not (exit 2, like any other bad input)."""


def _read_json(path: Path, limit: int | None = None) -> Any:
    """The JSON in ``path``; :class:`InputError` (message only) when it cannot be read as such,
    :class:`Missing` when it is not there."""
    try:
        if limit is not None and path.stat().st_size > limit:
            raise InputError(f"larger than {limit:,} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Missing("not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(" ".join(str(exc).split())) from None
    except RecursionError:
        raise InputError("nested too deeply to read") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise InputError(truncate(str(exc).split(";")[0], 120)) from None
    if not valid_unicode(data):
        raise InputError("text is not valid Unicode (a lone UTF-16 surrogate)")
    return data


def _write_json(path: str | os.PathLike[str], data: Any, indent: int | None = 2) -> Path:
    return write_text(path, json.dumps(data, indent=indent, ensure_ascii=False) + "\n")


# --- plan.json -------------------------------------------------------------------------------------


def load_plan(path: str, digest: str = "") -> Plan:
    """plan.json, validated; a missing or unreadable file is bad input. ``digest`` (the plan job's
    ``plan-digest`` output, passed through ``needs``, where no leg can change it) must match the
    file: a plan artifact replaced after the plan job is refused."""
    from lumina_wave.plan import plan_digest, plan_from_json

    try:
        raw = Path(path).read_bytes()
        if digest and plan_digest(raw) != digest:
            raise InputError(
                "plan.json is not the plan job's (its digest differs from plan-digest): refused", Origin(path)
            )
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise Missing("plan file not found (run the plan command first)", Origin(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the plan: {exc}", Origin(path)) from None
    except (RecursionError, ValueError):  # nested too deeply, or an integer of 4,300+ digits
        raise InputError(
            "cannot read the plan: nested too deeply or a number too long", Origin(path)
        ) from None
    if not valid_unicode(data):
        raise InputError("cannot read the plan: text is not valid Unicode (a lone surrogate)", Origin(path))
    return plan_from_json(data, path)


def write_plan(plan: Plan, path: str) -> dict:
    """Write plan.json to ``path`` (never through a link) and return its content."""
    from lumina_wave.plan import plan_to_json

    data = plan_to_json(plan)
    _write_json(path, data)
    return data


# --- result records (result-N.json) ----------------------------------------------------------------


def result_path(results_dir: str | os.PathLike[str], issue: int) -> Path:
    return Path(results_dir) / f"result-{issue}.json"


def write_result(results_dir: str | os.PathLike[str], record: ResultRecord) -> Path:
    """Validate and write ``record`` atomically (a reader never sees half a file), never through
    a link (:mod:`lumina_wave.safe_files`)."""
    from lumina_wave.schemas import validate

    validate(record, "result", f"result-{record.get('issue')}.json")
    return _write_json(result_path(results_dir, record["issue"]), record)


def read_results(
    results_dir: str | os.PathLike[str],
    plan_id: str | None = None,
    *,
    issues: Collection[int] | None = None,
    repo_url: str | None = None,
    warnings: list[str] | None = None,
) -> dict[int, ResultRecord]:
    """Every ``result-N.json`` under ``results_dir`` (see :func:`read_records`).

    Without ``issues`` a bad record is bad input (exit 2): a leg must not start from records it
    cannot trust. With ``issues`` (the plan's, as a publisher reads records anyone could have
    planted), a rejected record of an issue of the plan becomes a ``record rejected`` failure,
    so its dependents are blocked, and ``warnings`` gets one line for each rejected record.
    """
    from lumina_wave.plan import branch_name

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
) -> tuple[dict[int, ResultRecord], list[Rejected]]:
    """Every ``result-N.json`` under ``results_dir`` (searched recursively, as artifacts unpack),
    and the records rejected, each for its first problem.

    Records are validated (schema, timestamps, valid Unicode); a record of another plan is
    ignored when ``plan_id`` is given. With ``issues`` (the plan's) each record is also checked
    by :func:`~lumina_wave.results.record_problem`; a rejected record names its issue only when
    its file is named for an issue of the plan, and such a rejection wins over any other record
    of that issue. When two files hold the same issue, the one that finished last wins. No
    folder is no records (no earlier wave left any).
    """
    root = Path(results_dir)
    if not root.is_dir():
        return {}, []
    found: dict[int, ResultRecord] = {}
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


def _read_record(path: Path, limit: int | None = None) -> ResultRecord:
    """One record, checked; :class:`InputError` (message only) for its first problem."""
    from lumina_wave.schemas import describe, errors
    from lumina_wave.times import parse_time

    record = _read_json(path, limit)
    found = errors(record, "result")
    if found:
        raise InputError(f"invalid result: {truncate(describe(found[0]), 200)}")
    for key in ("started_at", "finished_at"):
        try:
            parse_time(record[key])
        except ValueError:
            raise InputError(f"{key}: {truncate(record[key], 60)!r} is not an ISO 8601 time") from None
    return cast(ResultRecord, record)  # the schema checked is the TypedDict's


# --- a leg's artifact: its draft record and bundle, for the publisher ------------------------------


def bundle_file(out_dir: str | os.PathLike[str], issue: int) -> Path:
    return Path(out_dir) / f"issue-{issue}.bundle"


def draft_file(out_dir: str | os.PathLike[str], issue: int) -> Path:
    return Path(out_dir) / f"draft-{issue}.json"


def write_draft(out_dir: str | os.PathLike[str], record: ResultRecord) -> Path:
    """The draft record ``draft-N.json`` (a result record the publisher checks, never trusts)."""
    written = write_result(Path(out_dir), record)
    return written.replace(draft_file(out_dir, record["issue"]))


def read_draft(legs_dir: str | os.PathLike[str], issue: int) -> tuple[ResultRecord | None, str | None]:
    """A leg's draft record, validated, or None with why it was not usable (None, None: the leg
    left none, or a link in its place: its publisher records the leg failed)."""
    path = draft_file(legs_dir, issue)
    if not path.is_file() or path.is_symlink():
        return None, None
    try:
        return _read_record(path, DRAFT_LIMIT), None
    except InputError as exc:
        return None, f"draft record of #{issue} ignored: {path.name}: {' '.join(exc.message.split())}"


def leg_bundle(legs_dir: str | os.PathLike[str], issue: int) -> Path | None:
    """A leg's bundle, when it left one as a regular file."""
    path = bundle_file(legs_dir, issue)
    return path if path.is_file() and not path.is_symlink() else None


# --- a leg's state: what prepare hands finish or collect -------------------------------------------


@dataclass(frozen=True)
class LegState:
    """What prepare leaves for the end of its leg (``issue-N.state.json``, outside the work tree,
    but in the agent's reach on GitHub: the publisher checks what the draft says of it): its start
    time, base, the default base, the start commit, and the commits its branch started from (the
    bundle's prerequisites)."""

    started_at: str
    base: str
    default_base: str
    start: str
    start_from: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "base": self.base,
            "default_base": self.default_base,
            "start": self.start,
            "from": list(self.start_from),
        }


def index_file(context_dir: str | os.PathLike[str], issue: int) -> Path:
    """Where prepare saves the work tree's index, the stat data that spares collect hashing every file."""
    return Path(context_dir) / f"issue-{issue}.index"


def state_file(context_dir: str | os.PathLike[str], issue: int) -> Path:
    """Where prepare leaves its state for finish or collect."""
    return Path(context_dir) / f"issue-{issue}.state.json"


def write_leg_state(context_dir: str | os.PathLike[str], issue: int, state: LegState) -> Path:
    return _write_json(state_file(context_dir, issue), state.to_json(), indent=None)


def read_leg_state(
    context_dir: str | os.PathLike[str], issue: int, *, agent_ran: bool = True
) -> LegState | None:
    """What prepare left for the end of the leg; :class:`InputError` when it is not what prepare
    writes, :class:`Missing` when it left nothing (prepare did not start the leg, or ran with
    another context folder). None only when ``agent_ran`` is false and there is none: prepare
    stopped before the leg started, and the leg is recorded failed without a start."""
    path = state_file(context_dir, issue)
    try:
        if path.is_symlink():
            raise InputError("is a symbolic link")
        return _leg_state(_read_json(path, STATE_LIMIT))
    except Missing:
        if not agent_ran:
            return None
        raise Missing(
            "the leg's state is not there: was prepare run (with this context folder)?", Origin(str(path))
        ) from None
    except InputError as exc:
        raise InputError(f"the leg's state is unreadable: {exc.message}", Origin(str(path))) from None


def _leg_state(data: Any) -> LegState:
    from lumina_wave.times import parse_time

    keys = {"started_at", "base", "default_base", "start", "from"}
    if not isinstance(data, dict) or set(data) != keys:
        raise InputError(f"not an object with exactly {', '.join(sorted(keys))}")
    texts = [data[k] for k in ("started_at", "base", "default_base", "start")]
    if not all(isinstance(t, str) and t for t in texts) or not isinstance(data["from"], list):
        raise InputError("started_at, base, default_base and start must be text, from a list")
    if not all(_is_commit(c) for c in [data["start"], *data["from"]]):
        raise InputError("start and from must be commits (40 hex digits)")
    try:
        parse_time(data["started_at"])
    except ValueError:
        raise InputError(
            f"started_at: {truncate(data['started_at'], 60)!r} is not an ISO 8601 time"
        ) from None
    return LegState(
        data["started_at"], data["base"], data["default_base"], data["start"], tuple(data["from"])
    )


def _is_commit(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 40 and all(c in "0123456789abcdef" for c in value)


def context_dirs(env: dict[str, str]) -> tuple[Path, Path]:
    """Where the leg's context files go, outside the work tree: (path here, path on the runner).

    Inside the action's container HOME is /github/home, which the runner mounts from
    ``$RUNNER_TEMP/_github_home`` (actions/runner ContainerActionHandler); the agent step runs on
    the runner, so the paths it gets are the runner's. Elsewhere both are ``$RUNNER_TEMP/lumina-wave``
    (or the system temp directory).
    """
    temp = env.get("RUNNER_TEMP")
    if env.get("GITHUB_WORKSPACE") == CONTAINER_WORKSPACE and temp:
        return Path(CONTAINER_HOME, CONTEXT_FOLDER), Path(temp, "_github_home", CONTEXT_FOLDER)
    here = Path(temp or tempfile.gettempdir(), CONTEXT_FOLDER)
    return here, here


# --- the completion summary ------------------------------------------------------------------------


def write_summary_files(out_dir: str | os.PathLike[str], data: dict, markdown: str) -> None:
    """Write the completion summary as ``summary.json`` (``data``) and ``summary.md`` under ``out_dir``."""
    _write_json(Path(out_dir) / "summary.json", data)
    write_text(Path(out_dir) / "summary.md", markdown)
