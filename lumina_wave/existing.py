"""A leg's branch that exists already: which commits are lumina-wave's, what a leg does with it.

lumina-wave marks every commit it makes (the leg's commit, the merges of stacking) with the
trailers ``Lumina-Wave-Plan: <plan id>`` and ``Lumina-Wave-Issue: <N>``. A commit on
``feature/issue-N`` beyond the leg's start refs without such a trailer is someone else's (a
reviewer's, GitHub's "Update branch" merge, an agent's own commit): a leg never drops it.
``existing-branch`` says what a leg does then: ``continue`` (default) builds on the branch,
``restart`` starts again from the base after keeping the old tip under a backup ref, ``skip``
leaves the issue alone. An issue whose PR was merged or closed is skipped unless ``restart``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from lumina_wave import git
from lumina_wave.results import utc_now

MODES = ("continue", "restart", "skip")
DEFAULT_MODE = "continue"
TRAILER_PLAN = "Lumina-Wave-Plan"
TRAILER_ISSUE = "Lumina-Wave-Issue"
BACKUP_REF = "refs/lumina-wave/backup/issue-{issue}/{stamp}"


def parse_mode(text: str, name: str = "existing-branch") -> str:
    """The ``existing-branch`` input (empty: the default); anything else is bad input."""
    from lumina_wave.errors import InputError

    mode = text.strip() or DEFAULT_MODE
    if mode not in MODES:
        raise InputError(f"{name} must be one of {', '.join(MODES)}, got {text!r}")
    return mode


def stamp() -> str:
    """A timestamp usable in a ref name: ``20261201T203000.123Z``."""
    return utc_now().replace("-", "").replace(":", "")


def backup_ref(issue: int, when: str | None = None) -> str:
    return BACKUP_REF.format(issue=issue, stamp=when or stamp())


def trailers(plan_id: str, issue: int) -> str:
    """The trailer lines that mark a commit as lumina-wave's."""
    return f"{TRAILER_PLAN}: {plan_id}\n{TRAILER_ISSUE}: {issue}"


def marked(message: str, plan_id: str, issue: int) -> str:
    """``message`` with lumina-wave's trailers as its last paragraph."""
    return f"{message.rstrip()}\n\n{trailers(plan_id, issue)}\n"


def foreign_commits(directory: str | os.PathLike[str], tip: str, exclude: Sequence[str]) -> list[str]:
    """The commits reachable from ``tip`` but not from ``exclude`` that carry no lumina-wave
    trailer (newest first): the work of others on the branch."""
    return git.commits_without(directory, tip, exclude, f"^{TRAILER_ISSUE}: [0-9]+$")


def pr_skip_reason(mode: str, pr: dict | None) -> str | None:
    """Why a leg leaves its issue alone because of its PR (the newest PR of the branch, as the
    API lists it), or None. Pure."""
    if pr is None or pr.get("state") == "open" or mode == "restart":
        return None
    how = "merged" if pr.get("merged_at") else "closed"
    return f"PR #{pr['number']} of this branch was {how}: left alone (existing-branch: restart runs it again)"


def foreign_text(branch: str, foreign: Sequence[str]) -> str:
    count = len(foreign)
    return f"{branch} has {count} commit{'s' if count != 1 else ''} by others ({foreign[0][:12]})"


def skip_reason(mode: str, branch: str, foreign: Sequence[str]) -> str | None:
    """Why a leg leaves its issue alone because ``branch`` has the commits of others ``foreign``
    (mode skip), or None. Pure."""
    if not foreign or mode != "skip":
        return None
    return f"{foreign_text(branch, foreign)}: left alone (existing-branch: skip)"
