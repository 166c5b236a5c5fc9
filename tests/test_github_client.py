"""The GitHub client: request counting, retries, GHES URLs, one-line errors."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from github import GithubException
from responses_github import ResponsesGitHub, serve

from lumina_wave.errors import InputError
from lumina_wave.github import issues
from lumina_wave.github.client import GitHubError, connect, create_once


def test_connect_makes_no_request_and_counts_real_ones():
    with serve(ResponsesGitHub()) as fake:
        fake.add_issue(1, labels=["wave"])
        client = connect("o/r", "t")
        assert client.repo.full_name == "o/r"
        assert client.calls == 0
        issues.labelled_open_issues(client, "wave")
        issues.get_issue(client, 1)
        assert client.calls == 2 == len(fake.seen)


@pytest.mark.parametrize("repo", ["o", "o/r/x", "", "o r/x", "/r"])
def test_repository_must_be_owner_slash_name(repo):
    with pytest.raises(InputError, match="OWNER/NAME"):
        connect(repo, "t")


def test_github_api_url_points_at_ghes(monkeypatch):
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3/")
    with serve(ResponsesGitHub(api_url="https://ghe.example.com/api/v3")) as fake:
        for n in range(1, 151):
            fake.add_issue(n, labels=["wave"])
        client = connect("o/r", "t")
        found = issues.labelled_open_issues(client, "wave")
        assert [i["number"] for i in found] == list(range(1, 151))
        # The second page comes from the Link header, which names the GHES host and /api/v3 too.
        assert fake.seen == ["GET /repos/o/r/issues", "GET /repositories/4242/issues"]
        assert client.api_url == "https://ghe.example.com/api/v3"


def test_explicit_api_url_wins_over_environment(monkeypatch):
    monkeypatch.setenv("GITHUB_API_URL", "https://elsewhere.invalid/api/v3")
    with serve(ResponsesGitHub(api_url="https://ghe.example.com/api/v3")) as fake:
        fake.add_issue(1)
        assert issues.get_issue(connect("o/r", "t", "https://ghe.example.com/api/v3"), 1)["number"] == 1


def test_a_502_is_retried_and_counted():
    with serve(ResponsesGitHub()) as fake:
        fake.add_issue(7)
        fake.fail_next(r"/issues/7\Z", 502, message="Bad Gateway", times=2)
        client = connect("o/r", "t", wait=fake.waits.append)
        assert issues.get_issue(client, 7)["number"] == 7
        assert client.calls == 3


def test_a_secondary_rate_limit_is_retried():
    with serve(ResponsesGitHub()) as fake:
        fake.add_issue(7)
        fake.secondary_rate_limit(r"/issues/7\Z", retry_after=3)
        client = connect("o/r", "t", wait=fake.waits.append)
        assert issues.get_issue(client, 7)["number"] == 7
        assert client.calls == 2


def test_a_post_that_failed_with_502_is_not_repeated():
    """It may have created something: the caller must look before creating again."""
    with serve(ResponsesGitHub()) as fake:
        fake.route("POST", r"/repos/o/r/issues", lambda req: (201, {}, {"number": 9}))
        fake.fail_next(r"/repos/o/r/issues\Z", 502, method="POST")
        client = connect("o/r", "t", wait=fake.waits.append)
        with pytest.raises(GithubException) as caught:
            client.gh.requester.requestJsonAndCheck("POST", "/repos/o/r/issues", input={"title": "x"})
        assert caught.value.status == 502
        assert client.calls == 1


def test_a_rate_limited_post_is_repeated():
    with serve(ResponsesGitHub()) as fake:
        fake.route("POST", r"/repos/o/r/issues", lambda req: (201, {}, {"number": 9}))
        fake.fail_next(
            r"/repos/o/r/issues\Z", 403, {"retry-after": "1"}, "secondary rate limit", method="POST"
        )
        client = connect("o/r", "t", wait=fake.waits.append)
        client.gh.requester.requestJsonAndCheck("POST", "/repos/o/r/issues", input={"title": "x"})
        assert client.calls == 2


@pytest.mark.parametrize(
    ("status", "message", "expected"),
    [
        (401, "Bad credentials", r"GitHub answered 401 Bad credentials; the token is missing, expired"),
        (
            403,
            "Resource not accessible by integration",
            r"403 Resource not accessible by integration; the token lacks the permission \(issues: read\)",
        ),
        (500, "boom", r"GitHub answered 500 boom\Z"),
    ],
)
def test_failures_become_one_line_github_errors(status, message, expected):
    with serve(ResponsesGitHub()) as fake:
        fake.fail_next(r"/issues\Z", status, message=message, times=6)
        client = connect("o/r", "t", wait=fake.waits.append)
        with pytest.raises(GitHubError, match=expected) as caught:
            issues.labelled_open_issues(client, "wave")
        assert client.calls == (6 if status == 500 else 1)
        assert "\n" not in str(caught.value)
        assert str(caught.value).startswith("listing the open issues labelled 'wave' in o/r: ")


def test_log_calls_goes_to_the_actions_debug_log_or_stderr(monkeypatch, capsys):
    with serve(ResponsesGitHub()) as fake:
        fake.add_issue(1)
        client = connect("o/r", "t")
        issues.get_issue(client, 1)
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        monkeypatch.delenv("LUMINA_WAVE_DEBUG", raising=False)
        client.log_calls()
        assert capsys.readouterr() == ("", "")
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        client.log_calls()
        assert (
            capsys.readouterr().out
            == "::debug::lumina-wave: 1 GitHub API requests so far, 0 writes, 0 s waited for GitHub's secondary limits\n"
        )
        monkeypatch.delenv("GITHUB_ACTIONS")
        monkeypatch.setenv("LUMINA_WAVE_DEBUG", "1")
        client.log_calls()
        assert (
            capsys.readouterr().err
            == "lumina-wave: 1 GitHub API requests so far, 0 writes, 0 s waited for GitHub's secondary limits\n"
        )


# --- against a real HTTP server: urllib3 does the retrying and the waiting ---------------


class _Scripted(BaseHTTPRequestHandler):
    """Answers with the server's queued ``(status, headers, body)``, then 200 ``{"number": 1}``."""

    def do_GET(self):
        self.server.hits += 1  # type: ignore[attr-defined]  # before answering: the client may finish first
        script = self.server.script  # type: ignore[attr-defined]
        status, headers, body = script.pop(0) if script else (200, {}, {"number": 1})
        payload = json.dumps(body).encode()
        self.send_response(status)
        for key, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Scripted)
    server.script, server.hits = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_real_retries_wait_with_backoff_and_retry_after(http_server):
    http_server.script = [
        (502, {}, {"message": "Bad Gateway"}),
        (503, {}, {"message": "Unavailable"}),
        (403, {"Retry-After": "7"}, {"message": "You have exceeded a secondary rate limit."}),
    ]
    waits: list[float] = []
    client = connect("o/r", "t", f"http://127.0.0.1:{http_server.server_port}", wait=waits.append)
    assert issues.get_issue(client, 1)["number"] == 1
    assert client.calls == http_server.hits == 4
    # First retry: no backoff; second: 2 s (+ <1 s jitter); then the server's retry-after.
    assert len(waits) == 2
    assert 2 <= waits[0] < 3
    assert waits[1] == 7


def test_unreachable_github_is_retried_then_a_clear_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    waits: list[float] = []
    client = connect("o/r", "t", f"http://127.0.0.1:{port}", wait=waits.append)
    with pytest.raises(GitHubError, match=r"reading issue #1 of o/r: cannot reach GitHub after retries"):
        issues.get_issue(client, 1)
    assert client.calls == 6
    assert [int(w) for w in waits] == [2, 4, 8, 16]


def test_the_write_gap_can_be_set_for_tests_and_ghes(monkeypatch):
    monkeypatch.delenv("LUMINA_WAVE_WRITE_GAP", raising=False)
    assert connect("o/r", "t").gh.requester._Requester__seconds_between_writes == 1.0
    monkeypatch.setenv("LUMINA_WAVE_WRITE_GAP", "0")
    assert connect("o/r", "t").gh.requester._Requester__seconds_between_writes == 0.0
    monkeypatch.setenv("LUMINA_WAVE_WRITE_GAP", "-1")
    with pytest.raises(InputError, match="LUMINA_WAVE_WRITE_GAP must be a number of seconds >= 0, got '-1'"):
        connect("o/r", "t")


def test_create_once_looks_before_repeating_a_create_whose_answer_was_lost():
    with serve(ResponsesGitHub()) as fake:
        client = connect("o/r", "t", wait=fake.waits.append)
        tries: list[str] = []

        def create():
            tries.append("create")
            raise GithubException(502, {"message": "Server Error"}, None)

        assert create_once(client, create, lambda: "found") == "found" and tries == ["create"]
        with pytest.raises(GithubException):
            create_once(client, create, lambda: None, attempts=3)
        assert len(tries) == 4 and fake.waits == [1, 2]

        def refused():
            tries.append("refused")
            raise GithubException(422, {"message": "Validation Failed"}, None)

        with pytest.raises(GithubException):
            create_once(client, refused, pytest.fail)  # not a lost answer: never looked for
        assert tries[-1] == "refused"


# --- capped waits: past the cap, one line at once instead of a sleep until the job's timeout --------

SECONDARY = {"message": "You have exceeded a secondary rate limit."}


@pytest.mark.parametrize(
    ("script", "expected_waits", "expected"),
    [
        # one answer asking for an hour: no sleep at all
        (
            [(429, {"Retry-After": "3600"}, SECONDARY)],
            [],
            "GitHub asks to wait 3600 s more after a 429 answer",
        ),
        # the waits add up: 250 + 250, and a third would pass 600
        (
            [(403, {"Retry-After": "250"}, SECONDARY)] * 3,
            [250, 250],
            "GitHub asks to wait 250 s more after a 403 answer, after 500 s of retry waits",
        ),
    ],
)
def test_retry_waits_of_one_request_are_capped(http_server, monkeypatch, script, expected_waits, expected):
    monkeypatch.delenv("LUMINA_WAVE_MAX_WAIT", raising=False)
    http_server.script = list(script)
    waits: list[float] = []
    client = connect("o/r", "t", f"http://127.0.0.1:{http_server.server_port}", wait=waits.append)
    with pytest.raises(GitHubError) as caught:
        issues.get_issue(client, 1)
    message = str(caught.value)
    assert message.startswith(f"reading issue #1 of o/r: {expected}")
    assert message.endswith("lumina-wave waits at most 600 s per request (input max-wait); re-run later")
    assert "\n" not in message
    assert waits == expected_waits
    assert http_server.hits == len(expected_waits) + 1


def test_the_cap_is_per_request_and_can_be_set(http_server, monkeypatch):
    monkeypatch.setenv("LUMINA_WAVE_MAX_WAIT", "10")
    http_server.script = [(403, {"Retry-After": "7"}, SECONDARY)] * 2
    waits: list[float] = []
    client = connect("o/r", "t", f"http://127.0.0.1:{http_server.server_port}", wait=waits.append)
    with pytest.raises(GitHubError, match=r"at most 10 s per request"):
        issues.get_issue(client, 1)
    assert waits == [7]
    http_server.script = [(403, {"Retry-After": "7"}, SECONDARY)]
    assert issues.get_issue(client, 1)["number"] == 1  # a new request starts with a new allowance
    assert waits == [7, 7]


@pytest.mark.parametrize("value", ["soon", "-1", "inf", "nan"])
def test_max_wait_must_be_seconds(monkeypatch, value):
    monkeypatch.setenv("LUMINA_WAVE_MAX_WAIT", value)
    with pytest.raises(
        InputError, match=r"LUMINA_WAVE_MAX_WAIT \(input max-wait\) must be a number of seconds >= 0"
    ):
        connect("o/r", "t")
