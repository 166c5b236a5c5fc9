"""``workflows/comment-trigger.yml`` through the end-to-end driver, with an ``issue_comment`` event.

The caller's ``command`` job runs its real ``run:`` text (``shell: python``) with its ``env:``
evaluated from the event, against the fake GitHub: ``/wave`` on epic #150 reacts, replies with
the run's link and names the epic; the driver then runs wave.yml with ``epic`` set so, where the
plan job's actor gate checks the comment's author. A plain issue gets a refusal reply and no
wave; ``/wave retry`` runs the failed issues of the plan summarized there again (issue 14's
retry, the earlier run found from the summary comment); other text gets no answer.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from e2e import scenarios
from e2e.driver import ROOT, TOKEN, Inputs, Job, WaveRun
from fakegithub.state import Comment, User
from ruamel.yaml import YAML

CALLER = ROOT / "workflows" / "comment-trigger.yml"
EXPRESSION = re.compile(r"\$\{\{ (github\.[\w.]+) \}\}")


def caller() -> dict:
    return YAML(typ="safe").load(CALLER.read_text(encoding="utf-8"))


def comment_event(fake, number: int, body: str, login: str) -> dict:
    """An ``issue_comment`` ``created`` event, the comment stored in the fake as GitHub has it."""
    made = Comment(fake.state.next_id(), number, body, User(login, 7007))
    fake.state.comments[made.id] = made
    return {
        "action": "created",
        "issue": {"number": number, "title": fake.state.issues[number].title},
        "comment": {
            "id": made.id,
            "body": body,
            "user": {"login": login},
            "author_association": "COLLABORATOR",
        },
        "repository": {"full_name": fake.state.full_name},
        "sender": {"login": login},
    }


def evaluate(value: str, event: dict) -> str:
    """A step ``env:`` value of the caller: ``github.token`` or ``github.event.…`` of ``event``."""
    match = EXPRESSION.fullmatch(value)
    assert match, f"the test cannot evaluate {value!r}"
    if match[1] == "github.token":
        return TOKEN
    found: object = {"event": event}
    for key in match[1].split(".")[1:]:
        found = found.get(key, "") if isinstance(found, dict) else ""
    return str(found)


def command_job(run: WaveRun, event: dict) -> Job:
    """The caller's ``command`` job on a fresh runner (it has no checkout)."""
    (step,) = caller()["jobs"]["command"]["steps"]
    assert step["shell"] == "python"
    job = Job(run, "command", job_id="command")
    job.script(
        "command", step["run"], {k: evaluate(v, event) for k, v in step["env"].items()}, shell="python"
    )
    return job


def replies(fake, number: int) -> list[str]:
    return [c.body for c in fake.state.comments.values() if c.issue_number == number and c.user.type == "Bot"]


def reactions(fake) -> list[str]:
    return [r.content for r in fake.state.reactions]


def statuses(run: WaveRun) -> dict[int, str]:
    return {n: r["status"] for n, r in run.records().items()}


def run_summary(fake) -> Comment:
    """The one summary comment of a run on the epic #150."""
    (comment,) = [
        c for c in fake.state.comments.values() if c.issue_number == 150 and "lumina-wave:run" in c.body
    ]
    return comment


def test_the_command_job_reads_only_issue_comments_of_people_with_a_role():
    job = caller()["jobs"]["command"]
    assert caller()["on"]["issue_comment"] == {"types": ["created"]}
    assert job["if"] == (
        "github.event_name == 'issue_comment' && !github.event.issue.pull_request && "
        "startsWith(github.event.comment.body, '/wave') && "
        """contains(fromJSON('["OWNER", "MEMBER", "COLLABORATOR"]'), github.event.comment.author_association)"""
    )
    assert job["permissions"] == {"issues": "write"}
    (step,) = job["steps"]
    assert "${{" not in step["run"] and "COMMENT_BODY" in step["env"]
    wave = caller()["jobs"]["wave"]
    assert wave["with"]["epic"] == "${{ needs.command.outputs.epic }}"
    assert wave["with"]["retry"] == "${{ needs.command.outputs.retry }}"


def test_wave_on_an_epic_runs_its_sub_issues_for_a_writer(fake_github, fake_origin, tmp_path):
    scenario = scenarios.epic(fake_github, fake_origin[1])
    fake_github.state.collaborators["wendy"] = "write"
    event = comment_event(fake_github, 150, "/wave\n", "wendy")
    run = WaveRun(
        fake_github, fake_origin[0], tmp_path, inputs=Inputs(), event=event, actor="wendy", run_id=7301
    )
    assert run.event_name == "issue_comment"
    command = command_job(run, event).steps["command"]
    assert command.ok, command.stdout + command.stderr
    assert command.outputs == {"epic": "150"}
    assert reactions(fake_github) == ["rocket"]
    run_url = "https://github.com/octo-org/r/actions/runs/7301"
    assert replies(fake_github, 150) == [
        f"`/wave`: running the sub-issues of #150 in [this run]({run_url}); the summary comes here."
    ]

    run.inputs = Inputs(epic=command.outputs["epic"])
    run.run()
    assert {n: r["status"] for n, r in run.records().items()} == scenario.expected(), run.transcript()
    assert "lumina-wave: started by wendy (at least write on octo-org/r)" in run.plan.steps["plan"].stdout
    summary = [body for body in replies(fake_github, 150) if "lumina-wave" in body]
    assert len(summary) == 1 and "3 of 3 issues done" in summary[0]


def test_wave_by_a_triager_is_acknowledged_but_the_plan_refuses_it(fake_github, fake_origin, tmp_path):
    scenarios.epic(fake_github, fake_origin[1])
    fake_github.state.collaborators["tracy"] = "triage"
    event = comment_event(fake_github, 150, "/wave", "tracy")
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=Inputs(), event=event, actor="tracy")
    command = command_job(run, event).steps["command"]
    run.inputs = Inputs(epic=command.outputs["epic"])
    run.run()
    plan = run.plan.steps["plan"]
    assert plan.rc == 2
    assert (
        "lumina-wave: error: actor tracy has permission triage on octo-org/r; starting a wave needs at"
        " least write (input min-permission)" in plan.stdout
    )
    assert run.legs == {} and fake_github.state.pulls == {}
    assert len(replies(fake_github, 150)) == 1  # the acknowledgement only, no summary


def test_wave_on_a_plain_issue_is_refused_with_a_reply(fake_github, fake_origin, tmp_path):
    scenarios.luminaguard_labels(fake_github, fake_origin[1])
    event = comment_event(fake_github, 152, "/WAVE", "octocat")
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=Inputs(), event=event)
    command = command_job(run, event).steps["command"]
    assert command.ok and command.outputs == {}, command.stderr
    assert reactions(fake_github) == ["confused"]
    assert replies(fake_github, 152) == [
        "`/wave` runs the sub-issues of an epic, and #152 has none: add sub-issues, or label the issues `wave`."
    ]


@pytest.mark.parametrize("body", ["/wave retry now", "/waves", "/wave please", "say /wave"])
def test_other_text_gets_no_answer(fake_github, fake_origin, tmp_path, body):
    scenarios.epic(fake_github, fake_origin[1])
    event = comment_event(fake_github, 150, body, "octocat")
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=Inputs(), event=event)
    command = command_job(run, event).steps["command"]
    assert command.ok and command.outputs == {}, command.stderr
    assert reactions(fake_github) == [] and replies(fake_github, 150) == []
    assert [c for c in fake_github.requests if c.method != "GET"] == []


def test_a_hostile_comment_body_is_data(fake_github, fake_origin, tmp_path):
    scenarios.epic(fake_github, fake_origin[1])
    body = '/wave $(touch pwned) `touch pwned` "; touch pwned; "\n::set-output name=epic::1'
    event = comment_event(fake_github, 150, body, "octocat")
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=Inputs(), event=event)
    job = command_job(run, event)
    assert job.steps["command"].outputs == {}
    assert not Path(job.workspace, "pwned").exists()


def test_wave_retry_runs_the_failed_issues_again_and_edits_the_same_summary(
    wave_run, fake_github, fake_origin
):
    """``/wave`` on epic #150 with #154 failing (#155 blocked), then ``/wave retry`` on #150: the
    retry run finds the first run from the summary comment there (no run id), runs #154 and #155
    only, and edits that one comment to 3 of 3 done."""
    scenarios.epic(fake_github, fake_origin[1])
    fake_github.state.collaborators["wendy"] = "write"
    wendys = functools.partial(wave_run, inputs=Inputs(), actor="wendy")
    event = comment_event(fake_github, 150, "/wave", "wendy")
    first = wendys(event=event, agents={154: {"fail": True}})
    first.inputs = Inputs(epic=command_job(first, event).steps["command"].outputs["epic"])
    first.run()
    assert statuses(first) == {152: "success", 154: "failed", 155: "blocked"}
    summary_id = run_summary(fake_github).id

    event = comment_event(fake_github, 150, "/wave Retry", "wendy")
    retry = wendys(event=event, run_id=first.run_id + 1, earlier={first.run_id: first})
    command = command_job(retry, event).steps["command"]
    assert command.ok and command.outputs == {"retry": "failed"}, command.stderr
    assert reactions(fake_github) == ["rocket", "rocket"]
    assert "`/wave retry`: running the failed and blocked issues" in replies(fake_github, 150)[-1]
    retry.inputs = Inputs(retry=command.outputs["retry"])
    retry.run()
    assert sorted(retry.legs) == [154, 155], retry.transcript()
    assert statuses(retry) == {152: "success", 154: "success", 155: "success"}
    after = run_summary(fake_github)
    assert after.id == summary_id and "3 of 3 issues done" in after.body
