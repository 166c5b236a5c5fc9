"""Cold start: what each command imports, and the compiled schema checks that keep jsonschema off
the start-up path (generated from the JSON Schemas, never wrong in the accepting direction)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from lumina_wave import schemas
from lumina_wave.errors import InputError
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import build_plan, plan_to_json
from lumina_wave.results import new_record

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("github", "requests", "urllib3", "jsonschema", "fastjsonschema", "referencing")
# Run entrypoint.py as the container does and report which heavy packages got imported.
PROBE = f"""
import runpy, sys
try:
    runpy.run_path({str(ROOT / "entrypoint.py")!r}, run_name="__main__")
except SystemExit as exit:
    code = exit.code
print("IMPORTED", sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r}), code, file=sys.stderr)
"""


def imported(cwd: Path, inputs: dict[str, str]) -> tuple[list[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env |= {"INPUT_" + k.upper(): v for k, v in inputs.items()} | {"GITHUB_WORKSPACE": str(cwd)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("IMPORTED"))
    modules, code = line.removeprefix("IMPORTED ").rsplit(" ", 1)
    return json.loads(modules.replace("'", '"')), code + done.stdout + done.stderr


def test_plan_from_a_manifest_imports_no_http_stack_and_no_jsonschema(tmp_path):
    (tmp_path / "waves.yml").write_text((ROOT / "examples" / "luminaguard.yml").read_text())
    modules, log = imported(tmp_path, {"command": "plan", "manifest": "waves.yml"})
    assert log.startswith("0"), log
    assert modules == []


def test_prepare_reads_plan_and_records_without_jsonschema(tmp_path, clone):
    plan = build_plan(Selection("manifest", [Item(1, "One"), Item(2, "Two")], [Edge(2, 1)], base="main"))
    lw = clone / ".lumina-wave"
    (lw / "results").mkdir(parents=True)
    (lw / "plan.json").write_text(json.dumps(plan_to_json(plan)))
    record = new_record(plan.plan_id, 1, "success", "feature/issue-1", started_at=None, finished_at=None)
    (lw / "results" / "result-1.json").write_text(json.dumps(record))
    modules, log = imported(clone, {"command": "prepare", "issue": "2"})
    assert log.startswith("0"), log
    assert modules == []


def test_collect_imports_no_http_stack_and_no_jsonschema(tmp_path, clone, monkeypatch):
    """The leg's end: PyGithub and its HTTP stack are for the publisher, which calls the API."""
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path))  # prepare's state and saved index go here
    plan = build_plan(Selection("manifest", [Item(1, "One")], [], base="main"))
    lw = clone / ".lumina-wave"
    lw.mkdir()
    (lw / "plan.json").write_text(json.dumps(plan_to_json(plan)))
    modules, log = imported(clone, {"command": "prepare", "issue": "1"})
    assert log.startswith("0") and modules == [], log
    (clone / "work.txt").write_text("the agent's change\n")
    modules, log = imported(clone, {"command": "collect", "issue": "1", "agent-outcome": "success"})
    assert log.startswith("0"), log
    assert modules == []
    assert (lw / "out" / "issue-1.bundle").is_file()
    assert (tmp_path / "lumina-wave" / "issue-1.index").is_file()  # the stat data collect used


def test_summarize_without_a_token_imports_no_http_stack(tmp_path):
    plan = build_plan(Selection("manifest", [Item(1, "One"), Item(2, "Two")], [Edge(2, 1)], base="main"))
    lw = tmp_path / ".lumina-wave"
    (lw / "results").mkdir(parents=True)
    (lw / "plan.json").write_text(json.dumps(plan_to_json(plan)))
    for n in (1, 2):
        record = new_record(
            plan.plan_id, n, "success", f"feature/issue-{n}", started_at=None, finished_at=None
        )
        (lw / "results" / f"result-{n}.json").write_text(json.dumps(record))
    modules, log = imported(tmp_path, {"command": "summarize", "comment-on": "7"})
    assert log.startswith("0"), log
    assert modules == []
    assert (lw / "summary.md").is_file()


def test_a_bad_manifest_still_gets_jsonschemas_words(tmp_path):
    (tmp_path / "waves.yml").write_text("version: 1\nissues:\n  - number: 7\n    colour: red\n")
    modules, log = imported(tmp_path, {"command": "plan", "manifest": "waves.yml"})
    assert log.startswith("2"), log
    assert "jsonschema" in modules
    assert "unknown key 'colour'" in log


def test_the_compiled_checks_match_the_schemas():
    done = subprocess.run(
        [sys.executable, "-m", "lumina_wave.schemas", "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, f"{done.stderr}run: python -m lumina_wave.schemas"


def test_a_keyword_without_a_compiled_meaning_is_refused():
    with pytest.raises(ValueError, match="no compiled check for unevaluatedProperties"):
        schemas._check_keywords({"type": "object", "unevaluatedProperties": False}, "x")
    with pytest.raises(ValueError, match="needs a sibling 'type'"):
        schemas._check_keywords({"properties": {"v": {"const": 1}}}, "x")


# Values near the manifest's shape: the keys it knows, a few it does not, ints, floats, bools.
_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.sampled_from([1.0, 2.5, 0.0]),
    st.sampled_from(["", "a", "main"]),
)
_keys = st.sampled_from(
    ["version", "issues", "defaults", "number", "title", "depends_on", "wave", "base", "draft", "kind", "x"]
)
_value = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)
_manifest = st.fixed_dictionaries(
    {
        "version": st.one_of(st.just(1), _scalar),
        "issues": st.lists(
            st.fixed_dictionaries(
                {"number": st.one_of(st.integers(1, 4), _scalar)},
                optional={
                    "depends_on": st.lists(st.one_of(st.integers(1, 4), _scalar), max_size=3),
                    "x": _value,
                },
            ),
            max_size=3,
        ),
    },
    optional={"defaults": _value},
)


@settings(max_examples=400, deadline=None)
@given(_manifest)
def test_what_the_compiled_check_accepts_jsonschema_accepts(document):
    if schemas.surely_valid(document, "manifest"):
        assert not list(Draft202012Validator(schemas.load("manifest")).iter_errors(document))


@pytest.mark.parametrize("name", ["manifest", "plan", "result", "summary"])
def test_every_schema_takes_integers_strictly(name):
    validator = schemas._validator(name)
    assert validator.is_type(3, "integer")
    assert not validator.is_type(3.0, "integer")
    assert not validator.is_type(True, "integer")


def test_a_result_record_with_a_float_issue_number_is_refused():
    record = new_record("0123456789ab", 1, "success", "feature/issue-1", started_at=None, finished_at=None)
    schemas.validate(record, "result", "result-1.json")
    record["issue"] = 1.0
    with pytest.raises(InputError, match=r"^result-1\.json: invalid result: issue: 1\.0 is not of type"):
        schemas.validate(record, "result", "result-1.json")
