#!/usr/bin/env bash
# A sample lumina-wave agent: the smallest script that works one issue. Copy it and put your
# coding agent where the marked line is; examples/agents/ has recipes for Claude Code, Codex,
# Gemini CLI and aider.
#
# Reusable workflow (copy this file into your repository, e.g. as .github/agents/agent.sh):
#   with:
#     agent-command: bash .github/agents/agent.sh
# On this machine: lumina-wave local --manifest .github/waves.yml --agent 'bash examples/agent.sh'
#
# The contract: the script runs in the work tree on branch $WAVE_BRANCH. It changes files
# and exits; lumina-wave commits what it leaves (it need not commit, push or switch branches).
#   exit 0 with a change    -> success: the change is pushed and its PR opened
#   exit 0 with no change   -> no-changes: done, no PR
#   exit non-zero           -> failed: its dependents are blocked; the log is kept
# Title and body are untrusted text: read them from the files, never paste them into a command.
set -euo pipefail

: "${WAVE_ISSUE_NUMBER:?run me from lumina-wave (local or the reusable workflow): WAVE_ISSUE_NUMBER is not set}"
: "${WAVE_CONTEXT_FILE:?run me from lumina-wave: WAVE_CONTEXT_FILE is not set}"

echo "agent.sh: issue #$WAVE_ISSUE_NUMBER on $WAVE_BRANCH from $WAVE_BASE (wave $WAVE_NUMBER)" >&2

# --- your agent goes here, e.g.: claude -p "Work this issue" <"$WAVE_CONTEXT_FILE" ---------
mkdir -p notes
note="notes/issue-$WAVE_ISSUE_NUMBER.md"
{
  printf '# Notes on issue #%s\n\n' "$WAVE_ISSUE_NUMBER"
  printf 'Depends on: %s\n\n' "${WAVE_DEPENDS_ON:-nothing}"
  cat "$WAVE_CONTEXT_FILE"
} >"$note"
# ----------------------------------------------------------------------------------------------

# What the run cost, for the summary (every field optional; lumina_wave/schemas/usage.schema.json).
if [[ -n "${WAVE_USAGE_FILE:-}" ]]; then
  printf '{"model": null, "cost_usd": 0, "turns": 1}\n' >"$WAVE_USAGE_FILE"
fi
echo "agent.sh: wrote $note" >&2
