#!/usr/bin/env bash
# lumina-wave recipe: aider works one issue (aider --message-file, non-interactive).
#
# Reusable workflow (copy this file into your repository, e.g. as .github/agents/aider.sh):
#   with:
#     setup-command: python -m pip install aider-install && aider-install
#     agent-command: bash .github/agents/aider.sh
#   secrets:
#     ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}   # or OPENAI_API_KEY, or agent-env
# On this machine: lumina-wave local --agent 'bash examples/agents/aider.sh'
#
# Permissions: --yes-always answers yes to every question (add files, create files, run the
# commands it proposes). --no-auto-commits and --no-dirty-commits: lumina-wave commits what aider
# leaves in the work tree. AIDER_MODEL picks a model (aider reads its usual AIDER_* settings too).
#
# The issue text reaches aider as a message file, $WAVE_CONTEXT_FILE, never on a command line.
# What it cost goes to $WAVE_USAGE_FILE: the session cost of aider's last "Cost: $x message, $y
# session." line. aider prints its token counts rounded (12k), so they are not reported.
set -euo pipefail

: "${WAVE_CONTEXT_FILE:?run me from lumina-wave: WAVE_CONTEXT_FILE is not set}"
args=(--message-file "$WAVE_CONTEXT_FILE" --yes-always --no-auto-commits --no-dirty-commits
  --no-stream --no-pretty --no-check-update --no-show-release-notes --analytics-disable)
if [[ -n "${AIDER_MODEL:-}" ]]; then
  args+=(--model "$AIDER_MODEL")
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
aider "${args[@]}" </dev/null >"$out" 2>&1 || status=$?
cat "$out" >&2

# aider ends each reply with "Tokens: … received. Cost: $0.01 message, $0.05 session."
cost=$(sed -n 's/.*Cost: \$[0-9][0-9.]* message, \$\([0-9][0-9.]*\) session\..*/\1/p' "$out" | tail -n 1)
if [[ -n "${WAVE_USAGE_FILE:-}" && -n "$cost" ]]; then
  jq -n --arg model "${AIDER_MODEL:-}" --arg cost "$cost" '{
      model: (if $model == "" then null else $model end),
      cost_usd: ($cost | tonumber)
    }' >"$WAVE_USAGE_FILE" || echo "aider.sh: no usage: cannot read the cost $cost" >&2
fi
exit "$status"
