#!/usr/bin/env bash
# TLS: the sandbox serves HTTPS with a new self-signed certificate (--tls-self-signed). The modules (tls_modules.yml)
# and the audit playbook (its webshell_audit_ca_path / webshell_audit_validate_certs variables) refuse it by default
# with a clear message naming ca_path and validate_certs, accept it with ca_path, and accept it with a warning
# with validate_certs false.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start tls --servers 5 --detections 20 --tls-self-signed "$WBD_OUT/tls"
case "$WBD_URL" in https://127.0.0.1:*) ;; *) wbd_fail "the sandbox does not serve HTTPS: $WBD_URL" ;; esac
CA="$WBD_OUT/tls/cert.pem"
# Another self-signed certificate: a CA bundle that did not sign the sandbox's.
"$WBD_PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import wbd_sandbox; wbd_sandbox.self_signed_cert(sys.argv[2])' \
  "$WBD_COL/tests/sandbox" "$WBD_OUT/other" || wbd_fail "could not make a second certificate"
echo "== sandbox at $WBD_URL (CA $CA)"

WBD_TLS_ENDPOINT="$WBD_URL" WBD_TLS_CA="$CA" WBD_TLS_OTHER_CA="$WBD_OUT/other/cert.pem" \
  ansible-playbook tls_modules.yml >"$WBD_OUT/modules.log" 2>&1 \
  || { cat "$WBD_OUT/modules.log"; wbd_fail "the module checks failed"; }
grep -a 'PLAY RECAP' -A2 "$WBD_OUT/modules.log"
echo "ok   modules: refused by default and with another CA, work with ca_path and (warning) validate_certs false"

printf '{"all": {"vars": {"ansible_connection": "local"}, "hosts": {"web-1": {}}}}\n' >"$WBD_OUT/inventory.json"
audit() {  # audit NAME [extra arguments]: the audit playbook against the HTTPS sandbox; sets RC
  local name="$1"
  shift
  NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c \
    ansible-playbook ncloud.wbd.audit -i "$WBD_OUT/inventory.json" -e "ansible_python_interpreter=$WBD_PY" \
    -e "webshell_audit_endpoint=$WBD_URL" -e "webshell_report_dir=$WBD_OUT/reports-$name" "$@" >"$WBD_OUT/audit-$name.log" 2>&1
  RC=$?
}

audit default
LOG="$WBD_OUT/audit-default.log"
if [ "$RC" -ne 2 ] || [ "$(grep -ac '^fatal: ' "$LOG")" -ne 1 ] || ! grep -aq '^fatal: .*TLS verification failed.*ca_path.*validate_certs' "$LOG"; then
  tail -n 30 "$LOG"; wbd_fail "audit without ca_path: expected one failure saying TLS verification failed (ca_path, validate_certs), rc $RC"
fi
[ ! -e "$WBD_OUT/reports-default" ] || wbd_fail "audit without ca_path: reports were written"
echo "ok   audit: refused by default, one failure: $(grep -ao 'TLS verification failed for [^:]*' "$LOG" | head -1): ..., ca_path, validate_certs"

audit ca_path -e "webshell_audit_ca_path=$CA"
LOG="$WBD_OUT/audit-ca_path.log"
[ "$RC" -eq 0 ] || { tail -n 30 "$LOG"; wbd_fail "audit with webshell_audit_ca_path failed (rc $RC)"; }
! grep -aq 'validate_certs is false' "$LOG" || wbd_fail "audit with webshell_audit_ca_path warned about validate_certs"
"$WBD_PY" - "$WBD_OUT/reports-ca_path/webshell-audit-latest.json" "$WBD_URL" <<'PY' || wbd_fail "audit with webshell_audit_ca_path: bad record"
import json, sys
record = json.load(open(sys.argv[1], encoding='utf-8'))
assert record['run']['endpoint'] == sys.argv[2], record['run']['endpoint']
assert record['summary']['targets'] == 5 and record['summary']['hosts'] == 1, record['summary']
PY
echo "ok   audit: works with webshell_audit_ca_path (record of the 5 targets from $WBD_URL), no warning"

audit unverified -e webshell_audit_validate_certs=false
LOG="$WBD_OUT/audit-unverified.log"
[ "$RC" -eq 0 ] || { tail -n 30 "$LOG"; wbd_fail "audit with webshell_audit_validate_certs=false failed (rc $RC)"; }
WARNINGS="$(grep -ac 'WARNING.*validate_certs is false: the TLS certificate of the WBD endpoint is not checked' "$LOG")"
[ "$WARNINGS" -ge 1 ] || { tail -n 30 "$LOG"; wbd_fail "audit with webshell_audit_validate_certs=false did not warn"; }
[ -f "$WBD_OUT/reports-unverified/webshell-audit-latest.json" ] || wbd_fail "audit with webshell_audit_validate_certs=false wrote no report"
echo "ok   audit: works with webshell_audit_validate_certs=false and warns that the certificate is not checked"
