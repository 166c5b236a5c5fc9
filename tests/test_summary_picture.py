"""docs/summary-comment.png, the README's picture of the summary comment, is made from today's
golden file: tools/render_summary.py records the golden file's SHA-256 beside it. Pixels are not
compared, and nothing here needs Chromium."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from script_module import load_script

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "render_summary.py"


render = load_script(TOOL)


def test_the_picture_was_made_from_todays_golden_file():
    recorded, name = render.recorded_hash(render.PICTURE)
    assert ROOT / name == render.GOLDEN
    assert recorded == render.digest(render.GOLDEN), (
        f"{name} changed since {render.PICTURE.name} was made: run "
        "python tools/render_summary.py --node-modules DIR (see its docstring)"
    )


def test_the_picture_is_a_png_of_the_comment_width():
    data = render.PICTURE.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width == render.WIDTH and height > 500


def test_the_readme_shows_the_picture():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/summary-comment.png)" in readme


def test_the_markdown_cannot_end_the_pages_script():
    html = render.page("</script><script>alert(1)</script>")
    assert html.count("</script>") == render.PAGE.count("</script>")


def test_without_chromium_the_tool_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "x.png"
    done = subprocess.run(
        [
            sys.executable,
            str(TOOL),
            "--node-modules",
            str(tmp_path),
            "--out",
            str(out),
            "--chromium",
            "no-such-chromium",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == "render_summary: no-such-chromium: not found (apt-get install chromium)\n"
    assert not out.exists() and not render.hash_file(out).exists()
