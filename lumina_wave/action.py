"""The container action: reads input ``command`` and runs that command against the runner."""

from __future__ import annotations

import importlib
import os
from dataclasses import replace

from lumina_wave.commands import ACTION_COMMANDS
from lumina_wave.context import Context
from lumina_wave.errors import (
    EXIT_BAD_INPUT,
    EXIT_FAILURES,
    GitHubError,
    InputError,
    one_line,
    problem_lines,
)
from lumina_wave.runner import Runner, guarded_output

# GitHub shows at most 10 error annotations of a step; the log lines name every problem.
MAX_ANNOTATIONS = 10


def main() -> int:
    """Entry point of the action; returns the process exit code. Everything it prints goes
    through :class:`~lumina_wave.runner.LogStream`: no printed line is a workflow command."""
    with guarded_output():
        return _run()


def _run() -> int:
    runner = Runner()
    _act_as_workspace_owner(runner)
    token = runner.input("github-token")
    runner.mask(token)
    command = runner.input("command", "plan")
    try:
        if command not in ACTION_COMMANDS:
            raise InputError(f"input 'command' must be one of {', '.join(ACTION_COMMANDS)}, got {command!r}")
        # every GitHub connection of the command caps its retry waits at this (github/client.py)
        max_wait = runner.int_input("max-wait", 600, minimum=0)
        context = Context.from_env(os.environ, token=token, max_wait=max_wait)
        if not context.workspace:
            context = replace(context, workspace=os.getcwd())
        module = importlib.import_module(f"lumina_wave.commands.{command}")
        return int(module.run_action(runner, context))
    except InputError as exc:
        for problem in exc.problems[:MAX_ANNOTATIONS]:
            origin = problem.origin and replace(problem.origin, file=_redact(problem.origin.file, token))
            message = problem.message if origin and origin.line else str(problem)
            runner.error(_redact(message, token), origin)
        for line in problem_lines(exc):
            print(f"lumina-wave: error: {one_line(_redact(line, token))}")
        return EXIT_BAD_INPUT
    except GitHubError as exc:
        runner.error(_redact(str(exc), token))
        return EXIT_FAILURES


def owner_to_become(euid: int, workspace_owner: tuple[int, int]) -> tuple[int, int] | None:
    """The (uid, gid) the action should act as: the workspace's owner when it runs as root and the
    workspace belongs to someone else; None to stay as it is."""
    return workspace_owner if euid == 0 and workspace_owner[0] != 0 else None


def _act_as_workspace_owner(runner: Runner) -> None:
    """Drop from root to the owner of GITHUB_WORKSPACE, before anything is read or run.

    On GitHub's hosted runners a Docker action runs as root while checkout, the agent and the
    artifact steps run as the runner's user, uid 1001 (actions/runner#1282). Acting as that user
    from the start, rather than chowning afterwards, makes everything the action creates or
    changes (git's refs, index and reflogs, records, plan.json, context files) the user's on every
    path, failures included: an exception, a git timeout or the SIGTERM of a job timeout leave
    nothing behind to chown. Nothing here needs root, and a hook or command planted in the work
    tree can then not run as root either. Git needs nothing from HOME (/github/home, the user's on
    GitHub), and ``safe.directory`` is no longer needed once owner and user match, but harmless.
    A self-hosted runner running as root (a workspace owned by root) and ``lumina-wave local``
    (which does not come here) keep their user. Where the switch is not allowed (a container
    without CAP_SETUID), the action goes on as it is, with a warning.
    """
    workspace = os.environ.get("GITHUB_WORKSPACE") or "."
    try:
        info = os.stat(workspace)
    except OSError:
        return  # the command reports the missing workspace itself
    target = owner_to_become(os.geteuid(), (info.st_uid, info.st_gid))
    if target is None:
        return
    uid, gid = target
    try:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    except OSError as exc:
        runner.warning(f"running as root: cannot act as the workspace's owner {uid}:{gid}: {exc}")


def _redact(text: str, secret: str) -> str:
    """``text`` with ``secret`` replaced by ``***``: the runner masks it too, this does not rely on it."""
    return text.replace(secret, "***") if secret else text
