#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: exception_rule
short_description: Delete or recover Webshell Behavior Detector exception rules and set their memos
version_added: 1.1.0
description:
  - Deletes exception rules with the WBD API operation DeleteExceptionRule (C(DELETE /api/v1/exception-rules/{rule-id})),
    recovers deleted ones with RecoverDeletedExceptionRule (C(POST /api/v1/deleted-exception-rules/{rule-id}/recover)),
    and sets the memo of a live rule (UpdateExceptionRuleMemo) or a deleted one (UpdateDeletedExceptionRuleMemo).
  - Reads the rules' current state from GetExceptionRule (C(GET /api/v1/exception-rules)) and, for the rules not found
    there, GetDeletedExceptionRule (C(GET /api/v1/deleted-exception-rules)), page by page, and writes only what
    differs.
  - B(Destructive:) O(state=absent) calls DeleteExceptionRule. The rule stops hiding detections at once; it moves to
    the deleted rules and can be recovered with O(state=present). Run it in check mode first (see the examples).
  - The API cannot create or edit the conditions of an exception rule; do that in the console.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.respond
  - ncloud.wbd.respond.memo
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.action_group
  - ncloud.wbd.attributes.write_module
options:
  rule_id:
    description:
      - ID of one exception rule, live or deleted (its C(excepted_rule_id) in M(ncloud.wbd.exception_rule_info)).
      - Exactly one of O(rule_id) and O(rule_ids) is required.
    type: str
  rule_ids:
    description:
      - IDs of several rules, for bulk work. Their state is read with a few list pages and only those that differ are
        written.
    type: list
    elements: str
  state:
    description:
      - V(absent) deletes a live rule (DeleteExceptionRule). A rule already deleted is left alone.
      - V(present) recovers a deleted rule (RecoverDeletedExceptionRule). A live rule is left alone.
      - Not set leaves the rule where it is, so O(memo) or O(memo_append) alone edits the memo of a live or a deleted
        rule.
    type: str
    choices: [present, absent]
notes:
  - A memo is written after the rule is deleted or recovered, on the list where the rule ends up.
  - The sub-account needs the permission for the operations the task calls (DeleteExceptionRule,
    RecoverDeletedExceptionRule, UpdateExceptionRuleMemo, UpdateDeletedExceptionRuleMemo) and to read exception rules;
    see the authentication guide.
seealso:
  - module: ncloud.wbd.exception_rule_info
  - name: DeleteExceptionRule API reference
    description: The WBD API operation that deletes an exception rule.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptionrule-deleteexceptionrule
  - name: GetDeletedExceptionRule API reference
    description: The WBD API operation that lists deleted exception rules.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-deletedexceptionrule-getdeletedexceptionrule
'''

EXAMPLES = r'''
# Deleting a rule makes the detections it hid visible again: look at what would change first.
- name: See which over-broad rules would be deleted (no write is sent)
  ncloud.wbd.exception_rule:
    rule_ids: "{{ broad_rules }}"
    state: absent
    memo_append: "SEC-1234: deleted, matched every process"
  check_mode: true
  diff: true
  register: would

- name: Delete them, noting why
  ncloud.wbd.exception_rule:
    rule_ids: "{{ broad_rules }}"
    state: absent
    memo_append: "SEC-1234: deleted, matched every process"
  when: would is changed

- name: Bring one back
  ncloud.wbd.exception_rule:
    rule_id: "2024080714030700000003"
    state: present

- name: Replace the memo of a rule, wherever it is
  ncloud.wbd.exception_rule:
    rule_id: "2024080714030700000003"
    memo: "Owner: web team; reviewed 2026-12"
'''

RETURN = r'''
exception_rules:
  description: One entry per rule named, in the order named.
  returned: always
  type: list
  elements: dict
  contains:
    excepted_rule_id:
      description: ID of the rule.
      type: str
      sample: "2024080714030700000003"
    changed:
      description: Whether this rule was changed (in check mode, would be).
      type: bool
    before:
      description: The managed state as read, C(state) (V(present) for a live rule, V(absent) for a deleted one) and
        C(memo) (V("") when there is none).
      type: dict
      sample: {state: present, memo: ""}
    after:
      description: The state asked for.
      type: dict
      sample: {state: absent, memo: "SEC-1234: deleted"}
    actions:
      description: The WBD API operations applied to this rule, in order; in check mode, those that would be.
      type: list
      elements: str
      sample: [DeleteExceptionRule, UpdateDeletedExceptionRuleMemo]
    pending:
      description: Always V(false); these operations take effect at once.
      type: bool
diff:
  description: With C(--diff), the before and after of each rule that changes.
  returned: diff mode
  type: list
  elements: dict
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._api import resources
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.memo import current_memo, desired_memo
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.module import run_write_module
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.options import module_kwargs, write_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.plan import Step, WriteOp
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.target import WriteTarget

# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptionrule-deleteexceptionrule; recovery and
# the memos follow the same API reference (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector).
CHANGE = 'the Change permission for exception rules'
DELETE = WriteOp('DeleteExceptionRule', 'DELETE', '/api/v1/exception-rules/%s', CHANGE)
RECOVER = WriteOp('RecoverDeletedExceptionRule', 'POST', '/api/v1/deleted-exception-rules/%s/recover', CHANGE)
MEMO = {
    'present': WriteOp('UpdateExceptionRuleMemo', 'PATCH', '/api/v1/exception-rules/%s/memo', CHANGE),
    'absent': WriteOp('UpdateDeletedExceptionRuleMemo', 'PATCH', '/api/v1/deleted-exception-rules/%s/memo', CHANGE),
}
MOVE = {'present': RECOVER, 'absent': DELETE}


class ExceptionRules(WriteTarget):
    noun = 'exception rule'
    key = 'exception_rules'
    id_field = 'excepted_rule_id'
    id_option = 'rule_id'
    ids_option = 'rule_ids'
    resources = (resources.EXCEPTION_RULES, resources.DELETED_EXCEPTION_RULES)

    def view(self, resource, record):
        state = 'absent' if resource is resources.DELETED_EXCEPTION_RULES else 'present'
        return {'state': state, 'memo': current_memo(record.get('memo'))}

    def plan(self, ident, view):
        after, steps = dict(view), []
        state = self.params.get('state')
        if state and state != view['state']:
            after['state'] = state
            steps.append(Step(MOVE[state], [ident]))
        memo = desired_memo(view['memo'], self.params)
        if memo != view['memo']:
            after['memo'] = memo
            steps.append(Step(MEMO[after['state']], [ident], {'content': memo}))
        return after, steps

    def describe(self, view):
        return 'deleted' if view.get('state') == 'absent' else 'live'


def main():
    spec = write_argument_spec('rule_id', 'rule_ids', memo=True)
    spec['state'] = dict(type='str', choices=['present', 'absent'])
    run_write_module(ExceptionRules, spec, **module_kwargs('rule_id', 'rule_ids'))


if __name__ == '__main__':
    main()
