#!/usr/bin/env bash
# The exception-rule baseline end to end, on the sandbox's known dataset (tests/sandbox/fixtures/audit_known.json,
# five live rules R1-R5):
#  1. ansible-playbook ncloud.wbd.rule_baseline writes a baseline of the five rules (0600), refuses to replace it
#     without -e wbd_baseline_force=true (one line, the file untouched), replaces it with it;
#  2. the audit with that baseline has no baseline finding;
#  3. the baseline edited as a reviewer would (R3 dropped, R1's condition changed, R2 approved by name + target +
#     conditions, an approved rule that does not exist) gives exactly three findings: R3 not in the baseline (high),
#     R1 differs (high, saying what differs), the missing rule (medium);
#  4. a bad baseline file fails the audit with one line naming it, no traceback, before any request.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start baseline --dataset-file "$WBD_COL/tests/sandbox/fixtures/audit_known.json"
echo "== sandbox at $WBD_URL"
export NCLOUD_WBD_ENDPOINT="$WBD_URL" NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c
BASE="$WBD_OUT/rule-baseline.yml"
rm -rf "$BASE" "$WBD_OUT"/reports-*

baseline() {  # baseline LOG [extra -e ...]
  local log="$1"
  shift
  ansible-playbook ncloud.wbd.rule_baseline -e "ansible_python_interpreter=$WBD_PY" -e "wbd_baseline_file=$BASE" "$@" >"$log" 2>&1
}

audit() {  # audit NAME BASELINE: an audit writing its reports to $WBD_OUT/reports-NAME
  ansible-playbook ncloud.wbd.audit -i files/inventory.json -e "ansible_python_interpreter=$WBD_PY" \
    -e "webshell_report_dir=$WBD_OUT/reports-$1" -e "webshell_audit_rule_baseline=$2" -e webshell_audit_lookback=31d \
    >"$WBD_OUT/audit-$1.log" 2>&1
}

# ---- 1. the playbook ----------------------------------------------------------------------------------------
baseline "$WBD_OUT/baseline-1.log" || { tail -n 30 "$WBD_OUT/baseline-1.log"; wbd_fail "ncloud.wbd.rule_baseline failed"; }
[ "$(stat -c %a "$BASE")" = 600 ] || wbd_fail "the baseline is not 0600: $(stat -c %a "$BASE")"
cp "$BASE" "$WBD_OUT/first.yml"
"$WBD_PY" - "$BASE" <<'PY' || wbd_fail "the baseline written is not the five rules of the dataset"
import sys, yaml
rules = yaml.safe_load(open(sys.argv[1]))['rules']
ids = sorted(r['rule_id'] for r in rules)
assert ids == ['202611010000000000100%d' % n for n in range(1, 6)], ids
r1 = [r for r in rules if r['rule_id'].endswith('1001')][0]
assert r1 == {'rule_id': '2026110100000000001001', 'name': 'allow-php-cli', 'target_type': 'serverGroup', 'target': '1000001',
              'conditions': {'process_name': {'condition': 'START', 'value': '/usr/bin/php'}}}, r1
r3 = [r for r in rules if r['rule_id'].endswith('1003')][0]
assert 'target' not in r3 and r3['target_type'] == 'everyServer', r3
print('ok   ncloud.wbd.rule_baseline wrote the 5 rules (0600), each with its target and conditions')
PY
baseline "$WBD_OUT/baseline-2.log" && wbd_fail "the playbook replaced an existing baseline without wbd_baseline_force"
grep -q "exists: a baseline is reviewed evidence" "$WBD_OUT/baseline-2.log" || { tail -n 20 "$WBD_OUT/baseline-2.log"; wbd_fail "no clear refusal"; }
cmp -s "$BASE" "$WBD_OUT/first.yml" || wbd_fail "the refused run changed the baseline"
echo "ok   an existing baseline is not replaced without -e wbd_baseline_force=true (one line, file untouched)"
baseline "$WBD_OUT/baseline-3.log" -e wbd_baseline_force=true || { tail -n 20 "$WBD_OUT/baseline-3.log"; wbd_fail "the forced run failed"; }
echo "ok   with -e wbd_baseline_force=true it is replaced"

# ---- 2. the baseline approves what it was written from ------------------------------------------------------
audit approved "$BASE" || { tail -n 30 "$WBD_OUT/audit-approved.log"; wbd_fail "the audit with the baseline failed"; }
# ---- 3. an edited baseline -----------------------------------------------------------------------------------
"$WBD_PY" - "$BASE" "$WBD_OUT/edited.yml" <<'PY'
import sys, yaml
rules = yaml.safe_load(open(sys.argv[1]))['rules']
out = []
for r in rules:
    if r['rule_id'].endswith('1003'):
        continue  # R3 not approved
    if r['rule_id'].endswith('1001'):
        r['conditions']['process_name']['condition'] = 'EQUAL'  # R1 approved in another form
    if r['rule_id'].endswith('1002'):
        del r['rule_id']  # R2 approved by name + target + conditions
    out.append(r)
out.append({'rule_id': '2026110100000000009999', 'name': 'retired-rule'})
yaml.safe_dump({'rules': out}, open(sys.argv[2], 'w'))
PY
audit edited "$WBD_OUT/edited.yml" || { tail -n 30 "$WBD_OUT/audit-edited.log"; wbd_fail "the audit with the edited baseline failed"; }
"$WBD_PY" - "$WBD_OUT" <<'PY' || wbd_fail "the baseline findings are not exactly the expected ones"
import json, sys
kinds = ('rule_not_in_baseline', 'baseline_rule_missing', 'rule_differs_from_baseline')
def found(name):
    record = json.load(open('%s/reports-%s/webshell-audit-latest.json' % (sys.argv[1], name)))
    return record, sorted((f['kind'], f['severity'], f['rule_id']) for f in record['findings'] if f['kind'] in kinds)
record, got = found('approved')
assert got == [], got
assert record['run']['rule_baseline'].endswith('rule-baseline.yml'), record['run']
print('ok   the baseline written from the rules approves all of them: no baseline finding')
record, got = found('edited')
assert got == [('baseline_rule_missing', 'medium', '2026110100000000009999'),
               ('rule_differs_from_baseline', 'high', '2026110100000000001001'),
               ('rule_not_in_baseline', 'high', '2026110100000000001003')], got
differs = [f for f in record['findings'] if f['kind'] == 'rule_differs_from_baseline'][0]
assert "process_name START '/usr/bin/php' (approved: EQUAL '/usr/bin/php')" in differs['message'], differs['message']
for name in ('csv', 'md', 'html', 'junit.xml'):
    text = open('%s/reports-edited/webshell-audit-latest.%s' % (sys.argv[1], name), encoding='utf-8').read()
    text = text.replace('\\_', '_')  # Markdown escapes them
    assert 'rule_not_in_baseline' in text and 'rule_differs_from_baseline' in text and 'baseline_rule_missing' in text, name
print('ok   the edited baseline gives exactly: R3 not in the baseline (high), R1 differs (high: %s), 9999 missing (medium), in every format'
      % differs['message'].split(': ', 1)[1])
PY

# ---- 4. a bad baseline --------------------------------------------------------------------------------------
printf 'rules:\n  - name: no-form\n' >"$WBD_OUT/bad.yml"
curl -fsS -X POST "$WBD_URL/__sandbox/stats/reset" >/dev/null || wbd_fail "stats reset"
audit bad "$WBD_OUT/bad.yml" && wbd_fail "the audit accepted a bad baseline"
LINE="$(grep -a '"msg": ' "$WBD_OUT/audit-bad.log" | head -1)"
[[ "$LINE" == *"webshell_audit_rule_baseline: rule baseline $WBD_OUT/bad.yml: rules[0] needs a rule_id, or a name with target_type and conditions"* ]] \
  || { tail -n 20 "$WBD_OUT/audit-bad.log"; wbd_fail "the bad baseline's error does not name the file and the entry"; }
! grep -aqE 'Traceback|MODULE FAILURE' "$WBD_OUT/audit-bad.log" || wbd_fail "a traceback"
[ "$(curl -fsS "$WBD_URL/__sandbox/stats?log=0" | "$WBD_PY" -c 'import json,sys; print(json.load(sys.stdin)["requests_total"])')" = 0 ] \
  || wbd_fail "requests were sent before the bad baseline was refused"
echo "ok   a bad baseline: one line naming the file and the entry, no traceback, no request sent"
echo "PASS wbd_rule_baseline"
