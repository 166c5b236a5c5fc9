"""The reusable workflow's structure (read with ruamel.yaml), and the example callers'."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WAVE = ROOT / ".github" / "workflows" / "wave.yml"
EXAMPLES = sorted((ROOT / "workflows").glob("*.yml"))
# The examples that call wave.yml (own-pipeline.yml calls the action itself).
CALLERS = [p for p in EXAMPLES if "/.github/workflows/wave.yml@" in p.read_text(encoding="utf-8")]
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


# The one slot count: the wave-K jobs of wave.yml; max-waves and everything else must agree.
SLOTS = sum(1 for name in load(WAVE)["jobs"] if name.startswith("wave-"))


@pytest.fixture(scope="module")
def wave() -> dict:
    return load(WAVE)


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if str(s.get("uses", "")).startswith(action)]


def lumina_step(job: dict, command: str) -> dict:
    (step,) = [s for s in steps_using(job, "lumina-wave/lumina-wave@") if s["with"]["command"] == command]
    return step


def slots(wave: dict) -> list[tuple[int, dict]]:
    return [(k, wave["jobs"][f"wave-{k}"]) for k in range(1, SLOTS + 1)]


def publishers(wave: dict) -> list[tuple[int, dict]]:
    return [(k, wave["jobs"][f"publish-{k}"]) for k in range(1, SLOTS + 1)]


def test_it_is_callable_with_the_documented_inputs_and_secrets(wave):
    call = wave["on"]["workflow_call"]
    for name in (
        "manifest",
        "label",
        "epic",
        "agent-command",
        "setup-command",
        "max-parallel",
        "stack",
        "draft",
    ):
        assert name in call["inputs"]
    assert {"runs-on", "comment-on"} <= set(call["inputs"])
    assert call["inputs"]["agent-command"]["required"] is True
    assert call["secrets"]["token"]["required"] is False
    assert wave["permissions"] == {}


def test_jobs_are_plan_ten_chained_slots_each_with_its_publisher_and_summarize(wave):
    chain = [name for k in range(1, SLOTS + 1) for name in (f"wave-{k}", f"publish-{k}")]
    assert list(wave["jobs"]) == ["plan", *chain, "summarize"]
    for k, job in slots(wave):
        needs = job["needs"] if isinstance(job["needs"], list) else [job["needs"]]
        # the legs of wave k start from what the publisher of wave k-1 pushed and recorded
        assert set(needs) == ({"plan"} if k == 1 else {"plan", f"publish-{k - 1}"})
        assert job["if"].startswith("${{ !cancelled() &&")
        assert f"fromJSON(needs.plan.outputs.wave-count) >= {k} }}}}" in job["if"]
        strategy = job["strategy"]
        assert strategy["fail-fast"] is False
        assert strategy["max-parallel"] == "${{ inputs.max-parallel }}"
        assert strategy["matrix"] == {"include": f"${{{{ fromJSON(needs.plan.outputs.waves)[{k - 1}] }}}}"}
    for k, job in publishers(wave):
        assert job["needs"] == ["plan", f"wave-{k}"]
        assert job["if"] == wave["jobs"][f"wave-{k}"]["if"]
        assert job["strategy"] == {"matrix": {"slot": [k]}}
    summarize = wave["jobs"]["summarize"]
    assert set(summarize["needs"]) == {"plan", *chain}
    assert "!cancelled()" in summarize["if"]


def test_every_slot_is_one_definition_but_for_its_number(wave):
    """The slots share one permissions and one steps node (YAML aliases), and differ only in
    the name, needs, if and matrix index that carry their number."""
    first = wave["jobs"]["wave-1"]
    numbered = {"name", "needs", "if", "strategy"}
    for k, job in slots(wave):
        assert job["steps"] is first["steps"]
        assert job["permissions"] is first["permissions"]
        assert {key: v for key, v in job.items() if key not in numbered} == {
            key: v for key, v in first.items() if key not in numbered
        }
        assert job["name"] == f"wave {k}: #${{{{ matrix.issue }}}}"
        # slot k is slot 1 with k in its number's places, and nothing else
        include = first["strategy"]["matrix"]["include"].replace("[0]", f"[{k - 1}]")
        assert job == {
            **first,
            "name": f"wave {k}: #${{{{ matrix.issue }}}}",
            "needs": "plan" if k == 1 else ["plan", f"publish-{k - 1}"],
            "if": first["if"].replace(">= 1 }}", f">= {k} }}}}"),
            "strategy": {**first["strategy"], "matrix": {"include": include}},
        }
    publish = wave["jobs"]["publish-1"]
    for k, job in publishers(wave):
        assert job["steps"] is publish["steps"] and job["permissions"] is publish["permissions"]
        assert {key: v for key, v in job.items() if key not in numbered} == {
            key: v for key, v in publish.items() if key not in numbered
        }
        assert job["name"] == f"publish wave {k}"
        assert job == {
            **publish,
            "name": f"publish wave {k}",
            "needs": ["plan", f"wave-{k}"],
            "if": wave["jobs"][f"wave-{k}"]["if"],
            "strategy": {"matrix": {"slot": [k]}},
        }
    # One slot and one publisher defined, the others a few lines of aliases each (issue 12).
    assert len(WAVE.read_text(encoding="utf-8").splitlines()) <= 550


def test_a_plan_deeper_than_the_slots_continues_in_a_follow_up_run(wave):
    call = wave["on"]["workflow_call"]["inputs"]
    for name in ("start-wave", "previous-run-id", "plan-id"):
        assert call[name] == {"description": call[name]["description"], "type": "string", "default": ""}
    plan_job = wave["jobs"]["plan"]
    plan = lumina_step(plan_job, "plan")["with"]
    assert plan["max-waves"] == SLOTS
    assert plan["start-wave"] == "${{ inputs.start-wave }}"
    assert plan["plan-id"] == "${{ inputs.plan-id }}"
    assert {"wave-count", "waves"} <= set(plan_job["outputs"])
    summarize = lumina_step(wave["jobs"]["summarize"], "summarize")["with"]
    assert (summarize["max-waves"], summarize["start-wave"]) == (SLOTS, "${{ inputs.start-wave }}")
    # The plan job fetches the previous run's plan and records before planning, and passes the
    # records on under a name the result pattern matches.
    ids = [s.get("id") or s["uses"].split("@")[0] for s in plan_job["steps"]]
    fetched = [s for s in steps_using(plan_job, "actions/download-artifact@")]
    assert [f["with"].get("name") or f["with"]["pattern"] for f in fetched] == [
        "lumina-wave-plan",
        "lumina-wave-result-*",
    ]
    # A retry run (issue 14) does too: from previous-run-id, else the run the `previous` step
    # reads from the summary comment, before anything is downloaded.
    earlier = "${{ inputs.previous-run-id != '' || inputs.retry != '' }}"
    for step in fetched:
        assert step["if"] == earlier
        assert step["with"]["run-id"] == "${{ inputs.previous-run-id || steps.previous.outputs.run-id }}"
        assert step["with"]["github-token"].startswith("${{ steps.app-token.outputs.token")
    assert ids.index("plan") > max(i for i, n in enumerate(ids) if n == "actions/download-artifact")
    previous = lumina_step(plan_job, "previous")
    assert previous["if"] == "${{ inputs.retry != '' && inputs.previous-run-id == '' }}"
    assert ids.index("previous") < ids.index("actions/download-artifact")
    assert plan["retry"] == "${{ inputs.retry }}"
    carried = steps_using(plan_job, "actions/upload-artifact@")[1]
    assert carried["with"]["name"] == "lumina-wave-result-earlier"
    assert carried["if"] == earlier


def test_every_job_declares_least_permissions(wave):
    expected = {
        # write: the plan's progress comment on the home issue or PR
        "plan": {"contents": "read", "issues": "write", "pull-requests": "write", "actions": "read"},
        "summarize": {"contents": "read", "issues": "write", "pull-requests": "write", "actions": "write"},
    }
    for name, job in wave["jobs"].items():
        perms = job["permissions"]
        if name.startswith("wave-"):
            assert perms == {"contents": "read", "issues": "read"}
        elif name.startswith("publish-"):
            # issues: the progress edit of the home issue's comment after the wave
            assert perms == {"contents": "write", "pull-requests": "write", "issues": "write"}
        else:
            assert perms == expected[name]


def test_artifacts_are_named_per_leg_and_gathered_by_pattern(wave):
    plan_upload = steps_using(wave["jobs"]["plan"], "actions/upload-artifact@")
    assert [s["with"]["name"] for s in plan_upload] == ["lumina-wave-plan", "lumina-wave-result-earlier"]
    for _, job in slots(wave):
        # a leg's artifact is named apart from the publishers' records: nothing reads it as one
        (upload,) = steps_using(job, "actions/upload-artifact@")
        assert upload["with"]["name"] == "lumina-wave-leg-${{ matrix.issue }}"
        assert upload["with"]["path"] == ".lumina-wave/out/"
        assert upload["with"]["include-hidden-files"] is True  # .lumina-wave is a hidden folder
        assert upload["if"] == "${{ always() }}"
        downloads = steps_using(job, "actions/download-artifact@")
        assert downloads[0]["with"] == {"name": "lumina-wave-plan", "path": ".lumina-wave"}
        results = [d["with"] for d in downloads[1:]]
        assert results == [_results_download()]
        # Wave 1 has earlier records only in a follow-up run.
        # Wave 1 of a plan has no earlier records; a follow-up run's plan job carries them.
        assert downloads[1].get("if") == "${{ matrix.wave > 1 }}"
        # The results of earlier waves are there before prepare reads them.
        names = [s.get("id") or s.get("uses", "").split("@")[0] for s in job["steps"]]
        assert names.index("prepare") > max(
            i for i, n in enumerate(names) if n == "actions/download-artifact"
        )
    for _, job in publishers(wave):
        (upload,) = steps_using(job, "actions/upload-artifact@")
        assert upload["with"]["name"] == "lumina-wave-result-wave-${{ matrix.slot }}"
        assert upload["with"]["path"] == ".lumina-wave/out/"
        downloads = [d["with"] for d in steps_using(job, "actions/download-artifact@")]
        assert downloads == [
            {"name": "lumina-wave-plan", "path": ".lumina-wave"},
            _results_download(),
            {"pattern": "lumina-wave-leg-*", "merge-multiple": True, "path": ".lumina-wave/legs"},
        ]
    summarize = wave["jobs"]["summarize"]
    assert [d["with"] for d in steps_using(summarize, "actions/download-artifact@")][1] == _results_download()


def _results_download() -> dict:
    return {"pattern": "lumina-wave-result-*", "merge-multiple": True, "path": ".lumina-wave/results"}


def test_a_leg_runs_prepare_agent_collect_with_the_right_conditions(wave):
    for _, job in slots(wave):
        ids = [s.get("id") for s in job["steps"]]
        assert ids.index("prepare") < ids.index("agent") < ids.index("collect")
        agent = job["steps"][ids.index("agent")]
        run = agent["run"]  # the agent runs after agent-env's checks, again while agent-retries allow
        assert run.index("the agent did not run") < run.index('\nuntil bash -c "$AGENT_COMMAND"; do\n')
        assert run.count("$AGENT_COMMAND") == 1 and run.endswith(
            '\necho "attempts=$attempt" >>"$GITHUB_OUTPUT"\n'
        )
        assert agent["env"] == {
            "AGENT_COMMAND": "${{ inputs.agent-command }}",
            "AGENT_ENV": "${{ secrets.agent-env }}",
            "ANTHROPIC_API_KEY": "${{ secrets.ANTHROPIC_API_KEY }}",
            "OPENAI_API_KEY": "${{ secrets.OPENAI_API_KEY }}",
            "AGENT_RETRIES": "${{ inputs.agent-retries }}",
            "AGENT_RETRY_BACKOFF": "${{ inputs.agent-retry-backoff }}",
        }
        # the secret goes to the agent step alone: no other step of the leg names it
        others = [s for s in job["steps"] if s is not agent]
        assert "agent-env" not in json.dumps(others) and "AGENT_ENV" not in json.dumps(others)
        assert agent["if"] == "${{ steps.prepare.outputs.skip == 'false' }}"
        collect = job["steps"][ids.index("collect")]
        assert collect["if"] == "${{ !cancelled() && steps.prepare.outputs.skip != 'true' }}"
        assert collect["with"]["agent-outcome"] == "${{ steps.agent.outcome }}"
        assert collect["with"]["agent-attempts"] == "${{ steps.agent.outputs.attempts }}"
        assert lumina_step(job, "prepare")["with"]["issue"] == "${{ matrix.issue }}"
        (checkout,) = steps_using(job, "actions/checkout@")
        assert checkout["with"]["fetch-depth"] == 1  # prepare fetches what stacking needs


def test_the_agents_job_holds_no_credential_that_can_write(wave):
    """Issue 13: every slot's job is read-only, its checkout persists no credential, and no step
    (up to the agent and after it: the whole job is the agent's to read) names a token that
    could write: no secret token, no App token; only the job's own read-only github.token."""
    for name, job in slots(wave):
        assert set(job["permissions"].values()) <= {"read", "none"}, name
        (checkout,) = steps_using(job, "actions/checkout@")
        assert checkout["with"]["persist-credentials"] is False
        assert "token" not in checkout["with"]
        assert not steps_using(job, "actions/create-github-app-token@")
        for step in job["steps"]:
            given = {**(step.get("with") or {}), **(step.get("env") or {})}
            text = " ".join(str(v) for v in given.values())
            assert "secrets.token" not in text and "app-private-key" not in text, step
            assert "steps.app-token" not in text, step
            for key, value in given.items():
                if "token" in key.lower():
                    assert value == "${{ github.token }}", (name, step.get("id"), key)
        agent = next(s for s in job["steps"] if s.get("id") == "agent")
        # The agent's own credentials (secrets for its model), never a GitHub token.
        assert set(agent["env"]) - {"AGENT_RETRIES", "AGENT_RETRY_BACKOFF"} == {
            "AGENT_COMMAND",
            "AGENT_ENV",
            "ANTHROPIC_API_KEY",
            "OPENAI_API_KEY",
        }
        assert agent["env"]["AGENT_ENV"] == "${{ secrets.agent-env }}"


def test_only_the_publisher_holds_the_write_token_and_only_in_its_own_step(wave):
    for _, job in publishers(wave):
        (checkout,) = steps_using(job, "actions/checkout@")
        assert checkout["with"]["persist-credentials"] is False
        assert not any("run" in step for step in job["steps"])  # no user command runs here
        publish = lumina_step(job, "publish")["with"]
        assert (
            publish["github-token"] == "${{ steps.app-token.outputs.token || secrets.token || github.token }}"
        )
        assert publish["wave"] == "${{ matrix.slot }}"
        assert publish["start-wave"] == "${{ inputs.start-wave }}"


@pytest.mark.parametrize("path", [WAVE, *EXAMPLES], ids=lambda p: p.name)
def test_no_expression_in_any_run_line_and_third_party_actions_pinned(path):
    workflow = load(path)
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} declares no permissions"
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), f"{path.name}: {name} interpolates into run:"
            uses = step.get("uses", "")
            if uses.startswith("actions/"):
                assert SHA_PIN.match(uses), f"{path.name}: {uses} is not pinned by commit SHA"


def test_the_examples_cover_label_dispatch_uses_and_app_token():
    assert [p.name for p in EXAMPLES] == [
        "app-token.yml",
        "comment-trigger.yml",
        "dispatch.yml",
        "label-trigger.yml",
        "own-pipeline.yml",
        "uses.yml",
    ]
    label = load(ROOT / "workflows" / "label-trigger.yml")
    assert label["on"]["issues"] == {"types": ["labeled"]}
    assert (
        label["jobs"]["wave"]["if"]
        == "github.event_name == 'workflow_dispatch' || github.event.label.name == 'wave'"
    )
    dispatch = load(ROOT / "workflows" / "dispatch.yml")
    assert "manifest" in dispatch["on"]["workflow_dispatch"]["inputs"]
    app = load(ROOT / "workflows" / "app-token.yml")
    assert app["jobs"]["wave"]["with"]["app-id"] == "${{ vars.WAVE_APP_ID }}"
    follow_up = {"plan-id", "start-wave", "previous-run-id", "comment-on"}
    for path in EXAMPLES:
        caller = load(path)
        # every caller can be dispatched again for a plan deeper than the ten slots
        assert follow_up <= caller["on"]["workflow_dispatch"]["inputs"].keys(), path.name
        for job in caller["jobs"].values():
            if "uses" in job:
                assert job["uses"].startswith("lumina-wave/lumina-wave/.github/workflows/wave.yml@")
                assert job["permissions"]["actions"] == "write", path.name
                assert {k: job["with"][k] for k in follow_up} == {
                    k: f"${{{{ inputs.{k} }}}}" for k in follow_up
                }


def test_the_own_pipeline_runs_the_action_around_a_third_party_agent_pinned_by_sha():
    own = load(ROOT / "workflows" / "own-pipeline.yml")
    commands = [
        (name, step["with"]["command"])
        for name, job in own["jobs"].items()
        for step in job["steps"]
        if step.get("uses", "").startswith("lumina-wave/lumina-wave@")
    ]
    assert commands == [
        ("plan", "plan"),
        ("leg", "prepare"),
        ("leg", "collect"),
        ("publish", "publish"),
        ("summarize", "summarize"),
    ]
    assert own["jobs"]["leg"]["permissions"] == {"contents": "read", "issues": "read"}
    steps = own["jobs"]["leg"]["steps"]
    ids = [step.get("id") for step in steps]
    (agent,) = (step for step in steps if step.get("id") == "agent")
    assert ids.index("prepare") < ids.index("agent") < ids.index("collect")
    assert SHA_PIN.match(agent["uses"]) and agent["uses"].startswith("anthropics/claude-code-action@")
    assert (
        own["jobs"]["leg"]["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.plan.outputs.waves)[0] }}"
    )
    # plan and summarize agree on one wave per run, so the follow-up run starts where this one ended
    plan_step = next(s for s in own["jobs"]["plan"]["steps"] if s.get("id") == "plan")
    summarize_step = own["jobs"]["summarize"]["steps"][-1]
    assert plan_step["with"]["max-waves"] == summarize_step["with"]["max-waves"] == 1


def test_every_job_but_the_legs_mints_its_app_token_with_its_own_permissions(wave):
    for name, job in wave["jobs"].items():
        if name.startswith("wave-"):
            continue  # the agent's job needs no token of its own, and must hold none that writes
        (mint,) = steps_using(job, "actions/create-github-app-token@")
        assert mint["if"] == "${{ inputs.app-id != '' }}"
        granted = {
            k.removeprefix("permission-"): v for k, v in mint["with"].items() if k.startswith("permission-")
        }
        assert granted and granted.items() <= job["permissions"].items(), name


# --- concurrency: on the wave job, after its `if:`, so unrelated events cancel nothing ------------

_COMPARISON = re.compile(r"^\s*([\w.]+)\s*==\s*'([^']*)'\s*$")


def evaluate_if(expression: str, context: dict[str, str]) -> bool:
    """The job ``if:`` of the callers: ``a == 'x'`` terms joined by ``||`` (anything else fails the test)."""
    terms = expression.removeprefix("${{").removesuffix("}}").split("||")
    matches = [_COMPARISON.match(term) for term in terms]
    assert all(matches), f"the caller test cannot read this if: {expression!r}"
    return any(context.get(m[1], "") == m[2] for m in matches if m)


@pytest.mark.parametrize("path", CALLERS, ids=lambda p: p.name)
def test_every_caller_sets_concurrency_on_the_wave_job_keyed_so_unrelated_events_cancel_nothing(path):
    caller = load(path)
    # A workflow-level group is joined by every run, even one whose jobs are all skipped: a `bug`
    # label would then make a pending run that cancels the pending wave (or follow-up) run.
    assert "concurrency" not in caller, f"{path.name}: concurrency must sit on the wave job"
    (wave_job,) = [job for job in caller["jobs"].values() if "uses" in job]
    assert wave_job["concurrency"] == {
        "group": "lumina-wave-${{ github.repository }}",
        "cancel-in-progress": False,
    }
    for job in caller["jobs"].values():
        assert "uses" in job or "concurrency" not in job, f"{path.name}: only the wave job waits its turn"
    if "issues" in caller["on"]:
        # the job-level if filters the label first: a skipped job joins no concurrency group
        condition = wave_job["if"]
        assert not evaluate_if(condition, {"github.event_name": "issues", "github.event.label.name": "bug"})
        assert evaluate_if(condition, {"github.event_name": "issues", "github.event.label.name": "wave"})
        assert evaluate_if(condition, {"github.event_name": "workflow_dispatch"})


def test_the_gate_and_path_policy_inputs_reach_the_plan_and_publish_steps(wave):
    call = wave["on"]["workflow_call"]["inputs"]
    assert call["min-permission"]["default"] == "write"
    for job, command, names in (
        ("plan", "plan", ("min-permission", "allowed-bots")),
        ("publish-1", "publish", ("allowed-paths", "blocked-paths", "max-prs")),
    ):
        given = lumina_step(wave["jobs"][job], command)["with"]
        for name in names:
            assert call[name]["type"] == "string"
            assert given[name] == f"${{{{ inputs.{name} }}}}", (job, name)
