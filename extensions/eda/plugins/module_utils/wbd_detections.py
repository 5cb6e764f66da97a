# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The polling state of the ncloud.wbd.detections event source (its documentation is beside the source).

Each poll is detection_info's own work (``INFO_OPERATIONS['detection_info']``) with ``since`` set to the window start,
so the events are the module's records. The window starts ``lookback`` before the high-water mark (never before the
start ``floor``); the IDs handed on inside it are remembered, so neither ties at the mark nor late listings are lost
or repeated. Only detection times from the API move the mark: the local clock is read once, for the default since.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_source import (
    Checkpoint,
    Poller,
    SourceError,
    duration_ms,
    event_uuid,
    fail_line,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import is_unset, parse_time
from ansible_collections.ncloud.wbd.plugins.module_utils._api.info_operations import INFO_OPERATIONS

OPERATION = INFO_OPERATIONS['detection_info']
ID = 'detection_id'
TIME = 'detect_time'
# detection_info's options a source cannot honour: a cap or partial lists would lose detections, until would end the
# stream, fields would drop the keys the source relies on; dest/dest_format write files.
_NOT_FOR_A_SOURCE = ('until', 'max_results', 'allow_partial', 'fields', 'dest', 'dest_format')


def ARGUMENT_SPEC():
    """detection_info's options (its filters, paging and suspicious_objects) less those above, plus the source's."""
    spec = dict((k, v) for k, v in OPERATION.argument_spec().items() if k not in _NOT_FOR_A_SOURCE)
    spec.update(
        interval=dict(type='float', default=60.0),
        lookback=dict(type='raw', default='5m'),
        max_seen=dict(type='int', default=10000),
        checkpoint=dict(type='path'),
    )
    return spec


def _valid_state(state):
    ints = all(isinstance(state.get(k), int) and not isinstance(state.get(k), bool) for k in ('floor', 'high'))
    seen = state.get('seen')
    return ints and isinstance(seen, dict) and all(isinstance(v, int) for v in seen.values())


class DetectionPoller(Poller):
    """The detections source's state: ``floor`` (nothing older is handed on), ``high`` (the newest detection time
    handed on) and ``seen`` (detection ID -> time, for the lookback window)."""

    name = 'ncloud.wbd.detections'

    def __init__(self, params, environ=None, client_factory=None, now_ms=None):
        super(DetectionPoller, self).__init__(params, environ, client_factory)
        try:
            self.lookback = duration_ms(params['lookback'], 'lookback')
            if params['max_seen'] < 1:
                raise WbdConfigError('max_seen must be positive, got %s.' % params['max_seen'])
            self.checkpoint = Checkpoint(params.get('checkpoint'), self.name)
            state = self.checkpoint.load()
            if state is None:
                now_ms = int(time.time() * 1000) if now_ms is None else now_ms
                floor = now_ms if is_unset(params.get('since')) else parse_time(params['since'], now_ms, 'since')
                state = {'floor': floor, 'high': floor, 'seen': {}}
                # Saved at once: a restart before the first event resumes from this start, not from a later "now".
                self.checkpoint.save(state)
            elif not _valid_state(state):
                raise SourceError('%s: the checkpoint %s is not a state of this source; move it away to start from since.' % (self.name, self.checkpoint.path))
        except WbdConfigError as err:
            raise SourceError(fail_line(self.name, err))
        self.floor, self.high, self.seen = state['floor'], state['high'], dict(state['seen'])
        self.warned_floor = False

    def state(self):
        return {'floor': self.floor, 'high': self.high, 'seen': self.seen}

    def window_start(self):
        return max(self.floor, self.high - self.lookback)

    def fetch(self):
        """The detections not handed on yet, oldest first, each with its ``meta.uuid``."""
        params = dict(self.params, since=self.window_start(), until=None, max_results=None, allow_partial=False, fields=None)
        records = self.list_result(OPERATION, params)['detections']
        new = [r for r in records if r.get(ID) not in self.seen and isinstance(r.get(TIME), int) and r[TIME] >= self.floor]
        new.sort(key=lambda r: (r[TIME], r[ID]))
        return [dict(r, meta={'uuid': event_uuid(self.name, r[ID])}) for r in new]

    def commit(self, event):
        """``event`` is on the rule engine's queue: remember it, move the mark, save the checkpoint."""
        self.seen[event[ID]] = event[TIME]
        self.high = max(self.high, event[TIME])
        self.forget()
        self.checkpoint.save(self.state())

    def forget(self):
        """Drop the IDs the next window cannot list again; past ``max_seen``, raise the floor to the oldest kept."""
        cutoff = self.window_start()
        if any(t < cutoff for t in self.seen.values()):
            self.seen = dict((k, t) for k, t in self.seen.items() if t >= cutoff)
        if len(self.seen) > self.params['max_seen']:
            floor = sorted(self.seen.values(), reverse=True)[self.params['max_seen'] - 1]
            self.seen = dict((k, t) for k, t in self.seen.items() if t >= floor)
            self.floor = max(self.floor, floor)
            if not self.warned_floor:
                self.warned_floor = True
                self.log.warning(
                    '%s: more than max_seen=%d detections within lookback; detections older than %d ms are no longer handed on.',
                    self.name,
                    self.params['max_seen'],
                    floor,
                )
