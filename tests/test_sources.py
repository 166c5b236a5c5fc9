"""sources.select: the one place that decides which source a run reads."""

from __future__ import annotations

import pytest

from lumina_wave.sources import SourceOptions, epic, label, manifest, select


@pytest.mark.parametrize(
    ("given", "reader", "filled"),
    [
        ({"epic": 7, "manifest": "w.yml", "label": "x"}, epic.read, {}),
        ({"manifest": "w.yml", "label": "x"}, manifest.read, {}),
        ({"label": "x"}, label.read, {}),
        ({}, label.read, {"label": "wave"}),
    ],
)
def test_precedence(tmp_path, given, reader, filled):
    options = SourceOptions(workspace=str(tmp_path), **given)
    chosen, used = select(options)
    assert chosen is reader
    assert {k: getattr(used, k) for k in filled} == filled


def test_the_default_manifest_wins_over_the_default_label_only_when_it_exists(tmp_path):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "waves.yml").write_text("version: 1\nissues: []\n")
    chosen, used = select(SourceOptions(workspace=str(tmp_path)))
    assert (chosen, used.manifest) == (manifest.read, ".github/waves.yml")
    chosen, used = select(SourceOptions(workspace=str(tmp_path), label="bug"))
    assert (chosen, used.label) == (label.read, "bug")
