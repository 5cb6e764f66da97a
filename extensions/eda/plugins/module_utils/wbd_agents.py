# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The polling state of the ncloud.wbd.agent_status event source (its documentation is beside the source).

Each poll is detection_target_info's own work (``INFO_OPERATIONS['detection_target_info']``), so an event is the
module's record plus the previous status. The source follows every target's status, whatever ``statuses`` lets
through, so that the previous status of an event is the real one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_source import Checkpoint, Poller, SourceError, event_uuid
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import AGENT_STATUSES
from ansible_collections.ncloud.wbd.plugins.module_utils._api.info_operations import INFO_OPERATIONS

OPERATION = INFO_OPERATIONS['detection_target_info']
ID = 'instance_no'
STATUS = 'agent_status'
PREVIOUS = 'previous_agent_status'
# agent_status as a server-side filter would hide a target's move out of the filtered statuses (see statuses);
# a cap or partial lists would make targets look removed; fields would drop the keys the source relies on.
_NOT_FOR_A_SOURCE = ('agent_status', 'max_results', 'allow_partial', 'fields', 'dest', 'dest_format')


def ARGUMENT_SPEC():
    """detection_target_info's options less those above, plus the source's."""
    spec = dict((k, v) for k, v in OPERATION.argument_spec().items() if k not in _NOT_FOR_A_SOURCE)
    spec.update(
        interval=dict(type='float', default=60.0),
        statuses=dict(type='list', elements='str', choices=list(AGENT_STATUSES)),
        checkpoint=dict(type='path'),
    )
    return spec


def _valid_state(state):
    known = state.get('known')
    return isinstance(known, dict) and all(isinstance(v, list) and len(v) == 2 and isinstance(v[1], int) for v in known.values())


class AgentStatusPoller(Poller):
    """``known``: instance number -> [last status, changes seen], None until the first poll learned them."""

    name = 'ncloud.wbd.agent_status'

    def __init__(self, params, environ=None, client_factory=None):
        super(AgentStatusPoller, self).__init__(params, environ, client_factory)
        self.checkpoint = Checkpoint(params.get('checkpoint'), self.name)
        state = self.checkpoint.load()
        if state is not None and not _valid_state(state):
            raise SourceError('%s: the checkpoint %s is not a state of this source; move it away to start over.' % (self.name, self.checkpoint.path))
        self.known = None if state is None else dict((k, list(v)) for k, v in state['known'].items())

    def fetch(self):
        """The status changes since the last poll, one event each (none at the very first poll)."""
        params = dict(self.params, max_results=None, allow_partial=False, fields=None, agent_status=None)
        targets = self.list_result(OPERATION, params)['detection_targets']
        if self.known is None:
            self.known = dict((t[ID], [t.get(STATUS), 0]) for t in targets if t.get(ID))
            self.checkpoint.save({'known': self.known})
            return []
        events, followed = [], False
        for target in targets:
            previous, changes = self.known.get(target.get(ID), [None, 0])
            if not target.get(ID) or (target.get(ID) in self.known and previous == target.get(STATUS)):
                continue
            event = dict(target, **{PREVIOUS: previous})
            event['meta'] = {'uuid': event_uuid(self.name, target[ID], previous, target.get(STATUS), changes + 1)}
            if self.params.get('statuses') and target.get(STATUS) not in self.params['statuses']:
                self.known[target[ID]] = [target.get(STATUS), changes + 1]  # followed, not handed on
                followed = True
                continue
            events.append(event)
        if followed:
            self.checkpoint.save({'known': self.known})
        return events

    def commit(self, event):
        """``event`` is on the rule engine's queue: its target's status is now the known one."""
        changes = self.known.get(event[ID], [None, 0])[1]
        self.known[event[ID]] = [event.get(STATUS), changes + 1]
        self.checkpoint.save({'known': self.known})
