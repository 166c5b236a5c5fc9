"""Errors that end a command with a one-line message instead of a traceback."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_BAD_INPUT = 2
MAX_PROBLEM_LINES = 100  # lines one bad input reports; the rest are counted


@dataclass(frozen=True)
class Origin:
    """Where a value came from: a file position (1-based) or a label such as ``issue #12``."""

    file: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


def one_line(text: str) -> str:
    """``text`` with control characters escaped, so a newline in an input cannot start a line of
    its own (a line starting with ``::`` is a workflow command to the runner)."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)


# A UTF-16 surrogate code point: a JSON or YAML escape such as "\\ud83d" makes one; it is not a
# character, and no file or API takes it.
SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(data: Any) -> bool:
    """Whether every string in the JSON-like ``data`` is valid Unicode (no lone surrogate)."""
    return not SURROGATE.search(json.dumps(data, ensure_ascii=False))


class InputError(Exception):
    """Bad input (manifest, inputs, references): exit code 2, nothing written to GitHub.

    ``problems`` lists every problem found, one line each (just this one unless it was made by
    :func:`input_errors`); ``message`` and ``origin`` are the first's.
    """

    def __init__(self, message: str, origin: Origin | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin
        self.problems: tuple[InputError, ...] = (self,)

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}" if self.origin else self.message


def input_errors(problems: list[InputError]) -> InputError:
    """One error for several ``problems``, sorted by their position in the file (a problem
    without one first, as it concerns the whole file); str() is the first's."""
    ordered = sorted(problems, key=_position)
    first = InputError(ordered[0].message, ordered[0].origin)
    first.problems = tuple(ordered)
    return first


def problem_lines(error: InputError, limit: int = MAX_PROBLEM_LINES) -> list[str]:
    """The lines reporting ``error``: one per problem, at most ``limit``, then how many more."""
    shown = [str(p) for p in error.problems[:limit]]
    if len(error.problems) > limit:
        shown.append(f"… and {len(error.problems) - limit:,} more problems")
    return shown


def _position(error: InputError) -> tuple[int, int]:
    origin = error.origin
    return (origin.line or 0, origin.col or 0) if origin else (0, 0)


class GitHubError(Exception):
    """A GitHub API failure that is not bad input (auth, permissions, outage): one line, exit 1."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
