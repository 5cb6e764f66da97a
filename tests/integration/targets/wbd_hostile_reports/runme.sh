#!/usr/bin/env bash
# Hostile data in reports: the audit playbook over tests/sandbox/fixtures/hostile.json (script, SVG, javascript:,
# CSV formula, XML-breaking, control, bidi, template and 100 kB payloads in every text field that reaches a report,
# and hostile inventory host names), then files/check_reports.py checks every format: the HTML in headless
# Chromium runs no data script (with and without its CSP) but its own, the CSV is neutralised, the JUnit is strict
# XML, the Markdown has no markup, the JSON record keeps the original strings, no template was evaluated.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

FIXTURE="$WBD_COL/tests/sandbox/fixtures/hostile.json"
"$WBD_PY" files/make_hostile_fixture.py "$WBD_OUT/hostile.json" "$WBD_OUT/inventory.json" || wbd_fail "the fixture generator failed"
cmp -s "$FIXTURE" "$WBD_OUT/hostile.json" || wbd_fail "tests/sandbox/fixtures/hostile.json is not what files/make_hostile_fixture.py writes"
cmp -s files/inventory.json "$WBD_OUT/inventory.json" || wbd_fail "files/inventory.json is not what files/make_hostile_fixture.py writes"
echo "ok   the committed fixture and inventory are the generator's"

wbd_sandbox_start hostile --dataset-file "$FIXTURE"
echo "== sandbox at $WBD_URL"
WBD_HOSTILE_CANARY="canary-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export WBD_HOSTILE_CANARY
REPORTS="$WBD_OUT/reports"
rm -rf "$REPORTS"

# The failure policy is on, so the reasons (built from the data) are printed as the hosts fail: rc 2, after the reports.
NCLOUD_WBD_ENDPOINT="$WBD_URL" NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c \
  ansible-playbook ncloud.wbd.audit -i files/inventory.json -e "ansible_python_interpreter=$WBD_PY" \
  -e "webshell_report_dir=$REPORTS" -e webshell_audit_suspicious_objects=true \
  -e webshell_audit_fail_on_unprotected=true -e webshell_audit_fail_on_unreviewed=true >"$WBD_OUT/playbook.log" 2>&1
RC=$?
# Every host is unprotected or unreviewed: the policy must fail each one, whatever its name.
"$WBD_PY" - "$WBD_OUT/playbook.log" files/inventory.json "$RC" <<'PY'
import json, re, sys
log = open(sys.argv[1], 'rb').read().decode('utf-8', 'replace')
hosts = set(json.load(open(sys.argv[2]))['all']['hosts'])
failed = set(re.findall(r'^fatal: \[(.*?)\]: FAILED! => \{"changed": false, "msg": ', log, re.M | re.S))
if sys.argv[3] != '2' or failed != hosts or 'Fail the hosts the policy does not accept' not in log:
    sys.exit('expected the policy to fail all %d hosts (rc 2) after the reports; got rc %s; not failed: %r; unexpected: %r'
             % (len(hosts), sys.argv[3], sorted(hosts - failed), sorted(failed - hosts)))
print('ok   the playbook wrote the reports, then the policy failed each of the %d hosts' % len(hosts))
PY
POLICY=$?

# The reports are checked even when the policy check failed, so one problem does not hide the others.
"$WBD_PY" files/check_reports.py "$FIXTURE" files/inventory.json "$REPORTS" "$WBD_OUT/playbook.log" \
  "$WBD_COL/tools/html_screenshot.sh" "$WBD_OUT"
CHECKS=$?
[ "$POLICY" -eq 0 ] || { tail -n 40 "$WBD_OUT/playbook.log"; wbd_fail "the failure policy did not fail every host (see above)"; }
[ "$CHECKS" -eq 0 ] || wbd_fail "report checks (see above)"
