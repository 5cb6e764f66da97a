#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: quarantine
short_description: Restore files from the Webshell Behavior Detector quarantine, and set their memos
version_added: 1.1.0
description:
  - Restores quarantined files (the WBD agent gives them back their name on the server) with the WBD API operation
    RecoverQuarantine (C(PATCH /api/v1/quarantines/{quarantine-id}/recover)), and sets their memo with
    UpdateQuarantineMemo (C(PATCH /api/v1/quarantines/{quarantine-id}/memo)).
  - Reads the current state from GetQuarantine (C(GET /api/v1/quarantines)), page by page, stopping once every named
    file is found. A file no longer there was restored; it is looked for in the detections' files (GetWebshell,
    then GetExceptedWebshell, page by page) and read from its detection (GetWebshellSuspiciousObject). Writes only
    what differs.
  - Restoring puts a file that WBD suspected of being a webshell back where it can run. Run it in check mode first
    (see the examples).
  - To quarantine a file, use M(ncloud.wbd.suspicious_object).
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
  quarantine_id:
    description:
      - ID of one quarantined file, the C(quarantine-id) of the API, which is its C(suspicion_file_id) in
        M(ncloud.wbd.quarantine_info).
      - Exactly one of O(quarantine_id) and O(quarantine_ids) is required.
    type: str
  quarantine_ids:
    description:
      - IDs of several quarantined files, for bulk work. Their state is read with a few list pages (not one request
        per file) and only those that differ are written.
    type: list
    elements: str
  state:
    description:
      - V(present) keeps the files quarantined and sets their memo (O(memo) or O(memo_append)). A file that is not
        quarantined is refused; quarantine it with M(ncloud.wbd.suspicious_object).
      - V(restored) restores the files (RecoverQuarantine). A file already restored is left alone, so a second run
        changes nothing. A memo asked for is written first, while the file is in quarantine; once restored, its memo
        is set with M(ncloud.wbd.suspicious_object).
      - A file WBD does not know is an error. A refusal (the file is gone from the server, another administrator
        already restored it) is one line naming the file and its status.
    type: str
    choices: [present, restored]
    default: present
notes:
  - The sub-account needs the permission to read quarantined files and detections, and the one for the operations
    the task calls (RecoverQuarantine, UpdateQuarantineMemo); see the authentication guide.
  - The WBD documentation of RecoverQuarantine and UpdateQuarantineMemo does not say whether C(quarantine-id) is the
    file's C(suspicionFileId); the module assumes so, as GetQuarantine lists no other ID.
seealso:
  - module: ncloud.wbd.quarantine_info
  - module: ncloud.wbd.suspicious_object
  - name: GetQuarantine API reference
    description: The WBD API operation the current state is read from.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-quarantine-getquarantine
  - name: WBD API overview
    description: The WBD API operations, among them RecoverQuarantine and UpdateQuarantineMemo.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector
'''

EXAMPLES = r'''
- name: Note the ticket on every quarantined file of a server, keeping what analysts wrote
  ncloud.wbd.quarantine:
    quarantine_ids: "{{ quarantined.quarantines | selectattr('server_name', 'equalto', 'web-prd-001') | map(attribute='suspicion_file_id') | list }}"
    memo_append: "INC-4711: kept for forensics"

# Restoring puts a suspected webshell back in place: look at what would change first.
- name: See which files would be restored (no write is sent)
  ncloud.wbd.quarantine:
    quarantine_ids: "{{ false_positive_files }}"
    state: restored
  check_mode: true
  diff: true
  register: would

- name: Restore them and say why
  ncloud.wbd.quarantine:
    quarantine_ids: "{{ false_positive_files }}"
    state: restored
    memo_append: "restored: vendor confirmed the file is part of the CMS"
  when: would is changed
'''

RETURN = r'''
quarantines:
  description: One entry per file named, in the order named.
  returned: always
  type: list
  elements: dict
  contains:
    quarantine_id:
      description: ID of the file.
      type: str
      sample: "2025062710452200001234"
    changed:
      description: Whether this file was changed (in check mode, would be).
      type: bool
    before:
      description: The managed state as read, C(state) (V(quarantined), V(restored), or the file's status when it is
        neither, such as V(quarantineFailed)) and C(memo) (V("") when there is none).
      type: dict
      sample: {state: quarantined, memo: ""}
    after:
      description: The state asked for.
      type: dict
      sample: {state: restored, memo: "restored: vendor confirmed the file is part of the CMS"}
    actions:
      description: The WBD API operations applied to this file, in order; in check mode, those that would be.
      type: list
      elements: str
      sample: [UpdateQuarantineMemo, RecoverQuarantine]
    pending:
      description: Always V(false); the module reports the state the API shows after the write.
      type: bool
diff:
  description: With C(--diff), the before and after of each file that changes.
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
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.reading import find_records, require_all
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.suspicious_objects import file_status, find_file_owners, read_objects
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.target import WriteTarget

# The quarantine write operations are listed in https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector
# next to https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-quarantine-getquarantine.
CHANGE = 'the Change permission for quarantines'
RECOVER = WriteOp('RecoverQuarantine', 'PATCH', '/api/v1/quarantines/%s/recover', CHANGE)
MEMO = WriteOp('UpdateQuarantineMemo', 'PATCH', '/api/v1/quarantines/%s/memo', CHANGE)
# The operations a file's state is read with, as a missing file's error names them.
READS = ['GetQuarantine', 'GetWebshell', 'GetExceptedWebshell']


class Quarantines(WriteTarget):
    noun = 'quarantined file'
    key = 'quarantines'
    id_field = 'quarantine_id'
    id_option = 'quarantine_id'
    ids_option = 'quarantine_ids'
    resources = (resources.QUARANTINES,)

    def read(self, client, ids, warn=None):
        """{id: view}: the quarantine list first; the files not in it from their detections."""
        page_size = self.params.get('page_size') or 100
        found = find_records(client, self.resources, ids, page_size, warn)
        views = dict((i, self.view(*found[i])) for i in found)
        missing = [i for i in ids if i not in found]
        if missing:
            owners = find_file_owners(client, missing, page_size, warn)
            files = read_objects(client, list(owners.values()))
            for ident, owner in owners.items():
                obj = next((o for o in files[owner] if o.get('suspicion_file_id') == ident), None)
                if obj is not None:
                    status = file_status(obj)
                    views[ident] = {'state': 'restored' if status == 'detected' else status, 'memo': current_memo(obj.get('memo'))}
        require_all(views, ids, self.noun, self.id_option, READS)
        return dict((i, views[i]) for i in ids)

    def view(self, resource, record):
        return {'state': 'quarantined', 'memo': current_memo(record.get('memo'))}

    def plan(self, ident, view):
        memo = desired_memo(view['memo'], self.params)
        if view['state'] != 'quarantined':
            return view, self._not_quarantined(ident, view, memo)
        after, steps = dict(view), []
        if memo != view['memo']:
            after['memo'] = memo
            steps.append(Step(MEMO, [ident], {'content': memo}))
        if self.params.get('state') == 'restored':
            after['state'] = 'restored'
            steps.append(Step(RECOVER, [ident]))
        return after, steps

    def _not_quarantined(self, ident, view, memo):
        """No steps for a file already restored, or the refusal when the task asks what only a quarantined one can do."""
        where = 'quarantined file %s is not in quarantine (GetQuarantine does not list it; its status is %s)' % (ident, file_status_of(view))
        if self.params.get('state') != 'restored':
            raise WbdRefusedError('%s: state: present needs a quarantined file; quarantine it with ncloud.wbd.suspicious_object.' % where)
        if view['state'] != 'restored':
            raise WbdRefusedError('%s: there is nothing to restore.' % where)
        if memo != view['memo']:
            raise WbdRefusedError('%s: its memo is set with ncloud.wbd.suspicious_object.' % where)
        return []

    def describe(self, view):
        return 'status %s' % file_status_of(view)


def file_status_of(view):
    """The API's status word for a view's state (a restored file is a detected one)."""
    return 'detected' if view['state'] == 'restored' else view['state']


def main():
    spec = write_argument_spec('quarantine_id', 'quarantine_ids', memo=True)
    spec['state'] = dict(type='str', choices=['present', 'restored'], default='present')
    run_write_module(Quarantines, spec, **module_kwargs('quarantine_id', 'quarantine_ids'))


if __name__ == '__main__':
    main()
