"""tools/readme_tables.py: the README's input and output tables are action.yml's."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from script_module import load_script

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "readme_tables.py"


tables = load_script(TOOL)

SAMPLE = """\
name: sample
description: A sample action.
inputs:
  token:
    description: "Token; use a PAT when | appears."
    required: true
  mode:
    description: >-
      What to do,
      folded over lines.
    default: fast
  quiet:
    description: "Say nothing (steps.<id>.outcome is read)."
    default: "false"
    required: false
  tick:
    description: "A default with a backtick."
    default: "a`b"
outputs:
  result:
    description: "Where the result is."
runs:
  using: docker
  image: Dockerfile
"""

SAMPLE_INPUTS = """\
| Name | Description | Default | Required |
| --- | --- | --- | --- |
| `token` | Token; use a PAT when \\| appears. |  | yes |
| `mode` | What to do, folded over lines. | `fast` | no |
| `quiet` | Say nothing (steps.&lt;id&gt;.outcome is read). | `false` | no |
| `tick` | A default with a backtick. | ``a`b`` | no |"""

SAMPLE_OUTPUTS = """\
| Name | Description |
| --- | --- |
| `result` | Where the result is. |"""

README = """\
# Sample

Intro.

<!-- inputs:start -->
stale
<!-- inputs:end -->

Between.

<!-- outputs:start -->
<!-- outputs:end -->
End.
"""


def sample() -> dict:
    return YAML(typ="safe").load(SAMPLE)


def test_renders_every_input_with_default_and_required() -> None:
    assert tables.inputs_table(sample()) == SAMPLE_INPUTS


def test_renders_every_output() -> None:
    assert tables.outputs_table(sample()) == SAMPLE_OUTPUTS


def test_render_replaces_only_between_the_markers() -> None:
    out = tables.render_readme(README, sample())
    assert out == README.replace("stale\n", SAMPLE_INPUTS + "\n").replace(
        "<!-- outputs:start -->\n", "<!-- outputs:start -->\n" + SAMPLE_OUTPUTS + "\n"
    )
    assert tables.render_readme(out, sample()) == out  # a second run changes nothing


@pytest.mark.parametrize(
    ("readme", "message"),
    [
        ("# no markers\n", "README.md has no <!-- inputs:start --> marker"),
        ("<!-- inputs:start -->\n<!-- inputs:end -->\n", "README.md has no <!-- outputs:start --> marker"),
        (
            "<!-- inputs:start --><!-- inputs:start --><!-- inputs:end -->",
            "README.md has more than one <!-- inputs:start --> marker",
        ),
        (
            "<!-- inputs:end -->\n<!-- inputs:start -->\n",
            "README.md: <!-- inputs:end --> comes before <!-- inputs:start -->",
        ),
    ],
)
def test_marker_problems_are_named(readme: str, message: str) -> None:
    with pytest.raises(tables.TablesError) as caught:
        tables.render_readme(readme, sample())
    assert str(caught.value) == message


def run_tool(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], cwd=tmp_path, capture_output=True, text=True, check=False
    )


def test_cli_check_writes_and_checks(tmp_path: Path) -> None:
    (tmp_path / "action.yml").write_text(SAMPLE, encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")

    stale = run_tool(tmp_path, "--check")
    assert stale.returncode == 1
    assert "-stale\n" in stale.stdout and "+| `token` |" in stale.stdout
    assert "README.md is out of date" in stale.stderr
    assert readme.read_text(encoding="utf-8") == README  # --check writes nothing

    written = run_tool(tmp_path)
    assert written.returncode == 0, written.stderr
    assert SAMPLE_INPUTS in readme.read_text(encoding="utf-8")

    fresh = run_tool(tmp_path, "--check")
    assert (fresh.returncode, fresh.stdout) == (0, "")


def test_cli_without_markers_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "action.yml").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Sample\n", encoding="utf-8")
    result = run_tool(tmp_path)
    assert result.returncode == 2
    assert result.stderr == "readme_tables: README.md has no <!-- inputs:start --> marker\n"
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# Sample\n"


def test_readme_tables_match_action_yml() -> None:
    """The drift check: README.md's tables are what action.yml says now."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    action = tables.load_action(ROOT / "action.yml")
    try:
        expected = tables.render_readme(readme, action)
    except tables.TablesError as error:
        pytest.fail(f"{error}: add the markers where the tables go, then run python tools/readme_tables.py")
    if expected != readme:
        diff = "".join(
            difflib.unified_diff(
                readme.splitlines(True), expected.splitlines(True), "README.md", "from action.yml"
            )
        )
        pytest.fail(f"README.md's tables differ from action.yml: run python tools/readme_tables.py\n{diff}")


WORKFLOW = """\
name: sample
on:
  workflow_call:
    inputs:
      agent-command:
        description: "The agent; gets WAVE_<name> variables."
        type: string
        required: true
      max-parallel:
        description: "The most legs at once."
        type: number
        default: 4
      stack:
        description: "Stack the branches."
        type: boolean
        default: false
    secrets:
      token:
        description: "Token | for pushing."
        required: false
    outputs:
      success-rate:
        description: "Share done."
        value: ${{ jobs.summarize.outputs.success-rate }}
jobs: {}
"""

WORKFLOW_INPUTS = """\
| Name | Description | Type | Default | Required |
| --- | --- | --- | --- | --- |
| `agent-command` | The agent; gets WAVE_&lt;name&gt; variables. | string |  | yes |
| `max-parallel` | The most legs at once. | number | `4` | no |
| `stack` | Stack the branches. | boolean | `false` | no |"""

WORKFLOW_SECRETS = """\
| Name | Description | Required |
| --- | --- | --- |
| `token` | Token \\| for pushing. | no |"""

WORKFLOW_README = README + "".join(
    f"<!-- workflow-{s}:start -->\n<!-- workflow-{s}:end -->\n" for s in ("inputs", "secrets", "outputs")
)


def test_renders_the_reusable_workflows_inputs_secrets_and_outputs() -> None:
    workflow = YAML(typ="safe").load(WORKFLOW)
    out = tables.render_readme(WORKFLOW_README, sample(), workflow=workflow)
    assert f"<!-- workflow-inputs:start -->\n{WORKFLOW_INPUTS}\n<!-- workflow-inputs:end -->" in out
    assert f"<!-- workflow-secrets:start -->\n{WORKFLOW_SECRETS}\n<!-- workflow-secrets:end -->" in out
    assert (
        "<!-- workflow-outputs:start -->\n| Name | Description |\n| --- | --- |\n| `success-rate` | Share done. |\n"
        in out
    )
    assert tables.render_readme(out, sample(), workflow=workflow) == out


def test_a_workflow_that_is_not_reusable_is_named() -> None:
    with pytest.raises(tables.TablesError) as caught:
        tables.render_readme(WORKFLOW_README, sample(), workflow={"on": {"push": None}})
    assert str(caught.value) == "wave.yml: not a reusable workflow (no on.workflow_call)"


def test_cli_renders_the_workflow_given(tmp_path: Path) -> None:
    (tmp_path / "action.yml").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "wave.yml").write_text(WORKFLOW, encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(WORKFLOW_README, encoding="utf-8")
    assert run_tool(tmp_path, "--workflow", "wave.yml").returncode == 0
    assert WORKFLOW_INPUTS in readme.read_text(encoding="utf-8")
    assert run_tool(tmp_path, "--workflow", "wave.yml", "--check").returncode == 0


def test_readme_tables_match_wave_yml() -> None:
    """The drift check of the reusable workflow's tables: README.md's are what wave.yml says now."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    action = tables.load_action(ROOT / "action.yml")
    workflow = tables.load_action(ROOT / ".github" / "workflows" / "wave.yml")
    expected = tables.render_readme(readme, action, workflow=workflow)
    if expected != readme:
        diff = "".join(
            difflib.unified_diff(
                readme.splitlines(True), expected.splitlines(True), "README.md", "from wave.yml"
            )
        )
        pytest.fail(f"README.md's tables differ from wave.yml: run python tools/readme_tables.py\n{diff}")
