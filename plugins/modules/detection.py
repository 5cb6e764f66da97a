#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: detection
short_description: Set the memo of Webshell Behavior Detector detections, or delete them
version_added: 1.1.0
description:
  - Sets the memo of detections with the WBD API operation UpdateWebshellMemo
    (C(PATCH /api/v1/detections/{detection-id}/memo)), or deletes them with DeleteWebshell
    (C(DELETE /api/v1/detections/{detection-id})).
  - Reads the current state from GetWebshell (C(GET /api/v1/detections)), page by page, stopping once every named
    detection is found, and writes only what differs.
  - B(Destructive:) O(state=absent) calls DeleteWebshell, which removes the detection from the detection list, with
    its suspicious files and IPs and the analysts' memo; the API has no operation to bring it back. Run it in check
    mode first (see the examples).
  - Detections that an exception rule matched (listed by M(ncloud.wbd.excepted_detection_info)) are managed with
    M(ncloud.wbd.excepted_detection); naming one here fails with a line that says so, before any write.
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
  detection_id:
    description:
      - ID of one detection (its C(detection_id) in M(ncloud.wbd.detection_info)).
      - Exactly one of O(detection_id) and O(detection_ids) is required.
    type: str
  detection_ids:
    description:
      - IDs of several detections, for bulk work. Their state is read with a few list pages (not one request per
        detection) and only those that differ are written.
    type: list
    elements: str
  state:
    description:
      - V(present) keeps the detections and sets their memo (O(memo) or O(memo_append)); a detection that does not
        exist is an error.
      - V(absent) deletes them (DeleteWebshell). A detection that is not listed any more counts as already deleted,
        so a second run changes nothing. O(memo) and O(memo_append) do not go with V(absent).
    type: str
    choices: [present, absent]
    default: present
notes:
  - The sub-account needs the permission to read detections (C(View/getWebShellEvents)) and the one for the
    operations the task calls (UpdateWebshellMemo, DeleteWebshell); see the authentication guide.
  - The API has no operation that confirms a detection (its C(action_status)); that is done in the console.
seealso:
  - module: ncloud.wbd.detection_info
  - module: ncloud.wbd.excepted_detection
  - module: ncloud.wbd.suspicious_object
  - name: DeleteWebshell API reference
    description: The WBD API operation that deletes a detection.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-deletewebshell
  - name: GetWebshell API reference
    description: The WBD API operation the current state is read from.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-getwebshell
'''

EXAMPLES = r'''
- name: Note the incident ticket on a detection, keeping what analysts wrote
  ncloud.wbd.detection:
    detection_id: "2024072323595700000436"
    memo_append: "INC-4711: confirmed webshell, server rebuilt"

- name: Replace the memo of every unreviewed detection of last week
  ncloud.wbd.detection:
    detection_ids: "{{ recent.detections | map(attribute='detection_id') | list }}"
    memo: "triaged by the night shift"

# Deleting cannot be undone: look at what would be deleted first.
- name: See which detections would be deleted (no write is sent)
  ncloud.wbd.detection:
    detection_ids: "{{ false_positives }}"
    state: absent
  check_mode: true
  diff: true
  register: would

- name: Delete them
  ncloud.wbd.detection:
    detection_ids: "{{ false_positives }}"
    state: absent
  when: would is changed
'''

RETURN = r'''
detections:
  description: One entry per detection named, in the order named.
  returned: always
  type: list
  elements: dict
  contains:
    detection_id:
      description: ID of the detection.
      type: str
      sample: "2024072323595700000436"
    changed:
      description: Whether this detection was changed (in check mode, would be).
      type: bool
    before:
      description: The managed state as read, C(state) (V(present) or V(absent)) and C(memo) (V("") when there is
        none, V(null) when the detection is absent).
      type: dict
      sample: {state: present, memo: "seen by the SOC"}
    after:
      description: The state asked for.
      type: dict
      sample: {state: absent, memo: null}
    actions:
      description: The WBD API operations applied to this detection, in order; in check mode, those that would be.
      type: list
      elements: str
      sample: [DeleteWebshell]
    pending:
      description: Always V(false); the detection operations take effect at once.
      type: bool
diff:
  description: With C(--diff), the before and after of each detection that changes.
  returned: diff mode
  type: list
  elements: dict
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._api import resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.errors import WbdRefusedError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.memo import current_memo, desired_memo
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.module import run_write_module
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.options import module_kwargs, write_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.plan import Step, WriteOp
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.reading import find_records, require_all
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.target import WriteTarget

# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-deletewebshell,
# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-updatewebshellmemo (slug inferred)
CHANGE = 'the Change permission for webshell detections'
DELETE = WriteOp('DeleteWebshell', 'DELETE', '/api/v1/detections/%s', CHANGE)
MEMO = WriteOp('UpdateWebshellMemo', 'PATCH', '/api/v1/detections/%s/memo', CHANGE)
ABSENT = {'state': 'absent', 'memo': None}


def _excepted_refusal(ident, state):
    """Why an excepted detection cannot be managed here, before any write (WBD would refuse a delete with 8004)."""
    if state == 'absent':
        why = 'DeleteWebshell refuses an excepted detection (WBD code 8004); revoke the exception with ncloud.wbd.excepted_detection first'
    else:
        why = 'set its memo with ncloud.wbd.excepted_detection'
    return WbdRefusedError('detection %s is excepted (GetExceptedWebshell lists it, GetWebshell does not): %s.' % (ident, why))


class Detections(WriteTarget):
    noun = 'detection'
    key = 'detections'
    id_field = 'detection_id'
    id_option = 'detection_id'
    ids_option = 'detection_ids'
    # The excepted list is walked only for IDs GetWebshell lacks, to say why such an ID cannot be managed here.
    resources = (resources.DETECTIONS, resources.EXCEPTED_DETECTIONS)

    def __init__(self, params):
        super(Detections, self).__init__(params)
        if params.get('state') == 'absent' and (params.get('memo') is not None or params.get('memo_append') is not None):
            raise WbdConfigError('memo and memo_append set the memo of a detection that stays; they do not go with state: absent.')

    def read(self, client, ids, warn=None):
        """{id: view}. With state absent a detection no list holds is already deleted; otherwise it is an error."""
        found = find_records(client, self.resources, ids, self.params.get('page_size') or 100, warn)
        excepted = [i for i in ids if i in found and found[i][0] is resources.EXCEPTED_DETECTIONS]
        if excepted:
            raise _excepted_refusal(excepted[0], self.params.get('state'))
        if self.params.get('state') != 'absent':
            require_all(found, ids, self.noun, self.id_option, [resources.DETECTIONS.get_op])
        return dict((i, self.view(*found[i]) if i in found else dict(ABSENT)) for i in ids)

    def view(self, resource, record):
        return {'state': 'present', 'memo': current_memo(record.get('memo'))}

    def plan(self, ident, view):
        if view['state'] == 'absent':
            return view, []
        if self.params.get('state') == 'absent':
            return dict(ABSENT), [Step(DELETE, [ident])]
        memo = desired_memo(view['memo'], self.params)
        if memo == view['memo']:
            return view, []
        return dict(view, memo=memo), [Step(MEMO, [ident], {'content': memo})]


def main():
    spec = write_argument_spec('detection_id', 'detection_ids', memo=True)
    spec['state'] = dict(type='str', choices=['present', 'absent'], default='present')
    run_write_module(Detections, spec, **module_kwargs('detection_id', 'detection_ids'))


if __name__ == '__main__':
    main()
