"""Which PRs of a stacked wave form GitHub native stacks (``stack: true``). Pure.

With ``stack: true`` an issue with one dependency that left commits starts from that
dependency's branch, and its PR is based on it (:func:`lumina_wave.legs.choose_base`). Native
stacks are lines of such PRs, bottom to top, a PR in one stack at most: a chain follows each PR
to the one based on it. Where two PRs are based on the same one (a fork), the lower-numbered
issue continues the line and the other starts a line of its own when something is based on it.
An issue with several dependencies (a diamond) starts from a merge of their branches and is
based on the default branch: it is in no stack, and the summary says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lumina_wave.plan import Plan, branch_name

if TYPE_CHECKING:
    from lumina_wave.results import ResultRecord


@dataclass(frozen=True)
class StackPlan:
    """``chains``: issues bottom to top, each with a PR, at least two; ``not_stacked``: (issue, why)."""

    chains: tuple[tuple[int, ...], ...]
    not_stacked: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class StackReport:
    """What became of the stacks: ``stacks`` (stack number, PR numbers bottom to top) registered
    on GitHub; ``not_stacked`` (issue, why); ``unavailable``: why GitHub's native stacks could
    not be used at all (404 or 403: the branches stay stacked on each other)."""

    stacks: tuple[tuple[int, tuple[int, ...]], ...] = ()
    not_stacked: tuple[tuple[int, str], ...] = ()
    unavailable: str | None = None

    def stack_of(self, pr_number: int) -> int | None:
        return next((number for number, prs in self.stacks if pr_number in prs), None)


def _refs(numbers: tuple[int, ...] | list[int]) -> str:
    return ", ".join(f"#{n}" for n in numbers)


def plan_stacks(plan: Plan, results: Mapping[int, ResultRecord]) -> StackPlan:
    """The stacks the records of ``plan`` make (each record's ``base`` and ``pr_number``)."""
    with_pr = {n for n, r in results.items() if n in plan.items and r.get("pr_number")}
    below: dict[int, int] = {}  # issue -> the dependency its PR is based on
    not_stacked: list[tuple[int, str]] = []
    for n in sorted(with_pr, key=lambda i: (plan.wave_of[i], i)):
        deps = plan.depends_on[n]
        on = next((d for d in deps if branch_name(d) == results[n].get("base")), None)
        if on is not None and on in with_pr:
            below[n] = on
        elif len(deps) > 1 and any(d in with_pr for d in deps):
            not_stacked.append(
                (n, f"depends on {_refs(deps)}: a stack is one line of PRs, so its PR is based on "
                 f"{results[n].get('base') or 'the default branch'}")
            )  # fmt: skip
    above: dict[int, list[int]] = {}
    for n, d in sorted(below.items()):
        above.setdefault(d, []).append(n)
    chains = []
    starts = [n for n in sorted(above, key=lambda i: (plan.wave_of[i], i)) if n not in below]
    while starts:
        chain = [starts.pop(0)]
        while chain[-1] in above:
            first, *others = above[chain[-1]]
            for other in others:
                not_stacked.append((other, f"#{chain[-1]} already has #{first} on top in its stack"))
                if other in above:
                    starts.append(other)
            chain.append(first)
        chains.append(tuple(chain))
    return StackPlan(tuple(chains), tuple(sorted(not_stacked)))
