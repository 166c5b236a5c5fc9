"""What a leg may change, and how many PRs a run may open: pure checks the publisher makes
before it pushes (:func:`lumina_wave.legs.publish_leg`).

Paths are the files a leg's commit adds, changes or removes against the commit it started from,
from the top of the repository with ``/`` between folders. Patterns (inputs ``allowed-paths`` and
``blocked-paths``, comma or newline separated) match a whole path: ``*`` any characters within
one folder name, ``?`` one such character, ``**`` any number of folders (``docs/**`` matches
everything under docs, ``**/*.lock`` a lock file at any depth), and a pattern ending in ``/``
everything below that folder. No other character is special; a leading ``./`` is dropped.

A change is refused (status ``refused``, nothing pushed, no PR) when one of its paths

1. lies under ``.github/workflows/`` ("workflow change") and no ``allowed-paths`` pattern that
   itself starts with ``.github/workflows/`` matches it: a broad ``**`` does not let a workflow
   through, and a workflow is code that runs with the repository's secrets;
2. matches a ``blocked-paths`` pattern ("blocked path");
3. matches no ``allowed-paths`` pattern, when there are any ("outside allowed-paths").

``max-prs`` caps the PRs of a run (over every wave, and the follow-up runs of a deeper plan,
whose earlier records travel with it): an issue whose PR is counted already (a re-run) keeps it;
a new one past the cap is refused before its push.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from lumina_wave.errors import InputError

if TYPE_CHECKING:
    from lumina_wave.results import ResultRecord

WORKFLOWS = ".github/workflows/"


class PolicyRefusal(Exception):
    """A leg's change the policy does not let through: the message is the reason."""


def parse_globs(text: str, name: str) -> tuple[str, ...]:
    """The patterns of input ``name``; bad input for an absolute one or one with a ``..`` folder."""
    patterns = []
    for raw in re.split(r"[,\n]", text):
        pattern = raw.strip().removeprefix("./")
        if not pattern:
            continue
        if pattern.startswith("/") or ".." in pattern.split("/"):
            raise InputError(f"input '{name}': {pattern!r} must be relative to the top of the repository")
        patterns.append(pattern)
    return tuple(patterns)


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    if pattern.endswith("/"):
        pattern += "**"
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def matches(pattern: str, path: str) -> bool:
    """Whether ``pattern`` (the module's rules) matches the whole of ``path``."""
    return _regex(pattern).fullmatch(path) is not None


@dataclass
class ChangePolicy:
    """The inputs' policy and the PR count of the run so far (``with_pr``: issues holding one)."""

    allowed: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    max_prs: int | None = None
    with_pr: set[int] = field(default_factory=set)

    def path_refusal(self, paths: Iterable[str]) -> str | None:
        """Why the policy refuses a change of ``paths``, or None."""
        for path in sorted(paths):
            if path.startswith(WORKFLOWS):
                if not any(p.startswith(WORKFLOWS) and matches(p, path) for p in self.allowed):
                    return f"workflow change: {path}"
            elif self.allowed and not any(matches(p, path) for p in self.allowed):
                return f"outside allowed-paths: {path}"
            if any(matches(p, path) for p in self.blocked):
                return f"blocked path: {path}"
        return None

    def check(self, issue: int, paths: Iterable[str], wants_pr: bool) -> None:
        """Raise :class:`PolicyRefusal` unless ``issue``'s change of ``paths`` may be pushed (and,
        when ``wants_pr``, get a PR within ``max_prs``, which it then counts against)."""
        why = self.path_refusal(paths)
        if why:
            raise PolicyRefusal(why)
        if not wants_pr or issue in self.with_pr:
            return
        if self.max_prs is not None and len(self.with_pr) >= self.max_prs:
            raise PolicyRefusal(
                f"max-prs: this run opened {len(self.with_pr)} PRs already (max-prs {self.max_prs})"
            )
        self.with_pr.add(issue)


def pr_holders(records: Iterable[ResultRecord]) -> set[int]:
    """The issues whose publisher records name a PR: what earlier waves count against ``max-prs``."""
    return {int(r["issue"]) for r in records if r.get("pr_number")}
