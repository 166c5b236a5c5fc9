"""Plans deeper than the wave slots: the pure window and follow-up inputs, the dispatch request
against the fake GitHub, and a 12-wave plan run end to end as two workflow runs of 10 slots."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from e2e.faults import SeededFaults
from file_commands import parse_file_commands

from lumina_wave.continuation import (
    FOLLOW_UP_INPUTS,
    follow_up_inputs,
    follow_ups_line,
    parse_follow_ups,
    parse_run,
    parse_workflow_ref,
    run_line,
    window,
)
from lumina_wave.errors import GitHubError, InputError
from lumina_wave.github.client import connect
from lumina_wave.github.dispatch import Dispatched, dispatch_workflow

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "entrypoint.py"
CALLER = "wave-caller.yml"
SLOTS = 10

# --- pure --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waves", "start", "slots", "expected"),
    [
        (12, 1, 10, (1, 10, 11)),
        (12, 11, 10, (11, 12, None)),
        (10, 1, 10, (1, 10, None)),
        (25, 11, 10, (11, 20, 21)),
        (3, 1, None, (1, 3, None)),
        (0, 1, 10, (1, 0, None)),  # an empty plan: nothing to run, nothing to continue
    ],
)
def test_window_and_where_the_follow_up_starts(waves, start, slots, expected):
    works = window(waves, start, slots)
    assert (works.first, works.last, works.next_start) == expected


@pytest.mark.parametrize(
    ("waves", "start", "slots", "worked", "expected"),
    [
        (4, 1, 10, {2, 4}, ((2, 4), 4, None)),  # a retry's slots skip the waves it works nothing in
        (25, 1, 10, set(range(1, 26, 2)), ((1, 3, 5, 7, 9, 11, 13, 15, 17, 19), 19, 20)),
        (25, 20, 10, set(range(1, 26, 2)), ((21, 23, 25), 25, None)),  # its follow-up
        (12, 1, 10, set(range(1, 11)), (tuple(range(1, 11)), 12, None)),  # nothing left after
        (3, 1, 10, set(), ((), 3, None)),  # nothing to retry
    ],
)
def test_a_retry_window_works_only_the_waves_holding_its_issues(waves, start, slots, worked, expected):
    works = window(waves, start, slots, worked)
    assert (works.waves, works.last, works.next_start) == expected


def test_run_line_round_trips_and_ignores_escaped_or_odd_text():
    body = f"<!-- lumina-wave:summary plan=x -->\n{run_line('7001')}\n## done"
    assert parse_run(body) == "7001"
    assert parse_run("## done\n&lt;!-- lumina-wave:run 5 --&gt;") is None
    assert parse_run("<!-- lumina-wave:run 5; rm -rf / -->") is None
    assert parse_run("<!-- lumina-wave:run 0 -->") is None


def test_a_start_beyond_the_plan_is_bad_input():
    with pytest.raises(InputError, match="'start-wave' is 13 but the plan has only 12 waves"):
        window(12, 13, 10)
    with pytest.raises(InputError, match="at least 1"):
        window(12, 0, 10)


def test_follow_up_inputs_are_the_declared_strings():
    inputs = follow_up_inputs("0123456789ab", 11, "4242", [7, 3])
    assert inputs == {
        "plan-id": "0123456789ab",
        "start-wave": "11",
        "previous-run-id": "4242",
        "comment-on": "7,3",
    }
    assert tuple(inputs) == FOLLOW_UP_INPUTS


def test_parse_workflow_ref():
    ref = parse_workflow_ref("octo/app/.github/workflows/wave.yml@refs/heads/main")
    assert (ref.repo, ref.workflow, ref.ref) == ("octo/app", "wave.yml", "main")
    assert parse_workflow_ref("o/r/.github/workflows/w.yml@refs/tags/v1").ref == "v1"
    for bad in ("", "o/r/w.yml@main", "o/r/.github/workflows/w.yml"):
        with pytest.raises(InputError, match="GITHUB_WORKFLOW_REF"):
            parse_workflow_ref(bad)


# --- the dispatch request ------------------------------------------------------------------------


def test_dispatch_posts_ref_and_inputs(fake_github):
    fake_github.state.workflows[CALLER] = FOLLOW_UP_INPUTS
    client = connect(fake_github.state.full_name, "t", fake_github.api, seconds_between_writes=0)
    dispatched = dispatch_workflow(client, CALLER, "main", follow_up_inputs("0123456789ab", 11, "9", []))
    (made,) = fake_github.state.dispatches
    assert (made.workflow, made.ref, made.inputs["start-wave"]) == (CALLER, "main", "11")
    assert [c.status for c in fake_github.calls("actions/create-workflow-dispatch")] == [200]
    assert dispatched == Dispatched(made.run_id)  # asked with return_run_details: the run is named


def test_a_caller_without_the_inputs_is_told_what_to_declare(fake_github):
    fake_github.state.workflows[CALLER] = None  # no workflow_dispatch trigger at all
    fake_github.state.workflows["dispatch.yml"] = ("manifest",)
    client = connect(fake_github.state.full_name, "t", fake_github.api, seconds_between_writes=0)
    inputs = follow_up_inputs("0123456789ab", 11, "9", [])
    with pytest.raises(GitHubError, match=r"422 Workflow does not have 'workflow_dispatch' trigger"):
        dispatch_workflow(client, CALLER, "main", inputs)
    with pytest.raises(GitHubError, match=r"must declare on.workflow_dispatch.inputs plan-id, start-wave"):
        dispatch_workflow(client, "dispatch.yml", "main", inputs)
    assert fake_github.state.dispatches == []


# --- end to end: 12 waves, two runs of 10 slots ----------------------------------------------------


class Workflow:
    """The runs of wave.yml as the runner drives ``entrypoint.py``: artifacts per run, a fresh
    workspace per job, the plan and results downloaded as the workflow's steps download them."""

    def __init__(self, fake, bare: Path, root: Path, env: dict[str, str]) -> None:
        self.fake, self.bare, self.root, self.env = fake, bare, root, env
        self.jobs = 0

    def job(self, run_id: int, clone: bool = True) -> Path:
        self.jobs += 1
        ws = self.root / f"run-{run_id}" / f"job-{self.jobs}"
        if clone:
            subprocess.run(["git", "clone", "-q", str(self.bare), str(ws)], check=True)
        else:
            ws.mkdir(parents=True)
        return ws

    def action(self, run_id: int, ws: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict]:
        out, envf = ws.parent / f"out-{self.jobs}-{inputs['command']}", ws.parent / f"env-{self.jobs}"
        out.write_text("")
        envf.touch()
        env = {
            **self.env,
            "GITHUB_WORKSPACE": str(ws),
            "GITHUB_RUN_ID": str(run_id),
            "GITHUB_OUTPUT": str(out),
            "GITHUB_ENV": str(envf),
            "RUNNER_TEMP": str(ws.parent / f"temp-{self.jobs}"),
            **{"INPUT_" + k.replace("_", "-").upper(): v for k, v in inputs.items()},
        }
        done = subprocess.run(
            [sys.executable, str(ENTRYPOINT)], cwd=ws, env=env, capture_output=True, text=True, timeout=120
        )
        return done, parse_file_commands(out)

    def run(
        self,
        run_id: int,
        manifest: str = "",
        previous: int | None = None,
        start_wave: str = "",
        plan_id: str = "",
        comment_on: str = "",
    ) -> dict:
        """One workflow run; returns the summarize step's outputs (and ``dispatches`` made)."""
        store = self.root / f"artifacts-{run_id}"
        (store / "results").mkdir(parents=True)
        ws = self.job(run_id)
        if previous is not None:  # download-artifact with run-id: the plan and every record
            prev = self.root / f"artifacts-{previous}"
            shutil.copytree(prev, ws / ".lumina-wave")
            shutil.copytree(prev / "results", store / "results", dirs_exist_ok=True)
        if manifest:
            (ws / "waves.yml").write_text(manifest)
        done, plan = self.action(
            run_id,
            ws,
            command="plan",
            manifest="waves.yml" if manifest else "",
            max_waves=str(SLOTS),
            start_wave=start_wave,
            plan_id=plan_id,
            comment_on=comment_on,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        shutil.copy(ws / ".lumina-wave" / "plan.json", store / "plan.json")
        assert int(plan["wave-count"]) <= SLOTS
        for slot, entries in enumerate(json.loads(plan["waves"]), start=1):
            legs = [self.leg(run_id, entry["issue"], store) for entry in entries]
            self.publish(run_id, slot, start_wave, legs, store, comment_on)
        return self.summarize(run_id, start_wave, comment_on)

    def summarize(self, run_id: int, start_wave: str = "", comment_on: str = "") -> dict:
        """The summarize job of run ``run_id`` (again, for "Re-run jobs"); returns its outputs."""
        ws = self.job(run_id, clone=False)
        shutil.copytree(self.root / f"artifacts-{run_id}", ws / ".lumina-wave")
        done, outputs = self.action(
            run_id,
            ws,
            command="summarize",
            max_waves=str(SLOTS),
            start_wave=start_wave,
            comment_on=comment_on,
        )
        return {"exit": done.returncode, "log": done.stdout + done.stderr, **outputs}

    def leg(self, run_id: int, issue: int, store: Path) -> Path:
        """One leg job (prepare, the agent, collect); returns the folder its artifact holds."""
        ws = self.job(run_id)
        shutil.copytree(store, ws / ".lumina-wave")
        done, outputs = self.action(run_id, ws, command="prepare", issue=str(issue))
        assert done.returncode == 0 and outputs["skip"] == "false", done.stdout + done.stderr
        (ws / f"issue-{issue}.txt").write_text(f"worked on #{issue}\n")  # the agent
        done, _ = self.action(run_id, ws, command="collect", issue=str(issue), agent_outcome="success")
        assert done.returncode == 0, done.stdout + done.stderr
        return ws / ".lumina-wave" / "out"

    def publish(
        self, run_id: int, slot: int, start_wave: str, legs: list[Path], store: Path, comment_on: str = ""
    ) -> None:
        """The wave's publisher job: its records (and its write ledger) join the run's results."""
        ws = self.job(run_id)
        shutil.copytree(store, ws / ".lumina-wave")
        for out in legs:
            shutil.copytree(out, ws / ".lumina-wave" / "legs", dirs_exist_ok=True)
        done, _ = self.action(
            run_id, ws, command="publish", wave=str(slot), start_wave=start_wave, comment_on=comment_on
        )
        assert done.returncode == 0, done.stdout + done.stderr
        for record in (ws / ".lumina-wave" / "out").glob("*.json"):
            shutil.copy(record, store / "results")


def twelve_waves(fake_github, fake_origin, tmp_path) -> tuple[Workflow, str, Path]:
    """A chain of twelve issues (twelve waves), the caller workflow, and its runner environment;
    returns the workflow, the manifest and the event file (labelling issue 5)."""
    state = fake_github.state
    state.workflows[CALLER] = FOLLOW_UP_INPUTS
    for n in range(1, 13):
        state.add_issue(n, f"Step {n}")
    lines = ["version: 1", "issues:"]
    for n in range(1, 13):
        lines += [f"  - number: {n}", f"    title: Step {n}"] + (
            [f"    depends_on: [{n - 1}]"] if n > 1 else []
        )
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "labeled", "issue": {"number": 5}, "ref": "refs/heads/main"}))
    env = fake_github.runner_env() | {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_ACTOR": "octocat",  # an admin of the fake repository: the actor gate lets it start
        "GITHUB_WORKFLOW_REF": f"{state.full_name}/.github/workflows/{CALLER}@refs/heads/main",
        "LUMINA_WAVE_WRITE_GAP": "0",
    }
    return Workflow(fake_github, fake_origin[0], tmp_path / "runs", env), "\n".join(lines) + "\n", event


def test_twelve_waves_run_as_ten_then_a_dispatched_follow_up_of_two(fake_github, fake_origin, tmp_path):
    state = fake_github.state
    flow, manifest, event = twelve_waves(fake_github, fake_origin, tmp_path)
    # The first run was triggered by labelling issue 5 and names issue 12 to comment on.
    first = flow.run(101, manifest=manifest, comment_on="12")
    assert first["exit"] == 0, first["log"]  # waves 1-10 done; 11-12 are not failures but to come
    # Waves 11-12 wait for the follow-up run: not failures, not in the success rate.
    assert (first["failed-count"], first["success-rate"]) == ("0", "1"), first["log"]
    counts = json.loads(first["summary-json"])["counts"]
    assert (counts["success"], counts["missing"], counts["pending"]) == (10, 0, 2)
    assert "waves 11-12 continue in a follow-up run of wave-caller.yml" in first["log"]
    (dispatch,) = state.dispatches
    plan_id = json.loads(first["summary-json"])["plan_id"]
    assert (dispatch.workflow, dispatch.ref) == (CALLER, "main")
    assert dispatch.inputs == {
        "plan-id": plan_id,
        "start-wave": "11",
        "previous-run-id": "101",
        "comment-on": "12",
    }
    assert len(state.pulls) == 10
    (before,) = [c for c in state.comments.values() if c.issue_number == 12]
    assert "class i10 success" in before.body and "class i11 pending" in before.body
    assert "## ✅ lumina-wave: 10 of 12 issues done" in before.body
    assert "**2** waits for the follow-up run" in before.body and "did not run ·" in before.body
    assert "**0** did not run" in before.body

    # The caller hands its workflow_dispatch inputs to wave.yml, as the README shows.
    event.write_text(json.dumps({"inputs": dispatch.inputs, "ref": "refs/heads/main"}))
    second = flow.run(
        202,
        previous=101,
        start_wave=dispatch.inputs["start-wave"],
        plan_id=dispatch.inputs["plan-id"],
        comment_on=dispatch.inputs["comment-on"],
    )
    assert second["exit"] == 0, second["log"]
    assert len(state.dispatches) == 1  # the plan ended: no third run
    summary = json.loads(second["summary-json"])
    assert summary["plan_id"] == plan_id
    assert (summary["total"], summary["done"], summary["not_done"]) == (12, 12, 0)
    assert len(state.pulls) == 12
    # One sticky comment per target, edited by the follow-up: it covers all twelve issues.
    targets = sorted({c.issue_number for c in state.comments.values()})
    assert len(targets) == len(state.comments) == 13  # 12 PRs and issue 12
    assert 5 not in targets  # the first run named issue 12, not its triggering issue: so does the follow-up
    (after,) = [c for c in state.comments.values() if c.issue_number == 12]
    assert after.id == before.id  # the follow-up edited the plan's comment
    for n in range(1, 13):
        assert f"class i{n} success" in after.body


def test_a_follow_up_refuses_another_plan(fake_github, tmp_path):
    plan_dir = tmp_path / "ws" / ".lumina-wave"
    plan_dir.mkdir(parents=True)
    from lumina_wave.model import Edge, Item, Selection
    from lumina_wave.plan import build_plan, plan_to_json

    plan = build_plan(Selection("manifest", [Item(1), Item(2)], [Edge(2, 1)]))
    (plan_dir / "plan.json").write_text(json.dumps(plan_to_json(plan)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    env |= {"GITHUB_WORKSPACE": str(tmp_path / "ws"), "INPUT_COMMAND": "plan", "INPUT_START-WAVE": "2"}
    ok = subprocess.run(
        [sys.executable, str(ENTRYPOINT)], cwd=tmp_path / "ws", env=env, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert '"wave":2' in ok.stdout and '"wave":1' not in ok.stdout  # only wave 2, in slot 1
    env["INPUT_PLAN-ID"] = "ffffffffffff"
    bad = subprocess.run(
        [sys.executable, str(ENTRYPOINT)], cwd=tmp_path / "ws", env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert (
        f"input 'plan-id' is 'ffffffffffff' but .lumina-wave/plan.json holds plan {plan.plan_id}"
        in bad.stdout
    )


# --- exactly once: re-runs of summarize do not dispatch a second follow-up ------------------------


def test_follow_ups_line_round_trips_and_ignores_other_text():
    line = follow_ups_line({21: "?", 11: "1000123"})
    assert line == "<!-- lumina-wave:follow-ups 11=1000123,21=? -->"
    assert parse_follow_ups(f"<!-- lumina-wave:summary plan=x -->\n{line}\n## done") == {
        11: "1000123",
        21: "?",
    }
    assert parse_follow_ups("## done\n&lt;!-- lumina-wave:follow-ups 11=5 --&gt;") == {}
    assert parse_follow_ups("<!-- lumina-wave:follow-ups 11=5; rm -rf / -->") == {}


def test_summarize_run_twice_dispatches_one_follow_up_before_it_comments(fake_github, fake_origin, tmp_path):
    state = fake_github.state
    flow, manifest, _ = twelve_waves(fake_github, fake_origin, tmp_path)
    first = flow.run(101, manifest=manifest, comment_on="12")
    assert first["exit"] == 0, first["log"]
    (dispatch,) = state.dispatches
    # the dispatch came before summarize's first comment (the home comment is the plan's progress)
    order = [r.operation for r in fake_github.requests]
    first_pr_comment = next(
        i
        for i, r in enumerate(fake_github.requests)
        if r.operation == "issues/create-comment" and int(r.path.split("/")[-2]) in state.pulls
    )
    assert order.index("actions/create-workflow-dispatch") < first_pr_comment
    (comment,) = [c for c in state.comments.values() if c.issue_number == 12]
    assert f"<!-- lumina-wave:follow-ups 11={dispatch.run_id} -->" in comment.body.splitlines()[1]

    again = flow.summarize(101, comment_on="12")  # "Re-run jobs" of summarize
    assert again["exit"] == 0, again["log"]
    assert state.dispatches == [dispatch]
    assert f"was dispatched before (run {dispatch.run_id}): not again" in again["log"]
    (after,) = [c for c in state.comments.values() if c.issue_number == 12]
    assert after.id == comment.id and f"11={dispatch.run_id}" in after.body  # the record stays


def test_a_dispatch_whose_answer_was_lost_is_not_repeated(fake_github, fake_origin, tmp_path):
    state = fake_github.state
    fake_github.faults = SeededFaults().on("actions/create-workflow-dispatch", 1, "502", after=True)
    flow, manifest, _ = twelve_waves(fake_github, fake_origin, tmp_path)
    first = flow.run(101, manifest=manifest, comment_on="12")
    assert first["exit"] == 0, first["log"]
    assert len(state.dispatches) == 1  # GitHub started it; the answer was lost
    assert (
        "::warning::the answer to starting the follow-up run of wave-caller.yml (start-wave 11) was lost"
        in (first["log"])
    )
    (comment,) = [c for c in state.comments.values() if c.issue_number == 12]
    assert "<!-- lumina-wave:follow-ups 11=? -->" in comment.body
    again = flow.summarize(101, comment_on="12")
    assert again["exit"] == 0, again["log"]
    assert len(state.dispatches) == 1
    assert len(fake_github.calls("actions/create-workflow-dispatch")) == 1
