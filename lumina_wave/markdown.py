"""Untrusted text (issue titles, labels, error messages) made inert for GitHub markdown. Pure.

What :func:`inline` guarantees for any input string:

- one line: every run of whitespace (newlines included) becomes one space;
- no HTML: ``&``, ``<`` and ``>`` become entities, so ``<script>``, ``<details>`` and the
  comment opener ``<!--`` (hence a forged ``<!-- lumina-wave…`` marker) are plain text;
- no markup that reaches outside the cell: ``|`` (table columns), backticks (code spans),
  ``[`` and ``]`` (links, and images: ``![``), ``*``, ``_``, ``~`` (emphasis) and ``\\``
  are backslash-escaped, so ``[x](y)`` and ``![x](y)`` are shown, not followed;
- nothing that acts or hides (:mod:`lumina_wave.untrusted`, rules 1 and 2): invisible characters
  are shown as ``<U+202E>``; URLs, ``owner/repo#N``, ``@name`` mentions and the ``#N`` after a
  closing keyword are code spans, which GitHub neither links nor notifies nor closes from.
"""

from __future__ import annotations

import re

from lumina_wave.untrusted import active_spans, visible

ERROR_LIMIT = 300
TITLE_LIMIT = 120

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_PUNCTUATION = set("\\|`[]*_~")


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in ``…`` when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def inline(text: str | None, limit: int | None = None) -> str:
    """``text`` as inert one-line markdown, safe in a table cell or a list item.

    ``limit`` cuts the plain text first (so an escape is never split).
    """
    plain = " ".join(visible(text or "").split())
    if limit is not None:
        plain = truncate(plain, limit)
    out, at = [], 0
    for start, end in active_spans(plain):  # their text holds no backtick, pipe, bracket or space
        out += [_escape(plain[at:start]), "`", plain[start:end], "`"]
        at = end
    out.append(_escape(plain[at:]))
    return "".join(out)


def _escape(plain: str) -> str:
    return "".join(_HTML.get(ch) or ("\\" + ch if ch in _PUNCTUATION else ch) for ch in plain)


def code(text: str) -> str:
    """``text`` (trusted, e.g. a plan id or a branch name) as an inline code span."""
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link(label: str, url: str | None) -> str:
    """``[label](url)`` for an http(s) URL we produced; just ``label`` otherwise.

    ``label`` must already be markdown (escaped or trusted); the URL must not contain
    characters that end the link target.
    """
    if url and re.fullmatch(r"https?://[^\s()<>]+", url):
        return f"[{label}]({url})"
    return label
