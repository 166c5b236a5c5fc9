"""The waves the end-to-end tests run: each seeds the fake GitHub and its origin, and says what to expect.

- :func:`luminaguard_manifest`: examples/luminaguard.yml committed as ``.github/waves.yml``, run by
  ``workflow_dispatch``: comments on the PRs only.
- :func:`luminaguard_labels`: the same wave from label ``wave`` and GitHub's blocked-by, run by
  labelling #155: the summary also goes to #155.
- :func:`epic`: the sub-issues of epic #150, summary on the epic (``comment-on``).
- :func:`dag40`: 40 issues in 6 waves (sizes 8, 8, 7, 7, 5, 5), dependencies from blocked-by on
  even issues and ``Depends on #N`` body lines on odd ones, from label ``wave``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from fakegithub import FakeGitHub
from fakegithub.gitrepo import git

from .driver import ROOT, Inputs

LUMINAGUARD = {
    152: "Cross-Platform VM Research",
    154: "Hypervisor Abstraction Layer",
    155: "macOS Virtualization.framework Backend",
}
DAG_WAVES = (8, 8, 7, 7, 5, 5)
DAG_FIRST = 201


@dataclass
class Scenario:
    name: str
    inputs: Inputs
    event: dict | None
    issues: tuple[int, ...]
    waves: list[list[int]]
    comment_on: tuple[int, ...] = ()  # where the summary goes besides the PRs
    agents: dict[int, dict] = field(default_factory=dict)

    def expected(self, status: str = "success") -> dict[int, str]:
        return dict.fromkeys(self.issues, status)


def labeled_event(fake: FakeGitHub, number: int, label: str = "wave") -> dict:
    """An ``issues`` ``labeled`` event, as GITHUB_EVENT_PATH holds it (trimmed to what is read)."""
    issue = fake.state.issues[number]
    return {
        "action": "labeled",
        "label": {"name": label},
        "issue": {"number": number, "title": issue.title, "labels": [{"name": n} for n in issue.labels]},
        "repository": {"full_name": fake.state.full_name},
    }


def luminaguard_manifest(fake: FakeGitHub, clone: Path) -> Scenario:
    for number, title in LUMINAGUARD.items():
        fake.state.add_issue(number, title=title)
    (clone / ".github").mkdir(exist_ok=True)
    shutil.copy(ROOT / "examples" / "luminaguard.yml", clone / ".github" / "waves.yml")
    git(clone, "add", ".github/waves.yml")
    git(clone, "commit", "--quiet", "-m", "Add the wave manifest")
    git(clone, "push", "--quiet", "origin", "main")
    return Scenario("luminaguard-manifest", Inputs(), None, (152, 154, 155), [[152, 154], [155]])


def luminaguard_labels(fake: FakeGitHub, clone: Path) -> Scenario:
    for number, title in LUMINAGUARD.items():
        fake.state.add_issue(number, title=title, labels=["wave"], blocked_by=[154] if number == 155 else [])
    return Scenario(
        "luminaguard-labels",
        Inputs(label="wave"),
        labeled_event(fake, 155),
        (152, 154, 155),
        [[152, 154], [155]],
        comment_on=(155,),
    )


def epic(fake: FakeGitHub, clone: Path) -> Scenario:
    fake.state.add_issue(150, title="LuminaGuard VM backends", sub_issues=list(LUMINAGUARD))
    for number, title in LUMINAGUARD.items():
        fake.state.add_issue(number, title=title, blocked_by=[154] if number == 155 else [])
    return Scenario(
        "epic",
        Inputs(epic="150", comment_on="150"),
        None,
        (152, 154, 155),
        [[152, 154], [155]],
        comment_on=(150,),
    )


def dag40(fake: FakeGitHub, clone: Path) -> Scenario:
    waves: list[list[int]] = []
    number = DAG_FIRST
    for size in DAG_WAVES:
        waves.append(list(range(number, number + size)))
        number += size
    for k, wave in enumerate(waves):
        for i, n in enumerate(wave):
            deps = [waves[k - 1][i % len(waves[k - 1])]] if k else []
            if k > 1 and i % 3 == 0:
                deps.append(waves[k - 2][(i + 1) % len(waves[k - 2])])
            body = f"Step {i} of wave {k + 1}."
            blocked = deps if n % 2 == 0 else []
            if n % 2:
                body += "".join(f"\nDepends on #{d}" for d in deps)
            fake.state.add_issue(n, title=f"DAG task {n}", body=body, labels=["wave"], blocked_by=blocked)
    issues = tuple(n for wave in waves for n in wave)
    return Scenario("dag40", Inputs(label="wave", max_parallel=8), None, issues, waves)


ALL = {
    "luminaguard-manifest": luminaguard_manifest,
    "luminaguard-labels": luminaguard_labels,
    "epic": epic,
    "dag40": dag40,
}
