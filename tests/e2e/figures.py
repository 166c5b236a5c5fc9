"""The figures the end-to-end runs measure, kept for ``docs/reliability.md`` (see :mod:`.plugin`).

Each test records one scenario: the workflow attempts it made, the legs run, the API calls the
fake answered, the faults it injected by kind, contract violations and duplicates found.
Seeded faults are decided per operation and call index (:class:`~.faults.SeededFaults`), so the
figures do not depend on how the legs' threads interleave; runs that race on purpose record no
call count (it depends on who wins).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from fakegithub import FakeGitHub

from .driver import WaveRun

DOC = "docs/reliability.md"
TEST_FILES = (
    "test_e2e_waves.py",
    "test_e2e_faults.py",
    "test_e2e_reruns.py",
    "test_local_faults.py",
    "test_e2e_existing.py",
)


F = TypeVar("F")


@dataclass
class Rows(Generic[F]):
    """Figures by name, each name recorded once (the tests run legs in threads)."""

    rows: dict[str, F] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, what: str, name: str, figure: F) -> F:
        with self._lock:
            if name in self.rows:
                raise ValueError(f"{what} {name!r} recorded twice")
            self.rows[name] = figure
        return figure

    def section(self, heading: str, *lines: str) -> list[str]:
        """A markdown section of ``docs/reliability.md``; none while nothing was recorded."""
        return [f"## {heading}", "", *lines, ""] if self.rows else []


@dataclass(frozen=True)
class Figure:
    scenario: str
    attempts: int
    legs: int
    calls: int | None  # None: not stable (a race)
    faults: Counter[str]
    violations: int
    duplicates: int


@dataclass(frozen=True)
class LocalFigure:
    """One step of ``lumina-wave local`` killed with ``kill -9``, then a resumed run."""

    step: str
    killed: int
    agents_left: int
    lost_commits: int
    unrecorded: int  # issues without a recorded status after the resumed run
    wrong_pushes: int  # pushed branches that are not the recorded commit


@dataclass
class LocalFigures(Rows[LocalFigure]):
    def record(self, figure: LocalFigure) -> None:
        self.put("step", figure.step, figure)

    def markdown(self) -> list[str]:
        rows = list(self.rows.values())
        return self.section(
            "`lumina-wave local`: kill -9 at each step",
            "tests/test_local_faults.py kills `local` (SIGKILL) at one step of a two-issue chain run with",
            "`--push`, from a git `reference-transaction` hook or from the agent, then resumes the run.",
            "",
            "| step killed | kills | agents left | lost commits | issues unrecorded | wrong pushes |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            *(
                f"| {f.step} | {f.killed} | {f.agents_left} | {f.lost_commits} | {f.unrecorded} | {f.wrong_pushes} |"
                for f in rows
            ),
            f"| **all {len(rows)} steps** | {sum(f.killed for f in rows)} | {sum(f.agents_left for f in rows)} "
            f"| {sum(f.lost_commits for f in rows)} | {sum(f.unrecorded for f in rows)} "
            f"| {sum(f.wrong_pushes for f in rows)} |",
        )


@dataclass(frozen=True)
class KeepFigure:
    """One fault of the GitHub path's matrix (tests/test_e2e_existing.py), over all its runs."""

    fault: str
    runs: int
    lost_commits: int  # commits of anyone's that no ref of origin reaches any more
    duplicates: int  # extra PRs on one branch plus extra summary comments on one target
    unrecorded: int  # issues of the plan without a recorded status after the last run


@dataclass
class KeepFigures(Rows[KeepFigure]):
    def record(self, figure: KeepFigure) -> None:
        self.put("fault", figure.fault, figure)

    def markdown(self) -> list[str]:
        rows = sorted(self.rows.values(), key=lambda f: f.fault)
        return self.section(
            "GitHub path: nothing lost, nothing twice",
            "lumina-wave's commits carry the trailers `Lumina-Wave-Plan: <plan id>` and",
            "`Lumina-Wave-Issue: <N>`; a commit on `feature/issue-N` beyond the leg's start refs without",
            "them is someone else's (a reviewer's, GitHub's \"Update branch\" merge, an agent's own",
            "commit: when in doubt, keep). `existing-branch: continue` (default) starts the leg from the",
            "remote branch and the publisher pushes on top of it; `restart` pushes the old tip to",
            "`refs/lumina-wave/backup/issue-N/<stamp>` on origin first (named in the record's",
            "`backup_ref`, its warnings and the summary); `skip` records `skipped` and keeps the open PR",
            "in the summary. An issue whose PR was merged or closed is `skipped` unless `restart`.",
            "",
            "A commit arriving while the legs run (between prepare and publish): the publisher never",
            "pushes over commits of others that the leg's change does not contain. It leases on the tip",
            "it fetched; when that tip holds commits of others missing from the change, the leg ends",
            "`failed` with a clear line and its commit is pushed to a backup ref instead (no rebuild on",
            "top: a rebase of the agent's work could conflict or break it silently; the next run",
            "continues from the new tip). With `restart` the publisher backs the tip up and pushes.",
            "A push the remote rejects also keeps the leg's commit under a backup ref.",
            "A label, an update or another failure after the PR exists goes to the record's `warnings`",
            "(and the summary's Warnings), beside the PR: it stays in the merge order and gets its",
            "comment, and its dependents run.",
            "",
            "tests/test_e2e_existing.py drives whole workflow runs through each fault: an API fault at",
            "each write of publish and summarize (502 and a dropped connection after GitHub acted), a",
            "rejected push, a reviewer's commit before a second run (each mode) or mid-run, a merged",
            'PR, `kill -9` of the publish step (then "Re-run failed jobs"). Lost commits: the commits',
            "of the runs' records and the reviewers' commits that no ref of origin reaches after a run.",
            "",
            "| fault | workflow runs | lost commits | duplicate PRs, comments | issues unrecorded |",
            "| --- | ---: | ---: | ---: | ---: |",
            *(f"| {f.fault} | {f.runs} | {f.lost_commits} | {f.duplicates} | {f.unrecorded} |" for f in rows),
            f"| **all {len(rows)} faults** | {sum(f.runs for f in rows)} | {sum(f.lost_commits for f in rows)} "
            f"| {sum(f.duplicates for f in rows)} | {sum(f.unrecorded for f in rows)} |",
        )


@dataclass
class Figures(Rows[Figure]):
    def record(
        self, scenario: str, fake: FakeGitHub, runs: list[WaveRun], duplicates: int, *, stable: bool = True
    ) -> Figure:
        faults: Counter[str] = Counter()
        for (kind, _operation), n in fake.faults.injected.items():
            faults[kind] += n
        figure = Figure(
            scenario,
            sum(r.attempt for r in runs),
            sum(r.legs_run for r in runs),
            len(fake.requests) if stable else None,
            faults,
            len(fake.violations),
            duplicates,
        )
        return self.put("scenario", scenario, figure)

    def markdown(self) -> str:
        rows = sorted(self.rows.values(), key=lambda f: f.scenario)
        faults: Counter[str] = sum((f.faults for f in rows), Counter())
        stable = [f for f in rows if f.calls is not None]
        lines = [
            "# Reliability figures",
            "",
            "<!-- Generated by the end-to-end suite (tests/e2e/plugin.py) after a full, green run of",
            f"     {', '.join('tests/' + name for name in TEST_FILES)}. Do not edit. -->",
            "",
            "Every run drives `entrypoint.py` through every job of `.github/workflows/wave.yml` (plan,",
            "each leg of each wave, summarize) against a fake GitHub on 127.0.0.1 that checks every",
            "request and response against GitHub's OpenAPI description. Faults are seeded, so these",
            "figures change only when the code's behaviour does.",
            "",
            "| figure | value |",
            "| --- | ---: |",
            f"| scenarios | {len(rows)} |",
            f"| workflow runs made (attempts) | {sum(f.attempts for f in rows)} |",
            f"| legs run | {sum(f.legs for f in rows)} |",
            f"| GitHub API calls made (runs without races) | {sum(f.calls or 0 for f in stable)} |",
            f"| faults injected | {sum(faults.values())} |",
            f"| contract violations | {sum(f.violations for f in rows)} |",
            f"| duplicates found (PRs, summary comments) | {sum(f.duplicates for f in rows)} |",
            "",
            "## Faults injected, by kind",
            "",
            "`-after-write`: the write happened, then the answer was lost.",
            "",
            "| kind | count |",
            "| --- | ---: |",
            *(f"| {kind} | {n} |" for kind, n in sorted(faults.items())),
            "",
            "## Scenarios",
            "",
            "| scenario | attempts | legs | API calls | faults | violations | duplicates |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *(
                f"| {f.scenario} | {f.attempts} | {f.legs} | {'race' if f.calls is None else f.calls} "
                f"| {sum(f.faults.values())} | {f.violations} | {f.duplicates} |"
                for f in rows
            ),
            "",
            *LOCAL_FIGURES.markdown(),
            *KEEP_FIGURES.markdown(),
        ]
        return "\n".join(lines)


LOCAL_FIGURES = LocalFigures()
KEEP_FIGURES = KeepFigures()
FIGURES = Figures()
