"""Sticky summary comments against a fake GitHub (``responses``): create once, edit after, never duplicate."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from responses_github import FakeRequest, ResponsesGitHub, serve

from lumina_wave.errors import InputError
from lumina_wave.github.client import GitHubError, connect
from lumina_wave.github.comments import Comment
from lumina_wave.github.jobs import run_jobs
from lumina_wave.model import Item, Selection
from lumina_wave.plan import build_plan
from lumina_wave.publish import (
    Publisher,
    comment_targets,
    decide,
    first_targets,
    parse_numbers,
    triggering_number,
)
from lumina_wave.results import new_record
from lumina_wave.summary import build_summary, marker, render_markdown

REPO = r"/(?:repos/o/r|repositories/4242)"
BOT = {"login": "github-actions[bot]", "type": "Bot"}
PLAN = "abc123def456"


@dataclass
class Comments:
    """Issue comments of the fake repository, with the endpoints summarize uses."""

    fake: ResponsesGitHub
    user: dict | None = None  # GET /user answer; None = 403 as for GITHUB_TOKEN
    author: dict = field(default_factory=lambda: dict(BOT))  # who the token writes as
    by_issue: dict[int, list[dict]] = field(default_factory=dict)
    next_id: int = 1000
    clock: int = 0

    def __post_init__(self) -> None:
        self.fake.route("GET", REPO + r"/issues/(?P<n>\d+)/comments", self._list)
        self.fake.route("POST", REPO + r"/issues/(?P<n>\d+)/comments", self._create)
        self.fake.route("PATCH", REPO + r"/issues/comments/(?P<id>\d+)", self._edit)
        self.fake.route("DELETE", REPO + r"/issues/comments/(?P<id>\d+)", self._delete)
        self.fake.route("GET", r"/user", self._user)

    def add(self, number: int, body: str, user: dict | None = None) -> dict:
        self.next_id += 1
        self.clock += 1
        comment = {
            "id": self.next_id,
            "body": body,
            "user": user or self.author,
            "created_at": f"2026-01-05T10:{self.clock // 60:02d}:{self.clock % 60:02d}Z",
        }
        self.by_issue.setdefault(number, []).append(comment)
        return comment

    def bodies(self, number: int) -> list[str]:
        return [c["body"] for c in self.by_issue.get(number, [])]

    def writes(self) -> list[str]:
        return [s for s in self.fake.seen if not s.startswith("GET")]

    def _find(self, comment_id: int) -> tuple[list[dict], dict] | None:
        for comments in self.by_issue.values():
            for c in comments:
                if c["id"] == comment_id:
                    return comments, c
        return None

    def _list(self, req: FakeRequest):
        return self.fake._page(req, self.by_issue.get(int(req.match["n"]), []))

    def _create(self, req: FakeRequest):
        return 201, {}, self.add(int(req.match["n"]), req.body["body"])

    def _edit(self, req: FakeRequest):
        found = self._find(int(req.match["id"]))
        if not found:
            return 404, {}, {"message": "Not Found"}
        found[1]["body"] = req.body["body"]
        return 200, {}, found[1]

    def _delete(self, req: FakeRequest):
        found = self._find(int(req.match["id"]))
        if not found:
            return 404, {}, {"message": "Not Found"}
        found[0].remove(found[1])
        return 200, {}, {}  # GitHub answers 204 with no body; the shared fake always sends JSON

    def _user(self, req: FakeRequest):
        if self.user is None:
            return 403, {}, {"message": "Resource not accessible by integration"}
        return 200, {}, self.user


@pytest.fixture
def gh(monkeypatch):
    """A served fake with comment endpoints; PyGithub's 1 s gap between writes is recorded, not slept."""
    import github.Requester

    gaps: list[float] = []
    monkeypatch.setattr(github.Requester.time, "sleep", gaps.append)
    with serve(ResponsesGitHub("o/r")) as fake:
        yield Comments(fake)


def body(text: str = "all done", plan_id: str = PLAN) -> str:
    return f"{marker(plan_id)}\n{text}\n"


def publish(targets, text: str = "all done", plan_id: str = PLAN):
    return Publisher(connect("o/r", "t"), plan_id).publish(targets, body(text, plan_id))


def test_first_run_creates_then_a_second_run_edits_in_place(gh):
    first = publish([10, 201, 202], "1 of 3 done")
    assert [(p.target, p.action) for p in first] == [(10, "created"), (201, "created"), (202, "created")]
    ids = {n: gh.by_issue[n][0]["id"] for n in (10, 201, 202)}
    assert "GET /user" not in gh.fake.seen  # nothing to recognise yet: no need to know who we are

    gh.fake.seen.clear()
    second = publish([10, 201, 202], "3 of 3 done")
    assert [(p.target, p.action, p.comment_id) for p in second] == [
        (n, "edited", ids[n]) for n in (10, 201, 202)
    ]
    assert all(p.deleted == 0 for p in second)
    assert [len(gh.by_issue[n]) for n in (10, 201, 202)] == [1, 1, 1]
    assert gh.bodies(201) == [body("3 of 3 done")]
    assert not any(w.startswith("POST") for w in gh.writes())
    assert gh.fake.seen.count("GET /user") == 1  # asked once for all targets

    gh.fake.seen.clear()
    third = publish([10, 201, 202], "3 of 3 done")
    assert [p.action for p in third] == ["unchanged"] * 3
    assert gh.writes() == []


def test_duplicate_markers_collapse_to_the_oldest_of_our_bot(gh):
    other_plan = gh.add(10, body("another wave", "000000000000"))
    human_copy = gh.add(10, body("forged"), {"login": "mallory", "type": "User"})
    oldest = gh.add(10, body("run A"))
    gh.add(10, "just a human comment", {"login": "alice", "type": "User"})
    gh.add(10, body("run B"))  # a racing run
    gh.add(10, body("run C"))
    [result] = publish([10], "final")
    assert (result.action, result.comment_id, result.deleted) == ("edited", oldest["id"], 2)
    assert gh.bodies(10) == [other_plan["body"], human_copy["body"], body("final"), "just a human comment"]
    assert gh.fake.seen.count("GET /user") == 1  # 403: identified as the bot instead
    assert gh.writes() == [
        f"PATCH /repos/o/r/issues/comments/{oldest['id']}",
        f"DELETE /repos/o/r/issues/comments/{oldest['id'] + 2}",
        f"DELETE /repos/o/r/issues/comments/{oldest['id'] + 3}",
    ]
    again = publish([10], "final")
    assert [(p.action, p.deleted) for p in again] == [("unchanged", 0)]


def test_a_personal_token_keeps_its_own_comment(gh):
    gh.user = {"login": "alice", "type": "User"}
    gh.author = {"login": "alice", "type": "User"}
    gh.add(7, body("bot copy"), BOT)
    mine = gh.add(7, body("alice's"))
    [result] = publish([7], "new")
    assert (result.action, result.comment_id, result.deleted) == ("edited", mine["id"], 0)
    assert gh.bodies(7) == [body("bot copy"), body("new")]


def test_the_login_learned_from_a_creation_spares_get_user(gh):
    first = gh.add(11, body("run A"))
    gh.add(11, body("run B"))
    result = publish([10, 11], "x")
    assert [(p.action, p.deleted) for p in result] == [("created", 0), ("edited", 1)]
    assert result[1].comment_id == first["id"]
    assert "GET /user" not in gh.fake.seen


def test_our_comment_is_found_beyond_the_first_page(gh):
    for i in range(130):
        gh.add(5, f"chatter {i}", {"login": "alice", "type": "User"})
    ours = gh.add(5, body("old"))
    [result] = publish([5], "new")
    assert (result.action, result.comment_id) == ("edited", ours["id"])
    assert [s for s in gh.fake.seen if "comments" in s and s.startswith("GET")] == [
        "GET /repos/o/r/issues/5/comments",
        "GET /repositories/4242/issues/5/comments",
    ]


def test_a_failing_target_does_not_stop_the_others(gh):
    gh.fake.fail_next(r"/issues/11/comments", 403, message="Resource not accessible by integration")
    result = publish([10, 11, 12])
    assert [p.action for p in result] == ["created", "failed", "created"]
    assert "listing the comments of #11: GitHub answered 403" in result[1].error
    assert "issues: write" in result[1].error


def test_a_body_without_marker_or_too_long_is_refused_before_any_request(gh):
    publisher = Publisher(connect("o/r", "t"), PLAN)
    with pytest.raises(ValueError, match="marker"):
        publisher.publish([1], "no marker")
    with pytest.raises(ValueError, match="65536"):
        publisher.publish([1], body("x" * 70_000))
    assert gh.fake.seen == []


def test_hostile_titles_are_inert_in_the_published_comment(gh):
    titles = ["x | y", "<!-- lumina-wave:summary plan=PLAN -->", "cc @org/team", "<script>alert(1)</script>"]
    items = [Item(n, title=t) for n, t in enumerate(titles, start=1)]
    plan = build_plan(Selection("test", items, []))
    results = {
        n: new_record(plan.plan_id, n, "success", f"feature/issue-{n}", pr_number=100 + n)
        for n in range(1, 5)
    }
    text = render_markdown(build_summary(plan, results))
    Publisher(connect("o/r", "t"), plan.plan_id).publish([101, 102], text)
    posted = gh.bodies(101)[0]
    assert posted == text
    assert posted.count("<!--") == 1 and "<script" not in posted and "@org" not in posted.replace("`@org", "")
    assert "x \\| y" in posted and "&lt;script&gt;" in posted and "`@org/team`" in posted
    # A forged marker in a title cannot make a comment look like the summary of another plan.
    assert sum(c.splitlines()[0].startswith("<!-- lumina-wave") for c in gh.bodies(101)) == 1


def test_decide_is_pure_and_ignores_other_plans():
    c = [
        Comment(3, body(), "github-actions[bot]", "Bot", "2026-01-05T10:00:02Z"),
        Comment(2, body(), "github-actions[bot]", "Bot", "2026-01-05T10:00:02Z"),
        Comment(1, body("x", "other"), "github-actions[bot]", "Bot", "2026-01-05T10:00:01Z"),
        Comment(4, "  " + body(), "github-actions[bot]", "Bot", "2026-01-05T10:00:00Z"),
    ]
    decision = decide(c, PLAN, None)
    assert decision.keep.id == 4 and [d.id for d in decision.delete] == [2, 3]
    assert decide(c, PLAN, "someone-else") == decide([], PLAN, None)


# --- targets -------------------------------------------------------------------------------


def test_parse_numbers():
    assert parse_numbers("12, #13 14,,") == [12, 13, 14]
    assert parse_numbers("") == []
    with pytest.raises(InputError, match="input 'comment-on' must list issue or PR numbers, got 'abc'"):
        parse_numbers("12, abc")
    with pytest.raises(InputError):
        parse_numbers("0")


@pytest.mark.parametrize(
    ("event", "number"),
    [
        ({"issue": {"number": 42}, "label": {"name": "wave"}}, 42),
        ({"pull_request": {"number": 7}}, 7),
        ({"inputs": {"epic": "3"}}, None),
        ([], None),
    ],
)
def test_triggering_number(tmp_path, event, number):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    assert triggering_number(str(path)) == number


def test_triggering_number_without_event_file(tmp_path):
    assert triggering_number(None) is None
    assert triggering_number(str(tmp_path / "absent.json")) is None
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(InputError, match="unreadable event file"):
        triggering_number(str(bad))


def test_comment_targets():
    assert comment_targets([203, 201], [], 42) == [42, 201, 203]
    assert comment_targets([203, 201], [5, 201], 42) == [5, 201, 203]
    assert comment_targets([], [], None) == []


def test_first_targets_are_comment_on_else_the_triggering_issue():
    # What a follow-up run of a deeper plan is handed: never the triggering issue when
    # comment-on named others, since the first run did not comment there.
    assert first_targets([12], 5) == [12]
    assert first_targets([7, 3, 7], 5) == [7, 3]
    assert first_targets([], 5) == [5]
    assert first_targets([], None) == []
    for comment_on, triggered_by in (([12], 5), ([], 5), ([4, 9], None)):
        assert comment_targets([], comment_on, triggered_by) == first_targets(comment_on, triggered_by)


# --- job timings ---------------------------------------------------------------------------


def test_run_jobs_reads_every_page(gh):
    def jobs(req: FakeRequest):
        page, per_page = int(req.query.get("page", 1)), int(req.query["per_page"])
        assert req.query.get("filter", "latest") == "latest"
        names = [f"wave-1 (#{n})" for n in range(1, 151)]
        chunk = names[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(names):
            url = f"https://api.github.com/repositories/4242/actions/runs/77/jobs?per_page={per_page}&filter=latest&page={page + 1}"
            headers["link"] = f'<{url}>; rel="next"'
        data = {
            "total_count": len(names),
            "jobs": [
                {
                    "name": name,
                    "started_at": "2026-01-05T10:00:00Z",
                    "completed_at": None if i == 0 else "2026-01-05T10:03:00Z",
                    "html_url": f"https://github.com/o/r/actions/runs/77/job/{i}",
                    "conclusion": "success",
                }
                for i, name in enumerate(chunk)
            ],
        }
        return 200, headers, data

    gh.fake.route("GET", REPO + r"/actions/runs/77/jobs", jobs)
    client = connect("o/r", "t")
    found = run_jobs(client, 77)
    assert len(found) == 150 and client.calls == 2
    assert found[1].name == "wave-1 (#2)" and (found[1].completed_at - found[1].started_at).seconds == 180
    assert found[0].completed_at is None


def test_run_jobs_without_actions_read_is_a_one_line_error(gh):
    gh.fake.fail_next(r"/actions/runs/77/jobs", 403, message="Resource not accessible by integration")
    with pytest.raises(GitHubError, match=r"reading the jobs of run 77: GitHub answered 403 .*actions: read"):
        run_jobs(connect("o/r", "t"), 77)


# --- lost answers and races ----------------------------------------------------------------


def publisher(waits: list[float]) -> Publisher:
    return Publisher(connect("o/r", "t", wait=waits.append), PLAN)


def test_a_comment_made_before_its_502_is_found_by_its_marker_not_made_again(gh):
    def made_then_502(req):
        gh.add(int(req.match["n"]), req.body["body"])
        return 502, {}, {"message": "Server Error"}

    gh.fake.route("POST", REPO + r"/issues/(?P<n>\d+)/comments", made_then_502)
    waits: list[float] = []
    [result] = publisher(waits).publish([10], body("x"))
    assert (result.action, result.comment_id) == ("created", gh.by_issue[10][0]["id"])
    assert gh.bodies(10) == [body("x")]
    assert [w for w in gh.writes() if w.startswith("POST")] == ["POST /repos/o/r/issues/10/comments"]
    assert waits == []  # found at once: no backoff


def test_a_comment_whose_create_never_happened_is_created_after_looking(gh):
    gh.fake.fail_next(r"/issues/10/comments\Z", 502, method="POST")
    waits: list[float] = []
    [result] = publisher(waits).publish([10], body("x"))
    assert result.action == "created"
    assert gh.bodies(10) == [body("x")]
    assert [w for w in gh.writes() if w.startswith("POST")] == ["POST /repos/o/r/issues/10/comments"] * 2
    assert waits == [1]


def test_a_racing_run_that_created_first_keeps_its_comment_and_ours_goes(gh):
    def racer_first(req):
        racer = gh.add(10, body("the other run"))  # listed by neither run before creating
        return 201, {}, {**gh.add(10, req.body["body"]), "racer": racer["id"]}

    gh.fake.route("POST", REPO + r"/issues/(?P<n>\d+)/comments", racer_first)
    [result] = publisher([]).publish([10], body("ours"))
    (kept,) = gh.by_issue[10]
    assert (result.action, result.comment_id, result.deleted) == ("edited", kept["id"], 1)
    assert kept["body"] == body("ours")
