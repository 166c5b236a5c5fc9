"""examples/agent.sh, the README's sample agent, run by ``lumina-wave local`` in a real repository
as the reusable workflow's agent step runs it (``bash examples/agent.sh``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from local_cli import local_argv, run_local
from test_local import git, make_sandbox

ROOT = Path(__file__).resolve().parents[1]
AGENT = ROOT / "examples" / "agent.sh"


def test_the_sample_agent_works_a_wave(tmp_path):
    box = make_sandbox(tmp_path)
    manifest = box.root / "wave.yml"
    manifest.write_text(
        "version: 1\nissues:\n"
        "  - number: 1\n    title: 'Fix $(touch pwned) `id`'\n    body: Make it so.\n"
        "  - number: 2\n    title: Then this\n    depends_on: [1]\n"
    )
    done = run_local(local_argv(manifest, f"bash {AGENT}"), box.repo)
    assert done.returncode == 0, done.stdout + done.stderr
    records = box.records()
    assert {n: r["status"] for n, r in records.items()} == {1: "success", 2: "success"}
    assert records[1]["usage"]["turns"] == 1
    note = git(box.repo, "show", "feature/issue-2:notes/issue-2.md")
    assert note.startswith("# Notes on issue #2\n\nDepends on: 1\n")
    assert "Make it so." in git(box.repo, "show", "feature/issue-1:notes/issue-1.md")
    assert not list(tmp_path.rglob("pwned"))  # the title is text, never run


def test_the_sample_agent_says_when_it_runs_outside_lumina_wave(tmp_path):
    done = subprocess.run(
        ["bash", str(AGENT)], cwd=tmp_path, capture_output=True, text=True, timeout=30, env={}
    )
    assert done.returncode != 0
    assert "run me from lumina-wave" in done.stderr
    assert not (tmp_path / "notes").exists()
