#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: detection_target
short_description: Enable or disable the Webshell Behavior Detector agent of servers and set their memos
version_added: 1.1.0
description:
  - Sets the state of the WBD agent of registered servers (detection targets) with the WBD API operations
    ActivateAgent (C(PATCH /api/v1/servers/{server-id}/agent/activate)) and DeactivateAgent
    (C(PATCH /api/v1/servers/{server-id}/agent/deactivate)), and their memo with UpdateDetectionTargetMemo
    (C(PATCH /api/v1/servers/{server-id}/memo)).
  - Reads the servers' current state from GetDetectionTarget (C(GET /api/v1/servers)), page by page, and writes only
    what differs.
  - B(Destructive:) O(agent=disabled) calls DeactivateAgent, which stops webshell detection on the server until the
    agent is enabled again. Run it in check mode first (see the examples).
  - The API cannot register a server or install an agent; register servers and install agents in the console.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.respond
  - ncloud.wbd.respond.memo
  - ncloud.wbd.respond.wait
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.action_group
  - ncloud.wbd.attributes.write_module
options:
  instance_no:
    description:
      - Instance number of one registered server (its C(instance_no) in M(ncloud.wbd.detection_target_info)).
      - Exactly one of O(instance_no) and O(instance_nos) is required.
    type: str
  instance_nos:
    description:
      - Instance numbers of several servers, for bulk work. Their state is read with a few list pages and only those
        that differ are written.
    type: list
    elements: str
  agent:
    description:
      - V(enabled) activates the agent (ActivateAgent) unless its status is V(enable) or V(activating). Activation
        is asynchronous; see O(wait).
      - V(disabled) deactivates it (DeactivateAgent) unless its status is V(disable) or V(notInstalled) (no agent runs
        there to stop).
      - Not set leaves the agent alone.
      - An agent that cannot be activated in its state (for example V(notInstalled)) is refused by the API with code
        8004; the module fails with one line naming the server and its agent status.
    type: str
    choices: [enabled, disabled]
notes:
  - The sub-account needs the permission for the operations the task calls (ActivateAgent, DeactivateAgent,
    UpdateDetectionTargetMemo) and to read detection targets; see the authentication guide.
seealso:
  - module: ncloud.wbd.detection_target_info
  - name: DeactivateAgent API reference
    description: The WBD API operation that disables an agent.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-detectionsetting-deactivateagent
  - name: GetDetectionTarget API reference
    description: The WBD API operation the current state is read from.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-detectionsetting-getdetectiontarget
'''

EXAMPLES = r'''
- name: Enable the agent of a server and wait until it detects
  ncloud.wbd.detection_target:
    instance_no: "25123497"
    agent: enabled
    wait: true
    wait_timeout: 120

- name: Note the ticket on every server found unprotected, keeping what analysts wrote
  ncloud.wbd.detection_target:
    instance_nos: "{{ unprotected.detection_targets | map(attribute='instance_no') | list }}"
    memo_append: "SEC-1234: agent re-enabled by Ansible"

# Deactivating stops detection: look at what would change first.
- name: See which agents would be disabled (no write is sent)
  ncloud.wbd.detection_target:
    instance_nos: "{{ decommissioned }}"
    agent: disabled
  check_mode: true
  diff: true
  register: would

- name: Disable them
  ncloud.wbd.detection_target:
    instance_nos: "{{ decommissioned }}"
    agent: disabled
  when: would is changed
'''

RETURN = r'''
detection_targets:
  description: One entry per server named, in the order named.
  returned: always
  type: list
  elements: dict
  contains:
    instance_no:
      description: Instance number of the server.
      type: str
      sample: "25123497"
    changed:
      description: Whether this server was changed (in check mode, would be).
      type: bool
    before:
      description: The managed state as read, C(agent_status) (V(enable), V(disable), V(notInstalled), V(error),
        V(activating) or V(down)) and C(memo) (V("") when there is none).
      type: dict
      sample: {agent_status: disable, memo: ""}
    after:
      description: The state asked for (with O(wait=true), as read at the end).
      type: dict
      sample: {agent_status: enable, memo: ""}
    actions:
      description: The WBD API operations applied to this server, in order; in check mode, those that would be.
      type: list
      elements: str
      sample: [ActivateAgent]
    pending:
      description: Whether the agent is still V(activating), its activation not shown yet (O(wait=false)).
      type: bool
diff:
  description: With C(--diff), the before and after of each server that changes.
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

# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-detectionsetting-activateagent (slug inferred),
# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-detectionsetting-deactivateagent
CHANGE = 'the Change permission for detection settings'
ACTIVATE = WriteOp('ActivateAgent', 'PATCH', '/api/v1/servers/%s/agent/activate', CHANGE, asynchronous=True)
DEACTIVATE = WriteOp('DeactivateAgent', 'PATCH', '/api/v1/servers/%s/agent/deactivate', CHANGE)
MEMO = WriteOp('UpdateDetectionTargetMemo', 'PATCH', '/api/v1/servers/%s/memo', CHANGE)

# What counts as already so, by the agent option: activating is on its way to enable; a server without an agent
# has nothing running to disable.
SATISFIED = {'enabled': ('enable', 'activating'), 'disabled': ('disable', 'notInstalled')}
WANTED = {'enabled': ('enable', ACTIVATE), 'disabled': ('disable', DEACTIVATE)}


class DetectionTargets(WriteTarget):
    noun = 'detection target'
    key = 'detection_targets'
    id_field = 'instance_no'
    id_option = 'instance_no'
    ids_option = 'instance_nos'
    resources = (resources.DETECTION_TARGETS,)

    def view(self, resource, record):
        return {'agent_status': record.get('agent_status'), 'memo': current_memo(record.get('memo'))}

    def plan(self, ident, view):
        after, steps = dict(view), []
        agent = self.params.get('agent')
        if agent and view['agent_status'] not in SATISFIED[agent]:
            after['agent_status'], op = WANTED[agent]
            steps.append(Step(op, [ident]))
        memo = desired_memo(view['memo'], self.params)
        if memo != view['memo']:
            after['memo'] = memo
            steps.append(Step(MEMO, [ident], {'content': memo}))
        return after, steps

    def describe(self, view):
        return 'agent status %s' % view.get('agent_status')

    def settling(self, view, after):
        return view.get('agent_status') == 'activating' and self.params.get('agent') == 'enabled'


def main():
    spec = write_argument_spec('instance_no', 'instance_nos', memo=True, wait=True)
    spec['agent'] = dict(type='str', choices=['enabled', 'disabled'])
    run_write_module(DetectionTargets, spec, **module_kwargs('instance_no', 'instance_nos'))


if __name__ == '__main__':
    main()
