"""Legs end to end in-process: prepare → a scripted agent (a real shell process) → finish,
on real clones of a local bare ``origin``, with GitHub's pulls API faked by ``responses``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from responses_github import FakeRequest, ResponsesGitHub, serve

from lumina_wave.git import Author
from lumina_wave.github.client import connect
from lumina_wave.github.pulls import Pulls
from lumina_wave.legs import (
    BaseChoice,
    FinishOptions,
    LegError,
    blocked_by,
    blocked_record,
    choose_base,
    fill,
    finish_leg,
    leg_status,
    pr_body,
    pr_title,
    prepare_leg,
)
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import Plan, build_plan
from lumina_wave.results import new_record
from lumina_wave.schemas import validate

# The agent: writes a file named after the issue from its context, then exits with $AGENT_EXIT.
AGENT = """set -eu
mkdir -p src .lumina-wave
{ echo "title: $WAVE_ISSUE_TITLE"; cat "$WAVE_ISSUE_BODY_FILE"; } > "src/issue-$WAVE_ISSUE_NUMBER.txt"
echo "${AGENT_EXTRA:-}" >> "src/issue-$WAVE_ISSUE_NUMBER.txt"
echo scratch > .lumina-wave/agent-scratch.txt
exit "${AGENT_EXIT:-0}"
"""
IDLE_AGENT = "exit 0"


def make_plan(deps: dict[int, list[int]], titles: dict[int, str] | None = None) -> Plan:
    titles = titles or {}
    items = [Item(n, titles.get(n, f"Issue {n}"), body=f"Body of {n}\n$(rm -rf /) `x`") for n in deps]
    edges = [Edge(n, d) for n, ds in deps.items() for d in ds]
    return build_plan(Selection("manifest", items, edges, base="main"))


class FakePulls:
    """GitHub's pulls endpoints for ``o/r``, with the PRs they hold."""

    def __init__(self, fake: ResponsesGitHub) -> None:
        self.fake = fake
        self.prs: dict[int, dict] = {}
        self.labels: dict[int, list[str]] = {}
        self.next_number = 100
        self.refuse: tuple[int, str] | None = None
        self.fail_after_create: int | None = None
        repo = r"/repos/o/r"
        fake.route("GET", repo + r"/pulls", self._list)
        fake.route("POST", repo + r"/pulls", self._create)
        fake.route("PATCH", repo + r"/pulls/(?P<n>\d+)", self._update)
        fake.route("POST", repo + r"/issues/(?P<n>\d+)/labels", self._label)

    def calls(self, verb: str = "") -> list[str]:
        return [c for c in self.fake.seen if "/pulls" in c or "/labels" in c if c.startswith(verb)]

    def _list(self, req: FakeRequest):
        head = req.query.get("head", "")
        found = [
            pr for pr in self.prs.values() if pr["state"] == req.query.get("state") and pr["_head"] == head
        ]
        return 200, {}, found

    def _create(self, req: FakeRequest):
        if self.refuse:
            status, message = self.refuse
            return status, {}, {"message": message}
        body = req.body
        number = self.next_number
        self.next_number += 1
        self.prs[number] = {
            "number": number,
            "html_url": f"https://github.com/o/r/pull/{number}",
            "state": "open",
            "title": body["title"],
            "body": body["body"],
            "base": body["base"],
            "draft": body["draft"],
            "head": body["head"],
            "_head": f"o:{body['head']}",
        }
        if self.fail_after_create:
            status, self.fail_after_create = self.fail_after_create, None
            return status, {}, {"message": "Server Error"}
        return 201, {}, self.prs[number]

    def _update(self, req: FakeRequest):
        pr = self.prs[int(req.match["n"])]
        pr.update(title=req.body["title"], body=req.body["body"], base=req.body["base"])
        return 200, {}, pr

    def _label(self, req: FakeRequest):
        self.labels.setdefault(int(req.match["n"]), []).extend(req.body["labels"])
        return 200, {}, [{"name": n} for n in req.body["labels"]]


@pytest.fixture
def github():
    with serve(ResponsesGitHub("o/r")) as fake:
        yield FakePulls(fake)


@pytest.fixture
def pulls(github) -> Pulls:
    return Pulls(connect("o/r", "t0ken", wait=github.fake.waits.append))


def run_leg(
    workdir: Path,
    plan: Plan,
    issue: int,
    results: dict[int, dict],
    *,
    context: Path,
    pulls: Pulls | None,
    agent: str = AGENT,
    agent_env: dict[str, str] | None = None,
    stack: bool = False,
    options: FinishOptions | None = None,
) -> dict:
    """One leg as the workflow runs it; the record is also added to ``results``."""
    prepared = prepare_leg(
        workdir, plan, issue, results, stack=stack, default_base="main", context_dir=context
    )
    if prepared.skip:
        record = prepared.record
    else:
        env = {**os.environ, **prepared.env, **(agent_env or {})}
        code = subprocess.run(["bash", "-c", agent], cwd=workdir, env=env, timeout=60).returncode
        record = finish_leg(
            workdir,
            plan,
            issue,
            agent_outcome="success" if code == 0 else "failure",
            started_at=prepared.started_at,
            base=prepared.base,
            pulls=pulls,
            options=options or FinishOptions(default_base="main"),
        )
    validate(record, "result", f"result-{issue}")
    results[issue] = record
    return record


@pytest.fixture
def leg(make_clone: Callable[[str], Path], tmp_path: Path, pulls: Pulls):
    """``leg(plan, issue, results, **kw)``: one leg on a fresh clone (a new runner), returns (record, clone)."""
    count = iter(range(1000))

    def go(plan: Plan, issue: int, results: dict[int, dict], **kw) -> tuple[dict, Path]:
        workdir = make_clone(f"runner-{issue}-{next(count)}")
        kw.setdefault("pulls", pulls)
        return run_leg(workdir, plan, issue, results, context=tmp_path / "context", **kw), workdir

    return go


def remote_branches(sh, origin: Path) -> set[str]:
    return set(sh(origin, "for-each-ref", "--format=%(refname:short)", "refs/heads").split())


# --- the acceptance list ------------------------------------------------------------------------


def test_success_commits_pushes_and_opens_one_pr(leg, github, origin, sh):
    plan = make_plan({152: []}, {152: "Cross-Platform <VM> Research @octocat"})
    record, _ = leg(plan, 152, {})
    assert record["status"] == "success" and record["agent_outcome"] == "success"
    assert record["error"] is None and record["base"] == "main" and record["wave"] == 1
    assert sh(origin, "rev-parse", "feature/issue-152").strip() == record["commit"]
    files = sh(origin, "show", "--name-only", "--format=%an|%s", "feature/issue-152").split("\n")
    assert files[0] == "github-actions[bot]|Cross-Platform <VM> Research @octocat (#152)"
    assert [f for f in files[1:] if f] == ["src/issue-152.txt"]  # not .lumina-wave/
    text = sh(origin, "show", "feature/issue-152:src/issue-152.txt")
    assert text.startswith("title: Cross-Platform <VM> Research @octocat\nBody of 152\n$(rm -rf /) `x`")
    assert github.calls() == ["GET /repos/o/r/pulls", "POST /repos/o/r/pulls"]
    pr = github.prs[record["pr_number"]]
    assert record["pr_url"] == pr["html_url"]
    assert (pr["head"], pr["base"], pr["draft"]) == ("feature/issue-152", "main", False)
    assert pr["title"] == "Cross-Platform <VM> Research @octocat (#152)"
    assert "Closes #152\n" in pr["body"]
    assert "<!-- lumina-wave:leg issue=152 plan=" + plan.plan_id + " -->" in pr["body"]
    assert "Cross-Platform &lt;VM&gt; Research `@octocat`" in pr["body"]  # escaped in markdown


def test_no_changes_pushes_nothing_and_opens_no_pr(leg, github, origin, sh):
    record, _ = leg(make_plan({7: []}), 7, {}, agent=IDLE_AGENT)
    assert record["status"] == "no-changes" and record["commit"] is None and record["pr_number"] is None
    assert remote_branches(sh, origin) == {"main"}
    assert github.calls() == []


def test_agent_failure_pushes_the_branch_for_inspection_without_a_pr(leg, github, origin, sh):
    record, _ = leg(make_plan({8: []}), 8, {}, agent_env={"AGENT_EXIT": "3"})
    assert record["status"] == "failed" and record["agent_outcome"] == "failure"
    assert record["error"] == "the agent step ended with failure"
    assert sh(origin, "rev-parse", "feature/issue-8").strip() == record["commit"]
    assert record["pr_number"] is None and github.calls() == []


def test_agent_failure_opens_a_pr_with_pr_on_failure(leg, github):
    options = FinishOptions(default_base="main", pr_on_failure=True, draft=True, labels=("wave", "agent"))
    record, _ = leg(make_plan({9: []}), 9, {}, agent_env={"AGENT_EXIT": "1"}, options=options)
    assert record["status"] == "failed" and record["pr_number"] == 100
    assert github.prs[100]["draft"] is True
    assert github.labels == {100: ["wave", "agent"]}


def test_a_failure_blocks_its_dependent_while_an_independent_issue_succeeds(leg, github, origin, sh):
    plan = make_plan({152: [], 154: [], 155: [154]})
    results: dict[int, dict] = {}
    leg(plan, 152, results)
    leg(plan, 154, results, agent_env={"AGENT_EXIT": "1"})
    record, workdir = leg(plan, 155, results)
    assert [results[n]["status"] for n in (152, 154, 155)] == ["success", "failed", "blocked"]
    assert record["blocked_by"] == [154] and record["agent_outcome"] == "skipped"
    assert record["error"] == "blocked by a dependency that is not done: #154 failed"
    assert "feature/issue-155" not in remote_branches(sh, origin)
    assert sh(workdir, "branch", "--show-current").strip() == "main"  # no git work for a blocked leg
    assert github.calls("POST") == ["POST /repos/o/r/pulls"]


def test_stack_on_a_chain_starts_from_the_dependency_branch_and_targets_it(leg, github, sh):
    plan = make_plan({154: [], 155: [154]})
    results: dict[int, dict] = {}
    first, _ = leg(plan, 154, results, stack=True)
    record, workdir = leg(plan, 155, results, stack=True)
    assert record["status"] == "success" and record["base"] == "feature/issue-154"
    assert sh(workdir, "merge-base", "--is-ancestor", first["commit"], record["commit"], check=False) == ""
    pr = github.prs[record["pr_number"]]
    assert pr["base"] == "feature/issue-154"
    assert "based on `feature/issue-154`, not `main`: merge that branch first" in pr["body"]
    # Without stack the same leg starts from main.
    plain, workdir = leg(plan, 155, results)
    assert plain["base"] == "main"
    assert not (workdir / "src" / "issue-154.txt").exists()


def test_stack_falls_back_to_the_base_when_the_dependency_is_merged(leg, origin, sh, make_clone):
    plan = make_plan({154: [], 155: [154]})
    results: dict[int, dict] = {}
    leg(plan, 154, results, stack=True)
    merger = make_clone("merger")
    sh(merger, "merge", "-q", "--ff-only", "origin/feature/issue-154")
    sh(merger, "push", "-q", "origin", "main")
    record, _ = leg(plan, 155, results, stack=True)
    assert record["base"] == "main"


def test_stack_on_a_diamond_merges_both_dependency_branches(leg, github, sh):
    plan = make_plan({1: [], 2: [1], 3: [1], 4: [2, 3]})
    results: dict[int, dict] = {}
    for n in (1, 2, 3):
        leg(plan, n, results, stack=True)
    record, workdir = leg(plan, 4, results, stack=True)
    assert record["status"] == "success" and record["base"] == "main"
    for n in (1, 2, 3, 4):
        assert (workdir / "src" / f"issue-{n}.txt").exists()
    assert (
        sh(workdir, "log", "--merges", "--format=%s").strip() == "Merge feature/issue-3 into feature/issue-4"
    )
    assert github.prs[record["pr_number"]]["base"] == "main"


def test_stack_on_a_diamond_with_a_conflict_fails_naming_the_file(leg, make_clone, tmp_path, sh):
    plan = make_plan({1: [], 2: [1], 3: [1], 4: [2, 3]})
    results: dict[int, dict] = {}
    leg(plan, 1, results, stack=True)
    clash = 'echo "$WAVE_ISSUE_NUMBER" > shared.txt'
    leg(plan, 2, results, stack=True, agent=clash)
    leg(plan, 3, results, stack=True, agent=clash)
    workdir = make_clone("conflict")
    with pytest.raises(
        LegError, match=r"^merging feature/issue-3 into feature/issue-4 conflicts in shared.txt$"
    ):
        prepare_leg(workdir, plan, 4, results, stack=True, default_base="main", context_dir=tmp_path / "c")
    assert sh(workdir, "status", "--porcelain").strip() == ""


def test_stack_merges_are_made_as_the_author(leg, make_clone, tmp_path, sh):
    plan = make_plan({1: [], 2: [1], 3: [1], 4: [2, 3]})
    results: dict[int, dict] = {}
    for n in (1, 2, 3):
        leg(plan, n, results, stack=True, pulls=None)
    workdir = make_clone("author")
    author = Author("Ada Lovelace", "ada@example.com")
    prepare_leg(
        workdir, plan, 4, results, stack=True, default_base="main", context_dir=tmp_path / "c", author=author
    )
    assert sh(workdir, "log", "--merges", "--format=%an <%ae>|%cn <%ce>").strip() == (
        "Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>"
    )


def test_a_rerun_resets_the_branch_and_updates_the_same_pr(leg, github, origin, sh):
    plan = make_plan({152: []})
    first, _ = leg(plan, 152, {})
    second, _ = leg(plan, 152, {}, agent_env={"AGENT_EXTRA": "second run"})
    assert second["status"] == "success" and second["pr_number"] == first["pr_number"]
    assert second["commit"] != first["commit"]
    assert sh(origin, "rev-parse", "feature/issue-152").strip() == second["commit"]
    # Reset from main, not stacked on the first run's commit.
    assert sh(origin, "rev-list", "--count", "main..feature/issue-152").strip() == "1"
    assert len(github.prs) == 1
    assert github.calls() == [
        "GET /repos/o/r/pulls",
        "POST /repos/o/r/pulls",
        "GET /repos/o/r/pulls",
        "PATCH /repos/o/r/pulls/100",
    ]


def test_a_create_that_failed_with_502_but_happened_is_found_not_repeated(leg, github):
    github.fail_after_create = 502
    record, _ = leg(make_plan({5: []}), 5, {})
    assert record["status"] == "success" and record["pr_number"] == 100
    assert len(github.prs) == 1
    assert github.calls("POST") == ["POST /repos/o/r/pulls"]


def test_actions_not_permitted_to_create_prs_names_the_setting(leg, github, origin, sh):
    github.refuse = (403, "GitHub Actions is not permitted to create or approve pull requests.")
    record, _ = leg(make_plan({6: []}), 6, {})
    assert record["status"] == "failed" and record["pr_number"] is None
    assert "Allow GitHub Actions to create and approve pull requests" in record["error"]
    assert sh(origin, "rev-parse", "feature/issue-6").strip() == record["commit"]  # pushed before the PR


def test_without_pulls_the_record_says_no_pr_was_opened(leg, github):
    record, _ = leg(make_plan({3: []}), 3, {}, pulls=None)
    assert record["status"] == "success" and record["pr_number"] is None
    assert record["error"] == "no PR opened (no GitHub token)"
    assert github.calls() == []


def test_finish_without_prepare_records_a_failure(clone):
    plan = make_plan({3: []})
    record = finish_leg(clone, plan, 3, agent_outcome="success", started_at="", base="main")
    assert record["status"] == "failed"
    assert record["error"] == "the work tree is on main, not feature/issue-3: was prepare run?"
    skipped = finish_leg(clone, plan, 3, agent_outcome="skipped", started_at="", base="main")
    assert skipped["error"] == "the agent did not run: an earlier step of the leg failed"


def test_local_mode_in_a_worktree_without_fetch_or_push(clone, sh, tmp_path):
    """What ``lumina-wave local`` does: a detached worktree, local branches only, no remote writes."""
    plan = make_plan({1: [], 2: [1]})
    results: dict[int, dict] = {}
    for n in (1, 2):
        tree = tmp_path / f"wt-{n}"
        sh(clone, "worktree", "add", "-q", "--detach", str(tree), "main")
        prepared = prepare_leg(
            tree, plan, n, results, stack=True, default_base="main", context_dir=tmp_path / "ctx", fetch=False
        )
        subprocess.run(["bash", "-c", AGENT], cwd=tree, env={**os.environ, **prepared.env}, check=True)
        results[n] = finish_leg(
            tree,
            plan,
            n,
            agent_outcome="success",
            started_at=prepared.started_at,
            base=prepared.base,
            push=False,
        )
    assert results[2]["status"] == "success" and results[2]["base"] == "feature/issue-1"
    assert results[2]["error"] == "not pushed (push is off)"
    assert sh(clone, "rev-parse", "feature/issue-2").strip() == results[2]["commit"]
    assert sh(clone, "ls-remote", "--heads", "origin").count("refs/heads/") == 1


# --- the pure decisions ---------------------------------------------------------------------------


def record(issue: int, status: str, commit: str | None = "a" * 40) -> dict:
    return new_record("p", issue, status, f"feature/issue-{issue}", commit=commit)


def test_blocked_by_counts_missing_and_not_done_dependencies():
    plan = make_plan({1: [], 2: [], 3: [], 4: [1, 2, 3]})
    assert blocked_by(
        plan, 4, {1: record(1, "success"), 2: record(2, "no-changes"), 3: record(3, "failed")}
    ) == [3]
    assert blocked_by(plan, 4, {1: record(1, "success")}) == [2, 3]
    assert blocked_by(plan, 1, {}) == []


def test_blocked_record_names_the_blockers_and_their_status():
    plan = make_plan({1: [], 2: [], 3: [1, 2]})
    got = blocked_record(plan, 3, {1: record(1, "failed")}, [1, 2], "2024-01-01T00:00:00Z")
    validate(got, "result", "result-3")
    assert got["status"] == "blocked" and got["blocked_by"] == [1, 2]
    assert got["agent_outcome"] == "skipped" and got["started_at"] == "2024-01-01T00:00:00Z"
    assert got["error"] == "blocked by a dependency that is not done: #1 failed, #2 has no result"
    assert got["wave"] == plan.wave_of[3] and got["branch"] == "feature/issue-3"


def test_choose_base():
    plan = make_plan({1: [], 2: [], 3: [1, 2]})
    done = {1: record(1, "success"), 2: record(2, "success")}
    assert choose_base(plan, 3, done, stack=False, default_base="main") == BaseChoice("main", ("main",))
    assert choose_base(plan, 3, done, stack=True, default_base="main") == BaseChoice(
        "main", ("feature/issue-1", "feature/issue-2"), (1, 2)
    )
    one = choose_base(plan, 3, done, stack=True, default_base="main", unavailable=frozenset({2}))
    assert one == BaseChoice("feature/issue-1", ("feature/issue-1",), (1,))
    no_branch = {1: record(1, "no-changes", None), 2: record(2, "success", None)}
    assert choose_base(plan, 3, no_branch, stack=True, default_base="dev") == BaseChoice("dev", ("dev",))


def test_text_filled_in_is_not_filled_again():
    plan = make_plan({1: []}, {1: "Document the {base} placeholder"})
    body = pr_body(plan, 1, base="main", default_base="main", template="{title} ({issue}) on {base}")
    assert body.startswith("Document the {base} placeholder (1) on main\n")
    assert pr_title(plan, 1, "{title} [{issue}]") == "Document the {base} placeholder [1]"


def test_status_templates_and_pr_text():
    assert [leg_status(o, c) for o, c in [("success", True), ("success", False), ("failure", True)]] == [
        "success",
        "no-changes",
        "failed",
    ]
    assert leg_status("cancelled", False) == "cancelled"
    # One pass: a title that names a placeholder keeps it (it is not filled again).
    assert fill("{title} {x} {issue}", title="{issue}", issue=3) == "{issue} {x} 3"
    plan = make_plan({1: [], 2: [1]}, {2: "a | b [link](http://x) " + "long " * 80})
    title = pr_title(plan, 2)
    assert len(title) <= 256 and title.endswith("… (#2)")  # cut before it is defused, the number kept
    long_refs = make_plan({1: []}, {1: "see o/r#2 " * 100})
    assert pr_title(long_refs, 1).count("`") % 2 == 0  # no code span cut open
    assert pr_title(long_refs, 1, "x" * 300) == "x" * 255 + "…"  # a template too long by itself
    body = pr_body(plan, 2, base="main", default_base="main", template="Fixes {title} on {base}")
    assert body.startswith("Fixes a \\| b \\[link\\](`http://x`)")
    assert "Depends on #1." in body and "merge that branch first" not in body
    assert body.rstrip().endswith(f"<!-- lumina-wave:leg issue=2 plan={plan.plan_id} -->")
