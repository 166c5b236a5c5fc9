"""The example callers in workflows/, checked by actionlint against this repository's wave.yml.

A caller names ``lumina-wave/lumina-wave/.github/workflows/wave.yml@v1``, which actionlint
cannot read offline; rewritten to the local path in a temporary repository beside a copy of
wave.yml, actionlint compares each caller's inputs, secrets and permission grants with what
wave.yml declares. GitHub refuses a run whose caller grants less than a nested job asks for.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WAVE = ROOT / ".github" / "workflows" / "wave.yml"
REMOTE = "uses: lumina-wave/lumina-wave/.github/workflows/wave.yml@v1"
# The callers of wave.yml (own-pipeline.yml calls the action itself, and actionlint lints it as is).
CALLERS = sorted(p for p in (ROOT / "workflows").glob("*.yml") if REMOTE in p.read_text(encoding="utf-8"))
LOCAL = "uses: ./.github/workflows/wave.yml"
BIN = Path(sys.executable).parent


def tool(name: str) -> Path:
    """A linter of the ``test`` extra; its absence is a failure, not a skip."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: pip install -e '.[test]'")
    return path


def check_callers(callers: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run actionlint on ``callers`` (name -> text) in a repository holding a copy of wave.yml."""
    workflows = tmp_path / "repo" / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "wave.yml").write_text(WAVE.read_text(encoding="utf-8"), encoding="utf-8")
    paths = []
    for name, text in callers.items():
        assert text.count(REMOTE) == 1, f"{name} does not call wave.yml as {REMOTE!r}"
        path = workflows / f"caller-{name}"
        path.write_text(text.replace(REMOTE, LOCAL), encoding="utf-8")
        paths.append(str(path.relative_to(tmp_path / "repo")))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path / "repo", check=True)
    return subprocess.run(
        [tool("actionlint"), "-oneline", "-shellcheck", tool("shellcheck"), *paths],
        cwd=tmp_path / "repo",
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_caller_passes_actionlint_against_the_local_wave_workflow(tmp_path):
    assert len(CALLERS) == 5
    done = check_callers({p.name: p.read_text(encoding="utf-8") for p in CALLERS}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_a_caller_that_grants_less_than_the_nested_jobs_need_fails(tmp_path):
    text = (ROOT / "workflows" / "dispatch.yml").read_text(encoding="utf-8")
    grants = "    permissions:\n      contents: write\n      pull-requests: write\n      issues: write\n"
    assert grants in text
    stingy = text.replace(grants, "    permissions:\n      contents: read\n")
    done = check_callers({"stingy.yml": stingy}, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    errors = done.stdout.splitlines()
    assert any('nested job "plan"' in e and '"issues: write"' in e for e in errors), done.stdout
    assert any('nested job "publish-1"' in e and '"issues: write"' in e for e in errors), done.stdout
    assert any('nested job "summarize"' in e and '"issues: write"' in e for e in errors), done.stdout
    assert all("caller-stingy.yml:" in e and "[workflow-call]" in e for e in errors), done.stdout


def test_a_caller_missing_a_required_input_fails(tmp_path):
    text = (ROOT / "workflows" / "uses.yml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if "agent-command:" not in line]
    assert len(lines) == len(text.splitlines()) - 1
    done = check_callers({"no-agent.yml": "".join(lines)}, tmp_path)
    assert done.returncode == 1
    assert '"agent-command" is required' in done.stdout, done.stdout
