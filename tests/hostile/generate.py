"""Hostile manifests too big (or too slow to write by hand) to commit: made at test time.

``python tests/hostile/generate.py DIR`` writes them into DIR; tests call :func:`generate`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def alias_bomb() -> str:
    """Billion laughs: nine levels of ten aliases each, 10**9 strings once expanded."""
    lines = ["version: 1", "issues:", "  - number: 1", '    title: &l0 "lol"']
    for level in range(1, 10):
        lines.append(f"  - &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def deep_flow() -> str:
    """10,000 nested flow sequences: ``issues: [[[[…]]]]``."""
    return "version: 1\nissues: " + "[" * 10_000 + "]" * 10_000 + "\n"


def deep_block() -> str:
    """10,000 nested block sequences on one line: ``- - - - … 1``."""
    return "version: 1\nissues:\n  " + "- " * 10_000 + "1\n"


def issues_100k() -> str:
    """100,000 issues, each depending on the one before: under the byte limit, over the issue limit."""
    lines = ["version: 1", "issues:", "  - number: 1"]
    for n in range(2, 100_001):
        lines.append(f"  - number: {n}")
        lines.append(f"    depends_on: [{n - 1}]")
    return "\n".join(lines) + "\n"


def dict_dependencies() -> str:
    """40,000 distinct mappings in one ``depends_on``: a quadratic ``uniqueItems`` trap."""
    deps = ", ".join(f"{{a: {n}}}" for n in range(40_000))
    return f"version: 1\nissues:\n  - number: 1\n    depends_on: [{deps}]\n"


def long_number() -> str:
    """An issue number of 5,000 digits (Python refuses to read ints over 4,300 digits)."""
    return "version: 1\nissues:\n  - number: " + "9" * 5_000 + "\n"


def long_title() -> str:
    """Valid: a 1 MB title."""
    return "version: 1\nissues:\n  - number: 1\n    title: " + "x" * 1_000_000 + "\n"


def fifty_mb() -> str:
    """A valid manifest padded with comments to 50 MB."""
    padding = ("# " + "p" * 97 + "\n") * (50 * 1024 * 1024 // 100)
    return "version: 1\nissues:\n  - number: 1\n" + padding


GENERATED: dict[str, Callable[[], str]] = {
    "alias-bomb.yml": alias_bomb,
    "deep-flow.yml": deep_flow,
    "deep-block.yml": deep_block,
    "issues-100k.yml": issues_100k,
    "dict-dependencies.yml": dict_dependencies,
    "long-number.yml": long_number,
    "ok-long-title.yml": long_title,
    "size-50mb.yml": fifty_mb,
}


def generate(directory: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the generated cases (all, or ``names``) into ``directory``; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in names or list(GENERATED):
        path = directory / name
        path.write_text(GENERATED[name](), encoding="utf-8")
        out[name] = path
    return out


if __name__ == "__main__":
    for written in generate(Path(sys.argv[1])).values():
        print(f"{written} ({written.stat().st_size:,} bytes)")
