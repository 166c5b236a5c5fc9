"""Issue sources on GitHub: label, blocked-by, body references, epics, titles for manifests."""

from __future__ import annotations

import json

import pytest
from responses_github import ResponsesGitHub, serve

from lumina_wave import cli
from lumina_wave.errors import InputError, Origin
from lumina_wave.github.client import connect
from lumina_wave.github_source import fill_titles, from_epic, from_label
from lumina_wave.model import Edge, Item, References, Selection
from lumina_wave.plan import build_plan


@pytest.fixture
def fake():
    with serve(ResponsesGitHub()) as fake:
        yield fake


@pytest.fixture
def client(fake):
    return connect("o/r", "t", wait=fake.waits.append)


def luminaguard(fake: ResponsesGitHub) -> None:
    fake.add_issue(152, "Cross-Platform VM Research", labels=["wave", "kind:research"])
    fake.add_issue(154, "Hypervisor Abstraction Layer", labels=["wave", "kind:feature"])
    fake.add_issue(
        155, "macOS Virtualization.framework Backend", labels=["wave", "kind:feature"], blocked_by=[154]
    )


def numbers(selection: Selection) -> list[int]:
    return [item.number for item in selection.items]


# --- label -------------------------------------------------------------------------------


def test_luminaguard_labels_and_blocked_by_plan_as_two_waves(fake, client):
    luminaguard(fake)
    fake.add_issue(160, "Not in the wave", labels=["bug"])
    selection = from_label(client, "wave", include_dependencies=False)
    assert selection.source == "label:wave"
    assert selection.edges == [Edge(155, 154, Origin("issue #155 blocked-by"))]
    plan = build_plan(selection)
    assert plan.waves == ((152, 154), (155,))
    assert plan.items[152] == Item(
        152,
        "Cross-Platform VM Research",
        kind="research",
        url="https://github.com/o/r/issues/152",
        origin=Origin("issue #152"),
    )
    # One list page, one blocked-by list (only #155 has a blocker).
    assert client.calls == 2
    assert fake.seen == ["GET /repos/o/r/issues", "GET /repos/o/r/issues/155/dependencies/blocked_by"]


def test_pages_past_100_issues_leave_out_pull_requests_and_cost_one_call_a_page(fake, client):
    for n in range(1, 251):
        fake.add_issue(n, labels=["wave"], pull_request=n % 50 == 0)
    selection = from_label(client, "wave", include_dependencies=False)
    assert numbers(selection) == [n for n in range(1, 251) if n % 50]
    assert client.calls == 3  # 250 listed at 100 a page; no GET per issue for the pull_request key
    assert fake.seen == ["GET /repos/o/r/issues"] + ["GET /repositories/4242/issues"] * 2


def test_closed_issues_and_other_labels_are_not_selected(fake, client):
    fake.add_issue(1, labels=["wave"])
    fake.add_issue(2, labels=["wave"], state="closed")
    fake.add_issue(3, labels=["other"])
    assert numbers(from_label(client, "wave", False)) == [1]


def test_wave_and_kind_labels(fake, client):
    fake.add_issue(1, labels=["wave", "wave:3", "kind:docs"])
    fake.add_issue(2, labels=["wave"])
    items = from_label(client, "wave", False).items
    assert (items[0].min_wave, items[0].kind) == (3, "docs")
    assert (items[1].min_wave, items[1].kind) == (1, "")


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["wave:0"], r"label 'wave:0' must name a wave number 1 or more"),
        (["wave:two"], r"label 'wave:two' must name"),
        (["wave:1", "wave:2"], r"issue #4 has 2 wave labels"),
    ],
)
def test_bad_wave_labels_are_bad_input(fake, client, labels, message):
    fake.add_issue(4, labels=["wave", *labels])
    with pytest.raises(InputError, match=message) as caught:
        from_label(client, "wave", False)
    assert caught.value.origin == Origin("issue #4 labels")


@pytest.mark.parametrize("label", ["", "  ", "a,b"])
def test_label_must_be_one_name(client, label):
    with pytest.raises(InputError, match="one non-empty label name"):
        from_label(client, label, False)
    assert client.calls == 0


def test_body_references_inside_the_selection_are_edges_with_their_line(fake, client):
    fake.add_issue(1, labels=["wave"])
    fake.add_issue(2, labels=["wave"])
    fake.add_issue(3, labels=["wave"], body="Plan\n\nDepends on #1 and #2\n```\nRequires #99\n```\n")
    selection = from_label(client, "wave", False)
    assert selection.edges == [
        Edge(3, 1, Origin("issue #3 body", 3)),
        Edge(3, 2, Origin("issue #3 body", 3)),
    ]
    assert build_plan(selection).waves == ((1, 2), (3,))
    assert client.calls == 1


def test_a_null_body_is_no_body(fake, client):
    fake.add_issue(1, labels=["wave"], body=None)
    assert from_label(client, "wave", False).items[0].body == ""


def test_closed_dependencies_outside_the_selection_are_done(fake, client):
    fake.add_issue(10, state="closed")
    fake.add_issue(11, state="closed", pull_request=True)  # a merged pull request
    fake.add_issue(12, state="closed")
    fake.add_issue(1, labels=["wave"], body="Depends on #10, #11", blocked_by=[12])
    selection = from_label(client, "wave", False)
    assert selection.done == {10, 11}
    plan = build_plan(selection)
    assert plan.waves == ((1,),)
    assert plan.external_done == (10, 11)
    # #12 is closed: the summary counts no open blocker, so the blocked-by list is not read
    # and there is nothing to wait for.
    # #10 and #11 are looked up together: one page of the newest issues holds both.
    assert fake.seen == ["GET /repos/o/r/issues", "GET /repos/o/r/issues"]


def test_an_open_dependency_outside_the_selection_is_bad_input(fake, client):
    fake.add_issue(20)
    fake.add_issue(1, labels=["wave"], body="Intro\nBlocked by #20")
    with pytest.raises(InputError) as caught:
        from_label(client, "wave", False)
    assert str(caught.value) == (
        "issue #1 body:2: issue #1 depends on #20, which is open and not labelled 'wave'; "
        "add it, close it, or turn on include-dependencies"
    )


def test_an_open_blocker_outside_the_selection_is_bad_input(fake, client):
    fake.add_issue(20)
    fake.add_issue(1, labels=["wave"], blocked_by=[20])
    with pytest.raises(InputError, match=r"issue #1 depends on #20, which is open") as caught:
        from_label(client, "wave", False)
    assert caught.value.origin == Origin("issue #1 blocked-by")
    assert client.calls == 2  # the blocked-by list already carried #20: no extra GET


def test_include_dependencies_pulls_open_ones_in_recursively(fake, client):
    fake.add_issue(30, "Deepest")
    fake.add_issue(31, state="closed")
    fake.add_issue(20, "Middle", labels=["wave:2"], body="Requires #30 and #31")
    fake.add_issue(21, "Blocker")
    fake.add_issue(1, labels=["wave"], body="Depends on #20", blocked_by=[21])
    selection = from_label(client, "wave", include_dependencies=True)
    assert numbers(selection) == [1, 20, 21, 30]
    assert selection.done == {31}
    assert selection.items[1].title == "Middle"
    plan = build_plan(selection)
    assert plan.waves == ((21, 30), (20,), (1,))
    # list, blocked-by of #1 (carries #21), GET #20, then #30 and #31 in one page of recent issues
    assert client.calls == 4


def test_a_missing_dependency_is_bad_input(fake, client):
    fake.add_issue(1, labels=["wave"], body="Depends on #404")
    with pytest.raises(InputError, match=r"issue #1 depends on #404, which does not exist in o/r"):
        from_label(client, "wave", True)


def test_an_open_pull_request_dependency_is_bad_input(fake, client):
    fake.add_issue(8, pull_request=True)
    fake.add_issue(1, labels=["wave"], body="Requires #8")
    with pytest.raises(InputError, match=r"depends on #8, an open pull request"):
        from_label(client, "wave", True)


def test_blockers_in_other_repositories(fake, client):
    fake.add_issue(1, labels=["wave"], blocked_by=[fake.foreign("x/y", 5, state="closed")])
    assert from_label(client, "wave", False).edges == []
    fake.block(1, fake.foreign("x/y", 6))
    with pytest.raises(
        InputError, match=r"issue #1 is blocked by x/y#6, an open issue in another repository"
    ):
        from_label(client, "wave", True)


def test_a_self_reference_reaches_the_planner_as_an_error(fake, client):
    fake.add_issue(1, labels=["wave"], body="Depends on #1")
    with pytest.raises(InputError, match="depends on itself"):
        build_plan(from_label(client, "wave", False))


# --- epic --------------------------------------------------------------------------------


def test_epic_sub_issues(fake, client):
    fake.add_issue(100, "Epic")
    fake.add_issue(101, labels=["kind:feature"])
    fake.add_issue(102, body="Depends on #101")
    fake.add_issue(103, state="closed")
    fake.add_issue(104, blocked_by=[103])
    fake.add_sub_issues(100, [101, 102, 103, 104])
    selection = from_epic(client, 100, include_dependencies=False)
    assert selection.source == "epic:#100"
    assert numbers(selection) == [101, 102, 104]
    assert selection.done == {103}
    assert build_plan(selection).waves == ((101, 104), (102,))
    assert client.calls == 1


def test_epic_dependency_outside_the_epic(fake, client):
    fake.add_issue(100, "Epic")
    fake.add_issue(7)
    fake.add_issue(101, blocked_by=[7])
    fake.add_sub_issues(100, [101])
    with pytest.raises(InputError, match=r"#7, which is open and not a sub-issue of #100"):
        from_epic(client, 100, False)
    assert numbers(from_epic(client, 100, True)) == [7, 101]


def test_missing_epic_is_bad_input(client):
    with pytest.raises(InputError, match=r"epic issue #5 does not exist in o/r"):
        from_epic(client, 5, False)


def test_open_sub_issue_in_another_repository_is_bad_input(fake, client):
    fake.add_issue(100, "Epic")
    fake.route(
        "GET",
        r"/repos/o/r/issues/100/sub_issues",
        lambda req: (200, {}, [fake.foreign("x/y", 3)]),
    )
    with pytest.raises(InputError, match=r"sub-issue x/y#3 of epic #100 is in another repository"):
        from_epic(client, 100, False)


# --- titles for manifests ----------------------------------------------------------------


def manifest(*issue_numbers: int, titled: tuple[int, ...] = ()) -> Selection:
    return Selection(
        source="manifest:m.yml",
        items=[
            Item(n, "Given" if n in titled else "", kind="k", origin=Origin("m.yml", i + 3, 5))
            for i, n in enumerate(issue_numbers)
        ],
    )


def test_fill_titles_one_missing_is_one_get(fake, client):
    fake.add_issue(5, "Five", body="Body five")
    fake.add_issue(6, "Six")
    filled = fill_titles(client, manifest(5, 6, titled=(6,)))
    assert [(i.title, i.body, i.kind) for i in filled.items] == [
        ("Five", "Body five", "k"),
        ("Given", "", "k"),
    ]
    assert filled.items[0].url == "https://github.com/o/r/issues/5"
    assert fake.seen == ["GET /repos/o/r/issues/5"]


def test_fill_titles_reads_recent_issues_a_page_at_a_time(fake, client):
    for n in range(1, 1001):
        fake.add_issue(n, f"T{n}", state="closed" if n % 3 else "open", pull_request=n % 10 == 5)
    filled = fill_titles(client, manifest(*range(850, 1000, 10)))
    assert [i.title for i in filled.items] == [f"T{n}" for n in range(850, 1000, 10)]
    assert client.calls == 2  # 1000..901, 900..801: two pages instead of 15 GETs


def test_fill_titles_gets_old_issues_one_by_one_when_paging_costs_more(fake, client):
    for n in range(1, 1001):
        fake.add_issue(n, f"T{n}")
    filled = fill_titles(client, manifest(3, 998, 5))
    assert [i.title for i in filled.items] == ["T3", "T998", "T5"]
    # The first page finds #998; reaching #3 would take 9 more pages, two GETs are cheaper.
    assert fake.seen == ["GET /repos/o/r/issues", "GET /repos/o/r/issues/3", "GET /repos/o/r/issues/5"]


def test_fill_titles_missing_issue_names_the_manifest_line(fake, client):
    fake.add_issue(5, "Five")
    with pytest.raises(InputError) as caught:
        fill_titles(client, manifest(5, 404))
    assert str(caught.value) == "m.yml:4:5: issue #404 does not exist in o/r"


def test_fill_titles_refuses_pull_requests(fake, client):
    fake.add_issue(5, "A PR", pull_request=True)
    with pytest.raises(InputError, match=r"m.yml:3:5: #5 is a pull request, not an issue"):
        fill_titles(client, manifest(5))


def test_fill_titles_with_nothing_missing_makes_no_request(client):
    assert fill_titles(client, manifest(1, titled=(1,))).items[0].title == "Given"
    assert client.calls == 0


# --- end to end through the CLI ----------------------------------------------------------


def test_cli_plan_from_label(fake, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    luminaguard(fake)
    assert cli.main(["plan", "--github-repo", "o/r", "--label", "wave", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "label:wave"
    assert [[entry["issue"] for entry in wave] for wave in data["waves"]] == [[152, 154], [155]]
    assert {i["issue"]: i["kind"] for i in data["issues"]} == {
        152: "research",
        154: "feature",
        155: "feature",
    }


def test_cli_open_dependency_is_exit_2(fake, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    fake.add_issue(2)
    fake.add_issue(1, labels=["wave"], body="Depends on #2")
    assert cli.main(["plan", "--github-repo", "o/r", "--label", "wave"]) == 2
    assert capsys.readouterr().err == (
        "lumina-wave: error: issue #1 body:1: issue #1 depends on #2, which is open and not labelled "
        "'wave'; add it, close it, or turn on include-dependencies\n"
    )


# --- bounded body references (issue 15) --------------------------------------------------


def three_thousand_refs(fake: ResponsesGitHub) -> None:
    """Issue #1 names #2 … #3001, all closed, in its body's third line."""
    for n in range(2, 3002):
        fake.add_issue(n, state="closed")
    refs = ", ".join(f"#{n}" for n in range(2, 3002))
    fake.add_issue(1, labels=["wave"], body=f"Big\n\nDepends on {refs}\n")


def test_3000_references_in_one_body_are_refused_before_any_lookup(fake, client):
    three_thousand_refs(fake)
    with pytest.raises(InputError) as caught:
        from_label(client, "wave", False)
    assert str(caught.value) == (
        "issue #1 body:3: issue #1's body names 3,000 issues it depends on; at most 50 are read "
        "(input max-references-per-issue)"
    )
    assert client.calls == 1  # the label list only


def test_3000_references_within_raised_caps_are_looked_up_a_page_at_a_time(fake, client):
    three_thousand_refs(fake)
    selection = from_label(client, "wave", False, References(per_issue=3000, per_plan=3000))
    assert selection.done == set(range(2, 3002))
    # the label list, then the newest issues 100 a page: 30 pages instead of 3,000 GETs
    assert client.calls == 1 + 30


def test_the_plan_looks_up_at_most_max_references_outside_issues(fake, client):
    for n in range(1, 6):
        fake.add_issue(
            n, labels=["wave"], body="Depends on " + ", ".join(f"#{100 * n + k}" for k in range(50))
        )
    with pytest.raises(
        InputError, match=r"^the issues' bodies name 250 or more issues outside the selection; "
    ):
        from_label(client, "wave", False)
    assert client.calls == 1
    selection = from_label(client, "wave", False, References(per_plan=250, ignore_missing=True))
    assert len(selection.warnings) == 250  # none of them exists


def test_a_missing_reference_names_the_issue_and_line_and_exits_2(fake, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    fake.add_issue(1, labels=["wave"], body="Intro\n\nDepends on #404\n")
    assert cli.main(["plan", "--github-repo", "o/r", "--label", "wave"]) == 2
    assert capsys.readouterr().err == (
        "lumina-wave: error: issue #1 body:3: issue #1 depends on #404, which does not exist in o/r\n"
    )


def test_ignore_missing_references_warns_and_plans_the_rest(fake, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    fake.add_issue(2, labels=["wave"])
    fake.add_issue(1, labels=["wave"], body="Intro\n\nDepends on #404 and #2\n")
    argv = [
        "plan",
        "--github-repo",
        "o/r",
        "--label",
        "wave",
        "--format",
        "json",
        "--ignore-missing-references",
    ]
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    assert err == (
        "lumina-wave: warning: issue #1 body:3: issue #1 depends on #404, which does not exist in o/r; "
        "ignored (ignore-missing-references)\n"
    )
    assert [[e["issue"] for e in wave] for wave in json.loads(out)["waves"]] == [[2], [1]]
