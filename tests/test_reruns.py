"""Which issues a retry works (lumina_wave.reruns, shared by ``local --retry`` and the workflow's
``retry`` input) and the plan a retry run writes (plan.json's ``works``, the kept records)."""

from __future__ import annotations

import pytest

from lumina_wave.commands.plan import retry_plan
from lumina_wave.errors import InputError
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import build_plan, plan_from_json, plan_to_json
from lumina_wave.reruns import parse_retry, to_run
from lumina_wave.results import new_record
from lumina_wave.store import read_results, write_result

# #152 alone; #155 depends on #154; #156 on #155 (a dependent of a dependent).
PLAN = build_plan(
    Selection(
        source="test",
        items=[Item(number=n, title=f"issue {n}") for n in (152, 154, 155, 156)],
        edges=[Edge(155, 154), Edge(156, 155)],
    )
)


def records(**status: str) -> dict[int, dict]:
    return {
        int(n[1:]): new_record(PLAN.plan_id, int(n[1:]), s, f"feature/issue-{n[1:]}")
        for n, s in status.items()
    }


def test_failed_chooses_every_issue_not_done_and_the_run_adds_their_dependents():
    previous = records(i152="success", i154="failed", i155="blocked", i156="blocked")
    chosen = parse_retry("failed", PLAN, previous, "input 'retry'")
    assert chosen == {154, 155, 156}
    assert to_run(PLAN, previous, rerun=False, retry=chosen) == [154, 155, 156]


def test_a_listed_issue_brings_its_dependents_and_the_issues_that_never_ran():
    previous = records(i152="success", i154="success", i155="success")  # #156 has no record
    assert to_run(PLAN, previous, rerun=False, retry=parse_retry("#154", PLAN, previous, "x")) == [
        154,
        155,
        156,
    ]
    assert to_run(PLAN, previous, rerun=False, retry=parse_retry("152", PLAN, previous, "x")) == [152, 156]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("154;155", "input 'retry' takes 'failed' or issue numbers like 154,155; got '154;155'"),
        ("$(id)", "input 'retry' takes 'failed' or issue numbers like 154,155; got '$(id)'"),
        ("154,999", "input 'retry' names #999, not in the plan"),
    ],
)
def test_a_bad_retry_is_bad_input_naming_it(text, message):
    with pytest.raises(InputError) as caught:
        parse_retry(text, PLAN, {}, "input 'retry'")
    assert str(caught.value) == message


def test_a_retry_plan_works_the_chosen_issues_and_keeps_only_the_others_records(tmp_path):
    for record in records(i152="success", i154="failed", i155="blocked", i156="blocked").values():
        write_result(tmp_path, record)
    plan = retry_plan(PLAN, "failed", str(tmp_path))

    assert plan.works == (154, 155, 156) and plan.plan_id == PLAN.plan_id
    assert set(read_results(tmp_path, PLAN.plan_id)) == {152}  # the re-run issues' records are gone
    assert plan_from_json(plan_to_json(plan)).works == (154, 155, 156)
    assert "works" not in plan_to_json(PLAN)  # a plan that works every issue is written as before


def test_the_earlier_run_is_the_newest_of_our_summary_comments_on_the_issue(monkeypatch):
    """``previous``: the run line of our own summary comments (the bot's, as GITHUB_TOKEN writes
    them; GET /user answers 403), the newest run of them; a user's look-alike comment is ignored."""
    import github.Requester
    from responses_github import ResponsesGitHub, serve
    from test_publish import Comments

    from lumina_wave.commands.previous import find, previous_run
    from lumina_wave.continuation import run_line
    from lumina_wave.github.client import connect
    from lumina_wave.summary import marker

    monkeypatch.setattr(github.Requester.time, "sleep", lambda _: None)
    with serve(ResponsesGitHub("o/r")) as fake:
        comments = Comments(fake)
        comments.add(155, f"{marker('aaaaaaaaaaaa')}\n{run_line('7001')}\n## 1 of 3 done")
        comments.add(155, f"{marker('bbbbbbbbbbbb')}\n{run_line('7005')}\n## 2 of 2 done")
        comments.add(155, "just a remark")
        hostile = {"login": "mallory", "type": "User"}
        comments.add(155, f"{marker('aaaaaaaaaaaa')}\n{run_line('9999')}\n## fake", hostile)
        comments.add(156, "no summary here")
        client = connect("o/r", "t")
        assert previous_run(client, 155) == "7005"
        assert previous_run(client, 156) is None
        with pytest.raises(InputError, match="no lumina-wave summary comment on #156 names one"):
            find(client, 156)
        assert comments.writes() == []
    with pytest.raises(InputError, match="pass previous-run-id"):
        find(client, None)
