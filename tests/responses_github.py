"""A small stateful fake of GitHub's issue endpoints in the test's own process, through ``responses``
callbacks (the fake server on 127.0.0.1 that the end-to-end tests use is :mod:`fakegithub`).

Usage::

    with serve(ResponsesGitHub("o/r")) as fake:
        fake.add_issue(1, "First", labels=["wave"])
        client = connect("o/r", "token", wait=fake.waits.append)

Pages follow GitHub's shape: ``per_page`` (30 by default, 100 at most), ``page``, and a
``Link`` header whose URLs use ``/repositories/{id}/…`` as github.com's do. ``fail_next``
queues error responses (5xx, secondary rate limits) ahead of the real answer. Other tests
can add endpoints with :meth:`ResponsesGitHub.route`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import responses

Handler = Callable[["FakeRequest"], tuple[int, dict[str, str], object]]


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    match: re.Match[str]
    body: object = None


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    message: str


@dataclass
class ResponsesGitHub:
    """Issues of one repository (plus issues of other repositories that block them)."""

    repo: str = "o/r"
    api_url: str = "https://api.github.com"
    repo_id: int = 4242
    issues: dict[int, dict] = field(default_factory=dict)
    blocked_by: dict[int, list[dict]] = field(default_factory=dict)
    sub_issues: dict[int, list[int]] = field(default_factory=dict)
    waits: list[float] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    _routes: list[tuple[str, re.Pattern[str], Handler]] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)

    # --- state -------------------------------------------------------------------------

    def add_issue(
        self,
        number: int,
        title: str = "",
        body: str | None = "",
        labels: Iterable[str] = (),
        state: str = "open",
        pull_request: bool = False,
        blocked_by: Iterable[int | dict] = (),
    ) -> dict:
        """Add (or replace) issue ``number``; ``blocked_by`` names issues of this repo or ``foreign()`` dicts."""
        issue = self.issue_json(self.repo, number, title or f"Issue {number}", body, labels, state)
        if pull_request:
            issue["pull_request"] = {"url": f"{self._repo_api(self.repo)}/pulls/{number}"}
        self.issues[number] = issue
        for blocker in blocked_by:
            self.block(number, blocker)
        return issue

    def foreign(self, repo: str, number: int, state: str = "open") -> dict:
        """An issue of another repository, to use in ``blocked_by``."""
        return self.issue_json(repo, number, f"{repo} issue {number}", "", (), state)

    def block(self, number: int, blocker: int | dict) -> None:
        """Record that ``blocker`` blocks issue ``number``."""
        self.blocked_by.setdefault(number, []).append(
            blocker if isinstance(blocker, dict) else {"number": blocker}
        )

    def add_sub_issues(self, parent: int, numbers: Iterable[int]) -> None:
        self.sub_issues.setdefault(parent, []).extend(numbers)

    def issue_json(
        self, repo: str, number: int, title: str, body: str | None, labels: Iterable[str], state: str
    ) -> dict:
        api = self._repo_api(repo)
        return {
            "url": f"{api}/issues/{number}",
            "repository_url": api,
            "html_url": f"https://github.com/{repo}/issues/{number}",
            "id": 1_000_000 + number,
            "number": number,
            "title": title,
            "body": body,
            "state": state,
            "labels": [{"name": name, "color": "ededed"} for name in labels],
        }

    # --- failures ------------------------------------------------------------------------

    def fail_next(
        self,
        path_regex: str,
        status: int,
        headers: dict[str, str] | None = None,
        message: str = "Server Error",
        method: str = "GET",
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` before serving normally."""
        for _ in range(times):
            self._failures.append(_Failure(method, re.compile(path_regex), status, headers or {}, message))

    def secondary_rate_limit(self, path_regex: str, retry_after: int = 3) -> None:
        """Queue GitHub's secondary rate limit answer (403 with ``retry-after``)."""
        self.fail_next(
            path_regex,
            403,
            {"retry-after": str(retry_after), "x-ratelimit-remaining": "4000"},
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        )

    # --- routing -------------------------------------------------------------------------

    def route(self, method: str, path_regex: str, handler: Handler) -> None:
        """Serve ``method`` requests whose path (below the API URL) matches ``path_regex``.

        A route added later wins over earlier ones (so tests can override the built-in endpoints).
        """
        self._routes.insert(0, (method, re.compile(path_regex + r"\Z"), handler))

    def install(self, rsps: responses.RequestsMock) -> ResponsesGitHub:
        """Register the issue endpoints on ``rsps`` and return self."""
        repo = rf"/(?:repos/{re.escape(self.repo)}|repositories/{self.repo_id})"
        self.route("GET", repo + r"/issues", self._list_issues)
        self.route("GET", repo + r"/issues/(?P<n>\d+)", self._get_issue)
        self.route("GET", repo + r"/issues/(?P<n>\d+)/dependencies/blocked_by", self._blocked_by)
        self.route("GET", repo + r"/issues/(?P<n>\d+)/sub_issues", self._sub_issues)
        api = urlsplit(self.api_url)
        prefix = re.compile(rf"{api.scheme}://{re.escape(api.hostname)}(?::\d+)?{re.escape(api.path)}/.*")
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            rsps.add_callback(method, prefix, callback=self._dispatch)
        return self

    def _dispatch(self, request) -> tuple[int, dict[str, str], str]:
        parts = urlsplit(request.url)
        path = parts.path.removeprefix(urlsplit(self.api_url).path)
        self.seen.append(f"{request.method} {path}")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        for failure in self._failures:
            if failure.method == request.method and failure.pattern.search(path):
                self._failures.remove(failure)
                return failure.status, failure.headers, json.dumps({"message": failure.message})
        for method, pattern, handler in self._routes:
            match = pattern.match(path)
            if method == request.method and match:
                body = json.loads(request.body) if request.body else None
                status, headers, data = handler(FakeRequest(request.method, path, query, match, body))
                return status, {"content-type": "application/json", **headers}, json.dumps(data)
        return 404, {}, json.dumps({"message": "Not Found"})

    # --- handlers ------------------------------------------------------------------------

    def _list_issues(self, req: FakeRequest) -> tuple[int, dict[str, str], object]:
        state = req.query.get("state", "open")
        wanted = [name for name in req.query.get("labels", "").split(",") if name]
        found = [
            issue
            for issue in self.issues.values()
            if (state == "all" or issue["state"] == state)
            and all(name in {label["name"] for label in issue["labels"]} for name in wanted)
        ]
        found.sort(key=lambda issue: issue["number"], reverse=req.query.get("direction", "desc") == "desc")
        return self._page(req, [self._with_summaries(issue) for issue in found])

    def _get_issue(self, req: FakeRequest) -> tuple[int, dict[str, str], object]:
        issue = self.issues.get(int(req.match["n"]))
        if issue is None:
            return 404, {}, {"message": "Not Found"}
        return 200, {}, self._with_summaries(issue)

    def _blocked_by(self, req: FakeRequest) -> tuple[int, dict[str, str], object]:
        number = int(req.match["n"])
        if number not in self.issues:
            return 404, {}, {"message": "Not Found"}
        return self._page(req, [self._resolve(b) for b in self.blocked_by.get(number, [])])

    def _sub_issues(self, req: FakeRequest) -> tuple[int, dict[str, str], object]:
        number = int(req.match["n"])
        if number not in self.issues:
            return 404, {}, {"message": "Not Found"}
        return self._page(
            req, [self._with_summaries(self.issues[n]) for n in self.sub_issues.get(number, [])]
        )

    def _resolve(self, blocker: dict) -> dict:
        return blocker if "url" in blocker else self._with_summaries(self.issues[blocker["number"]])

    def _with_summaries(self, issue: dict) -> dict:
        blockers = [self._resolve(b) for b in self.blocked_by.get(issue["number"], [])]
        subs = [self.issues[n] for n in self.sub_issues.get(issue["number"], [])]
        return {
            **issue,
            "issue_dependencies_summary": {
                "blocked_by": sum(b["state"] == "open" for b in blockers),
                "total_blocked_by": len(blockers),
                "blocking": 0,
                "total_blocking": 0,
            },
            "sub_issues_summary": {
                "total": len(subs),
                "completed": sum(s["state"] == "closed" for s in subs),
                "percent_completed": 0,
            },
        }

    def _page(self, req: FakeRequest, items: list) -> tuple[int, dict[str, str], object]:
        per_page = min(int(req.query.get("per_page", 30)), 100)
        page = int(req.query.get("page", 1))
        last = max(1, -(-len(items) // per_page))
        links = []
        below_repo = re.sub(r"\A/(?:repos/[^/]+/[^/]+|repositories/\d+)", "", req.path)
        base = f"{self.api_url}/repositories/{self.repo_id}{below_repo}"
        for rel, target in (("prev", page - 1), ("next", page + 1), ("last", last), ("first", 1)):
            if (rel in ("prev", "first") and page > 1) or (rel in ("next", "last") and page < last):
                query = {**req.query, "page": target}
                links.append(f'<{base}?{urlencode(query)}>; rel="{rel}"')
        headers = {"link": ", ".join(links)} if links else {}
        return 200, headers, items[(page - 1) * per_page : page * per_page]

    def _repo_api(self, repo: str) -> str:
        return f"{self.api_url}/repos/{repo}"


@contextmanager
def serve(fake: ResponsesGitHub) -> Iterator[ResponsesGitHub]:
    """Serve ``fake`` to every ``requests`` call inside the block."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield fake.install(rsps)
