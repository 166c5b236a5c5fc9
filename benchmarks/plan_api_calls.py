"""API economy of the label source: plan 1,000 labelled issues against the ``responses`` fake.

Run: ``.venv/bin/python benchmarks/plan_api_calls.py``. Prints the requests made, the list
pages among them, and the time to plan, with our client and, for comparison, with
PyGithub's default 0.25 s gap between reads and with PyGithub ``Issue`` objects (whose
``raw_data`` costs one GET per listed issue). The floor is the label list's pages plus one
blocked-by list per blocked issue. Then one body naming 3,000 closed issues: refused by the
default cap before any lookup, and within raised caps looked up a page of 100 at a time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from responses_github import ResponsesGitHub, serve

from lumina_wave.errors import InputError
from lumina_wave.github.client import connect
from lumina_wave.github_source import from_label
from lumina_wave.model import References
from lumina_wave.plan import build_plan

ISSUES = 1000


def populate(fake: ResponsesGitHub) -> None:
    """1,000 open labelled issues and 10 PRs; every 10th issue is blocked by the one before it,
    every 25th names two earlier issues in its body, and 20 depend on closed issues outside."""
    for n in range(1, 21):
        fake.add_issue(5000 + n, state="closed")
    for n in range(1, ISSUES + 1):
        body = f"Context\n\nDepends on #{n - 3} and #{n - 7}\n" if n % 25 == 0 else "Context\n"
        if n % 50 == 1:
            body += f"Requires #{5000 + n // 50 + 1}\n"
        fake.add_issue(n, f"Issue {n}", body=body, labels=["wave"], blocked_by=[n - 1] if n % 10 == 0 else ())
    for n in range(1, 11):
        fake.add_issue(ISSUES + n, labels=["wave"], pull_request=True)


def run(label: str, **throttle: float) -> None:
    with serve(ResponsesGitHub()) as fake:
        populate(fake)
        client = connect("o/r", "t", **throttle)
        start = time.perf_counter()
        plan = build_plan(from_label(client, "wave", include_dependencies=False))
        seconds = time.perf_counter() - start
        pages = sum(path.endswith("/issues") for path in fake.seen)
        print(
            f"{label:<34} {client.calls:>5} requests  {pages:>3} list pages  {seconds:6.2f} s  "
            f"({len(plan.items)} issues, {plan.wave_count} waves, {len(plan.external_done)} closed outside)"
        )


def run_floor() -> None:
    with serve(ResponsesGitHub()) as fake:
        populate(fake)
        blocked = sum(1 for n in range(1, ISSUES + 1) if n % 10 == 0)
        pages = -(-(ISSUES + 10) // 100)
        print(
            f"{'floor: list pages + blocked-by lists':<34} {pages + blocked:>5} requests  ({pages} pages, {blocked} blocked)"
        )


def run_references(refs: References, label: str) -> None:
    """Issue #1's body names #2 … #3001, all closed."""
    with serve(ResponsesGitHub()) as fake:
        for n in range(2, 3002):
            fake.add_issue(n, state="closed")
        fake.add_issue(1, labels=["wave"], body="Depends on " + ", ".join(f"#{n}" for n in range(2, 3002)))
        client = connect("o/r", "t")
        start = time.perf_counter()
        try:
            outcome = f"{len(from_label(client, 'wave', False, refs).done)} closed outside"
        except InputError as exc:
            outcome = f"exit 2: {exc.message[:60]}…"
        seconds = time.perf_counter() - start
        print(f"{label:<34} {client.calls:>5} requests  {seconds:6.2f} s  ({outcome})")


def run_pygithub_objects() -> None:
    with serve(ResponsesGitHub()) as fake:
        populate(fake)
        client = connect("o/r", "t")
        start = time.perf_counter()
        listed = list(client.repo.get_issues(state="open", labels=["wave"]))
        kept = [issue for issue in listed if "pull_request" not in issue.raw_data]
        seconds = time.perf_counter() - start
        print(
            f"{'PyGithub Issue objects + raw_data':<34} {client.calls:>5} requests  "
            f"(listing only, {len(kept)} issues)  {seconds:6.2f} s"
        )


if __name__ == "__main__":
    run("lumina-wave client")
    run("PyGithub default read gap 0.25 s", seconds_between_requests=0.25)
    run_pygithub_objects()
    run_floor()
    run_references(References(), "3,000 refs, default caps")
    run_references(References(per_issue=3000, per_plan=3000), "3,000 refs, caps raised to 3,000")
