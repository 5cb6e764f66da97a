# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The write half of the WBD sandbox: memos, deletes, quarantine/recover, revoke, agents, interval.

Writes are a table (``WRITE_ROUTES``: method, path pattern, operation label, handler) like the faults, so a new
operation is one handler plus one line. A handler changes the live dataset (so every list, search and
suspicious-object read shows the change) or raises ``WriteError`` (a WBD business error: HTTP 200, success false).
The caller holds the server's data lock, so handlers change records in place. The real error codes for a state
conflict (8004) and a failed-quarantine file (8008) are documented (wbd-api 10.1); the code for a missing resource
(8001) and the quarantine failures are the sandbox's choices (README "Write errors").
"""

import re
import threading

from sandbox_data import build_object

MISSING_CODE = 8001
STATE_CODE = 8004
FILE_FAILED_CODE = 8008
BAD_REQUEST_CODE = 400
# UpdateNotificationInterval names and what GetNotificationInterval then reports (wbd-api 7.2; the ms are inferred).
INTERVALS = {
    'one_min': 60000,
    'two_min': 120000,
    'three_min': 180000,
    'four_min': 240000,
    'five_min': 300000,
    'ten_min': 600000,
    'thirty_min': 1800000,
    'one_hour': 3600000,
    'three_hour': 10800000,
    'six_hour': 21600000,
    'twelve_hour': 43200000,
    'twenty_four_hour': 86400000,
}
ACTIVATABLE = ('disable', 'error', 'down')
DEACTIVATABLE = ('enable', 'activating', 'error', 'down')
# Injectable quarantine/recover failures of one file (POST /__sandbox/object-failures):
# kind -> (code, message, whether a failed quarantine leaves the file in quarantineFailed).
OBJECT_FAILURES = {
    'path_not_found': (5002, '[5002] The specified path could not be found', True),
    'no_files': (5101, '[5101] file quarantine or recovery failed: there are no files to quarantine or recover', True),
    'name_taken': (5101, '[5101] file quarantine or recovery failed: a file with the quarantine name already exists', True),
    'already_handled': (STATE_CODE, None, False),
}
FAILURE_OPERATIONS = ('quarantine', 'recover', 'any')


class WriteError(Exception):
    """A WBD business error for a write; answered with HTTP 200, success false, this code and message."""

    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code
        self.message = message


def _flag(value):
    return 'true' if value else 'false'


def missing(kind):
    return WriteError(MISSING_CODE, 'Invaliddata.The %s data does not exist.' % kind)


def file_status_error(status):
    """8008 for a file whose quarantine failed (the documented text), 8004 for any other wrong status."""
    return WriteError(FILE_FAILED_CODE if status == 'quarantineFailed' else STATE_CODE, 'Invalid file status.The status of file is %s' % status)


def memo_content(body):
    """The ``content`` of a memo body; a body without a string content is the WBD 400 envelope error."""
    if not isinstance(body, dict) or body.get('content') is None:
        raise WriteError(BAD_REQUEST_CODE, 'content must not be null.')
    if not isinstance(body['content'], str):
        raise WriteError(BAD_REQUEST_CODE, 'content must be a string.')
    return body['content']


def _position(records, record, field):
    """Where ``record`` goes in a list kept newest ``field`` first."""
    for pos, other in enumerate(records):
        if (other.get(field) or 0) < (record.get(field) or 0):
            return pos
    return len(records)


def _remove(records, record):
    """Remove by identity (``list.remove`` compares dicts by value)."""
    for pos, other in enumerate(records):
        if other is record:
            del records[pos]
            return


class ObjectFailures(object):
    """Per-file quarantine/recover failures set through the control plane; each item is used ``count`` times."""

    def __init__(self):
        self.items = []

    def replace(self, body):
        body = body if body is not None else {}
        raw = body.get('failures') if isinstance(body, dict) else None
        if not isinstance(raw, list):
            raise ValueError('the body must be {"failures": [{"object_id": ID, "failure": KIND, "operation": "quarantine|recover|any", "count": N}]}')
        self.items = [self._item(entry) for entry in raw]
        return self.snapshot()

    @staticmethod
    def _item(entry):
        if not isinstance(entry, dict) or not isinstance(entry.get('object_id'), str) or entry.get('failure') not in OBJECT_FAILURES:
            raise ValueError('each failure needs "object_id" (a string) and "failure", one of: %s' % ', '.join(sorted(OBJECT_FAILURES)))
        operation = entry.get('operation', 'any')
        if operation not in FAILURE_OPERATIONS:
            raise ValueError('operation must be one of: %s' % ', '.join(FAILURE_OPERATIONS))
        count = entry.get('count', 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError('count must be an integer >= 1')
        return {'object_id': entry['object_id'], 'failure': entry['failure'], 'operation': operation, 'remaining': count}

    def take(self, object_id, operation):
        """The failure kind for this attempt (consuming one use), or None."""
        for item in self.items:
            if item['object_id'] == object_id and item['operation'] in (operation, 'any'):
                item['remaining'] -= 1
                if item['remaining'] <= 0:
                    self.items.remove(item)
                return item['failure']
        return None

    def snapshot(self):
        return {'failures': [dict(item) for item in self.items], 'kinds': sorted(OBJECT_FAILURES)}


class WriteState(object):
    """What the writes add to the dataset: deleted detections, pending activations, the memo log, file failures."""

    def __init__(self, dataset, options):
        self.dataset = dataset
        self.options = options
        self.deleted_detections = {}
        self.activations = {}  # instanceNo -> epoch ms when 'activating' becomes 'enable'
        self.failures = ObjectFailures()
        self.memo_lock = threading.Lock()
        self.memos = []
        self.memo_seq = 0
        self.file_index = {}  # suspicionFileId -> detectionId, built on first need

    # ---- shared helpers --------------------------------------------------

    def changed(self):
        """Every change bumps the dataset version, so cached search results are never stale."""
        self.dataset.version += 1

    def log_memo(self, operation, resource, record_id, old, new, now_ms, parent_id=None):
        with self.memo_lock:
            self.memo_seq += 1
            entry = {'seq': self.memo_seq, 'operation': operation, 'resource': resource, 'id': record_id, 'old': old, 'new': new, 'time_ms': now_ms}
            if parent_id is not None:
                entry['parent_id'] = parent_id
            self.memos.append(entry)

    def memo_log(self, resource=None, record_id=None):
        with self.memo_lock:
            return [dict(e) for e in self.memos if (not resource or e['resource'] == resource) and (not record_id or e['id'] == record_id)]

    def clear_memo_log(self):
        with self.memo_lock:
            self.memos = []

    def set_memo(self, operation, resource, record, field_id, body, now_ms, parent_id=None):
        content = memo_content(body)
        old = record.get('memo')
        record['memo'] = content
        if 'lastUpdatedTime' in record and resource in ('detections', 'exceptions'):
            record['lastUpdatedTime'] = now_ms
        self.log_memo(operation, resource, record[field_id], old, content, now_ms, parent_id)
        self.changed()

    # ---- detections and excepted detections ----------------------------

    def detection(self, resource, detection_id):
        """The live record of ``/detections/{id}`` or ``/exceptions/{id}``; 8004 when the ID is in the other list or
        was deleted (the documented "deleted is .., excepted is .." text), 8001 when the sandbox never had it."""
        record = self.dataset.index.get((resource, detection_id))
        if record is not None:
            return record
        other = 'exceptions' if resource == 'detections' else 'detections'
        if (other, detection_id) in self.dataset.index or detection_id in self.deleted_detections:
            deleted, excepted = detection_id in self.deleted_detections, ('exceptions', detection_id) in self.dataset.index
            raise WriteError(STATE_CODE, 'Invaliddata.The detection data deleted is %s, excepted is %s.' % (_flag(deleted), _flag(excepted)))
        raise missing('detection')

    def delete_detection(self, groups, body, now_ms):
        record = self.detection('detections', groups[0])
        _remove(self.dataset.detections, record)
        self.dataset.index.pop(('detections', groups[0]), None)
        self.deleted_detections[groups[0]] = record
        self.changed()

    def revoke_exception(self, groups, body, now_ms):
        """RevokeExceptedWebshell: the excepted detection goes back to the detection list, in detectTime order."""
        record = self.detection('exceptions', groups[0])
        _remove(self.dataset.exceptions, record)
        self.dataset.index.pop(('exceptions', groups[0]), None)
        record['lastUpdatedTime'] = now_ms
        detections = self.dataset.detections
        pos = _position(detections, record, 'detectTime')
        detections[pos:pos] = [record]
        self.dataset.index[('detections', groups[0])] = record
        self.changed()

    def detection_memo(self, groups, body, now_ms, resource, operation):
        self.set_memo(operation, resource, self.detection(resource, groups[0]), 'detectionId', body, now_ms)

    # ---- suspicious objects and quarantines ----------------------------

    def suspicious_object(self, resource, detection_id, object_id):
        """The stored object of one file of a live detection, built (and kept) on first write."""
        detection = self.detection(resource, detection_id)
        sfile = next((f for f in detection.get('suspicionFiles') or [] if f.get('suspicionFileId') == object_id), None)
        if sfile is None:
            raise missing('suspicious object')
        return self.stored_object(detection, sfile)

    def stored_object(self, detection, sfile):
        data = self.dataset
        file_id = sfile['suspicionFileId']
        obj = data.objects.get(file_id) or data.quarantined.get(file_id)
        if obj is None:
            obj = build_object(data, detection, sfile)
        data.objects[file_id] = obj
        return obj

    def quarantine_object(self, obj, now_ms):
        """Quarantine one file: 8008/8004 unless it is ``detected``; an injected failure answers instead."""
        if obj.get('status') != 'detected':
            raise file_status_error(obj.get('status'))
        self._injected(obj, 'quarantine', now_ms)
        self._quarantine(obj, now_ms)

    def _quarantine(self, obj, now_ms):
        obj['status'] = 'quarantined'
        obj['quarantineFileName'] = '%s.%s.wbdq' % (obj.get('fileOriginName') or '', obj['suspicionFileId'])
        obj['quarantineTime'] = now_ms
        self.dataset.quarantines[0:0] = [obj]
        self.changed()

    def recover_object(self, obj, now_ms):
        """Recover one file: 8008/8004 unless it is ``quarantined``; an injected failure answers instead."""
        if obj.get('status') != 'quarantined':
            raise file_status_error(obj.get('status'))
        self._injected(obj, 'recover', now_ms)
        self._recover(obj)

    def _recover(self, obj):
        obj['status'] = 'detected'
        obj['quarantineFileName'] = ''
        obj.pop('quarantineTime', None)
        _remove(self.dataset.quarantines, obj)
        # A recovered file stays known (a fixture's quarantine without a detection included): recovering it again is 8004.
        self.dataset.objects[obj['suspicionFileId']] = obj
        self.changed()

    def _injected(self, obj, operation, now_ms):
        """Apply a failure set with POST /__sandbox/object-failures, if one waits for this file and operation."""
        kind = self.failures.take(obj['suspicionFileId'], operation)
        if kind is None:
            return
        code, message, leaves_failed = OBJECT_FAILURES[kind]
        if kind == 'already_handled':
            # Another administrator did the same a moment before: the change is there, this request is refused.
            if operation == 'quarantine':
                self._quarantine(obj, now_ms)
            else:
                self._recover(obj)
            raise file_status_error(obj['status'])
        if leaves_failed and operation == 'quarantine':
            obj['status'] = 'quarantineFailed'
            self.changed()
        raise WriteError(code, message)

    def object_action(self, groups, body, now_ms, resource, action):
        obj = self.suspicious_object(resource, groups[0], groups[1])
        if action == 'quarantine':
            self.quarantine_object(obj, now_ms)
        elif action == 'recover':
            self.recover_object(obj, now_ms)
        else:
            operation = 'PATCH /api/v1/%s/{id}/suspicious-objects/{object_id}/memo' % resource
            self.set_memo(operation, resource[:-1] + '-objects', obj, 'suspicionFileId', body, now_ms, parent_id=groups[0])

    def quarantine_record(self, quarantine_id):
        """The quarantined file ``quarantine_id`` (its suspicionFileId); 8004/8008 for a known file that is not
        quarantined, 8001 for an unknown ID."""
        for obj in self.dataset.quarantines:
            if obj.get('suspicionFileId') == quarantine_id:
                return obj
        known = self.dataset.objects.get(quarantine_id) or self.known_file(quarantine_id)
        if known is not None:
            raise file_status_error(known.get('status'))
        raise missing('quarantine')

    def known_file(self, file_id):
        """The object of a file of any detection (live, excepted or deleted), or None."""
        for attempt in range(2):
            detection_id = self.file_index.get(file_id)
            for detection in (
                self.dataset.index.get(('detections', detection_id)),
                self.dataset.index.get(('exceptions', detection_id)),
                self.deleted_detections.get(detection_id),
            ):
                for sfile in (detection or {}).get('suspicionFiles') or []:
                    if sfile.get('suspicionFileId') == file_id:
                        return self.stored_object(detection, sfile)
            if attempt == 0:
                self._index_files()
        return None

    def _index_files(self):
        records = list(self.dataset.detections) + list(self.dataset.exceptions) + list(self.deleted_detections.values())
        self.file_index = dict((f.get('suspicionFileId'), d['detectionId']) for d in records for f in d.get('suspicionFiles') or [])

    def quarantine_recover(self, groups, body, now_ms):
        obj = self.quarantine_record(groups[0])
        self._injected(obj, 'recover', now_ms)
        self._recover(obj)

    def quarantine_memo(self, groups, body, now_ms):
        self.set_memo('PATCH /api/v1/quarantines/{id}/memo', 'quarantines', self.quarantine_record(groups[0]), 'suspicionFileId', body, now_ms)

    # ---- exception rules -----------------------------------------------

    def rule(self, deleted, rule_id):
        """A live (``deleted`` false) or deleted rule; 8004 when it is in the other list, 8001 when unknown."""
        lists = (self.dataset.exception_rules, self.dataset.deleted_exception_rules)
        for rule in lists[1 if deleted else 0]:
            if rule.get('exceptedRuleId') == rule_id:
                return rule
        if any(rule.get('exceptedRuleId') == rule_id for rule in lists[0 if deleted else 1]):
            raise WriteError(STATE_CODE, 'Invaliddata.The exception rule data deleted is %s.' % _flag(not deleted))
        raise missing('exception rule')

    def delete_rule(self, groups, body, now_ms):
        """DeleteExceptionRule: the rule moves to the head of the deleted list (newest deletedTime first)."""
        rule = self.rule(False, groups[0])
        _remove(self.dataset.exception_rules, rule)
        rule.update(isDeleted=True, deletedTime=now_ms)
        self.dataset.deleted_exception_rules[0:0] = [rule]
        self.changed()

    def recover_rule(self, groups, body, now_ms):
        """RecoverDeletedExceptionRule: the rule goes back to the live list, in createdTime order."""
        rule = self.rule(True, groups[0])
        _remove(self.dataset.deleted_exception_rules, rule)
        rule.update(isDeleted=False, deletedTime=None)
        live = self.dataset.exception_rules
        pos = _position(live, rule, 'createdTime')
        live[pos:pos] = [rule]
        self.changed()

    def rule_memo(self, groups, body, now_ms, deleted):
        resource = 'deleted-exception-rules' if deleted else 'exception-rules'
        self.set_memo('PATCH /api/v1/%s/{id}/memo' % resource, resource, self.rule(deleted, groups[0]), 'exceptedRuleId', body, now_ms)

    # ---- detection targets and the notification interval ---------------

    def server(self, instance_no):
        for server in self.dataset.servers:
            if server.get('instanceNo') == instance_no:
                return server
        raise missing('server')

    def settle(self, now_ms):
        """Agents whose activation delay has passed are ``enable`` now (checked before every read and write)."""
        for instance_no, due in list(self.activations.items()):
            if due <= now_ms:
                del self.activations[instance_no]
                server = next((s for s in self.dataset.servers if s.get('instanceNo') == instance_no), None)
                if server is not None and server.get('agentStatus') == 'activating':
                    server['agentStatus'] = 'enable'
                    self.changed()

    def activate(self, groups, body, now_ms):
        server = self.server(groups[0])
        if server.get('agentStatus') not in ACTIVATABLE:
            raise WriteError(STATE_CODE, 'Invaliddata.The status of agent is %s.' % server.get('agentStatus'))
        server['agentStatus'] = 'activating'
        self.activations[server['instanceNo']] = now_ms + int(self.options.get('activation_delay_ms') or 0)
        self.changed()
        self.settle(now_ms)

    def deactivate(self, groups, body, now_ms):
        server = self.server(groups[0])
        if server.get('agentStatus') not in DEACTIVATABLE:
            raise WriteError(STATE_CODE, 'Invaliddata.The status of agent is %s.' % server.get('agentStatus'))
        server['agentStatus'] = 'disable'
        self.activations.pop(server['instanceNo'], None)
        self.changed()

    def server_memo(self, groups, body, now_ms):
        self.set_memo('PATCH /api/v1/servers/{id}/memo', 'servers', self.server(groups[0]), 'instanceNo', body, now_ms)

    def interval(self, groups, body, now_ms):
        name = body.get('interval') if isinstance(body, dict) else None
        if name not in INTERVALS:
            raise WriteError(BAD_REQUEST_CODE, 'interval must be one of: %s.' % ', '.join(INTERVALS))
        self.dataset.alarm_interval = dict(self.dataset.alarm_interval, interval=INTERVALS[name], lastUpdatedTime=now_ms)
        self.changed()


def _bind(name, **fixed):
    """A route's handler: the WriteState method ``name`` with fixed keyword arguments."""
    return lambda state, groups, body, now_ms: getattr(state, name)(groups, body, now_ms, **fixed)


_ID = '([^/]+)'
# (method, path pattern, operation label as in /__sandbox/stats by_operation, WBD operation, handler)
WRITE_ROUTES = (
    ('DELETE', '/detections/%s' % _ID, 'DELETE /api/v1/detections/{id}', 'DeleteWebshell', _bind('delete_detection')),
    (
        'PATCH',
        '/detections/%s/memo' % _ID,
        'PATCH /api/v1/detections/{id}/memo',
        'UpdateWebshellMemo',
        _bind('detection_memo', resource='detections', operation='PATCH /api/v1/detections/{id}/memo'),
    ),
    ('PATCH', '/exceptions/%s/cancel' % _ID, 'PATCH /api/v1/exceptions/{id}/cancel', 'RevokeExceptedWebshell', _bind('revoke_exception')),
    (
        'PATCH',
        '/exceptions/%s/memo' % _ID,
        'PATCH /api/v1/exceptions/{id}/memo',
        'UpdateExceptedWebshellMemo',
        _bind('detection_memo', resource='exceptions', operation='PATCH /api/v1/exceptions/{id}/memo'),
    ),
    ('PATCH', '/quarantines/%s/memo' % _ID, 'PATCH /api/v1/quarantines/{id}/memo', 'UpdateQuarantineMemo', _bind('quarantine_memo')),
    ('PATCH', '/quarantines/%s/recover' % _ID, 'PATCH /api/v1/quarantines/{id}/recover', 'RecoverQuarantine', _bind('quarantine_recover')),
    ('PATCH', '/exception-rules/%s/memo' % _ID, 'PATCH /api/v1/exception-rules/{id}/memo', 'UpdateExceptionRuleMemo', _bind('rule_memo', deleted=False)),
    ('DELETE', '/exception-rules/%s' % _ID, 'DELETE /api/v1/exception-rules/{id}', 'DeleteExceptionRule', _bind('delete_rule')),
    (
        'PATCH',
        '/deleted-exception-rules/%s/memo' % _ID,
        'PATCH /api/v1/deleted-exception-rules/{id}/memo',
        'UpdateDeletedExceptionRuleMemo',
        _bind('rule_memo', deleted=True),
    ),
    (
        'POST',
        '/deleted-exception-rules/%s/recover' % _ID,
        'POST /api/v1/deleted-exception-rules/{id}/recover',
        'RecoverDeletedExceptionRule',
        _bind('recover_rule'),
    ),
    ('PATCH', '/alarm/interval', 'PATCH /api/v1/alarm/interval', 'UpdateNotificationInterval', _bind('interval')),
    ('PATCH', '/servers/%s/agent/activate' % _ID, 'PATCH /api/v1/servers/{id}/agent/activate', 'ActivateAgent', _bind('activate')),
    ('PATCH', '/servers/%s/agent/deactivate' % _ID, 'PATCH /api/v1/servers/{id}/agent/deactivate', 'DeactivateAgent', _bind('deactivate')),
    ('PATCH', '/servers/%s/memo' % _ID, 'PATCH /api/v1/servers/{id}/memo', 'UpdateDetectionTargetMemo', _bind('server_memo')),
)
OBJECT_OPERATIONS = {
    ('detections', 'quarantine'): 'QuarantineWebshellSuspiciousObject',
    ('detections', 'recover'): 'RecoverWebshellSuspiciousObject',
    ('detections', 'memo'): 'UpdateWebshellSuspiciousObjectMemo',
    ('exceptions', 'quarantine'): 'QuarantineExceptedWebshellSuspiciousObject',
    ('exceptions', 'recover'): 'RecoverExceptedWebshellSuspiciousObject',
    ('exceptions', 'memo'): 'UpdateExceptedWebshellSuspiciousObjectMemo',
}
WRITE_ROUTES += tuple(
    (
        'PATCH',
        '/%s/%s/suspicious-objects/%s/%s' % (resource, _ID, _ID, action),
        'PATCH /api/v1/%s/{id}/suspicious-objects/{object_id}/%s' % (resource, action),
        name,
        _bind('object_action', resource=resource, action=action),
    )
    for (resource, action), name in OBJECT_OPERATIONS.items()
)
_COMPILED = tuple((method, re.compile('^/api/v1%s$' % pattern), label, handler) for method, pattern, label, dummy, handler in WRITE_ROUTES)
# Operation label -> WBD operation name (README, reports).
OPERATION_NAMES = dict((label, name) for dummy, dummy2, label, name, dummy3 in WRITE_ROUTES)
DEACTIVATE_LABEL = 'PATCH /api/v1/servers/{id}/agent/deactivate'


def route(method, path):
    """(operation label, ('write', handler, path groups)) for a write request, or None."""
    for route_method, pattern, label, handler in _COMPILED:
        if method == route_method:
            match = pattern.match(path)
            if match:
                return label, ('write', handler, match.groups(), label)
    return None
