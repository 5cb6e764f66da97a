#!/usr/bin/env bash
# The ncloud.wbd.detection_targets inventory plugin against the sandbox, run as a user runs it: ansible-inventory
# --list, --graph and --host on inventory files that hold no keys (the keys and the endpoint come from the
# environment), checked by files/check_inventory.py against the sandbox's own dataset; the plugin enabled by name;
# filters; a credentials file; names that clash (files/clashing_names.json); errors without secrets; the jsonfile
# cache (a second run asks the API nothing and still answers with the sandbox stopped); and ncloud.wbd.audit on a
# plugin inventory, every host matched to its own server by instance number.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

ACCESS=SANDBOXACCESSKEY00001
SECRET=sandbox-secret-DO-NOT-LEAK-7f3a9c
WRONG=wrong-secret-must-not-appear-5e1d
INV="$WBD_OUT/inv"
rm -rf "$INV"
mkdir -p "$INV"

# 45 servers in pages of at most 10: the plugin pages, concurrently after the first page.
wbd_sandbox_start main --servers 45 --max-page-size 10
MAIN="$WBD_URL"
export NCLOUD_ACCESS_KEY="$ACCESS" NCLOUD_SECRET_KEY="$SECRET" NCLOUD_WBD_ENDPOINT="$MAIN"
# A source the plugin cannot read is an error, not a warning and an empty inventory.
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true

check() { "$WBD_PY" files/check_inventory.py "$@" || wbd_fail "check_inventory.py $1 (see above)"; }

inventory() {  # inventory NAME FILE [ansible-inventory options]: output in $INV/NAME.out and .err; sets RC
  local name="$1" file="$2"
  shift 2
  ansible-inventory -i "$file" "$@" >"$INV/$name.out" 2>"$INV/$name.err"
  RC=$?
}

expect_ok() {  # expect_ok NAME: the run succeeded without a warning (but ansible-test's "running with default collection")
  [ "$RC" -eq 0 ] || { cat "$INV/$1.err"; wbd_fail "ansible-inventory $1 failed (rc $RC)"; }
  ! grep -a 'WARNING' "$INV/$1.err" | grep -avq 'running with default collection' || { cat "$INV/$1.err"; wbd_fail "ansible-inventory $1 warned"; }
}

expect_error() {  # expect_error NAME PATTERN: the run failed, saying PATTERN on one line, without a secret
  [ "$RC" -ne 0 ] || { cat "$INV/$1.out"; wbd_fail "ansible-inventory $1 succeeded"; }
  tr -s ' \n' ' ' <"$INV/$1.err" | grep -aqF -- "$2" || { cat "$INV/$1.err"; wbd_fail "ansible-inventory $1: no '$2' in the error"; }
  ! grep -aq -e "$SECRET" -e "$WRONG" "$INV/$1.out" "$INV/$1.err" || wbd_fail "ansible-inventory $1 shows a secret key"
}

hosts_of() {  # hosts_of NAME: the sorted host names of a --list output, one a line
  "$WBD_PY" -c 'import json, sys; print("\n".join(sorted(json.load(open(sys.argv[1]))["_meta"]["hostvars"])))' "$INV/$1.out"
}

# ---- the main inventory: vars, default groups, compose, keyed_groups, groups ----------------------------------
cat >"$INV/main.wbd.yml" <<'EOF'
plugin: ncloud.wbd.detection_targets
compose:
  ansible_host: wbd_ip_address
  protected: wbd_agent_status == 'enable'
keyed_groups:
  - key: wbd_server_image_name
    prefix: image
groups:
  unprotected: not protected
EOF
! grep -qi -e access_key -e secret -e endpoint "$INV/main.wbd.yml" || wbd_fail "the main inventory file names a key or the endpoint"

inventory list "$INV/main.wbd.yml" --list
expect_ok list
check list "$MAIN" "$INV/list.out"
inventory graph "$INV/main.wbd.yml" --graph
expect_ok graph
check graph "$MAIN" "$INV/graph.out"
for name in $(hosts_of list | sed -n '1p;17p;45p'); do
  inventory host "$INV/main.wbd.yml" --host "$name"
  expect_ok host
  check host "$MAIN" "$INV/host.out" "$name"
done

# ---- enabled by name: verify_file takes *.detection_targets.yml and refuses other names --------------------------
cp "$INV/main.wbd.yml" "$INV/main.detection_targets.yml"
cp "$INV/main.wbd.yml" "$INV/main.yml"
ANSIBLE_INVENTORY_ENABLED=ncloud.wbd.detection_targets inventory named "$INV/main.detection_targets.yml" --list
expect_ok named
[ "$(hosts_of named)" = "$(hosts_of list)" ] || wbd_fail "the plugin enabled by name lists other hosts"
ANSIBLE_INVENTORY_ENABLED=ncloud.wbd.detection_targets inventory misnamed "$INV/main.yml" --list
if [ "$RC" -eq 0 ] || ! grep -aq 'main.yml as an inventory source' "$INV/misnamed.err"; then
  cat "$INV/misnamed.err"; wbd_fail "the plugin enabled by name read main.yml"
fi
echo "ok   enabled by name (ANSIBLE_INVENTORY_ENABLED): reads main.detection_targets.yml ($(hosts_of named | wc -l) hosts), refuses main.yml"

# ---- filters --------------------------------------------------------------------------------------------------
printf 'plugin: ncloud.wbd.detection_targets\nagent_status: [enable]\nserver_group_name: web-prd\n' >"$INV/filtered.wbd.yml"
curl -sf -X POST "$MAIN/__sandbox/stats/reset" >/dev/null || wbd_fail "could not reset the sandbox stats"
inventory filtered "$INV/filtered.wbd.yml" --list
expect_ok filtered
check subset "$MAIN" "$INV/filtered.out" enable web-prd

# ---- keys from a credentials file named in the inventory file, none in the environment ---------------------------
printf '[audit]\nncloud_access_key_id = %s\nncloud_secret_access_key = %s\n' "$ACCESS" "$SECRET" >"$INV/configure"
chmod 600 "$INV/configure"
printf 'plugin: ncloud.wbd.detection_targets\ncredentials_file: %s\nprofile: audit\n' "$INV/configure" >"$INV/file-keys.wbd.yml"
env -u NCLOUD_ACCESS_KEY -u NCLOUD_SECRET_KEY HOME="$INV" \
  ansible-inventory -i "$INV/file-keys.wbd.yml" --list >"$INV/file-keys.out" 2>"$INV/file-keys.err"
RC=$?
expect_ok file-keys
[ "$(hosts_of file-keys)" = "$(hosts_of list)" ] || wbd_fail "with the credentials file: other hosts"
echo "ok   keys from credentials_file + profile, none in the environment: the same $(hosts_of file-keys | wc -l) hosts"

# ---- errors: one clean message, no secret, even at -vvvv ----------------------------------------------------------
NCLOUD_SECRET_KEY="$WRONG" inventory wrong-secret "$INV/main.wbd.yml" --list -vvvv
expect_error wrong-secret 'ncloud.wbd.detection_targets: Authentication failed: WBD API GetDetectionTarget'
echo "ok   wrong secret key: $(grep -ao 'Authentication failed[^.]*' "$INV/wrong-secret.err" | head -1), no key in the output"

env -u NCLOUD_ACCESS_KEY -u NCLOUD_SECRET_KEY HOME="$INV/nohome" \
  ansible-inventory -i "$INV/main.wbd.yml" --list >"$INV/no-keys.out" 2>"$INV/no-keys.err"
RC=$?
expect_error no-keys 'Missing WBD API credentials: set access_key (or environment variable NCLOUD_ACCESS_KEY / NCLOUD_ACCESS_KEY_ID)'
echo "ok   no keys: the message names the options, the environment variables and the credentials file"

printf 'plugin: ncloud.wbd.detection_targets\nendpoint: http://127.0.0.1:1\nretries: 0\n' >"$INV/closed.wbd.yml"
inventory closed "$INV/closed.wbd.yml" --list
expect_error closed 'Could not talk to the WBD API at http://127.0.0.1:1'
echo "ok   unreachable endpoint: $(grep -ao 'Could not talk to the WBD API at [^ ]*' "$INV/closed.err" | head -1) ..."

# ---- names that clash, a server without a name, API text that looks like a template --------------------------------
wbd_sandbox_start clash --dataset-file "$PWD/files/clashing_names.json"
CLASH="$WBD_URL"
printf 'plugin: ncloud.wbd.detection_targets\nendpoint: %s\n' "$CLASH" >"$INV/clash.wbd.yml"
inventory clash "$INV/clash.wbd.yml" --list
[ "$RC" -eq 0 ] || { cat "$INV/clash.err"; wbd_fail "the clashing names inventory failed"; }
[ "$(hosts_of clash | tr '\n' ' ')" = "5003 web-dup_5001 web-dup_5002 web-solo " ] \
  || wbd_fail "clashing names: hosts $(hosts_of clash | tr '\n' ' ')"
tr -s ' \n' ' ' <"$INV/clash.err" | grep -aq 'share the server_name "web-dup"; each of them is named NAME_INSTANCENO' \
  || { cat "$INV/clash.err"; wbd_fail "clashing names: no warning about web-dup"; }
tr -s ' \n' ' ' <"$INV/clash.err" | grep -aq 'have no server_name and are named by their instance number: "5003"' \
  || { cat "$INV/clash.err"; wbd_fail "clashing names: no warning about the nameless server"; }
"$WBD_PY" - "$INV/clash.out" <<'PY' || wbd_fail "clashing names: vars or groups"
import sys
sys.path.insert(0, 'files')
from check_inventory import load
listing = load(sys.argv[1])
hv = listing['_meta']['hostvars']
assert [hv[h]['wbd_instance_no'] for h in ('web-dup_5001', 'web-dup_5002', '5003')] == ['5001', '5002', '5003'], hv
assert sorted(listing['wbd_group_dup_group']['hosts']) == ['web-dup_5001', 'web-dup_5002'], listing
assert listing['wbd_agent_down']['hosts'] == ['web-dup_5002'] and listing['wbd_agent_notInstalled']['hosts'] == ['5003']
PY
echo "ok   clashing names: web-dup x2 -> web-dup_5001, web-dup_5002; no name -> 5003; both warned"

printf 'plugin: ncloud.wbd.detection_targets\nendpoint: %s\nduplicate_hostnames: error\n' "$CLASH" >"$INV/clash-error.wbd.yml"
inventory clash-error "$INV/clash-error.wbd.yml" --list
expect_error clash-error 'Several WBD detection targets have the same server_name, so they would be one inventory host'
echo "ok   duplicate_hostnames: error fails the source, naming \"web-dup\""

ansible web-solo -i "$INV/clash.wbd.yml" -m ansible.builtin.debug -a var=wbd_memo >"$INV/memo.out" 2>"$INV/memo.err" \
  || { cat "$INV/memo.out" "$INV/memo.err"; wbd_fail "ansible debug of wbd_memo failed"; }
if ! grep -aqF '"wbd_memo": "{{ 6 * 7 }}"' "$INV/memo.out" || grep -aq '"wbd_memo": "\?42' "$INV/memo.out"; then
  cat "$INV/memo.out"; wbd_fail "the memo from the API was templated"
fi
echo "ok   API text is not templated: wbd_memo stays '{{ 6 * 7 }}' in a play"
wbd_sandbox_stop clash

# ---- the audit on a plugin inventory named by IP: matched by webshell_audit_instance_no -------------------------
printf 'plugin: ncloud.wbd.detection_targets\nhostname: ip_address\n' >"$INV/audit.wbd.yml"
inventory audit-list "$INV/audit.wbd.yml" --list
expect_ok audit-list
ansible-playbook ncloud.wbd.audit -i "$INV/audit.wbd.yml" -e "ansible_python_interpreter=$WBD_PY" \
  -e "webshell_report_dir=$INV/reports" >"$INV/audit.log" 2>&1 \
  || { tail -n 40 "$INV/audit.log"; wbd_fail "ansible-playbook ncloud.wbd.audit on the plugin inventory failed"; }
check audit "$MAIN" "$INV/audit-list.out" "$INV/reports/webshell-audit-latest.json"

# ---- cache: the second run asks nothing, the third answers with the sandbox stopped, --flush-cache asks again -----
cat >"$INV/cache.wbd.yml" <<EOF
plugin: ncloud.wbd.detection_targets
retries: 0
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: $INV/cache
EOF
curl -sf -X POST "$MAIN/__sandbox/stats/reset" >/dev/null || wbd_fail "could not reset the sandbox stats"
inventory cache-1 "$INV/cache.wbd.yml" --list
expect_ok cache-1
FIRST="$("$WBD_PY" files/check_inventory.py requests "$MAIN")"
inventory cache-2 "$INV/cache.wbd.yml" --list
expect_ok cache-2
SECOND="$("$WBD_PY" files/check_inventory.py requests "$MAIN")"
[ "$FIRST" -ge 5 ] && [ "$SECOND" = "$FIRST" ] || wbd_fail "cache: $FIRST API requests for the first run, $SECOND after the second"
cmp -s "$INV/cache-1.out" "$INV/cache-2.out" || wbd_fail "cache: the cached inventory differs"
[ "$(hosts_of cache-1)" = "$(hosts_of list)" ] || wbd_fail "cache: other hosts than the main inventory"
ls "$INV/cache"/* >/dev/null 2>&1 || wbd_fail "cache: no file in $INV/cache"
wbd_sandbox_stop main
inventory cache-3 "$INV/cache.wbd.yml" --list
expect_ok cache-3
cmp -s "$INV/cache-1.out" "$INV/cache-3.out" || wbd_fail "cache: with the sandbox stopped, the inventory differs"
inventory cache-flush "$INV/cache.wbd.yml" --list --flush-cache
expect_error cache-flush "Could not talk to the WBD API at $MAIN"
echo "ok   cache: run 1 took $FIRST API requests, run 2 none (same output), run 3 answered with the sandbox stopped, --flush-cache asked again (and failed)"

# ---- no secret anywhere: outputs, errors, logs, cache, reports (the credentials file holds it on purpose) ----------
if grep -raq -e "$SECRET" -e "$WRONG" --exclude=configure "$INV"; then
  grep -ral -e "$SECRET" -e "$WRONG" --exclude=configure "$INV" >&2
  wbd_fail "a secret key was written to the files above"
fi
echo "ok   no secret key in any output, error, log, cache file or report under $INV"
