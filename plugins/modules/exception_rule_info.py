#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: exception_rule_info
short_description: List Webshell Behavior Detector exception rules
version_added: 0.1.0
description:
  - Lists the exception rules that silence matching webshell detections (the WBD API operation GetExceptionRule,
    C(GET /api/v1/exception-rules)), every page of it.
  - A rule excepts a detection when all six compared fields match, each by its condition (C(EQUAL) exact,
    C(START) prefix, C(END) suffix, C(NOT_USE) not compared), on its target (one server, a server group or every server).
  - Read-only; returns the rules under RV(exception_rules), never as facts.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.paging
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.info_module
seealso:
  - module: ncloud.wbd.detection_info
  - name: GetExceptionRule API reference
    description: The WBD API operation this module calls.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptionrule-getexceptionrule
'''

EXAMPLES = r'''
- name: List every exception rule
  ncloud.wbd.exception_rule_info:
    access_key: "{{ ncp_access_key }}"
    secret_key: "{{ ncp_secret_key }}"
  register: rules
  delegate_to: localhost
  run_once: true

- name: Name the rules that compare nothing at all (they except every behaviour on their target)
  vars:
    conditions: [process_name_condition, process_arg_condition, executor_condition,
                 parent_process_name_condition, parent_process_arg_condition, parent_executor_condition]
  ansible.builtin.debug:
    msg: >-
      {{ rules.exception_rules
         | selectattr('process_name_condition', 'equalto', 'NOT_USE')
         | selectattr('process_arg_condition', 'equalto', 'NOT_USE')
         | selectattr('executor_condition', 'equalto', 'NOT_USE')
         | selectattr('parent_process_name_condition', 'equalto', 'NOT_USE')
         | selectattr('parent_process_arg_condition', 'equalto', 'NOT_USE')
         | selectattr('parent_executor_condition', 'equalto', 'NOT_USE')
         | map(attribute='excepted_rule_name') | list }}
'''

RETURN = r'''
exception_rules:
  description:
    - Every exception rule, in the order the API returned them, each once (de-duplicated by
      RV(exception_rules[].excepted_rule_id)).
    - Times are epoch milliseconds as the API gives them, each with an ISO 8601 UTC twin named C(<field>_iso).
    - Fields the WBD documentation does not list are kept, their names converted to snake_case.
  returned: success
  type: list
  elements: dict
  contains:
    excepted_rule_id:
      description: Rule ID (a 22-digit string).
      type: str
      sample: "2024080714042400000006"
    excepted_rule_name:
      description: Rule name.
      type: str
      sample: excep-rule-3
    except_target_type:
      description: What the rule applies to, V(server), V(serverGroup) or V(everyServer).
      type: str
    except_target:
      description: Instance number of the target server, or the server group ID.
      type: str
    except_target_name:
      description: Name of the target.
      type: str
    process_name:
      description: Process name to compare.
      type: str
    process_name_condition:
      description: How RV(exception_rules[].process_name) is compared, V(EQUAL), V(START), V(END) or V(NOT_USE).
      type: str
    process_arg:
      description: Process arguments to compare.
      type: str
    process_arg_condition:
      description: How RV(exception_rules[].process_arg) is compared.
      type: str
    executor:
      description: Executing account to compare.
      type: str
    executor_condition:
      description: How RV(exception_rules[].executor) is compared.
      type: str
    parent_process_name:
      description: Parent process name to compare (the API's C(processNameOfParent)).
      type: str
    parent_process_name_condition:
      description: How RV(exception_rules[].parent_process_name) is compared.
      type: str
    parent_process_arg:
      description: Parent process arguments to compare (the API's C(processArgOfParent)).
      type: str
    parent_process_arg_condition:
      description: How RV(exception_rules[].parent_process_arg) is compared.
      type: str
    parent_executor:
      description: Account of the parent process to compare (the API's C(executorOfParent)).
      type: str
    parent_executor_condition:
      description: How RV(exception_rules[].parent_executor) is compared.
      type: str
    disabled:
      description: Whether the rule is disabled. Only filled for sub-accounts, otherwise null.
      type: bool
    action_name:
      description: Sub-account action name. Only filled for sub-accounts.
      type: str
    permission:
      description: Sub-account permission, V(Allow) or V(Deny). Only filled for sub-accounts.
      type: str
    created_time:
      description: When the rule was created, epoch milliseconds.
      type: int
      sample: 1723007064480
    created_time_iso:
      description: RV(exception_rules[].created_time) in ISO 8601 UTC.
      type: str
      sample: "2024-08-07T05:04:24.480Z"
    deleted_time:
      description: When the rule was deleted, epoch milliseconds, or null.
      type: int
    deleted_time_iso:
      description: RV(exception_rules[].deleted_time) in ISO 8601 UTC, or null.
      type: str
    is_deleted:
      description: Whether the rule was deleted.
      type: bool
    memo:
      description: The user's note, or null.
      type: str
    member_no:
      description: Account member number (masked by the API).
      type: str
    group_is_deleted:
      description: Whether the target server group was deleted, or null.
      type: bool
total_count:
  description: Number of rules the API reported (C(totalCount)); the length of RV(exception_rules) when it reported none.
  returned: success
  type: int
  sample: 3
'''

from ansible_collections.ncloud.wbd.plugins.module_utils.module import WbdModule, paging_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils.resources import EXCEPTION_RULES


def main():
    WbdModule(argument_spec=paging_argument_spec()).run(lambda wbd: wbd.list_result('exception_rules', EXCEPTION_RULES))


if __name__ == '__main__':
    main()
