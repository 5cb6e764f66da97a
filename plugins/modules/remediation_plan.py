#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: remediation_plan
short_description: Plan the remediation of a webshell audit record, and say what became of it
version_added: 1.1.0
description:
  - Reads a webshell audit record on the controller (the registered result of M(ncloud.wbd.audit_evaluate), through
    O(record_from), or a saved JSON report, O(src)) and lists the actions that the switches allow, each with the
    resource, the response module and arguments that carry it out, and its reason from the audit.
  - "The actions, each off by default: O(enable_agents) activates the agents of registered targets whose status is
    exactly V(disable) (M(ncloud.wbd.detection_target)); O(quarantine_malware) quarantines the files of the
    C(malware_not_quarantined) findings (M(ncloud.wbd.suspicious_object)); O(delete_unapproved_rules) deletes the rules
    of the C(rule_not_in_baseline) findings (M(ncloud.wbd.exception_rule)); O(annotate_unreviewed) appends one dated
    line to the memo of the unreviewed detections older than O(annotate_after) (M(ncloud.wbd.detection), O(ncloud.wbd.detection#module:memo_append))."
  - Sends no API request and writes nothing; the P(ncloud.wbd.webshell_remediate#role) role runs the modules.
  - With O(results) (the registered results of those module tasks) and O(actions) (the planned actions), returns
    each action with its C(status) (V(planned) in check mode, V(done), V(failed) or V(skipped)) and message instead.
  - "Refuses, with one line and the actions listed: a plan of more than O(max_actions) actions (nothing is to be done);
    an incomplete audit record (unless O(allow_incomplete))."
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.no_action_group
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: The plan is the same in check mode; it never changes anything.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: controller
options:
  record_from:
    description:
      - Name of the variable that holds the audit, usually V(webshell_audit_evaluated) (the registered result of the
        P(ncloud.wbd.webshell_audit#role) role); the record is read from the file it names, on the controller.
      - Exactly one of O(record_from), O(src) and O(results) is required.
    type: str
  src:
    description: Path on the controller of a saved JSON report (an audit record) to plan from.
    type: path
  enable_agents:
    description: Activate the agents of the audited hosts' targets whose agent status is V(disable).
    type: bool
    default: false
  quarantine_malware:
    description:
      - Quarantine the suspicious files the hash scan calls malware that are not quarantined. The audit knows them
        only when it fetched the suspicious objects (C(webshell_audit_suspicious_objects=true)).
    type: bool
    default: false
  delete_unapproved_rules:
    description: Delete the exception rules the audit's baseline does not approve (findings C(rule_not_in_baseline)).
    type: bool
    default: false
  annotate_unreviewed:
    description:
      - Append one line, dated by the detection, to the memo of each unreviewed detection older than O(annotate_after),
        unless the memo already holds it; the analysts' text is kept.
    type: bool
    default: false
  annotate_after:
    description: Age after which an unreviewed detection is annotated, such as V(3d) or V(12h).
    type: str
    default: 3d
  max_actions:
    description: Most actions a plan may hold (1 to 10000); a larger plan fails and nothing is done.
    type: int
    default: 50
  allow_incomplete:
    description: Plan from an audit record whose data were incomplete; by default such a record is refused.
    type: bool
    default: false
  variable_prefix:
    description: Prefix of the names that messages give the options (the role sets V(webshell_remediate_)).
    type: str
    default: ""
  actions:
    description: The planned actions (RV(actions) of a planning run), with O(results).
    type: list
    elements: dict
  results:
    description:
      - The registered results of the module tasks, keyed by action kind (V(enable_agent), V(quarantine_malware),
        V(delete_rule), V(annotate_unreviewed)); a looped task's result (with C(results)) is taken whole.
    type: dict
seealso:
  - module: ncloud.wbd.detection_target
  - module: ncloud.wbd.suspicious_object
  - module: ncloud.wbd.exception_rule
  - module: ncloud.wbd.detection
  - name: The remediation guide
    description: Policy, safety and the AWX workflow.
    link: https://github.com/ncloud-wbd/ncloud.wbd/blob/main/docs/docsite/rst/guide_remediation.rst
'''

EXAMPLES = r'''
- name: Plan what the audit of this play allows to fix
  ncloud.wbd.remediation_plan:
    record_from: webshell_audit_evaluated
    enable_agents: true
    quarantine_malware: true
    max_actions: 20
  register: plan

- name: Plan from last night's saved report
  ncloud.wbd.remediation_plan:
    src: /var/lib/wbd-audit/webshell-audit-latest.json
    delete_unapproved_rules: true
'''

RETURN = r'''
actions:
  description:
    - The planned actions in order (agents, files, rules, annotations); with O(results), each with C(status) and
      C(message) as well. Also returned when the plan is refused.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: V(enable_agent), V(quarantine_malware), V(delete_rule) or V(annotate_unreviewed).
      type: str
    id:
      description: The resource's ID (instance number, C(detection_id/object_id), rule ID, detection ID).
      type: str
    resource:
      description: The resource in words.
      type: str
      sample: detection target 10000001 (web-1)
    module:
      description: The response module that carries it out.
      type: str
      sample: ncloud.wbd.detection_target
    args:
      description: The module arguments for this one resource.
      type: dict
    reason:
      description: Why, from the audit (the finding's message).
      type: str
    finding_id:
      description: ID of the audit finding, or null.
      type: str
    status:
      description: With O(results) only. V(planned), V(done), V(failed) or V(skipped).
      type: str
    message:
      description: With O(results) only. What the module said about this resource.
      type: str
count:
  description: Number of planned actions.
  returned: when planning
  type: int
skipped:
  description: Actions the record cannot support (a malware file without its ID), with a C(message); never carried out.
  returned: when planning
  type: list
  elements: dict
calls:
  description:
    - The module calls, one bulk call per module (C(detection_target), C(suspicious_object), C(exception_rule), each
      null when there is nothing to do) and a list of C(detection) calls, one per annotation line.
  returned: when planning
  type: dict
lines:
  description: One line per planned action, to show.
  returned: when planning
  type: list
  elements: str
counts:
  description: With O(results). Actions per status (C(planned), C(done), C(failed), C(skipped)) and C(total).
  returned: with results
  type: dict
report_actions:
  description: With O(results). The rows of the reports' Actions section (C(kind), C(resource), C(reason), C(status), C(message)).
  returned: with results
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ncloud.wbd.plugins.module_utils._remediate.options import (
    MUTUALLY_EXCLUSIVE,
    REQUIRED_ONE_OF,
    REQUIRED_TOGETHER,
    remediation_argument_spec,
)


def main():
    module = AnsibleModule(
        argument_spec=remediation_argument_spec(),
        mutually_exclusive=MUTUALLY_EXCLUSIVE,
        required_one_of=REQUIRED_ONE_OF,
        required_together=REQUIRED_TOGETHER,
        supports_check_mode=True,
    )
    module.fail_json(msg='ncloud.wbd.remediation_plan runs on the controller through its action plugin; it cannot run as a module.')


if __name__ == '__main__':
    main()
