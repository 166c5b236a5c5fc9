"""Fuzzing (hypothesis): the manifest loader, ``validate``, the result-record reader and the
summary renderer take any input without a traceback.

Bad input ends as :class:`InputError` (exit 2) or a rejected record, never another exception;
for valid input the plan's invariants hold. Runs are reproducible: ``derandomize`` fixes the
cases, and no example database is kept. Every crasher found so far is committed under
``tests/fuzz/`` and replayed as a regression test.

The CI run is bounded (about a minute on two cores). A longer, random run on demand::

    LUMINA_WAVE_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/test_fuzz.py -s

``-s`` prints how many cases each test ran.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import string
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumina_wave import cli
from lumina_wave.errors import InputError, valid_unicode
from lumina_wave.limits import COMMENT_LIMIT, STEP_SUMMARY_LIMIT, utf8_bytes
from lumina_wave.manifest import parse_manifest
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import build_plan, plan_from_json, plan_to_json
from lumina_wave.results import new_record
from lumina_wave.schemas import errors as schema_errors
from lumina_wave.statuses import STATUSES
from lumina_wave.store import read_records
from lumina_wave.summary import (
    build_summary,
    render_markdown,
    render_text,
    summary_for_output,
    summary_to_json,
)
from lumina_wave.times import parse_time

CORPUS = Path(__file__).resolve().parent / "fuzz"
LONG_RUN = int(os.environ.get("LUMINA_WAVE_FUZZ_EXAMPLES", "0"))
CASES: Counter[str] = Counter()


def fuzz_settings(examples: int) -> settings:
    """``examples`` cases in CI, fixed by the test's source; LUMINA_WAVE_FUZZ_EXAMPLES random ones on demand."""
    return settings(
        max_examples=LONG_RUN or examples,
        derandomize=not LONG_RUN,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- manifests -----------------------------------------------------------------------------

# What YAML and the manifest make special: tags, anchors, escapes, dates, numbers, flow and
# block syntax, and the crashers of issue 15.
TOKENS = (
    "version", "issues", "defaults", "number", "title", "kind", "body", "wave", "depends_on", "base",
    "draft", ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "? ", "|", ">", "&a ", "*a", "<<: *a",
    "!!int", "!!bool", "!!float", "!!str", "!!null", "!!timestamp", "!!binary", "!!set", "!!omap",
    "!!python/name:os.system", "!custom", "~", "null", "yes", "no", "on", "true", "1", "0", "-1", "2",
    "1e3", "0x1F", "0o17", "1_000", ".inf", ".nan", "2147483648", "9" * 30, "2024-02-30", "2024-13-45",
    "2024-02-29T24:00:00Z", '"\\ud83d\\ude80"', '"\\ud83d"', '"\\udfff x"', '"\\U0001F680"', '"\\x00"',
    "'quoted'", '"', "'", "#", "%YAML 1.1", "---", "...", "\t", "\ufeff", "\u2028", "🚀", "é",
)  # fmt: skip


@st.composite
def token_soup(draw: st.DrawFn) -> str:
    """Lines of YAML-special tokens at random indentation."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 4, 6, 1, 3]))
        tokens = draw(st.lists(st.sampled_from(TOKENS) | st.text(max_size=4), min_size=1, max_size=6))
        lines.append(indent + " ".join(tokens))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


SCALAR = st.one_of(
    st.integers(-3, 12),
    st.sampled_from(TOKENS),
    st.text(string.printable, max_size=8),
    st.text(max_size=6),
)


# Text YAML takes verbatim in a double-quoted scalar (no control characters, no surrogates).
PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)


@st.composite
def manifest_like(draw: st.DrawFn) -> str:
    """A near-valid manifest: small issue numbers (so plans form, and cycles and unknown
    references happen), with fields sometimes replaced by hostile scalars."""

    def value(good: object) -> str:
        return json.dumps(good, ensure_ascii=False) if draw(st.integers(0, 15)) else str(draw(SCALAR))

    lines = [f"version: {value(1)}", "issues:"]
    for number in draw(st.lists(st.integers(1, 12), min_size=1, max_size=8, unique=True)):
        lines.append(f"  - number: {value(number)}")
        if draw(st.booleans()):
            lines.append(f"    title: {value(draw(PRINTABLE))}")
        if draw(st.booleans()):
            lines.append(f"    wave: {value(draw(st.integers(1, 4)))}")
        if draw(st.booleans()):
            deps = draw(st.lists(st.integers(1, 12), max_size=3, unique=True))
            lines.append(f"    depends_on: {value(deps)}")
    if draw(st.booleans()):
        lines += ["defaults:", f"  draft: {value(draw(st.booleans()))}", f"  base: {value('main')}"]
    return "\n".join(lines) + "\n"


def check_plan_invariants(text: str) -> None:
    """Load ``text``; bad input is InputError; a plan has every invariant and round-trips."""
    try:
        plan = build_plan(parse_manifest(text, "fuzz.yml"))
    except InputError as exc:
        assert exc.problems and all(p.message and "\n" not in str(p.origin or "") for p in exc.problems)
        CASES["manifest refused"] += 1
        return
    CASES["manifest planned"] += 1
    placed = [n for wave in plan.waves for n in wave]
    assert sorted(placed) == sorted(plan.items)  # each issue in exactly one wave
    assert all(1 <= len(w) <= plan.max_jobs_per_wave for w in plan.waves)
    for n, deps in plan.depends_on.items():
        assert n not in deps
        assert all(plan.wave_of[d] < plan.wave_of[n] for d in deps)  # dependencies first
        assert plan.wave_of[n] >= 1
    data = plan_to_json(plan)
    assert valid_unicode(data)
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # writable as plan.json
    assert not schema_errors(data, "plan")
    again = plan_from_json(json.loads(json.dumps(data)))
    assert (again.waves, again.plan_id) == (plan.waves, plan.plan_id)


@fuzz_settings(3000)
@given(st.one_of(token_soup(), manifest_like()))
def test_manifest_loader_takes_any_text(text):
    CASES["manifest"] += 1
    check_plan_invariants(text)


@fuzz_settings(300)
@given(st.one_of(token_soup(), manifest_like(), st.binary(max_size=64).map(lambda b: b.decode("latin-1"))))
def test_validate_exits_0_or_2(text):
    CASES["validate"] += 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "waves.yml")
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        with (
            contextlib.redirect_stdout(io.StringIO()) as out,
            contextlib.redirect_stderr(io.StringIO()) as err,
        ):
            code = cli.main(["validate", "--manifest", str(path)])
    assert code in (0, 2)
    lines = err.getvalue().splitlines()
    if code == 0:
        assert (out.getvalue().count("\n"), lines) == (1, [])
    else:  # one line per problem
        assert (
            out.getvalue() == "" and lines and all(line.startswith("lumina-wave: error: ") for line in lines)
        )


# --- records -------------------------------------------------------------------------------

JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**12) | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
TIMES = st.sampled_from(
    [
        "2026-01-05T10:00:00Z", "2026-01-05t10:00:00z", "2026-01-05T10:00:00.123+02:00", "2024-02-30T00:00:00Z",
        "2026-01-05T10:00:00", "2026-01-05", "2026-01-05T25:00:00Z", "", "not a time", "\ud83d",
    ]
)  # fmt: skip
FIELDS = (
    "version",
    "plan_id",
    "issue",
    "status",
    "branch",
    "started_at",
    "finished_at",
    "error",
    "blocked_by",
)


@st.composite
def record_text(draw: st.DrawFn) -> str:
    """A result record's file: valid, with fields changed, mangled, or no JSON at all."""
    record = new_record("p1", draw(st.integers(1, 5)), draw(st.sampled_from(STATUSES)), "feature/issue-1")
    record.update(started_at=draw(TIMES), finished_at=draw(TIMES))
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
        record[key] = draw(JSON_VALUE | TIMES)
    text = json.dumps(record, ensure_ascii=draw(st.booleans()))
    mangle = draw(st.sampled_from(["none"] * 5 + ["cut", "deep", "digits", "garbage"]))
    if mangle == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif mangle == "deep":
        text = "[" * draw(st.integers(1, 50_000)) + text
    elif mangle == "digits":
        text = text.replace('"issue": ', '"issue": ' + "9" * draw(st.integers(1, 6000)), 1)
    elif mangle == "garbage":
        text = draw(st.text(max_size=40))
    return text


@fuzz_settings(600)
@given(st.lists(record_text(), min_size=1, max_size=5))
def test_record_reader_rejects_bad_records_and_keeps_the_rest(texts):
    CASES["record sets"] += 1
    with tempfile.TemporaryDirectory() as folder:
        for index, text in enumerate(texts):
            Path(folder, f"result-{index + 1}.json").write_bytes(text.encode("utf-8", "surrogatepass"))
        results, rejected = read_records(folder, "p1")
    assert len(results) + len(rejected) <= len(texts)
    CASES["records rejected"] += len(rejected)
    for record in results.values():
        assert not schema_errors(record, "result") and valid_unicode(record)
        parse_time(record["started_at"]), parse_time(record["finished_at"])
    for refused in rejected:
        assert refused.reason and refused.issue is not None


# --- the summary ---------------------------------------------------------------------------

HOSTILE_TEXT = st.text(max_size=40) | st.sampled_from(
    [
        "<!-- x -->",
        "| a | b |",
        "```",
        "::error::x",
        "[link](javascript:x)",
        "@everyone",
        "#1",
        "🚀" * 200,
        "\r\n",
    ]
)


@st.composite
def summary_input(draw: st.DrawFn) -> tuple:
    n = draw(st.integers(1, 12))
    items = [Item(i, title=draw(HOSTILE_TEXT), kind=draw(st.text(max_size=5))) for i in range(1, n + 1)]
    edges = [Edge(i, d) for i in range(2, n + 1) for d in draw(st.sets(st.integers(1, i - 1), max_size=2))]
    plan = build_plan(Selection("fuzz", items, edges), draw(st.integers(1, 4)))
    results, rejected = {}, []
    for i in range(1, n + 1):
        kind = draw(st.sampled_from(["record", "record", "none", "rejected"]))
        if kind == "record":
            start = draw(st.sampled_from([None, "2026-01-05T10:00:00Z", "2026-01-05t10:01:00.5z"]))
            results[i] = new_record(
                plan.plan_id,
                i,
                draw(st.sampled_from(STATUSES)),
                f"feature/issue-{i}",
                started_at=start,
                finished_at=draw(
                    st.sampled_from([None, "2026-01-05T10:02:00Z", "2026-01-05T09:00:00+00:00"])
                ),
                error=draw(st.none() | HOSTILE_TEXT),
                pr_number=draw(st.none() | st.integers(1, 10**6)),
                pr_url=draw(st.none() | HOSTILE_TEXT),
                blocked_by=draw(st.lists(st.integers(1, 20), max_size=2)),
            )
        elif kind == "rejected":
            from lumina_wave.results import Rejected

            rejected.append(Rejected(f"results/result-{i}.json", i, draw(HOSTILE_TEXT)))
    if draw(st.booleans()):
        results[99] = new_record(plan.plan_id, 99, "success", "feature/issue-99")  # outside the plan
    return plan, results, rejected, draw(st.none() | st.integers(1, plan.wave_count))


@fuzz_settings(400)
@given(summary_input())
def test_summary_renders_any_records_within_the_limits(case):
    CASES["summaries"] += 1
    plan, results, rejected, through = case
    run_url = "https://github.com/o/r/actions/runs/1"
    summary = build_summary(plan, results, run_url=run_url, through_wave=through, rejected=rejected)
    full = render_markdown(summary)
    assert full.startswith("<!-- lumina-wave:summary plan=")
    assert full.count("<!--") == 1  # no forged marker
    assert len(render_markdown(summary, COMMENT_LIMIT, full=full)) <= COMMENT_LIMIT
    assert (
        utf8_bytes(render_markdown(summary, STEP_SUMMARY_LIMIT, utf8_bytes, full=full)) <= STEP_SUMMARY_LIMIT
    )
    assert all(line.isprintable() for line in render_text(summary).splitlines())
    data = summary_to_json(summary)
    assert not schema_errors(data, "summary")
    assert not schema_errors(summary_for_output(data, 3_000), "summary")
    assert summary.done_count + summary.not_done_count + summary.pending_count == len(plan.items)


# --- the corpus of crashers found ----------------------------------------------------------


def corpus(kind: str) -> list[Path]:
    return sorted((CORPUS / kind).iterdir())


@pytest.mark.parametrize("path", corpus("manifests"), ids=lambda p: p.name)
def test_manifest_crashers_stay_fixed(path, capsys):
    assert cli.main(["validate", "--manifest", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"lumina-wave: error: {path}:") and err.count("\n") == 1
    check_plan_invariants(path.read_bytes().decode("utf-8"))


@pytest.mark.parametrize("path", corpus("records"), ids=lambda p: p.name)
def test_record_crashers_stay_fixed(path, tmp_path):
    (tmp_path / "result-1.json").write_bytes(path.read_bytes())
    results, rejected = read_records(tmp_path)
    expected = path.name.startswith("ok-")
    assert (len(results), len(rejected)) == ((1, 0) if expected else (0, 1))


def test_cases_run():
    """The number of cases each fuzz test ran (``pytest -s`` shows them)."""
    if CASES:
        print("\nfuzz cases: " + ", ".join(f"{name} {count:,}" for name, count in sorted(CASES.items())))
