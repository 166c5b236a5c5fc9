"""The one GitHub connection: PyGithub with retries, a request timeout, and a real request count.

Throttling. PyGithub waits ``seconds_between_requests`` (default 0.25 s) before *every*
request and ``seconds_between_writes`` (default 1 s) between writes. We keep the write
gap (it is what protects against the "80 content-creating requests a minute" secondary
limit) and drop the read gap: our reads are serial, from one process, and GitHub's
secondary limits for reads are about concurrency (100 at once), not pace; a rate-limited
read is retried after ``retry-after`` anyway. Measured with ``benchmarks/plan_api_calls.py``
(1,000 labelled issues, 131 requests): planning takes 0.12 s without the read gap and
32.8 s with it, all of the difference being sleep.

Waits. Every retry wait of one request (backoff, ``retry-after``, a primary limit's reset) is
capped in total: past the cap (input ``max-wait``, default 600 s) the request fails at once with
one line (:class:`WaitCapReached`) instead of sleeping until the job's timeout.

Pacing. Every write waits its turn in the client's :class:`~lumina_wave.github.pacing.Pacer`
(GitHub's secondary limits: 80 content-creating requests a minute, 500 an hour; see that module
for the run's write ledger). The hook sits in PyGithub's own pre-request throttle, so it sees each
write PyGithub sends (urllib3's retries of a refused write wait ``retry-after`` instead).

Creates. urllib3 does not repeat a POST whose answer was lost (a 5xx, a dropped connection):
it may have created the object. :func:`create_once` looks for it before creating again.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededExceedsMaxWait
from github.Repository import Repository
from requests.utils import parse_header_links

from lumina_wave.errors import GitHubError, InputError
from lumina_wave.github.pacing import WRITES, Pacer, clock_from_env
from lumina_wave.runner import issue

DEFAULT_API_URL = "https://api.github.com"
REQUEST_TIMEOUT = 30
MAX_RATE_LIMIT_WAIT = 600
# The cap on one request's retry waits, in seconds: the action sets it from its input max-wait
# (lumina_wave/action.py); unset (the CLI), 600 s.
MAX_WAIT_ENV = "LUMINA_WAVE_MAX_WAIT"
_REPO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")
# Methods whose repetition cannot create a second object. POST is retried only when the
# server refused it (rate limit) or it never left (connection error).
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE"})
_REFUSED = frozenset({403, 429})
WRITE_GAP_ENV = "LUMINA_WAVE_WRITE_GAP"
DEFAULT_WRITE_GAP = 1.0
CREATE_ATTEMPTS = 4
PER_PAGE = 100
T = TypeVar("T")


class _Counter:
    """Shared by every copy urllib3 makes of the retry policy."""

    def __init__(self) -> None:
        self.requests = 0


class WaitCapReached(RateLimitExceededExceedsMaxWait):
    """GitHub asked for a wait that would take one request's waits past the cap."""

    def __init__(self, status: int, wait: float, waited: float, cap: float) -> None:
        super().__init__(status, None, None, wait=wait)
        self.waited = waited
        self.cap = cap


class _Retry(GithubRetry):
    """GitHub's retry policy plus a request count, injectable waits and safe POSTs.

    urllib3 (and ``responses``) ask the policy ``is_retry`` about every response received
    and call ``increment`` with the error for every attempt that got none, so the policy
    sees each HTTP exchange exactly once, retries included: that is :attr:`GitHubClient.calls`.
    """

    def __init__(
        self,
        *,
        counter: _Counter,
        wait: Callable[[float], None] = time.sleep,
        cap: float = MAX_RATE_LIMIT_WAIT,
        waited: float = 0.0,
        **kwargs: Any,
    ) -> None:
        self.counter = counter
        self.wait = wait
        self.cap = cap
        self.waited = waited  # by this request so far: urllib3 makes a new policy per retry
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> _Retry:
        kw.update(counter=self.counter, wait=self.wait, cap=self.cap, waited=self.waited)
        return super().new(**kw)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        self.counter.requests += 1
        if method.upper() not in _IDEMPOTENT and status_code not in _REFUSED:
            return False
        return super().is_retry(method, status_code, has_retry_after)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if response is None and error is not None:
            self.counter.requests += 1
            sent = not self._is_connection_error(error)
            if sent and (method or "").upper() not in _IDEMPOTENT:
                raise error.with_traceback(_stacktrace)
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def sleep(self, response: Any = None) -> None:
        """Wait ``retry-after`` when the server names it, else the computed backoff; raise
        :class:`WaitCapReached` instead when the request's waits would pass the cap."""
        seconds = self.get_retry_after(response) if response is not None else None
        if not seconds:
            seconds = self.get_backoff_time()
        if seconds <= 0:
            return
        if self.waited + seconds > self.cap:
            raise WaitCapReached(getattr(response, "status", 0) or 0, seconds, self.waited, self.cap)
        self.wait(seconds)
        self.waited += seconds


def make_retry(
    counter: _Counter, wait: Callable[[float], None] = time.sleep, cap: float = MAX_RATE_LIMIT_WAIT
) -> _Retry:
    """Five retries: 5xx and connection errors back off 0, 2, 4, 8, 16 s (+ up to 1 s jitter);
    secondary rate limits wait ``retry-after`` (or 60 s); a primary limit waits for its reset;
    all the waits of one request together at most ``cap`` seconds."""
    return _Retry(
        counter=counter,
        wait=wait,
        cap=cap,
        total=5,
        backoff_factor=1,
        backoff_jitter=1.0,
        status_forcelist=[429, 500, 502, 503, 504],
        allowed_methods=_IDEMPOTENT | {"POST"},
        max_rate_limit_wait=cap,
        raise_on_status=False,  # the last answer reaches PyGithub, which reports its status
    )


class GitHubClient:
    """A PyGithub connection to one repository that counts its HTTP requests."""

    def __init__(
        self,
        gh: Github,
        full_name: str,
        counter: _Counter,
        api_url: str,
        wait: Callable[[float], None] = time.sleep,
        pacer: Pacer | None = None,
        debug: bool | None = None,
    ) -> None:
        self.gh = gh
        self.debug = debug
        self.full_name = full_name
        self.api_url = api_url
        self.wait = wait
        self.pacer = pacer or Pacer()
        self._counter = counter
        self._repo: Repository | None = None

    @property
    def repo(self) -> Repository:
        """The repository, lazy: obtaining it makes no request."""
        if self._repo is None:
            self._repo = self.gh.get_repo(self.full_name)
        return self._repo

    @property
    def calls(self) -> int:
        """HTTP requests made so far (each retry counts)."""
        return self._counter.requests

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> tuple[dict[str, Any], Any]:
        """GET ``path`` (relative to the API or absolute) and return ``(headers, data)``."""
        return self.gh.requester.requestJsonAndCheck("GET", path, parameters=params)

    def log_calls(self) -> None:
        """Report the request count at debug level: the Actions debug log, or stderr with
        ``debug`` (None: when LUMINA_WAVE_DEBUG=1, for callers without a context)."""
        message = (
            f"lumina-wave: {self.calls} GitHub API requests so far, {len(self.pacer.mine)} writes, "
            f"{self.pacer.waited:.0f} s waited for GitHub's secondary limits"
        )
        if os.environ.get("GITHUB_ACTIONS") == "true":
            issue("debug", {}, message)
        if self.debug or (self.debug is None and os.environ.get("LUMINA_WAVE_DEBUG") == "1"):
            print(message, file=sys.stderr, flush=True)


def pages(
    client: GitHubClient, path: str, params: dict[str, Any] | None = None, key: str | None = None
) -> Iterator[list[dict]]:
    """Each page of a list endpoint (100 a page), following GitHub's ``Link: rel="next"`` until the end.

    ``key`` unwraps endpoints that answer an object around the list (``{"jobs": [...]}``).
    """
    url: str | None = path
    query: dict[str, Any] | None = {**(params or {}), "per_page": PER_PAGE}
    while url:
        headers, data = client.get_json(url, query)
        items = (data or {}).get(key) if key else data
        yield list(items or [])
        url = _next_link(headers.get("link", ""))
        query = None  # the next link carries the query


def _next_link(header: str) -> str | None:
    for link in parse_header_links(header) if header else []:
        if link.get("rel") == "next":
            return link["url"]
    return None


def api_url_from_env(api_url: str | None = None) -> str:
    """``api_url``, else GITHUB_API_URL (GHES: ``https://HOST/api/v3``), else github.com."""
    return (api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")


def connect(
    repo: str,
    token: str,
    api_url: str | None = None,
    *,
    wait: Callable[[float], None] | None = None,
    seconds_between_requests: float | None = None,
    seconds_between_writes: float | None = DEFAULT_WRITE_GAP,
    max_wait: float | None = None,
    pacer: Pacer | None = None,
    debug: bool | None = None,
) -> GitHubClient:
    """A client for ``OWNER/NAME``; makes no request.

    ``wait`` is the retry sleep (default: the pacer's clock; tests pass ``list.append``); the throttles are PyGithub's
    (see the module docstring; tests may pass ``seconds_between_writes=0``). The environment
    variable ``LUMINA_WAVE_WRITE_GAP`` (seconds) overrides the write gap: it exists for the
    end-to-end tests, which run whole waves against a local fake, and for self-hosted GHES
    whose administrators set other limits. Unset, the gap stays 1 s. ``max_wait`` caps the
    retry waits of each request (None: ``LUMINA_WAVE_MAX_WAIT``, which the action sets from its
    input ``max-wait``, else 600 s). ``pacer`` paces the writes (default: a fresh one on the
    clock of ``LUMINA_WAVE_VIRTUAL_CLOCK``, else real time); commands that carry the run's
    write ledger pass theirs. ``debug`` prints the request counts to stderr (None: with
    ``LUMINA_WAVE_DEBUG=1``, for callers without a :class:`~lumina_wave.context.Context`).
    """
    if not _REPO_NAME.fullmatch(repo):
        raise InputError(f"repository must be OWNER/NAME, got {repo!r}")
    counter = _Counter()
    pacer = pacer or Pacer(clock_from_env())
    wait = wait or pacer.clock.sleep
    base = api_url_from_env(api_url)
    seconds_between_writes = write_gap(seconds_between_writes)
    gh = Github(
        auth=Auth.Token(token),
        base_url=base,
        timeout=REQUEST_TIMEOUT,
        per_page=100,
        retry=make_retry(counter, wait, max_wait_from_env() if max_wait is None else max_wait),
        seconds_between_requests=seconds_between_requests,
        seconds_between_writes=seconds_between_writes,
        lazy=True,
    )
    pace_writes(gh, pacer)
    return GitHubClient(gh, repo, counter, base, wait, pacer, debug)


def pace_writes(gh: Github, pacer: Pacer) -> None:
    """Ask ``pacer`` before each write ``gh`` sends, ahead of PyGithub's own write gap."""
    requester = gh.requester
    throttle = requester._Requester__deferRequest  # type: ignore[attr-defined]

    def defer(verb: str) -> None:
        if verb.upper() in WRITES:
            pacer.acquire(f"{verb} request")
        throttle(verb)

    requester._Requester__deferRequest = defer  # type: ignore[attr-defined]


def _env_seconds(name: str, what: str, *, finite: bool) -> float | None:
    """The seconds the variable ``name`` gives, None when unset or blank; bad input (naming it
    ``what``) if not a number >= 0, or infinite when ``finite``."""
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or (finite and seconds == float("inf")):
        raise InputError(f"{what} must be a number of seconds >= 0, got {text!r}")
    return seconds


def write_gap(given: float | None) -> float | None:
    """``given``, unless ``LUMINA_WAVE_WRITE_GAP`` names other seconds (bad input if not a number >= 0)."""
    seconds = _env_seconds(WRITE_GAP_ENV, WRITE_GAP_ENV, finite=False)
    return given if seconds is None else seconds


def max_wait_from_env() -> float:
    """``LUMINA_WAVE_MAX_WAIT`` (seconds), 600 when unset; bad input if not a number >= 0."""
    seconds = _env_seconds(MAX_WAIT_ENV, f"{MAX_WAIT_ENV} (input max-wait)", finite=True)
    return MAX_RATE_LIMIT_WAIT if seconds is None else seconds


def answer_lost(exc: Exception) -> bool:
    """Whether a failed write may have happened anyway: a server error, or no answer at all."""
    if isinstance(exc, GithubException):
        return exc.status >= 500
    return isinstance(exc, requests.RequestException)


def create_once(
    client: GitHubClient,
    create: Callable[[], T],
    find: Callable[[], T | None],
    attempts: int = CREATE_ATTEMPTS,
) -> T:
    """``create()``, at most once in effect.

    When its answer is lost (:func:`answer_lost`), ``find()`` looks for what it may have made;
    found, that is the result, else the create is repeated after a backoff (1, 2, 4 s).
    Other failures, and the last attempt's, are raised as they are.
    """
    for attempt in range(1, attempts):
        try:
            return create()
        except (GithubException, requests.RequestException) as exc:
            if not answer_lost(exc):
                raise
        found = find()
        if found is not None:
            return found
        client.wait(2 ** (attempt - 1))
    return create()


def describe(exc: Exception, doing: str, permission: str = "") -> GitHubError:
    """A one-line :class:`GitHubError` for a failed request made while ``doing`` something."""
    if isinstance(exc, WaitCapReached):
        answer = f" after a {exc.status} answer" if exc.status else ""
        return GitHubError(
            f"{doing}: GitHub asks to wait {exc.wait:.0f} s more{answer}, after {exc.waited:.0f} s of retry "
            f"waits; lumina-wave waits at most {exc.cap:g} s per request (input max-wait); re-run later",
            exc.status or None,
        )
    if isinstance(exc, RateLimitExceededExceedsMaxWait):
        return GitHubError(
            f"{doing}: GitHub's rate limit asks to wait {exc.wait:.0f} s, more than lumina-wave waits "
            f"(input max-wait); re-run later",
            exc.status,
        )
    if isinstance(exc, GithubException):
        message = _message(exc)
        if exc.status == 401:
            hint = "the token is missing, expired or revoked"
        elif exc.status == 403 and "not accessible by integration" in message.lower():
            hint = f"the token lacks the permission ({permission or 'see the action README'})"
        elif exc.status == 403 and "not permitted to create or approve pull requests" in message.lower():
            hint = "turn on 'Allow GitHub Actions to create and approve pull requests' in the repository settings"
        else:
            hint = ""
        line = f"{doing}: GitHub answered {exc.status} {message}"
        return GitHubError(f"{line}; {hint}" if hint else line, exc.status)
    if isinstance(exc, requests.RequestException):
        reason = " ".join(str(exc).split())[:300]
        return GitHubError(f"{doing}: cannot reach GitHub after retries ({type(exc).__name__}: {reason})")
    raise TypeError(f"not a GitHub request failure: {exc!r}")


@contextmanager
def api_errors(doing: str, permission: str = "") -> Iterator[None]:
    """Turn PyGithub and requests failures inside the block into :class:`GitHubError`."""
    try:
        yield
    except (GithubException, requests.RequestException) as exc:
        raise describe(exc, doing, permission) from exc


def _message(exc: GithubException) -> str:
    data = exc.data
    text = data.get("message", "") if isinstance(data, dict) else str(data or "")
    return " ".join(str(text).split()) or "(no message)"
