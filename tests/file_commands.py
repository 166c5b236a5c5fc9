"""The runner's file commands as the tests read them back (GITHUB_OUTPUT, GITHUB_ENV)."""

from __future__ import annotations

from pathlib import Path


def parse_file_commands(path: Path) -> dict[str, str]:
    """``name<<delimiter`` blocks of a file command, as actions-toolkit writes them, and
    ``name=value`` lines, as a ``run:`` step may; none when absent."""
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        if "<<" not in lines[i] and "=" in lines[i]:
            name, _, value = lines[i].partition("=")
            out[name] = value
            i += 1
            continue
        name, _, delimiter = lines[i].partition("<<")
        end = lines.index(delimiter, i + 1)
        out[name] = "\n".join(lines[i + 1 : end])
        i = end + 1
    return out
