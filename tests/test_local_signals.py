"""Ctrl-C on ``lumina-wave local``: agents stopped, records cancelled, nothing half-written, resumable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_local import Sandbox, git, make_sandbox

from lumina_wave.store import read_results


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return make_sandbox(tmp_path)


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_sigint_cancels_running_agents_and_a_second_run_resumes(sandbox: Sandbox):
    # 1 is quick and done before the interrupt; 2 and 4 hang; 3 waits for 2.
    manifest = sandbox.manifest({1: [], 2: [1], 3: [2], 4: []})
    sandbox.behave(_2={"sleep": 60}, _4={"sleep": 60})
    proc = subprocess.Popen(
        sandbox.command(manifest, "--max-parallel", "4"),
        cwd=sandbox.repo,
        env=sandbox.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    times = sandbox.root / "times"
    wait_for(lambda: (times / "2.start").exists() and (times / "4.start").exists())
    agents = [int((times / f"{n}.runs").read_text().split()[-1]) for n in (2, 4)]
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err  # 128 + SIGINT, as a shell reports Ctrl-C

    # the agents (in their own process groups) were stopped, not left behind
    wait_for(lambda: not any(alive(pid) for pid in agents), timeout=10)
    results = sandbox.repo / ".lumina-wave" / "results"
    assert sorted(p.name for p in results.iterdir()) == [f"result-{n}.json" for n in (1, 2, 3, 4)]
    for path in results.iterdir():
        json.loads(path.read_text())  # whole files only
    records = read_results(results)
    assert {n: r["status"] for n, r in records.items()} == {
        1: "success",
        2: "cancelled",
        3: "cancelled",
        4: "cancelled",
    }
    assert records[2]["agent_outcome"] == "cancelled" and records[3]["started_at"] is None
    assert "#2" in out  # the summary is still printed
    # the worktrees stay for the next run
    assert (sandbox.repo / ".worktrees" / "issue-2").is_dir()

    sandbox.behave()
    second = sandbox.run(manifest)
    assert second.returncode == 0, second.stderr
    assert (sandbox.runs(1), sandbox.runs(2), sandbox.runs(3), sandbox.runs(4)) == (1, 2, 1, 2)
    records = read_results(results)
    assert {r["status"] for r in records.values()} == {"success"}
    tree = sandbox.repo / ".worktrees" / "issue-2"
    assert git(tree, "status", "--porcelain") == ""
    assert git(tree, "log", "--format=%s", "-1").strip()


def test_sigterm_is_handled_like_ctrl_c(sandbox: Sandbox):
    manifest = sandbox.manifest({1: []})
    sandbox.behave(_1={"sleep": 60})
    proc = subprocess.Popen(
        sandbox.command(manifest),
        cwd=sandbox.repo,
        env=sandbox.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for(lambda: (sandbox.root / "times" / "1.start").exists())
    started = time.monotonic()
    os.kill(proc.pid, signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == 143  # 128 + SIGTERM
    assert time.monotonic() - started < 10
    assert read_results(sandbox.repo / ".lumina-wave" / "results")[1]["status"] == "cancelled"
