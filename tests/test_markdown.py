"""Escaping untrusted text for GitHub markdown: tables, HTML, mentions, markers, links."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumina_wave import markdown as md
from lumina_wave import untrusted


def unescaped_pipes(cell: str) -> int:
    return len(re.findall(r"(?<!\\)\|", cell))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain title", "plain title"),
        ("a | b", "a \\| b"),
        ("line one\nline two\r\n\tthree", "line one line two three"),
        ("`code` and ```fence```", "\\`code\\` and \\`\\`\\`fence\\`\\`\\`"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("<!-- lumina-wave:summary plan=x -->", "&lt;!-- lumina-wave:summary plan=x --&gt;"),
        ("ping @octocat and @org/team", "ping `@octocat` and `@org/team`"),
        ("mail a@b.c", "mail a@b.c"),  # an e-mail address, not a mention
        ("[click](https://evil.example)", "\\[click\\](`https://evil.example`)"),
        ("![img](https://evil.example/x.png)", "!\\[img\\](`https://evil.example/x.png`)"),
        ("Fixes #1 and closes o/r#2", "Fixes `#1` and closes `o/r#2`"),
        ("a\u202eb\u200bc", "a&lt;U+202E&gt;b&lt;U+200B&gt;c"),
        ("`x https://y` z", "\\`x `https://y`\\` z"),
        ("**bold** _it_ ~~gone~~", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~"),
        ("back\\slash", "back\\\\slash"),
        ("@ alone", "@ alone"),
        (None, ""),
    ],
)
def test_inline_escapes(text, expected):
    assert md.inline(text) == expected


def test_inline_truncates_the_plain_text_before_escaping():
    assert md.inline("a<b" * 10, limit=4) == "a&lt;b…"
    assert md.inline("x" * 500, limit=300) == "x" * 299 + "…"
    assert md.inline("short", limit=300) == "short"


@given(st.text())
def test_inline_is_always_inert(text):
    out = md.inline(text)
    assert "\n" not in out and "\r" not in out
    assert unescaped_pipes(out) == 0
    assert "<" not in out and ">" not in out
    spans = re.findall(r"(?<!\\)`([^`]*)`", out)  # our code spans: one backtick, no space, no pipe
    assert all(s and " " not in s and "|" not in s for s in spans)
    outside = re.sub(r"(?<!\\)`[^`]*`", "", out)
    assert not re.search(r"(?<!\\)[`\[\]]", outside)
    assert not re.search(r"(?<![\w@])@[A-Za-z0-9]|https?://|www\.|[\w.-]/[\w.-]+#\d", outside)
    assert not any(untrusted.is_invisible(ch) for ch in out)


def test_code_span_outgrows_backticks_inside():
    assert md.code("abc123") == "`abc123`"
    assert md.code("a`b") == "``a`b``"
    assert md.code("`x`") == "`` `x` ``"


def test_link_only_for_http_urls():
    assert md.link("#5", "https://github.com/o/r/issues/5") == "[#5](https://github.com/o/r/issues/5)"
    assert md.link("#5", "") == "#5"
    assert md.link("#5", None) == "#5"
    assert md.link("#5", "javascript:alert(1)") == "#5"
    assert md.link("#5", "https://x.example/a) [y](z") == "#5"
