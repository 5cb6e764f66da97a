#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: exception_rule_info
short_description: List Webshell Behavior Detector exception rules
version_added: 1.0.0
description:
  - Lists the exception rules that silence matching webshell detections, every page of it. Without filters it calls
    the WBD API operation GetExceptionRule (C(GET /api/v1/exception-rules)); with any filter it calls
    SearchExceptionRule (C(POST /api/v1/exception-rules)).
  - With O(deleted=true) it lists the deleted rules instead (GetDeletedExceptionRule or SearchDeletedExceptionRule
    on C(/api/v1/deleted-exception-rules)).
  - A rule excepts a detection when all six compared fields match, each by its condition (C(EQUAL) exact,
    C(START) prefix, C(END) suffix, C(NOT_USE) not compared), on its target (one server, a server group or every server).
  - Read-only; returns the rules under RV(exception_rules), never as facts.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.paging
  - ncloud.wbd.list_output
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.action_group
  - ncloud.wbd.attributes.info_module
options:
  deleted:
    description:
      - List the deleted exception rules instead of the live ones. Deleted rules can be recovered in the console, so an
        audit may want to see them.
    type: bool
    default: false
  name:
    description: Only rules with this name (the API's C(exceptedRuleName)).
    type: str
    aliases: [excepted_rule_name]
  target:
    description: Only rules for this target, a server instance number or a server group ID (the API's C(exceptTarget)).
    type: str
    aliases: [except_target]
  created_since:
    description:
      - Only rules created at or after this time (the API's C(createdTimeFrom)).
      - An ISO 8601 date or time such as V(2024-07-01) or V(2024-07-01T09:30:00+09:00) (UTC when no offset is given),
        a relative age counted back from now such as V(12h), V(7d) or V(2w) (units s, m, h, d, w in lower case),
        or epoch milliseconds (13 digits; smaller numbers are refused because they look like epoch seconds).
    type: raw
  created_until:
    description: Only rules created at or before this time (the API's C(createdTimeTo)). Same formats as O(created_since).
    type: raw
  deleted_since:
    description:
      - Only rules deleted at or after this time (the API's C(deletedTimeFrom)). Same formats as O(created_since).
      - Only with O(deleted=true).
    type: raw
  deleted_until:
    description:
      - Only rules deleted at or before this time (the API's C(deletedTimeTo)). Same formats as O(created_since).
      - Only with O(deleted=true).
    type: raw
  process_name:
    description: Only rules comparing this process name (the API's C(processName)).
    type: str
  process_arg:
    description: Only rules comparing these process arguments (the API's C(processArg)).
    type: str
  executor:
    description: Only rules comparing this executing account (the API's C(executor)).
    type: str
  parent_process_name:
    description: Only rules comparing this parent process name (the API's C(processNameOfParent)).
    type: str
  parent_process_arg:
    description: Only rules comparing these parent process arguments (the API's C(processArgOfParent)).
    type: str
  parent_executor:
    description: Only rules comparing this parent account (the API's C(executorOfParent)).
    type: str
notes:
  - Filters are combined with AND. How the API compares text filters (exact or partial match) is not documented.
  - An empty string counts as no filter, so templated values may be left empty.
seealso:
  - module: ncloud.wbd.detection_info
  - module: ncloud.wbd.excepted_detection_info
  - name: GetExceptionRule API reference
    description: The WBD API operation that lists exception rules.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptionrule-getexceptionrule
  - name: GetDeletedExceptionRule API reference
    description: The WBD API operation that lists deleted exception rules.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-deletedexceptionrule-getdeletedexceptionrule
  - name: SearchDeletedExceptionRule API reference
    description: The WBD API operation that searches deleted exception rules.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-deletedexceptionrule-searchdeletedexceptionrule
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

- name: Rules created in the last two weeks for one server
  ncloud.wbd.exception_rule_info:
    target: "25123497"
    created_since: 2w
  register: new_rules
  delegate_to: localhost
  run_once: true

- name: Rules deleted this year, which someone could recover
  ncloud.wbd.exception_rule_info:
    deleted: true
    deleted_since: "2026-01-01"
  register: deleted_rules
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
exception_rules:
  description:
    - Every exception rule (every deleted one with O(deleted=true)), in the order the API returned them, each once (de-duplicated by
      RV(exception_rules[].excepted_rule_id)).
    - Times are epoch milliseconds as the API gives them, each with an ISO 8601 UTC twin named C(<field>_iso).
    - Fields the WBD documentation does not list are kept, their names converted to snake_case.
  returned: success, unless O(dest) is set (then the records are in that file)
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
dest:
  description: The file the records were written to (O(dest)), instead of being returned.
  returned: when O(dest) is set
  type: str
  sample: /var/lib/wbd/export/exception_rules.jsonl
records_written:
  description:
    - How many records were written to RV(dest) (in check mode, how many would have been).
  returned: when O(dest) is set
  type: int
  sample: 100000
total_count:
  description:
    - Number of rules the API reported (C(totalCount)) for the filters given, which can exceed the length of
      RV(exception_rules) when O(max_results) cut the list.
  returned: success
  type: int
  sample: 3
truncated:
  description: Whether O(max_results) left out rules that matched.
  returned: success
  type: bool
  sample: false
complete:
  description:
    - Whether the list is proven complete, its pages agreeing with each other and with the totals the API announced
      (see the notes of O(allow_partial)). V(false) when O(max_results) cut the list, or, with O(allow_partial=true),
      when the pages could not be made to agree; then RV(completeness.problems) says why.
  returned: success
  type: bool
  sample: true
completeness:
  description:
    - The evidence of the page walk behind RV(complete).
  returned: success
  type: dict
  contains:
    complete:
      description: The same as RV(complete).
      type: bool
    operation:
      description: The WBD API operation that was paged, for example V(GetWebshell) or V(SearchWebshell).
      type: str
      sample: GetWebshell
    pages_requested:
      description: Pages requested from the API, repeated and confirming requests included.
      type: int
      sample: 3
    page_size_asked:
      description: The page size asked for first (O(page_size), or less with O(max_results)).
      type: int
      sample: 100
    page_size_served:
      description: The most records the API served on one page; V(null) when it served none.
      type: int
      sample: 100
    page_size_used:
      description: The page size the walk asked for last; smaller than RV(completeness.page_size_asked) when the API caps pages.
      type: int
      sample: 100
    page_size_echoed:
      description: The last C(pageSize) the API echoed; V(null) when it echoed none.
      type: int
    page_base:
      description: >-
        V(0) or V(1): the number of the API's first page, as the walk found it; V(null) when one page held the whole
        list, so it did not matter.
      type: int
      sample: 0
    total_announced:
      description: The last C(totalCount) the API announced (numeric text read as a number); V(null) when it announced none.
      type: int
      sample: 237
    total_first_announced:
      description: The first C(totalCount) the API announced; different from RV(completeness.total_announced) when the total changed meanwhile.
      type: int
    total_pages_announced:
      description: The last C(totalPages) the API announced; V(null) when it announced none.
      type: int
      sample: 3
    records_delivered:
      description: Records in the result, each once.
      type: int
      sample: 237
    passes:
      description: How many times the walk read the list from page 0 (more than V(1) when the total changed meanwhile or page sizes varied).
      type: int
      sample: 1
    null_pages:
      description: Pages that came back with C(content) null twice although the totals announced records.
      type: list
      elements: int
    stop_reason:
      description: >-
        What ended the walk: V(short page), V(empty page), V(max_results), V(page limit) (the pages never ran out) or
        V(repeated pages) (the API seems to ignore C(pageIndex)).
      type: str
      sample: short page
    truncated:
      description: The same as RV(truncated).
      type: bool
    problems:
      description: >-
        One line per disagreement that makes the list incomplete, each naming the operation and what disagreed; the
        first names O(max_results) when it cut the list. Empty when the list is complete.
      type: list
      elements: str
      sample: ["GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages."]
    notes:
      description: >-
        What the walk learned on the way without a doubt on the result, for example that pages are numbered from 1,
        that the API served smaller pages than asked, or that the total was lower than the records delivered.
      type: list
      elements: str
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._module.wbd_module import run_info_module


def main():
    run_info_module('exception_rule_info')


if __name__ == '__main__':
    main()
