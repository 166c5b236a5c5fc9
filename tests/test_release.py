"""The release: tools/release_action.py (the tag-time rewrite of action.yml) and release.yml.

release.yml's own shell steps are run here with bash, on a real git repository whose
``origin`` is a local bare repository, exactly as the workflow runs them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from script_module import load_script

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "release_action.py"
RELEASE = ROOT / ".github" / "workflows" / "release.yml"
BIN = Path(sys.executable).parent
REF = "docker://ghcr.io/acme/lumina-wave:v1.2.3"
DIGEST_REF = "docker://ghcr.io/acme-corp/lumina-wave@sha256:" + "0123456789abcdef" * 4


def linter(name: str) -> Path:
    """A linter of the venv's ``test`` extra; its absence is a failure, not a skip."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: pip install -e '.[test]'")
    return path


release_action = load_script(TOOL)


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, check: bool = True):
    return subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, check=check
    )


def changed_lines(old: str, new: str) -> list[tuple[str, str]]:
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    return [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]


# --- tools/release_action.py ---------------------------------------------------------------


@pytest.mark.parametrize("ref", [REF, DIGEST_REF, "docker://ghcr.io/a/lumina-wave:v10.0.0-rc.1"])
def test_rewrite_of_action_yml_is_a_valid_action_on_the_image(tmp_path: Path, ref: str) -> None:
    original = (ROOT / "action.yml").read_text(encoding="utf-8")
    target = tmp_path / "action.yml"
    target.write_text(original, encoding="utf-8")

    result = run(sys.executable, TOOL, ref, "--action", target, cwd=tmp_path)
    assert result.stdout == f"{target}: runs.image = {ref}\n"

    new = target.read_text(encoding="utf-8")
    assert changed_lines(original, new) == [("  image: Dockerfile\n", f"  image: {ref}\n")]
    assert YAML(typ="safe").load(new)["runs"] == {"using": "docker", "image": ref}
    for check in (
        [linter("check-jsonschema"), "--builtin-schema", "vendor.github-actions", target],
        [linter("zizmor"), "--offline", "--no-progress", "--min-severity", "medium", target],
    ):
        result = run(*check, check=False)
        assert result.returncode == 0, f"{check[0].name}: {result.stdout}{result.stderr}"


def test_rewrite_keeps_comments_quotes_and_layout() -> None:
    text = (
        "# The action.\n"
        "name: 'x'   # quoted\n"
        "description: >-\n  A long folded\n  description.\n"
        "inputs:\n  a: {description: \"flow\", default: '1'}\n"
        "runs:\n"
        "  # before\n"
        '  image: "Dockerfile"  # trailing\n'
        "  using: docker\n"
        "  args: [plan]\n"
    )
    new = release_action.rewrite_image(text, DIGEST_REF)
    assert changed_lines(text, new) == [
        ('  image: "Dockerfile"  # trailing\n', f'  image: "{DIGEST_REF}" # trailing\n')
    ]
    assert release_action.rewrite_image(new, DIGEST_REF) == new  # a re-run changes nothing


@pytest.mark.parametrize(
    "ref",
    [
        "docker://ghcr.io/Acme/lumina-wave:v1.2.3",  # GHCR names are lower case
        "docker://docker.io/acme/lumina-wave:v1.2.3",
        "docker://ghcr.io/acme/other:v1.2.3",
        "docker://ghcr.io/acme/lumina-wave:1.2.3",
        "docker://ghcr.io/acme/lumina-wave:v1",
        "docker://ghcr.io/acme/lumina-wave:v1.2",
        "docker://ghcr.io/acme/lumina-wave:v01.2.3",
        "docker://ghcr.io/acme/lumina-wave:v1.2.3+build.5",
        "docker://ghcr.io/acme/lumina-wave:latest",
        "docker://ghcr.io/acme/lumina-wave",
        "docker://ghcr.io/acme/lumina-wave@sha256:abc",
        "docker://ghcr.io/acme/lumina-wave@sha256:" + "0123456789ABCDEF" * 4,
        "docker://ghcr.io/-acme/lumina-wave:v1.2.3",
        "docker://ghcr.io/acme/lumina-wave:v1.2.3\n",
        "docker://ghcr.io/acme/lumina-wave:v1.2.3; rm -rf /",
        "ghcr.io/acme/lumina-wave:v1.2.3",
        "Dockerfile",
    ],
)
def test_bad_refs_are_refused_and_nothing_is_written(tmp_path: Path, ref: str) -> None:
    target = tmp_path / "action.yml"
    shutil.copy(ROOT / "action.yml", target)
    result = run(sys.executable, TOOL, ref, "--action", target, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("release_action: image reference ") and result.stderr.count("\n") == 1
    assert target.read_bytes() == (ROOT / "action.yml").read_bytes()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("runs:\n  using: node20\n  main: index.js\n", "x.yml: runs must be a docker action"),
        ("name: x\n", "x.yml: runs must be a docker action"),
        ("runs: [\n", "x.yml:2:1: not valid YAML"),
    ],
)
def test_non_docker_or_broken_actions_are_refused(text: str, message: str) -> None:
    with pytest.raises(release_action.RewriteError) as caught:
        release_action.rewrite_image(text, REF, "x.yml")
    assert str(caught.value).startswith(message)
    assert caught.value.code == 2


def test_a_round_trip_that_would_change_more_is_refused() -> None:
    text = "runs:\n  using: docker\n  image: Dockerfile\nname:    x\n"  # ruamel normalises the spaces
    with pytest.raises(release_action.RewriteError) as caught:
        release_action.rewrite_image(text, REF, "x.yml")
    assert str(caught.value) == "x.yml:4: the YAML round-trip would change more than runs.image"
    assert caught.value.code == 1


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run(sys.executable, TOOL, REF, "--action", tmp_path / "nope.yml", check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert "nope.yml: cannot read" in result.stderr


def test_changelog_keeps_an_unreleased_section_and_dated_semver_headings() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.*)$", text, flags=re.MULTILINE)
    assert headings[0] == "[Unreleased]"
    for heading in headings[1:]:
        assert re.fullmatch(r"\[\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\] - \d{4}-\d{2}-\d{2}", heading), heading
    assert "Semantic Versioning" in text and "Keep a Changelog" in text


# --- release.yml ---------------------------------------------------------------------------


def workflow() -> dict:
    return YAML(typ="safe").load(RELEASE.read_text(encoding="utf-8"))


def steps(job: str) -> list[dict]:
    return workflow()["jobs"][job]["steps"]


def step_named(job: str, name: str) -> dict:
    (found,) = [step for step in steps(job) if step.get("name") == name]
    return found


def uses(job: str, action: str) -> dict:
    (found,) = [step for step in steps(job) if step.get("uses", "").startswith(action + "@")]
    return found


def test_release_triggers_on_version_tags_and_dispatch_with_a_tag() -> None:
    on = workflow()["on"]
    assert on["push"] == {"tags": ["v*.*.*"]}
    assert on["workflow_dispatch"]["inputs"]["tag"]["required"] is True


def test_release_permissions_are_least_per_job() -> None:
    data = workflow()
    assert data["permissions"] == {}
    assert data["jobs"]["image"]["permissions"] == {
        "contents": "read",
        "packages": "write",
        "id-token": "write",
        "attestations": "write",
    }
    assert data["jobs"]["action"]["permissions"] == {"contents": "write"}
    assert data["jobs"]["action"]["needs"] == "image"


def test_release_builds_both_platforms_pushes_and_attests() -> None:
    build = uses("image", "docker/build-push-action")
    assert build["with"]["platforms"].split(",") == ["linux/amd64", "linux/arm64"]
    assert build["with"]["push"] is True
    assert not {"cache-from", "cache-to"} & set(build["with"])  # no cache in a release build
    for action in ("docker/setup-qemu-action", "docker/setup-buildx-action"):
        uses("image", action)
    login = uses("image", "docker/login-action")
    assert login["with"]["registry"] == "ghcr.io"
    assert login["with"]["password"] == "${{ secrets.GITHUB_TOKEN }}"
    attest = uses("image", "actions/attest-build-provenance")
    assert attest["with"] == {
        "subject-name": "${{ steps.version.outputs.image }}",
        "subject-digest": f"${{{{ steps.{build['id']}.outputs.digest }}}}",
        "push-to-registry": True,
    }
    names = [step.get("uses", step.get("name")).split("@")[0] for step in steps("image")]
    assert names.index("docker/build-push-action") < names.index("actions/attest-build-provenance")


def test_every_action_is_pinned_by_sha_with_its_version() -> None:
    lines = [line.strip() for line in RELEASE.read_text(encoding="utf-8").splitlines()]
    used = [line for line in lines if line.startswith(("uses:", "- uses:"))]
    assert len(used) == 8
    for line in used:
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line


def test_no_expression_reaches_a_run_line() -> None:
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step.get("name")


def test_release_workflow_passes_the_linters() -> None:
    checks = [
        [linter("actionlint"), "-shellcheck", linter("shellcheck"), RELEASE],
        [linter("zizmor"), "--offline", "--no-progress", "--min-severity", "low", RELEASE],
        [linter("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", RELEASE],
    ]
    for check in checks:
        result = run(*check, check=False)
        assert result.returncode == 0, f"{check[0].name}: {result.stdout}{result.stderr}"


# --- release.yml's shell steps, run ---------------------------------------------------------


def bash_step(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a run: block as GitHub does for bash (``bash -e {0}`` with pipefail)."""
    path = cwd.parent / "step.sh"
    path.write_text(script, encoding="utf-8")
    return run("bash", "--noprofile", "--norc", "-eo", "pipefail", path, cwd=cwd, env=env, check=False)


def outputs(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return dict(line.split("=", 1) for line in text.splitlines())


def tag_step(tmp_path: Path, tag: str, owner: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the release job's tag step for ``tag`` in repository owner ``owner``; its output file."""
    out = tmp_path / "out"
    work = tmp_path / "work"
    work.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "TAG": tag,
        "GITHUB_OUTPUT": str(out),
        "GITHUB_REPOSITORY_OWNER": owner,
    }
    return bash_step(step_named("image", "Check the tag and name the image")["run"], env, work), out


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("v1.2.3", {"major": "v1", "prerelease": "false", "version": "1.2.3"}),
        ("v0.10.0", {"major": "v0", "prerelease": "false", "version": "0.10.0"}),
        ("v2.0.0-rc.1", {"major": "v2", "prerelease": "true", "version": "2.0.0-rc.1"}),
    ],
)
def test_tag_step_names_version_major_and_lower_case_image(tmp_path: Path, tag: str, expected: dict) -> None:
    result, out = tag_step(tmp_path, tag, "Acme-Corp")
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs(out) == {"tag": tag, "image": "ghcr.io/acme-corp/lumina-wave", **expected}


@pytest.mark.parametrize(
    "tag",
    ["1.2.3", "v1.2", "v01.2.3", "v1.2.3+meta", "v1.2.3.4", "main", "v1.2.3\nimage=evil", 'v1.2.3";id;"'],
)
def test_tag_step_refuses_other_tags(tmp_path: Path, tag: str) -> None:
    result, out = tag_step(tmp_path, tag, "acme")
    assert result.returncode == 2
    assert result.stdout.startswith("::error::tag ")
    assert not out.exists()


def test_image_tags_step_moves_the_major_only_for_releases(tmp_path: Path) -> None:
    script = step_named("image", "Image tags")["run"]
    work = tmp_path / "work"
    work.mkdir()
    found = {}
    for prerelease in ("false", "true"):
        out = tmp_path / f"out-{prerelease}"
        env = {
            "PATH": os.environ["PATH"],
            "GITHUB_OUTPUT": str(out),
            "IMAGE": "ghcr.io/acme/lumina-wave",
            "TAG": "v1.2.3",
            "VERSION": "1.2.3",
            "MAJOR": "v1",
            "PRERELEASE": prerelease,
        }
        assert bash_step(script, env, work).returncode == 0
        found[prerelease] = out.read_text(encoding="utf-8")
    image = "ghcr.io/acme/lumina-wave"
    assert found["false"] == f"tags<<EOF\n{image}:1.2.3\n{image}:v1.2.3\n{image}:v1\nEOF\n"
    assert found["true"] == f"tags<<EOF\n{image}:1.2.3\n{image}:v1.2.3\nEOF\n"


@dataclass
class Release:
    """A clone checked out (detached) at tag v1.2.3, as actions/checkout leaves it, its
    ``origin`` (a bare repository) and the step's environment."""

    runner: Path
    origin: Path
    env: dict[str, str]

    def git(self, cwd: Path, *args: str) -> str:
        return run("git", *args, cwd=cwd, env=self.env).stdout.strip()


@pytest.fixture
def release(tmp_path: Path) -> Release:
    (tmp_path / "home").mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"  # the step's `python` is the venv's, which has ruamel.yaml
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path / "home"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "IMAGE": "ghcr.io/acme/lumina-wave",
        "TAG": "v1.2.3",
        "MAJOR": "v1",
        "PRERELEASE": "false",
        "GITHUB_TOKEN": "ghs_not_a_token",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    made = Release(tmp_path / "runner", tmp_path / "origin.git", env)
    made.git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(made.origin))
    dev = tmp_path / "dev"
    made.git(tmp_path, "clone", "--quiet", str(made.origin), str(dev))
    shutil.copy(ROOT / "action.yml", dev / "action.yml")
    (dev / "tools").mkdir()
    shutil.copy(TOOL, dev / "tools" / "release_action.py")
    made.git(dev, "config", "user.name", "dev")
    made.git(dev, "config", "user.email", "dev@example.com")
    made.git(dev, "add", ".")
    made.git(dev, "commit", "--quiet", "-m", "v1.2.3")
    made.git(dev, "tag", "--annotate", "v1.2.3", "-m", "v1.2.3")
    made.git(dev, "push", "--quiet", "origin", "main", "v1.2.3")
    made.git(tmp_path, "clone", "--quiet", str(made.origin), str(made.runner))
    made.git(made.runner, "checkout", "--quiet", "--detach", "v1.2.3")
    return made


def retag_script() -> str:
    return step_named("action", "Rewrite action.yml, commit, move the tags")["run"]


def test_retag_step_moves_the_tags_to_a_release_commit_and_main_keeps_the_dockerfile(
    release: Release,
) -> None:
    runner, origin, env, git = release.runner, release.origin, release.env, release.git
    tagged = git(origin, "rev-parse", "v1.2.3^{commit}")

    result = bash_step(retag_script(), env, runner)
    assert result.returncode == 0, result.stdout + result.stderr

    release = git(origin, "rev-parse", "v1.2.3^{commit}")
    assert release != tagged
    assert git(origin, "rev-parse", f"{release}^") == tagged  # one commit on top of the tag
    assert git(origin, "rev-parse", "v1^{commit}") == release
    assert git(origin, "cat-file", "-t", "v1.2.3") == "tag"  # still an annotated tag
    assert git(origin, "diff", "--name-only", tagged, release) == "action.yml"
    released = git(origin, "show", f"{release}:action.yml")
    assert YAML(typ="safe").load(released)["runs"]["image"] == "docker://ghcr.io/acme/lumina-wave:v1.2.3"
    assert "image: Dockerfile" in git(origin, "show", "main:action.yml")
    assert git(origin, "rev-parse", "main") == tagged
    assert git(origin, "log", "-1", "--format=%an <%ae>", release) == (
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
    )

    # A re-run (workflow_dispatch) checks out the moved tag: no second commit, tags stay.
    git(runner, "checkout", "--quiet", "--detach", release)
    again = bash_step(retag_script(), env, runner)
    assert again.returncode == 0, again.stdout + again.stderr
    assert git(origin, "rev-parse", "v1.2.3^{commit}") == release
    assert git(origin, "rev-parse", "v1^{commit}") == release


def test_retag_step_leaves_the_major_tag_alone_for_a_prerelease(
    release: Release,
) -> None:
    runner, origin, env, git = release.runner, release.origin, release.env, release.git
    git(runner, "tag", "v1.2.3-rc.1")
    git(runner, "push", "--quiet", "origin", "v1.2.3-rc.1")
    env = {**env, "TAG": "v1.2.3-rc.1", "PRERELEASE": "true"}
    result = bash_step(retag_script(), env, runner)
    assert result.returncode == 0, result.stdout + result.stderr
    release = git(origin, "rev-parse", "v1.2.3-rc.1^{commit}")
    image = YAML(typ="safe").load(git(origin, "show", f"{release}:action.yml"))["runs"]["image"]
    assert image == "docker://ghcr.io/acme/lumina-wave:v1.2.3-rc.1"
    assert git(origin, "tag", "--list") == "v1.2.3\nv1.2.3-rc.1"  # no v1
