"""`summarize` end to end: the container entry point as the runner starts it, the CLI, and a
published run against a fake GitHub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from file_commands import parse_file_commands
from github_fakes import FakeGitHub, FakeRequest, serve
from test_publish import Comments

from lumina_wave.action import main as action_main
from lumina_wave.plan import branch_name
from lumina_wave.results import new_record, write_result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "luminaguard.yml"


@pytest.fixture
def wave(tmp_path: Path) -> Path:
    """A workspace with .lumina-wave/plan.json of the LuminaGuard wave and an empty results dir."""
    plan = tmp_path / ".lumina-wave" / "plan.json"
    done = subprocess.run(
        [sys.executable, "-m", "lumina_wave", "plan", "--manifest", str(EXAMPLE), "--output", str(plan)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    (tmp_path / ".lumina-wave" / "results").mkdir()
    return tmp_path


def plan_id(workspace: Path) -> str:
    return json.loads((workspace / ".lumina-wave" / "plan.json").read_text())["plan_id"]


def leg(workspace: Path, issue: int, status: str, **fields) -> None:
    """Write a result record where download-artifact would unpack it (one folder per leg)."""
    fields.setdefault("started_at", "2026-01-05T10:00:00Z")
    fields.setdefault("finished_at", "2026-01-05T10:05:00Z")
    if fields.get("pr_number") and "pr_url" not in fields:
        fields["pr_url"] = f"https://github.com/o/r/pull/{fields['pr_number']}"
    record = new_record(plan_id(workspace), issue, status, branch_name(issue), **fields)
    write_result(workspace / ".lumina-wave" / "results" / f"result-{issue}", record)


def run_entrypoint(workspace: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update(
        {
            "INPUT_COMMAND": "summarize",
            "INPUT_PLAN-FILE": ".lumina-wave/plan.json",
            "INPUT_RESULTS-DIR": ".lumina-wave/results",
            "GITHUB_OUTPUT": str(workspace / "output.txt"),
            "GITHUB_STEP_SUMMARY": str(workspace / "step-summary.md"),
        }
    )
    env.update({f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()})
    for name in ("output.txt", "step-summary.md"):
        (workspace / name).write_text("")
    done = subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py")],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, parse_file_commands(workspace / "output.txt")


def test_entrypoint_all_done_exits_0_with_outputs_and_files(wave):
    for n, pr in ((152, 201), (154, 202), (155, 203)):
        leg(wave, n, "success", pr_number=pr)
    done, outputs = run_entrypoint(wave)
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["success-rate"] == "1" and outputs["failed-count"] == "0"
    data = json.loads(outputs["summary-json"])
    assert data["done"] == 3 and [m["pr_number"] for m in data["merge_order"]] == [201, 202, 203]
    assert json.loads((wave / ".lumina-wave" / "summary.json").read_text()) == data
    markdown = (wave / ".lumina-wave" / "summary.md").read_text()
    assert markdown.startswith(
        f"<!-- lumina-wave:summary plan={plan_id(wave)} -->\n## ✅ lumina-wave: 3 of 3"
    )
    assert (wave / "step-summary.md").read_text() == markdown
    assert "3 of 3 done" in done.stdout


def test_entrypoint_failed_and_blocked_exits_1_after_writing_everything(wave):
    leg(wave, 152, "success", pr_number=201)
    leg(wave, 154, "failed", error="agent exited 1")
    leg(wave, 155, "blocked", blocked_by=[154])
    done, outputs = run_entrypoint(wave)
    assert done.returncode == 1, done.stdout + done.stderr
    assert outputs["failed-count"] == "2" and outputs["success-rate"] == "0.3333"
    assert "❌ failed" in (wave / "step-summary.md").read_text()
    assert (wave / ".lumina-wave" / "summary.md").is_file()


def test_entrypoint_with_no_records_reports_did_not_run(wave):
    done, outputs = run_entrypoint(wave)
    assert done.returncode == 1
    assert outputs["failed-count"] == "3" and outputs["success-rate"] == "0"
    assert json.loads(outputs["summary-json"])["counts"]["missing"] == 3


def test_entrypoint_bad_input_exits_2_and_writes_nothing(wave):
    done, outputs = run_entrypoint(wave, comment_on="12, twelve")
    assert done.returncode == 2
    assert "input 'comment-on' must list issue or PR numbers, got 'twelve'" in done.stdout
    assert outputs == {} and not (wave / ".lumina-wave" / "summary.json").exists()

    done, _ = run_entrypoint(wave, plan_file="missing.json")
    assert done.returncode == 2 and "missing.json: plan file not found" in done.stdout


def test_an_invalid_record_is_an_error_naming_its_file(wave):
    bad = wave / ".lumina-wave" / "results" / "result-152" / "result-152.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps({"version": 1, "issue": 152, "status": "great"}))
    done, _ = run_entrypoint(wave)
    assert done.returncode == 2
    assert f"{bad.relative_to(wave)}: invalid result" in done.stdout


# --- CLI -----------------------------------------------------------------------------------


PATHS = ("--plan", ".lumina-wave/plan.json", "--results", ".lumina-wave/results")


def cli(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lumina_wave", "summarize", *PATHS, *args],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"},
    )


def test_cli_prints_each_format_and_exits_by_outcome(wave):
    leg(wave, 152, "success", pr_number=201)
    leg(wave, 154, "success", pr_number=202)
    text = cli(wave)
    assert text.returncode == 1  # #155 did not run
    assert "2 of 3 done" in text.stdout and "did not run" in text.stdout
    markdown = cli(wave, "--format", "markdown")
    assert markdown.stdout.startswith("<!-- lumina-wave:summary plan=")
    assert "- [ ] #201 (issue #152)\n- [ ] #202 (issue #154)" in markdown.stdout
    data = json.loads(cli(wave, "--format", "json").stdout)
    assert data["counts"]["missing"] == 1
    leg(wave, 155, "no-changes")
    assert cli(wave).returncode == 0
    assert not (wave / ".lumina-wave" / "summary.json").exists()  # the CLI only prints


# --- published, in process against a fake GitHub ------------------------------------------


def test_action_publishes_sticky_comments_with_job_timings(wave, monkeypatch):
    import github.Requester

    monkeypatch.setattr(github.Requester.time, "sleep", lambda s: None)
    leg(wave, 152, "success", pr_number=201, started_at="2026-01-05T10:00:30Z")
    leg(wave, 154, "failed", error="boom @org/team", finished_at="2026-01-05T10:09:00Z")
    leg(wave, 155, "blocked", blocked_by=[154])
    event = wave / "event.json"
    event.write_text(json.dumps({"action": "labeled", "issue": {"number": 42}}))
    monkeypatch.chdir(wave)
    for name in ("output.txt", "step-summary.md"):
        (wave / name).write_text("")
    env = {
        "INPUT_COMMAND": "summarize",
        "INPUT_GITHUB-TOKEN": "ghs_token",
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_RUN_ID": "77",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_OUTPUT": str(wave / "output.txt"),
        "GITHUB_STEP_SUMMARY": str(wave / "step-summary.md"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def jobs(req: FakeRequest):
        rows = [("plan", "09:59:00", "09:59:30"), ("wave-1 (#152)", "10:00:00", "10:04:00")]
        rows += [("wave-1 (#154)", "10:00:00", "10:09:10"), ("wave-2 (#155)", "10:09:30", "10:10:00")]
        data = [
            {
                "name": name,
                "started_at": f"2026-01-05T{a}Z",
                "completed_at": f"2026-01-05T{b}Z",
                "html_url": f"https://github.com/o/r/actions/runs/77/job/{i}",
            }
            for i, (name, a, b) in enumerate(rows)
        ]
        return 200, {}, {"total_count": len(data), "jobs": data}

    with serve(FakeGitHub("o/r")) as fake:
        gh = Comments(fake)
        fake.route("GET", r"/repos/o/r/actions/runs/77/jobs", jobs)
        assert action_main() == 1
        assert sorted(gh.by_issue) == [42, 201]
        posted = gh.bodies(42)[0]
        assert posted == gh.bodies(201)[0]
        assert "@org/team" not in posted and "https://github.com/o/r/actions/runs/77/job/2" in posted
        summary = json.loads((wave / ".lumina-wave" / "summary.json").read_text())
        assert {i["timing"] for i in summary["issues"]} == {"job"}
        assert summary["metrics"]["wall_seconds"] == 600 and summary["run_url"].endswith("/runs/77")
        assert summary["issues"][0]["url"] == "https://github.com/o/r/issues/152"

        # A second summarize of the same plan, after #154 was fixed, edits both comments.
        leg(wave, 154, "success", pr_number=202, finished_at="2026-01-05T10:09:00Z")
        leg(wave, 155, "success", pr_number=203, started_at="2026-01-05T10:09:40Z")
        fake.seen.clear()
        assert action_main() == 0
        writes = [s for s in fake.seen if not s.startswith("GET")]
        assert [w.split()[0] for w in writes] == [
            "PATCH",
            "PATCH",
            "POST",
            "POST",
        ]  # 42, 201; new PRs 202, 203
        assert [len(gh.by_issue[n]) for n in (42, 201, 202, 203)] == [1, 1, 1, 1]
        assert "3 of 3 issues done" in gh.bodies(42)[0]
