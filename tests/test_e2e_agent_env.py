"""The ``agent-env`` secret through the end-to-end driver: wave.yml's agent step, its real ``run:`` text.

A value reaches the agent, is masked in the run's log, and never reaches lumina-wave's own steps,
their logs, the records, the artifacts, GITHUB_ENV or GitHub; a forbidden or malformed line fails
the leg before the agent runs, with a line that names it (and never shows a malformed line).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from e2e import scenarios
from e2e.driver import WaveRun

GEMINI = "AIzaSyFakeGeminiKey-0123456789%25abc"  # a % shows that the mask command is escaped
REGISTRY = "npm_FakeRegistryToken9876543210"
ANTHROPIC = "sk-ant-fake-0123456789abcdef"
AGENT_ENV = f"# credentials of the agent\nGEMINI_API_KEY={GEMINI}\r\n\n  \nNPM_TOKEN={REGISTRY}\nEMPTY=\n"


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def everything_lumina_wave_wrote(run: WaveRun, fake) -> str:
    """The outputs of lumina-wave's own steps, unmasked, with every record, artifact and GitHub write."""
    jobs = [run.plan, *(leg.job for leg in run.legs.values()), run.summarize]
    texts = [
        step.stdout + step.stderr + json.dumps(step.outputs)
        for job in jobs
        for step_id, step in job.steps.items()
        if step_id != "agent"
    ]
    texts += [json.dumps(job.env) + job.summary for job in jobs]
    texts += [p.read_text(errors="replace") for p in run.artifacts.root.rglob("*") if p.is_file()]
    texts += [c.body for c in fake.state.comments.values()]
    texts += [json.dumps(vars(pr), default=str) for pr in fake.state.pulls.values()]
    return "\n".join(texts)


def env_seen(origin: Path, issue: int) -> dict[str, str | None]:
    """What the agent of ``issue`` recorded of its environment (each name to its value's digest), as pushed."""
    show = subprocess.run(
        ["git", "show", f"feature/issue-{issue}:work/env-{issue}.json"],
        cwd=origin,
        capture_output=True,
        text=True,
    )
    return json.loads(show.stdout)


def test_agent_env_reaches_the_agent_alone_masked(fake_github, fake_origin, tmp_path):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    names = ["GEMINI_API_KEY", "NPM_TOKEN", "EMPTY", "ANTHROPIC_API_KEY", "AGENT_ENV"]
    agents = {n: {"env": names, "say": ["GEMINI_API_KEY", "NPM_TOKEN"]} for n in scenario.issues}
    secrets = {"agent-env": AGENT_ENV, "ANTHROPIC_API_KEY": ANTHROPIC}
    run = WaveRun(
        fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs, agents=agents, secrets=secrets
    ).run()
    assert {n: r["status"] for n, r in run.records().items()} == scenario.expected(), run.transcript()

    # The agent saw each value exactly (a CR of a CRLF line is not part of it), AGENT_ENV itself not.
    assert env_seen(fake_origin[0], 152) == {
        "GEMINI_API_KEY": sha(GEMINI),
        "NPM_TOKEN": sha(REGISTRY),
        "EMPTY": sha(""),
        "ANTHROPIC_API_KEY": sha(ANTHROPIC),
        "AGENT_ENV": None,
    }
    # Each value was registered as a mask (escaped as workflow command data), so the chatty agent's
    # log shows *** where GitHub would.
    agent_out = run.legs[152].job.steps["agent"].stdout
    assert "::add-mask::AIzaSyFakeGeminiKey-0123456789%2525abc\n" in agent_out
    assert f"::add-mask::{REGISTRY}\n" in agent_out
    assert "agent: GEMINI_API_KEY is ***" in run.transcript()
    assert "agent: NPM_TOKEN is ***" in run.transcript()
    for value in (GEMINI, REGISTRY, ANTHROPIC):
        assert value not in run.transcript()
        assert value not in everything_lumina_wave_wrote(run, fake_github)


def test_forbidden_and_malformed_lines_fail_the_leg_before_the_agent_runs(fake_github, fake_origin, tmp_path):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    bad = "GITHUB_TOKEN=ghp_stolen\nld_preload=/tmp/x.so\nnot a line with s3cr3t-text\n2BAD=x\nBASH_ENV=/tmp/rc\nOK=fine\n"
    agents = {n: {"env": ["OK"]} for n in scenario.issues}
    run = WaveRun(
        fake_github,
        fake_origin[0],
        tmp_path,
        inputs=scenario.inputs,
        agents=agents,
        secrets={"agent-env": bad},
    ).run()
    records = run.records()
    assert {n: r["status"] for n, r in records.items()} == {152: "failed", 154: "failed", 155: "blocked"}
    assert records[152]["agent_outcome"] == "failure" and records[152]["commit"] is None
    out = run.legs[152].job.steps["agent"].stdout
    errors = [line for line in out.splitlines() if line.startswith("::error::")]
    assert errors == [
        "::error::agent-env line 1: GITHUB_TOKEN is refused (it would steer the runner, git or the shell, not the agent)",
        "::error::agent-env line 2: ld_preload is refused (it would steer the runner, git or the shell, not the agent)",
        "::error::agent-env line 3 is not NAME=value with NAME of letters, digits and _ (the line is not shown)",
        "::error::agent-env line 4 is not NAME=value with NAME of letters, digits and _ (the line is not shown)",
        "::error::agent-env line 5: BASH_ENV is refused (it would steer the runner, git or the shell, not the agent)",
        "::error::agent-env has refused lines: the agent did not run",
    ]
    assert "s3cr3t-text" not in out and "ghp_stolen" not in out
    assert not (run.legs[152].job.workspace / "work").exists()  # the agent never ran


def test_without_agent_env_the_two_named_keys_still_reach_the_agent(fake_github, fake_origin, tmp_path):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    agents = {n: {"env": ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"]} for n in scenario.issues}
    secrets = {"ANTHROPIC_API_KEY": ANTHROPIC, "OPENAI_API_KEY": "sk-openai-fake"}
    run = WaveRun(
        fake_github, fake_origin[0], tmp_path, inputs=scenario.inputs, agents=agents, secrets=secrets
    ).run()
    assert all(r["status"] == "success" for r in run.records().values()), run.transcript()
    assert env_seen(fake_origin[0], 155) == {
        "ANTHROPIC_API_KEY": sha(ANTHROPIC),
        "OPENAI_API_KEY": sha("sk-openai-fake"),
    }
