"""The container action: reads input ``command`` and runs that command against the runner."""

from __future__ import annotations

import importlib
import os
from dataclasses import replace

from lumina_wave.commands import ACTION_COMMANDS
from lumina_wave.errors import EXIT_BAD_INPUT, EXIT_FAILURES, GitHubError, InputError, one_line
from lumina_wave.runner import Runner


def main() -> int:
    """Entry point of the action; returns the process exit code."""
    runner = Runner()
    token = runner.input("github-token")
    runner.mask(token)
    command = runner.input("command", "plan")
    try:
        if command not in ACTION_COMMANDS:
            raise InputError(f"input 'command' must be one of {', '.join(ACTION_COMMANDS)}, got {command!r}")
        # every GitHub connection of the command caps its retry waits at this (github/client.py)
        os.environ["LUMINA_WAVE_MAX_WAIT"] = str(runner.int_input("max-wait", 600, minimum=0))
        module = importlib.import_module(f"lumina_wave.commands.{command}")
        return int(module.run_action(runner))
    except InputError as exc:
        origin = exc.origin and replace(exc.origin, file=_redact(exc.origin.file, token))
        message = exc.message if origin and origin.line else str(exc)
        runner.error(_redact(message, token), origin)
        print(f"lumina-wave: error: {one_line(_redact(str(exc), token))}")
        return EXIT_BAD_INPUT
    except GitHubError as exc:
        runner.error(_redact(str(exc), token))
        return EXIT_FAILURES


def _redact(text: str, secret: str) -> str:
    """``text`` with ``secret`` replaced by ``***``: the runner masks it too, this does not rely on it."""
    return text.replace(secret, "***") if secret else text
