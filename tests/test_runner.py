"""The runner's files: the job summary stays within GitHub's limit across calls."""

from __future__ import annotations

from lumina_wave.runner import STEP_SUMMARY_LIMIT, Runner


def test_the_step_summary_file_stays_within_the_limit_over_several_calls(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    runner = Runner()
    runner.add_summary("# plan\n")
    runner.add_summary("é" * STEP_SUMMARY_LIMIT)
    text = summary.read_bytes()
    assert len(text) <= STEP_SUMMARY_LIMIT
    assert text.startswith(b"# plan\n")
    assert text.endswith(b"_(cut at GitHub's 1 MiB step summary limit)_\n")
    text.decode("utf-8")  # never cut inside a character
    runner.add_summary("x" * 10)
    assert summary.read_bytes() == text  # full: nothing more fits


def test_a_summary_within_the_budget_is_appended_whole(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("before\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    Runner().add_summary("after\n")
    assert summary.read_text() == "before\nafter\n"
