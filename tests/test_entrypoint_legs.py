"""``entrypoint.py`` driven as the runner drives the container: prepare → agent step → collect in
the leg's job, then publish in the publisher's job (a fresh runner with the leg's artifact).

INPUT_* keep their hyphens, outputs and exports go through GITHUB_OUTPUT / GITHUB_ENV files,
the working directory is GITHUB_WORKSPACE (a real clone of a local bare ``origin``). No token
is given, so no GitHub call can happen; PR paths are covered in-process in test_legs.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from file_commands import parse_file_commands

from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import build_plan, plan_to_json
from lumina_wave.results import new_record
from lumina_wave.store import write_result

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "entrypoint.py"
AGENT = 'echo "$WAVE_ISSUE_TITLE" > "issue-$WAVE_ISSUE_NUMBER.txt"; cat "$WAVE_ISSUE_BODY_FILE" >> "issue-$WAVE_ISSUE_NUMBER.txt"'


class Runner:
    """One job's runner: a workspace, its file commands, and the steps' environment."""

    def __init__(self, workspace: Path, tmp: Path, base_env: dict[str, str]) -> None:
        self.workspace = workspace
        self.tmp = tmp
        self.env_file = tmp / "github_env"
        self.env_file.touch()  # the runner creates the file-command files before each step
        self.base_env = base_env
        event = tmp / "event.json"
        event.write_text(json.dumps({"action": "labeled", "label": {"name": "wave"}}))
        self.github = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_ENV": str(self.env_file),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "4242",
            "RUNNER_TEMP": str(tmp / "runner_temp"),
        }
        self.steps = 0

    def exported(self) -> dict[str, str]:
        return parse_file_commands(self.env_file)

    def action(self, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
        """Run the container's entry point with ``inputs`` (underscores become hyphens)."""
        self.steps += 1
        output = self.tmp / f"output-{self.steps}"
        output.touch()
        env = {**self.base_env, **self.exported(), **self.github, "GITHUB_OUTPUT": str(output)}
        env["INPUT_GITHUB-TOKEN"] = ""
        for name, value in inputs.items():
            env["INPUT_" + name.replace("_", "-").upper()] = value
        done = subprocess.run(
            [sys.executable, str(ENTRYPOINT)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done, parse_file_commands(output)

    def run(self, script: str) -> int:
        """A ``run:`` step on the runner, with what earlier steps exported."""
        env = {**self.base_env, **self.exported(), **self.github}
        return subprocess.run(["bash", "-c", script], cwd=self.workspace, env=env, timeout=60).returncode


@pytest.fixture
def luminaguard():
    items = [
        Item(152, "Cross-Platform VM Research"),
        Item(154, "Hypervisor Abstraction Layer", body="Use `$(whoami)` nowhere"),
        Item(155, "macOS Virtualization.framework Backend"),
    ]
    return build_plan(Selection("manifest", items, [Edge(155, 154)], base="main"))


@pytest.fixture
def job(make_clone, tmp_path, clean_env, luminaguard):
    """``job(name)``: a fresh runner whose workspace holds plan.json (as the download step leaves it)."""

    def make(name: str) -> Runner:
        workspace = make_clone(name)
        plan_file = workspace / ".lumina-wave" / "plan.json"
        plan_file.parent.mkdir()
        plan_file.write_text(json.dumps(plan_to_json(luminaguard)))
        tmp = tmp_path / f"{name}-tmp"
        tmp.mkdir()
        return Runner(workspace, tmp, clean_env)

    return make


def publisher(job, *legs: Runner) -> Runner:
    """The publisher's runner: a fresh clone with the legs' artifacts downloaded (.lumina-wave/out/)."""
    runner = job("publisher")
    for leg in legs:
        shutil.copytree(
            leg.workspace / ".lumina-wave" / "out",
            runner.workspace / ".lumina-wave" / "legs",
            dirs_exist_ok=True,
        )
    return runner


def test_a_leg_through_the_entrypoint_pushes_and_records_no_pr_without_a_token(job, origin, sh, luminaguard):
    runner = job("leg-154")
    done, outputs = runner.action(command="prepare", issue="154", plan_file=".lumina-wave/plan.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs == {"skip": "false"}
    env = runner.exported()
    assert env["WAVE_ISSUE_NUMBER"] == "154" and env["WAVE_BRANCH"] == "feature/issue-154"
    assert env["WAVE_BASE"] == "main" and env["WAVE_DEPENDS_ON"] == "" and env["WAVE_NUMBER"] == "1"
    assert env["WAVE_ISSUE_TITLE"] == "Hypervisor Abstraction Layer"
    body_file = Path(env["WAVE_ISSUE_BODY_FILE"])
    assert not body_file.is_relative_to(runner.workspace)  # outside the work tree
    assert body_file.read_text() == "Use `$(whoami)` nowhere"
    assert env["WAVE_STARTED_AT"].endswith("Z")

    assert runner.run(AGENT) == 0
    done, outputs = runner.action(command="collect", issue="154", agent_outcome="success")
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs == {"status": "success", "result": ".lumina-wave/out/draft-154.json"}
    assert not sh(origin, "branch", "--list", "feature/issue-154").strip()  # the leg pushes nothing

    publish = publisher(job, runner)
    done, _ = publish.action(command="publish", wave="1")
    # #152 of the same wave left no artifact (as after a job timeout): it fails, #154 is published;
    # the publisher stays green, as the failure is #152's (its job is red) and the next wave must start
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::error::#152: failed (the leg left no record of this plan" in done.stdout
    record = json.loads((publish.workspace / ".lumina-wave/out/result-154.json").read_text())
    assert record["status"] == "success"
    assert record["error"] == "no PR opened (no GitHub token)" and record["pr_number"] is None
    assert record["started_at"] == env["WAVE_STARTED_AT"]
    assert record["job_url"] == "https://github.com/o/r/actions/runs/4242"
    assert record["plan_id"] == luminaguard.plan_id and record["wave"] == 1
    pushed = sh(origin, "show", "--name-only", "--format=%s", "feature/issue-154").split("\n")
    assert pushed[0] == "Hypervisor Abstraction Layer (#154)"
    assert [f for f in pushed[1:] if f] == ["issue-154.txt"]  # plan.json and results stay out


def test_a_dependent_of_a_failure_is_skipped_with_a_blocked_record(job, origin, sh, luminaguard):
    runner = job("leg-155")
    results = runner.workspace / ".lumina-wave" / "results"
    write_result(results, new_record(luminaguard.plan_id, 154, "failed", "feature/issue-154", error="boom"))
    done, outputs = runner.action(command="prepare", issue="155", results_dir=".lumina-wave/results")
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["skip"] == "true"
    assert outputs["result"] == ".lumina-wave/out/draft-155.json"
    record = json.loads((runner.workspace / outputs["result"]).read_text())
    assert record["status"] == "blocked" and record["blocked_by"] == [154]
    assert record["error"] == "blocked by a dependency that is not done: #154 failed"
    assert "::warning::#155 is blocked" in done.stdout
    assert runner.exported() == {}
    assert sh(runner.workspace, "branch", "--show-current").strip() == "main"


def test_an_agent_failure_fails_the_step_and_pushes_for_inspection(job, origin, sh):
    runner = job("leg-152")
    runner.action(command="prepare", issue="152")
    assert runner.run(AGENT + "; exit 1") == 1
    done, outputs = runner.action(command="collect", issue="152", agent_outcome="failure")
    assert done.returncode == 1
    assert outputs["status"] == "failed"
    assert (
        "::error::#152: failed (draft, for the publisher) (the agent step ended with failure)" in done.stdout
    )
    done, _ = publisher(job, runner).action(command="publish", wave="1")
    assert done.returncode == 0  # the leg's own failure: its job is red, the publisher's is not
    assert "::error::#152: failed (the agent step ended with failure)" in done.stdout
    assert sh(origin, "rev-parse", "--verify", "-q", "feature/issue-152").strip()


def test_a_missing_prepare_still_records_a_failed_leg(job):
    runner = job("leg-152")
    done, outputs = runner.action(command="collect", issue="152", agent_outcome="skipped")
    assert done.returncode == 1
    record = json.loads((runner.workspace / outputs["result"]).read_text())
    assert record["status"] == "failed"
    assert record["error"] == "the agent did not run: an earlier step of the leg failed"


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"command": "prepare", "issue": "999"}, "issue #999 is not in plan"),
        (
            {"command": "prepare", "issue": "152", "plan_file": "nope.json"},
            "nope.json: plan file not found (run the plan command first)",
        ),
        (
            {"command": "collect", "issue": "152", "agent_outcome": "done"},
            "input 'agent-outcome' must be one of",
        ),
        ({"command": "prepare", "issue": "152", "stack": "yes"}, "input 'stack' must be true or false"),
        (
            {"command": "prepare", "issue": "152", "max_wait": "soon"},
            "input 'max-wait' must be a whole number",
        ),
        ({"command": "prepare", "issue": "152", "max_wait": "-1"}, "input 'max-wait' must be at least 0"),
    ],
)
def test_bad_inputs_exit_2_with_one_line_and_touch_nothing(job, inputs, message, origin, sh):
    runner = job("bad")
    done, _ = runner.action(**inputs)
    assert done.returncode == 2
    errors = [line for line in done.stdout.splitlines() if line.startswith("lumina-wave: error:")]
    assert len(errors) == 1 and message in errors[0]
    assert sh(runner.workspace, "branch", "--show-current").strip() == "main"
    assert not (runner.workspace / ".lumina-wave" / "results").exists()


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"repository": {"default_branch": "trunk"}}, "trunk"),
        ({"repository": {"default_branch": "../x"}}, "main"),  # not a branch name: origin's HEAD
        ({"schedule": "0 5 * * *"}, "main"),  # no repository: origin's HEAD
    ],
)
def test_the_default_base_is_the_events_else_the_remotes(event, expected, clone, tmp_path, monkeypatch):
    from lumina_wave.context import Context

    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    plan = build_plan(Selection("label", [Item(1, "One")], []))
    context = Context.from_env(os.environ)
    assert context.default_base(str(clone), plan, "") == expected
    assert context.default_base(str(clone), plan, "given") == "given"


def test_the_context_path_maps_from_the_container_to_the_runner():
    from lumina_wave.context import to_runner_path
    from lumina_wave.store import context_dirs

    here, there = context_dirs(
        {"GITHUB_WORKSPACE": "/github/workspace", "RUNNER_TEMP": "/home/runner/work/_temp"}
    )
    assert here == Path("/github/home/lumina-wave")
    assert there == Path("/home/runner/work/_temp/_github_home/lumina-wave")
    assert to_runner_path("/github/home/lumina-wave/issue-1.md", here, there) == str(there / "issue-1.md")
    assert to_runner_path("/elsewhere/x", here, there) == "/elsewhere/x"
    same = context_dirs({"GITHUB_WORKSPACE": "/w", "RUNNER_TEMP": "/t"})
    assert same == (Path("/t/lumina-wave"), Path("/t/lumina-wave"))


def test_stack_conflict_through_the_entrypoint_fails_the_leg_naming_the_file(job, origin, sh, make_clone):
    # Two diverging dependency branches as earlier legs would have pushed them.
    seed = make_clone("seed")
    for n in (2, 3):
        sh(seed, "checkout", "-q", "-B", f"feature/issue-{n}", "origin/main")
        (seed / "shared.txt").write_text(f"{n}\n")
        sh(seed, "add", "shared.txt")
        sh(seed, "commit", "-qm", f"#{n}")
        sh(seed, "push", "-q", "origin", f"feature/issue-{n}")
    items = [Item(n, f"Issue {n}") for n in (2, 3, 4)]
    plan = build_plan(Selection("manifest", items, [Edge(4, 2), Edge(4, 3)], base="main"))
    runner = job("leg-4")
    (runner.workspace / ".lumina-wave" / "plan.json").write_text(json.dumps(plan_to_json(plan)))
    results = runner.workspace / ".lumina-wave" / "results"
    for n in (2, 3):
        commit = sh(seed, "rev-parse", f"feature/issue-{n}").strip()
        write_result(results, new_record(plan.plan_id, n, "success", f"feature/issue-{n}", commit=commit))
    done, outputs = runner.action(command="prepare", issue="4", stack="true")
    assert done.returncode == 1
    assert outputs["skip"] == "true"
    record = json.loads((runner.workspace / outputs["result"]).read_text())
    assert record["status"] == "failed"
    assert record["error"] == "merging feature/issue-3 into feature/issue-4 conflicts in shared.txt"
    assert "::error::#4 cannot start" in done.stdout
    assert os.path.exists(runner.workspace / ".lumina-wave" / "plan.json")
