"""``local``: run a wave on this machine, each issue in a git worktree, as soon as possible."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave.errors import EXIT_FAILURES, EXIT_OK, InputError

if TYPE_CHECKING:
    import argparse

    from lumina_wave.context import Context
    from lumina_wave.plan import Plan

DEFAULT_MANIFEST = ".github/waves.yml"
EXIT_SIGNAL = 128  # interrupted by signal N: 128 + N, as a shell reports it (Ctrl-C: 130)
_GITHUB_REMOTE = re.compile(r"github\.com[:/]([A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+?)(?:\.git)?/?$")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, EXIT_INTERRUPTED_LINE, add_command, old_spelling
    from lumina_wave.options import add_arguments, existing_branch

    local = add_command(
        subparsers,
        "local",
        summary="run a wave on this machine, each issue in its own git worktree",
        description="Run every issue of a manifest on this machine: a worktree .worktrees/issue-N on "
        "branch feature/issue-N per issue, the agent command in it, as soon as its dependencies are done.",
        examples=(
            "lumina-wave local --manifest .github/waves.yml --agent examples/agent.sh",
            "lumina-wave local --manifest .github/waves.yml --agent 'make agent' --stack --max-parallel 2",
            "lumina-wave local --manifest .github/waves.yml --agent examples/agent.sh --retry failed",
            "lumina-wave local --manifest .github/waves.yml --agent examples/agent.sh --rerun --existing-branch skip",
            "lumina-wave local --clean",
        ),
        exit_codes=(
            "0  every issue is done",
            "1  some issue is not done",
            EXIT_BAD_INPUT_LINE,
            EXIT_INTERRUPTED_LINE,
        ),
    )
    local.add_argument(
        "--manifest",
        metavar="PATH",
        help=f"the wave manifest (YAML; default: {DEFAULT_MANIFEST} in the repository)",
    )
    local.add_argument("--agent", metavar="COMMAND", help="shell command run in each worktree (WAVE_* env)")
    local.add_argument(
        "--repo-dir", dest="repo", metavar="DIR", default=".", help="the git repository (default: here)"
    )
    old_spelling(local, "--repo", "--repo-dir", "repo")
    local.add_argument(
        "--max-parallel",
        metavar="N",
        type=int,
        default=os.cpu_count() or 1,
        help="the most agents at once (default: the number of CPUs)",
    )
    local.add_argument(
        "--base", metavar="BRANCH", help="default base (default: manifest base, else HEAD's branch)"
    )
    local.add_argument(
        "--stack", action="store_true", help="start each issue from its dependencies' branches"
    )
    local.add_argument("--push", action="store_true", help="push the branches to --remote")
    local.add_argument("--open-prs", action="store_true", help="push and open PRs (token from GITHUB_TOKEN)")
    local.add_argument(
        "--remote", default="origin", help="remote to fetch from and push to (default: origin)"
    )
    local.add_argument(
        "--github-repo",
        metavar="OWNER/NAME",
        help="the GitHub repository of the PRs (default: from the remote's URL)",
    )
    local.add_argument(
        "--rerun",
        action="store_true",
        help="run issues again that already succeeded (a branch reset keeps its old tip under a backup ref; "
        "one with commits of others follows --existing-branch)",
    )
    add_arguments(local, (existing_branch(),))
    local.add_argument(
        "--agent-timeout",
        metavar="SECONDS",
        type=float,
        help="stop an agent that runs longer (record: cancelled; default: no limit)",
    )
    local.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        help="stop the whole run after this long (records: cancelled; default: no limit)",
    )
    local.add_argument(
        "--agent-retries",
        metavar="N",
        type=int,
        default=0,
        help="run a failed agent again up to N times, waiting --retry-backoff, then twice as long each time",
    )
    local.add_argument(
        "--retry-backoff", metavar="SECONDS", type=float, default=1.0, help="the first wait before a retry"
    )
    local.add_argument(
        "--retry",
        metavar="failed|N,M",
        help="run again only these issues (failed: every one not done) and their dependents; keep the others' records",
    )
    local.add_argument("--clean", action="store_true", help="remove the worktrees and stop")
    local.set_defaults(run=_run)


def github_repo_of(url: str) -> str | None:
    """``OWNER/NAME`` from a GitHub remote URL (https or ssh), None for other hosts."""
    match = _GITHUB_REMOTE.search(url.strip())
    return match.group(1) if match else None


def _run(args: argparse.Namespace, context: Context) -> int:
    try:
        return _local(args, context)
    except KeyboardInterrupt:  # Ctrl-C outside the run, which turns it into cancelling the agents
        return EXIT_SIGNAL + signal.SIGINT


def _local(args: argparse.Namespace, context: Context) -> int:
    from lumina_wave.worktree import WORKTREES_DIR, remove_worktrees

    repo = _repository(args.repo)
    if args.clean:
        removed = remove_worktrees(repo)
        print(f"removed {len(removed)} worktree(s) under {repo / WORKTREES_DIR}")
        return EXIT_OK
    if not args.agent:
        raise InputError("local needs --agent COMMAND, run in each issue's worktree (or --clean)")
    if args.max_parallel < 1:
        raise InputError(f"--max-parallel must be at least 1, got {args.max_parallel}")
    if args.agent_retries < 0:
        raise InputError(f"--agent-retries must be 0 or more, got {args.agent_retries}")
    if args.retry and args.rerun:
        raise InputError("--retry and --rerun exclude each other: --rerun runs every issue again")
    for name in ("agent_timeout", "timeout", "retry_backoff"):
        value = getattr(args, name)
        if value is not None and not value > 0:
            raise InputError(
                f"--{name.replace('_', '-')} must be a positive number of seconds, got {value:g}"
            )

    from lumina_wave.git import Author, user_author
    from lumina_wave.local_wave import LocalOptions, run_and_summarize
    from lumina_wave.manifest import read_manifest
    from lumina_wave.plan import build_plan

    path, name = _manifest(args.manifest, repo)
    plan = build_plan(read_manifest(path, name))
    retry = _retry(args.retry, plan, repo) if args.retry else None
    base = _check(args, plan, repo)
    options = LocalOptions(
        agent=args.agent,
        repo=repo,
        max_parallel=args.max_parallel,
        default_base=base,
        stack=args.stack,
        push=args.push or args.open_prs,
        pulls=_pulls(args, context, repo) if args.open_prs else None,
        rerun=args.rerun,
        remote=args.remote,
        author=user_author(repo) or Author(),
        agent_timeout=args.agent_timeout,
        timeout=args.timeout,
        agent_retries=args.agent_retries,
        retry_backoff=args.retry_backoff,
        retry=retry,
        existing=args.existing_branch,
    )
    outcome, text = run_and_summarize(plan, options)
    print(text)
    if outcome.signal:
        return EXIT_SIGNAL + outcome.signal
    return EXIT_OK if outcome.ok else EXIT_FAILURES


def _manifest(given: str | None, repo: Path) -> tuple[Path, str]:
    """The manifest's path (default: :data:`DEFAULT_MANIFEST` in ``repo``) and its name in the
    plan's source and errors: relative to the repository when inside it."""
    path = Path(given) if given else repo / DEFAULT_MANIFEST
    if not given and not path.is_file():
        raise InputError(f"no manifest at {DEFAULT_MANIFEST} in {repo}: pass --manifest PATH")
    try:
        return path, path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return path, str(path)


def _check(args: argparse.Namespace, plan: Plan, repo: Path) -> str:
    """Check the base, the remote, the agent and the work tree before anything runs; returns the base."""
    from lumina_wave import preflight
    from lumina_wave.worktree import worktree_path

    if args.base:
        base, given_as = args.base, "--base"
    elif plan.base:
        base, given_as = plan.base, "the manifest's base"
    else:
        base, given_as = _current_branch(repo), "the branch checked out"
    if args.push or args.open_prs:
        preflight.check_remote(repo, args.remote)
    ref = preflight.check_base(repo, base, given_as, args.remote)
    preflight.check_agent(args.agent, repo, ref, worktree_path(repo, min(plan.items, default=1)))
    preflight.check_clean(repo, base)
    return base


def _retry(text: str, plan: Plan, repo: Path) -> frozenset[int]:
    """``--retry``: ``failed`` (every issue of the plan whose record is not done) or issue numbers."""
    from lumina_wave.local_wave import Paths
    from lumina_wave.reruns import parse_retry
    from lumina_wave.store import read_results

    return parse_retry(text, plan, read_results(Paths(repo).results, plan.plan_id), "--retry")


def _repository(directory: str) -> Path:
    from lumina_wave.git import GitError, toplevel

    if not Path(directory).is_dir():
        raise InputError(f"--repo-dir {directory!r} is not a directory")
    try:
        return toplevel(directory)
    except GitError:
        raise InputError(f"{directory!r} is not inside a git repository") from None


def _current_branch(repo: Path) -> str:
    from lumina_wave.git import current_branch

    branch = current_branch(repo)
    if not branch:
        raise InputError("HEAD is detached: name the base branch with --base")
    return branch


def _pulls(args: argparse.Namespace, context: Context, repo: Path):
    """The PR client of ``finish``, for ``--open-prs``."""
    from lumina_wave.commands.finish import pulls
    from lumina_wave.git import remote_url

    if not context.token:
        raise InputError("--open-prs needs a token in GITHUB_TOKEN")
    name = args.github_repo or github_repo_of(remote_url(repo, args.remote) or "")
    if not name:
        raise InputError(f"cannot tell the GitHub repository from remote {args.remote!r}: pass --github-repo")
    return pulls(context, name)
