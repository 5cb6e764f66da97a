#!/usr/bin/env bash
# ncloud.wbd.audit under faults, run as a user runs it: one `ansible-playbook ncloud.wbd.audit` per scenario,
# then its exit code, output and report directory are checked (runme.yml, scenario.yml, vars.yml).
set -eux
ANSIBLE_ROLES_PATH=.. ansible-playbook runme.yml -i "${INVENTORY_PATH}" -e "output_dir=${OUTPUT_DIR}" "$@"
