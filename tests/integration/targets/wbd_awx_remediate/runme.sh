#!/usr/bin/env bash
# The AWX remediation workflow (docs/docsite/rst/guide_remediation.rst) as AWX runs its two job templates: a
# check-mode job, then (after the approval node) the apply job, each through `ansible-runner transmit | worker |
# process` with the collection built from this tree installed in the project, the credential type's environment and
# the same extra vars, against the sandbox's known remediation dataset (../wbd_remediate/files). files/check_jobs.py
# checks each job: its status, the set_stats counts, and the sandbox's writes (none for the check job, exactly the
# four planned ones for the apply job).
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

JOB="$WBD_OUT/awx-remediate"
PDD="$JOB/private"
COLLECTION="ansible_collections/ncloud/wbd"
RUNNER=("$WBD_PY" -m ansible_runner)
rm -rf "$JOB"
mkdir -p "$PDD/project/collections" "$PDD/inventory" "$PDD/env"
"${RUNNER[@]}" --version >/dev/null 2>&1 || wbd_fail "ansible-runner is not installed for $WBD_PY (tests/integration/requirements.txt)"

wbd_sandbox_start awx-remediate --dataset-file "$PWD/../wbd_remediate/files/remediate_known.json"

ansible-galaxy collection build "$WBD_COL" --output-path "$JOB/dist" >"$JOB/build.log" 2>&1 \
  || { cat "$JOB/build.log"; wbd_fail "ansible-galaxy collection build failed"; }
TARBALL="$(ls "$JOB"/dist/ncloud-wbd-*.tar.gz)"
ANSIBLE_COLLECTIONS_PATH="$PDD/project/collections" \
  ansible-galaxy collection install --force "$TARBALL" -p "$PDD/project/collections" >"$JOB/install.log" 2>&1 \
  || { cat "$JOB/install.log"; wbd_fail "ansible-galaxy collection install of $TARBALL failed"; }

cat >"$PDD/project/wbd_remediate.yml" <<'PLAY'
---
- name: Remediate webshell findings with NAVER Cloud WBD
  ansible.builtin.import_playbook: ncloud.wbd.remediate
PLAY
cp ../wbd_remediate/files/inventory.yml "$PDD/inventory/hosts.yml"
cat >"$PDD/env/extravars" <<VARS
webshell_report_dir: $JOB/reports
webshell_remediate_enable_agents: true
webshell_remediate_quarantine_malware: true
webshell_remediate_annotate_unreviewed: true
VARS
unset ANSIBLE_COLLECTIONS_PATHS NCLOUD_ACCESS_KEY NCLOUD_ACCESS_KEY_ID NCLOUD_SECRET_KEY NCLOUD_SECRET_ACCESS_KEY \
  NCLOUD_SITE NCLOUD_WBD_ENDPOINT

job() {  # job NAME: one AWX job through transmit | worker | process; checks it with files/check_jobs.py NAME
  local name="$1" ident="wbd-remediate-$1"
  "$WBD_PY" ../wbd_awx_runner/files/awx_job_env.py "$PDD/project/collections/$COLLECTION/docs/awx/credential_type.yml" "$PDD/env/envvars" \
    access_key=SANDBOXACCESSKEY00001 secret_key=sandbox-secret-DO-NOT-LEAK-7f3a9c site=gov endpoint="$WBD_URL" \
    -- ANSIBLE_COLLECTIONS_PATH="$JOB/worker-$name/project/collections" || wbd_fail "could not render the credential type's injectors"
  "$WBD_PY" ../wbd_remediate/files/check.py reset "$WBD_URL" || wbd_fail "could not reset the sandbox's stats"
  mkdir -p "$JOB/process-$name"
  "${RUNNER[@]}" transmit "$PDD" -p wbd_remediate.yml --ident "$ident" 2>"$JOB/$name-transmit.err" \
    | "${RUNNER[@]}" worker --private-data-dir "$JOB/worker-$name" 2>"$JOB/$name-worker.err" \
    | "${RUNNER[@]}" process "$JOB/process-$name" --ident "$ident" >"$JOB/$name-process.out" 2>"$JOB/$name-process.err"
  local codes=("${PIPESTATUS[@]}")
  [ "${codes[*]}" = "0 0 0" ] || { tail -n 20 "$JOB/$name-worker.err" "$JOB/$name-process.err"; wbd_fail "$name: transmit | worker | process exited ${codes[*]}"; }
  "$WBD_PY" files/check_jobs.py "$name" "$JOB/process-$name/artifacts/$ident" "$WBD_URL" \
    || { tail -n 40 "$JOB/process-$name/artifacts/$ident/stdout"; wbd_fail "the $name job did not do what it should"; }
}

# Job template 1, job type Check: AWX passes --check on the command line.
printf -- '--check\n' >"$PDD/env/cmdline"
job check
echo "ok   the check-mode job plans 4 actions (set_stats planned 4, done 0) and sends no write"
# The approval node approves; job template 2, job type Run.
rm -f "$PDD/env/cmdline"
job apply
echo "ok   the apply job sends 4 writes, all applied (set_stats planned 4, done 4, failed 0)"
