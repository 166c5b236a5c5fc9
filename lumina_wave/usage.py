"""What an agent's run cost: the usage file it may write, read as hostile input, and the sums.

The agent finds the path in ``$WAVE_USAGE_FILE`` (outside its work tree) and may write one JSON
object there (schema ``usage``): ``model``, ``input_tokens`` (every input token, cached ones
included), ``cached_tokens`` (the part of the input read from a cache), ``output_tokens``,
``cost_usd`` and ``turns``; each optional. Unknown stays None, shown as "—" and never as 0.
A usage file that is not a small regular file of valid JSON matching the schema is ignored
with a warning: it never fails the leg.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

FIELDS = ("model", "input_tokens", "cached_tokens", "output_tokens", "cost_usd", "turns")
COUNTS = ("input_tokens", "cached_tokens", "output_tokens", "cost_usd", "turns")
SIZE_LIMIT = 16 * 1024
UNKNOWN = "—"


def usage_path(context_dir: str | os.PathLike[str], issue: int) -> Path:
    """Where the agent of ``issue`` may write its usage (``$WAVE_USAGE_FILE``)."""
    return Path(context_dir) / f"issue-{issue}.usage.json"


def reset_usage(path: Path, like: str | os.PathLike[str]) -> None:
    """Leave an empty usage file at ``path`` for the agent, owned as ``like`` (its work tree) is.

    The agent may not be able to create files in the context folder: in the action's container
    lumina-wave runs as root, the agent step as the runner's user, so the folder is root's. An
    empty file of the work tree's owner is one it can write. What an earlier run of the leg left
    there is removed first; what cannot be replaced is read later, and refused if it is invalid.
    """
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        try:
            owner = os.stat(like)
            if os.geteuid() == 0 and (owner.st_uid, owner.st_gid) != (0, 0):
                os.fchown(fd, owner.st_uid, owner.st_gid)
        finally:
            os.close(fd)


def read_usage(path: str | os.PathLike[str]) -> tuple[dict | None, str | None]:
    """(usage, warning): the usage the agent reported, every field present (None when unknown);
    (None, None) when it wrote none (no file, or an empty one); (None, why) when the file is not
    a valid usage file."""
    from lumina_wave.errors import InputError
    from lumina_wave.schemas import validate

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, _ignored(path, exc.strerror or str(exc))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, _ignored(path, "not a regular file")
        raw = os.read(fd, SIZE_LIMIT + 1)
    except OSError as exc:
        return None, _ignored(path, exc.strerror or str(exc))
    finally:
        os.close(fd)
    if len(raw) > SIZE_LIMIT:
        return None, _ignored(path, f"larger than {SIZE_LIMIT} bytes")
    if not raw.strip():
        return None, None  # the empty file prepare left: the agent reported nothing
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        validate(data, "usage", str(path))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, _ignored(path, " ".join(str(exc).split()))
    except InputError as exc:
        return None, _ignored(path, exc.message)  # the path is said once, not twice
    return {name: data.get(name) for name in FIELDS}, None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def _ignored(path: str | os.PathLike[str], why: str) -> str:
    from lumina_wave.errors import one_line
    from lumina_wave.markdown import truncate

    return f"usage file {path} ignored: {truncate(one_line(why), 200)}"


def add_up(usages: Iterable[dict | None]) -> dict:
    """The sum of ``usages`` (records' ``usage``, None where an issue reported none): each count
    summed over the issues that reported it, None when none did; ``reported`` counts the issues
    with a usage, ``model`` is the one model when every report names the same."""
    reported = [u for u in usages if u]
    total: dict = {"reported": len(reported)}
    for name in COUNTS:
        values = [u[name] for u in reported if u.get(name) is not None]
        total[name] = sum(values) if values else None
    models = {u.get("model") for u in reported}
    total["model"] = models.pop() if len(models) == 1 else None
    if total["cost_usd"] is not None:
        total["cost_usd"] = round(total["cost_usd"], 6)
    return total


def tokens(usage: dict | None) -> int | None:
    """Input plus output tokens; None when neither is known."""
    if not usage or (usage.get("input_tokens") is None and usage.get("output_tokens") is None):
        return None
    return (usage.get("input_tokens") or 0) + (usage.get("output_tokens") or 0)


def count_text(value: int | None) -> str:
    return UNKNOWN if value is None else f"{value:,}"


def cost_text(value: float | None) -> str:
    """``$0.42`` (``$0.0042`` below a cent); "—" when unknown."""
    if value is None:
        return UNKNOWN
    return f"${value:.2f}" if value >= 0.01 or value == 0 else f"${value:.4f}"
