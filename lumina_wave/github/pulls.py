"""Pull requests of the legs: find, create, update, label. The only module that calls them.

One PR per issue: the open PR whose head is the leg's branch is updated, never doubled. A
create whose answer was lost (a server error, a dropped connection) may have happened anyway,
and an "already exists" 422 means a racing leg opened it: the open PRs are looked up again
before creating again or giving up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import requests
from github import GithubException

from lumina_wave.errors import GitHubError
from lumina_wave.github.client import GitHubClient, api_errors, create_once, describe, pages

WRITE_PULLS = "contents: write, pull-requests: write"


# Why a PR's labels wait: the run's writes would pass GitHub's secondary limit (github/pacing.py).
NO_BUDGET = (
    "labels not added: GitHub's 500 writes an hour are spent (docs/limits.md); "
    "re-run the publish job after the hour to add them"
)


@dataclass(frozen=True)
class PullRequest:
    """The parts of a PR the result record keeps; ``warnings`` are what failed once the PR
    existed (its update, its labels)."""

    number: int
    url: str
    warnings: tuple[str, ...] = ()


class Pulls:
    """The PR operations of one repository, through ``client``.

    With ``defer_labels``, :meth:`ensure` queues the labels and :meth:`add_deferred_labels` writes
    them after every PR of the wave is open: under the hour's write budget the PRs come first.
    """

    def __init__(self, client: GitHubClient, defer_labels: bool = False) -> None:
        self.client = client
        self.owner = client.full_name.split("/", 1)[0]
        self.defer_labels = defer_labels
        self.deferred: list[tuple[int, tuple[str, ...]]] = []

    def find_open(self, branch: str) -> dict | None:
        """The open PR whose head is ``branch`` of this repository, or None."""
        path = f"/repos/{self.client.full_name}/pulls"
        params = {"state": "open", "head": f"{self.owner}:{branch}"}
        with api_errors(f"looking for the open PR of {branch}", WRITE_PULLS):
            found = [pr for page in pages(self.client, path, params) for pr in page]
        return min(found, key=lambda pr: pr["number"]) if found else None

    def latest(self, branch: str) -> dict | None:
        """The open PR of ``branch``, else its newest closed or merged one, else None."""
        path = f"/repos/{self.client.full_name}/pulls"
        params = {"state": "all", "head": f"{self.owner}:{branch}"}
        with api_errors(f"looking for the PRs of {branch}", WRITE_PULLS):
            found = [pr for page in pages(self.client, path, params) for pr in page]
        return max(found, key=lambda pr: (pr["state"] == "open", pr["number"])) if found else None

    def ensure(
        self, *, branch: str, base: str, title: str, body: str, draft: bool, labels: Sequence[str] = ()
    ) -> PullRequest:
        """Update the open PR of ``branch`` (title, body, base), or create it; then add ``labels``.

        Once the PR exists, a failure (its update, its labels) is one of the returned PR's
        ``warnings``, never instead of the PR."""
        warnings: list[str] = []
        pr = self.find_open(branch)
        if pr is None:
            pr = self._create(branch=branch, base=base, title=title, body=body, draft=draft)
        else:
            try:
                pr = self._update(pr["number"], base=base, title=title, body=body)
            except GitHubError as exc:
                warnings.append(str(exc))
        if labels and self.defer_labels:
            self.deferred.append((int(pr["number"]), tuple(labels)))
        elif labels:
            try:
                self._label(pr["number"], labels)
            except GitHubError as exc:
                warnings.append(str(exc))
        return PullRequest(int(pr["number"]), str(pr["html_url"]), tuple(warnings))

    def add_deferred_labels(self, reserve: int = 0) -> dict[int, str]:
        """Label the PRs queued by :meth:`ensure` while the hour's write budget affords it (leaving
        ``reserve`` writes); returns why each PR left unlabelled is (none on success): a failed
        label write, or :data:`NO_BUDGET`."""
        left: dict[int, str] = {}
        for number, labels in self.deferred:
            if not self.client.pacer.affords(reserve):
                left[number] = NO_BUDGET
                continue
            try:
                self._label(number, labels)
            except GitHubError as exc:
                left[number] = str(exc)
        self.deferred = []
        return left

    def _create(self, *, branch: str, base: str, title: str, body: str, draft: bool) -> dict:
        path = f"/repos/{self.client.full_name}/pulls"
        data = {"title": title, "head": branch, "base": base, "body": body, "draft": draft}

        def opened() -> dict | None:
            found = self.find_open(branch)
            return None if found is None else self._update(found["number"], base=base, title=title, body=body)

        try:
            return create_once(
                self.client,
                lambda: self.client.gh.requester.requestJsonAndCheck("POST", path, input=data)[1],
                opened,
            )
        except (GithubException, requests.RequestException) as exc:
            if isinstance(exc, GithubException) and exc.status == 422:
                found = opened()
                if found is not None:
                    return found
            # describe() names the repository setting when Actions may not open PRs (403).
            raise describe(exc, f"creating the PR of {branch} into {base}", WRITE_PULLS) from exc

    def _update(self, number: int, *, base: str, title: str, body: str) -> dict:
        path = f"/repos/{self.client.full_name}/pulls/{number}"
        with api_errors(f"updating PR #{number}", WRITE_PULLS):
            return self.client.gh.requester.requestJsonAndCheck(
                "PATCH", path, input={"title": title, "body": body, "base": base}
            )[1]

    def _label(self, number: int, labels: Sequence[str]) -> None:
        path = f"/repos/{self.client.full_name}/issues/{number}/labels"
        with api_errors(f"labelling PR #{number}", "issues: write, pull-requests: write"):
            # Adding labels twice is harmless: nothing to look for before repeating.
            create_once(
                self.client,
                lambda: self.client.gh.requester.requestJsonAndCheck(
                    "POST", path, input={"labels": list(labels)}
                ),
                lambda: None,
            )
