"""`lumina-wave plan` / `validate` on the command line, and the action's `plan` driven like the runner does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from file_commands import parse_file_commands

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "luminaguard.yml"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lumina_wave", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_plan_json_prints_the_luminaguard_waves():
    done = cli("plan", "--manifest", str(EXAMPLE), "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [[e["issue"] for e in wave] for wave in data["waves"]] == [[152, 154], [155]]
    assert data["wave_count"] == 2
    entry = data["waves"][1][0]
    assert entry == {"issue": 155, "wave": 2}


def test_plan_table_is_one_line_per_wave():
    done = cli("plan", "--manifest", str(EXAMPLE))
    assert done.returncode == 0
    assert "wave 1: #152, #154\nwave 2: #155\n" in done.stdout
    assert "critical path: #154 -> #155" in done.stdout


def test_plan_mermaid_draws_the_dag():
    done = cli("plan", "--manifest", str(EXAMPLE), "--format", "mermaid")
    assert done.stdout.startswith("graph LR\n")
    assert "  i154 --> i155\n" in done.stdout
    assert 'subgraph wave2["wave 2"]' in done.stdout


def test_plan_output_writes_plan_json(tmp_path):
    target = tmp_path / "out" / "plan.json"
    done = cli("plan", "--manifest", str(EXAMPLE), "--output", str(target))
    assert done.returncode == 0
    assert json.loads(target.read_text())["plan_id"] in done.stdout


def test_validate_ok_and_bad(tmp_path):
    assert cli("validate", "--manifest", str(EXAMPLE)).stdout.strip().endswith("ok (3 issues, 2 waves)")
    bad = tmp_path / "bad.yml"
    bad.write_text("version: 1\nissues:\n  - number: 1\n    depends_on: [1]\n")
    done = cli("validate", "--manifest", str(bad))
    assert done.returncode == 2
    assert done.stderr == f"lumina-wave: error: {bad}:4:18: issue #1 depends on itself\n"
    assert done.stdout == ""


def test_bad_manifest_is_one_line_exit_2_no_traceback(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("version: 1\nissues:\n  - number: 1\n    colour: red\n")
    done = cli("plan", "--manifest", str(bad))
    assert done.returncode == 2
    assert done.stderr == f"lumina-wave: error: {bad}:4:5: unknown key 'colour' in issues[0]\n"


def test_github_source_needs_a_repository_and_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"GITHUB_TOKEN", "GITHUB_REPOSITORY"}}
    done = subprocess.run(
        [sys.executable, "-m", "lumina_wave", "plan", "--label", "wave"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "needs a repository" in done.stderr


def run_action(
    workspace: Path, inputs: dict[str, str], tmp_path: Path, cwd: Path | None = None
) -> tuple[subprocess.CompletedProcess, Path]:
    """Run entrypoint.py as the runner runs the container: INPUT_* (hyphens kept), file commands,
    cwd (the workspace unless ``cwd`` says otherwise)."""
    output = tmp_path / "output"
    summary = tmp_path / "summary"
    output.touch()
    summary.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_REPOSITORY": "octo/luminaguard",
        }
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py")],
        cwd=cwd or workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, output


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / ".github").mkdir(parents=True)
    (ws / ".github" / "waves.yml").write_text(EXAMPLE.read_text())
    return ws


def test_action_plan_from_the_default_manifest(workspace, tmp_path):
    done, output = run_action(workspace, {"command": "plan", "github-token": "ghs_secret123"}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = parse_file_commands(output)
    assert outputs["wave-count"] == "2"
    waves = json.loads(outputs["waves"])
    assert [[e["issue"] for e in w] for w in waves] == [[152, 154], [155]]
    assert outputs["plan"] == ".lumina-wave/plan.json"
    plan = json.loads((workspace / ".lumina-wave" / "plan.json").read_text())
    assert plan["plan_id"] == outputs["plan-id"]
    assert json.loads(outputs["issues"]) == [152, 154, 155]
    assert "wave 2: #155" in (tmp_path / "summary").read_text()
    assert done.stdout.startswith("::add-mask::ghs_secret123\n")
    assert "ghs_secret123" not in done.stdout.split("\n", 1)[1] + done.stderr


def test_action_bad_manifest_annotates_file_and_line(workspace, tmp_path):
    (workspace / "waves.yml").write_text("version: 1\nissues:\n  - number: 1\n  - number: 1\n")
    done, output = run_action(workspace, {"command": "plan", "manifest": "waves.yml"}, tmp_path)
    assert done.returncode == 2
    assert (
        "::error file=waves.yml,line=4,col=5::issue #1 is listed twice (first listed at waves.yml:3:5)"
        in done.stdout
    )
    assert output.read_text() == ""


def test_action_reads_the_manifest_in_the_workspace_from_another_directory(workspace, tmp_path):
    (workspace / "waves.yml").write_text(EXAMPLE.read_text())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    inputs = {"command": "plan", "manifest": "waves.yml"}
    done, output = run_action(workspace, inputs, tmp_path, cwd=elsewhere)
    assert done.returncode == 0, done.stdout + done.stderr
    waves = json.loads(parse_file_commands(output)["waves"])
    assert [[e["issue"] for e in w] for w in waves] == [[152, 154], [155]]

    (workspace / "waves.yml").write_text("version: 1\nissues:\n  - number: 1\n  - number: 1\n")
    done, _ = run_action(workspace, inputs, tmp_path, cwd=elsewhere)
    assert done.returncode == 2
    assert "::error file=waves.yml,line=4,col=5::issue #1 is listed twice" in done.stdout


def test_action_refuses_a_manifest_outside_the_workspace(workspace, tmp_path):
    done, _ = run_action(workspace, {"command": "plan", "manifest": "../../etc/passwd"}, tmp_path)
    assert done.returncode == 2
    assert "outside the workspace" in done.stdout


def test_action_plan_deeper_than_the_slots_emits_only_the_first_run_of_waves(workspace, tmp_path):
    done, output = run_action(workspace, {"command": "plan", "max-waves": "1"}, tmp_path)
    assert done.returncode == 0, done.stdout
    outputs = parse_file_commands(output)
    assert outputs["wave-count"] == "1"
    assert [[e["issue"] for e in w] for w in json.loads(outputs["waves"])] == [[152, 154]]


def test_action_unknown_command(workspace, tmp_path):
    done, _ = run_action(workspace, {"command": "explode"}, tmp_path)
    assert done.returncode == 2
    assert (
        "input 'command' must be one of plan, prepare, collect, publish, summarize, previous, got 'explode'"
        in done.stdout
    )


def test_action_spreads_a_wide_wave_over_waves_of_max_jobs(workspace, tmp_path):
    lines = ["version: 1", "issues:"] + [f"  - number: {n}" for n in range(1, 11)]
    (workspace / "wide.yml").write_text("\n".join(lines) + "\n")
    done, output = run_action(
        workspace, {"command": "plan", "manifest": "wide.yml", "max-jobs-per-wave": "4"}, tmp_path
    )
    assert done.returncode == 0, done.stdout
    outputs = parse_file_commands(output)
    waves = json.loads(outputs["waves"])
    assert [[e["issue"] for e in w] for w in waves] == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    assert outputs["wave-count"] == "3"


def test_action_refuses_more_jobs_per_wave_than_a_matrix_holds(workspace, tmp_path):
    done, output = run_action(workspace, {"command": "plan", "max-jobs-per-wave": "257"}, tmp_path)
    assert done.returncode == 2
    assert "max-jobs-per-wave must be at most 256 (GitHub's jobs per matrix), got 257" in done.stdout
    assert parse_file_commands(output) == {}


def test_a_reader_that_goes_away_gets_no_traceback():
    done = subprocess.run(
        f'"{sys.executable}" -m lumina_wave plan --manifest "{EXAMPLE}" --format json | head -c 1',
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == "{"
    assert done.stderr == ""


def test_cli_error_with_a_newline_in_a_path_stays_on_one_line(tmp_path):
    bad = tmp_path / "two\nlines.yml"
    done = cli("validate", "--manifest", str(bad))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "two\\nlines.yml: no such file" in done.stderr
