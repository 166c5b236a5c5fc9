"""``lumina-wave local`` for daily use: the default manifest, failures that say why, checks before
anything runs, and a summary that lists only what exists. Real repositories, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_local import Sandbox, git, make_sandbox

from lumina_wave import preflight
from lumina_wave.diagram import cut_at_word, mermaid
from lumina_wave.errors import InputError
from lumina_wave.local_wave import agent_error, last_line
from lumina_wave.model import Item, Selection
from lumina_wave.plan import build_plan


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return make_sandbox(tmp_path)


def local(sandbox: Sandbox, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lumina_wave", "local", *args],
        cwd=cwd or sandbox.repo,
        env=sandbox.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def agent_of(sandbox: Sandbox) -> str:
    return f"{sys.executable} {sandbox.root / 'agent.py'}"


def commit_manifest(sandbox: Sandbox, deps: dict[int, list[int]]) -> None:
    path = sandbox.repo / ".github" / "waves.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(sandbox.manifest(deps).read_text())
    git(sandbox.repo, "add", ".github/waves.yml")
    git(sandbox.repo, "commit", "-q", "-m", "the wave")


def assert_refused(result: subprocess.CompletedProcess, sandbox: Sandbox, *words: str) -> None:
    """Exit 2 with one line naming ``words``, and nothing made: no state, worktree, branch or agent run."""
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("lumina-wave: error: "), result.stderr
    for word in words:
        assert word in result.stderr
    assert not (sandbox.repo / ".lumina-wave").exists()
    assert not (sandbox.repo / ".worktrees").exists()
    assert git(sandbox.repo, "branch", "--list", "feature/*") == ""
    assert not (sandbox.root / "times").exists()


# --- the default manifest and the source line -------------------------------------------------------


def test_manifest_defaults_to_github_waves_yml_and_the_source_is_relative(sandbox: Sandbox):
    commit_manifest(sandbox, {1: []})
    sub = sandbox.repo / ".github"
    result = local(sandbox, "--agent", agent_of(sandbox), cwd=sub)  # from a subdirectory, too
    assert result.returncode == 0, result.stderr
    summary = json.loads((sandbox.repo / ".lumina-wave" / "summary.json").read_text())
    assert summary["source"] == "manifest:.github/waves.yml"
    assert "(manifest:.github/waves.yml)" in (sandbox.repo / ".lumina-wave" / "summary.md").read_text()
    # an absolute --manifest inside the repository is named from its top as well
    again = local(sandbox, "--agent", agent_of(sandbox), "--rerun", "--manifest", str(sub / "waves.yml"))
    assert again.returncode == 0, again.stderr
    assert str(sandbox.repo) not in (sandbox.repo / ".lumina-wave" / "summary.md").read_text()


def test_no_manifest_at_the_default_path_is_one_line(sandbox: Sandbox):
    assert_refused(local(sandbox, "--agent", agent_of(sandbox)), sandbox, ".github/waves.yml", "--manifest")


# --- a failure says how it ended --------------------------------------------------------------------


def test_failure_names_exit_code_last_log_line_and_log_in_board_text_and_markdown(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1], 3: []})
    sandbox.behave(
        _1={"exit": 3, "write": False, "say": "\x1b[31merror: the build broke\x1b[0m\n\n  }\n"},
        _3={"exit": 1},
    )
    result = sandbox.run(manifest)
    assert result.returncode == 1
    log = ".lumina-wave/logs/issue-1.log"
    expected = f"agent exited with 3: error: the build broke (log {log})"
    assert sandbox.records()[1]["error"] == expected
    assert "#1 FAILED" in result.stderr and expected in result.stderr  # the progress board
    assert f"error: {expected}" in result.stdout  # the text summary
    markdown = (sandbox.repo / ".lumina-wave" / "summary.md").read_text()
    assert f"agent exited with 3: error: the build broke (log {log})" in markdown
    # #3 printed only its own "agent for #3 in ..." line: that is its last meaningful line
    assert sandbox.records()[3]["error"].startswith("agent exited with 1: agent for #3 in ")
    assert (sandbox.repo / log).is_file()


def test_last_line_skips_blank_markup_only_and_own_lines():
    assert last_line("one\ntwo\n\n   \n---\n}\n") == "two"
    assert last_line("boom\n--- lumina-wave: the agent exited 1; attempt 2 in 1s ---\n") == "boom"
    assert last_line("\x1b[1;31mfailed\x1b[0m: x\x07\n") == "failed: x"
    assert last_line("") is None
    assert len(last_line("x" * 500) or "") == 120
    assert agent_error(127, "", "l.log") == "agent exited with 127, printing nothing (log l.log)"


# --- checks before anything runs --------------------------------------------------------------------


def test_bad_base_missing_remote_and_missing_agent_are_refused_up_front(sandbox: Sandbox):
    manifest = str(sandbox.manifest({1: [], 2: [1]}))
    agent = agent_of(sandbox)
    assert_refused(
        local(sandbox, "--manifest", manifest, "--agent", agent, "--base", "nope"), sandbox, "'nope'"
    )
    assert_refused(
        local(sandbox, "--manifest", manifest, "--agent", agent, "--push", "--remote", "upstream"),
        sandbox,
        "'upstream'",
    )
    assert_refused(local(sandbox, "--manifest", manifest, "--agent", "no-such-agent-x --go"), sandbox, "PATH")
    assert_refused(
        local(sandbox, "--manifest", manifest, "--agent", str(sandbox.root / "missing.sh")),
        sandbox,
        "missing.sh",
    )


def test_an_uncommitted_relative_agent_script_is_refused_a_committed_one_runs(sandbox: Sandbox):
    manifest = str(sandbox.manifest({1: []}))
    script = sandbox.repo / "myagent.sh"
    script.write_text("#!/bin/sh\necho from the script > script-ran.txt\n")
    script.chmod(0o755)
    assert_refused(
        local(sandbox, "--manifest", manifest, "--agent", "./myagent.sh"), sandbox, "not committed"
    )
    assert_refused(
        local(sandbox, "--manifest", manifest, "--agent", "sh myagent.sh"), sandbox, "not committed"
    )
    git(sandbox.repo, "add", "myagent.sh")
    git(sandbox.repo, "commit", "-q", "-m", "the agent")
    result = local(sandbox, "--manifest", manifest, "--agent", "./myagent.sh")
    assert result.returncode == 0, result.stderr
    assert git(sandbox.repo, "show", "feature/issue-1:script-ran.txt") == "from the script\n"


def test_a_dirty_base_is_refused_untracked_files_are_not(sandbox: Sandbox):
    manifest = str(sandbox.manifest({1: []}))
    (sandbox.repo / "README.md").write_text("edited, not committed\n")
    assert_refused(local(sandbox, "--manifest", manifest, "--agent", agent_of(sandbox)), sandbox, "README.md")
    git(sandbox.repo, "checkout", "README.md")
    (sandbox.repo / "scratch.txt").write_text("untracked\n")
    assert local(sandbox, "--manifest", manifest, "--agent", agent_of(sandbox)).returncode == 0


def test_shell_command_agents_pass_the_check_and_run(sandbox: Sandbox):
    manifest = str(sandbox.manifest({1: [], 2: []}))
    agent = 'GREETING=hi sh -c \'echo "$GREETING $WAVE_ISSUE_NUMBER" > "said-$WAVE_ISSUE_NUMBER.txt"\''
    result = local(sandbox, "--manifest", manifest, "--agent", agent)
    assert result.returncode == 0, result.stderr
    assert git(sandbox.repo, "show", "feature/issue-2:said-2.txt") == "hi 2\n"


def test_check_agent_cases_in_a_real_repository(sandbox: Sandbox):
    repo = sandbox.repo
    (repo / "tools").mkdir()
    (repo / "tools" / "run.sh").write_text("#!/bin/sh\n")
    (repo / "tools" / "plain.sh").write_text("#!/bin/sh\n")
    (repo / "tools" / "run.sh").chmod(0o755)
    git(repo, "add", "tools")
    git(repo, "commit", "-q", "-m", "tools")
    tree = repo / ".worktrees" / "issue-1"

    def check(agent: str) -> None:
        preflight.check_agent(agent, repo, "refs/heads/main", tree)

    for fine in (
        "./tools/run.sh --fast",
        "tools/../tools/run.sh",
        "bash tools/plain.sh",
        "sh -c 'exit 0'",
        "cd tools && ./run.sh",
        '"$HOME/bin/agent"',
        f"{sys.executable} -m lumina_wave.demo_wave agent",
        "FOO=1 BAR=2 true",
        "make agent" if os.path.exists("/usr/bin/make") else "true",
    ):
        check(fine)
    for bad, words in (
        ("./tools/plain.sh", "executable bit"),
        ("./tools/none.sh", "does not exist on main"),
        ("python3 tools/none.py", "does not exist on main"),
        ("nosuch-program-q", "not a command on PATH"),
        ("sh -c 'unterminated", "not a valid shell command"),
        ("FOO=1", "names no command"),
    ):
        with pytest.raises(InputError, match=words):
            check(bad)


# --- what the summary lists and counts --------------------------------------------------------------


def test_blocked_issues_count_as_not_run_show_a_dash_and_list_no_branch_or_worktree(sandbox: Sandbox):
    manifest = sandbox.manifest({1: [], 2: [1], 3: []})
    sandbox.behave(_1={"exit": 2})
    result = sandbox.run(manifest)
    assert result.returncode == 1
    assert sandbox.records()[2]["started_at"] is None
    markdown = (sandbox.repo / ".lumina-wave" / "summary.md").read_text()
    assert "| Timed legs | 2 of 2 that ran (result records) |" in markdown
    assert "| ⛔ blocked | — | — |" in markdown
    blocked = next(
        line for line in result.stdout.splitlines() if line.startswith("  #2 ") and "Issue 2" in line
    )
    assert blocked.split()[:3] == ["#2", "blocked", "—"]
    places = result.stdout.split("branches, worktrees")[1].splitlines()
    row = {line.split()[0]: line.split()[1:] for line in places[1:]}
    assert row["#2"] == ["blocked"]  # no branch, worktree or log: none exists
    assert row["#1"] == ["failed", "feature/issue-1", ".worktrees/issue-1", ".lumina-wave/logs/issue-1.log"]
    assert git(sandbox.repo, "branch", "--list", "feature/issue-2") == ""
    assert not (sandbox.repo / ".worktrees" / "issue-2").exists()


# --- Mermaid labels ---------------------------------------------------------------------------------


def test_mermaid_labels_are_cut_at_a_word_with_an_ellipsis():
    title = "Port the hypervisor abstraction layer to Apple's Virtualization framework on macOS 14"
    plan = build_plan(Selection(source="test", items=[Item(number=7, title=title)], edges=[]))
    label = next(line for line in mermaid(plan).splitlines() if line.strip().startswith("i7["))
    assert label.strip() == 'i7["#7 Port the hypervisor abstraction layer to Apple\'s#8230;"]'
    assert cut_at_word("short title", 60) == "short title"
    assert cut_at_word("x" * 70, 60) == "x" * 59 + "…"
    assert cut_at_word("exactly at, a word", 12) == "exactly at…"
