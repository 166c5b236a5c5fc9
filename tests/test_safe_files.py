"""safe_files: what lumina-wave writes never goes through a link or outside the allowed folders."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from lumina_wave import safe_files
from lumina_wave.safe_files import UnsafePath, open_binary, write_text


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace as the only allowed folder (no RUNNER_TEMP, the temp directory elsewhere)."""
    root = tmp_path / "workspace"
    root.mkdir()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    monkeypatch.delenv("RUNNER_TEMP", raising=False)
    monkeypatch.setattr(safe_files.tempfile, "gettempdir", lambda: str(tmp_path / "temp"))
    monkeypatch.chdir(root)
    return root


def test_a_file_is_written_whole_with_its_folders_readable_by_others(workspace):
    old = os.umask(0o022)
    try:
        path = write_text(".lumina-wave/results/result-1.json", "{}\n")
        write_text(path, '{"v": 2}\n')
    finally:
        os.umask(old)
    target = workspace / ".lumina-wave" / "results" / "result-1.json"
    assert target.read_text() == '{"v": 2}\n'
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o755
    assert os.listdir(target.parent) == ["result-1.json"]  # no temporary file left


def test_the_umask_still_applies(workspace):
    old = os.umask(0o077)
    try:
        write_text("plan.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((workspace / "plan.json").stat().st_mode) == 0o600


@pytest.mark.parametrize("planted", [".lumina-wave", ".lumina-wave/results"])
def test_a_linked_folder_on_the_way_is_refused_and_nothing_is_written_through_it(workspace, outside, planted):
    (workspace / planted).parent.mkdir(parents=True, exist_ok=True)
    (workspace / planted).symlink_to(outside)
    with pytest.raises(UnsafePath) as caught:
        write_text(".lumina-wave/results/result-1.json", "{}")
    assert str(caught.value) == (
        f".lumina-wave/results/result-1.json: not written: {workspace / planted} is a symbolic link"
    )
    assert sorted(os.listdir(outside)) == ["passwd"] and (outside / "passwd").read_text() == "root:x:0:0\n"


def test_a_dangling_link_is_refused_and_its_target_not_made(workspace, tmp_path):
    (workspace / ".lumina-wave").symlink_to(tmp_path / "nowhere")
    with pytest.raises(UnsafePath, match="is a symbolic link"):
        write_text(".lumina-wave/plan.json", "{}")
    assert not (tmp_path / "nowhere").exists()


def test_a_linked_file_is_refused_and_its_target_unchanged(workspace, outside):
    (workspace / "plan.json").symlink_to(outside / "passwd")
    with pytest.raises(UnsafePath, match=r"^plan.json: not written: plan.json is a symbolic link$"):
        write_text("plan.json", "{}")
    with pytest.raises(UnsafePath, match="is a symbolic link"), open_binary("plan.json", "ab"):
        pass
    assert (outside / "passwd").read_text() == "root:x:0:0\n"
    assert (workspace / "plan.json").is_symlink()


def test_a_file_where_a_folder_should_be_is_refused(workspace):
    (workspace / ".lumina-wave").write_text("not a folder")
    with pytest.raises(UnsafePath, match=r"\.lumina-wave is not a folder"):
        write_text(".lumina-wave/plan.json", "{}")


@pytest.mark.parametrize("path", ["../etc/passwd", "/etc/lumina-wave.json"])
def test_a_path_outside_the_allowed_folders_is_refused(workspace, outside, path):
    with pytest.raises(UnsafePath, match="not written: outside the workspace and the temporary folders"):
        write_text(path, "{}")
    assert (outside / "passwd").read_text() == "root:x:0:0\n"


def test_a_log_is_truncated_or_appended_and_a_folder_allowed_later_is_writable(tmp_path, workspace):
    repo = tmp_path / "repo"
    repo.mkdir()
    with pytest.raises(UnsafePath):
        write_text(repo / "x.log", "")
    safe_files.allow(repo)
    try:
        with open_binary(repo / "logs" / "x.log") as f:
            f.write(b"one\n")
        with open_binary(repo / "logs" / "x.log", "ab") as f:
            f.write(b"two\n")
        assert (repo / "logs" / "x.log").read_bytes() == b"one\ntwo\n"
    finally:
        safe_files._extra_roots.remove(repo)
