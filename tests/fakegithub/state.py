"""The fake GitHub's in-memory model of one repository, and the rules GitHub applies to writes.

Issues and pull requests share one number space, as on GitHub: a pull request is an
:class:`Issue` with ``is_pull`` set plus a :class:`Pull` under the same number. Pull requests
can only be opened from branches that exist in the real bare repository the fake is bound
to (checked with ``git rev-parse``), so a test proves that the code pushed before it asked.
Operations that GitHub would refuse raise :class:`ApiError` with GitHub's status and message.
"""

from __future__ import annotations

import itertools
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiError(Exception):
    """GitHub's refusal: ``status`` and the ``message`` (and ``errors`` of a 422) it answers with."""

    def __init__(self, status: int, message: str, errors: list[dict] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


@dataclass(frozen=True)
class User:
    login: str
    id: int
    type: str = "User"


OWNER = User("octo-org", 9919, "Organization")
AUTHOR = User("octocat", 583231)
ACTIONS_BOT = User("github-actions[bot]", 41898282, "Bot")


@dataclass
class LabelSpec:
    id: int
    color: str = "ededed"
    description: str | None = None


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: User
    labels: list[str] = field(default_factory=list)
    state: str = "open"
    blocked_by: list[int] = field(default_factory=list)
    sub_issues: list[int] = field(default_factory=list)
    is_pull: bool = False
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)
    closed_at: str | None = None


LABEL_NAME_LIMIT = 50


@dataclass
class Pull:
    number: int
    id: int
    head: str
    base: str
    head_sha: str
    base_sha: str
    draft: bool = False
    maintainer_can_modify: bool = True
    merged_at: str | None = None


@dataclass
class Stack:
    """A native stack of pull requests (public preview, 2026-07-30): PR numbers bottom to top."""

    number: int
    id: int
    pulls: list[int]
    created_at: str


@dataclass
class Comment:
    id: int
    issue_number: int
    body: str
    user: User
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)


@dataclass(frozen=True)
class Reaction:
    id: int
    comment_id: int
    content: str
    user: User
    created_at: str = field(default_factory=now)


# GitHub's base roles, weakest first; ``permission`` maps maintain to write and triage to read.
BASE_ROLES = ("read", "triage", "write", "maintain", "admin")
LEGACY_PERMISSION = {
    "read": "read",
    "triage": "read",
    "write": "write",
    "maintain": "write",
    "admin": "admin",
}


@dataclass
class Job:
    id: int
    run_id: int
    name: str
    status: str = "completed"
    conclusion: str | None = "success"
    started_at: str | None = None
    completed_at: str | None = None


@dataclass(frozen=True)
class Dispatch:
    """One accepted POST …/actions/workflows/{workflow_id}/dispatches."""

    workflow: str
    ref: str
    inputs: dict[str, str]
    run_id: int = 0


@dataclass
class Repo:
    """One repository: issues, pull requests, comments, labels and workflow-run jobs.

    ``actor`` is who the token belongs to (writes are authored by it); ``git_dir`` is the bare
    repository pull requests are opened from (None: every pull request creation is refused).
    """

    owner: User = OWNER
    name: str = "r"
    id: int = 4242
    default_branch: str = "main"
    git_dir: Path | None = None
    actor: User = ACTIONS_BOT
    issues: dict[int, Issue] = field(default_factory=dict)
    pulls: dict[int, Pull] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    labels: dict[str, LabelSpec] = field(default_factory=dict)
    jobs: dict[int, list[Job]] = field(default_factory=dict)
    # workflow file -> the inputs its workflow_dispatch trigger declares (None: no such trigger)
    workflows: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    dispatches: list[Dispatch] = field(default_factory=list)
    stacks: dict[int, Stack] = field(default_factory=dict)
    # None: native stacks are enabled; 404 or 403: every stacks call answers that (not enabled)
    stacks_refused: int | None = None
    # login -> role on the repository (a base role, or a name of custom_roles); a login missing
    # here reads as a public repository answers for anyone: read
    collaborators: dict[str, str] = field(default_factory=lambda: {AUTHOR.login: "admin"})
    custom_roles: dict[str, str] = field(default_factory=dict)  # custom role name -> its base role
    reactions: list[Reaction] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1_000_001))

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    @property
    def open_issues(self) -> int:
        return sum(i.state == "open" for i in self.issues.values())

    def next_id(self) -> int:
        return next(self._ids)

    # --- setup (tests) ---------------------------------------------------------------------

    def add_issue(
        self,
        number: int | None = None,
        title: str = "",
        body: str | None = "",
        labels: list[str] | tuple[str, ...] = (),
        state: str = "open",
        blocked_by: list[int] | tuple[int, ...] = (),
        sub_issues: list[int] | tuple[int, ...] = (),
    ) -> Issue:
        """Add issue ``number`` (the next free number by default); labels are created as needed."""
        number = number if number is not None else self.next_number()
        if number in self.issues:
            raise ValueError(f"issue #{number} exists")
        for name in labels:
            self.ensure_label(name)
        issue = Issue(
            number, self.next_id(), title or f"Issue {number}", body, AUTHOR, list(labels), state,
            list(blocked_by), list(sub_issues),
        )  # fmt: skip
        if state == "closed":
            issue.closed_at = issue.updated_at
        self.issues[number] = issue
        return issue

    def add_jobs(self, run_id: int, jobs: list[tuple[str, str | None, str | None]]) -> list[Job]:
        """Jobs of run ``run_id`` as ``(name, started_at, completed_at)``."""
        made = [Job(self.next_id(), run_id, name, started_at=s, completed_at=c) for name, s, c in jobs]
        self.jobs.setdefault(run_id, []).extend(made)
        return made

    def dispatch(self, workflow: str, ref: str, inputs: dict[str, str]) -> Dispatch:
        """A workflow_dispatch, refused as GitHub refuses it."""
        if workflow not in self.workflows:
            raise ApiError(404, "Not Found")
        declared = self.workflows[workflow]
        if declared is None:
            raise ApiError(422, "Workflow does not have 'workflow_dispatch' trigger")
        unexpected = sorted(set(inputs) - set(declared))
        if unexpected:
            raise ApiError(422, f"Unexpected inputs provided: {unexpected}")
        made = Dispatch(workflow, ref, dict(inputs), self.next_id())
        self.dispatches.append(made)
        return made

    def ensure_label(self, name: str) -> None:
        self.labels.setdefault(name, LabelSpec(self.next_id()))

    def next_number(self) -> int:
        return max(self.issues, default=0) + 1

    # --- reads -------------------------------------------------------------------------------

    def issue(self, number: int) -> Issue:
        if number not in self.issues:
            raise ApiError(404, "Not Found")
        return self.issues[number]

    def pull(self, number: int) -> tuple[Issue, Pull]:
        if number not in self.pulls:
            raise ApiError(404, "Not Found")
        return self.issues[number], self.pulls[number]

    def blocking(self, number: int) -> list[int]:
        return [n for n, issue in self.issues.items() if number in issue.blocked_by]

    def comment_count(self, number: int) -> int:
        return sum(c.issue_number == number for c in self.comments.values())

    def list_issues(self, state: str, labels: list[str], direction: str, sort: str) -> list[Issue]:
        found = [
            issue
            for issue in self.issues.values()
            if state in ("all", issue.state) and all(name in issue.labels for name in labels)
        ]
        key = {"updated": lambda i: (i.updated_at, i.number)}.get(sort, lambda i: i.number)
        return sorted(found, key=key, reverse=direction == "desc")

    def list_pulls(self, state: str, head: str | None, base: str | None) -> list[tuple[Issue, Pull]]:
        """Pull requests, newest first; ``head`` is ``owner:branch`` as GitHub requires."""
        branch = None
        if head:
            owner, _, branch = head.partition(":")
            if owner != self.owner.login:
                return []
        return [
            (self.issues[n], pr)
            for n, pr in sorted(self.pulls.items(), reverse=True)
            if state in ("all", self.issues[n].state)
            and (branch is None or pr.head == branch)
            and (base is None or pr.base == base)
        ]

    # --- writes ------------------------------------------------------------------------------

    def create_pull(self, title: str | None, body: str | None, head: str, base: str, draft: bool) -> Issue:
        """Open a pull request as GitHub would, or raise its 422."""
        owner, _, branch = head.rpartition(":")
        if owner and owner != self.owner.login:
            raise _invalid("PullRequest", "head", "invalid")
        head_sha = self._branch_sha(branch)
        base_sha = self._branch_sha(base)
        if head_sha is None:
            raise _invalid("PullRequest", "head", "invalid")
        if base_sha is None:
            raise _invalid("PullRequest", "base", "invalid")
        for number, pr in self.pulls.items():
            if pr.head == branch and pr.base == base and self.issues[number].state == "open":
                message = f"A pull request already exists for {self.owner.login}:{branch}."
                raise ApiError(
                    422,
                    "Validation Failed",
                    [{"resource": "PullRequest", "code": "custom", "message": message}],
                )
        if self._contains(base_sha, head_sha):
            raise ApiError(422, "Validation Failed", [{"resource": "PullRequest", "code": "custom", "message": f"No commits between {base} and {branch}"}])  # fmt: skip
        if not title:
            raise _invalid("PullRequest", "title", "missing_field")
        number = self.next_number()
        self.issues[number] = Issue(number, self.next_id(), title, body, self.actor, is_pull=True)
        self.pulls[number] = Pull(number, self.next_id(), branch, base, head_sha, base_sha, draft)
        return self.issues[number]

    def stack_of(self, number: int) -> Stack | None:
        return next((s for s in self.stacks.values() if number in s.pulls), None)

    def create_stack(self, numbers: list[int]) -> Stack:
        """A new stack of ``numbers`` (bottom to top), or GitHub's 422."""
        if not 2 <= len(numbers) <= 100:
            raise _invalid("Stack", "pull_requests", "invalid")
        self._check_stackable(numbers, below=None)
        made = Stack(max(self.stacks, default=0) + 1, self.next_id(), list(numbers), now())
        self.stacks[made.number] = made
        return made

    def add_to_stack(self, stack_number: int, numbers: list[int]) -> Stack:
        """``numbers`` on top of stack ``stack_number``, or GitHub's 404/422."""
        stack = self.stacks.get(stack_number)
        if stack is None:
            raise ApiError(404, "Not Found")
        if not 1 <= len(numbers) <= 100:
            raise _invalid("Stack", "pull_requests", "invalid")
        self._check_stackable(numbers, below=stack.pulls[-1])
        stack.pulls.extend(numbers)
        return stack

    def _check_stackable(self, numbers: list[int], below: int | None) -> None:
        """Each PR open, in no stack yet, and based on the head of the one below it."""
        previous = below
        for n in numbers:
            if n not in self.pulls or self.issues[n].state != "open":
                raise _invalid("Stack", "pull_requests", "invalid")
            if self.stack_of(n) is not None or numbers.count(n) > 1:
                raise ApiError(422, "Validation Failed", [{"resource": "Stack", "code": "custom", "message": f"Pull request #{n} is already in a stack."}])  # fmt: skip
            if previous is not None and self.pulls[n].base != self.pulls[previous].head:
                raise ApiError(422, "Validation Failed", [{"resource": "Stack", "code": "custom", "message": f"Pull request #{n} is not based on #{previous}."}])  # fmt: skip
            previous = n

    def update_pull(self, number: int, changes: dict) -> Issue:
        issue, pr = self.pull(number)
        self._edit_issue(issue, changes)
        if "base" in changes:
            sha = self._branch_sha(changes["base"])
            if sha is None:
                raise _invalid("PullRequest", "base", "invalid")
            pr.base, pr.base_sha = changes["base"], sha
        # A pushed head moves the pull request along with it, as on GitHub.
        pr.head_sha = self._branch_sha(pr.head) or pr.head_sha
        return issue

    def merge_pull(self, number: int) -> None:
        """Mark PR ``number`` merged and closed (the test moves the base branch itself)."""
        issue, pr = self.pull(number)
        issue.state, issue.closed_at, pr.merged_at = "closed", now(), now()

    def add_labels(self, number: int, names: list[str]) -> Issue:
        issue = self.issue(number)
        if any(len(name) > LABEL_NAME_LIMIT for name in names):  # GitHub's limit on label names
            raise _invalid("Label", "name", "invalid")
        for name in names:
            self.ensure_label(name)
            if name not in issue.labels:
                issue.labels.append(name)
        issue.updated_at = now()
        return issue

    def create_comment(self, number: int, body: str) -> Comment:
        self.issue(number)
        _check_body_length(body)
        made = Comment(self.next_id(), number, body, self.actor)
        self.comments[made.id] = made
        return made

    def edit_comment(self, comment_id: int, body: str) -> Comment:
        found = self.comment(comment_id)
        _check_body_length(body)
        found.body, found.updated_at = body, now()
        return found

    def delete_comment(self, comment_id: int) -> None:
        self.comment(comment_id)
        del self.comments[comment_id]

    def role(self, login: str) -> tuple[str, str]:
        """``(role_name, base role)`` of ``login`` on the repository."""
        role = self.collaborators.get(login, "read")
        return role, self.custom_roles.get(role, role)

    def react(self, comment_id: int, content: str) -> tuple[Reaction, bool]:
        """The actor's reaction ``content`` to a comment, and whether it is new (GitHub answers an
        existing one with 200)."""
        self.comment(comment_id)
        for made in self.reactions:
            if (made.comment_id, made.content, made.user) == (comment_id, content, self.actor):
                return made, False
        made = Reaction(self.next_id(), comment_id, content, self.actor)
        self.reactions.append(made)
        return made, True

    def comment(self, comment_id: int) -> Comment:
        if comment_id not in self.comments:
            raise ApiError(404, "Not Found")
        return self.comments[comment_id]

    def _edit_issue(self, issue: Issue, changes: dict) -> None:
        if "title" in changes:
            issue.title = changes["title"]
        if "body" in changes:
            issue.body = changes["body"]
        if changes.get("state") in ("open", "closed") and changes["state"] != issue.state:
            issue.state = changes["state"]
            issue.closed_at = now() if issue.state == "closed" else None
        issue.updated_at = now()

    # --- git -----------------------------------------------------------------------------------

    def _branch_sha(self, branch: str) -> str | None:
        if self.git_dir is None or not branch:
            return None
        done = _git(self.git_dir, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}")
        return done.stdout.strip() if done.returncode == 0 else None

    def _contains(self, base_sha: str, head_sha: str) -> bool:
        """Whether ``base_sha`` already contains ``head_sha`` (no commits to pull)."""
        assert self.git_dir is not None
        return _git(self.git_dir, "merge-base", "--is-ancestor", head_sha, base_sha).returncode == 0


def _git(git_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True, check=False
    )


def _invalid(resource: str, name: str, code: str) -> ApiError:
    return ApiError(422, "Validation Failed", [{"resource": resource, "field": name, "code": code}])


def _check_body_length(body: str) -> None:
    if len(body) > 65536:
        raise ApiError(422, "Validation Failed", [{"resource": "IssueComment", "code": "custom", "field": "body", "message": "Body is too long (maximum is 65536 characters)"}])  # fmt: skip
