"""``lumina-wave local``: the pure scheduler, the progress display, and runs on real repositories."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import responses
from hypothesis import given, settings
from hypothesis import strategies as st
from local_cli import local_argv, run_local

from lumina_wave import cli
from lumina_wave.commands.local import github_repo_of
from lumina_wave.local_wave import Step, downstream_depth, next_step
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import Plan, build_plan
from lumina_wave.progress import Board, Progress, event_line, render_board
from lumina_wave.store import read_results


def make_plan(deps: dict[int, list[int]]) -> Plan:
    return build_plan(
        Selection(
            source="test",
            items=[Item(number=n, title=f"issue {n}") for n in deps],
            edges=[Edge(issue=n, depends_on=d) for n, ds in deps.items() for d in ds],
        )
    )


DIAMOND = {1: [], 2: [1], 3: [1], 4: [2, 3]}


# --- next_step: what may start now -----------------------------------------------------------------


def test_diamond_starts_each_issue_when_its_own_dependencies_are_done():
    plan = make_plan(DIAMOND)
    assert next_step(plan, {}, set(), 8) == Step(start=(1,))
    assert next_step(plan, {}, {1}, 8) == Step()
    assert next_step(plan, {1: "success"}, set(), 8) == Step(start=(2, 3))
    assert next_step(plan, {1: "success", 2: "success"}, {3}, 8) == Step()
    assert next_step(plan, {1: "success", 2: "success", 3: "no-changes"}, set(), 8) == Step(start=(4,))


def test_asap_does_not_wait_for_the_rest_of_the_wave_but_by_wave_does():
    # 1 and 2 are wave 1; 3 needs only 1. ASAP starts 3 while 2 still runs; wave by wave waits.
    plan = make_plan({1: [], 2: [], 3: [1]})
    assert next_step(plan, {1: "success"}, {2}, 8) == Step(start=(3,))
    assert next_step(plan, {1: "success"}, {2}, 8, by_wave=True) == Step()
    assert next_step(plan, {1: "success", 2: "failed"}, set(), 8, by_wave=True) == Step(start=(3,))


def test_failure_blocks_only_its_dependents_naming_the_dependency():
    plan = make_plan({1: [], 2: [1], 3: [], 4: [2, 3]})
    step = next_step(plan, {1: "failed"}, set(), 8)
    assert step == Step(start=(3,), block=((2, (1,)),))
    # the block cascades once 2 is recorded; 4 names the dependency that did not end done
    step = next_step(plan, {1: "failed", 2: "blocked", 3: "success"}, set(), 8)
    assert step == Step(block=((4, (2,)),))
    assert next_step(plan, {1: "cancelled"}, {3}, 8).block == ((2, (1,)),)


def test_slots_limit_starts_and_longest_chain_goes_first():
    # 5 -> 6 -> 7 is the longest chain, so 5 starts before the independents 1..4.
    plan = make_plan({1: [], 2: [], 3: [], 4: [], 5: [], 6: [5], 7: [6]})
    assert downstream_depth(plan)[5] == 3
    assert next_step(plan, {}, set(), 2).start == (5, 1)
    assert next_step(plan, {}, {5, 1}, 2) == Step()
    assert next_step(plan, {}, {5}, 3).start == (1, 2)


@st.composite
def dags(draw):
    size = draw(st.integers(1, 12))
    deps = {
        n: sorted(draw(st.sets(st.integers(1, n - 1), max_size=3))) if n > 1 else []
        for n in range(1, size + 1)
    }
    return deps


@settings(max_examples=150, deadline=None)
@given(dags(), st.integers(1, 4), st.randoms(use_true_random=False), st.booleans())
def test_simulated_runs_respect_dependencies_slots_and_end_every_issue(deps, slots, rng, by_wave):
    plan = make_plan(deps)
    failing = {n for n in deps if rng.random() < 0.2}
    ended: dict[int, str] = {}
    running: set[int] = set()
    while True:
        step = next_step(plan, ended, running, slots, by_wave=by_wave)
        for n, why in step.block:
            assert why and all(ended[d] not in ("success", "no-changes") for d in why)
            ended[n] = "blocked"
        for n in step.start:
            assert all(ended.get(d) == "success" for d in plan.depends_on[n])
            if by_wave:
                assert all(m in ended for m in plan.items if plan.wave_of[m] < plan.wave_of[n])
        running.update(step.start)
        assert len(running) <= slots
        if step.block:
            continue
        if not running:
            break
        done = rng.choice(sorted(running))
        running.remove(done)
        ended[done] = "failed" if done in failing else "success"
    assert set(ended) == set(plan.items)
    for n, status in ended.items():
        bad_dep = any(ended[d] != "success" for d in plan.depends_on[n])
        assert (status == "blocked") == bad_dep


# --- progress ---------------------------------------------------------------------------------------


def test_board_renders_running_done_failed_blocked_with_elapsed_times():
    board = Board()
    board.update(152, "running", now=10.0)
    board.update(154, "running", now=10.0)
    board.update(154, "success", now=11.5)
    board.update(155, "blocked", now=11.6, note="blocked by #154")
    board.update(156, "pending", now=0.0)
    lines = render_board(board, now=12.0, since=10.0)
    assert lines[0] == "lumina-wave local     2.0s  1 running, 1 done, 1 blocked, 1 waiting"
    assert lines[1].split() == ["#152", "running", "2.0s"]
    assert lines[2].split() == ["#154", "done", "1.5s"]
    assert lines[3].split() == ["#155", "blocked", "blocked", "by", "#154"]
    assert len(lines) == 4


def test_quiet_progress_prints_one_line_per_event_without_escape_codes():
    out = io.StringIO()
    progress = Progress(out, live=False, issues=[1, 2])
    progress.update(1, "running")
    progress.update(1, "failed", "agent exited 3")
    progress.update(2, "blocked", "blocked by #1")
    progress.close()
    lines = out.getvalue().splitlines()
    assert [line.split("] ", 1)[1].split()[:2] for line in lines] == [
        ["#1", "running"],
        ["#1", "FAILED"],
        ["#2", "blocked"],
    ]
    assert lines[1].endswith("(agent exited 3)")
    assert "\x1b" not in out.getvalue()


def test_live_progress_redraws_in_place():
    out = io.StringIO()
    progress = Progress(out, live=True, issues=[1], refresh=60)
    progress.update(1, "running")
    progress.update(1, "success")
    progress.close()
    text = out.getvalue()
    assert text.count("\x1b[2F\x1b[J") == 2  # each redraw moves up over the 2-line board
    assert text.rstrip().splitlines()[-1].split()[:2] == ["#1", "done"]


def test_event_line_shows_elapsed_time_of_an_ended_issue():
    board = Board()
    board.update(7, "running", now=1.0)
    board.update(7, "no-changes", now=3.25)
    assert event_line(7, board.issues[7], now=3.25, since=0.0) == "[    3.2s] #7 done (no changes) 2.2s"


# --- real runs: real repositories, real `lumina-wave local` processes, real agents ------------------

AGENT = r'''
"""Test agent: behaviour per issue from $AGENT_PLAN (JSON), times to $AGENT_TIMES."""
import json, os, sys, time
from pathlib import Path

issue = os.environ["WAVE_ISSUE_NUMBER"]
times = Path(os.environ["AGENT_TIMES"])
times.mkdir(exist_ok=True)
with (times / f"{issue}.runs").open("a") as f:
    f.write(f"{os.getpid()}\n")
(times / f"{issue}.start").write_text(repr(time.time()))
spec = json.loads(Path(os.environ["AGENT_PLAN"]).read_text()).get(issue, {})
print(f"agent for #{issue} in {os.getcwd()}", flush=True)
time.sleep(spec.get("sleep", 0))
if spec.get("write", True):
    Path(f"work-{issue}.txt").write_text(f"work for #{issue}\n")
(times / f"{issue}.end").write_text(repr(time.time()))
print(spec.get("say", ""), flush=True)
sys.exit(spec.get("exit", 0))
'''


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@dataclass
class Sandbox:
    """A clone with a bare origin, a test agent, and helpers to run ``lumina-wave local`` in it."""

    root: Path
    repo: Path
    origin: Path

    def manifest(self, deps: dict[int, list[int]], name: str = "wave.yml") -> Path:
        lines = ["version: 1", "issues:"]
        for n, ds in deps.items():
            lines += [f"  - number: {n}", f"    title: Issue {n}", f"    depends_on: {ds}"]
        path = self.root / name
        path.write_text("\n".join(lines) + "\n")
        return path

    def behave(self, **spec: dict) -> None:
        (self.root / "agent-plan.json").write_text(json.dumps({k.lstrip("_"): v for k, v in spec.items()}))

    def command(self, manifest: Path, *extra: str) -> list[str]:
        return local_argv(manifest, f"{sys.executable} {self.root / 'agent.py'}", *extra)

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "AGENT_PLAN": str(self.root / "agent-plan.json"),
            "AGENT_TIMES": str(self.root / "times"),
        }

    def run(self, manifest: Path, *extra: str) -> subprocess.CompletedProcess:
        return run_local(self.command(manifest, *extra), self.repo, self.env())

    def open_prs(self, manifest: Path) -> dict[int, dict]:
        """``local --open-prs`` of ``manifest`` in this process for octo/luminaguard (exit 0 asserted);
        the records then."""
        argv = self.command(
            manifest, "--repo", str(self.repo), "--open-prs", "--github-repo", "octo/luminaguard"
        )
        assert cli.main(argv[3:]) == 0
        return self.records()

    def time(self, issue: int, which: str) -> float:
        return float((self.root / "times" / f"{issue}.{which}").read_text())

    def runs(self, issue: int) -> int:
        path = self.root / "times" / f"{issue}.runs"
        return len(path.read_text().split()) if path.exists() else 0

    def records(self) -> dict[int, dict]:
        return read_results(self.repo / ".lumina-wave" / "results")


def fake_pulls_api() -> None:
    """octo/luminaguard's pulls under ``responses``: none open yet, each new one numbered from 41."""
    api = re.compile(r"https://api\.github\.com(:443)?/repos/octo/luminaguard/pulls")
    responses.get(api, json=[])
    created = iter(range(41, 50))

    def create(request):
        number = next(created)
        url = f"https://github.com/octo/luminaguard/pull/{number}"
        return 201, {}, json.dumps({"number": number, "html_url": url, **json.loads(request.body)})

    responses.add_callback(responses.POST, api, callback=create, content_type="application/json")


def make_sandbox(tmp_path: Path) -> Sandbox:
    origin = tmp_path / "origin.git"
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "clone", "-q", str(origin), str(repo))
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    (repo / "README.md").write_text("hello\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "start")
    git(repo, "push", "-q", "origin", "main")
    (tmp_path / "agent.py").write_text(AGENT)
    box = Sandbox(tmp_path, repo, origin)
    box.behave()
    return box


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return make_sandbox(tmp_path)


def test_diamond_runs_asap_each_issue_after_its_own_dependencies(sandbox: Sandbox):
    # 1 -> {2 (slow), 3 (quick)} -> 4, and 5 needs only 3: 5 starts once 3 is done, while 2 still runs.
    manifest = sandbox.manifest({1: [], 2: [1], 3: [1], 4: [2, 3], 5: [3]})
    sandbox.behave(
        _1={"sleep": 0.2}, _2={"sleep": 2.0}, _3={"sleep": 0.2}, _4={"sleep": 0.1}, _5={"sleep": 0.1}
    )
    result = sandbox.run(manifest, "--max-parallel", "4")
    assert result.returncode == 0, result.stderr
    start, end = (lambda n: sandbox.time(n, "start")), (lambda n: sandbox.time(n, "end"))
    assert end(1) <= start(2) and end(1) <= start(3)
    assert end(3) <= start(5) < end(2)  # not held back by the rest of wave 2
    assert max(end(2), end(3)) <= start(4)
    records = sandbox.records()
    assert {n: r["status"] for n, r in records.items()} == dict.fromkeys(range(1, 6), "success")
    assert records[5]["started_at"] <= records[2]["finished_at"]


def test_chain_runs_each_link_as_soon_as_the_previous_one_is_done(sandbox: Sandbox):
    # 1 -> 2 -> 3 next to a slow independent 4: the chain does not wait for 4 (wave 1).
    manifest = sandbox.manifest({1: [], 2: [1], 3: [2], 4: []})
    sandbox.behave(_4={"sleep": 2.0})
    result = sandbox.run(manifest, "--max-parallel", "2")
    assert result.returncode == 0, result.stderr
    t = sandbox.time
    assert t(1, "end") <= t(2, "start") and t(2, "end") <= t(3, "start")
    assert t(3, "start") < t(4, "end")


def test_run_leaves_worktrees_branches_logs_records_and_summary(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1]})
    result = sandbox.run(manifest, "--push")
    assert result.returncode == 0, result.stderr
    repo = sandbox.repo
    for n in (1, 2):
        tree = repo / ".worktrees" / f"issue-{n}"
        assert git(tree, "branch", "--show-current").strip() == f"feature/issue-{n}"
        assert (tree / f"work-{n}.txt").read_text() == f"work for #{n}\n"
        assert git(tree, "status", "--porcelain") == ""  # the agent's work is committed
        assert f"agent for #{n}" in (repo / ".lumina-wave" / "logs" / f"issue-{n}.log").read_text()
        pushed = git(sandbox.origin, "rev-parse", f"refs/heads/feature/issue-{n}").strip()
        assert pushed == sandbox.records()[n]["commit"]
    # lumina-wave's own files are not committed and do not show as untracked in the user's repo
    assert git(repo, "status", "--porcelain") == ""
    assert "/.worktrees/" in (repo / ".git" / "info" / "exclude").read_text()
    summary = json.loads((repo / ".lumina-wave" / "summary.json").read_text())
    assert summary  # the summary module's JSON, checked by its own tests
    assert (repo / ".lumina-wave" / "summary.md").read_text().strip()
    assert "#1" in result.stdout and "#2" in result.stdout


def test_failing_agent_blocks_only_its_dependents(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1], 3: [2], 4: [], 5: [4]})
    sandbox.behave(_1={"exit": 3})
    result = sandbox.run(manifest)
    assert result.returncode == 1
    records = sandbox.records()
    assert {n: r["status"] for n, r in records.items()} == {
        1: "failed",
        2: "blocked",
        3: "blocked",
        4: "success",
        5: "success",
    }
    assert records[2]["blocked_by"] == [1] and records[3]["blocked_by"] == [2]
    assert sandbox.runs(2) == sandbox.runs(3) == 0
    assert "agent for #1" in (sandbox.repo / ".lumina-wave" / "logs" / "issue-1.log").read_text()


def test_second_run_skips_done_issues_unless_rerun(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1], 3: []})
    sandbox.behave(_3={"exit": 1})
    assert sandbox.run(manifest).returncode == 1
    first = sandbox.records()
    sandbox.behave()
    assert sandbox.run(manifest).returncode == 0
    assert (sandbox.runs(1), sandbox.runs(2), sandbox.runs(3)) == (1, 1, 2)
    assert sandbox.records()[1] == first[1]
    assert sandbox.run(manifest, "--rerun").returncode == 0
    assert (sandbox.runs(1), sandbox.runs(2), sandbox.runs(3)) == (2, 2, 3)


def test_stack_starts_a_dependent_from_its_dependency_branch(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1]})
    assert sandbox.run(manifest, "--stack").returncode == 0
    tree = sandbox.repo / ".worktrees" / "issue-2"
    assert (tree / "work-1.txt").exists()
    assert sandbox.records()[2]["base"] == "feature/issue-1"


def test_stack_merges_are_made_as_the_users_author(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1], 3: [1], 4: [2, 3]})
    assert sandbox.run(manifest, "--stack").returncode == 0
    tree = sandbox.repo / ".worktrees" / "issue-4"
    merges = git(tree, "log", "--merges", "--format=%an <%ae>|%cn <%ce>", "feature/issue-4").split("\n")
    assert [m for m in merges if m] == ["Test <test@example.com>|Test <test@example.com>"]


def test_clean_removes_the_worktrees(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: []})
    assert sandbox.run(manifest).returncode == 0
    assert len(git(sandbox.repo, "worktree", "list").splitlines()) == 3
    result = sandbox.run(manifest, "--clean")
    assert result.returncode == 0, result.stderr
    assert len(git(sandbox.repo, "worktree", "list").splitlines()) == 1
    assert not (sandbox.repo / ".worktrees").exists()
    assert git(sandbox.repo, "branch", "--list", "feature/*").split() == [
        "feature/issue-1",
        "feature/issue-2",
    ]


def test_bad_input_exits_2_with_one_line(sandbox: Sandbox, tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text("version: 1\nissues:\n  - number: 1\n    depends_on: [9]\n")
    result = sandbox.run(bad)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "bad.yml" in result.stderr
    assert not (sandbox.repo / ".lumina-wave").exists()
    outside = subprocess.run(
        [sys.executable, "-m", "lumina_wave", "local", "--clean", "--repo", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert outside.returncode == 2 and "not inside a git repository" in outside.stderr


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://github.com/octo/luminaguard.git", "octo/luminaguard"),
        ("git@github.com:octo/lumina.guard.git", "octo/lumina.guard"),
        ("ssh://git@github.com/octo/luminaguard", "octo/luminaguard"),
        ("https://x-access-token:abc@github.com/octo/luminaguard/", "octo/luminaguard"),
        ("/srv/git/origin.git", None),
        ("https://gitlab.com/octo/luminaguard.git", None),
    ],
)
def test_github_repo_of_remote_urls(url: str, name: str | None):
    assert github_repo_of(url) == name


@responses.activate
def test_open_prs_pushes_and_opens_one_pr_per_issue_through_the_finish_code(sandbox: Sandbox, monkeypatch):
    fake_pulls_api()
    monkeypatch.setenv("GITHUB_TOKEN", "t0k3n")
    monkeypatch.setenv("AGENT_PLAN", str(sandbox.root / "agent-plan.json"))
    monkeypatch.setenv("AGENT_TIMES", str(sandbox.root / "times"))
    manifest = sandbox.manifest({1: [], 2: [1]})
    records = sandbox.open_prs(manifest)
    assert [(records[n]["pr_number"], records[n]["status"]) for n in (1, 2)] == [
        (41, "success"),
        (42, "success"),
    ]
    posts = [json.loads(c.request.body) for c in responses.calls if c.request.method == "POST"]
    assert [(p["head"], p["base"]) for p in posts] == [
        ("feature/issue-1", "main"),
        ("feature/issue-2", "main"),
    ]
    assert all("Closes #" in p["body"] for p in posts)
    assert git(sandbox.origin, "branch", "--list", "feature/*").split() == [
        "feature/issue-1",
        "feature/issue-2",
    ]


def test_open_prs_without_a_token_is_bad_input(sandbox: Sandbox):
    env = {k: v for k, v in sandbox.env().items() if k != "GITHUB_TOKEN"}
    manifest = sandbox.manifest({1: []})
    result = subprocess.run(
        sandbox.command(manifest, "--open-prs"), cwd=sandbox.repo, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "lumina-wave: error: --open-prs needs a token in GITHUB_TOKEN"
    assert not (sandbox.repo / ".lumina-wave").exists()
