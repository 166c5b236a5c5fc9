"""The GitHub Actions runner's side of the action: inputs, outputs, exports, summary, annotations.

Built on actions-toolkit's ``command`` and ``file_command`` modules. Inputs are read with
the same rule as ``actions_toolkit.core.get_input`` (``INPUT_`` + name, spaces to ``_``,
upper-cased, hyphens kept) without importing ``core``, which pulls in ``requests`` for
its OIDC client and would cost every command's start-up.
"""

from __future__ import annotations

import os
from typing import Any

from actions_toolkit.command import issue_command
from actions_toolkit.file_command import issue_file_command, prepare_key_value_message

from lumina_wave.errors import InputError, Origin
from lumina_wave.limits import STEP_SUMMARY_LIMIT, output_text


class Runner:
    """Reads ``INPUT_*`` and writes the runner's files (GITHUB_OUTPUT, GITHUB_ENV, …) from ``os.environ``."""

    def input(self, name: str, default: str = "") -> str:
        """The input ``name`` (trimmed), or ``default`` when unset or empty."""
        value = os.environ.get("INPUT_" + name.replace(" ", "_").upper(), "").strip()
        return value or default

    def bool_input(self, name: str, default: bool = False) -> bool:
        """A YAML 1.2 core-schema boolean input; anything else is bad input."""
        value = self.input(name)
        if not value:
            return default
        if value in {"true", "True", "TRUE"}:
            return True
        if value in {"false", "False", "FALSE"}:
            return False
        raise InputError(f"input '{name}' must be true or false, got {value!r}")

    def int_input(self, name: str, default: int | None = None, minimum: int = 1) -> int | None:
        """A whole-number input of at least ``minimum``; empty gives ``default``."""
        value = self.input(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            raise InputError(f"input '{name}' must be a whole number, got {value!r}") from None
        if number < minimum:
            raise InputError(f"input '{name}' must be at least {minimum}, got {number}")
        return number

    def set_output(self, name: str, value: Any) -> None:
        """Write one output; non-strings are written as compact JSON."""
        self._file_command("OUTPUT", prepare_key_value_message(name, output_text(value)))

    def export(self, name: str, value: str) -> None:
        """Export ``name`` to the following steps of the job (GITHUB_ENV)."""
        self._file_command("ENV", prepare_key_value_message(name, value))

    def add_summary(self, markdown: str) -> None:
        """Append to the job summary, cut so the file stays within GitHub's 1 MiB limit."""
        path = os.environ.get("GITHUB_STEP_SUMMARY")
        if not path:
            return
        try:
            budget = STEP_SUMMARY_LIMIT - os.path.getsize(path)
        except OSError:
            budget = STEP_SUMMARY_LIMIT
        data = markdown.encode("utf-8")
        if len(data) > budget:
            note = b"\n\n_(cut at GitHub's 1 MiB step summary limit)_\n"
            if budget < len(note):
                return
            data = data[: budget - len(note)].decode("utf-8", "ignore").encode() + note
        with open(path, "ab") as f:
            f.write(data)

    def mask(self, secret: str) -> None:
        """Tell the runner to hide ``secret`` in every log line."""
        if secret:
            issue_command("add-mask", {}, secret)

    def error(self, message: str, origin: Origin | None = None) -> None:
        """An error annotation, attached to the file and line when known."""
        issue_command("error", _annotation_properties(origin), message)

    def warning(self, message: str, origin: Origin | None = None) -> None:
        issue_command("warning", _annotation_properties(origin), message)

    def _file_command(self, command: str, message: str) -> None:
        if os.environ.get(f"GITHUB_{command}"):
            issue_file_command(command, message)
        else:
            print(message)


def _annotation_properties(origin: Origin | None) -> dict[str, str]:
    if origin is None:
        return {}
    props = {"file": origin.file}
    if origin.line is not None:
        props["line"] = str(origin.line)
    if origin.col is not None:
        props["col"] = str(origin.col)
    return props
