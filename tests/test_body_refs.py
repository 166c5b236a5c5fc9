"""``Depends on #N`` / ``Blocked by #N`` / ``Requires #N`` lines in issue bodies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumina_wave.github_source import dependency_refs


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Depends on #12", [(1, 12)]),
        ("depends ON #12", [(1, 12)]),
        ("BLOCKED BY #3", [(1, 3)]),
        ("Requires #4", [(1, 4)]),
        ("Depends on #1, #2 and #3", [(1, 1), (1, 2), (1, 3)]),
        ("Depends on #1, #2, and #3", [(1, 1), (1, 2), (1, 3)]),
        ("Blocked by #1 & #2", [(1, 1), (1, 2)]),
        ("- Depends on: #5", [(1, 5)]),
        ("**Depends on:** #5", [(1, 5)]),
        ("**Blocked by**: #6", [(1, 6)]),
        ("intro\r\n\r\nDepends on #7\r\n", [(3, 7)]),
        ("Depends on #1. See also #9", [(1, 1)]),
        ("Related to #9", []),
        ("Fixes #9", []),
        ("Depends on issue 9", []),
        ("Depends on #9abc", []),
        ("prerequires #9", []),
        ("Depends on other/repo#9", []),
        ("Depends on o/r#9", [(1, 9)]),
        ("Depends on O/R#9", [(1, 9)]),
        ("Depends on #1, other/repo#2 and #3", [(1, 1), (1, 3)]),
        ("Depends on #1\nRequires #2", [(1, 1), (2, 2)]),
        ("Depends on #1; requires #2", [(1, 1), (1, 2)]),
    ],
)
def test_references(body, expected):
    assert dependency_refs(body, "o/r") == expected


def test_fenced_code_is_ignored_with_line_numbers_kept():
    body = "\n".join(
        [
            "Depends on #1",  # 1
            "```text",  # 2
            "Depends on #2",  # 3
            "```",  # 4
            "~~~~",  # 5
            "Requires #3",  # 6
            "~~~",  # 7: too short to close a ~~~~ fence
            "Blocked by #4",  # 8
            "~~~~~",  # 9
            "Blocked by #5",  # 10
        ]
    )
    assert dependency_refs(body) == [(1, 1), (10, 5)]


def test_an_unclosed_fence_runs_to_the_end():
    assert dependency_refs("```\nDepends on #2") == []


def test_inline_code_and_html_comments_are_ignored():
    body = "Use `Depends on #1` to declare one\n<!-- Depends on #2\nRequires #3 -->\nRequires #4"
    assert dependency_refs(body) == [(4, 4)]


def test_no_body():
    assert dependency_refs("") == []


@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=8), st.booleans())
def test_every_listed_reference_is_found(numbers, oxford):
    *head, last = [f"#{n}" for n in numbers]
    text = ", ".join(head) + ("," if oxford else "") + " and " + last if head else last
    assert dependency_refs(f"Intro\nDepends on {text}\n") == [(2, n) for n in numbers]


@given(st.text())
def test_any_text_parses_without_error_to_positive_numbers(text):
    for line, number in dependency_refs(text):
        assert line >= 1 and number >= 0
