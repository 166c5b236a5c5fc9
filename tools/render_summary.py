"""Render the golden summary comment as GitHub shows it, to a PNG for the README.

Usage: ``python tools/render_summary.py --node-modules DIR [--golden FILE] [--out PNG]
[--chromium PATH]``

The Markdown goes to GitHub-flavoured HTML with ``marked`` (tables, task lists), styled by
``github-markdown-css``; its ``mermaid`` block is drawn by mermaid's browser bundle; headless
Chromium takes the picture. DIR is a ``node_modules`` with those three packages, made once
with ``npm install marked mermaid github-markdown-css`` in a temporary folder (nothing here
needs the internet). The golden file's SHA-256 goes beside the PNG (``PNG.sha256``): a test
checks that the picture was made from today's golden file (tests/test_summary_picture.py).

Exit 2: a package, Chromium or the golden file is missing, or the page did not render.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "luminaguard-failed-blocked.md"
PICTURE = ROOT / "docs" / "summary-comment.png"
WIDTH = 1012  # GitHub's comment column, in CSS pixels
SCRIPTS = {
    "marked.js": "marked/lib/marked.umd.js",
    "mermaid.js": "mermaid/dist/mermaid.min.js",
    "github.css": "github-markdown-css/github-markdown-light.css",
}
TIME_BUDGET_MS = "20000"  # virtual time for the scripts: mermaid draws asynchronously

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="github.css">
<style>body {{ margin: 0; background: #fff; }}
.markdown-body {{ box-sizing: border-box; width: {width}px; padding: 16px 24px; }}
pre.mermaid {{ background: #fff; text-align: center; }}</style>
<script src="marked.js"></script><script src="mermaid.js"></script></head>
<body><article class="markdown-body" id="comment"></article>
<script>
const markdown = {markdown};
const comment = document.getElementById("comment");
comment.innerHTML = marked.parse(markdown, {{gfm: true}});
for (const code of comment.querySelectorAll("pre > code.language-mermaid")) {{
  const block = document.createElement("pre");
  block.className = "mermaid";
  block.textContent = code.textContent;
  code.parentElement.replaceWith(block);
}}
mermaid.initialize({{startOnLoad: false, theme: "default", securityLevel: "strict"}});
mermaid.run().then(() => {{
  document.body.dataset.height = Math.ceil(comment.getBoundingClientRect().height);
}}, (error) => {{ document.body.dataset.error = String(error); }});
</script></body></html>
"""


class RenderError(Exception):
    """The picture cannot be made (exit 2)."""


def digest(path: Path) -> str:
    """The SHA-256 of ``path``'s bytes, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hash_file(picture: Path) -> Path:
    """Where the golden file's SHA-256 is recorded for ``picture``."""
    return picture.with_name(picture.name + ".sha256")


def recorded_hash(picture: Path) -> tuple[str, str]:
    """(SHA-256, golden file relative to the repository) recorded beside ``picture``."""
    digest_hex, name = hash_file(picture).read_text(encoding="utf-8").split()
    return digest_hex, name


def page(markdown: str) -> str:
    """The HTML page that renders ``markdown`` (as a JSON string, so no text of it is markup)."""
    return PAGE.format(width=WIDTH, markdown=json.dumps(markdown).replace("</", "<\\/"))


def _chromium(chromium: str, url: str, *args: str) -> str:
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--allow-file-access-from-files", f"--virtual-time-budget={TIME_BUDGET_MS}", *args, url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0:
        raise RenderError(f"chromium exited with {done.returncode}: {done.stderr.strip()[-300:]}")
    return done.stdout


def render(golden: Path, out: Path, node_modules: Path, chromium: str) -> int:
    """Write ``out`` (PNG) from ``golden`` and the golden file's hash beside it; returns its height."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, source in SCRIPTS.items():
            if not (node_modules / source).is_file():
                raise RenderError(
                    f"{node_modules / source} is missing: npm install marked mermaid github-markdown-css"
                )
            shutil.copyfile(node_modules / source, work / name)
        (work / "page.html").write_text(page(golden.read_text(encoding="utf-8")), encoding="utf-8")
        url = (work / "page.html").as_uri()
        dom = _chromium(chromium, url, "--dump-dom")
        error = re.search(r'<body data-error="([^"]*)"', dom)
        if error:
            raise RenderError(f"mermaid: {error.group(1)}")
        height = re.search(r'<body data-height="(\d+)"', dom)
        if not height:
            raise RenderError("the page did not finish rendering within the time budget")
        shot = work / "shot.png"
        _chromium(chromium, url, f"--screenshot={shot}", f"--window-size={WIDTH},{height.group(1)}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, out)
    name = golden.resolve().relative_to(ROOT).as_posix() if golden.resolve().is_relative_to(ROOT) else golden
    hash_file(out).write_text(f"{digest(golden)}  {name}\n", encoding="utf-8")
    return int(height.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--node-modules", type=Path, required=True, help="node_modules with marked and mermaid"
    )
    parser.add_argument(
        "--golden", type=Path, default=GOLDEN, help="the summary Markdown (default: %(default)s)"
    )
    parser.add_argument("--out", type=Path, default=PICTURE, help="the PNG (default: %(default)s)")
    parser.add_argument("--chromium", default="chromium", help="the Chromium binary (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        if not args.golden.is_file():
            raise RenderError(f"{args.golden}: no such file")
        if not shutil.which(args.chromium):
            raise RenderError(f"{args.chromium}: not found (apt-get install chromium)")
        height = render(args.golden, args.out, args.node_modules, args.chromium)
    except (RenderError, subprocess.TimeoutExpired) as error:
        print(f"render_summary: {error}", file=sys.stderr)
        return 2
    print(f"{args.out}: {WIDTH}x{height} from {args.golden}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
