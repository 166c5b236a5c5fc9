"""GitHub's native stacks of pull requests (public preview): find, create, grow. The only module
that calls them.

A stack is found by its bottom PR (``GET …/stacks?pull_request=N``); a line of PRs that extends
the stack found is added on top (``POST …/stacks/{n}/add``), a new one is created (``POST
…/stacks``), one already registered is left as it is. A repository without native stacks answers
404 or 403: then no stack is made and the branches stay stacked on each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from lumina_wave.errors import GitHubError
from lumina_wave.github.client import GitHubClient, api_errors, create_once, pages
from lumina_wave.stacking import StackPlan, StackReport

WRITE_STACKS = "pull-requests: write"
NOT_ENABLED = (403, 404)


class Stacks:
    """The stacks of one repository, through ``client``."""

    def __init__(self, client: GitHubClient) -> None:
        self.client = client
        self.path = f"/repos/{client.full_name}/stacks"

    def find(self, pr_number: int) -> dict | None:
        """The stack holding PR ``pr_number``, or None."""
        with api_errors(f"looking for the stack of PR #{pr_number}", WRITE_STACKS):
            found = [s for page in pages(self.client, self.path, {"pull_request": pr_number}) for s in page]
        return found[0] if found else None

    def register(self, prs: Sequence[int]) -> int:
        """Make ``prs`` (bottom to top) a stack, or the top of the stack of its bottom PR; its number."""
        existing = self.find(prs[0])
        if existing is None:
            made = self._post(self.path, prs, f"creating the stack {_refs(prs)}", self._holding(prs))
            return int(made["number"])
        number = int(existing["number"])
        have = _numbers(existing)
        if have == list(prs[: len(have)]) and len(have) < len(prs):
            new = prs[len(have) :]
            self._post(
                f"{self.path}/{number}/add",
                new,
                f"adding {_refs(new)} to stack #{number}",
                self._holding(prs),
            )
        elif list(prs) != have[: len(prs)]:
            raise GitHubError(f"stack #{number} holds {_refs(have)}, not {_refs(prs)}: left as it is")
        return number

    def _holding(self, prs: Sequence[int]) -> Callable[[], dict | None]:
        """A look-up for a create whose answer was lost: the stack of the bottom PR, if it holds ``prs``."""

        def find() -> dict | None:
            found = self.find(prs[0])
            return found if found is not None and _numbers(found)[: len(prs)] == list(prs) else None

        return find

    def _post(self, path: str, prs: Sequence[int], doing: str, find: Callable[[], dict | None]) -> dict:
        requester = self.client.gh.requester
        with api_errors(doing, WRITE_STACKS):
            return create_once(
                self.client,
                lambda: requester.requestJsonAndCheck("POST", path, input={"pull_requests": list(prs)})[1],
                find,
            )


def _numbers(stack: dict) -> list[int]:
    return [int(p["number"]) for p in stack["pull_requests"]]


def _refs(prs: Sequence[int]) -> str:
    return " → ".join(f"#{n}" for n in prs)


def register_stacks(client: GitHubClient, planned: StackPlan, pr_of: Mapping[int, int]) -> StackReport:
    """Register every chain of ``planned`` (issues; ``pr_of`` maps them to PR numbers) as a stack.

    A 404 or 403 (native stacks not enabled) stops it: :attr:`StackReport.unavailable` says so.
    Any other failure leaves that chain unstacked, with the error as the reason.
    """
    stacks: list[tuple[int, tuple[int, ...]]] = []
    not_stacked = list(planned.not_stacked)
    api = Stacks(client)
    for chain in planned.chains:
        prs = tuple(pr_of[n] for n in chain)
        try:
            stacks.append((api.register(prs), prs))
        except GitHubError as exc:
            if exc.status in NOT_ENABLED:
                return StackReport((), tuple(not_stacked), str(exc))
            not_stacked.extend((n, f"not stacked: {exc}") for n in chain)
    return StackReport(tuple(stacks), tuple(sorted(not_stacked)))
