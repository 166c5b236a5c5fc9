"""Point action.yml at a released image: the tag-time rewrite of ``runs.image``.

Usage: ``python tools/release_action.py IMAGE_REF [--action action.yml]``

The release workflow runs this on the tagged commit, so a release's ``action.yml`` says
``image: docker://ghcr.io/OWNER/lumina-wave:vX.Y.Z`` (the runner pulls it, no build) while
``main`` keeps ``image: Dockerfile``. Only ``runs.image`` changes: the file is round-tripped
with ruamel.yaml (comments, order and quoting kept), and the result is checked to differ from
the original in that one line. Exit 0 done, 1 the rewrite would touch more, 2 bad input.
Needs only the standard library and ruamel.yaml.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

# GHCR names are lower case. The tag is a semantic version (semver.org's grammar, without
# build metadata, which a registry tag cannot carry) or the reference is an image digest.
IMAGE_REF = re.compile(
    r"docker://ghcr\.io/[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}/lumina-wave"
    r"(?::v(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)"
    r"(?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?"
    r"|@sha256:[0-9a-f]{64})"
)


class RewriteError(Exception):
    """The rewrite cannot be done; ``code`` is the exit status (2 bad input, 1 unsafe)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def check_image_ref(ref: str) -> str:
    """Return ``ref`` when it names a released lumina-wave image on GHCR, else raise."""
    if not IMAGE_REF.fullmatch(ref):
        raise RewriteError(
            f"image reference {ref!r} is not docker://ghcr.io/<lower-case owner>/lumina-wave:v<semver> "
            "or docker://ghcr.io/<lower-case owner>/lumina-wave@sha256:<64 hex>"
        )
    return ref


def _yaml() -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long scalars
    return yaml


def rewrite_image(text: str, ref: str, source: str = "action.yml") -> str:
    """``text`` (an action.yml) with ``runs.image`` set to ``ref``; nothing else changes."""
    check_image_ref(ref)
    yaml = _yaml()
    try:
        action = yaml.load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise RewriteError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") from None
    runs = action.get("runs") if isinstance(action, dict) else None
    if not isinstance(runs, dict) or runs.get("using") != "docker" or not isinstance(runs.get("image"), str):
        raise RewriteError(f"{source}: runs must be a docker action with a string image (using: docker)")
    line = runs.lc.value("image")[0]
    runs["image"] = ref
    out = io.StringIO()
    yaml.dump(action, out)
    new = out.getvalue()
    old_lines, new_lines = text.splitlines(keepends=True), new.splitlines(keepends=True)
    changed = [
        number + 1
        for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False))
        if a != b and number != line
    ]
    if len(old_lines) != len(new_lines) or changed:
        first = changed[0] if changed else min(len(old_lines), len(new_lines)) + 1
        raise RewriteError(f"{source}:{first}: the YAML round-trip would change more than runs.image", 1)
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image_ref", help="docker://ghcr.io/OWNER/lumina-wave:vX.Y.Z or …@sha256:<digest>")
    parser.add_argument("--action", type=Path, default=Path("action.yml"), help="the file to rewrite")
    args = parser.parse_args(argv)
    try:
        try:
            with args.action.open(encoding="utf-8", newline="") as file:  # bytes as they are
                text = file.read()
        except OSError as error:
            raise RewriteError(f"{args.action}: cannot read: {error.strerror}") from None
        new = rewrite_image(text, args.image_ref, str(args.action))
    except RewriteError as error:
        print(f"release_action: {error}", file=sys.stderr)
        return error.code
    if new != text:
        temp = args.action.with_name(f".{args.action.name}.tmp")
        with temp.open("w", encoding="utf-8", newline="") as file:
            file.write(new)
        temp.replace(args.action)
    print(f"{args.action}: runs.image = {args.image_ref}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
