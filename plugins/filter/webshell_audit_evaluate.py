# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: webshell_audit_evaluate
short_description: Evaluate WBD detections, detection targets and exception rules against inventory hosts
version_added: 1.0.0
author: ncloud.wbd maintainers
description:
  - The audit logic of the P(ncloud.wbd.webshell_audit#role) role as a filter, run once on the controller.
  - Matches detection targets and detections to the hosts (P(ncloud.wbd.webshell_audit_hosts#filter)) by the
    O(policy) match keys in order; detections no host matches are kept as unmatched.
  - Evaluates exception rules locally as the service does. The six compared fields are AND-ed; C(EQUAL) is exact,
    C(START) a prefix, C(END) a suffix and C(NOT_USE) leaves the field out; targets are C(server), C(serverGroup)
    and C(everyServer). Disabled and deleted rules cover nothing.
  - Gives each host a status with reasons. C(unprotected) means not registered, or the agent is not C(enable).
    C(unreviewed) means unconfirmed detections in the window that no active rule covers. C(unknown) means the
    verdict depends on ambiguous data (hosts sharing a match value, a detection time that cannot be read or is
    implausible). Otherwise C(compliant).
  - The lists are taken as complete. The list modules fail on an incomplete list unless
    O(ncloud.wbd.detection_info#module:allow_partial) is set, so do not feed this filter lists fetched with
    O(ncloud.wbd.detection_info#module:allow_partial=true). The action M(ncloud.wbd.audit_evaluate) tracks each
    list's completeness and reports hosts as C(unknown) instead.
  - Adds account findings; the returned audit record is described in
    R(the audit record guide,ansible_collections.ncloud.wbd.docsite.guide_record_schema).
options:
  _input:
    description: The hosts, as returned by P(ncloud.wbd.webshell_audit_hosts#filter).
    type: list
    elements: dict
    required: true
  targets:
    description: C(detection_targets) of M(ncloud.wbd.detection_target_info).
    type: list
    elements: dict
    required: true
  detections:
    description: C(detections) of M(ncloud.wbd.detection_info), optionally with C(suspicious_objects).
    type: list
    elements: dict
    required: true
  exception_rules:
    description: C(exception_rules) of M(ncloud.wbd.exception_rule_info).
    type: list
    elements: dict
    required: true
  excepted_detections:
    description:
      - C(detections) of M(ncloud.wbd.excepted_detection_info); counts what each rule hides.
      - When not given, each rule's C(hides) is V(null).
    type: list
    elements: dict
  policy:
    description:
      - C(lookback) (default V(7d)), C(min_weight) (V(0)), C(high_weight) (V(80)), C(broad_rule_max_conditions) (V(1)),
        C(match_keys) (V(instance_no), V(inventory_hostname), V(ansible_host), V(host_name), V(server_name),
        V(private_ip)), C(fail_on_unprotected) and C(fail_on_unreviewed) (recorded only).
    type: dict
  now_ms:
    description: The run time (epoch ms); use the same value as the window given to the API search.
    type: int
  run:
    description: Run metadata kept in the record (endpoint, inventory scope, collection version).
    type: dict
'''

EXAMPLES = r'''
- name: Evaluate once on the controller
  ansible.builtin.set_fact:
    audit: >-
      {{ hostvars | ncloud.wbd.webshell_audit_hosts(ansible_play_hosts_all)
         | ncloud.wbd.webshell_audit_evaluate(targets=found_targets.detection_targets,
                                              detections=found_detections.detections,
                                              exception_rules=found_rules.exception_rules,
                                              policy={'lookback': '7d'}) }}
  run_once: true
  delegate_to: localhost
  delegate_facts: true
'''

RETURN = r'''
_value:
  description:
    - The audit record, schema version 2 (see
      R(the audit record guide,ansible_collections.ncloud.wbd.docsite.guide_record_schema)).
  type: dict
'''

import time

from ansible.errors import AnsibleFilterError
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import AuditInputError, evaluate
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.match import MatchError


def _records(value, name):
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, dict) for item in value):
        raise AnsibleFilterError('webshell_audit_evaluate: %s must be a list of records (dicts); did the module that fetched it succeed?' % name)
    return list(value)


def audit_evaluate(hosts, targets=None, detections=None, exception_rules=None, excepted_detections=None, policy=None, now_ms=None, run=None):
    """The audit record for the hosts and the WBD lists."""
    for name, value in (('targets', targets), ('detections', detections), ('exception_rules', exception_rules)):
        _records(value, name)
    if excepted_detections is not None:
        _records(excepted_detections, 'excepted_detections')
    if policy is not None and not isinstance(policy, dict):
        raise AnsibleFilterError('webshell_audit_evaluate: policy must be a dict.')
    try:
        now_ms = int(time.time() * 1000) if now_ms is None else int(now_ms)
    except (TypeError, ValueError):
        raise AnsibleFilterError('webshell_audit_evaluate: now_ms must be epoch milliseconds, got %r.' % (now_ms,))
    try:
        return evaluate(
            _records(hosts, 'the input (hosts)'),
            list(targets),
            list(detections),
            list(exception_rules),
            excepted=None if excepted_detections is None else list(excepted_detections),
            policy=dict(policy or {}),
            now_ms=now_ms,
            run=dict(run or {}),
        )
    except (AuditInputError, MatchError) as err:
        raise AnsibleFilterError('webshell_audit_evaluate: %s' % (err,))


class FilterModule(object):
    def filters(self):
        return {'webshell_audit_evaluate': audit_evaluate}
