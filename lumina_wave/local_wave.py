"""``lumina-wave local``: run a plan on one machine, each issue in its own git worktree.

Scheduling is as soon as possible: an issue starts the moment its dependencies are done and a
slot is free. The decision of what may start (:func:`next_step`) is pure; :class:`LocalRun` does
the processes, worktrees and files around it and reuses the leg code of the action
(:mod:`lumina_wave.legs`) for everything a leg does on GitHub.

A good citizen: each agent runs under a supervisor (:mod:`lumina_wave.supervise`) that kills it
when ``local`` dies; a lock per worktree keeps a second agent out while one lives; agents and
runs can time out; refs an agent moves other than its own branch are put back (their moved
values kept under ``refs/lumina-wave/moved/``); a branch with commits of others is continued,
restarted or left alone (``--existing-branch``, :func:`existing_branches`); a branch the run
resets keeps its old tip under ``refs/lumina-wave/backup/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from lumina_wave import existing as existing_branch
from lumina_wave import git, safe_files
from lumina_wave.existing import BACKUP_REF, stamp
from lumina_wave.git import Author
from lumina_wave.legs import FinishOptions, blocked_record, finish_leg, prepare_leg, skipped_record
from lumina_wave.plan import Plan, branch_name
from lumina_wave.progress import LEFT_ALONE, Progress, make_progress
from lumina_wave.reruns import to_run
from lumina_wave.results import ResultRecord, new_record, utc_now
from lumina_wave.statuses import DONE_STATUSES
from lumina_wave.store import read_results, write_result

STATE_DIR = ".lumina-wave"
TERMINATE_GRACE = 5.0
POLL = 0.1
MOVED_REFS = "refs/lumina-wave/moved/{stamp}"
LOG_TAIL = 64 * 1024  # how much of a log's end is read for its last line
LINE_LIMIT = 120
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)")

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


def moved_refs(
    before: Mapping[str, str], after: Mapping[str, str], allowed: Collection[str]
) -> dict[str, str | None]:
    """The refs that changed from ``before`` to ``after``, except ``allowed``, with the value to put
    back (None: the ref is new, delete it)."""
    changed = {ref for ref in before.keys() | after.keys() if before.get(ref) != after.get(ref)}
    return {ref: before.get(ref) for ref in sorted(changed - set(allowed))}


def retry_delay(attempts: int, retries: int, backoff: float) -> float | None:
    """The wait before the next attempt after ``attempts`` failed ones (``backoff``, doubling each
    time), or None when the ``retries`` are used up."""
    return backoff * 2 ** (attempts - 1) if attempts <= retries else None


def last_line(text: str) -> str | None:
    """The last meaningful line of an agent's log: not blank, with a letter or digit, not one of
    lumina-wave's own; escape sequences and control characters removed, cut to ``LINE_LIMIT``."""
    for raw in reversed(text.splitlines()):
        line = " ".join("".join(ch for ch in _ESCAPES.sub("", raw) if ch.isprintable()).split())
        if any(ch.isalnum() for ch in line) and not line.startswith(("--- lumina-wave:", "lumina-wave:")):
            return line if len(line) <= LINE_LIMIT else line[: LINE_LIMIT - 1].rstrip() + "…"
    return None


def agent_error(code: int, log_text: str, log: str) -> str:
    """How a failed agent ended: its exit code, its log's last line (:func:`last_line`), the log."""
    line = last_line(log_text)
    said = f": {line}" if line else ", printing nothing"
    return f"agent exited with {code}{said} (log {log})"


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
    agent_timeout: float | None = None
    timeout: float | None = None
    agent_retries: int = 0
    retry_backoff: float = 1.0
    retry: frozenset[int] | None = None  # --retry: these issues and their dependents, others kept
    existing: str = existing_branch.DEFAULT_MODE  # --existing-branch: a branch with commits of others


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

    @property
    def runs(self) -> Path:
        """The time span of each run (``local`` invocation), for the metrics of resumed runs."""
        return self.state / "runs.json"


@dataclass(frozen=True)
class Outcome:
    """The end of a run: every issue's record, which ones were skipped, and whether it was interrupted."""

    results: dict[int, ResultRecord]
    skipped: tuple[int, ...]
    interrupted: bool
    signal: int | None = None  # the signal (SIGINT, SIGTERM) that interrupted the run

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(r["status"] in DONE_STATUSES for r in self.results.values())


class LocalRun:
    """One run of ``plan``: a scheduler loop in the calling thread, one worker thread per running leg."""

    def __init__(
        self,
        plan: Plan,
        options: LocalOptions,
        progress: Progress,
        existing: Mapping[int, Existing] | None = None,
    ) -> None:
        self.plan = plan
        self.options = options
        self.progress = progress
        self.existing = dict(existing or {})  # what to do with the branches found (existing_branches)
        self.paths = Paths(options.repo)
        self.results: dict[int, ResultRecord] = {}
        self._events: queue.Queue[tuple[int, ResultRecord]] = queue.Queue()
        self._cancel = threading.Event()
        self._git = threading.Lock()  # git work (worktree add, branch, commit, push) one leg at a time
        self._procs: dict[int, subprocess.Popen] = {}
        self._killed: set[int] = set()
        self._procs_lock = threading.Lock()
        self._why = "the run was interrupted"
        self._signal: int | None = None
        self._refs: dict[str, str] = {}  # the refs as lumina-wave itself last left them
        self._agents: set[int] = set()  # issues whose agent runs: their own branch may move
        self._segment: dict[str, str] = {}

    def run(self) -> Outcome:
        """Run every issue that is not done yet; Ctrl-C (SIGINT) or SIGTERM cancels the running ones."""
        from lumina_wave.worktree import WORKTREES_DIR, exclude_paths

        safe_files.allow(self.options.repo)
        exclude_paths(self.options.repo, [f"/{STATE_DIR}/", f"/{WORKTREES_DIR}/"])
        self._refs = git.list_refs(self.options.repo)
        self._segment = {"plan_id": self.plan.plan_id, "started_at": utc_now(), "finished_at": utc_now()}
        skipped = self._resume()
        if self.options.push:
            self._publish_earlier(skipped)
        ended = {n: r["status"] for n, r in self.results.items()}
        running: set[int] = set()
        restore = self._trap_signals()
        deadline = time.monotonic() + self.options.timeout if self.options.timeout else None
        try:
            while True:
                if deadline is not None and time.monotonic() > deadline and not self._cancel.is_set():
                    self._why = f"the run timed out (--timeout {self.options.timeout:g}s)"
                    self._cancel.set()
                if self._cancel.is_set():
                    self._terminate_agents()
                else:
                    step = next_step(
                        self.plan, ended, running, self.options.max_parallel, by_wave=self.options.by_wave
                    )
                    for n, deps in step.block:  # never started here: no start time, not a leg that ran
                        record = blocked_record(self.plan, n, self.results, deps)
                        record["started_at"] = None
                        ended[n] = self._record(record)["status"]
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
                        self._record(self._cancelled_record(n, None, f"not started: {self._why}"))
        finally:
            restore()
            self._end_segment()
        return Outcome(dict(sorted(self.results.items())), skipped, self._cancel.is_set(), self._signal)

    # -- bookkeeping

    def _resume(self) -> tuple[int, ...]:
        """Keep the records of the issues this run does not work again (see :func:`to_run`);
        returns those issues."""
        if self.options.rerun:
            return ()
        previous = read_results(self.paths.results, self.plan.plan_id)
        again = to_run(self.plan, previous, rerun=False, retry=self.options.retry)
        kept = {n: r for n, r in previous.items() if n in self.plan.items and n not in again}
        for n, record in kept.items():
            self.results[n] = record
            self.progress.update(n, "skipped", record["status"])
        return tuple(sorted(kept))

    def _publish_earlier(self, done: tuple[int, ...]) -> None:
        """Push (and open PRs for) the branches of issues done by earlier runs that are not yet."""
        from lumina_wave.git import check_out
        from lumina_wave.worktree import ensure_worktree, worktree_path

        waiting = [
            n for n in done if self.results[n]["status"] in DONE_STATUSES and self.results[n]["commit"]
        ]
        if not waiting:
            return
        with self._git:
            git.fetch(self.options.repo, self.options.remote)
            for n in sorted(waiting, key=lambda i: (self.plan.wave_of[i], i)):
                old = self.results[n]
                remote_ref = f"refs/remotes/{self.options.remote}/{old['branch']}"
                pushed = git.rev_parse(self.options.repo, remote_ref) == old["commit"]
                if pushed and (self.options.pulls is None or old["pr_number"]):
                    continue
                tree = ensure_worktree(self.options.repo, worktree_path(self.options.repo, n))
                check_out(tree, old["branch"])
                started, base = old["started_at"] or "", old["base"] or ""
                new = _finish(self, tree, n, None, "success", started_at=started, base=base)
                self._record(
                    {
                        **old,
                        "status": new["status"],
                        "commit": new["commit"],
                        "pr_number": new["pr_number"],
                        "pr_url": new["pr_url"],
                        "error": new["error"],
                    }
                )
            self._refs = git.list_refs(self.options.repo)

    def _end_segment(self) -> None:
        """Record this run's time span in ``runs.json`` (updated with every record, so a killed run counts)."""
        import tempfile

        self._segment["finished_at"] = utc_now()
        try:
            runs = json.loads(self.paths.runs.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            runs = []
        runs = [r for r in runs if isinstance(r, dict) and r.get("started_at") != self._segment["started_at"]]
        self.paths.state.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.paths.state, prefix=".runs.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump([*runs, self._segment], f, indent=2)
        os.replace(tmp, self.paths.runs)

    def _record(self, record: ResultRecord) -> ResultRecord:
        write_result(self.paths.results, record)
        self._end_segment()
        self.results[record["issue"]] = record
        state = LEFT_ALONE if record["status"] == "skipped" else record["status"]  # it says why
        note = "" if state in DONE_STATUSES else record.get("error") or ""
        if record["status"] == "blocked":
            note = "blocked by " + ", ".join(f"#{d}" for d in record["blocked_by"])
        self.progress.update(record["issue"], state, note)
        return record

    def _cancelled_record(
        self, issue: int, started_at: str | None, why: str, base: str | None = None
    ) -> ResultRecord:
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
            self._signal = self._signal or signum
            self._cancel.set()

        for s in previous:
            signal.signal(s, cancel)

        def restore() -> None:
            for s, handler in previous.items():
                signal.signal(s, handler)

        return restore

    def _terminate_agents(self) -> None:
        """Stop every running agent (see :func:`_stop`)."""
        with self._procs_lock:
            procs = {n: p for n, p in self._procs.items() if n not in self._killed}
            self._killed.update(procs)
        _stop(list(procs.values()))

    # -- one leg (worker thread)

    def _leg(self, issue: int) -> None:
        started_at = utc_now()
        found = self.existing.get(issue)
        try:
            if found is not None and found.action == "skip":  # left alone: no worktree, no agent
                why = existing_branch.skip_reason("skip", found.branch, found.foreign) or ""
                record = skipped_record(self.plan, issue, why, started_at)
            else:
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
        warning = found.warning() if found is not None else None
        if warning:
            record = {**record, "warnings": [*record["warnings"], warning]}
        self._events.put((issue, record))

    def _work(self, issue: int) -> ResultRecord:
        from lumina_wave.worktree import WorktreeLock, lock_path

        lock = WorktreeLock(lock_path(self.options.repo, issue))
        lock.acquire()  # WorktreeBusy: another live run or agent works in this worktree
        try:
            return self._locked_work(issue, lock)
        finally:
            lock.release()

    def _locked_work(self, issue: int, lock: Any) -> ResultRecord:
        with self._git:
            tree, prepared = _prepare(self, issue)
            kept = _back_up_remote(self, tree, issue, prepared)
            self._refs = git.list_refs(self.options.repo)
        if prepared.skip:
            return prepared.record
        if self._cancel.is_set():
            return self._cancelled_record(issue, prepared.started_at, "cancelled before the agent started")
        with self._git:
            self._agents.add(issue)
        attempts = 0
        with safe_files.open_binary(self.paths.log(issue)) as log:
            while True:
                attempts += 1
                code, timed_out = self._run_agent(issue, tree, prepared.env, lock, log)
                with self._procs_lock:
                    killed = issue in self._killed
                delay = retry_delay(attempts, self.options.agent_retries, self.options.retry_backoff)
                if code == 0 or timed_out or killed or delay is None:
                    break
                log.write(
                    f"\n--- lumina-wave: the agent exited {code}; attempt {attempts + 1} in {delay:g}s ---\n".encode()
                )
                log.flush()
                if self._cancel.wait(delay):
                    killed = True
                    break
        with self._git:
            moved, keep = self._put_back_refs()
            self._agents.discard(issue)
            if timed_out or killed:
                why = (
                    f"the agent ran longer than --agent-timeout {self.options.agent_timeout:g}s"
                    if timed_out
                    else self._why
                )
                record = self._cancelled_record(issue, prepared.started_at, why, prepared.base)
            else:
                failed = self._agent_error(issue, code) if code else None
                record = _finish(
                    self, tree, issue, prepared, "success" if code == 0 and not moved else "failure", failed
                )
            self._refs = git.list_refs(self.options.repo)
        if moved:
            note = f"the agent moved {', '.join(moved)}, not its own branch: put back (its values kept under {keep})"
            record = {**record, "status": "failed", "error": "; ".join(filter(None, [note, record["error"]]))}
        if kept:
            record = {**record, "backup_ref": kept[0], "warnings": [*record["warnings"], kept[1]]}
        return {**record, "attempts": attempts}

    def _agent_error(self, issue: int, code: int) -> str:
        path = self.paths.log(issue)
        try:
            with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as f:
                f.seek(max(f.seek(0, os.SEEK_END) - LOG_TAIL, 0))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            text = ""
        return agent_error(code, text, path.relative_to(self.options.repo).as_posix())

    def _run_agent(
        self, issue: int, tree: Path, env: Mapping[str, str], lock: Any, log: BinaryIO
    ) -> tuple[int, bool]:
        """Run the agent under its supervisor; returns its exit code and whether it timed out."""
        proc = subprocess.Popen(
            # the user's own command line (run by the supervisor's shell); issue text reaches it
            # only through env and files
            [sys.executable, "-m", "lumina_wave.supervise", self.options.agent],
            cwd=tree,
            env={**os.environ, **env},
            stdin=subprocess.PIPE,  # only we hold its write end: it closes when we die
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C reaches us, we stop it
        )
        lock.set_group(proc.pid)
        with self._procs_lock:
            self._procs[issue] = proc
        try:
            return proc.wait(timeout=self.options.agent_timeout), False
        except subprocess.TimeoutExpired:
            with self._procs_lock:
                self._killed.add(issue)
            _stop([proc])
            return proc.wait(), True
        finally:
            with self._procs_lock:
                del self._procs[issue]
            _signal_group(proc, signal.SIGKILL)  # what the agent left running in its group
            if proc.stdin is not None:
                proc.stdin.close()

    def _put_back_refs(self) -> tuple[list[str], str]:
        """Put back every ref that moved while agents ran, except the running agents' own branches.

        Call with the git lock held. Returns the refs put back and where their moved values are kept.
        """
        now = git.list_refs(self.options.repo)
        own = {f"refs/heads/{branch_name(n)}" for n in self._agents}
        moved = moved_refs(self._refs, now, own)
        keep = MOVED_REFS.format(stamp=stamp())
        if moved:
            git.put_back_refs(self.options.repo, moved, keep)
        return list(moved), keep


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)


def _stop(procs: list[subprocess.Popen]) -> None:
    """SIGTERM each agent's process group; SIGKILL what is left after a grace period."""
    for proc in procs:
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + TERMINATE_GRACE
    for proc in procs:
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)


# --- the leg code of the action: each leg's prepare and finish ---------------------------------


def _prepare(run: LocalRun, issue: int):
    from lumina_wave.worktree import ensure_worktree, worktree_path

    tree = ensure_worktree(run.options.repo, worktree_path(run.options.repo, issue))
    found = run.existing.get(issue)
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
        existing=run.options.existing,
        continue_from=found.commit if found is not None and found.action == "continue" else None,
    )
    return tree, prepared


def _back_up_remote(run: LocalRun, tree: Path, issue: int, prepared) -> tuple[str, str] | None:
    """With ``--push --existing-branch restart``: push the old tip of the issue's branch on the
    remote to a backup ref there when it has commits of others that the restarted branch drops
    (the push at the end goes over them); returns the ref and the warning saying so."""
    if not run.options.push or run.options.existing != "restart" or prepared.skip:
        return None
    branch = branch_name(issue)
    tip = git.rev_parse(tree, f"refs/remotes/{run.options.remote}/{branch}")
    bases = _refs(run.options.repo, [run.options.default_base], run.options.remote)
    foreign = existing_branch.foreign_commits(tree, tip, [prepared.start_commit, *bases]) if tip else []
    if not tip or not foreign:
        return None
    ref = existing_branch.backup_ref(issue)
    git.push_ref(tree, tip, ref, run.options.remote)
    found = existing_branch.foreign_text(branch, foreign)
    return (
        ref,
        f"restarted {branch} on {run.options.remote}: {found}; its old tip {tip[:12]} is kept at {ref} there",
    )


def _finish(
    run: LocalRun,
    tree: Path,
    issue: int,
    prepared,
    agent_outcome: str,
    agent_error: str | None = None,
    *,
    started_at: str = "",
    base: str = "",
) -> ResultRecord:
    """``finish`` of the leg ``prepared`` (None: of an earlier run, from its start ref)."""
    from lumina_wave.usage import read_usage, usage_path

    usage, warning = read_usage(usage_path(run.paths.context, issue))
    if warning:  # into the leg's log, where its agent's output is
        with safe_files.open_binary(run.paths.log(issue), "ab") as log:
            log.write(f"lumina-wave: warning: {warning}\n".encode())
    return finish_leg(
        tree,
        run.plan,
        issue,
        agent_outcome=agent_outcome,
        started_at=prepared.started_at if prepared else started_at,
        base=prepared.base if prepared else base,
        pulls=run.options.pulls,
        push=run.options.push,
        remote=run.options.remote,
        options=FinishOptions(
            author=run.options.author,
            default_base=run.options.default_base,
            start_commit=prepared.start_commit if prepared else None,
            usage=usage,
            agent_error=agent_error,
        ),
    )


# --- before the run: what it does with the branches that exist -------------------------------


@dataclass(frozen=True)
class Existing:
    """The branch of an issue the run works, found with commits not on the base, and what the run
    does with it (``action``, :data:`lumina_wave.existing.MODES`): ``foreign`` are the commits of
    others on it; ``ref`` keeps the old tip of a branch it restarts."""

    issue: int
    branch: str
    commit: str
    action: str
    foreign: tuple[str, ...] = ()
    ref: str | None = None

    def text(self) -> str:
        """The line the run prints before it starts and under its summary."""
        found = existing_branch.foreign_text(self.branch, self.foreign) if self.foreign else ""
        if self.action == "continue":
            return f"{found}: continued, the leg builds on it (existing-branch: continue)"
        if self.action == "skip":
            return f"#{self.issue} not run: {existing_branch.skip_reason('skip', self.branch, self.foreign)}"
        why = f", {found} (existing-branch: restart)" if found else ""
        return (
            f"resetting {self.branch} (was {self.commit[:12]}){why}; its commits are kept at {self.ref} "
            f"(to get them back: git branch --force {self.branch} {self.ref})"
        )

    def warning(self) -> str | None:
        """What the leg's record says about a branch with commits of others that it ran on."""
        if not self.foreign or self.action == "skip":
            return None
        found = existing_branch.foreign_text(self.branch, self.foreign)
        if self.action == "continue":
            return f"{found}: the leg built on it (existing-branch: continue)"
        return f"restarted {self.branch}: {found}; its old tip {self.commit[:12]} is kept at {self.ref}"


def existing_branches(plan: Plan, options: LocalOptions) -> dict[int, Existing]:
    """What the run does with the branch of every issue it works that has commits not on the base.

    A branch with commits of others (:func:`lumina_wave.existing.foreign_commits`, beyond the base
    and the dependencies' branches) is continued, restarted or left alone as ``options.existing``
    says; one with lumina-wave's commits only is restarted. The tip of every branch restarted is
    kept under a backup ref first.
    """
    repo = options.repo
    previous = read_results(Paths(repo).results, plan.plan_id)
    bases = _refs(repo, [options.default_base], options.remote)
    when = stamp()
    found = {}
    for n in to_run(plan, previous, options.rerun, options.retry):
        branch = branch_name(n)
        tip = git.rev_parse(repo, f"refs/heads/{branch}")
        if tip is None or any(git.is_ancestor(repo, tip, base) for base in bases):
            continue
        deps = _refs(repo, [branch_name(d) for d in plan.depends_on[n]], options.remote)
        foreign = tuple(existing_branch.foreign_commits(repo, tip, [*bases, *deps]))
        action = options.existing if foreign else "restart"
        ref = None
        if action == "restart":
            ref = BACKUP_REF.format(issue=n, stamp=when)
            git.set_ref(repo, ref, tip)
        found[n] = Existing(n, branch, tip, action, foreign, ref)
    return found


def _refs(repo: Path, branches: list[str], remote: str) -> list[str]:
    """The commits of ``branches`` that exist here and on ``remote`` (as last fetched)."""
    names = [f"refs/{where}/{b}" for b in branches for where in ("heads", f"remotes/{remote}")]
    return [c for c in git.commits(repo, names).values() if c is not None]


# --- the end: summary ---------------------------------------------------------------------------


def write_summary(plan: Plan, outcome: Outcome, state_dir: Path) -> str:
    """Write ``summary.md`` and ``summary.json`` under ``state_dir``; returns the terminal text."""
    from lumina_wave import summary as summaries
    from lumina_wave.store import write_summary_files

    summary = summaries.build_summary(plan, outcome.results, active=run_spans(state_dir, plan.plan_id))
    write_summary_files(state_dir, summaries.summary_to_json(summary), summaries.render_markdown(summary))
    return summaries.render_text(summary)


def run_spans(state_dir: Path, plan_id: str) -> list[tuple[datetime, datetime]]:
    """The time spans of the runs of ``plan_id`` recorded in ``runs.json`` (unreadable: none)."""
    from lumina_wave.times import parse_time

    try:
        runs = json.loads((state_dir / "runs.json").read_text(encoding="utf-8"))
        spans = [
            (parse_time(r["started_at"]), parse_time(r["finished_at"]))
            for r in runs
            if r["plan_id"] == plan_id
        ]
    except (OSError, ValueError, TypeError, KeyError):
        return []
    return [(a, b) for a, b in spans if a and b]


def where_text(plan: Plan, outcome: Outcome, repo: Path) -> str:
    """Where each issue's work is in ``repo``: its branch, worktree and log, each only when it exists."""
    from lumina_wave.worktree import WORKTREES_DIR, worktree_path

    lines = [f"branches, worktrees ({WORKTREES_DIR}/) and logs ({STATE_DIR}/logs/):"]
    paths = Paths(repo)
    for n in sorted(plan.items, key=lambda i: (plan.wave_of[i], i)):
        record = outcome.results.get(n)
        status = (record["status"] if record else "did not run") + (
            " (earlier run)" if n in outcome.skipped else ""
        )
        branch = branch_name(n) if git.rev_parse(repo, f"refs/heads/{branch_name(n)}") else ""
        tree, log = (
            p.relative_to(repo).as_posix() if p.exists() else ""
            for p in (worktree_path(repo, n), paths.log(n))
        )
        lines.append(f"  #{n:<6} {status:<24} {branch:<22} {tree:<24} {log}".rstrip())
    return "\n".join(lines)


def run_and_summarize(
    plan: Plan, options: LocalOptions, stream: TextIO | None = None, where: bool = True
) -> tuple[Outcome, str]:
    """Run ``plan`` with progress on ``stream`` (default stderr); returns the outcome and the summary
    text, followed by where each issue's work is (``where``) and what it did with the branches
    that existed (:func:`existing_branches`)."""
    existing = existing_branches(plan, options)
    lines = [e.text() for e in existing.values()]
    for line in lines:
        print(line, file=stream or sys.stderr)
    progress = make_progress(list(plan.items), stream)
    try:
        outcome = LocalRun(plan, options, progress, existing).run()
    finally:
        progress.close()
    text = write_summary(plan, outcome, Paths(options.repo).state)
    places = [where_text(plan, outcome, options.repo)] if where else []
    return outcome, "\n".join([text, *places, *lines])
