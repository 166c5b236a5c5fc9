"""One leg: one issue's prepare (base, branch, context) and finish (commit, push, PR, record).

Used by the action's ``prepare``/``finish`` commands and by ``lumina-wave local``. Every function
takes the work tree explicitly and reads no Actions environment. The decisions (blocked or not,
which base, what status, the PR text) are pure; git goes through :mod:`lumina_wave.git` and
PRs through :class:`lumina_wave.github.pulls.Pulls`, passed in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lumina_wave import existing as existing_branch
from lumina_wave import git, usage
from lumina_wave.errors import GitHubError
from lumina_wave.markdown import inline, truncate
from lumina_wave.path_policy import ChangePolicy, PolicyRefusal
from lumina_wave.plan import Plan, branch_name
from lumina_wave.results import ResultRecord, new_record, utc_now
from lumina_wave.safe_files import write_text
from lumina_wave.statuses import DONE_STATUSES
from lumina_wave.store import LegState, bundle_file, index_file, write_leg_state
from lumina_wave.untrusted import defuse, untrusted_block

if TYPE_CHECKING:
    from lumina_wave.github.pulls import Pulls

OWN_PATHS = (".lumina-wave", ".worktrees")
START_REF = "refs/lumina-wave/start/issue-{issue}"
PR_TITLE_LIMIT = 256
DEFAULT_COMMIT_MESSAGE = "{title} (#{issue})\n\nWork on #{issue}, committed by lumina-wave."
DEFAULT_PR_TITLE = "{title} (#{issue})"
DEFAULT_PR_BODY = "Work on #{issue}: {title}"
OUTCOMES = ("success", "failure", "cancelled", "skipped")  # what steps.<id>.outcome can be


class LegError(Exception):
    """A leg cannot start or finish (merge conflict, missing base): one line."""


# --- pure decisions ---------------------------------------------------------------------------


def blocked_by(plan: Plan, issue: int, results: Mapping[int, ResultRecord]) -> list[int]:
    """The dependencies of ``issue`` that did not end done; one without a record blocks too."""
    return [
        d for d in plan.depends_on[issue] if d not in results or results[d]["status"] not in DONE_STATUSES
    ]


@dataclass(frozen=True)
class BaseChoice:
    """Where a leg starts: ``refs`` (branch names; the first is the start, the others are merged
    into it), ``base`` (the PR's base branch) and the dependencies it is stacked on."""

    base: str
    refs: tuple[str, ...]
    stacked_on: tuple[int, ...] = ()


def choose_base(
    plan: Plan,
    issue: int,
    results: Mapping[int, ResultRecord],
    *,
    stack: bool,
    default_base: str,
    unavailable: frozenset[int] = frozenset(),
) -> BaseChoice:
    """The start of ``issue``'s branch.

    Without ``stack``, the base. With it, the branches of the dependencies that left commits
    (status success with a commit) and are not ``unavailable`` (merged already, or no branch):
    one such dependency gives its branch as start and PR base; several give a merge of their
    branches, with the default base as PR base; none gives the base.
    """
    if stack:
        stacked = tuple(
            d
            for d in plan.depends_on[issue]
            if d not in unavailable
            and d in results
            and results[d]["status"] == "success"
            and results[d]["commit"]
        )
        if len(stacked) == 1:
            return BaseChoice(branch_name(stacked[0]), (branch_name(stacked[0]),), stacked)
        if stacked:
            return BaseChoice(default_base, tuple(branch_name(d) for d in stacked), stacked)
    return BaseChoice(default_base, (default_base,))


def leg_status(agent_outcome: str, changed: bool) -> str:
    """The status of a leg whose agent step ended with ``agent_outcome`` (steps.<id>.outcome)."""
    if agent_outcome == "success":
        return "success" if changed else "no-changes"
    if agent_outcome == "cancelled":
        return "cancelled"
    return "failed"


def fill(template: str, **values: Any) -> str:
    """``template`` with ``{name}`` replaced by each value, in one pass (text filled in is not
    filled again); other braces stay as they are."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]) if m[1] in values else m[0], template)


def pr_marker(plan_id: str, issue: int) -> str:
    """The hidden marker that identifies a leg's PR body."""
    return f"<!-- lumina-wave:leg issue={issue} plan={plan_id} -->"


def pr_title(plan: Plan, issue: int, template: str = "") -> str:
    """One line, within GitHub's title limit. Titles are plain text, so no markdown escaping; what
    would link or close is defused (:func:`lumina_wave.untrusted.defuse`). A long issue title is
    cut before it is defused, so no cut ends inside a code span."""
    cut = truncate(" ".join(plan.items[issue].title.split()), PR_TITLE_LIMIT)
    while True:
        title = " ".join(fill(template or DEFAULT_PR_TITLE, issue=issue, title=defuse(cut)).split())
        if len(title) <= PR_TITLE_LIMIT:
            return title
        if not cut:  # the template alone is too long
            return title[: PR_TITLE_LIMIT - 1] + "…"
        keep = len(cut) - (len(title) - PR_TITLE_LIMIT)  # fewer each time: the loop ends
        cut = truncate(cut, keep) if keep > 1 else ""


def pr_body(plan: Plan, issue: int, *, base: str, default_base: str, template: str = "") -> str:
    """The PR body: the (escaped) template, the stacking note, ``Closes #N`` and the marker."""
    title = inline(plan.items[issue].title)
    parts = [fill(template or DEFAULT_PR_BODY, issue=issue, title=title, base=base).strip()]
    deps = plan.depends_on[issue]
    if base != default_base:
        parts.append(
            f"> [!NOTE]\n> This PR is based on `{base}`, not `{default_base}`: merge that branch first. "
            f"GitHub closes #{issue} automatically only when this lands on the default branch."
        )
    elif deps:
        parts.append("Depends on " + ", ".join(f"#{d}" for d in deps) + ".")
    parts.append(f"Closes #{issue}")
    parts.append(f"_Opened by lumina-wave, plan `{plan.plan_id}`, wave {plan.wave_of[issue]}._")
    parts.append(pr_marker(plan.plan_id, issue))
    return "\n\n".join(parts) + "\n"


def context_text(plan: Plan, issue: int, results: Mapping[int, ResultRecord], choice: BaseChoice) -> str:
    """What the agent gets to read about its issue (a file, never a shell): our facts, then the
    issue's title and body, and its dependencies' titles, as one untrusted block
    (:func:`lumina_wave.untrusted.untrusted_block`)."""
    item = plan.items[issue]
    lines = [
        f"# #{issue}: the issue this leg works on",
        "",
        f"- branch: {branch_name(issue)}",
        f"- base: {choice.base}",
        f"- wave: {plan.wave_of[issue]} of {plan.wave_count}",
        f"- plan: {plan.plan_id}",
    ]
    if item.url:
        lines.append(f"- url: {item.url}")
    deps = plan.depends_on[issue]
    if deps:
        lines += ["", "## Dependencies", ""]
        for d in deps:
            record = results.get(d)
            pr = (record["pr_url"] if record else None) or "no PR"
            stacked = " (this branch starts from it)" if d in choice.stacked_on else ""
            lines.append(f"- #{d}: {record['status'] if record else 'unknown'}, {pr}{stacked}")
    text = [f"Title: {item.title}"]
    if item.kind:
        text.append(f"Kind: {item.kind}")
    text += [f"Dependency #{d}: {plan.items[d].title}" for d in deps]
    text += ["", item.body or "(no description)"]
    lines += ["", "## Issue", "", untrusted_block("\n".join(text)), ""]
    return "\n".join(lines)


def blocked_record(
    plan: Plan,
    issue: int,
    results: Mapping[int, ResultRecord],
    blockers: Sequence[int],
    started_at: str | None = None,
) -> ResultRecord:
    """The record of ``issue`` blocked by ``blockers`` (dependencies not done, see :func:`blocked_by`)."""
    reasons = ", ".join(f"#{d} {results[d]['status'] if d in results else 'has no result'}" for d in blockers)
    return new_record(
        plan.plan_id,
        issue,
        "blocked",
        branch_name(issue),
        blocked_by=list(blockers),
        agent_outcome="skipped",
        started_at=started_at or utc_now(),
        finished_at=utc_now(),
        wave=plan.wave_of[issue],
        error=f"blocked by a dependency that is not done: {reasons}",
    )


def failed_start_record(
    plan: Plan, issue: int, error: str, started_at: str | None = None, job_url: str | None = None
) -> ResultRecord:
    """The record of a leg that could not start (merge conflict, missing base)."""
    return new_record(
        plan.plan_id,
        issue,
        "failed",
        branch_name(issue),
        started_at=started_at or utc_now(),
        finished_at=utc_now(),
        agent_outcome="skipped",
        error=error,
        wave=plan.wave_of[issue],
        job_url=job_url,
    )


def skipped_record(
    plan: Plan, issue: int, why: str, started_at: str | None = None, **fields: Any
) -> ResultRecord:
    """The record of ``issue`` left alone (see :mod:`lumina_wave.existing`), saying ``why``."""
    return new_record(
        plan.plan_id,
        issue,
        "skipped",
        branch_name(issue),
        agent_outcome="skipped",
        started_at=started_at or utc_now(),
        finished_at=utc_now(),
        wave=plan.wave_of[issue],
        error=why,
        **fields,
    )


# --- prepare ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """What prepare left: ``skip`` with a ``record`` (blocked, skipped) when the agent must not
    run; otherwise the ``env`` for the agent (the WAVE_* variables), the context files and a
    ``note`` on the branch that existed already."""

    issue: int
    skip: bool
    record: ResultRecord | None
    env: dict[str, str] = field(default_factory=dict)
    context_file: Path | None = None
    body_file: Path | None = None
    started_at: str = ""
    base: str = ""
    start_commit: str | None = None
    note: str = ""


def prepare_leg(
    workdir: str | os.PathLike[str],
    plan: Plan,
    issue: int,
    results: Mapping[int, ResultRecord],
    *,
    stack: bool,
    default_base: str,
    context_dir: str | os.PathLike[str],
    remote: str = "origin",
    fetch: bool = True,
    author: git.Author | None = None,
    token: str | None = None,
    existing: str = existing_branch.DEFAULT_MODE,
    continue_from: str | None = None,
) -> Prepared:
    """Block the leg, or start its branch and write its context.

    A branch on ``remote`` with commits of others (:func:`lumina_wave.existing.foreign_commits`)
    is continued (the leg starts from it), left alone (``existing`` skip) or restarted from the
    base (``existing`` restart: its publisher keeps the old tip under a backup ref).
    ``continue_from`` (``local``: the commit of its own branch with commits of others) starts the
    leg there instead of at the base; a remote branch with commits of others is merged into it.

    Raises :class:`LegError` when the start cannot be made (missing base, merge conflict), and
    :class:`~lumina_wave.safe_files.UnsafePath` when a context file would be written through a link.
    ``author`` makes the merges of stacking (default: the Actions bot); ``token`` (read access
    is enough) authenticates the fetch and is written nowhere. A shallow clone (a depth-1
    checkout) fetches only the branches the leg needs, and, when it stacks, the history down to
    their merge bases with the base.
    """
    if issue not in plan.items:
        raise LegError(f"issue #{issue} is not in plan {plan.plan_id}")
    started_at = utc_now()
    blockers = blocked_by(plan, issue, results)
    if blockers:
        record = blocked_record(plan, issue, results, blockers, started_at)
        return Prepared(issue, True, record, started_at=started_at)

    choice = choose_base(plan, issue, results, stack=stack, default_base=default_base)
    branch = branch_name(issue)
    shallow = fetch and _git(git.is_shallow, workdir)
    if shallow:  # the tips this leg can start from or push over, and for stacking their merge bases
        _git(git.fetch_branches, workdir, [default_base, branch, *choice.refs], remote, 1, token)
        if choice.stacked_on:
            _git(git.deepen_until_related, workdir, default_base, choice.refs, remote, token)
    elif fetch:
        _git(git.fetch, workdir, remote, token)
    choice, refs = resolve_base(
        workdir,
        plan,
        issue,
        results,
        stack=stack,
        default_base=default_base,
        remote=remote,
        prefer_remote=fetch,
    )
    if continue_from is not None:
        refs = [continue_from]
    foreign = _foreign(workdir, branch, refs, default_base, remote, token) if fetch else []
    note = ""
    if foreign:
        found = existing_branch.foreign_text(branch, foreign)
        why = existing_branch.skip_reason(existing, branch, foreign)
        if why:
            return Prepared(issue, True, skipped_record(plan, issue, why, started_at), started_at=started_at)
        if existing == "continue":
            refs = [*([continue_from] if continue_from else []), f"refs/remotes/{remote}/{branch}"]
            note = f"{found}: the leg builds on it"
        else:
            note = f"{found}: restarted from {choice.base} (the publisher keeps the old tip)"
    trailers = existing_branch.trailers(plan.plan_id, issue)
    start = _git(git.start_branch, workdir, branch, refs, author, trailers)
    git.set_ref(workdir, START_REF.format(issue=issue), start)

    folder = Path(context_dir)
    context_file = write_text(folder / f"issue-{issue}.md", context_text(plan, issue, results, choice))
    body_file = write_text(folder / f"issue-{issue}.body.md", plan.items[issue].body)
    start_from = (start,) if len(refs) == 1 else tuple(str(c) for c in git.commits(workdir, refs).values())
    write_leg_state(folder, issue, LegState(started_at, choice.base, default_base, start, start_from))
    _git(git.save_index, workdir, index_file(folder, issue))
    usage_file = usage.usage_path(folder, issue)
    usage.reset_usage(usage_file, workdir)
    env = {
        "WAVE_ISSUE_NUMBER": str(issue),
        "WAVE_ISSUE_TITLE": plan.items[issue].title,
        "WAVE_ISSUE_BODY_FILE": str(body_file),
        "WAVE_CONTEXT_FILE": str(context_file),
        "WAVE_USAGE_FILE": str(usage_file),
        "WAVE_BRANCH": branch,
        "WAVE_BASE": choice.base,
        "WAVE_DEPENDS_ON": " ".join(str(d) for d in plan.depends_on[issue]),
        "WAVE_NUMBER": str(plan.wave_of[issue]),
        "WAVE_PLAN_ID": plan.plan_id,
        "WAVE_STARTED_AT": started_at,
    }
    return Prepared(issue, False, None, env, context_file, body_file, started_at, choice.base, start, note)


def _foreign(
    workdir: str | os.PathLike[str],
    branch: str,
    refs: Sequence[str],
    default_base: str,
    remote: str,
    token: str | None,
) -> list[str]:
    """The commits of others on ``branch`` as ``remote`` has it (fetched before), beyond ``refs``
    and the base; a shallow clone fetches the history down to where they meet."""
    tip = git.rev_parse(workdir, f"refs/remotes/{remote}/{branch}")
    if tip is None:
        return []
    if _git(git.is_shallow, workdir):
        _git(git.deepen_until_related, workdir, default_base, [branch], remote, token)
    base_ref = _ref(workdir, default_base, remote, True)
    return _git(existing_branch.foreign_commits, workdir, tip, [*refs, base_ref])


def _ref(
    workdir: str | os.PathLike[str],
    name: str,
    remote: str,
    prefer_remote: bool,
    found: Mapping[str, str | None] | None = None,
) -> str:
    """The full ref of branch ``name`` (``found``: looked up already, :func:`git.branch_refs`)."""
    ref = (
        found[name]
        if found is not None and name in found
        else git.branch_ref(workdir, name, remote, prefer_remote)
    )
    if ref is None:
        where = f"on {remote} or locally" if prefer_remote else "locally"
        raise LegError(f"branch {name!r} does not exist {where}")
    return ref


def _git(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except git.GitError as exc:
        raise LegError(str(exc)) from None


# --- finish -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinishOptions:
    """How finish commits and opens the PR. Empty templates use the defaults above;
    ``draft`` None follows the plan; ``exclude`` adds own paths (from the top of the work tree)
    that are never committed, next to :data:`OWN_PATHS`; ``usage`` is what the agent reported
    (:func:`lumina_wave.usage.read_usage`), ``attempts`` how often it ran, carried into the record;
    ``stat_cache`` the index prepare saved (:func:`lumina_wave.store.index_file`); ``agent_error`` says how a failed
    agent ended (``local``: its exit code and last log line), in place of the outcome."""

    draft: bool | None = None
    labels: tuple[str, ...] = ()
    commit_message: str = ""
    pr_title: str = ""
    pr_body_template: str = ""
    pr_on_failure: bool = False
    author: git.Author = field(default_factory=git.Author)
    exclude: tuple[str, ...] = ()
    default_base: str | None = None
    job_url: str | None = None
    start_commit: str | None = None
    usage: dict | None = None
    stat_cache: Path | None = None
    agent_error: str | None = None
    attempts: int | None = None
    policy: ChangePolicy = field(default_factory=ChangePolicy)  # what publish lets through


def finish_leg(
    workdir: str | os.PathLike[str],
    plan: Plan,
    issue: int,
    *,
    agent_outcome: str,
    started_at: str,
    base: str,
    pulls: Pulls | None = None,
    push: bool = True,
    remote: str = "origin",
    options: FinishOptions | None = None,
) -> ResultRecord:
    """Commit what the agent left, push, open or update the PR, and return the result record
    (``lumina-wave local`` and the ``finish`` command, on the machine where the agent ran).

    The agent's tree is read as data (:class:`lumina_wave.git.Isolated`): the commit is made with
    a git directory of our own, the branch is moved with a hardened git, and the push goes from
    our git directory to the remote's URL (read from the configuration file as data) with the
    user's own credentials. Git and GitHub failures end in a ``failed`` record naming what went
    wrong (with what was done before it: commit, push, PR); ``pulls`` None makes no PR calls.
    """
    options = options or FinishOptions()
    branch = branch_name(issue)
    fields = _record_fields(plan, issue, agent_outcome, started_at, base, options)
    status = "failed"
    notes: list[str] = []
    try:
        head = _agent_head(workdir, issue, agent_outcome)
        start = _start_commit(workdir, issue, options)
        with git.Isolated(workdir, head.objects, user_config=True) as iso:
            tip = _snapshot(iso, head, plan, issue, start, options)
            git.hardened_update_ref(workdir, f"refs/heads/{branch}", tip)
            git.hardened_read_tree(workdir, tip)
            changed = tip != start and not iso.same_tree(start, tip)
            status = leg_status(agent_outcome, changed)
            if changed:
                fields["commit"] = tip
            if agent_outcome != "success":
                notes.append(options.agent_error or f"the agent step ended with {agent_outcome}")
            if changed and push:
                _push_from_isolated(iso, workdir, head, tip, branch, remote)
            elif changed:
                notes.append("not pushed (push is off)")
        _open_pr(plan, issue, status, changed, push, pulls, base, options, fields, notes)
    except (LegError, git.GitError, GitHubError) as exc:
        status = "failed"
        notes.append(str(exc))
    fields["finished_at"] = utc_now()
    fields["error"] = "; ".join(notes) or None
    return new_record(plan.plan_id, issue, status, branch, **fields)


def _record_fields(
    plan: Plan, issue: int, agent_outcome: str, started_at: str, base: str | None, options: FinishOptions
) -> dict[str, Any]:
    return {
        "base": base,
        "started_at": started_at or None,
        "agent_outcome": agent_outcome if agent_outcome in OUTCOMES else None,
        "wave": plan.wave_of[issue],
        "job_url": options.job_url,
        "usage": options.usage,
        "attempts": options.attempts,
    }


def _agent_head(workdir: str | os.PathLike[str], issue: int, agent_outcome: str) -> git.Head:
    """The agent's work tree as its ``.git`` files say, on the leg's branch (else :class:`LegError`)."""
    if agent_outcome == "skipped":
        raise LegError("the agent did not run: an earlier step of the leg failed")
    head = git.read_head(workdir)
    branch = branch_name(issue)
    if head.ref != f"refs/heads/{branch}":
        on = head.ref.removeprefix("refs/heads/") if head.ref else "a detached HEAD"
        raise LegError(f"the work tree is on {on}, not {branch}: was prepare run?")
    return head


def _start_commit(workdir: str | os.PathLike[str], issue: int, options: FinishOptions) -> str:
    start = options.start_commit or git.hardened_resolve(workdir, START_REF.format(issue=issue))
    if not start:
        raise LegError(f"no start commit recorded for #{issue}: run prepare first")
    return start


def _snapshot(
    iso: git.Isolated, head: git.Head, plan: Plan, issue: int, start: str, options: FinishOptions
) -> str:
    """The commit of what the agent left: its branch's commit with the work tree's files on top."""
    branch = branch_name(issue)
    if not iso.are_commits(head.commit, start):
        raise LegError(f"{branch} names no commit in the work tree's repository")
    if not iso.is_ancestor(start, str(head.commit)):
        raise LegError(f"{branch} does not contain the leg's start commit: the agent moved the branch")
    message = fill(
        options.commit_message or DEFAULT_COMMIT_MESSAGE, issue=issue, title=defuse(plan.items[issue].title)
    )
    message = existing_branch.marked(message, plan.plan_id, issue)
    return iso.snapshot(
        str(head.commit), message, options.author, OWN_PATHS + options.exclude, options.stat_cache
    )


def _push_from_isolated(
    iso: git.Isolated, workdir: str | os.PathLike[str], head: git.Head, tip: str, branch: str, remote: str
) -> None:
    url = git.config_value(head.common / "config", f"remote.{remote}.url")
    if not url:
        raise LegError(f"remote {remote!r} has no URL")
    if ":" not in url and not os.path.isabs(url):
        url = str((Path(workdir) / url).resolve())
    tracking = f"refs/remotes/{remote}/{branch}"
    lease = git.hardened_resolve(workdir, tracking)
    iso.push(url, tip, branch, lease)
    git.hardened_update_ref(workdir, tracking, tip)


def _open_pr(
    plan: Plan,
    issue: int,
    status: str,
    changed: bool,
    pushed: bool,
    pulls: Pulls | None,
    base: str,
    options: FinishOptions,
    fields: dict[str, Any],
    notes: list[str],
) -> None:
    """Open or update the PR of a pushed change (when wanted); adds its number and URL to ``fields``."""
    want_pr = changed and (status == "success" or options.pr_on_failure)
    if want_pr and pulls is not None and pushed:
        default_base = options.default_base or plan.base or base
        pr = pulls.ensure(
            branch=branch_name(issue),
            base=base,
            title=pr_title(plan, issue, options.pr_title),
            body=pr_body(
                plan, issue, base=base, default_base=default_base, template=options.pr_body_template
            ),
            draft=plan.draft if options.draft is None else options.draft,
            labels=options.labels,
        )
        fields.update(pr_number=pr.number, pr_url=pr.url)
        if pr.warnings:
            fields["warnings"] = [*fields.get("warnings", []), *pr.warnings]
    elif want_pr and pushed:
        notes.append("no PR opened (no GitHub token)")


# --- collect: the leg's change as data, for the publisher --------------------------------------------


def collect_leg(
    workdir: str | os.PathLike[str],
    plan: Plan,
    issue: int,
    *,
    agent_outcome: str,
    started_at: str,
    base: str,
    out_dir: str | os.PathLike[str],
    start_from: Sequence[str] = (),
    options: FinishOptions | None = None,
) -> ResultRecord:
    """Read what the agent left as data and write it to ``out_dir`` as ``issue-N.bundle`` (the
    leg's branch, without the history it started from, ``start_from``) next to the returned draft
    record. Runs in the agent's job: it holds no credential, and the publisher trusts none of it."""
    options = options or FinishOptions()
    branch = branch_name(issue)
    fields = _record_fields(plan, issue, agent_outcome, started_at, base, options)
    status = "failed"
    notes: list[str] = []
    try:
        head = _agent_head(workdir, issue, agent_outcome)
        start = _start_commit(workdir, issue, options)
        fields["start"] = start
        with git.Isolated(workdir, head.objects) as iso:
            tip = _snapshot(iso, head, plan, issue, start, options)
            changed = tip != start and not iso.same_tree(start, tip)
            status = leg_status(agent_outcome, changed)
            if agent_outcome != "success":
                notes.append(f"the agent step ended with {agent_outcome}")
            if changed:
                fields["commit"] = tip
                iso.bundle(tip, branch, list(start_from) or [start], bundle_file(out_dir, issue))
    except (LegError, git.GitError) as exc:
        status = "failed"
        notes.append(str(exc))
    fields["finished_at"] = utc_now()
    fields["error"] = "; ".join(notes) or None
    return new_record(plan.plan_id, issue, status, branch, **fields)


# --- publish: the wave's changes pushed by a job where no agent ran -----------------------------------


class Refused(LegError):
    """A leg's change that the publisher does not push (it is not what a leg may leave)."""


def resolve_base(
    workdir: str | os.PathLike[str],
    plan: Plan,
    issue: int,
    results: Mapping[int, ResultRecord],
    *,
    stack: bool,
    default_base: str,
    remote: str,
    prefer_remote: bool,
) -> tuple[BaseChoice, list[str]]:
    """The start of ``issue``'s branch and the refs it names (stacked dependencies that are gone,
    merged or without a branch, fall back as :func:`choose_base` says)."""
    choice = choose_base(plan, issue, results, stack=stack, default_base=default_base)
    # every branch this can name (the base, the start refs, the stacked dependencies), looked up once
    found = git.branch_refs(
        workdir, [default_base, *choice.refs, *map(branch_name, choice.stacked_on)], remote, prefer_remote
    )
    base_ref = _ref(workdir, default_base, remote, prefer_remote, found)
    if choice.stacked_on:
        gone = frozenset(
            d
            for d in choice.stacked_on
            if (ref := found[branch_name(d)]) is None or git.is_ancestor(workdir, ref, base_ref)
        )
        choice = choose_base(plan, issue, results, stack=stack, default_base=default_base, unavailable=gone)
    return choice, [_ref(workdir, name, remote, prefer_remote, found) for name in choice.refs]


def receive_change(
    workdir: str | os.PathLike[str], bundle: Path, issue: int, start: str | None, allowed: Sequence[str]
) -> str:
    """Fetch a leg's bundle (hostile) and return its commit, or raise :class:`Refused`.

    It must name exactly the leg's branch, build on history of ``allowed`` (the base and the
    dependencies' branches) only, start from ``start`` (a commit of that history, or a merge of
    such commits), and bring no history of its own (no root commit).
    """
    branch = branch_name(issue)
    header = git.read_bundle_header(bundle)
    if [ref for _, ref in header.heads] != [f"refs/heads/{branch}"]:
        raise Refused(f"the leg's bundle must hold only refs/heads/{branch}")
    known = lambda commit: any(git.is_ancestor(workdir, commit, ref) for ref in allowed)  # noqa: E731
    if not all(known(p) for p in header.prerequisites):
        raise Refused("the leg's bundle builds on history that is neither the base nor a dependency")
    tip = git.fetch_bundle(
        workdir, bundle, f"refs/heads/{branch}", f"refs/lumina-wave/incoming/issue-{issue}"
    )
    if tip != header.heads[0][0]:
        raise Refused("the leg's bundle does not hold the commit it names")
    if git.root_commits(workdir, tip, list(allowed)):
        raise Refused("the leg's bundle brings a history of its own")
    if not start or git.rev_parse(workdir, start) != start or not git.is_ancestor(workdir, start, tip):
        raise Refused(f"{branch} does not start from the commit its leg started from")
    if not known(start) and not (len(ps := git.parents(workdir, start)) > 1 and all(known(p) for p in ps)):
        raise Refused(f"{branch} starts from a commit that is neither the base nor a merge of dependencies")
    return tip


@dataclass(frozen=True)
class RemoteBranch:
    """The leg's branch as the publisher fetched it: its tip (None: none) and the commits of
    others on it beyond the leg's start refs and the base."""

    ref: str
    tip: str | None
    foreign: tuple[str, ...]


def remote_branch(
    workdir: str | os.PathLike[str], issue: int, refs: Sequence[str], remote: str
) -> RemoteBranch:
    ref = f"refs/remotes/{remote}/{branch_name(issue)}"
    tip = git.rev_parse(workdir, ref)
    foreign = existing_branch.foreign_commits(workdir, tip, list(refs)) if tip else []
    return RemoteBranch(ref, tip, tuple(foreign))


def publish_leg(
    workdir: str | os.PathLike[str],
    plan: Plan,
    issue: int,
    results: Mapping[int, ResultRecord],
    draft: ResultRecord | None,
    bundle: Path | None,
    *,
    stack: bool,
    default_base: str,
    pulls: Pulls | None,
    remote: str = "origin",
    token: str | None = None,
    options: FinishOptions | None = None,
    existing: str = existing_branch.DEFAULT_MODE,
) -> ResultRecord:
    """The authoritative record of one leg, from the records of the earlier waves (``results``,
    the publishers'), the leg's ``draft`` and ``bundle`` (both hostile): blocked again when a
    dependency is not done; skipped when its PR was merged or closed, or its branch has commits
    of others and ``existing`` is skip; otherwise its change checked (:func:`receive_change`),
    pushed (:func:`push_change`: never over commits of others it does not contain, unless
    restart, which keeps them under a backup ref first) and its PR opened or updated."""
    options = options or FinishOptions()
    branch = branch_name(issue)
    blockers = blocked_by(plan, issue, results)
    if blockers:
        return blocked_record(plan, issue, results, blockers)
    if draft is None or draft.get("plan_id") != plan.plan_id or draft.get("issue") != issue:
        return new_record(
            plan.plan_id,
            issue,
            "failed",
            branch,
            finished_at=utc_now(),
            wave=plan.wave_of[issue],
            job_url=options.job_url,
            error="the leg left no record of this plan (it timed out, was cancelled or crashed)",
        )
    agent_outcome = draft["agent_outcome"] or "skipped"
    fields = _record_fields(plan, issue, agent_outcome, draft["started_at"] or "", None, options)
    fields["usage"] = draft.get("usage")  # what the agent says it used: shown, never acted on
    fields["attempts"] = draft.get("attempts")  # the leg's count of agent runs: shown only
    notes: list[str] = [draft["error"]] if draft["error"] else []
    status = draft["status"] if draft["status"] in ("failed", "cancelled") else "failed"
    try:
        choice, refs = resolve_base(
            workdir,
            plan,
            issue,
            results,
            stack=stack,
            default_base=default_base,
            remote=remote,
            prefer_remote=True,
        )
        fields["base"] = choice.base
        base_ref = _ref(workdir, default_base, remote, True)
        there = remote_branch(workdir, issue, [*refs, base_ref], remote)
        pr = pulls.latest(branch) if pulls is not None else None
        why = _left_alone(pr, branch, there, existing)
        if why:
            kept = {"base": choice.base, "job_url": options.job_url, "usage": fields["usage"]}
            if pr is not None and pr["state"] == "open":  # it stays in the summary and merge order
                kept.update(pr_number=pr["number"], pr_url=pr["html_url"], commit=there.tip)
            return skipped_record(plan, issue, why, draft["started_at"], **kept)
        if draft["agent_outcome"] is None or (bundle is None and draft["status"] not in DONE_STATUSES):
            raise LegError("; ".join(notes) or "the leg did not finish")
        changed = False
        if bundle is not None:
            allowed = [*refs, base_ref, *([there.ref] if there.tip else [])]
            tip = receive_change(workdir, bundle, issue, draft.get("start"), allowed)
            start = str(draft["start"])
            changed = tip != start and not git.same_tree(workdir, start, tip)
            if changed:
                wants_pr = leg_status(agent_outcome, True) == "success" or options.pr_on_failure
                options.policy.check(issue, git.changed_paths(workdir, start, tip), wants_pr)
                fields["commit"] = tip
                push_change(workdir, issue, tip, there, existing, remote, token, fields)
        status = leg_status(agent_outcome, changed)
        _open_pr(plan, issue, status, changed, True, pulls, choice.base, options, fields, notes)
    except PolicyRefusal as exc:
        status = "refused"
        notes.append(str(exc))
    except (LegError, git.GitError, GitHubError) as exc:
        status = "failed" if status != "cancelled" else status
        if str(exc) not in notes:
            notes.append(str(exc))
    fields["finished_at"] = utc_now()
    fields["error"] = "; ".join(notes) or None
    return new_record(plan.plan_id, issue, status, branch, **fields)


def _left_alone(pr: dict | None, branch: str, there: RemoteBranch, existing: str) -> str | None:
    """Why the publisher leaves the issue alone (``pr``, the branch's latest, merged or closed;
    ``skip`` and commits of others on the branch), or None."""
    return existing_branch.pr_skip_reason(existing, pr) or existing_branch.skip_reason(
        existing, branch, there.foreign
    )


def push_change(
    workdir: str | os.PathLike[str],
    issue: int,
    tip: str,
    there: RemoteBranch,
    existing: str,
    remote: str,
    token: str | None,
    fields: dict[str, Any],
) -> None:
    """Push the leg's ``tip`` over ``there`` (lease: the tip the publisher fetched).

    Commits of others that ``tip`` does not contain (they arrived after the leg started) stop
    the push, unless ``existing`` is restart: then the old tip is pushed to a backup ref first,
    named in ``fields`` (``backup_ref`` and a warning). Whenever the leg's commit is not pushed
    (moved branch, rejected push), it is kept under a backup ref on the remote, named in the
    :class:`LegError`."""
    branch = branch_name(issue)
    if there.tip and there.foreign and not git.is_ancestor(workdir, there.tip, tip):
        found = existing_branch.foreign_text(branch, there.foreign)
        if existing != "restart":
            kept = _keep(workdir, issue, tip, remote, token)
            raise LegError(
                f"{found} that the leg's change does not contain (pushed after the leg started): "
                f"not pushed, the leg's commit is kept at {kept}; run again to build on them"
            )
        fields["backup_ref"] = _keep(workdir, issue, there.tip, remote, token)
        fields["warnings"] = [
            *fields.get("warnings", []),
            f"restarted {branch}: {found}; its old tip {there.tip[:12]} is kept at {fields['backup_ref']}",
        ]
    try:
        git.push_commit(workdir, tip, branch, remote, token)
    except git.GitError as exc:
        kept = _keep(workdir, issue, tip, remote, token)
        raise LegError(f"{exc} (the leg's commit is kept at {kept})") from None


def _keep(workdir: str | os.PathLike[str], issue: int, commit: str, remote: str, token: str | None) -> str:
    ref = existing_branch.backup_ref(issue)
    git.push_ref(workdir, commit, ref, remote, token)
    return ref
