"""Plans deeper than the reusable workflow's wave slots: which waves a run works, and what the
follow-up run must carry. Pure: the dispatch itself is :mod:`lumina_wave.github.dispatch`.

A run works waves ``start … start + slots - 1``. When the plan goes deeper, its summarize job
dispatches the calling workflow again (``workflow_dispatch``, which GITHUB_TOKEN may trigger)
with the inputs of :func:`follow_up_inputs`: the plan id (the follow-up reads plan.json from the
previous run and checks it), the first wave to work, the previous run's id (whose artifacts hold
the plan and every earlier result record) and the comment targets, so the sticky summary comment
of the plan is edited, never duplicated.

Exactly once. The summary comment of the plan records each follow-up dispatched, in a hidden
line under its marker (:func:`follow_ups_line`); summarize reads it back from the comment
before it dispatches, so a re-run of summarize, or of the whole run, does not start a second
follow-up for the same start wave. A dispatch whose answer was lost is recorded too (run
``?``) and never repeated blindly.

Retry runs (input ``retry``) work only some issues of the plan (``Plan.works``): their wave
slots skip the waves where they work nothing (:func:`window`), and the comment names the run
that wrote it last (:func:`run_line`), where a retry without ``previous-run-id`` finds its plan.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from lumina_wave.errors import InputError
from lumina_wave.plan import Plan

# The workflow_dispatch inputs the calling workflow declares and hands on to wave.yml.
FOLLOW_UP_INPUTS = ("plan-id", "start-wave", "previous-run-id", "comment-on")
UNKNOWN_RUN = "?"
_RUN = re.compile(r"^<!-- lumina-wave:run ([1-9][0-9]{0,19}) -->$", re.MULTILINE)
_FOLLOW_UPS = re.compile(
    r"^<!-- lumina-wave:follow-ups ((?:[1-9][0-9]*=(?:[0-9]+|\?),?)*) -->$", re.MULTILINE
)


@dataclass(frozen=True)
class Window:
    """The waves one run works: ``first … last`` of a plan of ``wave_count`` waves (1-based);
    ``waves`` are those its wave slots work, in order (a retry run skips waves where it works
    nothing: GitHub refuses an empty matrix)."""

    first: int
    last: int
    wave_count: int
    waves: tuple[int, ...] = ()

    @property
    def next_start(self) -> int | None:
        """The first wave of the follow-up run, or None when this run reaches the plan's end."""
        return self.last + 1 if self.last < self.wave_count else None


def window(wave_count: int, start: int, slots: int | None, worked: Collection[int] | None = None) -> Window:
    """The waves a run starting at wave ``start`` works with ``slots`` wave slots (None: all);
    ``worked``, when given, are the only waves holding issues the run works (a retry run)."""
    if start < 1:
        raise InputError(f"input 'start-wave' must be at least 1, got {start}")
    if wave_count and start > wave_count:
        raise InputError(f"input 'start-wave' is {start} but the plan has only {wave_count} waves")
    todo = [w for w in range(start, wave_count + 1) if worked is None or w in worked]
    waves = tuple(todo if slots is None else todo[:slots])
    last = waves[-1] if len(waves) < len(todo) else wave_count
    return Window(start, last, wave_count, waves)


def worked_waves(plan: Plan) -> frozenset[int] | None:
    """The waves holding an issue the run works, None when it works every issue."""
    return None if plan.works is None else frozenset(plan.wave_of[n] for n in plan.works)


def follow_up_inputs(plan_id: str, start: int, run_id: str, comment_on: list[int]) -> dict[str, str]:
    """The ``inputs`` of the workflow_dispatch that continues the plan at wave ``start``."""
    return {
        "plan-id": plan_id,
        "start-wave": str(start),
        "previous-run-id": run_id,
        "comment-on": ",".join(str(n) for n in comment_on),
    }


def follow_ups_line(dispatched: Mapping[int, str]) -> str:
    """The hidden line recording the follow-ups dispatched: start wave -> run id (``?``: unknown)."""
    entries = ",".join(f"{start}={run}" for start, run in sorted(dispatched.items()))
    return f"<!-- lumina-wave:follow-ups {entries} -->"


def parse_follow_ups(body: str) -> dict[int, str]:
    """The follow-ups recorded in a summary comment's ``body`` (empty when none)."""
    match = _FOLLOW_UPS.search(body)
    if not match:
        return {}
    pairs = (entry.partition("=") for entry in match[1].split(",") if entry)
    return {int(start): run for start, _, run in pairs}


def run_line(run_id: str) -> str:
    """The hidden line naming the run that last wrote a summary comment: a retry run with no
    ``previous-run-id`` downloads that run's plan and records (:func:`parse_run`)."""
    return f"<!-- lumina-wave:run {run_id} -->"


def parse_run(body: str) -> str | None:
    """The run id a summary comment's ``body`` records, None when it records none."""
    match = _RUN.search(body)
    return match[1] if match else None


@dataclass(frozen=True)
class WorkflowRef:
    """The calling workflow of a run, from GITHUB_WORKFLOW_REF."""

    repo: str
    workflow: str  # the file name, which the dispatch API takes as workflow_id
    ref: str  # branch or tag name


def parse_workflow_ref(value: str) -> WorkflowRef:
    """``OWNER/REPO/.github/workflows/FILE@REF`` (GITHUB_WORKFLOW_REF: the caller's, also inside a
    reusable workflow) as its parts; ``refs/heads/`` and ``refs/tags/`` are dropped from REF."""
    path, at, ref = value.partition("@")
    owner, _, rest = path.partition("/")
    repo, _, file = rest.partition("/")
    if not (at and owner and repo and ref) or not file.startswith(".github/workflows/"):
        raise InputError(f"GITHUB_WORKFLOW_REF is not OWNER/REPO/.github/workflows/FILE@REF: {value!r}")
    for prefix in ("refs/heads/", "refs/tags/"):
        ref = ref.removeprefix(prefix)
    return WorkflowRef(f"{owner}/{repo}", file.removeprefix(".github/workflows/"), ref)
