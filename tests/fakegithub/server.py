"""A fake api.github.com on 127.0.0.1: a real ThreadingHTTPServer in a daemon thread.

Every request is matched to its OpenAPI operation by :class:`~.contract.Contract`, checked,
answered by the handler for that operationId (state in :class:`~.state.Repo`, JSON from
:mod:`~.objects`), and the answer is checked too. Problems land in :attr:`FakeGitHub.violations`;
every exchange in :attr:`FakeGitHub.requests`. ``base_path="/api/v3"`` serves the GHES layout.
Lists page as GitHub's do (``per_page`` 30 by default, 100 at most; ``Link`` headers whose
URLs use ``/repositories/{id}/…``, which the fake maps back to ``/repos/{owner}/{repo}/…``).
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import objects
from .contract import Contract, Violation
from .faults import Fault, FaultPolicy, SecondaryLimit
from .state import ApiError, Repo


@dataclass
class Request:
    method: str
    path: str  # below the API root, /repositories/{id} mapped to /repos/{owner}/{repo}
    query: dict[str, str]
    params: dict[str, str]  # path parameters by name
    body: Any  # parsed JSON or None
    operation: str


@dataclass(frozen=True)
class Logged:
    """One exchange: what was asked, what was answered, and the fault injected (if any)."""

    method: str
    path: str
    query: dict[str, str]
    status: int | None  # None: the connection was dropped
    operation: str | None
    fault: str | None = None


Reply = tuple[int, Any, dict[str, str]]
Handler = Callable[[Request], Reply]


@functools.cache
def shared_contract() -> Contract:
    """The trimmed description, loaded once per test session (its compiled validators are kept)."""
    return Contract.load()


@dataclass
class FakeGitHub:
    state: Repo = field(default_factory=Repo)
    base_path: str = ""
    faults: FaultPolicy = field(default_factory=FaultPolicy)
    secondary: SecondaryLimit | None = None  # None: no secondary limit modelled
    contract: Contract = field(default_factory=shared_contract)
    requests: list[Logged] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    validation_seconds: float = 0.0
    handlers: dict[str, Handler] = field(init=False)

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.handlers = {
            "repos/get": lambda r: (200, objects.repository(self.api, self.state, full=True), {}),
            "users/get-authenticated": self._user,
            "issues/list-for-repo": self._list_issues,
            "issues/get": self._get_issue,
            "issues/list-dependencies-blocked-by": lambda r: self._related(r, lambda i: i.blocked_by),
            "issues/list-dependencies-blocking": lambda r: self._related(r, lambda i: self.state.blocking(i.number)),
            "issues/list-sub-issues": lambda r: self._related(r, lambda i: i.sub_issues),
            "issues/list-labels-on-issue": self._list_labels,
            "issues/add-labels": self._add_labels,
            "issues/list-comments": self._list_comments,
            "issues/get-comment": lambda r: (200, self._comment(self.state.comment(_int(r, "comment_id"))), {}),
            "issues/create-comment": self._create_comment,
            "issues/update-comment": self._update_comment,
            "issues/delete-comment": self._delete_comment,
            "pulls/list": self._list_pulls,
            "pulls/get": lambda r: (200, self._pull(_int(r, "pull_number")), {}),
            "pulls/create": self._create_pull,
            "pulls/update": self._update_pull,
            "actions/list-jobs-for-workflow-run": self._list_jobs,
            "actions/create-workflow-dispatch": self._dispatch,
            "pull-request-stacks/list": self._list_stacks,
            "pull-request-stacks/create": self._create_stack,
            "pull-request-stacks/add": self._add_to_stack,
            "repos/get-collaborator-permission-level": self._permission,
            "reactions/create-for-issue-comment": self._react,
        }  # fmt: skip

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-github", daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api(self) -> str:
        """The API root URL (what GITHUB_API_URL and ``Github(base_url=…)`` take)."""
        if self._server is None:
            raise RuntimeError("the fake GitHub is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.base_path}"

    url = api

    def runner_env(self) -> dict[str, str]:
        """``os.environ`` without GITHUB_*/INPUT_*/RUNNER_*, plus what a runner of a workflow of
        this repository gives lumina-wave's container: the Actions flag, the repository, the API
        root (this fake) and the token input."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))}
        return env | {
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": self.state.full_name,
            "GITHUB_API_URL": self.api,
            "INPUT_GITHUB-TOKEN": "ghs_fake",
        }

    # --- inspection --------------------------------------------------------------------------

    def assert_no_violations(self) -> None:
        """Raise AssertionError listing every contract violation, one a line."""
        if self.violations:
            lines = "\n".join(f"  {v}" for v in self.violations)
            raise AssertionError(f"{len(self.violations)} OpenAPI contract violation(s):\n{lines}")

    def calls(self, operation: str | None = None, method: str | None = None) -> list[Logged]:
        """The logged exchanges, optionally of one operationId and/or method."""
        return [
            r
            for r in self.requests
            if (operation is None or r.operation == operation) and (method is None or r.method == method)
        ]

    # --- dispatch ----------------------------------------------------------------------------

    def handle(self, method: str, target: str, body: bytes) -> tuple[int, dict[str, str], bytes] | Fault:
        """Answer one request: ``(status, headers, body)``, or the ``drop`` fault (no answer)."""
        parts = urlsplit(target)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = dict(pairs)
        if not parts.path.startswith(f"{self.base_path}/"):
            self.violations.append(
                Violation(method, parts.path, None, f"not below the API root {self.base_path}/")
            )
            self.requests.append(Logged(method, parts.path, query, 404, None))
            return 404, {}, json.dumps(objects.error("Not Found")).encode()
        path = self._normalise(parts.path)
        started = time.perf_counter()
        op, problems = self.contract.check_request(method, path, pairs, body)
        self._checked(started, [Violation(method, path, None, p) for p in problems])
        limited = self.secondary.admit(method) if self.secondary is not None and op is not None else None
        if limited is not None:
            status, headers, data = self.secondary.answer(limited)
            self.requests.append(Logged(method, path, query, status, op.id, "secondary-limit"))
            return status, headers, json.dumps(data).encode()
        fault = self.faults.decide(method, op.id) if op is not None else None
        if fault is not None and not fault.after:
            return self._fault(method, path, query, op.id, fault)
        if op is None or op.id not in self.handlers:
            status, data, headers = 404, objects.error("Not Found"), {}
        else:
            request = Request(method, path, query, self._path_params(op.template, path), _json(body), op.id)
            with self._lock:
                try:
                    status, data, headers = self.handlers[op.id](request)
                except ApiError as exc:
                    status, data, headers = exc.status, objects.error(exc.message, exc.errors), {}
        payload = b"" if data is None else json.dumps(data).encode()
        if op is not None:
            started = time.perf_counter()
            found = self.contract.check_response(op, status, payload)
            self._checked(started, [Violation(method, path, status, p) for p in found])
        if fault is not None:
            return self._fault(method, path, query, op.id if op else None, fault)
        self.requests.append(Logged(method, path, query, status, op.id if op else None))
        return status, headers, payload

    def _checked(self, started: float, found: list[Violation]) -> None:
        with self._lock:
            self.validation_seconds += time.perf_counter() - started
            self.violations.extend(found)

    def _fault(
        self, method: str, path: str, query: dict, operation: str | None, fault: Fault
    ) -> tuple[int, dict[str, str], bytes] | Fault:
        name = fault.kind + ("-after-write" if fault.after else "")
        if fault.kind == "drop":
            self.requests.append(Logged(method, path, query, None, operation, name))
            return fault
        status, headers, data = self.faults.answer(fault)
        self.requests.append(Logged(method, path, query, status, operation, name))
        return status, headers, json.dumps(data).encode()

    def _normalise(self, path: str) -> str:
        path = path.removeprefix(self.base_path)
        match = re.fullmatch(r"/repositories/(\d+)(/.*)?", path)
        if match and int(match[1]) == self.state.id:
            return f"/repos/{self.state.full_name}{match[2] or ''}"
        return path

    def _path_params(self, template: str, path: str) -> dict[str, str]:
        names = template.strip("/").split("/")
        return {
            n[1:-1]: v for n, v in zip(names, path.strip("/").split("/"), strict=True) if n.startswith("{")
        }

    # --- handlers ----------------------------------------------------------------------------

    def _repo_of(self, req: Request) -> Repo:
        owner, name = req.params.get("owner", ""), req.params.get("repo", "")
        if f"{owner}/{name}".lower() != self.state.full_name.lower():
            raise ApiError(404, "Not Found")
        return self.state

    def _user(self, req: Request) -> Reply:
        # What GITHUB_TOKEN and every installation token get.
        return 403, objects.error("Resource not accessible by integration"), {}

    def _issue_json(self, number: int) -> dict:
        return objects.issue(self.api, self.state, self.state.issue(number))

    def _list_issues(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        labels = [n for n in req.query.get("labels", "").split(",") if n]
        found = repo.list_issues(
            req.query.get("state", "open"),
            labels,
            req.query.get("direction", "desc"),
            req.query.get("sort", "created"),
        )
        return self._page(req, found, lambda i: objects.issue(self.api, repo, i))

    def _get_issue(self, req: Request) -> Reply:
        self._repo_of(req)
        return 200, self._issue_json(_int(req, "issue_number")), {}

    def _related(self, req: Request, numbers: Callable[[Any], list[int]]) -> Reply:
        repo = self._repo_of(req)
        issue = repo.issue(_int(req, "issue_number"))
        return self._page(
            req, [repo.issues[n] for n in numbers(issue)], lambda i: objects.issue(self.api, repo, i)
        )

    def _list_labels(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        issue = repo.issue(_int(req, "issue_number"))
        return self._page(req, issue.labels, lambda n: objects.label(self.api, repo, n))

    def _add_labels(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        body = req.body
        names = body.get("labels", []) if isinstance(body, dict) else body or []
        names = [n if isinstance(n, str) else n["name"] for n in names]
        issue = repo.add_labels(_int(req, "issue_number"), names)
        return 200, [objects.label(self.api, repo, n) for n in issue.labels], {}

    def _comment(self, comment: Any) -> dict:
        return objects.comment(self.api, self.state, comment)

    def _list_comments(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        number = _int(req, "issue_number")
        repo.issue(number)
        found = sorted((c for c in repo.comments.values() if c.issue_number == number), key=lambda c: c.id)
        return self._page(req, found, self._comment)

    def _create_comment(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        made = repo.create_comment(_int(req, "issue_number"), _field(req, "body"))
        return 201, self._comment(made), {"location": objects.comment(self.api, repo, made)["url"]}

    def _update_comment(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        return 200, self._comment(repo.edit_comment(_int(req, "comment_id"), _field(req, "body"))), {}

    def _delete_comment(self, req: Request) -> Reply:
        self._repo_of(req).delete_comment(_int(req, "comment_id"))
        return 204, None, {}

    def _permission(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        return 200, objects.collaborator_permission(self.api, repo, req.params["username"]), {}

    def _react(self, req: Request) -> Reply:
        made, new = self._repo_of(req).react(_int(req, "comment_id"), _field(req, "content"))
        return (201 if new else 200), objects.reaction(self.api, made), {}

    def _pull(self, number: int, full: bool = True) -> dict:
        issue, pr = self.state.pull(number)
        return objects.pull(self.api, self.state, issue, pr, full=full)

    def _list_pulls(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        found = repo.list_pulls(req.query.get("state", "open"), req.query.get("head"), req.query.get("base"))
        return self._page(req, found, lambda pair: objects.pull(self.api, repo, *pair, full=False))

    def _create_pull(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        body = req.body or {}
        issue = repo.create_pull(
            body.get("title"),
            body.get("body"),
            _field(req, "head"),
            _field(req, "base"),
            bool(body.get("draft")),
        )
        made = self._pull(issue.number)
        return 201, made, {"location": made["url"]}

    def _update_pull(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        issue = repo.update_pull(_int(req, "pull_number"), req.body or {})
        return 200, self._pull(issue.number), {}

    def _list_jobs(self, req: Request) -> Reply:
        repo = self._repo_of(req)
        jobs = repo.jobs.get(_int(req, "run_id"), [])
        status, page, headers = self._page(req, jobs, lambda j: objects.job(self.api, repo, j))
        return status, {"total_count": len(jobs), "jobs": page}, headers

    def _dispatch(self, req: Request) -> Reply:
        body = req.body if isinstance(req.body, dict) else {}
        repo = self._repo_of(req)
        made = repo.dispatch(req.params["workflow_id"], _field(req, "ref"), body.get("inputs") or {})
        if body.get("return_run_details") is not True:
            return 204, None, {}
        run_url = f"{self.api}/repos/{repo.full_name}/actions/runs/{made.run_id}"
        html_url = f"https://github.com/{repo.full_name}/actions/runs/{made.run_id}"
        return 200, {"workflow_run_id": made.run_id, "run_url": run_url, "html_url": html_url}, {}

    def _stacks_of(self, req: Request) -> Repo:
        """The repository, when native stacks are enabled there (else its 404 or 403)."""
        repo = self._repo_of(req)
        if repo.stacks_refused is not None:
            raise ApiError(repo.stacks_refused, "Not Found" if repo.stacks_refused == 404 else "Forbidden")
        return repo

    def _list_stacks(self, req: Request) -> Reply:
        repo = self._stacks_of(req)
        found = list(repo.stacks.values())
        if "pull_request" in req.query:
            number = _query_int(req, "pull_request", 0)
            found = [s for s in found if number in s.pulls]
        return self._page(req, found, lambda s: objects.stack(self.api, repo, s, full=False))

    def _create_stack(self, req: Request) -> Reply:
        repo = self._stacks_of(req)
        made = repo.create_stack(list(_field(req, "pull_requests")))
        return 201, objects.stack(self.api, repo, made, full=True), {}

    def _add_to_stack(self, req: Request) -> Reply:
        repo = self._stacks_of(req)
        grown = repo.add_to_stack(_int(req, "stack_number"), list(_field(req, "pull_requests")))
        return 200, objects.stack(self.api, repo, grown, full=True), {}

    def _page(self, req: Request, items: list, render: Callable[[Any], Any]) -> Reply:
        per_page = min(max(_query_int(req, "per_page", 30), 1), 100)
        page = max(_query_int(req, "page", 1), 1)
        last = max(1, -(-len(items) // per_page))
        below = req.path.removeprefix(f"/repos/{self.state.full_name}")
        base = f"{self.api}/repositories/{self.state.id}{below}"
        links = []
        for rel, target, show in (
            ("prev", page - 1, page > 1),
            ("next", page + 1, page < last),
            ("last", last, page < last),
            ("first", 1, page > 1),
        ):
            if show:
                links.append(f'<{base}?{urlencode({**req.query, "page": target})}>; rel="{rel}"')
        headers = {"link": ", ".join(links)} if links else {}
        return 200, [render(item) for item in items[(page - 1) * per_page : page * per_page]], headers


def _int(req: Request, name: str) -> int:
    try:
        return int(req.params[name])
    except ValueError:
        raise ApiError(404, "Not Found") from None


def _query_int(req: Request, name: str, default: int) -> int:
    try:
        return int(req.query.get(name, default))
    except ValueError:
        raise ApiError(422, "Validation Failed", [{"field": name, "code": "invalid"}]) from None


def _field(req: Request, name: str) -> Any:
    if not isinstance(req.body, dict) or name not in req.body:
        raise ApiError(422, "Validation Failed", [{"field": name, "code": "missing_field"}])
    return req.body[name]


def _json(body: bytes) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except ValueError:
        return None


def _handler_class(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = fake.handle(self.command, self.path, body)
            if isinstance(answer, Fault):  # drop: close without a word
                time.sleep(fake.faults.hang)
                self.close_connection = True
                return
            status, headers, payload = answer
            self.send_response(status)
            if payload:
                self.send_header("content-type", "application/json; charset=utf-8")
            self.send_header("content-length", str(len(payload)))
            self.send_header("x-github-request-id", "0000:0000:0000000:0000000:00000000")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the fake's log is :attr:`FakeGitHub.requests`."""

    return Handler
