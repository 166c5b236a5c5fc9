"""Fault matrix of ``lumina-wave local``: ``kill -9`` at each step of a leg, then a resumed run.

The kill comes from inside the run, at an exact point: a ``git`` first on PATH wraps the real
one and kills ``local`` when the n-th change of a ref has happened (lumina-wave runs git with no
hooks, so a ``reference-transaction`` hook would never run), and the agent step kills it from
the agent. After each kill: no agent left running;
the resumed run records every issue; the pushed branches are the recorded commits; and every
commit a branch ever pointed to is still reachable from a ref (0 lost commits). The counts go
into ``docs/reliability.md`` (:data:`e2e.figures.LOCAL_FIGURES`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from e2e.figures import LOCAL_FIGURES, LocalFigure
from test_local import Sandbox, git, make_sandbox
from test_local_signals import alive, wait_for

# Finds the `local` process up the parent chain and kills it (the hook's and the agent's way).
KILL_LOCAL = r"""
def kill_local():
    pid = os.getppid()
    while pid > 1:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"lumina_wave" in args and b"local" in args:
            os.kill(pid, signal.SIGKILL)
            return
        pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[1])
"""

# A git that runs the real one, then kills `local` when the n-th change of $FAULT_REF has
# happened; logs every ref a command changed, with its new value, to $FAULT_LOG.
GIT = (
    "#!PYTHON\nimport os, signal, subprocess, sys\nfrom pathlib import Path\n"
    + KILL_LOCAL
    + r"""
REAL = "REAL_GIT"


def refs():
    done = subprocess.run([REAL, "for-each-ref", "--format=%(objectname) %(refname)"], capture_output=True, text=True)
    return dict(reversed(line.split(" ", 1)) for line in done.stdout.splitlines()) if done.returncode == 0 else {}


if "FAULT_LOG" not in os.environ or sys.argv[1:2] in (["for-each-ref"], ["rev-parse"], ["cat-file"]):
    os.execv(REAL, [REAL, *sys.argv[1:]])
before = refs()
code = subprocess.run([REAL, *sys.argv[1:]]).returncode
changed = {ref: sha for ref, sha in refs().items() if before.get(ref) != sha}
with open(os.environ["FAULT_LOG"], "a") as log:
    for ref, sha in changed.items():
        log.write(f"{ref} {sha}\n")
ref, nth = os.environ.get("FAULT_REF", ""), int(os.environ.get("FAULT_NTH", "0"))
if ref in changed:
    count = Path(os.environ["FAULT_LOG"] + ".count")
    seen = int(count.read_text()) + 1 if count.exists() else 1
    count.write_text(str(seen))
    if seen == nth:
        kill_local()
sys.exit(code)
"""
)

# The agent: records its pid, kills `local` when it is the faulted step, else works.
AGENT = (
    "import os, signal, time\nfrom pathlib import Path\n"
    + KILL_LOCAL
    + r"""
issue = os.environ["WAVE_ISSUE_NUMBER"]
times = Path(os.environ["AGENT_TIMES"]); times.mkdir(exist_ok=True)
with (times / f"{issue}.runs").open("a") as f:
    f.write(f"{os.getpid()}\n")
if os.environ.get("FAULT_AGENT") == issue:
    kill_local()
    time.sleep(60)
Path(f"work-{issue}.txt").write_text(f"work for #{issue}\n")
"""
)

STEPS = {
    "prepare: branch started": {"FAULT_REF": "refs/heads/feature/issue-1", "FAULT_NTH": "1"},
    "prepare: start ref set": {"FAULT_REF": "refs/lumina-wave/start/issue-1", "FAULT_NTH": "1"},
    "agent running": {"FAULT_AGENT": "1"},
    "finish: committed": {"FAULT_REF": "refs/heads/feature/issue-1", "FAULT_NTH": "2"},
    "finish: pushed, not recorded": {"FAULT_REF": "refs/remotes/origin/feature/issue-1", "FAULT_NTH": "1"},
    "next leg: its prepare": {"FAULT_REF": "refs/heads/feature/issue-2", "FAULT_NTH": "1"},
}


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    box = make_sandbox(tmp_path)
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    wrapper.write_text(
        GIT.replace("PYTHON", sys.executable).replace("REAL_GIT", shutil.which("git") or "git")
    )
    wrapper.chmod(0o755)
    (tmp_path / "agent.py").write_text(AGENT)
    return box


def run(sandbox: Sandbox, manifest: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        sandbox.command(manifest, "--push"),
        cwd=sandbox.repo,
        env={
            **sandbox.env(),
            "PATH": f"{sandbox.root / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "FAULT_LOG": str(sandbox.root / "refs.log"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def lost_commits(sandbox: Sandbox) -> int:
    """Commits a branch pointed to during the runs that no ref reaches now."""
    seen = {
        sha
        for ref, sha in (line.split() for line in (sandbox.root / "refs.log").read_text().splitlines())
        if ref.startswith("refs/heads/") and set(sha) != {"0"}
    }
    return sum(not git(sandbox.repo, "for-each-ref", "--contains", sha).strip() for sha in seen)


@pytest.mark.parametrize("step", STEPS)
def test_kill_9_at_each_step_loses_nothing_and_the_resumed_run_records_every_issue(
    sandbox: Sandbox, step: str
):
    manifest = sandbox.manifest({1: [], 2: [1]})
    killed = run(sandbox, manifest, **STEPS[step])
    assert killed.returncode == -9, killed.stderr  # the fault happened where it was meant to
    agents = [
        int(pid) for path in (sandbox.root / "times").glob("*.runs") for pid in path.read_text().split()
    ]
    wait_for(lambda: not any(alive(pid) for pid in agents), timeout=15)

    resumed = run(sandbox, manifest)
    assert resumed.returncode == 0, resumed.stderr
    records = sandbox.records()
    unrecorded = sum(n not in records for n in (1, 2))
    assert {n: r["status"] for n, r in records.items()} == {1: "success", 2: "success"}
    wrong = sum(
        git(sandbox.origin, "rev-parse", f"refs/heads/feature/issue-{n}").strip() != records[n]["commit"]
        for n in (1, 2)
    )
    lost = lost_commits(sandbox)
    LOCAL_FIGURES.record(LocalFigure(step, 1, 0, lost, unrecorded, wrong))
    assert (lost, unrecorded, wrong) == (0, 0, 0)
