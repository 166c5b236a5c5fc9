"""git.py against real repositories with a local bare ``origin``."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from pathlib import Path

import pytest

from lumina_wave import git


def commit_file(sh, repo: Path, name: str, text: str, message: str) -> str:
    (repo / name).write_text(text)
    sh(repo, "add", name)
    sh(repo, "commit", "-qm", message)
    return sh(repo, "rev-parse", "HEAD").strip()


def uncommitted(sh, repo: Path, exclude: str) -> str:
    """What ``git status`` shows outside ``exclude`` (a path from the top of the work tree)."""
    return sh(
        repo, "status", "--porcelain", "--untracked-files=all", "--", ".", f":(exclude,top){exclude}"
    ).strip()


def test_start_branch_creates_then_resets_the_branch_on_a_normal_checkout(clone, sh):
    main = sh(clone, "rev-parse", "origin/main").strip()
    assert git.start_branch(clone, "feature/issue-1", ["refs/remotes/origin/main"]) == main
    assert git.current_branch(clone) == "feature/issue-1"
    commit_file(sh, clone, "a.txt", "a\n", "work")
    (clone / "README.md").write_text("dirty\n")
    # A second start throws away the branch's commits and the tracked change, keeps untracked files.
    (clone / "notes.txt").write_text("untracked\n")
    assert git.start_branch(clone, "feature/issue-1", ["refs/remotes/origin/main"]) == main
    assert not (clone / "a.txt").exists()
    assert (clone / "README.md").read_text() == "# demo\n"
    assert (clone / "notes.txt").exists()


def test_start_branch_works_in_a_detached_worktree(clone, sh, tmp_path):
    tree = tmp_path / "wt"
    sh(clone, "worktree", "add", "--quiet", "--detach", str(tree), "main")
    git.start_branch(tree, "feature/issue-2", ["refs/heads/main"])
    assert git.current_branch(tree) == "feature/issue-2"
    assert git.current_branch(clone) == "main"


def test_start_branch_merges_the_other_refs(clone, sh):
    sh(clone, "checkout", "-qb", "a", "main")
    commit_file(sh, clone, "a.txt", "a\n", "a")
    sh(clone, "checkout", "-qb", "b", "main")
    commit_file(sh, clone, "b.txt", "b\n", "b")
    head = git.start_branch(clone, "feature/issue-3", ["refs/heads/a", "refs/heads/b"])
    assert (clone / "a.txt").exists() and (clone / "b.txt").exists()
    parents = sh(clone, "rev-list", "--parents", "-n1", head).split()[1:]
    assert parents == [sh(clone, "rev-parse", "a").strip(), sh(clone, "rev-parse", "b").strip()]
    assert sh(clone, "log", "-1", "--format=%an", head).strip() == git.BOT_NAME


def test_start_branch_conflict_names_the_files_and_leaves_no_merge_in_progress(clone, sh):
    sh(clone, "checkout", "-qb", "a", "main")
    commit_file(sh, clone, "README.md", "from a\n", "a")
    sh(clone, "checkout", "-qb", "b", "main")
    commit_file(sh, clone, "README.md", "from b\n", "b")
    with pytest.raises(git.GitError, match=r"^merging b into feature/issue-4 conflicts in README.md$"):
        git.start_branch(clone, "feature/issue-4", ["refs/heads/a", "refs/heads/b"])
    assert sh(clone, "status", "--porcelain").strip() == ""
    assert not (clone / ".git" / "MERGE_HEAD").exists()


def index_identity(repo: Path) -> tuple[int, int]:
    """The index file's inode and mtime: git writes a new index to a new file (a renamed lock)."""
    found = (repo / ".git" / "index").stat()
    return found.st_ino, found.st_mtime_ns


def test_start_branch_on_a_fresh_checkout_neither_reads_nor_rewrites_the_index(make_clone, sh):
    """The checkout's index describes its files (a link and an executable among them): the branch
    starts without git hashing them again (``checkout -B`` would, as the index is from the same
    second as the files)."""
    seed = make_clone("seed")
    (seed / "run.sh").write_text("#!/bin/sh\n")
    (seed / "run.sh").chmod(0o755)
    (seed / "docs").mkdir()
    (seed / "docs" / "readme").symlink_to("../README.md")
    sh(seed, "add", ".")
    sh(seed, "commit", "-qm", "a link and a script")
    sh(seed, "push", "-q", "origin", "main")
    clone = make_clone("clone")
    before = index_identity(clone)
    assert (
        git.start_branch(clone, "feature/issue-1", ["refs/remotes/origin/main"])
        == sh(clone, "rev-parse", "origin/main").strip()
    )
    assert git.current_branch(clone) == "feature/issue-1"
    assert index_identity(clone) == before
    assert sh(clone, "status", "--porcelain").strip() == ""
    assert sh(clone, "config", "--get-regexp", "^branch[.]feature", check=False).strip() == ""  # no upstream


def test_start_branch_discards_an_edit_of_the_same_size_with_its_mtime_put_back(clone, sh):
    """Same size, same inode, same mtime, in the checkout's second: only the ctime and the content
    tell, and the start still restores the file."""
    readme = clone / "README.md"
    was = readme.stat()
    with readme.open("r+b") as f:
        f.write(b"!")
    os.utime(readme, ns=(was.st_atime_ns, was.st_mtime_ns))
    assert readme.stat().st_size == was.st_size and readme.stat().st_ino == was.st_ino
    git.start_branch(clone, "feature/issue-1", ["refs/remotes/origin/main"])
    assert readme.read_text() == "# demo\n"
    assert git.current_branch(clone) == "feature/issue-1"


def test_start_branch_resets_a_staged_change_and_a_deleted_file(clone, sh):
    (clone / "README.md").write_text("staged\n")
    sh(clone, "add", "README.md")  # the index now matches the file, not HEAD
    git.start_branch(clone, "feature/issue-1", ["refs/remotes/origin/main"])
    assert (clone / "README.md").read_text() == "# demo\n"
    assert sh(clone, "status", "--porcelain").strip() == ""
    (clone / "README.md").unlink()
    git.start_branch(clone, "feature/issue-2", ["refs/remotes/origin/main"])
    assert (clone / "README.md").read_text() == "# demo\n"


def test_commit_all_skips_excluded_paths_and_commits_as_the_author(clone, sh):
    (clone / "src.py").write_text("x = 1\n")
    (clone / ".lumina-wave" / "results").mkdir(parents=True)
    (clone / ".lumina-wave" / "results" / "result-1.json").write_text("{}\n")
    author = git.Author("Bot", "bot@example.com")
    assert uncommitted(sh, clone, ".lumina-wave")
    head = git.commit_all(clone, "Fix it (#1)\n\nbody", author, [".lumina-wave"])
    assert sh(clone, "show", "--name-only", "--format=%an <%ae>|%s", head).split() == [
        "Bot",
        "<bot@example.com>|Fix",
        "it",
        "(#1)",
        "src.py",
    ]
    assert not uncommitted(sh, clone, ".lumina-wave")
    assert git.commit_all(clone, "again", author, [".lumina-wave"]) is None


def test_push_branch_forces_over_the_fetched_tip_but_not_over_a_newer_one(clone, make_clone, origin, sh):
    git.start_branch(clone, "feature/issue-5", ["refs/remotes/origin/main"])
    first = commit_file(sh, clone, "a.txt", "1\n", "one")
    git.push_branch(clone, "feature/issue-5")
    assert sh(origin, "rev-parse", "feature/issue-5").strip() == first
    # A re-run starts over from main: the push replaces the branch (force with lease).
    git.fetch(clone)
    git.start_branch(clone, "feature/issue-5", ["refs/remotes/origin/main"])
    second = commit_file(sh, clone, "a.txt", "2\n", "two")
    git.push_branch(clone, "feature/issue-5")
    assert sh(origin, "rev-parse", "feature/issue-5").strip() == second
    # Someone else moves the branch after our fetch: the lease refuses.
    other = make_clone("other")
    sh(other, "checkout", "-q", "feature/issue-5")
    commit_file(sh, other, "b.txt", "x\n", "theirs")
    sh(other, "push", "-q", "origin", "feature/issue-5")
    commit_file(sh, clone, "a.txt", "3\n", "three")
    with pytest.raises(git.GitError, match="stale info"):
        git.push_branch(clone, "feature/issue-5")


def test_fetch_prunes_deleted_branches_and_reads_the_remote_default_branch(clone, origin, sh):
    sh(clone, "push", "-q", "origin", "main:gone")
    git.fetch(clone)
    assert git.rev_parse(clone, "refs/remotes/origin/gone")
    sh(origin, "branch", "-D", "gone")
    git.fetch(clone)
    assert git.rev_parse(clone, "refs/remotes/origin/gone") is None
    assert git.remote_default_branch(clone) == "main"
    assert git.branch_ref(clone, "main", "origin", prefer_remote=True) == "refs/remotes/origin/main"
    assert git.branch_ref(clone, "main", "origin", prefer_remote=False) == "refs/heads/main"
    assert git.branch_ref(clone, "nope", "origin", prefer_remote=True) is None


def test_failed_commands_raise_one_line_without_credentials(clone):
    with pytest.raises(git.GitError) as caught:
        git.run_git(clone, "push", "https://x-access-token:s3cret@127.0.0.1:9/o/r.git", "main")
    assert "s3cret" not in str(caught.value)
    assert "\n" not in str(caught.value)
    assert git.redact("https://user:tok@github.com/o/r") == "https://***@github.com/o/r"


def test_a_hung_command_raises_git_error_without_credentials(clone, monkeypatch):
    # A remote that accepts the connection and never answers: the push hangs until the timeout.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://x-access-token:s3cret@127.0.0.1:{server.getsockname()[1]}/o/r.git"
        monkeypatch.setattr(git, "GIT_TIMEOUT", 0.5)
        with pytest.raises(git.GitError, match=r"^git push failed: .*timed out") as caught:
            git.run_git(clone, "push", url, "main")
    assert "s3cret" not in str(caught.value)


def test_a_command_that_cannot_start_raises_git_error(tmp_path):
    with pytest.raises(git.GitError, match=r"^git status failed: "):
        git.run_git(tmp_path / "missing", "status")


def test_author_parses_name_and_email():
    assert git.Author.parse("") == git.Author(git.BOT_NAME, git.BOT_EMAIL)
    assert git.Author.parse(" Ada Lovelace <ada@example.com> ") == git.Author(
        "Ada Lovelace", "ada@example.com"
    )
    with pytest.raises(ValueError, match="Name <email>"):
        git.Author.parse("ada@example.com")


def test_is_ancestor_and_same_tree(clone, sh):
    base = sh(clone, "rev-parse", "HEAD").strip()
    sh(clone, "commit", "-q", "--allow-empty", "-m", "empty")
    head = sh(clone, "rev-parse", "HEAD").strip()
    assert git.is_ancestor(clone, base, head) and not git.is_ancestor(clone, head, base)
    assert git.same_tree(clone, base, head)
    changed = commit_file(sh, clone, "c.txt", "c\n", "change")
    assert not git.same_tree(clone, head, changed)


def shallow_clone(sh, origin: Path, path: Path) -> Path:
    """A depth-1 clone, as actions/checkout makes it (file://: git ignores --depth for a path)."""
    sh(path.parent, "clone", "--quiet", "--depth=1", origin.as_uri(), str(path))
    return path


def test_fetch_branches_fetches_the_tips_it_is_given_and_drops_a_deleted_one(clone, origin, sh, tmp_path):
    for i in range(5):
        commit_file(sh, clone, "main.txt", f"{i}\n", f"main {i}")
    sh(clone, "push", "-q", "origin", "main")
    sh(clone, "checkout", "-qb", "topic", "HEAD~4")
    topic = commit_file(sh, clone, "topic.txt", "t\n", "topic")
    sh(clone, "push", "-q", "origin", "topic", "main:gone")
    leg = shallow_clone(sh, origin, tmp_path / "leg")
    git.fetch_branches(leg, ["main", "gone"])
    sh(clone, "push", "-q", "origin", ":gone")

    git.fetch_branches(leg, ["main", "topic", "gone", "feature/issue-9"])
    assert git.is_shallow(leg)
    assert git.rev_parse(leg, "refs/remotes/origin/topic") == topic
    assert git.rev_parse(leg, "refs/remotes/origin/gone") is None
    assert sh(leg, "rev-list", "--count", "--all").strip() == "2"  # the two tips, no history
    assert not git.is_shallow(clone)


def test_deepen_until_related_fetches_down_to_the_merge_base(clone, origin, sh, tmp_path):
    for i in range(120):  # history below the fork, which the leg needs not fetch
        sh(clone, "commit", "-q", "--allow-empty", "-m", f"old {i}")
    fork = sh(clone, "rev-parse", "HEAD").strip()
    sh(clone, "checkout", "-qb", "topic")
    commit_file(sh, clone, "topic.txt", "t\n", "topic")
    sh(clone, "checkout", "-q", "main")
    for i in range(30):
        commit_file(sh, clone, "main.txt", f"{i}\n", f"main {i}")
    sh(clone, "push", "-q", "origin", "main", "topic")
    leg = shallow_clone(sh, origin, tmp_path / "leg")
    git.fetch_branches(leg, ["main", "topic"])
    assert not git.is_ancestor(leg, fork, "refs/remotes/origin/main")  # not even there

    git.deepen_until_related(leg, "main", ["topic", "missing"])
    base = sh(leg, "merge-base", "refs/remotes/origin/main", "refs/remotes/origin/topic").strip()
    assert base == fork
    # 1 + 4 + 16 commits of main were not enough, 64 more reached the fork 31 below its tip; topic
    # got as deep, 83 below the fork: not all of the 121 commits there.
    assert git.is_shallow(leg)
    assert int(sh(leg, "rev-list", "--count", "--all")) == 31 + 1 + 83


def test_deepen_until_related_gives_up_on_unrelated_histories_with_the_whole_history(
    clone, origin, sh, tmp_path
):
    sh(clone, "checkout", "-q", "--orphan", "alien")
    commit_file(sh, clone, "alien.txt", "a\n", "alien")
    sh(clone, "push", "-q", "origin", "alien")
    leg = shallow_clone(sh, origin, tmp_path / "leg")
    git.fetch_branches(leg, ["main", "alien"])

    git.deepen_until_related(leg, "main", ["alien"])
    assert not git.is_shallow(leg)
    with pytest.raises(git.GitError, match="unrelated histories"):
        git.start_branch(leg, "feature/issue-1", ["refs/remotes/origin/main", "refs/remotes/origin/alien"])


def test_deepen_until_contains_reaches_an_older_commit_of_the_base_and_no_further(
    clone, origin, sh, tmp_path
):
    for i in range(40):
        commit_file(sh, clone, "main.txt", f"{i}\n", f"main {i}")
    started = sh(clone, "rev-parse", "HEAD~10").strip()  # a leg started here; main moved 10 on
    sh(clone, "push", "-q", "origin", "main")
    publisher = shallow_clone(sh, origin, tmp_path / "publisher")
    assert git.rev_parse(publisher, started) is None

    git.deepen_until_contains(publisher, [started], ["main"])
    assert git.is_ancestor(publisher, started, "refs/remotes/origin/main")
    assert git.is_shallow(publisher)
    assert int(sh(publisher, "rev-list", "--count", "--all")) == 1 + 4 + 16  # two rounds


def test_deepen_until_contains_does_not_fetch_the_whole_history_for_a_commit_nobody_has(
    clone, origin, sh, tmp_path, monkeypatch
):
    monkeypatch.setattr(git, "DEEPEN_STEPS", (2, 4))
    for i in range(30):
        sh(clone, "commit", "-q", "--allow-empty", "-m", f"old {i}")
    sh(clone, "push", "-q", "origin", "main")
    publisher = shallow_clone(sh, origin, tmp_path / "publisher")

    git.deepen_until_contains(publisher, ["0" * 39 + "1", "not a sha"], ["main", "missing"])
    assert git.is_shallow(publisher)  # the steps, then no --unshallow: the remote lacks the commit
    assert int(sh(publisher, "rev-list", "--count", "--all")) == 1 + 2 + 4


def index_of(sh, repo: Path) -> bytes:
    return (repo / ".git" / "index").read_bytes()


def resealed(data: bytes) -> bytes:
    return data[:-20] + hashlib.sha1(data[:-20]).digest()


def snapshot_tree(repo: Path, cache: Path | None) -> str:
    head = git.read_head(repo)
    with git.Isolated(repo, head.objects) as iso:
        tip = iso.snapshot(str(head.commit), "snap", git.Author(), (), cache)
        return iso.run("rev-parse", f"{tip}^{{tree}}").strip()


def test_a_saved_index_spares_rehashing_and_what_changed_since_is_still_seen(clone, sh, tmp_path):
    for name in ("a.txt", "b.txt", "gone.txt"):
        commit_file(sh, clone, name, f"{name}\n", name)
    cache = tmp_path / "issue-1.index"
    git.save_index(clone, cache)
    (clone / "a.txt").write_text("A.txt\n")  # the same size
    (clone / "gone.txt").unlink()
    (clone / "new.txt").write_text("new\n")
    assert snapshot_tree(clone, cache) == snapshot_tree(clone, None)
    assert snapshot_tree(clone, tmp_path / "missing.index") == snapshot_tree(clone, None)
    garbage = tmp_path / "garbage.index"
    garbage.write_bytes(b"DIRC" + cache.read_bytes()[4:-1])  # cut short: its checksum fails
    assert snapshot_tree(clone, garbage) == snapshot_tree(clone, None)
    link = tmp_path / "link.index"
    link.symlink_to(cache)  # never read through a link
    assert snapshot_tree(clone, link) == snapshot_tree(clone, None)


def test_a_saved_index_sees_an_edit_of_the_same_size_in_the_same_second(clone, sh, tmp_path):
    """A quick agent rewrites a file in place, in the second the index recorded it: to the second
    its stat data are the same. Looked at a second later, only the nanoseconds tell."""
    for _attempt in range(3):
        time.sleep(1 - time.time() % 1)  # at the start of a second
        commit_file(sh, clone, "a.txt", "a.txt\n", "a")
        cache = tmp_path / "issue-1.index"
        git.save_index(clone, cache)
        recorded = (clone / "a.txt").stat()
        with (clone / "a.txt").open("r+b") as f:
            f.write(b"A")
        edited = (clone / "a.txt").stat()
        if edited.st_mtime_ns // 10**9 == recorded.st_mtime_ns // 10**9:
            break
    assert edited.st_mtime_ns // 10**9 == recorded.st_mtime_ns // 10**9, "the edit left the second"
    time.sleep(1 - time.time() % 1)  # the snapshot's index is of a later second than the edit
    assert snapshot_tree(clone, cache) == snapshot_tree(clone, None)
    assert sh(clone, "cat-file", "-p", f"{snapshot_tree(clone, cache)}:a.txt").startswith("A")


def test_a_stat_cache_is_trusted_for_stat_data_only(clone, sh, tmp_path):
    """The cache names b.txt as the committed blob with the file's current stat: git does not
    hash the file again (so the commit keeps the blob: the agent hid its own change), which shows
    the cache is used. Paths it names outside the tree, or not the committed blob, change nothing."""
    old = commit_file(sh, clone, "b.txt", "old\n", "b")
    blob = bytes.fromhex(sh(clone, "rev-parse", f"{old}:b.txt").strip())
    (clone / "b.txt").write_text("new\n")
    an_hour_ago = time.time() - 3600  # older than the index: git would not smudge it as racy
    os.utime(clone / "b.txt", (an_hour_ago, an_hour_ago))
    sh(clone, "add", "b.txt")  # the index now has the file's stat and the new blob
    data = bytearray(index_of(sh, clone))
    at = data.index(b"b.txt\0") - 62
    data[at + 40 : at + 60] = blob
    cache = tmp_path / "forged.index"
    cache.write_bytes(resealed(bytes(data)))
    head = git.read_head(clone)
    with git.Isolated(clone, head.objects) as iso:
        tip = iso.snapshot(str(head.commit), "snap", git.Author(), (), cache)
        assert tip == old  # nothing changed, as far as the cache says
    assert snapshot_tree(clone, None) != sh(clone, "rev-parse", f"{old}^{{tree}}").strip()


def test_clean_index_keeps_entries_and_drops_all_else(clone, sh):
    commit_file(sh, clone, "a.txt", "a\n", "a")
    sh(clone, "write-tree")  # a cache-tree extension
    data = index_of(sh, clone)
    assert b"TREE" in data[-200:]
    cleaned = git.clean_index(data)
    assert cleaned is not None and b"TREE" not in cleaned and cleaned[8:12] == data[8:12]
    assert git.clean_index(cleaned) == cleaned
    assert git.clean_index(data[:-1] + bytes([data[-1] ^ 1])) is None  # checksum
    assert git.clean_index(b"DIRC" + data[4:8] + data[8:]) == cleaned
    for bad in (b"../README", b".git/conf", b".GIT/HEAD", b"/README.m", b"A/./b.txt", b"A//README"):
        forged = data.replace(b"README.md\0", bad + b"\0", 1)  # same length: the entry keeps its shape
        assert git.clean_index(resealed(forged)) is None, bad
    assert git.clean_index(resealed(data.replace(b"README.md\0", b"READ.x.md\0", 1))) is not None
    stage = bytearray(data)
    at = data.index(b"README.md\0") - 62
    stage[at + 60] |= 0x10  # stage 1
    assert git.clean_index(resealed(bytes(stage))) is None


def test_commits_looks_every_ref_up_in_one_process(clone, sh):
    main = sh(clone, "rev-parse", "origin/main").strip()
    tree = sh(clone, "rev-parse", "origin/main^{tree}").strip()
    names = [
        "refs/remotes/origin/main",
        "refs/heads/none",
        "main\nHEAD",
        "a b",
        "",
        tree,
        "refs/remotes/origin/main",
    ]
    assert git.commits(clone, names) == {
        "refs/remotes/origin/main": main,
        "refs/heads/none": None,
        "main\nHEAD": None,  # never reaches git's line-based input
        "a b": None,
        "": None,
        tree: None,  # a tree is no commit
    }
    assert git.branch_refs(clone, ["main", "none"], "origin", True) == {
        "main": "refs/remotes/origin/main",
        "none": None,
    }
    assert git.branch_refs(clone, ["main"], "origin", False) == {"main": "refs/heads/main"}


def test_isolated_are_commits_needs_every_sha_to_be_a_commit(clone, sh):
    main = sh(clone, "rev-parse", "HEAD").strip()
    tree = sh(clone, "rev-parse", "HEAD^{tree}").strip()
    with git.Isolated(clone, git.read_head(clone).objects) as iso:
        assert iso.are_commits(main, main) and iso.is_commit(main)
        assert not iso.are_commits(main, tree)
        assert not iso.are_commits(main, None)
        assert not iso.are_commits(main, "HEAD")  # full SHAs only
        assert not iso.are_commits("0" * 40)
