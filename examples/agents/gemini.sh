#!/usr/bin/env bash
# lumina-wave recipe: Gemini CLI works one issue (gemini -p, headless).
#
# Reusable workflow (copy this file into your repository, e.g. as .github/agents/gemini.sh):
#   with:
#     setup-command: npm install --global @google/gemini-cli
#     agent-command: bash .github/agents/gemini.sh
#   secrets:
#     agent-env: ${{ secrets.AGENT_ENV }}   # a line GEMINI_API_KEY=...
# On this machine: lumina-wave local --agent 'bash examples/agents/gemini.sh'
#
# Permissions: --approval-mode yolo approves every tool call (edits and shell commands) without
# asking, which headless mode needs to change files; add --sandbox in GEMINI_FLAGS to run the
# tools in a container. It never needs to commit or push: lumina-wave commits what it leaves in
# the work tree. GEMINI_MODEL picks a model.
#
# The issue text reaches Gemini on stdin, from $WAVE_CONTEXT_FILE, never on a command line.
# What it cost goes to $WAVE_USAGE_FILE: the token counts of stats.models in the JSON output,
# summed over the models (prompt includes cached; output is candidates plus thoughts). Gemini
# CLI prints no cost.
set -euo pipefail

: "${WAVE_CONTEXT_FILE:?run me from lumina-wave: WAVE_CONTEXT_FILE is not set}"
instructions="You are working on one GitHub issue of this repository; its text comes with this message.
Make the change it asks for in the work tree and run the project's tests if you can.
Do not commit, push or switch branches: the change is committed for you."

args=(-p "$instructions" --output-format json --approval-mode yolo)
if [[ -n "${GEMINI_MODEL:-}" ]]; then
  args+=(--model "$GEMINI_MODEL")
fi
if [[ -n "${GEMINI_FLAGS:-}" ]]; then
  read -ra extra <<<"$GEMINI_FLAGS"
  args+=("${extra[@]}")
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
gemini "${args[@]}" <"$WAVE_CONTEXT_FILE" >"$out" || status=$?

if result=$(jq -c 'objects' "$out" 2>/dev/null) && [[ -n "$result" ]]; then
  jq -r '.response // empty' <<<"$result" >&2
  if [[ "$(jq '.error != null' <<<"$result")" == "true" ]]; then
    jq -r '.error.message // .error' <<<"$result" >&2
    ((status)) || status=1
  fi
  if [[ -n "${WAVE_USAGE_FILE:-}" && "$(jq '.stats.models | objects | length > 0' <<<"$result")" == "true" ]]; then
    jq '.stats.models | {
        model: (keys | if length == 1 then .[0] else null end),
        input_tokens: (map(.tokens.prompt // 0) | add),
        cached_tokens: (map(.tokens.cached // 0) | add),
        output_tokens: (map((.tokens.candidates // 0) + (.tokens.thoughts // 0)) | add),
        cost_usd: null,
        turns: null
      }' <<<"$result" >"$WAVE_USAGE_FILE" || echo "gemini.sh: no usage: stats has an unexpected shape" >&2
  fi
else
  cat "$out" >&2
  echo "gemini.sh: gemini printed no JSON result" >&2
  ((status)) || status=1
fi
exit "$status"
