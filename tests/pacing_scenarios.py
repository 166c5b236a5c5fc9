"""The two widest write loads of a run, against the fake GitHub's secondary limit on a virtual clock.

Shared by tests/test_pacing.py (which asserts) and benchmarks/write_pacing.py (which prints):

- :func:`publish_wide_wave`: a publisher's writes for a 256-issue wave with ``pr-labels``: find
  and open each PR, edit the home comment, then label the PRs as the hour affords (the publish
  command's own functions: ``_paced_pulls``, ``_after_wave``);
- :func:`summarize_wide_run`: summarize of a 600-PR run as the runner runs it (``entrypoint.py``),
  with the run's write ledger among the records.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fakegithub import FakeGitHub, Repo, SecondaryLimit
from fakegithub.gitrepo import init_origin

from lumina_wave.github.pacing import VirtualClock
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import branch_name, build_plan, plan_to_json
from lumina_wave.results import new_record
from lumina_wave.store import write_result

ROOT = Path(__file__).resolve().parents[1]
HOME = 1


@dataclass
class Load:
    """What one load did: requests, writes accepted and refused by the limit, and the times."""

    requests: int
    writes: int
    refused: int
    peak_minute: int
    virtual_seconds: float
    real_seconds: float
    log: str = ""  # of summarize: its output
    progress_requests: int = 0  # of publish: the home comment's edit after the wave


def measured(fake, limit, virtual_seconds: float, started: float, **extra) -> Load:
    """The :class:`Load` of what ``fake`` and its secondary ``limit`` saw since ``started``."""
    return Load(
        len(fake.requests),
        len(limit.accepted),
        limit.refused,
        limit.peak_minute,
        virtual_seconds,
        time.perf_counter() - started,
        **extra,
    )


def unlabelled(fake: FakeGitHub) -> int:
    """PRs that carry no label."""
    return sum(1 for n in fake.state.pulls if not fake.state.issues[n].labels)


def _branches(bare: Path, names: list[str]) -> None:
    """One commit on top of main, on every branch of ``names`` (a change to open a PR from)."""

    def git(*args: str, given: str | None = None) -> str:
        done = subprocess.run(
            ["git", "--git-dir", str(bare), *args], input=given, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    tree = git("rev-parse", "main^{tree}")
    env_commit = ["-c", "user.name=T", "-c", "user.email=t@example.com"]
    sha = subprocess.run(
        ["git", *env_commit, "--git-dir", str(bare), "commit-tree", tree, "-p", "main", "-m", "work"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git("update-ref", "--stdin", given="".join(f"create refs/heads/{n} {sha}\n" for n in names))


def publish_wide_wave(
    root: Path, issues: int = 256, labels: tuple[str, ...] = ("wave",)
) -> tuple[Load, FakeGitHub]:
    """A publisher's writes for one wave of ``issues`` PRs, paced on a virtual clock."""
    from lumina_wave.commands.publish import _after_wave, paced_pulls
    from lumina_wave.context import Context
    from lumina_wave.progress_comment import post_progress, render_progress

    clock = VirtualClock(root / "clock")
    bare, _ = init_origin(root)
    numbers = list(range(HOME + 1, HOME + 1 + issues))
    _branches(bare, [branch_name(n) for n in numbers])
    plan = build_plan(Selection(source="pacing", items=[Item(number=n, title=f"Issue {n}") for n in numbers]))
    limit = SecondaryLimit(clock.now)
    with FakeGitHub(Repo(git_dir=bare), secondary=limit) as fake:
        fake.state.add_issue(HOME, "Home")
        for n in numbers:
            fake.state.add_issue(n, f"Issue {n}")
        given = {
            "LUMINA_WAVE_VIRTUAL_CLOCK": str(clock.path),
            "LUMINA_WAVE_WRITE_GAP": "0",
            "GITHUB_API_URL": fake.api,
        }
        saved = {name: os.environ.get(name) for name in given}
        os.environ |= given
        try:
            started, virtual = time.perf_counter(), clock.now()
            pulls = paced_pulls(Context.from_env(os.environ, token="ghs_fake"), fake.state.full_name, [])
            assert pulls is not None
            post_progress(
                pulls.client, plan, [HOME], render_progress(plan, {}, 0, None, None)
            )  # the plan job's
            records = {}
            for n in numbers:
                branch = branch_name(n)
                pr = pulls.ensure(
                    branch=branch, base="main", title=f"#{n}", body=f"Closes #{n}", draft=False, labels=labels
                )
                records[n] = new_record(plan.plan_id, n, "success", branch, pr_number=pr.number)
            before = len(fake.requests)
            _after_wave(None, pulls, plan, 1, records, [HOME], None)
            after = fake.requests[before:]
            progress = sum(r.operation != "issues/add-labels" for r in after)
            load = measured(fake, limit, clock.now() - virtual, started, progress_requests=progress)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return load, fake


def summarize_wide_run(root: Path, prs: int = 600, ledger: int = 0) -> tuple[Load, FakeGitHub]:
    """summarize of a run whose ``prs`` issues each have a PR, with ``ledger`` writes of the
    publishers in the last ten minutes, through ``entrypoint.py`` on a virtual clock."""
    clock = VirtualClock(root / "clock")
    numbers = list(range(HOME + 1, HOME + 1 + prs))
    per_wave = max(prs // 10, 1)
    edges = [Edge(issue=n, depends_on=n - per_wave) for n in numbers if n - per_wave in numbers]
    plan = build_plan(
        Selection(source="pacing", items=[Item(number=n, title=f"Issue {n}") for n in numbers], edges=edges)
    )
    limit = SecondaryLimit(clock.now)
    with FakeGitHub(Repo(), secondary=limit) as fake:
        state = fake.state
        state.add_issue(HOME, "Home")
        for n in numbers:
            state.add_issue(n, f"Issue {n}")
        for n in numbers:
            state.add_issue(10_000 + n, f"PR for #{n}")  # a PR is an issue to comment on
        lw = root / "ws" / ".lumina-wave"
        (lw / "results").mkdir(parents=True)
        (lw / "plan.json").write_text(json.dumps(plan_to_json(plan)))
        for n in numbers:
            write_result(
                lw / "results",
                new_record(
                    plan.plan_id,
                    n,
                    "success",
                    branch_name(n),
                    pr_number=10_000 + n,
                    pr_url=f"https://github.com/{state.full_name}/pull/{10_000 + n}",
                ),
            )
        now = clock.now()
        (lw / "results" / "writes-wave-10.json").write_text(
            json.dumps({"writes": [now - 600 + i / 10 for i in range(ledger)]})
        )
        env = fake.runner_env() | {
            "GITHUB_RUN_ID": "4711",
            "GITHUB_WORKSPACE": str(root / "ws"),
            "INPUT_COMMAND": "summarize",
            "INPUT_COMMENT-ON": str(HOME),
            "INPUT_MAX-WAVES": "10",
            "LUMINA_WAVE_WRITE_GAP": "0",
            "LUMINA_WAVE_VIRTUAL_CLOCK": str(clock.path),
        }
        started, virtual = time.perf_counter(), clock.now()
        done = subprocess.run(
            [sys.executable, str(ROOT / "entrypoint.py")],
            cwd=root / "ws",
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        load = measured(fake, limit, clock.now() - virtual, started, log=done.stdout + done.stderr)
    return load, fake
