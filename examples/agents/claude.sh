#!/usr/bin/env bash
# lumina-wave recipe: Claude Code works one issue (claude -p, headless).
#
# Reusable workflow (copy this file into your repository, e.g. as .github/agents/claude.sh):
#   with:
#     setup-command: npm install --global @anthropic-ai/claude-code
#     agent-command: bash .github/agents/claude.sh
#   secrets:
#     ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}   # or one line of agent-env
# On this machine: lumina-wave local --agent 'bash examples/agents/claude.sh'
#
# Permissions: --permission-mode acceptEdits lets Claude edit files without asking; the tools it
# may use are --allowedTools below (edit files, run git diff/status, and the commands in
# CLAUDE_ALLOWED_TOOLS, e.g. "Bash(npm test:*)"). It never needs to commit or push: lumina-wave
# commits what it leaves in the work tree. CLAUDE_MODEL picks a model (default: Claude Code's).
#
# The issue text reaches Claude on stdin, from $WAVE_CONTEXT_FILE, never on a command line.
# What it cost goes to $WAVE_USAGE_FILE, from the final JSON object Claude Code prints:
# total_cost_usd, num_turns and usage (input, cache read, cache creation and output tokens).
set -euo pipefail

: "${WAVE_CONTEXT_FILE:?run me from lumina-wave: WAVE_CONTEXT_FILE is not set}"
instructions="You are working on one GitHub issue of this repository; its text comes with this message.
Make the change it asks for in the work tree and run the project's tests if you can.
Do not commit, push or switch branches: the change is committed for you."

args=(-p "$instructions" --output-format json --permission-mode acceptEdits
  --allowedTools "Read,Edit,Write,Glob,Grep,Bash(git diff:*),Bash(git status:*)${CLAUDE_ALLOWED_TOOLS:+,$CLAUDE_ALLOWED_TOOLS}")
if [[ -n "${CLAUDE_MODEL:-}" ]]; then
  args+=(--model "$CLAUDE_MODEL")
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
claude "${args[@]}" <"$WAVE_CONTEXT_FILE" >"$out" || status=$?

# The last JSON object of the output is the result (older versions print only that one).
if result=$(jq -cs 'map(objects) | last // empty' "$out" 2>/dev/null) && [[ -n "$result" ]]; then
  jq -r '.result // empty' <<<"$result" >&2
  if [[ -n "${WAVE_USAGE_FILE:-}" ]]; then
    jq --arg model "${CLAUDE_MODEL:-}" '{
        model: ((.modelUsage // {} | keys | if length == 1 then .[0] else null end) // (if $model == "" then null else $model end)),
        input_tokens: (if .usage then (.usage.input_tokens // 0) + (.usage.cache_read_input_tokens // 0) + (.usage.cache_creation_input_tokens // 0) else null end),
        cached_tokens: .usage.cache_read_input_tokens,
        output_tokens: .usage.output_tokens,
        cost_usd: .total_cost_usd,
        turns: .num_turns
      }' <<<"$result" >"$WAVE_USAGE_FILE" || echo "claude.sh: no usage: the result has an unexpected shape" >&2
  fi
  if [[ "$(jq -r '.is_error // false' <<<"$result")" == "true" ]]; then
    ((status)) || status=1
  fi
else
  cat "$out" >&2
  echo "claude.sh: claude printed no JSON result" >&2
  ((status)) || status=1
fi
exit "$status"
