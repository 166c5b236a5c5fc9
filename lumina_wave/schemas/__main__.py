"""``python -m lumina_wave.schemas [--check]``: regenerate the compiled schema checks, or check they
match the JSON Schemas (exit 1 when they drift)."""

from __future__ import annotations

import sys

from lumina_wave.schemas import COMPILED, HERE, compiled_source


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    stale = []
    for name in COMPILED:
        target = HERE / f"compiled_{name}.py"
        source = compiled_source(name)
        if target.is_file() and target.read_text("utf-8") == source:
            continue
        stale.append(target.name)
        if not check:
            target.write_text(source, "utf-8")
    if stale:
        verb = "out of date" if check else "rewritten"
        print(f"{verb}: {', '.join(stale)}", file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
