"""The container action: reads input ``command`` and runs that command against the runner."""

from __future__ import annotations

import importlib

from lumina_wave.commands import ACTION_COMMANDS
from lumina_wave.errors import EXIT_BAD_INPUT, EXIT_FAILURES, GitHubError, InputError
from lumina_wave.runner import Runner


def main() -> int:
    """Entry point of the action; returns the process exit code."""
    runner = Runner()
    runner.mask(runner.input("github-token"))
    command = runner.input("command", "plan")
    try:
        if command not in ACTION_COMMANDS:
            raise InputError(f"input 'command' must be one of {', '.join(ACTION_COMMANDS)}, got {command!r}")
        module = importlib.import_module(f"lumina_wave.commands.{command}")
        return int(module.run_action(runner))
    except InputError as exc:
        runner.error(exc.message if exc.origin and exc.origin.line else str(exc), exc.origin)
        print(f"lumina-wave: error: {exc}")
        return EXIT_BAD_INPUT
    except GitHubError as exc:
        runner.error(str(exc))
        return EXIT_FAILURES
