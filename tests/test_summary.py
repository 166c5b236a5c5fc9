"""The completion summary: statuses, metrics from real timestamps, merge order, markdown goldens.

Goldens live in tests/golden/; regenerate with ``UPDATE_GOLDEN=1 pytest tests/test_summary.py``
and review the diff before committing.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lumina_wave.github.jobs import Job
from lumina_wave.limits import COMMENT_LIMIT, output_text, utf16_units
from lumina_wave.manifest import read_manifest
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import Plan, branch_name, build_plan
from lumina_wave.results import new_record
from lumina_wave.schemas import validate
from lumina_wave.store import read_results, write_result
from lumina_wave.summary import (
    build_summary,
    render_markdown,
    render_text,
    summary_for_output,
    summary_to_json,
)
from lumina_wave.summary.model import match_jobs
from lumina_wave.summary.wording import duration

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
T0 = datetime(2026, 1, 5, 10, 0, 0, tzinfo=UTC)
RUN_URL = "https://github.com/acme/luminaguard/actions/runs/987654321"
REPO_URL = "https://github.com/acme/luminaguard"


def at(minutes: float) -> str:
    """T0 + ``minutes`` as the ISO UTC text result records carry."""
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def when(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"golden {name} missing: run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def luminaguard() -> Plan:
    selection = read_manifest(str(ROOT / "examples" / "luminaguard.yml"))
    selection.source = "manifest:examples/luminaguard.yml"
    return build_plan(selection)


def record(plan: Plan, n: int, status: str, **fields) -> dict:
    return new_record(plan.plan_id, n, status, branch_name(n), wave=plan.wave_of[n], **fields)


def pr(n: int) -> dict:
    return {"pr_number": n, "pr_url": f"{REPO_URL}/pull/{n}"}


def stored(tmp_path: Path, plan: Plan, *records: dict) -> dict[int, dict]:
    """Write the records as legs do and read them back as summarize does."""
    for r in records:
        write_result(tmp_path / "results" / f"leg-{r['issue']}", r)
    return read_results(tmp_path / "results", plan.plan_id)


def dag(*specs: tuple[int, tuple[int, ...]], pins: dict[int, int] | None = None) -> Plan:
    pins = pins or {}
    items = [Item(n, title=f"Issue {n}", kind="feature", min_wave=pins.get(n, 1)) for n, _ in specs]
    edges = [Edge(n, d) for n, deps in specs for d in deps]
    return build_plan(Selection("test", items, edges))


# --- LuminaGuard goldens -------------------------------------------------------------------


def test_luminaguard_all_success_golden(tmp_path):
    plan = luminaguard()
    results = stored(
        tmp_path,
        plan,
        record(plan, 152, "success", started_at=at(0.5), finished_at=at(4), **pr(201)),
        record(plan, 154, "success", started_at=at(0.5), finished_at=at(6), **pr(202)),
        record(plan, 155, "success", started_at=at(7.5), finished_at=at(14), **pr(203)),
    )
    jobs = [
        Job("plan", when(-1), when(-0.5), f"{RUN_URL}/job/1"),
        Job("wave-1 (#152)", when(0), when(4 + 10 / 60), f"{RUN_URL}/job/2"),
        Job("wave-1 (#154)", when(2 / 60), when(6.5), f"{RUN_URL}/job/3"),
        Job("wave-2 (#155)", when(7 + 10 / 60), when(15), f"{RUN_URL}/job/4"),
        Job("summarize", when(15.2), None, None),
    ]
    summary = build_summary(plan, results, jobs, RUN_URL, REPO_URL)
    assert summary.all_done and summary.success_rate == 1.0 and summary.not_done_count == 0
    # Job times win over the records': 4m10s + 6m28s + 7m50s = 18m28s over a 15m wall.
    m = summary.metrics
    assert (m.wall_seconds, m.leg_seconds) == (900, 1108)
    assert m.critical_path == (154, 155) and m.critical_path_seconds == 388 + 470
    assert m.barrier_loss_seconds == 42
    assert [o.job_url for o in summary.outcomes] == [f"{RUN_URL}/job/{i}" for i in (2, 3, 4)]
    assert_golden("luminaguard-success.md", render_markdown(summary))


def test_luminaguard_failed_and_blocked_golden(tmp_path):
    plan = luminaguard()
    results = stored(
        tmp_path,
        plan,
        record(plan, 152, "success", started_at=at(0), finished_at=at(4), **pr(201)),
        record(
            plan,
            154,
            "failed",
            started_at=at(0),
            finished_at=at(9),
            agent_outcome="failure",
            error="agent exited with 101:\nerror[E0433]: failed to resolve `kvm` | see <log>",
            job_url=f"{RUN_URL}/job/3",
        ),
        record(plan, 155, "blocked", started_at=at(10), finished_at=at(10.5), blocked_by=[154]),
    )
    summary = build_summary(plan, results, run_url=RUN_URL, repo_url=REPO_URL)
    assert (summary.done_count, summary.not_done_count) == (1, 2)
    assert [o.issue for o in summary.merge_order] == [152]
    text = render_markdown(summary)
    assert "- [#155](https://github.com/acme/luminaguard/issues/155) macOS" in text
    assert "blocked by #154" in text
    assert_golden("luminaguard-failed-blocked.md", text)


def test_luminaguard_cancelled_and_missing_golden(tmp_path):
    plan = luminaguard()
    # The run was cancelled in wave 2: #152's leg was cancelled, #155 never wrote a record.
    results = stored(
        tmp_path,
        plan,
        record(plan, 152, "cancelled", agent_outcome="cancelled", started_at=at(0), finished_at=at(2)),
        record(plan, 154, "success", started_at=at(0), finished_at=at(5), **pr(202)),
    )
    summary = build_summary(plan, results, run_url=RUN_URL, repo_url=REPO_URL)
    assert [o.status for o in summary.outcomes] == ["cancelled", "success", "missing"]
    assert summary.counts["missing"] == 1 and summary.not_done_count == 2
    # #155 did not run and costs nothing; the others are timed, so the figures are known.
    assert summary.metrics.wall_seconds == 300 and summary.metrics.leg_seconds == 420
    assert [w.seconds for w in summary.metrics.waves] == [300, None]
    text = render_markdown(summary)
    assert "⏹️ did not run" in text
    assert_golden("luminaguard-cancelled.md", text)


# --- a 300-issue wave ----------------------------------------------------------------------


def wave_300(tmp_path: Path) -> tuple[Plan, dict[int, dict]]:
    """Six waves of 50 (issue n depends on n - 50); every 7th issue fails, blocking its chain."""
    items = [
        Item(n, title=f"Port module {n} to the new hypervisor API | part {n % 9} <b>", kind="feature")
        for n in range(1, 301)
    ]
    edges = [Edge(n, n - 50) for n in range(51, 301)]
    plan = build_plan(Selection("label:wave", items, edges))
    records = []
    for n in range(1, 301):
        wave = plan.wave_of[n]
        start, end = at((wave - 1) * 10 + n % 5), at((wave - 1) * 10 + 5 + n % 4)
        root = (n - 1) % 50 + 1
        if root % 7 == 0 and n != root:
            records.append(
                record(plan, n, "blocked", blocked_by=[n - 50], started_at=start, finished_at=start)
            )
        elif root % 7 == 0:
            error = f"tests failed in module {n}: " + "assertion `left == right` failed " * 20
            records.append(record(plan, n, "failed", started_at=start, finished_at=end, error=error))
        else:
            records.append(record(plan, n, "success", started_at=start, finished_at=end, **pr(1000 + n)))
    return plan, stored(tmp_path, plan, *records)


def test_300_issue_wave_is_shortened_under_the_comment_limit(tmp_path):
    plan, results = wave_300(tmp_path)
    summary = build_summary(plan, results, run_url=RUN_URL, repo_url=REPO_URL)
    full = render_markdown(summary)
    short = render_markdown(summary, COMMENT_LIMIT)
    assert len(full) > COMMENT_LIMIT >= len(short)
    assert render_markdown(summary, 10 * COMMENT_LIMIT) == full
    assert "| Issue | Title |" in full and "| Issue | Title |" not in short
    assert f"[the job summary of the run]({RUN_URL})" in short
    assert short.count("- [ ] #") == 300 - 7 * 6  # every PR: the 7 failed chains of 6 have none
    assert_golden("wave-300-short.md", short)


def test_shortening_caps_lists_until_it_fits(tmp_path):
    plan, results = wave_300(tmp_path)
    summary = build_summary(plan, results, run_url=RUN_URL)
    tight = render_markdown(summary, 12_000)
    assert len(tight) <= 12_000
    assert "Failures" in tight and "Merge order" in tight and "more" in tight
    assert tight.startswith(f"<!-- lumina-wave:summary plan={plan.plan_id} -->\n")


def test_step_summary_limit_counts_bytes(tmp_path):
    plan, results = wave_300(tmp_path)
    summary = build_summary(plan, results)
    full = render_markdown(summary)
    chars, data = len(full), len(full.encode())
    assert data > chars  # emoji and arrows take several bytes
    short = render_markdown(summary, chars, lambda t: len(t.encode()), "`summary.md` of the artifacts")
    assert short != full and len(short.encode()) <= chars
    assert "the graph are in `summary.md` of the artifacts." in short
    assert "are in `summary.md`." in render_markdown(summary, chars - 1)  # no run URL: the file


# --- metrics -------------------------------------------------------------------------------


def small_dag_results(plan: Plan, timed: bool = True) -> dict[int, dict]:
    """Minutes from T0: #1 0-10, #2 1-5, #3 12-20 (needs #1), #5 12-18 (needs #2), #4 22-25 (needs #2, #3)."""
    spans = {1: (0, 10), 2: (1, 5), 3: (12, 20), 5: (12, 18), 4: (22, 25)}
    out = {}
    for n, (a, b) in spans.items():
        times = {"started_at": at(a), "finished_at": at(b)} if timed or n != 3 else {}
        out[n] = record(plan, n, "success", **times, **pr(100 + n))
    return out


def small_dag() -> Plan:
    return dag((1, ()), (2, ()), (3, (1,)), (4, (2, 3)), (5, (2,)))


def test_metrics_match_hand_computed_values():
    plan = small_dag()
    assert plan.waves == ((1, 2), (3, 5), (4,))
    m = build_summary(plan, small_dag_results(plan)).metrics
    assert m.wall_seconds == 25 * 60
    assert m.leg_seconds == (10 + 4 + 8 + 3 + 6) * 60
    assert m.speedup == pytest.approx(31 / 25)
    # Chains: 1-3-4 = 10+8+3 = 21 min; 2-5 = 10 min; 2-4 = 7 min.
    assert m.critical_path == (1, 3, 4)
    assert m.critical_path_seconds == 21 * 60
    assert m.barrier_loss_seconds == 4 * 60
    assert [w.seconds for w in m.waves] == [10 * 60, 8 * 60, 3 * 60]
    assert (m.timed_legs, m.ran_legs) == (5, 5)


def test_the_timed_critical_path_can_differ_from_the_planned_one():
    plan = small_dag()
    results = small_dag_results(plan)
    # Make #5 long: 2-5 = 4 + 16 = 20 min loses to 1-3-4 (21) ... make it 30 instead.
    results[5] = record(plan, 5, "success", started_at=at(12), finished_at=at(38), **pr(105))
    m = build_summary(plan, results).metrics
    assert plan.critical_path == (1, 3, 4)
    assert m.critical_path == (2, 5) and m.critical_path_seconds == 30 * 60
    assert m.wall_seconds == 38 * 60 and m.barrier_loss_seconds == 8 * 60


def test_an_untimed_leg_makes_the_figures_unknown_not_estimated():
    plan = small_dag()
    summary = build_summary(plan, small_dag_results(plan, timed=False))
    m = summary.metrics
    assert (m.timed_legs, m.ran_legs) == (4, 5)
    assert m.wall_seconds is m.leg_seconds is m.speedup is m.critical_path_seconds is None
    assert m.barrier_loss_seconds is None and m.critical_path == ()
    assert [w.seconds for w in m.waves] == [None, None, None]
    text = render_markdown(summary)
    assert "| Wall time (first start → last finish) | n/a |" in text
    assert "| Speed-up (sum ÷ wall) | n/a |" in text
    assert "| Timed legs | 4 of 5 that ran (result records) |" in text


def test_a_leg_that_did_not_run_shows_a_dash_an_untimed_one_that_ran_n_a():
    plan = small_dag()
    results = small_dag_results(plan, timed=False)  # #3 ran (success) without timestamps
    results[4] = record(plan, 4, "blocked", blocked_by=[3], finished_at=at(25))  # never started
    del results[5]  # no record: did not run
    summary = build_summary(plan, results)
    rows = {row.split(" | ")[0].lstrip("| "): row for row in render_markdown(summary).splitlines()}
    assert rows["#3"].endswith("| n/a |") and rows["#4"].endswith("| — |") and rows["#5"].endswith("| — |")
    assert rows["#1"].endswith("| 10m 00s |")
    assert summary.metrics.ran_legs == 3  # #1, #2 and #3; the blocked and missing ones did not run
    text = {line.split()[0]: line for line in render_text(summary).splitlines() if line.startswith("  #")}
    assert text["#4"].split()[:3] == ["#4", "blocked", "—"]
    assert text["#3"].split()[:5] == ["#3", "success", "PR", "#103", "n/a"]
    assert "wave 3 (—):" in render_text(summary)  # none of wave 3 ran


def test_no_results_at_all_never_crashes():
    plan = small_dag()
    summary = build_summary(plan, {})
    assert [o.status for o in summary.outcomes] == ["missing"] * 5
    assert summary.success_rate == 0 and summary.not_done_count == 5
    assert summary.metrics.wall_seconds is None and summary.merge_order == ()
    assert "wall time **n/a**" in render_markdown(summary)
    assert "did not run" in render_text(summary)


def test_waves_after_this_runs_window_are_pending_not_failures():
    plan = small_dag()  # waves (1, 2), (3, 5), (4,)
    results = small_dag_results(plan)
    del results[4]  # wave 3 did not run here: it is the follow-up run's
    summary = build_summary(plan, results, run_url=RUN_URL, through_wave=2)
    assert {o.issue: o.status for o in summary.outcomes}[4] == "pending"
    assert summary.counts["pending"] == 1 and summary.counts["missing"] == 0
    assert (summary.done_count, summary.not_done_count, summary.pending_count) == (4, 0, 1)
    assert summary.all_done and summary.success_rate == 1.0  # over the 4 issues due in this run
    markdown = render_markdown(summary)
    assert "## ✅ lumina-wave: 4 of 5 issues done" in markdown
    assert "**0** did not run · **1** waits for the follow-up run · success rate **100%**" in markdown
    assert "| ⏳ waits for the follow-up run |" in markdown and "### Did not run" not in markdown
    assert "  classDef pending " in markdown and "  class i4 pending" in markdown
    text = render_text(summary)
    assert "0 did not run, 1 waits for the follow-up run (success rate 100%)" in text
    assert re.search(r"#4 +waits for the follow-up run", text)
    data = summary_to_json(summary)
    validate(data, "summary", "summary.json")
    assert (data["not_done"], data["success_rate"], data["counts"]["pending"]) == (0, 1.0, 1)
    m = summary.metrics
    assert m.waves[2].seconds is None and (m.timed_legs, m.ran_legs) == (4, 4)

    # A failure in the window still counts, over the issues due; a record beyond it is ignored.
    results[3] = record(plan, 3, "failed", error="boom", started_at=at(12), finished_at=at(20))
    results[4] = record(plan, 4, "success", **pr(104))
    failing = build_summary(plan, results, through_wave=2)
    assert failing.outcomes[-1].status == "pending" and failing.outcomes[-1].pr_number is None
    assert (failing.not_done_count, failing.success_rate, failing.all_done) == (1, 0.75, False)


def test_without_a_window_nothing_is_pending_and_counts_keep_their_keys():
    plan = small_dag()
    for through in (None, 3, 7):
        summary = build_summary(plan, {}, through_wave=through)
        assert summary.pending_count == 0 and "pending" not in summary.counts
        assert summary.not_done_count == 5 and summary.success_rate == 0
        assert "classDef pending" not in render_markdown(summary)


def test_blocked_leg_without_timestamps_did_not_run():
    plan = small_dag()
    results = small_dag_results(plan)
    results[4] = record(plan, 4, "blocked", blocked_by=[3])
    m = build_summary(plan, results).metrics
    assert (m.timed_legs, m.ran_legs) == (4, 4)
    assert m.wall_seconds == 20 * 60 and m.critical_path == (1, 3)


def test_job_matching_rule():
    issues = {1: None, 12: None, 155: None}
    jobs = [
        Job("wave-1 (#1)", when(0), when(3), "u1"),
        Job("caller / wave-1 (#12)", when(0), when(4), "u12"),
        Job("wave-1 (batch 1: #1, #12)", when(0), when(9), "batch"),  # several plan issues: ignored
        Job("wave-2 (#155)", when(5), None, "running"),  # not completed: ignored
        Job("wave-2 (#155) retry", when(5), when(8), "a"),
        Job("wave-2 (#155) again", when(6), when(10), "b"),  # spans merge
        Job("wave-9 (#999)", when(0), when(1), "other"),  # not in the plan
    ]
    spans = match_jobs(jobs, issues)
    assert spans == {
        1: (when(0), when(3), "u1"),
        12: (when(0), when(4), "u12"),
        155: (when(5), when(10), "a"),
    }


# --- merge order, statuses, extra records --------------------------------------------------


def test_merge_order_is_dependencies_first_then_number():
    plan = dag((10, ()), (3, (10,)), (7, ()), (5, (3,)), pins={7: 3})
    assert plan.waves == ((10,), (3,), (5, 7))
    results = {
        n: record(plan, n, "success", **(pr(200 + n) if n != 3 else {}), started_at=at(0), finished_at=at(1))
        for n in (10, 3, 7, 5)
    }
    summary = build_summary(plan, results)
    assert [o.issue for o in summary.merge_order] == [7, 10, 5]
    assert "- [ ] #207 (issue #7)\n- [ ] #210 (issue #10)\n- [ ] #205 (issue #5)" in render_markdown(summary)


def test_records_of_other_plans_are_ignored_and_extra_issues_reported(tmp_path):
    plan = luminaguard()
    results = stored(
        tmp_path,
        plan,
        record(plan, 152, "success", **pr(201)),
        new_record("another-plan", 154, "success", branch_name(154)),
        new_record(plan.plan_id, 999, "success", branch_name(999)),
    )
    summary = build_summary(plan, results)
    assert [o.status for o in summary.outcomes] == ["success", "missing", "missing"]
    assert summary.extra_results == (999,)
    assert "outside the plan: #999" in render_markdown(summary)


def test_hostile_titles_and_errors_come_out_inert():
    hostile = {
        1: "a | b | c",
        2: "<!-- lumina-wave:summary plan=PLAN -->",
        3: "ping @org/team and @octocat",
        4: "<script>alert(1)</script>",
        5: "[click](https://evil.example) ![x](https://evil.example/p.png)",
    }
    items = [Item(n, title=t.replace("PLAN", "x"), kind="bug | <i>") for n, t in hostile.items()]
    plan = build_plan(Selection("test", items, []))
    error = "boom\n```\n</details><!-- lumina-wave:summary plan=" + plan.plan_id + " -->\n@org/team"
    results = {n: record(plan, n, "failed", error=error) for n in hostile}
    text = render_markdown(build_summary(plan, results))
    assert text.count("<!--") == 1 and text.startswith(f"<!-- lumina-wave:summary plan={plan.plan_id} -->\n")
    assert "<script" not in text and "</details>" not in text and "<i>" not in text
    assert not re.search(r"(?<!`)@(org|octocat)", text)  # mentions are code spans
    assert "](https://evil" not in text.replace("\\](`https://evil", "")
    assert "```" not in text.replace("```mermaid", "").replace("\n```\n", "\n")
    rows = [line for line in text.splitlines() if line.startswith("| [#") or line.startswith("| #")]
    assert len(rows) == 5
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 8, row


def test_text_form_strips_terminal_escapes():
    plan = build_plan(Selection("test", [Item(1, title="evil \x1b[2J title")], []))
    text = render_text(build_summary(plan, {1: record(plan, 1, "failed", error="x\x1b]0;pwned\x07")}))
    assert "\x1b" not in text and "\x07" not in text
    assert "evil ?[2J title" in text


def test_summary_json_follows_its_schema(tmp_path):
    for plan, results in (wave_300(tmp_path), (small_dag(), {})):
        data = summary_to_json(build_summary(plan, results, run_url=RUN_URL))
        validate(data, "summary", "summary.json")
    data = summary_to_json(build_summary(small_dag(), small_dag_results(small_dag())))
    assert data["metrics"]["speedup"] == 1.24 and data["metrics"]["critical_path"] == [1, 3, 4]
    assert data["metrics"]["started_at"] == "2026-01-05T10:00:00Z"


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, "n/a"), (0, "0s"), (59.6, "1m 00s"), (250, "4m 10s"), (3725, "1h 02m")]
)
def test_duration_wording(seconds, text):
    assert duration(seconds) == text


def test_summary_json_output_fits_the_job_output_limit(tmp_path):
    plan, results = wave_300(tmp_path)
    data = summary_to_json(build_summary(plan, results, run_url=RUN_URL))
    size = utf16_units(output_text(data))
    assert summary_for_output(data, size) is data
    failing = summary_for_output(data, size - 1)
    assert [i["status"] for i in failing["issues"]] == ["failed"] * 7 + ["blocked"] * 35
    assert failing["omitted"] == {"issues": 258} and len(failing["merge_order"]) == 258
    tiny = summary_for_output(data, 2_000)
    assert tiny["omitted"] == {"issues": 300, "errors": 7, "merge_order": 258}
    assert tiny["issues"] == tiny["merge_order"] == [] and tiny["done"] == 258
    for fitted in (failing, tiny):
        validate(fitted, "summary", "summary-json")
