"""The usage contract: $WAVE_USAGE_FILE read as hostile input, carried in the record, summed in the summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from test_summary import at, luminaguard, pr, record, stored

from lumina_wave import usage
from lumina_wave.plan import plan_to_json
from lumina_wave.schemas import load, validate
from lumina_wave.summary import build_summary, render_markdown, render_text, summary_to_json

CLAUDE = {"model": "claude-sonnet-4-5", "input_tokens": 12000, "cached_tokens": 9000, "output_tokens": 800}


def write(tmp_path, text: str | bytes):
    path = tmp_path / "issue-1.usage.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_a_usage_file_is_read_with_every_field_present(tmp_path):
    path = write(tmp_path, json.dumps({**CLAUDE, "cost_usd": 0.0421, "turns": 7}))
    assert usage.read_usage(path) == ({**CLAUDE, "cost_usd": 0.0421, "turns": 7}, None)
    only_tokens = write(tmp_path, json.dumps({"input_tokens": 5, "output_tokens": 2}))
    got, warning = usage.read_usage(only_tokens)
    assert warning is None
    assert got == {
        "model": None,
        "input_tokens": 5,
        "cached_tokens": None,
        "output_tokens": 2,
        "cost_usd": None,
        "turns": None,
    }


def test_no_usage_file_is_no_usage_and_no_warning(tmp_path):
    assert usage.read_usage(tmp_path / "none.json") == (None, None)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{not json", "Expecting property name"),
        ('{"cost_usd": NaN}', "NaN is not a number"),
        ('{"cost_usd": Infinity}', "Infinity is not a number"),
        ('{"cost_usd": 1e400}', "cost_usd"),  # json reads inf
        ('{"input_tokens": -1}', "input_tokens"),
        ('{"input_tokens": 1.5}', "input_tokens"),
        ('{"input_tokens": true}', "input_tokens"),
        ('{"cost_usd": "0.42"}', "cost_usd"),
        ('{"tokens": 5}', "unknown key 'tokens'"),
        ("[1, 2]", "not of type 'object'"),
        (json.dumps({"model": "m" * 201}), "model"),
        (b'{"model": "\xff"}', "utf-8"),
    ],
)
def test_a_bad_usage_file_is_a_warning_never_a_crash(tmp_path, text, why):
    path = write(tmp_path, text)
    got, warning = usage.read_usage(path)
    assert got is None
    assert warning.startswith(f"usage file {path} ignored: ") and why in warning, warning
    assert "\n" not in warning


def test_a_huge_file_is_refused_unread(tmp_path):
    path = write(tmp_path, "{" + " " * (usage.SIZE_LIMIT + 10) + "}")
    assert usage.read_usage(path) == (None, f"usage file {path} ignored: larger than 16384 bytes")


def test_a_symlink_a_fifo_and_a_folder_are_refused(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"model": "leaked"}))
    link = tmp_path / "link.json"
    link.symlink_to(secret)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # a plain open would wait for a writer forever
    folder = tmp_path / "dir.json"
    folder.mkdir()
    for path in (link, fifo, folder):
        got, warning = usage.read_usage(path)
        assert got is None and warning and "ignored" in warning, (path, warning)


def test_the_record_schema_carries_the_usage_schema():
    """One contract: result.usage takes what usage.schema.json takes (and null)."""
    assert load("result")["properties"]["usage"]["properties"] == load("usage")["properties"]
    assert set(load("usage")["properties"]) == set(usage.FIELDS)


def test_the_sum_counts_only_what_was_reported():
    total = usage.add_up(
        [
            {**CLAUDE, "cost_usd": 0.25, "turns": 3},
            None,
            {"input_tokens": 100, "output_tokens": 10, "model": None, "cost_usd": None},
        ]
    )
    assert total == {
        "reported": 2,
        "input_tokens": 12100,
        "cached_tokens": 9000,
        "output_tokens": 810,
        "cost_usd": 0.25,
        "turns": 3,
        "model": None,
    }  # one report names no model
    assert usage.add_up([CLAUDE, CLAUDE])["model"] == "claude-sonnet-4-5"
    assert usage.add_up([None, None]) == dict.fromkeys(
        ("reported", "input_tokens", "cached_tokens", "output_tokens", "cost_usd", "turns", "model"), None
    ) | {"reported": 0}
    assert usage.tokens(None) is None and usage.tokens({"output_tokens": 4}) == 4
    assert (usage.cost_text(None), usage.cost_text(0.004), usage.cost_text(1.5)) == ("—", "$0.0040", "$1.50")


def _summary(tmp_path):
    plan = luminaguard()
    results = stored(
        tmp_path,
        plan,
        record(
            plan,
            152,
            "success",
            started_at=at(0),
            finished_at=at(4),
            usage={**CLAUDE, "cost_usd": 0.5, "turns": 4},
            **pr(201),
        ),
        record(plan, 154, "success", started_at=at(0), finished_at=at(5), **pr(202)),
        record(
            plan,
            155,
            "success",
            started_at=at(6),
            finished_at=at(9),
            usage=dict.fromkeys(usage.FIELDS)
            | {"input_tokens": 300, "output_tokens": 30, "cached_tokens": 100},
            **pr(203),
        ),
    )
    return build_summary(plan, results)


def test_the_summary_shows_cost_and_tokens_per_issue_per_wave_and_in_total(tmp_path):
    summary = _summary(tmp_path)
    text = render_markdown(summary)
    assert "· cost **$0.50**" in text.split("\n\n")[1]  # the headline
    section = text.split("### What it cost\n\n")[1].split("\n\n###")[0]
    assert "| #152 | claude-sonnet-4-5 | 12,000 | 9,000 | 800 | 4 | $0.50 |" in section
    assert "| #154 | — | — | — | — | — | — |" in section  # reported nothing: never 0
    assert "| #155 | — | 300 | 100 | 30 | — | — |" in section
    assert "| Wave 1 (1 of 2 issues reported) | | 12,000 | 9,000 | 800 | 4 | $0.50 |" in section
    assert "| Wave 2 (1 of 1 issue reported) | | 300 | 100 | 30 | — | — |" in section
    assert "| **Total** (2 of 3 that ran reported) |  | 12,300 | 9,100 | 830 | 4 | $0.50 |" in section
    assert "cost $0.50, tokens 13,130 (as 2 issues reported)" in render_text(summary)
    data = summary_to_json(summary)
    validate(data, "summary", "summary.json")
    assert data["usage"]["total"] | {} == {
        "reported": 2,
        "input_tokens": 12300,
        "cached_tokens": 9100,
        "output_tokens": 830,
        "cost_usd": 0.5,
        "turns": 4,
        "model": None,
        "tokens": 13130,
    }
    assert [w["tokens"] for w in data["usage"]["waves"]] == [12800, 330]
    assert data["issues"][1]["usage"] is None


def test_without_any_usage_there_is_no_cost_section_and_no_zero(tmp_path):
    plan = luminaguard()
    results = stored(tmp_path, plan, *(record(plan, n, "success", **pr(n + 50)) for n in (152, 154, 155)))
    summary = build_summary(plan, results)
    text = render_markdown(summary)
    assert "What it cost" not in text and "cost" not in text.split("\n\n")[1]
    assert "cost" not in render_text(summary)
    total = summary_to_json(summary)["usage"]["total"]
    assert total["cost_usd"] is None and total["tokens"] is None and total["reported"] == 0


def test_a_model_name_is_inert_markdown(tmp_path):
    plan = luminaguard()
    hostile = dict.fromkeys(usage.FIELDS) | {"model": "<img src=x> [a](http://x) @team | x"}
    results = stored(tmp_path, plan, record(plan, 152, "success", usage=hostile))
    section = render_markdown(build_summary(plan, results)).split("### What it cost")[1]
    assert "&lt;img src=x&gt; \\[a\\](`http://x`) `@team` \\| x" in section
    assert "<img" not in section


def test_summarize_outputs_cost_and_tokens_and_empty_when_unknown(tmp_path):
    from test_summary import luminaguard as plan_of

    plan = plan_of()
    lw = tmp_path / ".lumina-wave"
    lw.mkdir()
    (lw / "plan.json").write_text(json.dumps(plan_to_json(plan)))
    outputs = {}
    for name, used in (("some", {"cost_usd": 0.125, "input_tokens": 10, "output_tokens": 5}), ("none", None)):
        folder = tmp_path / name
        stored(folder, plan, record(plan, 152, "success", usage=used and dict.fromkeys(usage.FIELDS) | used))
        out = tmp_path / f"{name}.output"
        out.touch()
        env = {
            **os.environ,
            "GITHUB_OUTPUT": str(out),
            "INPUT_COMMAND": "summarize",
            "INPUT_PLAN-FILE": str(lw / "plan.json"),
            "INPUT_RESULTS-DIR": str(folder / "results"),
        }
        env = {k: v for k, v in env.items() if not k.startswith("GITHUB_") or k == "GITHUB_OUTPUT"}
        done = subprocess.run(
            [sys.executable, "entrypoint.py"],
            env=env,
            cwd=usage.Path(__file__).parents[1],
            capture_output=True,
            text=True,
        )
        assert done.returncode in (0, 1), done.stderr
        from file_commands import parse_file_commands

        outputs[name] = parse_file_commands(out)
    assert (outputs["some"]["cost-usd"], outputs["some"]["tokens"]) == ("0.125", "15")
    assert (outputs["none"]["cost-usd"], outputs["none"]["tokens"]) == ("", "")


def test_an_empty_usage_file_is_no_usage_and_no_warning(tmp_path):
    assert usage.read_usage(write(tmp_path, "")) == (None, None)
    assert usage.read_usage(write(tmp_path, " \n")) == (None, None)


def test_prepare_leaves_an_empty_usage_file_the_work_trees_owner_can_write(tmp_path):
    """In the container lumina-wave is root and the agent the runner's user (uid 1001), who cannot
    create files in the root-owned context folder: the file is there, empty, and the user's."""
    tree = tmp_path / "workspace"
    tree.mkdir()
    path = tmp_path / "issue-1.usage.json"
    path.write_text('{"cost_usd": 9.0}')  # an earlier run's
    if os.geteuid() == 0:
        os.chown(tree, 1001, 1001)
    usage.reset_usage(path, tree)
    assert path.read_text() == "" and not path.is_symlink()
    assert (path.stat().st_uid, path.stat().st_gid) == (tree.stat().st_uid, tree.stat().st_gid)
    if os.geteuid() == 0:
        assert path.stat().st_uid == 1001
