#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: excepted_detection
short_description: Revoke the exception of Webshell Behavior Detector excepted detections, and set their memos
version_added: 1.1.0
description:
  - Revokes the exception of excepted detections (detections an exception rule matched), which puts them back in
    the detection list, with the WBD API operation RevokeExceptedWebshell
    (C(PATCH /api/v1/exceptions/{exception-id}/cancel)), and sets their memo with UpdateExceptedWebshellMemo
    (C(PATCH /api/v1/exceptions/{exception-id}/memo)).
  - Reads the current state from GetExceptedWebshell (C(GET /api/v1/exceptions)), page by page, stopping once every
    named detection is found; a revoked one is looked for in GetWebshell. Writes only what differs.
  - The exception rule that matched stays; to stop it hiding new detections, delete it with
    M(ncloud.wbd.exception_rule).
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
  exception_id:
    description:
      - ID of one excepted detection, the C(exception-id) of the API, which is its C(detection_id) in
        M(ncloud.wbd.excepted_detection_info).
      - Exactly one of O(exception_id) and O(exception_ids) is required.
    type: str
  exception_ids:
    description:
      - IDs of several excepted detections, for bulk work. Their state is read with a few list pages (not one request
        per detection) and only those that differ are written.
    type: list
    elements: str
  state:
    description:
      - V(present) keeps the detections excepted and sets their memo (O(memo) or O(memo_append)). One whose
        exception was revoked is refused, since the API cannot except a detection again.
      - V(revoked) revokes the exception (RevokeExceptedWebshell). One already revoked (listed by GetWebshell now)
        is left alone, so a second run changes nothing. A memo asked for is written first, while the detection is
        still excepted; once revoked, its memo is set with M(ncloud.wbd.detection).
      - A detection that is neither excepted nor a detection is an error.
    type: str
    choices: [present, revoked]
    default: present
notes:
  - The sub-account needs the permission to read excepted detections (C(View/getExceptedWebShellEvents)) and
    detections, and C(Change/manageExceptedWebShellEvent) for RevokeExceptedWebshell and UpdateExceptedWebshellMemo;
    see the authentication guide.
seealso:
  - module: ncloud.wbd.excepted_detection_info
  - module: ncloud.wbd.detection
  - module: ncloud.wbd.exception_rule
  - name: RevokeExceptedWebshell API reference
    description: The WBD API operation that revokes an exception.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptedwebshell-revokeexceptedwebshell
  - name: UpdateExceptedWebshellMemo API reference
    description: The WBD API operation that replaces the memo of an excepted detection.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptedwebshell-updateexceptedwebshellmemo
'''

EXAMPLES = r'''
- name: Note why a detection stays excepted, keeping what analysts wrote
  ncloud.wbd.excepted_detection:
    exception_id: "2024072321225900000008"
    memo_append: "SEC-88: backup job, reviewed"

- name: Excepted detections of an over-broad rule
  ncloud.wbd.excepted_detection_info:
    process_name: php
  register: hidden

- name: See which exceptions would be revoked (no write is sent)
  ncloud.wbd.excepted_detection:
    exception_ids: "{{ hidden.excepted_detections | map(attribute='detection_id') | list }}"
    state: revoked
  check_mode: true
  diff: true
  register: would

- name: Revoke them, so they are reviewed as detections
  ncloud.wbd.excepted_detection:
    exception_ids: "{{ hidden.excepted_detections | map(attribute='detection_id') | list }}"
    state: revoked
    memo_append: "SEC-91: rule too broad, back to review"
  when: would is changed
'''

RETURN = r'''
excepted_detections:
  description: One entry per excepted detection named, in the order named.
  returned: always
  type: list
  elements: dict
  contains:
    exception_id:
      description: ID of the excepted detection.
      type: str
      sample: "2024072321225900000008"
    changed:
      description: Whether this detection was changed (in check mode, would be).
      type: bool
    before:
      description: The managed state as read, C(state) (V(excepted) or V(revoked)) and C(memo) (V("") when there is
        none).
      type: dict
      sample: {state: excepted, memo: ""}
    after:
      description: The state asked for.
      type: dict
      sample: {state: revoked, memo: "SEC-91: rule too broad, back to review"}
    actions:
      description: The WBD API operations applied to this detection, in order; in check mode, those that would be.
      type: list
      elements: str
      sample: [UpdateExceptedWebshellMemo, RevokeExceptedWebshell]
    pending:
      description: Always V(false); a revoke takes effect at once.
      type: bool
diff:
  description: With C(--diff), the before and after of each detection that changes.
  returned: diff mode
  type: list
  elements: dict
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._api import resources
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.errors import WbdRefusedError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.memo import current_memo, desired_memo
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.module import run_write_module
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.options import module_kwargs, write_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.plan import Step, WriteOp
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.target import WriteTarget

# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptedwebshell-revokeexceptedwebshell,
# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptedwebshell-updateexceptedwebshellmemo
# (the permission name is the older gov/fin pages').
CHANGE = 'Change/manageExceptedWebShellEvent'
REVOKE = WriteOp('RevokeExceptedWebshell', 'PATCH', '/api/v1/exceptions/%s/cancel', CHANGE)
MEMO = WriteOp('UpdateExceptedWebshellMemo', 'PATCH', '/api/v1/exceptions/%s/memo', CHANGE)


class ExceptedDetections(WriteTarget):
    noun = 'excepted detection'
    key = 'excepted_detections'
    id_field = 'exception_id'
    id_option = 'exception_id'
    ids_option = 'exception_ids'
    # A revoked exception is a detection again: GetWebshell is walked only for the IDs GetExceptedWebshell lacks.
    resources = (resources.EXCEPTED_DETECTIONS, resources.DETECTIONS)

    def view(self, resource, record):
        state = 'excepted' if resource is resources.EXCEPTED_DETECTIONS else 'revoked'
        return {'state': state, 'memo': current_memo(record.get('memo'))}

    def plan(self, ident, view):
        memo = desired_memo(view['memo'], self.params)
        if view['state'] == 'revoked':
            return view, self._revoked(ident, view, memo)
        after, steps = dict(view), []
        if memo != view['memo']:
            after['memo'] = memo
            steps.append(Step(MEMO, [ident], {'content': memo}))
        if self.params.get('state') == 'revoked':
            after['state'] = 'revoked'
            steps.append(Step(REVOKE, [ident]))
        return after, steps

    def _revoked(self, ident, view, memo):
        """No steps for a revoked one, or the refusal when the task asks what only an excepted one can do."""
        if self.params.get('state') != 'revoked':
            raise WbdRefusedError(
                'excepted detection %s was revoked: GetWebshell lists it as a detection, and the API cannot except it again '
                '(state: present needs an excepted detection).' % ident
            )
        if memo != view['memo']:
            raise WbdRefusedError(
                'excepted detection %s was already revoked: GetWebshell lists it as a detection, so its memo is set with ncloud.wbd.detection.' % ident
            )
        return []

    def describe(self, view):
        return view.get('state')


def main():
    spec = write_argument_spec('exception_id', 'exception_ids', memo=True)
    spec['state'] = dict(type='str', choices=['present', 'revoked'], default='present')
    run_write_module(ExceptedDetections, spec, **module_kwargs('exception_id', 'exception_ids'))


if __name__ == '__main__':
    main()
