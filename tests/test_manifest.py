"""The manifest source: every kind of bad manifest gets one line naming file, line, column and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from lumina_wave.errors import InputError
from lumina_wave.manifest import MAX_MANIFEST_BYTES, read_manifest
from lumina_wave.plan import build_plan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def write(tmp_path: Path, text: str, name: str = "waves.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(InputError) as info:
        build_plan(read_manifest(path))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_luminaguard_example_reads_items_edges_and_defaults():
    selection = read_manifest(EXAMPLES / "luminaguard.yml")
    assert [i.number for i in selection.items] == [152, 154, 155]
    assert selection.items[0].title == "Cross-Platform VM Research"
    assert selection.items[0].kind == "research"
    assert [(e.issue, e.depends_on) for e in selection.edges] == [(155, 154)]
    assert selection.base == "main"
    assert selection.draft is False
    assert build_plan(selection).waves == ((152, 154), (155,))


def test_positions_of_items_and_edges_are_one_based(tmp_path):
    path = write(tmp_path, "version: 1\nissues:\n  - number: 1\n  - number: 2\n    depends_on: [1]\n")
    selection = read_manifest(path)
    assert str(selection.items[1].origin) == f"{path}:4:5"
    assert str(selection.edges[0].origin) == f"{path}:5:18"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nissues:\n  - number: 1\n    colour: red\n", ":4:5: unknown key 'colour' in issues[0]"),
        ("version: 1\nextra: 1\nissues:\n  - number: 1\n", ":2:1: unknown key 'extra' in the manifest"),
        (
            "version: 1\ndefaults: {bass: x}\nissues:\n  - number: 1\n",
            ":2:12: unknown key 'bass' in defaults; did you mean 'base'?",
        ),
        (
            "version: 1\nissues:\n  - number: '7'\n",
            ":3:13: issues[0].number: expected integer, got string; write 7 without quotes (quoted, it is text)",
        ),
        ("version: 1\nissues:\n  - number: 0\n", ":3:13: issues[0].number: 0 is less than the minimum of 1"),
        ("version: 1\nissues:\n  - title: x\n", ":3:5: issues[0]: 'number' is a required property"),
        (
            "version: 2\nissues:\n  - number: 1\n",
            ":1:10: unsupported manifest version 2; this lumina-wave reads version 1",
        ),
        ("issues:\n  - number: 1\n", ":1:1: the manifest: 'version' is a required property"),
        ("version: 1\nissues: []\n", ":2:9: issues: [] should be non-empty"),
        (
            "version: 1\nissues:\n  - number: 1\n    depends_on: 2\n",
            ":4:17: issues[0].depends_on: expected array, got integer",
        ),
        (
            "version: 1\nissues:\n  - number: 1\n  - number: 2\n    depends_on: [1, 1]\n",
            ":5:17: issues[1].depends_on: lists the same issue twice",
        ),
        (
            "version: 1\ndefaults: {draft: maybe}\nissues:\n  - number: 1\n",
            ":2:19: defaults.draft: expected boolean, got string",
        ),
        ("- 1\n- 2\n", ":1:1: the manifest: expected object, got list"),
    ],
)
def test_schema_errors_name_the_position_and_problem(tmp_path, text, expected):
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}{expected}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nissues:\n  - number: 1\n    depends_on: [1]\n", ":4:18: issue #1 depends on itself"),
        (
            "version: 1\nissues:\n  - number: 1\n  - number: 1\n",
            ":4:5: issue #1 is listed twice (first listed at {path}:3:5)",
        ),
        (
            "version: 1\nissues:\n  - number: 1\n    depends_on: [9]\n",
            ":4:18: issue #1 depends on #9, which is not in the plan",
        ),
        (
            "version: 1\nissues:\n  - number: 152\n    depends_on: [154]\n  - number: 154\n    depends_on: [152]\n",
            ":4:18: dependency cycle: 152 -> 154 -> 152 (each depends on the next)",
        ),
    ],
)
def test_plan_errors_name_the_manifest_position(tmp_path, text, expected):
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}{expected.format(path=path)}"


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    path = write(tmp_path, "version: 1\nissues:\n  - number: [1, 2\n    title: x\n")
    assert (
        error_of(path)
        == f"{path}:3:13: YAML syntax error: the [ here is never closed with ] (found ':' at 4:10)"
    )


def test_an_unterminated_quote_is_reported_where_it_opens(tmp_path):
    text = "version: 1\nissues:\n  - number: 1\n    title: 'Fix the login\n  - number: 2\n    kind: x\n"
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}:4:12: YAML syntax error: unterminated quote: the ' here is never closed"


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        build_plan(read_manifest(path))
    return [str(p) for p in info.value.problems]


def test_every_schema_problem_is_reported_once_by_position(tmp_path):
    path = write(
        tmp_path,
        "version: 1\n"
        "issues:\n"
        "  - number: 1\n"
        "    dependson: [2]\n"  # a typo
        "    wave: 0.5\n"  # a type error, not also the minimum it misses
        "  - nummber: 2\n"  # a typo, and so no number
        "    Title: x\n"
        "defaults:\n"
        "  draft: no\n",
    )
    assert problems_of(path) == [
        f"{path}:4:5: unknown key 'dependson' in issues[0]; did you mean 'depends_on'?",
        f"{path}:5:11: issues[0].wave: expected integer, got number",
        f"{path}:6:5: unknown key 'nummber' in issues[1]; did you mean 'number'?",
        f"{path}:6:5: issues[1]: 'number' is a required property",
        f"{path}:7:5: unknown key 'Title' in issues[1]; did you mean 'title'?",
        f"{path}:9:10: defaults.draft: expected boolean, got string; write true or false ('no' is text in YAML 1.2)",
    ]


def test_every_plan_problem_is_reported_by_position(tmp_path):
    path = write(
        tmp_path,
        "version: 1\nissues:\n"
        "  - number: 1\n    depends_on: [9]\n"
        "  - number: 2\n    depends_on: [2]\n"
        "  - number: 1\n"
        "  - number: 3\n    depends_on: [4]\n"
        "  - number: 4\n    depends_on: [3]\n",
    )
    assert problems_of(path) == [
        f"{path}:4:18: issue #1 depends on #9, which is not in the plan",
        f"{path}:6:18: issue #2 depends on itself",
        f"{path}:7:5: issue #1 is listed twice (first listed at {path}:3:5)",
        f"{path}:9:18: dependency cycle: 3 -> 4 -> 3 (each depends on the next)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "version: 1\nissues:\n  - number: 1\n    title: 2024-05-01\n",
            "4:12: issues[0].title: expected string, got date; YAML reads this unquoted value as a date: quote it to make it text",
        ),
        (
            "version: 1\nissues:\n  - number: 1\n    title: true\n",
            "4:12: issues[0].title: expected string, got boolean; YAML reads this unquoted value as a boolean: quote it to make it text",
        ),
        (
            "version: 1\nissues:\n  - number: 1\n    kind: 1.5\n",
            "4:11: issues[0].kind: expected string, got number; YAML reads this unquoted value as a number: quote it to make it text",
        ),
        (
            "version: 1\nissues:\n  - number: 1\n    title:\n",
            "4:5: issues[0].title: expected string, got null; an empty value is null: write the text, or leave the key out",
        ),
        (
            "version: 1\ndefaults:\n  draft: On\nissues:\n  - number: 1\n",
            "3:10: defaults.draft: expected boolean, got string; write true or false ('On' is text in YAML 1.2)",
        ),
        (
            "version: 1\nissues:\n  - number: 1\n  \ttitle: x\n",
            "4:3: YAML syntax error: found character '\\t' that cannot start any token; YAML indents with spaces, not tabs",
        ),
        (
            "version: 1\nissues:\n  - number: 1\n    title: 2024-02-30\n",
            "4:12: unreadable value: day is out of range for month; YAML reads an unquoted 2024-02-30 as a date: quote it",
        ),
        (
            "version: 1\nissues:\n  - number: 1\n    needs: [2]\n  - number: 2\n",
            "4:5: unknown key 'needs' in issues[0]; did you mean 'depends_on'?",
        ),
    ],
)
def test_yaml_traps_get_a_hint(tmp_path, text, expected):
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}:{expected}"


def test_duplicate_yaml_key_is_a_syntax_error(tmp_path):
    path = write(tmp_path, "version: 1\nversion: 1\nissues:\n  - number: 1\n")
    assert error_of(path).startswith(f"{path}:2:1: YAML syntax error: found duplicate key")


def test_missing_file(tmp_path):
    assert error_of(tmp_path / "nope.yml") == f"{tmp_path / 'nope.yml'}: no such file"


def test_directory_is_not_a_manifest(tmp_path):
    assert error_of(tmp_path) == f"{tmp_path}: not a regular file"


def test_empty_file(tmp_path):
    path = write(tmp_path, "# nothing\n")
    assert error_of(path) == f"{path}: the manifest is empty"


def test_non_utf8_bytes_point_at_the_byte(tmp_path):
    path = tmp_path / "latin1.yml"
    path.write_bytes(b"version: 1\nissues:\n  - number: 1\n    title: caf\xe9\n")
    assert error_of(path) == f"{path}:4:15: not UTF-8: byte 0xe9 cannot be decoded"


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yml"
    path.write_bytes(b"#" * (MAX_MANIFEST_BYTES + 1))
    assert "the limit is 5,242,880" in error_of(path)


def test_optional_fields_and_pins(tmp_path):
    path = write(
        tmp_path,
        "version: 1\nissues:\n  - number: 3\n    wave: 2\n    body: |\n      Do it.\n    kind: chore\n",
    )
    item = read_manifest(path).items[0]
    assert (item.min_wave, item.body, item.kind, item.title) == (2, "Do it.\n", "chore", "")
