"""What the commands' parsers share: the help layout (every default shown, examples kept as
written, exit codes at the end) and the old option spellings, hidden, kept for one minor version."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

# The old spellings of 0.1 work until this version, with a warning.
OLD_SPELLINGS_REMOVED_IN = "0.2.0"
HELP_WIDTH = 78  # where a description wraps
HIDDEN = argparse.SUPPRESS  # the help of an old spelling
EXIT_BAD_INPUT_LINE = "2  bad input: one line per problem (file:line:col where known), nothing written"
EXIT_INTERRUPTED_LINE = "130  interrupted (Ctrl-C)"


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs as written (examples keep their lines); an option's help ends
    with its default unless the help names it already or there is none to show."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        quiet = (
            default is None
            or default is argparse.SUPPRESS
            or isinstance(default, bool)
            or (isinstance(default, str | list) and not default)
        )
        if quiet or not action.option_strings or "default" in text:
            return text
        return f"{text} (default: %(default)s)"


def add_command(
    subparsers: argparse._SubParsersAction,
    name: str,
    *,
    summary: str,
    description: str,
    examples: Sequence[str],
    exit_codes: Sequence[str],
) -> argparse.ArgumentParser:
    """A command's parser: ``summary`` in the list of commands, ``description`` on its own help
    page, then its examples (command lines) and exit codes (``"N  meaning"`` lines)."""
    epilog = "examples:\n" + "".join(f"  {line}\n" for line in examples)
    epilog += "\nexit codes:\n" + "".join(f"  {line}\n" for line in exit_codes)
    return subparsers.add_parser(
        name,
        help=summary,
        description=textwrap.fill(description, HELP_WIDTH),
        epilog=epilog,
        formatter_class=HelpFormatter,
    )


class _OldSpelling(argparse.Action):
    """An old option name: sets what its new name sets (appending for a repeatable option),
    with a warning on stderr."""

    def __init__(self, option_strings: list[str], dest: str, new: str = "", append: bool = False, **kw: Any):
        super().__init__(option_strings, dest, **kw)
        self.new, self.append = new, append

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: Any, values: Any, option: Any = None
    ) -> None:
        warn_old_spelling(str(option), self.new)
        if self.append:
            values = [*(getattr(namespace, self.dest, None) or []), values]
        setattr(namespace, self.dest, values)


def old_spelling(
    parser: argparse.ArgumentParser, old: str, new: str, dest: str, *, append: bool = False, **kw: Any
) -> None:
    """Accept option ``old`` as ``new`` (which stores into ``dest``), hidden from the help."""
    parser.add_argument(
        old, dest=dest, action=_OldSpelling, new=new, append=append, help=argparse.SUPPRESS,
        default=argparse.SUPPRESS, **kw,
    )  # fmt: skip


def warn_old_spelling(old: str, new: str) -> None:
    print(
        f"lumina-wave: warning: {old} is now {new}; the old spelling goes in {OLD_SPELLINGS_REMOVED_IN}",
        file=sys.stderr,
    )


def choice_with_old_names(old_names: dict[str, str]) -> Callable[[str], str]:
    """An option value ``type`` that maps the old value names to the new ones, with a warning."""

    def convert(value: str) -> str:
        if value in old_names:
            warn_old_spelling(repr(value), repr(old_names[value]))
            return old_names[value]
        return value

    return convert
