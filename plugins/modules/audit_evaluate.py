#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: audit_evaluate
short_description: Fetch the WBD lists once and evaluate the webshell audit on the controller
version_added: 1.0.0
description:
  - The webshell audit in one task on the controller. It computes the look-back window once (the start of
    C(policy.lookback) before now, as P(ncloud.wbd.webshell_audit_window#filter) does), reads the match keys of the
    inventory hosts from C(hostvars) (as P(ncloud.wbd.webshell_audit_hosts#filter) does), fetches the detection targets,
    the detections since the window start, the exception rules and, with O(excepted), the excepted detections since the
    window start, then evaluates every host, detection and rule once (the evaluation of
    P(ncloud.wbd.webshell_audit_evaluate#filter)) and returns the audit record (see
    R(the audit record guide,ansible_collections.ncloud.wbd.docsite.guide_record_schema)).
  - The lists are fetched with the code of M(ncloud.wbd.detection_target_info), M(ncloud.wbd.detection_info),
    M(ncloud.wbd.exception_rule_info) and M(ncloud.wbd.excepted_detection_info) (the same options, checks, environment
    fallbacks, credentials, paging and errors) in the controller's worker, and stay Python objects from the API to the
    record; passing tens of thousands of detections through Jinja (registered results into a filter) costs
    ansible-core 2.19 many times what the audit itself costs. When the task sets C(environment), or the controller's
    Python lacks C(requests), those modules run as modules instead.
  - The engine of the P(ncloud.wbd.webshell_audit#role) role, which calls it once per play; the filters are for
    playbooks that want one step on its own. An action plugin; this page documents its options.
  - Each list is fetched with C(allow_partial=true), so a list whose pages and totals do not agree comes back marked
    incomplete instead of failing, and the record says so in C(completeness). A host whose verdict depends on
    incomplete or ambiguous data gets the status V(unknown), never V(compliant) (see RV(complete),
    RV(completeness_problems) and RV(unknown_hosts)). Failing the run on it is the caller's choice (the
    P(ncloud.wbd.webshell_audit#role) role does by default, C(webshell_audit_fail_on_incomplete)).
  - Host statuses, from worst to best. V(unprotected) means not registered, or the agent is not C(enable).
    V(unreviewed) means unconfirmed detections in the window that no active rule covers. V(unknown) means the verdict
    depends on an incomplete list, a detection with an unreadable or implausible time, or an ambiguous match (two
    inventory hosts sharing the value a server matches). V(compliant) otherwise.
  - The inventory's other hosts (C(groups['all']) outside O(hosts), for example those left out by C(--limit)) are
    matched too; their servers and detections are out of scope, counted in the record's C(scope), and are neither
    findings nor unmatched detections.
  - In the action group C(ncloud.wbd.wbd), so C(module_defaults) for C(group/ncloud.wbd.wbd) apply to it. The connection
    options it is given are passed on to the info modules; those not given fall back as the modules' own do
    (environment, credential file).
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.action_group
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Read-only; it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: controller
options:
  page_size:
    description: Records asked per API page (the info modules' O(ncloud.wbd.detection_info#module:page_size)).
    type: int
    default: 100
  concurrency:
    description: API requests in flight at once (the info modules' O(ncloud.wbd.detection_info#module:concurrency)).
    type: int
    default: 4
  suspicious_objects:
    description: Fetch each detection's suspicious objects too (one request per detection), for the malware findings.
    type: bool
    default: false
  excepted:
    description: Fetch the excepted detections of the window, so each rule says how many detections it hides.
    type: bool
    default: true
  hosts:
    description: The inventory hosts to audit. Default is C(ansible_play_hosts_all).
    type: list
    elements: str
  instance_no_var:
    description: The host variable holding a host's WBD instance number.
    type: str
    default: webshell_audit_instance_no
  server_name_var:
    description: The host variable holding a host's WBD server name, when it differs from the inventory name.
    type: str
    default: webshell_audit_server_name
  policy:
    description:
      - C(lookback) (default V(7d)), C(min_weight) (V(0), from 0 to 100), C(high_weight) (V(80), from 1 to 100),
        C(broad_rule_max_conditions) (V(1), from 0 to 6), C(match_keys), C(fail_on_unprotected) and
        C(fail_on_unreviewed), as for P(ncloud.wbd.webshell_audit_evaluate#filter).
      - A number outside its range fails the task with one line naming it.
    type: dict
  variable_prefix:
    description:
      - When set, error messages name the caller's variables instead of the options, the prefix followed by the option
        name (C(high_weight) becomes C(webshell_audit_high_weight)), connection options in the info modules' errors
        too. C(NCLOUD_*) environment variable names stay as they are.
      - The P(ncloud.wbd.webshell_audit#role) role sets V(webshell_audit_).
    type: str
  run:
    description: Run metadata kept in the record (endpoint, inventory scope).
    type: dict
  rule_baseline:
    description:
      - A YAML file on the controller listing the approved exception rules, by rule ID, or by name with target and
        conditions (the playbook C(ncloud.wbd.rule_baseline) writes one from the current rules).
      - Adds the findings C(rule_not_in_baseline) (high), C(baseline_rule_missing) (medium) and
        C(rule_differs_from_baseline) (high, the message says what differs). Its path is kept in C(run.rule_baseline).
      - A file that cannot be read or does not have the baseline's form fails the task with one line naming it,
        before any list is fetched.
    type: path
  record_dir:
    description:
      - A directory on the controller to keep the record file in (created 0700; the file is 0600), see RV(record_path).
      - Default is a private directory inside the one ansible-core makes for the C(ansible-playbook) run on the
        controller, which is removed when the run ends.
    type: path
  return_record:
    description:
      - Also return the whole record, as the fact named by O(fact) or, when O(fact) is empty, as RV(record).
      - Off by default (on in 1.0.0). ansible-core copies and inspects every task result and fact; at 20,000
        detections that costs seconds, more than the audit itself. The file at RV(record_path) holds the same record,
        and M(ncloud.wbd.audit_report) reads it from there.
    type: bool
    default: false
  host_detections:
    description:
      - Put each host's detections of the window into its RV(host_facts) item, as C(detections).
      - Off by default (on in 1.0.0), as together they are the bulk of the record.
    type: bool
    default: false
  fact:
    description:
      - Name of the fact that receives the record when O(return_record) is true.
      - Use C(delegate_to=localhost) with C(delegate_facts=true) to keep facts off the managed hosts.
      - An empty string sets no fact (neither this nor O(failing_fact)); the record, when asked for, is then RV(record).
    type: str
    default: webshell_audit_result
  failing_fact:
    description: Name of the fact that receives RV(failing_hosts) (none when O(fact) is empty).
    type: str
    default: webshell_audit_failing_hosts
notes:
  - Run it once, on the controller, with C(run_once=true) and C(delegate_to=localhost).
  - The record file is written in check mode too, as the controller's private working data, not a change to any
    target.
seealso:
  - module: ncloud.wbd.audit_report
'''

EXAMPLES = r'''
- name: Audit the play's hosts once, on the controller
  ncloud.wbd.audit_evaluate:
    policy:
      lookback: 7d
      fail_on_unprotected: true
  run_once: true
  delegate_to: localhost
  delegate_facts: true
  register: audit

- name: Show the hosts that fail the policy
  ansible.builtin.debug:
    var: audit.failing_hosts
  run_once: true

- name: Render the reports from the record file the audit kept
  ncloud.wbd.audit_report:
    record_from: audit
    dest: /var/lib/wbd-audit/reports
  run_once: true
  delegate_to: localhost

- name: Keep the record file after the run, for a later playbook
  ncloud.wbd.audit_evaluate:
    record_dir: /var/lib/wbd-audit/records
  run_once: true
  delegate_to: localhost
  register: kept_audit
'''

RETURN = r'''
summary:
  description: The record's summary (host and detection counts by status, findings by severity).
  returned: success
  type: dict
  sample: {hosts: 33, unprotected: 14, unreviewed: 9, unknown: 0, compliant: 10, complete: true}
complete:
  description:
    - Whether every list was complete and nothing was ambiguous (the record's C(completeness.complete)).
    - When V(false), the hosts whose verdict depends on the missing or doubtful data are V(unknown).
  returned: success
  type: bool
  sample: true
completeness_problems:
  description: One line per completeness problem of the record (C(completeness.problems[].message)); empty when complete.
  returned: success
  type: list
  elements: str
  sample:
    - >-
      GetWebshell detection list is incomplete: GetWebshell announced 237 records in 3 pages but delivered 50 after
      5 pages. Verdicts that depend on it are unknown (hosts: web-1).
incomplete_message:
  description:
    - One line naming the completeness problems and the V(unknown) hosts, for a final failure (the
      P(ncloud.wbd.webshell_audit#role) role fails the play with it); V(null) when the record is complete.
  returned: success
  type: str
unknown_hosts:
  description: The hosts with status V(unknown), sorted. The failure policy (RV(failing_hosts)) does not fail them.
  returned: success
  type: list
  elements: str
  sample: [web-1]
failing_hosts:
  description:
    - The hosts the policy's C(fail_on_unprotected) / C(fail_on_unreviewed) does not accept.
    - V(unknown) hosts are never in it; incomplete data fail the run as a whole, when the caller chooses to.
  returned: success
  type: list
  elements: str
  sample: [web-3]
unprotected_hosts:
  description: The hosts with status V(unprotected).
  returned: success
  type: list
  elements: str
unreviewed_hosts:
  description: The hosts with unreviewed detections.
  returned: success
  type: list
  elements: str
timings:
  description: Seconds each info module took (as the action saw it, output parsing included) and the evaluation took.
  returned: success
  type: dict
  sample: {detection_target_info: 0.9, detection_info: 6.1, exception_rule_info: 0.8, excepted_detection_info: 0.9, evaluate: 1.2}
host_facts:
  description:
    - Per host (C(host)), its C(status) (V(unprotected), V(unreviewed), V(unknown) or V(compliant)), C(reasons),
      C(target) and C(unreviewed_count) as the record has them.
    - With O(host_detections), also its C(detections); otherwise they are in the record only, under
      C(hosts.<host>.detections).
  returned: success
  type: list
  elements: dict
record_path:
  description:
    - The file on the controller that holds the whole record (mode 0600). Give the registered result to
      M(ncloud.wbd.audit_report)'s O(ncloud.wbd.audit_report#module:record_from) to render it.
    - It is JSON Lines, written while the detections arrive so that neither the audit nor the report holds them all
      decoded. The first line is a header naming the format (C(ncloud.wbd.audit_record), version 1), then one line per
      detection (its canonical JSON), then the record with each detection list replaced by C($lines), the line
      references of its detections in order (offset, length, ID, time and review state of each), and last the byte
      offset of that record line. The JSON report is the format to share; this file is for the collection's own actions.
    - It lives as long as the C(ansible-playbook) run unless O(record_dir) is set.
  returned: success
  type: str
  sample: /root/.ansible/tmp/ansible-local-4242abcd/ncloud.wbd-audit/webshell-audit-record-k2j4h1.jsonl
content_digest:
  description: The record's C(content_digest) (equal for two runs with the same findings).
  returned: success
  type: str
  sample: 3f5a0c9e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a
record:
  description:
    - The audit record (see R(the audit record guide,ansible_collections.ncloud.wbd.docsite.guide_record_schema)),
      when O(return_record) is true and O(fact) is empty.
  returned: when O(return_record) is true and O(fact) is empty
  type: dict
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.options import audit_evaluate_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._module.wbd_module import action_only


def main():
    action_only('ncloud.wbd.audit_evaluate', audit_evaluate_argument_spec())


if __name__ == '__main__':
    main()
