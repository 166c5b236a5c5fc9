"""The store (lumina_wave/store.py): every cross-boundary file is checked on read, and a missing
or unreadable one is an error naming the file, never an empty value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lumina_wave.errors import InputError
from lumina_wave.model import Item, Selection
from lumina_wave.plan import build_plan
from lumina_wave.results import new_record
from lumina_wave.store import (
    LegState,
    Missing,
    load_plan,
    read_draft,
    read_leg_state,
    state_file,
    write_draft,
    write_leg_state,
    write_plan,
)

START = "a" * 40
STATE = LegState("2026-01-05T10:00:00.000Z", "main", "main", START, ("b" * 40,))


def test_the_leg_state_reads_back_as_prepare_wrote_it(tmp_path):
    write_leg_state(tmp_path, 7, STATE)
    assert json.loads(state_file(tmp_path, 7).read_text())["from"] == ["b" * 40]
    assert read_leg_state(tmp_path, 7) == STATE


def test_a_missing_state_is_missing_unless_the_agent_did_not_run(tmp_path):
    with pytest.raises(Missing, match="was prepare run") as caught:
        read_leg_state(tmp_path, 7)
    assert str(state_file(tmp_path, 7)) in str(caught.value)
    assert read_leg_state(tmp_path, 7, agent_ran=False) is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{", "Expecting property name"),
        ("[]", "not an object with exactly"),
        (json.dumps({**STATE.to_json(), "extra": 1}), "not an object with exactly"),
        (json.dumps({**STATE.to_json(), "start": "HEAD"}), "must be commits"),
        (json.dumps({**STATE.to_json(), "base": ""}), "must be text"),
        (json.dumps({**STATE.to_json(), "started_at": "yesterday"}), "not an ISO 8601 time"),
        ('{"base": "\\ud800"}', "not valid Unicode"),
    ],
)
def test_an_unreadable_state_is_an_error_naming_the_file(tmp_path, text, why):
    state_file(tmp_path, 7).write_text(text)
    with pytest.raises(InputError, match=why) as caught:
        read_leg_state(tmp_path, 7, agent_ran=False)
    assert not isinstance(caught.value, Missing)
    assert str(caught.value).startswith(f"{state_file(tmp_path, 7)}: the leg's state is unreadable: ")


def test_a_state_behind_a_link_is_refused(tmp_path):
    write_leg_state(tmp_path / "real", 7, STATE)
    state_file(tmp_path, 7).symlink_to(state_file(tmp_path / "real", 7))
    with pytest.raises(InputError, match="symbolic link"):
        read_leg_state(tmp_path, 7)


def test_plan_json_round_trips_and_a_missing_one_is_missing(tmp_path):
    plan = build_plan(Selection("manifest", [Item(1, "One")], [], base="main"))
    write_plan(plan, str(tmp_path / "plan.json"))
    assert load_plan(str(tmp_path / "plan.json")).plan_id == plan.plan_id
    with pytest.raises(Missing, match="plan file not found"):
        load_plan(str(tmp_path / "none.json"))


def test_a_draft_is_checked_as_a_record_is(tmp_path):
    record = new_record("p", 3, "success", "feature/issue-3", started_at="2026-01-05T10:00:00Z")
    path = write_draft(tmp_path, record)
    assert path == Path(tmp_path, "draft-3.json") and read_draft(tmp_path, 3) == (record, None)
    path.write_text(json.dumps({**record, "started_at": "soon"}))
    assert read_draft(tmp_path, 3) == (
        None,
        "draft record of #3 ignored: draft-3.json: started_at: 'soon' is not an ISO 8601 time",
    )
    assert read_draft(tmp_path, 4) == (None, None)  # the leg left none: its publisher says so
