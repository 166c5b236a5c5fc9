"""``lumina-wave local``: run a plan on one machine, each issue in its own git worktree.

Scheduling is as soon as possible: an issue starts the moment its dependencies are done and a
slot is free. The decision of what may start (:func:`next_step`) is pure; :class:`LocalRun` does
the processes, worktrees and files around it and reuses the leg code of the action
(:mod:`lumina_wave.legs`) for everything a leg does on GitHub.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from lumina_wave import safe_files
from lumina_wave.git import Author
from lumina_wave.legs import FinishOptions, blocked_record, finish_leg, prepare_leg
from lumina_wave.plan import Plan, branch_name
from lumina_wave.progress import Progress, make_progress
from lumina_wave.results import DONE_STATUSES, new_record, read_results, utc_now, write_result

STATE_DIR = ".lumina-wave"
TERMINATE_GRACE = 5.0
POLL = 0.1

# --- scheduling: pure -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """What the scheduler may do now: issues to start, and issues to record blocked (with why)."""

    start: tuple[int, ...] = ()
    block: tuple[tuple[int, tuple[int, ...]], ...] = ()


def downstream_depth(plan: Plan) -> dict[int, int]:
    """For each issue, the number of issues on the longest chain it starts (itself included)."""
    dependents = plan.dependents()
    depth: dict[int, int] = {}
    for n in sorted(plan.items, key=lambda i: -plan.wave_of[i]):
        depth[n] = 1 + max((depth[d] for d in dependents[n]), default=0)
    return depth


def next_step(
    plan: Plan,
    ended: Mapping[int, str],
    running: Collection[int],
    slots: int,
    *,
    by_wave: bool = False,
) -> Step:
    """Decide what may happen now, given the issues that ``ended`` (with their status) and ``running``.

    An issue whose dependencies all ended done is ready; one with a dependency that ended otherwise is
    blocked by it. Ready issues start while fewer than ``slots`` run, longest remaining chain first.
    ``by_wave`` adds the barrier of wave-by-wave scheduling: nothing of wave k starts before every
    issue of the earlier waves ended (used to measure what ASAP scheduling saves).
    """
    waiting = [n for n in plan.items if n not in ended and n not in running]
    block: list[tuple[int, tuple[int, ...]]] = []
    ready: list[int] = []
    open_waves = {plan.wave_of[n] for n in plan.items if n not in ended}
    for n in waiting:
        deps = plan.depends_on[n]
        if any(d not in ended for d in deps):
            continue
        failed = tuple(d for d in deps if ended[d] not in DONE_STATUSES)
        if failed:
            block.append((n, failed))
        elif not by_wave or min(open_waves) == plan.wave_of[n]:
            ready.append(n)
    depth = downstream_depth(plan)
    ready.sort(key=lambda n: (-depth[n], n))
    free = max(slots - len(running), 0)
    return Step(start=tuple(ready[:free]), block=tuple(block))


# --- the run: processes, worktrees, files -------------------------------------------------------


@dataclass(frozen=True)
class LocalOptions:
    """How to run. ``by_wave`` is the wave-by-wave baseline, used only by the benchmark."""

    agent: str
    repo: Path
    max_parallel: int
    default_base: str
    stack: bool = False
    push: bool = False
    pulls: Any = None
    rerun: bool = False
    remote: str = "origin"
    author: Author = Author()  # noqa: RUF009 (frozen, so sharing the default is safe)
    by_wave: bool = False


@dataclass(frozen=True)
class Paths:
    """Where a local run keeps its files, all under the repository."""

    repo: Path

    @property
    def state(self) -> Path:
        return self.repo / STATE_DIR

    @property
    def results(self) -> Path:
        return self.state / "results"

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def context(self) -> Path:
        return self.state / "context"

    def log(self, issue: int) -> Path:
        return self.logs / f"issue-{issue}.log"


@dataclass(frozen=True)
class Outcome:
    """The end of a run: every issue's record, which ones were skipped, and whether it was interrupted."""

    results: dict[int, dict]
    skipped: tuple[int, ...]
    interrupted: bool

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(r["status"] in DONE_STATUSES for r in self.results.values())


class LocalRun:
    """One run of ``plan``: a scheduler loop in the calling thread, one worker thread per running leg."""

    def __init__(self, plan: Plan, options: LocalOptions, progress: Progress) -> None:
        self.plan = plan
        self.options = options
        self.progress = progress
        self.paths = Paths(options.repo)
        self.results: dict[int, dict] = {}
        self._events: queue.Queue[tuple[int, dict]] = queue.Queue()
        self._cancel = threading.Event()
        self._git = threading.Lock()  # git work (worktree add, branch, commit, push) one leg at a time
        self._procs: dict[int, subprocess.Popen] = {}
        self._killed: set[int] = set()
        self._procs_lock = threading.Lock()

    def run(self) -> Outcome:
        """Run every issue that is not done yet; Ctrl-C (SIGINT) or SIGTERM cancels the running ones."""
        from lumina_wave.worktree import WORKTREES_DIR, exclude_paths

        safe_files.allow(self.options.repo)
        exclude_paths(self.options.repo, [f"/{STATE_DIR}/", f"/{WORKTREES_DIR}/"])
        skipped = self._resume()
        ended = {n: r["status"] for n, r in self.results.items()}
        running: set[int] = set()
        restore = self._trap_signals()
        try:
            while True:
                if self._cancel.is_set():
                    self._terminate_agents()
                else:
                    step = next_step(
                        self.plan, ended, running, self.options.max_parallel, by_wave=self.options.by_wave
                    )
                    for n, deps in step.block:
                        ended[n] = self._record(blocked_record(self.plan, n, self.results, deps))["status"]
                    if step.block:
                        continue
                    for n in step.start:
                        running.add(n)
                        self.progress.update(n, "running")
                        threading.Thread(target=self._leg, args=(n,), name=f"leg-{n}", daemon=True).start()
                if not running:
                    break
                try:
                    n, record = self._events.get(timeout=POLL)
                except queue.Empty:
                    continue
                running.discard(n)
                ended[n] = self._record(record)["status"]
            if self._cancel.is_set():
                for n in self.plan.items:
                    if n not in ended:
                        self._record(self._cancelled_record(n, None, "not started: the run was interrupted"))
        finally:
            restore()
        return Outcome(dict(sorted(self.results.items())), skipped, self._cancel.is_set())

    # -- bookkeeping

    def _resume(self) -> tuple[int, ...]:
        """Keep the records of issues already done (unless rerun); returns those issues."""
        if self.options.rerun:
            return ()
        previous = read_results(self.paths.results, self.plan.plan_id)
        done = {n: r for n, r in previous.items() if n in self.plan.items and r["status"] in DONE_STATUSES}
        for n, record in done.items():
            self.results[n] = record
            self.progress.update(n, "skipped", record["status"])
        return tuple(sorted(done))

    def _record(self, record: dict) -> dict:
        write_result(self.paths.results, record)
        self.results[record["issue"]] = record
        note = "" if record["status"] in DONE_STATUSES else record.get("error") or ""
        if record["status"] == "blocked":
            note = "blocked by " + ", ".join(f"#{d}" for d in record["blocked_by"])
        self.progress.update(record["issue"], record["status"], note)
        return record

    def _cancelled_record(
        self, issue: int, started_at: str | None, why: str, base: str | None = None
    ) -> dict:
        return new_record(
            self.plan.plan_id,
            issue,
            "cancelled",
            branch_name(issue),
            base=base,
            started_at=started_at,
            finished_at=utc_now(),
            agent_outcome="cancelled",
            error=why,
            wave=self.plan.wave_of[issue],
        )

    # -- signals

    def _trap_signals(self):
        """Turn SIGINT/SIGTERM into a cancel request (main thread only); returns the undo."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

        def cancel(signum: int, frame: Any) -> None:
            self._cancel.set()

        for s in previous:
            signal.signal(s, cancel)

        def restore() -> None:
            for s, handler in previous.items():
                signal.signal(s, handler)

        return restore

    def _terminate_agents(self) -> None:
        """SIGTERM every running agent's process group; SIGKILL what is left after a grace period."""
        with self._procs_lock:
            procs = {n: p for n, p in self._procs.items() if n not in self._killed}
            self._killed.update(procs)
        for proc in procs.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + TERMINATE_GRACE
        for proc in procs.values():
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)

    # -- one leg (worker thread)

    def _leg(self, issue: int) -> None:
        started_at = utc_now()
        try:
            record = self._work(issue)
        except Exception as exc:  # every issue ends with a recorded status, whatever went wrong
            record = new_record(
                self.plan.plan_id,
                issue,
                "failed",
                branch_name(issue),
                started_at=started_at,
                finished_at=utc_now(),
                error=" ".join(str(exc).split()) or type(exc).__name__,
                wave=self.plan.wave_of[issue],
            )
        self._events.put((issue, record))

    def _work(self, issue: int) -> dict:
        with self._git:
            tree, prepared = _prepare(self, issue)
        if prepared.skip:
            return prepared.record
        if self._cancel.is_set():
            return self._cancelled_record(issue, prepared.started_at, "cancelled before the agent started")
        with safe_files.open_binary(self.paths.log(issue)) as log:
            proc = subprocess.Popen(
                self.options.agent,
                shell=True,  # the user's own command line; issue text reaches it only through env and files
                cwd=tree,
                env={**os.environ, **prepared.env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: Ctrl-C reaches us, we stop it
            )
            with self._procs_lock:
                self._procs[issue] = proc
            code = proc.wait()
            with self._procs_lock:
                del self._procs[issue]
                killed = issue in self._killed
        if killed:
            return self._cancelled_record(
                issue, prepared.started_at, "the run was interrupted", prepared.base
            )
        with self._git:
            return _finish(self, tree, issue, prepared, "success" if code == 0 else "failure")


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signum)


# --- the leg code of the action: each leg's prepare and finish ---------------------------------


def _prepare(run: LocalRun, issue: int):
    from lumina_wave.worktree import ensure_worktree, worktree_path

    tree = ensure_worktree(run.options.repo, worktree_path(run.options.repo, issue))
    prepared = prepare_leg(
        tree,
        run.plan,
        issue,
        dict(run.results),
        stack=run.options.stack,
        default_base=run.options.default_base,
        context_dir=run.paths.context,
        remote=run.options.remote,
        fetch=run.options.push,
        author=run.options.author,
    )
    return tree, prepared


def _finish(run: LocalRun, tree: Path, issue: int, prepared, agent_outcome: str) -> dict:
    from lumina_wave.usage import read_usage, usage_path

    usage, warning = read_usage(usage_path(run.paths.context, issue))
    if warning:  # into the leg's log, where its agent's output is
        with run.paths.log(issue).open("a", encoding="utf-8") as log:
            log.write(f"lumina-wave: warning: {warning}\n")
    return finish_leg(
        tree,
        run.plan,
        issue,
        agent_outcome=agent_outcome,
        started_at=prepared.started_at,
        base=prepared.base,
        pulls=run.options.pulls,
        push=run.options.push,
        remote=run.options.remote,
        options=FinishOptions(
            author=run.options.author,
            default_base=run.options.default_base,
            start_commit=prepared.start_commit,
            usage=usage,
        ),
    )


# --- the end: summary ---------------------------------------------------------------------------


def write_summary(plan: Plan, outcome: Outcome, state_dir: Path) -> str:
    """Write ``summary.md`` and ``summary.json`` under ``state_dir``; returns the terminal text."""
    from lumina_wave import summary as summaries
    from lumina_wave.results import write_summary_files

    summary = summaries.build_summary(plan, outcome.results)
    write_summary_files(state_dir, summaries.summary_to_json(summary), summaries.render_markdown(summary))
    return summaries.render_text(summary)


def where_text(plan: Plan, outcome: Outcome) -> str:
    """Where each issue's work is on this machine: branch, worktree, log."""
    from lumina_wave.worktree import WORKTREES_DIR, worktree_path

    lines = [f"branches, worktrees ({WORKTREES_DIR}/) and logs ({STATE_DIR}/logs/):"]
    for n in sorted(plan.items, key=lambda i: (plan.wave_of[i], i)):
        record = outcome.results.get(n)
        status = record["status"] if record else "did not run"
        skipped = " (done before)" if n in outcome.skipped else ""
        where = (
            f"{worktree_path(Path(), n).as_posix():<24} {STATE_DIR}/logs/issue-{n}.log"
            if record and record["started_at"]
            else ""
        )
        if status == "blocked":
            where = ""
        lines.append(f"  #{n:<6} {status + skipped:<24} {branch_name(n):<22} {where}".rstrip())
    return "\n".join(lines)


def run_and_summarize(plan: Plan, options: LocalOptions, stream: TextIO | None = None) -> tuple[Outcome, str]:
    """Run ``plan`` with progress on ``stream`` (default stderr); returns the outcome and the summary text."""
    progress = make_progress(list(plan.items), stream)
    try:
        outcome = LocalRun(plan, options, progress).run()
    finally:
        progress.close()
    text = write_summary(plan, outcome, Paths(options.repo).state)
    return outcome, text + "\n" + where_text(plan, outcome)
