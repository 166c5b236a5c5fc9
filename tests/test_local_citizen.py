"""``lumina-wave local`` as a good citizen: agents die with it, one agent per worktree, timeouts,
refs an agent must not move, backups of reset branches, pushing earlier runs, resumed metrics."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from test_local import Sandbox, fake_pulls_api, git, make_sandbox
from test_local_signals import alive, wait_for

from lumina_wave.local_wave import moved_refs, retry_delay
from lumina_wave.summary.model import active_time
from lumina_wave.worktree import WorktreeBusy, WorktreeLock

# An agent that leaves a grandchild running in the background and writes its pid, then hangs.
SPAWNING_AGENT = r"""
import os, subprocess, sys, time
from pathlib import Path
times = Path(os.environ["AGENT_TIMES"]); times.mkdir(exist_ok=True)
issue = os.environ["WAVE_ISSUE_NUMBER"]
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
with (times / f"{issue}.pids").open("a") as f:
    f.write(f"{os.getpid()} {child.pid}\n")
with open(f"work-{issue}.txt", "a") as f:
    f.write(f"line from agent {os.getpid()}\n")
time.sleep(float(os.environ.get("AGENT_SLEEP", "120")))
"""


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return make_sandbox(tmp_path)


def with_agent(sandbox: Sandbox, manifest: Path, agent: str, *extra: str) -> list[str]:
    command = sandbox.command(manifest, *extra)
    command[command.index("--agent") + 1] = agent
    return command


def spawning(sandbox: Sandbox) -> str:
    (sandbox.root / "spawning.py").write_text(SPAWNING_AGENT)
    return f"{sys.executable} {sandbox.root / 'spawning.py'}"


def pids(sandbox: Sandbox, issue: int) -> list[int]:
    path = sandbox.root / "times" / f"{issue}.pids"
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def start(sandbox: Sandbox, command: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=sandbox.repo,
        env={**sandbox.env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# --- agents die with local; one agent per worktree ------------------------------------------------


def test_kill_9_of_local_leaves_no_agent_and_the_resumed_run_takes_over_the_stale_lock(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: []})
    agent = spawning(sandbox)
    proc = start(sandbox, with_agent(sandbox, manifest, agent, "--max-parallel", "2"))
    wait_for(lambda: len(pids(sandbox, 1)) == 2 and len(pids(sandbox, 2)) == 2)
    left = pids(sandbox, 1) + pids(sandbox, 2)  # the agents and the children they left running
    proc.kill()
    proc.communicate(timeout=30)
    wait_for(lambda: not any(alive(pid) for pid in left), timeout=15)
    locks = sorted(p.name for p in (sandbox.repo / ".worktrees").glob("*.lock"))
    assert len(locks) == 2  # left behind by the killed run: stale now

    resumed = subprocess.run(
        with_agent(sandbox, manifest, agent, "--max-parallel", "2"),
        cwd=sandbox.repo,
        env={**sandbox.env(), "AGENT_SLEEP": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    tree = next((sandbox.repo / ".worktrees").glob("*1"))
    lines = git(tree, "show", "HEAD:work-1.txt").splitlines()
    assert lines == [f"line from agent {pids(sandbox, 1)[2]}"]  # the second agent's line only
    assert not list((sandbox.repo / ".worktrees").glob("*.lock"))
    for pid in pids(sandbox, 1)[2:] + pids(sandbox, 2)[2:]:
        wait_for(lambda pid=pid: not alive(pid), timeout=15)  # its background child too


def test_a_second_run_does_not_start_an_agent_in_a_worktree_in_use(sandbox: Sandbox):
    manifest = sandbox.manifest({1: []})
    sandbox.behave(_1={"sleep": 120})
    first = start(sandbox, sandbox.command(manifest))
    wait_for(lambda: sandbox.runs(1) == 1)
    try:
        second = sandbox.run(manifest)
        assert second.returncode == 1
        record = sandbox.records()[1]
        assert record["status"] == "failed"
        assert "is in use by process" in record["error"]
        assert sandbox.runs(1) == 1  # no second agent in the same worktree
        assert alive(int((sandbox.root / "times" / "1.runs").read_text().split()[0]))
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=30)


def test_worktree_lock_is_held_while_its_owner_lives_and_recovered_when_stale(tmp_path: Path):
    path = tmp_path / ".worktrees" / "issue-1.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        path.parent.mkdir()
        path.write_text(json.dumps({"pid": holder.pid, "group": None}))
        with pytest.raises(WorktreeBusy, match=f"in use by process {holder.pid}"):
            WorktreeLock(path).acquire()
    finally:
        holder.kill()
        holder.wait()
    WorktreeLock(path).acquire()  # the holder is gone: stale, taken over
    assert json.loads(path.read_text())["pid"] == os.getpid()
    path.write_text("{")  # half written by a killed process: stale too
    lock = WorktreeLock(path)
    lock.acquire()
    lock.release()
    assert not path.exists()


# --- timeouts -----------------------------------------------------------------------------------------


def test_agent_timeout_stops_the_agent_and_records_it_cancelled(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1], 3: []})
    result = subprocess.run(
        with_agent(sandbox, manifest, spawning(sandbox), "--agent-timeout", "1"),
        cwd=sandbox.repo,
        env={**sandbox.env(), "AGENT_SLEEP": "120"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    records = sandbox.records()
    assert [records[n]["status"] for n in (1, 2, 3)] == ["cancelled", "blocked", "cancelled"]
    assert "--agent-timeout 1s" in records[1]["error"]
    for pid in pids(sandbox, 1) + pids(sandbox, 3):
        wait_for(lambda pid=pid: not alive(pid), timeout=15)


def test_run_timeout_cancels_running_and_waiting_issues(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1]})
    sandbox.behave(_1={"sleep": 120})
    result = sandbox.run(manifest, "--timeout", "1")
    assert result.returncode == 1
    records = sandbox.records()
    assert [records[n]["status"] for n in (1, 2)] == ["cancelled", "cancelled"]
    assert records[1]["error"] == "the run timed out (--timeout 1s)"
    assert records[2]["error"] == "not started: the run timed out (--timeout 1s)"


@pytest.mark.parametrize("value", ["0", "-3", "nan"])
def test_timeouts_must_be_positive(sandbox: Sandbox, value: str):
    result = sandbox.run(sandbox.manifest({1: []}), "--agent-timeout", value)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--agent-timeout must be a positive number" in result.stderr


# --- refs the agent must not move -------------------------------------------------------------------


def test_moved_refs_lists_changes_outside_the_allowed_with_the_value_to_put_back():
    before = {"refs/heads/main": "a", "refs/heads/feature/issue-1": "b", "refs/tags/v1": "c"}
    after = {"refs/heads/main": "x", "refs/heads/feature/issue-1": "y", "refs/heads/new": "z"}
    assert moved_refs(before, after, {"refs/heads/feature/issue-1"}) == {
        "refs/heads/main": "a",
        "refs/heads/new": None,
        "refs/tags/v1": "c",
    }
    assert moved_refs(before, before, ()) == {}


def test_an_agent_that_moves_main_fails_its_leg_and_main_is_put_back(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1]})
    main = git(sandbox.repo, "rev-parse", "main").strip()
    agent = (
        "echo work > work.txt && git add work.txt && git commit -qm work && "
        "git update-ref refs/heads/main HEAD && git tag sneaky HEAD"
    )
    result = subprocess.run(
        with_agent(sandbox, manifest, agent),
        cwd=sandbox.repo,
        env=sandbox.env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    records = sandbox.records()
    assert [records[n]["status"] for n in (1, 2)] == ["failed", "blocked"]
    assert "refs/heads/main" in records[1]["error"] and "refs/tags/sneaky" in records[1]["error"]
    assert git(sandbox.repo, "rev-parse", "main").strip() == main
    assert git(sandbox.repo, "tag", "--list") == ""
    assert git(sandbox.repo, "status", "--porcelain") == ""  # the user's checkout is as it was
    kept = git(sandbox.repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/lumina-wave/moved/")
    moved = {ref.split("/", 4)[4]: sha for ref, sha in (line.split() for line in kept.splitlines())}
    agent_commit = git(sandbox.repo, "rev-parse", "feature/issue-1").strip()
    assert moved == {"heads/main": agent_commit, "tags/sneaky": agent_commit}  # nothing lost: kept
    assert records[1]["commit"] == agent_commit  # its own branch keeps its work


# --- --rerun keeps what it resets; --push acts on earlier runs -----------------------------------


def test_rerun_names_the_branches_it_resets_and_keeps_a_backup_ref(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: []})
    assert sandbox.run(manifest).returncode == 0
    old = {n: git(sandbox.repo, "rev-parse", f"feature/issue-{n}").strip() for n in (1, 2)}
    again = sandbox.run(manifest, "--rerun")
    assert again.returncode == 0, again.stderr
    backups = git(
        sandbox.repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/lumina-wave/backup/"
    )
    kept = dict(line.split() for line in backups.splitlines())
    assert sorted(kept.values()) == sorted(old.values())
    for ref, commit in kept.items():
        n = int(ref.split("/")[3].removeprefix("issue-"))
        assert commit == old[n]
        line = f"resetting feature/issue-{n} (was {commit[:12]}); its commits are kept at {ref}"
        assert line in again.stderr and line in again.stdout


def test_push_after_a_finished_run_pushes_its_branches_without_running_agents_again(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1]})
    assert sandbox.run(manifest).returncode == 0
    assert git(sandbox.origin, "branch", "--list", "feature/*") == ""
    pushed = sandbox.run(manifest, "--push")
    assert pushed.returncode == 0, pushed.stderr
    assert (sandbox.runs(1), sandbox.runs(2)) == (1, 1)
    records = sandbox.records()
    for n in (1, 2):
        assert (
            git(sandbox.origin, "rev-parse", f"refs/heads/feature/issue-{n}").strip() == records[n]["commit"]
        )
        assert "not pushed" not in records[n]["error"]
    again = sandbox.run(manifest, "--push")  # nothing left to push: nothing changes
    assert again.returncode == 0 and sandbox.records() == records


@responses.activate
def test_open_prs_after_a_finished_run_opens_the_prs_of_its_branches(sandbox: Sandbox, monkeypatch):
    fake_pulls_api()
    manifest = sandbox.manifest({1: [], 2: []})
    assert sandbox.run(manifest).returncode == 0
    before = sandbox.records()
    for name, value in {**sandbox.env(), "GITHUB_TOKEN": "t0k3n"}.items():
        monkeypatch.setenv(name, value)
    records = sandbox.open_prs(manifest)
    assert [(records[n]["pr_number"], records[n]["status"]) for n in (1, 2)] == [
        (41, "success"),
        (42, "success"),
    ]
    assert [records[n]["finished_at"] for n in (1, 2)] == [before[n]["finished_at"] for n in (1, 2)]
    assert (sandbox.runs(1), sandbox.runs(2)) == (1, 1)
    posts = [json.loads(c.request.body)["head"] for c in responses.calls if c.request.method == "POST"]
    assert posts == ["feature/issue-1", "feature/issue-2"]


# --- the metrics of a resumed run ---------------------------------------------------------------------


def test_active_time_counts_only_the_spans_inside_the_range():
    t = datetime(2026, 12, 1, tzinfo=UTC)
    s = lambda n: t + timedelta(seconds=n)  # noqa: E731
    spans = [(s(0), s(10)), (s(5), s(12)), (s(100), s(110))]
    assert active_time(spans, s(0), s(110)) == 22.0
    assert active_time(spans, s(2), s(105)) == 15.0
    assert active_time([], s(0), s(10)) == 0.0


def test_resumed_run_wall_time_leaves_out_the_pause_between_the_runs(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1]})
    sandbox.behave(_2={"exit": 1})
    assert sandbox.run(manifest).returncode == 1
    sandbox.behave()
    assert sandbox.run(manifest).returncode == 0
    runs = json.loads((sandbox.repo / ".lumina-wave" / "runs.json").read_text())
    assert len(runs) == 2
    pause = datetime.fromisoformat(runs[1]["started_at"]) - datetime.fromisoformat(runs[0]["finished_at"])
    metrics = json.loads((sandbox.repo / ".lumina-wave" / "summary.json").read_text())["metrics"]
    first_to_last = datetime.fromisoformat(metrics["finished_at"]) - datetime.fromisoformat(
        metrics["started_at"]
    )
    assert pause.total_seconds() > 0
    assert metrics["wall_seconds"] <= (first_to_last - pause).total_seconds() + 0.001
    assert metrics["wall_seconds"] >= metrics["leg_seconds"] - 0.001  # one leg at a time: no overlap


# --- retries: --agent-retries with backoff, --retry failed|N ------------------------------------------

# Fails the first $FAILS_<issue> times it runs for an issue (counted in $AGENT_TIMES), then works.
FLAKY_AGENT = r"""
import os, sys
from pathlib import Path
issue = os.environ["WAVE_ISSUE_NUMBER"]
count = Path(os.environ["AGENT_TIMES"]) / f"{issue}.flaky"
count.parent.mkdir(exist_ok=True)
runs = int(count.read_text()) + 1 if count.exists() else 1
count.write_text(str(runs))
print(f"run {runs} for #{issue}", flush=True)
if runs <= int(os.environ.get(f"FAILS_{issue}", "0")):
    sys.exit(7)
Path(f"work-{issue}.txt").write_text(f"work for #{issue}\n")
"""


def flaky(sandbox: Sandbox, manifest: Path, *extra: str, **fails: int) -> subprocess.CompletedProcess:
    (sandbox.root / "flaky.py").write_text(FLAKY_AGENT)
    agent = f"{sys.executable} {sandbox.root / 'flaky.py'}"
    env = {**sandbox.env(), **{f"FAILS_{k.lstrip('_')}": str(v) for k, v in fails.items()}}
    return subprocess.run(
        with_agent(sandbox, manifest, agent, *extra),
        cwd=sandbox.repo,
        env=env,
        capture_output=True,
        text=True,
    )


def test_retry_delay_doubles_and_ends_with_the_retries():
    assert [retry_delay(n, 3, 0.5) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, None]
    assert retry_delay(1, 0, 1.0) is None


def test_agent_retries_run_a_failed_agent_again_and_record_the_attempts(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [], 3: []})
    result = flaky(sandbox, manifest, "--agent-retries", "2", "--retry-backoff", "0.01", _1=1, _2=5)
    assert result.returncode == 1
    records = sandbox.records()
    assert [(records[n]["status"], records[n]["attempts"]) for n in (1, 2, 3)] == [
        ("success", 2),
        ("failed", 3),
        ("success", 1),
    ]
    log = (sandbox.repo / ".lumina-wave" / "logs" / "issue-1.log").read_text()
    assert "run 1 for #1" in log and "the agent exited 7; attempt 2 in 0.01s" in log and "run 2 for #1" in log
    issues = json.loads((sandbox.repo / ".lumina-wave" / "summary.json").read_text())["issues"]
    assert {i["issue"]: i["attempts"] for i in issues} == {1: 2, 2: 3, 3: 1}
    assert "(2 attempts)" in result.stdout and "(3 attempts)" in result.stdout
    assert "(2 attempts)" in (sandbox.repo / ".lumina-wave" / "summary.md").read_text()


def test_without_agent_retries_a_failed_agent_runs_once(sandbox: Sandbox):
    result = flaky(sandbox, sandbox.manifest({1: []}), _1=1)
    assert result.returncode == 1
    assert (sandbox.records()[1]["status"], sandbox.records()[1]["attempts"]) == ("failed", 1)


def test_retry_reruns_the_chosen_issues_and_their_dependents_and_keeps_the_others(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1], 3: [], 4: [3], 5: []})
    assert flaky(sandbox, manifest, _1=1, _3=1).returncode == 1
    first = sandbox.records()
    assert [first[n]["status"] for n in range(1, 6)] == ["failed", "blocked", "failed", "blocked", "success"]

    again = flaky(sandbox, manifest, "--retry", "1", _1=1, _3=1)
    assert again.returncode == 1  # 3 is still failed: kept as it was
    records = sandbox.records()
    assert [records[n]["status"] for n in range(1, 6)] == [
        "success",
        "success",
        "failed",
        "blocked",
        "success",
    ]
    assert [records[n] for n in (3, 4, 5)] == [first[n] for n in (3, 4, 5)]
    summary = json.loads((sandbox.repo / ".lumina-wave" / "summary.json").read_text())
    assert summary["total"] == 5 and summary["done"] == 3  # the summary covers the whole plan

    last = flaky(sandbox, manifest, "--retry", "failed", _1=1, _3=1)
    assert last.returncode == 0, last.stderr
    assert {r["status"] for r in sandbox.records().values()} == {"success"}
    assert sandbox.records()[5] == first[5]  # never run again


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--retry", "9"), "--retry names #9, not in the plan"),
        (("--retry", "1;2"), "--retry takes 'failed' or issue numbers like 154,155; got '1;2'"),
        (("--retry", "1", "--rerun"), "--retry and --rerun exclude each other"),
        (("--agent-retries", "-1"), "--agent-retries must be 0 or more, got -1"),
    ],
)
def test_retry_options_are_checked(sandbox: Sandbox, extra: tuple[str, ...], message: str):
    result = sandbox.run(sandbox.manifest({1: []}), *extra)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
