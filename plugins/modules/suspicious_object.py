#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: suspicious_object
short_description: Quarantine or restore the suspicious files of Webshell Behavior Detector detections, and set their memos
version_added: 1.1.0
description:
  - Quarantines a suspicious file of a detection (the WBD agent renames it on the server so it can no longer run)
    with the WBD API operation QuarantineWebshellSuspiciousObject
    (C(PATCH /api/v1/detections/{detection-id}/suspicious-objects/{object-id}/quarantine)), restores it with
    RecoverWebshellSuspiciousObject (C(.../recover)) and sets its memo with UpdateWebshellSuspiciousObjectMemo
    (C(.../memo)).
  - With O(excepted=true) the file belongs to an excepted detection (one an exception rule matched) and the
    excepted twins of these operations are called (C(/api/v1/exceptions/{exception-id}/suspicious-objects/...)).
  - Reads the current state of the files from GetWebshellSuspiciousObject (or GetExceptedWebshellSuspiciousObject),
    one request per detection named (the API lists files only per detection), and writes only what differs.
  - Quarantining changes a file on the server; a web application that still needs the file breaks until it is
    restored. Run it in check mode first (see the examples).
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
      - ID of the detection the file belongs to (its C(detection_id) in M(ncloud.wbd.detection_info), or in
        M(ncloud.wbd.excepted_detection_info) with O(excepted=true)).
      - Required with O(object_id).
    type: str
  object_id:
    description:
      - ID of one suspicious file (its C(suspicion_file_id) in the C(suspicious_objects) of
        M(ncloud.wbd.detection_info)), the C(object-id) of the API.
      - Exactly one of O(object_id) and O(objects) is required.
    type: str
    aliases: [suspicion_file_id]
  excepted:
    description: Whether O(detection_id) is an excepted detection. With O(objects), each file says it instead.
    type: bool
    default: false
  objects:
    description:
      - Several files, for bulk work. Their state is read with one request per detection, however many of its
        files are named, and only the files that differ are written.
    type: list
    elements: dict
    suboptions:
      detection_id:
        description: ID of the detection the file belongs to.
        type: str
        required: true
      object_id:
        description: ID of the suspicious file.
        type: str
        required: true
        aliases: [suspicion_file_id]
      excepted:
        description: Whether the detection is an excepted one.
        type: bool
        default: false
  state:
    description:
      - V(quarantined) quarantines the files whose status is not V(quarantined).
      - V(restored) restores the files whose status is not V(detected) (a restored file is a detected one again).
      - A file in V(quarantineFailed) (a quarantine the agent could not carry out) is refused by WBD with code 8008
        either way; the module fails with one line naming the file and its status. So are the quarantine failures
        the console guide names (the file is gone, the quarantine name is taken, someone else already handled it).
      - Not set leaves the files where they are.
    type: str
    choices: [quarantined, restored]
notes:
  - The sub-account needs the permission to read detections and the one for the operations the task calls; see the
    authentication guide.
  - O(page_size) is not used, since files are not read from paged lists.
  - The WBD documentation does not name the field that holds a file's state; the module reads C(status) (values
    V(detected), V(quarantined), V(quarantineFailed)), or, when the API sends none, takes a file with a quarantine
    name for quarantined.
seealso:
  - module: ncloud.wbd.detection_info
  - module: ncloud.wbd.quarantine
  - name: QuarantineWebshellSuspiciousObject API reference
    description: The WBD API operation that quarantines a suspicious file.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-quarantinewebshellsuspiciousobject
  - name: RecoverExceptedWebshellSuspiciousObject API reference
    description: The WBD API operation that restores a suspicious file of an excepted detection.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptedwebshell-recoverexceptedwebshellsuspiciousobject
  - name: GetWebshellSuspiciousObject API reference
    description: The WBD API operation the current state is read from.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-getwebshellsuspiciousobject
'''

EXAMPLES = r'''
- name: List the files the hash scan calls malware
  ncloud.wbd.detection_info:
    since: 1d
    suspicious_objects: true
  register: recent

- name: Files to quarantine, as the module takes them
  ansible.builtin.set_fact:
    malware_files: >-
      {{ recent.detections | subelements('suspicious_objects')
         | selectattr('1.hash_scan_result', 'equalto', 'malware')
         | map('last') | map('dict2items') | map('selectattr', 'key', 'in', ['detection_id', 'suspicion_file_id'])
         | map('items2dict') | list }}

# Quarantining changes files on servers: look at what would change first.
- name: See which files would be quarantined (no write is sent)
  ncloud.wbd.suspicious_object:
    objects: "{{ malware_files }}"
    state: quarantined
  check_mode: true
  diff: true
  register: would

- name: Quarantine them and say why
  ncloud.wbd.suspicious_object:
    objects: "{{ malware_files }}"
    state: quarantined
    memo_append: "quarantined: hash scan verdict malware"
  when: would is changed

- name: Restore one file of an excepted detection
  ncloud.wbd.suspicious_object:
    detection_id: "2024072321225900000008"
    object_id: "2024072321225900000017"
    excepted: true
    state: restored
'''

RETURN = r'''
suspicious_objects:
  description: One entry per file named, in the order named.
  returned: always
  type: list
  elements: dict
  contains:
    detection_id:
      description: ID of the detection the file belongs to.
      type: str
      sample: "2024072323595700000436"
    object_id:
      description: ID of the file (its C(suspicion_file_id)).
      type: str
      sample: "2024072323595700000441"
    excepted:
      description: Whether the detection is an excepted one.
      type: bool
    changed:
      description: Whether this file was changed (in check mode, would be).
      type: bool
    before:
      description: The managed state as read, C(status) (V(detected), V(quarantined) or V(quarantineFailed)) and
        C(memo) (V("") when there is none).
      type: dict
      sample: {status: detected, memo: ""}
    after:
      description: The state asked for.
      type: dict
      sample: {status: quarantined, memo: "quarantined: hash scan verdict malware"}
    actions:
      description: The WBD API operations applied to this file, in order; in check mode, those that would be.
      type: list
      elements: str
      sample: [QuarantineWebshellSuspiciousObject, UpdateWebshellSuspiciousObjectMemo]
    pending:
      description: Always V(false); the module reports the status the API shows after the write.
      type: bool
diff:
  description: With C(--diff), the before and after of each file that changes.
  returned: diff mode
  type: list
  elements: dict
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.errors import WbdNotFoundError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.memo import current_memo, desired_memo
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.module import run_write_module
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.options import module_kwargs, write_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.plan import Step, WriteOp
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.reading import shown
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.suspicious_objects import OWNERS, file_status, read_objects
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.target import WriteTarget

# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-quarantinewebshellsuspiciousobject,
# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptedwebshell-recoverexceptedwebshellsuspiciousobject;
# the others follow the same paths (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector).
CHANGE = 'the Change permission for webshell detections'
OPS = {
    False: {
        'quarantine': WriteOp('QuarantineWebshellSuspiciousObject', 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/quarantine', CHANGE),
        'recover': WriteOp('RecoverWebshellSuspiciousObject', 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/recover', CHANGE),
        'memo': WriteOp('UpdateWebshellSuspiciousObjectMemo', 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/memo', CHANGE),
    },
    True: {
        'quarantine': WriteOp('QuarantineExceptedWebshellSuspiciousObject', 'PATCH', '/api/v1/exceptions/%s/suspicious-objects/%s/quarantine', CHANGE),
        'recover': WriteOp('RecoverExceptedWebshellSuspiciousObject', 'PATCH', '/api/v1/exceptions/%s/suspicious-objects/%s/recover', CHANGE),
        'memo': WriteOp('UpdateExceptedWebshellSuspiciousObjectMemo', 'PATCH', '/api/v1/exceptions/%s/suspicious-objects/%s/memo', CHANGE),
    },
}
# The status each state asks for, and the operation that gets a file there.
WANTED = {'quarantined': ('quarantined', 'quarantine'), 'restored': ('detected', 'recover')}


def _blank(value):
    return not ('%s' % (value,)).strip() if value is not None else True


class SuspiciousObjects(WriteTarget):
    noun = 'suspicious file'
    key = 'suspicious_objects'
    id_field = 'id'
    id_option = 'object_id'
    ids_option = 'objects'

    def __init__(self, params):
        super(SuspiciousObjects, self).__init__(params)
        self.files = {}  # ident -> (excepted, detection_id, object_id)

    def ids(self):
        """The files named, as ``detection_id/object_id``, in order, each once; one named twice with a different
        ``excepted`` is refused."""
        items = self.params.get('objects')
        if items is None:
            items = [dict(detection_id=self.params.get('detection_id'), object_id=self.params.get('object_id'), excepted=self.params.get('excepted'))]
        idents = []
        for item in items:
            if _blank(item.get('detection_id')) or _blank(item.get('object_id')):
                raise WbdConfigError('Each file needs a detection_id and an object_id that are not empty.')
            detection_id, object_id = ('%s' % item['detection_id']).strip(), ('%s' % item['object_id']).strip()
            key = (bool(item.get('excepted')), detection_id, object_id)
            ident = '%s/%s' % (detection_id, object_id)
            if self.files.setdefault(ident, key) != key:
                raise WbdConfigError('File %s is named twice, once with excepted: true and once without.' % ident)
            if ident not in idents:
                idents.append(ident)
        return idents

    def read(self, client, ids, warn=None):
        """{ident: view}: the files of each detection named, one request per detection."""
        files = read_objects(client, [self.files[i][:2] for i in ids])
        views, missing = {}, []
        for ident in ids:
            excepted, detection_id, object_id = self.files[ident]
            obj = next((o for o in files[(excepted, detection_id)] if o.get('suspicion_file_id') == object_id), None)
            if obj is None:
                missing.append(ident)
            else:
                views[ident] = {'status': file_status(obj), 'memo': current_memo(obj.get('memo'))}
        if missing:
            raise self._missing(missing)
        return views

    def _missing(self, missing):
        excepted = self.files[missing[0]][0]
        hint = 'is the detection still excepted?' if excepted else 'a file of an excepted detection needs excepted: true'
        return WbdNotFoundError(
            'No suspicious file %s (detection_id/object_id): %s does not list it for its detection (%s).' % (shown(missing), OWNERS[excepted].objects_op, hint)
        )

    def plan(self, ident, view):
        excepted, detection_id, object_id = self.files[ident]
        ops, after, steps = OPS[excepted], dict(view), []
        state = self.params.get('state')
        if state and view['status'] != WANTED[state][0]:
            after['status'], action = WANTED[state]
            steps.append(Step(ops[action], [detection_id, object_id]))
        memo = desired_memo(view['memo'], self.params)
        if memo != view['memo']:
            after['memo'] = memo
            steps.append(Step(ops['memo'], [detection_id, object_id], {'content': memo}))
        return after, steps

    def describe(self, view):
        return 'file status %s' % view.get('status')

    def header(self, ident):
        excepted, detection_id, object_id = self.files[ident]
        return 'suspicious file %s of %sdetection %s' % (object_id, 'excepted ' if excepted else '', detection_id)

    def result(self, entries):
        for entry in entries:
            excepted, detection_id, object_id = self.files[entry.pop('id')]
            entry.update(detection_id=detection_id, object_id=object_id, excepted=excepted)
        return {self.key: entries}


def main():
    spec = write_argument_spec('object_id', 'objects', memo=True)
    spec['object_id'] = dict(type='str', aliases=['suspicion_file_id'])
    spec['objects'] = dict(
        type='list',
        elements='dict',
        options=dict(
            detection_id=dict(type='str', required=True),
            object_id=dict(type='str', required=True, aliases=['suspicion_file_id']),
            excepted=dict(type='bool', default=False),
        ),
    )
    spec.update(detection_id=dict(type='str'), excepted=dict(type='bool', default=False), state=dict(type='str', choices=['quarantined', 'restored']))
    kwargs = module_kwargs('object_id', 'objects')
    kwargs['mutually_exclusive'] += [['detection_id', 'objects'], ['excepted', 'objects']]
    kwargs['required_together'] = [['detection_id', 'object_id']]
    run_write_module(SuspiciousObjects, spec, **kwargs)


if __name__ == '__main__':
    main()
