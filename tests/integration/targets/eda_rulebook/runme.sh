#!/usr/bin/env bash
# The event sources in the real ansible-rulebook (requirements/eda.txt, Java 17), from the collection built from this
# tree and installed as a decision environment installs it, against the sandbox:
#   detections injected while it runs are each acted on exactly once (several in one millisecond, more at the
#   high-water mark on a later poll, one listed late inside the lookback window), and none of the sandbox's older ones;
#   after kill -9 a restart with the checkpoint neither repeats nor loses any (those injected while it was down come);
#   a 429 storm longer than the client's retries recovers, nothing lost or repeated;
#   a wrong key ends ansible-rulebook with one line naming the cause, no traceback, no secret;
#   an agent status change yields one event with both statuses;
#   the shipped example ncloud.wbd.unreviewed_notification, run by its name, posts one message for a new detection.
# The target is marked disabled: the eda step of tools/test.sh runs it (--allow-disabled) with the sources' unit tests.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh
# shellcheck source=/dev/null
source "$WBD_COL/tools/lib.sh"

EDA_VENV="$(wbd_ensure_venv "$WBD_COL/requirements/eda.txt")" || wbd_fail "could not create the venv of requirements/eda.txt"
RULEBOOK="$EDA_VENV/bin/ansible-rulebook"
JAVA_MAJOR="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
[ "${JAVA_MAJOR:-0}" -ge 17 ] || wbd_fail "ansible-rulebook needs Java 17 or later (Debian: apt-get install openjdk-17-jre-headless); java -version says: $(java -version 2>&1 | head -1)"
CTL=("$WBD_PY" files/sandbox_ctl.py)
RUN="$WBD_OUT/eda"
rm -rf "$RUN"; mkdir -p "$RUN/collections"
PIDS=()
wbd_on_exit() { local pid; for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done; return 0; }

# The collection as a decision environment has it: built, installed, nothing else on ANSIBLE_COLLECTIONS_PATH.
ansible-galaxy collection build "$WBD_COL" --output-path "$RUN/dist" >"$RUN/build.log" 2>&1 || { cat "$RUN/build.log"; wbd_fail "build failed"; }
ANSIBLE_COLLECTIONS_PATH="$RUN/collections" ansible-galaxy collection install --force "$RUN"/dist/ncloud-wbd-*.tar.gz \
  -p "$RUN/collections" >"$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; wbd_fail "install failed"; }
[ -f "$RUN/collections/ansible_collections/ncloud/wbd/extensions/eda/plugins/event_source/detections.py" ] \
  || wbd_fail "the built collection lacks extensions/eda"
# The shipped decision environment definition is one ansible-builder 3 accepts (no container engine here: create only).
DE="$RUN/collections/ansible_collections/ncloud/wbd/docs/eda"
[ -f "$DE/credential_type.yml" ] || wbd_fail "the built collection lacks docs/eda/credential_type.yml"
(cd "$DE" && "$WBD_PY" -m ansible_builder create -f decision-environment.yml -c "$RUN/de-context" --output-filename Containerfile) \
  >"$RUN/de.log" 2>&1 || { cat "$RUN/de.log"; wbd_fail "ansible-builder create refused docs/eda/decision-environment.yml"; }
grep -q 'ansible-rulebook==' "$RUN/de-context/_build/requirements.txt" || wbd_fail "the decision environment does not install ansible-rulebook"
echo "ok   ansible-builder create accepts the shipped decision environment definition"
export ANSIBLE_COLLECTIONS_PATH="$RUN/collections" PATH="$EDA_VENV/bin:$PATH"
# Actions run modules on localhost with the eda venv's Python (interpreter discovery may find a pyenv shim that fails).
printf 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: %s\n' "$EDA_VENV/bin/python" >"$RUN/inventory.yml"

wbd_sandbox_start eda --detections 20 --servers 6
export NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c NCLOUD_WBD_ENDPOINT="$WBD_URL"
CHECKPOINT="$RUN/checkpoint.json"
printf 'wbd_checkpoint: %s\n' "$CHECKPOINT" >"$RUN/vars.yml"
echo "== ansible-rulebook $("$RULEBOOK" --version | head -1), sandbox at $WBD_URL"

start() {  # start NAME RULEBOOK: ansible-rulebook in the background, output in $RUN/NAME.log, pid in PID
  "$RULEBOOK" --rulebook "files/$2" -i "$RUN/inventory.yml" --vars "$RUN/vars.yml" >"$RUN/$1.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
}
wait_until() {  # wait_until SECONDS WHAT CMD...: CMD succeeds within SECONDS, or fail naming WHAT
  local limit=$((SECONDS + $1)) what="$2"; shift 2
  until "$@"; do
    [ $SECONDS -lt $limit ] || wbd_fail "timed out waiting for $what"
    sleep 0.5
  done
}
polls_at_least() { [ "$("${CTL[@]}" "$WBD_URL" polls "$1")" -ge "$2" ]; }
lines() { grep -c "^$1 " "$2" 2>/dev/null || true; }  # lines LABEL LOG: how many action lines
has_lines() { [ "$(lines "$1" "$2")" -ge "$3" ]; }
# acted_once LOG IDS...: each ID in exactly one action line of LOG, and no other detection
acted_once() {
  local log="$1" id n; shift
  for id in "$@"; do
    n="$(grep -c "^WBD-DETECTION $id " "$log")"
    [ "$n" = 1 ] || wbd_fail "$id was acted on $n times in $(basename "$log") (want 1)"
  done
  n="$(lines WBD-DETECTION "$log")"
  [ "$n" = "$#" ] || { grep '^WBD-DETECTION' "$log"; wbd_fail "$(basename "$log") acted on $n detections, want exactly $#"; }
}
alive() { kill -0 "$1" 2>/dev/null || { cat "$RUN/$2.log"; wbd_fail "ansible-rulebook ($2) ended early"; }; }
SEARCH="POST /api/v1/detections"

# ---- 1: detections injected while it runs, each acted on once ----
start first detections.yml; FIRST=$PID
wait_until 90 "the first poll" polls_at_least "$SEARCH" 1
mapfile -t A < <("${CTL[@]}" "$WBD_URL" inject 3 2>"$RUN/t1")
T1="$(cat "$RUN/t1")"
wait_until 60 "3 detections acted on" has_lines WBD-DETECTION "$RUN/first.log" 3
mapfile -t B < <("${CTL[@]}" "$WBD_URL" inject 2 "$T1" 2>/dev/null)        # at the high-water mark, a later poll
# listed late: detected between the start (the checkpoint's floor: since defaults to now) and the high-water mark
FLOOR="$("$WBD_PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["floor"])' "$CHECKPOINT")" || wbd_fail "no checkpoint after 3 events"
[ "$FLOOR" -lt "$T1" ] || wbd_fail "the floor $FLOOR is not before the first detections ($T1)"
mapfile -t C < <("${CTL[@]}" "$WBD_URL" inject 1 $(((FLOOR + T1) / 2)) 2>/dev/null)
wait_until 60 "6 detections acted on" has_lines WBD-DETECTION "$RUN/first.log" 6
polls="$("${CTL[@]}" "$WBD_URL" polls "$SEARCH")"
wait_until 30 "three more polls" polls_at_least "$SEARCH" $((polls + 3))
alive "$FIRST" first
acted_once "$RUN/first.log" "${A[@]}" "${B[@]}" "${C[@]}"
u1="$(grep "^WBD-DETECTION ${A[0]} " "$RUN/first.log" | cut -d' ' -f3)"
echo "ok   6 injected detections (3 in one ms, 2 more at the high-water mark, 1 listed late) acted on once each; none of the 20 older"

# ---- 2: kill -9, detections while it is down, restart with the checkpoint ----
{ kill -9 "$FIRST"; wait "$FIRST"; } 2>/dev/null  # as a crash would
mapfile -t D < <("${CTL[@]}" "$WBD_URL" inject 4 2>/dev/null)
start second detections.yml; SECOND=$PID
wait_until 90 "4 detections acted on after the restart" has_lines WBD-DETECTION "$RUN/second.log" 4
polls="$("${CTL[@]}" "$WBD_URL" polls "$SEARCH")"
wait_until 30 "three more polls" polls_at_least "$SEARCH" $((polls + 3))
alive "$SECOND" second
acted_once "$RUN/second.log" "${D[@]}"
echo "ok   after kill -9 the restart acted on the 4 detections made while it was down, once each, and repeated none of the 6"

# ---- 3: a 429 storm longer than the client's retries ----
"${CTL[@]}" "$WBD_URL" faults "{\"queue\": [{\"kind\": \"429\", \"count\": 9, \"match\": \"$SEARCH\"}]}"
mapfile -t E < <("${CTL[@]}" "$WBD_URL" inject 2 2>/dev/null)
wait_until 120 "2 detections acted on after the 429 storm" has_lines WBD-DETECTION "$RUN/second.log" 6
faults="$("${CTL[@]}" "$WBD_URL" injected-faults)"
[ "$faults" -ge 9 ] || wbd_fail "the sandbox answered only $faults requests with 429 (want 9)"
grep -q 'rate_limit error' "$RUN/second.log" || wbd_fail "no warning about the throttled polls in second.log"
alive "$SECOND" second
acted_once "$RUN/second.log" "${D[@]}" "${E[@]}"
echo "ok   a storm of 9 x 429 (3 polls' retries spent) was waited out; the 2 new detections were acted on once each"
kill "$SECOND"; wait "$SECOND" 2>/dev/null
# the event ID is derived from the detection ID: the same detection, the same meta.uuid
[ "$u1" = "$("$WBD_PY" -c 'import sys, uuid; print(uuid.uuid5(uuid.UUID("5b7c4d6e-2f1a-5c3b-9e8d-7a6b5c4d3e2f"), "ncloud.wbd.detections\x1f" + sys.argv[1]))' "${A[0]}")" ] \
  || wbd_fail "meta.uuid $u1 of ${A[0]} is not derived from the detection ID"

# ---- 4: a wrong key ends it with one clear line ----
WRONG=wrong-secret-value-5f0e1d2c
NCLOUD_SECRET_KEY="$WRONG" timeout 120 "$RULEBOOK" --rulebook files/detections.yml -i "$RUN/inventory.yml" --vars "$RUN/vars.yml" \
  >"$RUN/wrong.log" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || { cat "$RUN/wrong.log"; wbd_fail "a wrong key: ansible-rulebook rc $rc (want a failure, not a hang)"; }
grep -q "ncloud.wbd.detections: authentication error: Authentication failed" "$RUN/wrong.log" || { cat "$RUN/wrong.log"; wbd_fail "no line naming the authentication error"; }
! grep -q -e "$WRONG" -e "$NCLOUD_SECRET_KEY" "$RUN/wrong.log" || wbd_fail "the secret key is in the output"
! grep -q -E 'Traceback|\.py:[0-9]+ ' "$RUN/wrong.log" || { cat "$RUN/wrong.log"; wbd_fail "a traceback in the output"; }
echo "ok   a wrong key: rc $rc, one line naming the authentication error, no traceback, no secret"

# ---- 5: an agent status change, one event with both statuses ----
start agents agent_status.yml; AGENTS=$PID
wait_until 90 "the first two polls of the targets" polls_at_least "GET /api/v1/servers" 2
target="$("${CTL[@]}" "$WBD_URL" enabled-target)"
change="$("${CTL[@]}" "$WBD_URL" agent "$target" down)"
[ "$change" = "$target enable down" ] || wbd_fail "the sandbox changed $change"
wait_until 60 "the agent event" has_lines WBD-AGENT "$RUN/agents.log" 1
polls="$("${CTL[@]}" "$WBD_URL" polls "GET /api/v1/servers")"
wait_until 30 "three more polls" polls_at_least "GET /api/v1/servers" $((polls + 3))
alive "$AGENTS" agents
[ "$(lines WBD-AGENT "$RUN/agents.log")" = 1 ] || { grep WBD-AGENT "$RUN/agents.log"; wbd_fail "want exactly one agent event"; }
grep -q "^WBD-AGENT $target enable down$" "$RUN/agents.log" || { grep WBD-AGENT "$RUN/agents.log"; wbd_fail "the event lacks a status"; }
kill "$AGENTS"; wait "$AGENTS" 2>/dev/null
echo "ok   $target enable -> down: one event with both statuses, none for the other targets"

# ---- 6: the shipped example rulebook, by its name: an unreviewed detection posts to the webhook ----
"$WBD_PY" files/webhook.py "$RUN/webhook.port" "$RUN/webhook.jsonl" &
WEBHOOK=$!
PIDS+=("$WEBHOOK")
wait_until 20 "the webhook" test -s "$RUN/webhook.port"
printf 'wbd_webhook_url: http://127.0.0.1:%s/hook\nwbd_checkpoint_dir: %s\n' "$(cat "$RUN/webhook.port")" "$RUN" >"$RUN/example-vars.yml"
"$RULEBOOK" --rulebook ncloud.wbd.unreviewed_notification -i "$RUN/inventory.yml" --vars "$RUN/example-vars.yml" >"$RUN/example.log" 2>&1 &
EXAMPLE=$!
PIDS+=("$EXAMPLE")
wait_until 90 "the example's start" test -s "$RUN/wbd-detections-unreviewed.json"
mapfile -t F < <("${CTL[@]}" "$WBD_URL" inject 1 2>/dev/null)
wait_until 90 "the notification" test -s "$RUN/webhook.jsonl"
sleep 3
alive "$EXAMPLE" example
[ "$(wc -l <"$RUN/webhook.jsonl")" = 1 ] || { cat "$RUN/webhook.jsonl"; wbd_fail "want exactly one notification"; }
grep -q "WBD detection ${F[0]} on .* is not reviewed" "$RUN/webhook.jsonl" || { cat "$RUN/webhook.jsonl"; wbd_fail "the notification does not name ${F[0]}"; }
kill "$EXAMPLE" "$WEBHOOK"; wait "$EXAMPLE" "$WEBHOOK" 2>/dev/null
echo "ok   ncloud.wbd.unreviewed_notification (the shipped example) posted one message naming the new detection"
