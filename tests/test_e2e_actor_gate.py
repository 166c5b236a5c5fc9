"""The actor gate through the end-to-end driver: wave.yml's plan job, as the runner drives the action.

Labelling issue #155 (scenario luminaguard-labels) starts a wave only when the labeller has at
least ``min-permission`` (write by default) on the repository; a triager, a reader, a bot not in
``allowed-bots`` and a pull request from a fork are refused by the plan job: exit 2, one line
naming the actor and the permission found, and nothing written to GitHub (no leg ran, no comment,
no PR). Every exchange is checked against GitHub's OpenAPI description (the fake's contract).
"""

from __future__ import annotations

import pytest
from e2e import scenarios
from e2e.driver import Inputs, WaveRun

PERMISSION = "repos/get-collaborator-permission-level"


def labelled_by(fake, clone, login: str, role: str | None, **inputs: str):
    """The luminaguard wave, #155 labelled by ``login`` (a collaborator with ``role``)."""
    scenario = scenarios.luminaguard_labels(fake, clone)
    if role is not None:
        fake.state.collaborators[login] = role
    event = {**scenario.event, "sender": {"login": login}}
    given = {**vars(scenario.inputs), **inputs}
    return scenario, event, Inputs(**given)


def assert_refused(run: WaveRun, fake, line: str) -> None:
    plan = run.plan.steps["plan"]
    assert plan.rc == 2, run.transcript()
    assert f"lumina-wave: error: {line}" in plan.stdout.splitlines(), plan.stdout
    assert f"::error::{line}" in plan.stdout.splitlines()
    assert "Traceback" not in plan.stdout + plan.stderr
    assert run.legs == {} and run.summarize is None and run.records() == {}
    writes = [c for c in fake.requests if c.method != "GET"]
    assert writes == [] and fake.state.comments == {} and fake.state.pulls == {}


@pytest.mark.parametrize("role", ["write", "maintain", "admin"])
def test_a_writer_starts_the_wave(fake_github, fake_origin, tmp_path, role):
    scenario, event, inputs = labelled_by(fake_github, fake_origin[1], "wendy", role)
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=inputs, event=event, actor="wendy").run()
    assert {n: r["status"] for n, r in run.records().items()} == scenario.expected(), run.transcript()
    assert "lumina-wave: started by wendy (at least write on octo-org/r)" in run.plan.steps["plan"].stdout
    (asked,) = fake_github.calls(PERMISSION)
    assert asked.path == "/repos/octo-org/r/collaborators/wendy/permission"


@pytest.mark.parametrize(
    ("role", "shown"),
    [("triage", "triage"), ("read", "read"), ("labeller", "labeller (base triage)")],
)
def test_a_triager_or_reader_is_refused(fake_github, fake_origin, tmp_path, role, shown):
    fake_github.state.custom_roles["labeller"] = "triage"  # a custom role reads as its base role
    _, event, inputs = labelled_by(fake_github, fake_origin[1], "tracy", role)
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=inputs, event=event, actor="tracy").run()
    assert_refused(
        run,
        fake_github,
        f"actor tracy has permission {shown} on octo-org/r; starting a wave needs at least write"
        " (input min-permission)",
    )


def test_min_permission_triage_lets_a_triager_start(fake_github, fake_origin, tmp_path):
    scenario, event, inputs = labelled_by(
        fake_github, fake_origin[1], "tracy", "triage", min_permission="triage"
    )
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=inputs, event=event, actor="tracy").run()
    assert {n: r["status"] for n, r in run.records().items()} == scenario.expected(), run.transcript()


def test_a_bot_is_refused_unless_allowed(fake_github, fake_origin, tmp_path):
    _, event, inputs = labelled_by(fake_github, fake_origin[1], "dependabot[bot]", None)
    run = WaveRun(
        fake_github, fake_origin[0], tmp_path, inputs=inputs, event=event, actor="dependabot[bot]"
    ).run()
    assert_refused(
        run,
        fake_github,
        "actor dependabot[bot] is a bot not named in allowed-bots; not starting for it on octo-org/r",
    )
    assert fake_github.calls(PERMISSION) == []  # a bot has no role to ask for


@pytest.mark.parametrize("allowed", ["renovate[bot], dependabot[bot]", "*"])
def test_an_allowed_bot_starts_the_wave(fake_github, fake_origin, tmp_path, allowed):
    scenario, event, inputs = labelled_by(
        fake_github, fake_origin[1], "dependabot[bot]", None, allowed_bots=allowed
    )
    run = WaveRun(
        fake_github, fake_origin[0], tmp_path, inputs=inputs, event=event, actor="dependabot[bot]"
    ).run()
    assert {n: r["status"] for n, r in run.records().items()} == scenario.expected(), run.transcript()


def test_a_re_run_by_a_reader_is_refused_even_when_a_writer_started_it(fake_github, fake_origin, tmp_path):
    _, event, inputs = labelled_by(fake_github, fake_origin[1], "wendy", "write")
    fake_github.state.collaborators["rita"] = "read"
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=inputs, event=event, actor="wendy")
    run.triggering_actor = "rita"
    run.run()
    assert_refused(
        run,
        fake_github,
        "actor rita has permission read on octo-org/r; starting a wave needs at least write (input min-permission)",
    )


def fork_event(fake, head: str | None) -> dict:
    base = {"repo": {"full_name": fake.state.full_name}}
    return {
        "action": "opened",
        "number": 9,
        "pull_request": {"number": 9, "head": {"repo": {"full_name": head} if head else None}, "base": base},
        "repository": {"full_name": fake.state.full_name},
        "sender": {"login": "octocat"},
    }


@pytest.mark.parametrize(("head", "shown"), [("mallory/r", "mallory/r"), (None, "a deleted fork")])
def test_a_pull_request_from_a_fork_is_refused_whoever_sent_it(
    fake_github, fake_origin, tmp_path, head, shown
):
    scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    run = WaveRun(
        fake_github, fake_origin[0], tmp_path, inputs=Inputs(), event=fork_event(fake_github, head)
    ).run()
    assert run.event_name == "pull_request"
    assert_refused(
        run, fake_github, f"the run comes from the fork {shown}; lumina-wave does not start for forks"
    )
    assert fake_github.calls(PERMISSION) == []


def test_a_pull_request_from_a_branch_of_the_repository_is_no_fork(fake_github, fake_origin, tmp_path):
    scenario = scenarios.luminaguard_manifest(fake_github, fake_origin[1])
    event = fork_event(fake_github, fake_github.state.full_name)
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=Inputs(), event=event).run()
    assert {n: r["status"] for n, r in run.records().items()} == scenario.expected(), run.transcript()


def test_a_bad_min_permission_is_bad_input(fake_github, fake_origin, tmp_path):
    _, event, inputs = labelled_by(fake_github, fake_origin[1], "wendy", "write", min_permission="push")
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=inputs, event=event, actor="wendy").run()
    assert_refused(
        run,
        fake_github,
        "input 'min-permission' must be one of read, triage, write, maintain, admin, got 'push'",
    )
