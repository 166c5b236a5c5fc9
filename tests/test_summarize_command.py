"""`summarize` end to end: the container entry point as the runner starts it, the CLI, and a
published run against a fake GitHub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from file_commands import run_entrypoint_in
from responses_github import FakeRequest, ResponsesGitHub, serve
from test_publish import Comments

from lumina_wave.action import main as action_main
from lumina_wave.plan import branch_name
from lumina_wave.results import new_record
from lumina_wave.store import write_result

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
    env = {
        "INPUT_COMMAND": "summarize",
        "INPUT_PLAN-FILE": ".lumina-wave/plan.json",
        "INPUT_RESULTS-DIR": ".lumina-wave/results",
    }
    return run_entrypoint_in(workspace, env, inputs, timeout=60)


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


def _record_text(workspace: Path, **fields) -> str:
    record = new_record(plan_id(workspace), 152, "success", branch_name(152), pr_number=201)
    return json.dumps({**record, **fields})


# Bad records found by fuzzing and by hand (issue 15): each once crashed summarize with a
# traceback, so no comment was written at all. name -> (file text, start of the reason).
BAD_RECORDS = {
    "schema": (lambda ws: json.dumps({"version": 1, "issue": 152, "status": "great"}), "invalid result: "),
    "deep-brackets": (lambda ws: "[" * 100_000, "nested too deeply to read"),
    "5000-digit-integer": (lambda ws: "1" * 5000, "Exceeds the limit (4300 digits)"),
    "february-30": (
        lambda ws: _record_text(ws, started_at="2024-02-30T00:00:00Z"),
        "started_at: '2024-02-30T00:00:00Z' is not an ISO 8601 time",
    ),
    "no-time-zone": (
        lambda ws: _record_text(ws, finished_at="2026-01-05T10:05:00"),
        "finished_at: '2026-01-05T10:05:00' is not an ISO 8601 time",
    ),
    "lone-surrogate": (
        lambda ws: _record_text(ws, status="failed", error="\ud83d agent"),
        "text is not valid Unicode",
    ),
    "not-utf8": (lambda ws: "\udcff{}", "'utf-8' codec can't decode"),
}


@pytest.mark.parametrize("name", sorted(BAD_RECORDS))
def test_a_bad_record_is_rejected_and_the_others_are_summarized(name, wave):
    """Exit 1 (an issue is not done), one warning naming the file, no traceback; the other
    issues' records are summarized and published as usual."""
    text, reason = BAD_RECORDS[name]
    bad = wave / ".lumina-wave" / "results" / "result-152" / "result-152.json"
    bad.parent.mkdir()
    bad.write_bytes(text(wave).encode("utf-8", "surrogateescape"))
    leg(wave, 154, "success", pr_number=202)
    leg(wave, 155, "success", pr_number=203)
    done, outputs = run_entrypoint(wave)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    warnings = [line for line in done.stdout.splitlines() if line.startswith("::warning")]
    assert len(warnings) == 1 and warnings[0].startswith(
        f"::warning::{bad.relative_to(wave)}: result record rejected: {reason}"
    ), warnings
    data = json.loads(outputs["summary-json"])
    assert data["counts"]["rejected"] == 1 and data["done"] == 2 and outputs["failed-count"] == "1"
    assert {i["issue"]: i["status"] for i in data["issues"]} == {
        152: "rejected",
        154: "success",
        155: "success",
    }
    assert "🛑 record rejected" in (wave / "step-summary.md").read_text()
    assert "result record rejected: " in (wave / ".lumina-wave" / "summary.md").read_text()


def test_lower_case_t_and_z_are_rfc_3339_times(wave):
    """RFC 3339 allows ``t`` and ``z``: such a record is read, with its time."""
    bad = wave / ".lumina-wave" / "results" / "result-152.json"
    bad.write_text(_record_text(wave, started_at="2026-01-05t10:00:00z", finished_at="2026-01-05t10:01:00z"))
    done, outputs = run_entrypoint(wave)
    assert "Traceback" not in done.stdout + done.stderr and "::warning" not in done.stdout
    issue = json.loads(outputs["summary-json"])["issues"][0]
    assert (issue["issue"], issue["status"], issue["seconds"]) == (152, "success", 60.0)


def test_prepare_refuses_a_bad_record_in_one_line(wave):
    """A leg does not start from records it cannot trust: exit 2, one line, no traceback."""
    (wave / ".lumina-wave" / "results" / "result-152.json").write_text("[" * 100_000)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lumina_wave",
            "prepare",
            "--plan",
            ".lumina-wave/plan.json",
            "--issue",
            "154",
        ],
        cwd=wave,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "lumina-wave: error: .lumina-wave/results/result-152.json: unreadable result record: nested too deeply to read\n"
    )


# --- CLI -----------------------------------------------------------------------------------


PATHS = ("--plan", ".lumina-wave/plan.json", "--results-dir", ".lumina-wave/results")


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

    with serve(ResponsesGitHub("o/r")) as fake:
        gh = Comments(fake)
        fake.route("GET", r"/repos/o/r/actions/runs/77/jobs", jobs)
        assert action_main() == 1
        assert sorted(gh.by_issue) == [42, 201]
        posted = gh.bodies(42)[0]
        # The PR gets a link to the summary on the home issue, not a second copy (docs/limits.md).
        link = gh.bodies(201)[0]
        assert link.splitlines()[0] == posted.splitlines()[0] and len(link) < 300
        assert "the summary of the run is on [#42](https://github.com/o/r/issues/42#issuecomment-" in link
        assert "`@org/team`" in posted and "https://github.com/o/r/actions/runs/77/job/2" in posted
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
        # 42 edited; 201's link is unchanged (no write); new PRs 202, 203 get theirs.
        assert [w.split()[0] for w in writes] == ["PATCH", "POST", "POST"]
        assert [len(gh.by_issue[n]) for n in (42, 201, 202, 203)] == [1, 1, 1, 1]
        assert "3 of 3 issues done" in gh.bodies(42)[0]
