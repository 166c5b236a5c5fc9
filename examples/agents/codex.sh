#!/usr/bin/env bash
# lumina-wave recipe: OpenAI Codex CLI works one issue (codex exec, non-interactive).
#
# Reusable workflow (copy this file into your repository, e.g. as .github/agents/codex.sh):
#   with:
#     setup-command: npm install --global @openai/codex
#     agent-command: bash .github/agents/codex.sh
#   secrets:
#     OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}   # codex exec reads it as CODEX_API_KEY too
# On this machine: lumina-wave local --agent 'bash examples/agents/codex.sh'
#
# Permissions: --sandbox workspace-write lets Codex edit the work tree and run commands in it,
# without network access; codex exec never stops to ask for approval. It never needs to commit or
# push: lumina-wave commits what it leaves in the work tree. CODEX_MODEL picks a model.
#
# The issue text reaches Codex on stdin (the prompt "-"), from $WAVE_CONTEXT_FILE, never on a
# command line. What it cost goes to $WAVE_USAGE_FILE: the tokens of every turn.completed event
# of the --json stream, summed (input_tokens includes cached_input_tokens). Codex prints no cost.
set -euo pipefail

: "${WAVE_CONTEXT_FILE:?run me from lumina-wave: WAVE_CONTEXT_FILE is not set}"
instructions="You are working on one GitHub issue of this repository; its text comes with this message.
Make the change it asks for in the work tree and run the project's tests if you can.
Do not commit, push or switch branches: the change is committed for you."

args=(exec --json --sandbox workspace-write)
if [[ -n "${CODEX_MODEL:-}" ]]; then
  args+=(--model "$CODEX_MODEL")
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
{ printf '%s\n\n' "$instructions"; cat "$WAVE_CONTEXT_FILE"; } | codex "${args[@]}" - >"$out" || status=$?

# One JSON event per line; a line that is not JSON (a warning, an error) goes to the log.
jq -Rr '. as $line | try (fromjson | empty) catch $line' "$out" >&2
events=$(jq -Rc 'fromjson? | objects' "$out")
has() { [[ "$(jq -s --arg t "$1" 'any(.type == $t)' <<<"$events")" == "true" ]]; }
jq -r 'select(.type == "item.completed" and .item.type == "agent_message") | .item.text' <<<"$events" >&2
if has turn.failed || has error; then
  jq -r 'select(.type == "turn.failed" or .type == "error") | .error.message // .message // "error"' <<<"$events" >&2
  ((status)) || status=1
fi
if ! has turn.completed; then
  ((status)) || status=1
  echo "codex.sh: codex completed no turn" >&2
elif [[ -n "${WAVE_USAGE_FILE:-}" ]]; then
  jq -s --arg model "${CODEX_MODEL:-}" 'map(select(.type == "turn.completed") | .usage) | {
      model: (if $model == "" then null else $model end),
      input_tokens: (map(.input_tokens // 0) | add),
      cached_tokens: (map(.cached_input_tokens // 0) | add),
      output_tokens: (map(.output_tokens // 0) | add),
      cost_usd: null,
      turns: length
    }' <<<"$events" >"$WAVE_USAGE_FILE" || echo "codex.sh: no usage: unexpected turn.completed events" >&2
fi
exit "$status"
