"""The GitHub Actions runner's side of the action: inputs, outputs, exports, summary, annotations.

Built on actions-toolkit's ``command`` and ``file_command`` modules. Inputs are read with
the same rule as ``actions_toolkit.core.get_input`` (``INPUT_`` + name, spaces to ``_``,
upper-cased, hyphens kept) without importing ``core``, which pulls in ``requests`` for
its OIDC client and would cost every command's start-up.

Every line the action prints goes through :class:`LogStream` (installed by
:func:`guarded_output`), so no printed text can be a workflow command; the action's own commands
go around it through :func:`issue`.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO, overload

from actions_toolkit.command import Command
from actions_toolkit.file_command import issue_file_command, prepare_key_value_message

from lumina_wave.errors import InputError, Origin
from lumina_wave.limits import STEP_SUMMARY_LIMIT, output_text
from lumina_wave.untrusted import log_line


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

    @overload
    def int_input(self, name: str, default: int, minimum: int = 1) -> int: ...
    @overload
    def int_input(self, name: str, default: None = None, minimum: int = 1) -> int | None: ...
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
            issue("add-mask", {}, secret, inert=False)

    def error(self, message: str, origin: Origin | None = None) -> None:
        """An error annotation, attached to the file and line when known."""
        issue("error", _annotation_properties(origin), message)

    def warning(self, message: str, origin: Origin | None = None) -> None:
        issue("warning", _annotation_properties(origin), message)

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


class LogStream(io.TextIOBase):
    """A text stream that writes each line through :func:`lumina_wave.untrusted.log_line` to
    ``raw``: no line can carry a workflow command, whoever prints it. A line is held until its end
    (CR or LF: the runner splits at both), so a command cannot be assembled from several writes."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw
        self._held = ""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.raw.encoding

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        parts = re.split(r"(\r\n|\r|\n)", self._held + text)
        self._held = parts.pop()
        for line, end in zip(parts[::2], parts[1::2], strict=True):
            self.raw.write(log_line(line) + end)
        return len(text)

    def command(self, line: str) -> None:
        """Write the workflow command ``line`` as it is, on a line of its own."""
        self.end_line()
        self.raw.write(line + "\n")
        self.raw.flush()

    def end_line(self) -> None:
        """Write a held partial line, ended."""
        if self._held:
            held, self._held = self._held, ""
            self.raw.write(log_line(held) + "\n")

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.end_line()
        self.flush()

    def fileno(self) -> int:
        return self.raw.fileno()

    def isatty(self) -> bool:
        return self.raw.isatty()


@contextmanager
def guarded_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` through :class:`LogStream` for the ``with`` block (the
    whole of the action); a partial line held at its end is written, ended."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (s if isinstance(s, LogStream) else LogStream(s) for s in saved)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, LogStream):
                stream.close()
        sys.stdout, sys.stderr = saved


def issue(command: str, properties: dict[str, str], message: str, *, inert: bool = True) -> None:
    """Print the workflow command ``::command props::message`` past :class:`LogStream`, with
    ``message`` through :func:`~lumina_wave.untrusted.log_line` unless ``inert`` is False (a
    secret to mask must stay as it is)."""
    line = str(Command(command, properties, log_line(message) if inert else message))
    stream = sys.stdout
    if isinstance(stream, LogStream):
        stream.command(line)
    else:
        stream.write(line + os.linesep)
