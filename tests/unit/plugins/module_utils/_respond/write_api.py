# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful stub of the WBD write operations for the write modules' unit tests (not a test module itself).

``WriteApi`` extends the shared ``FakeWbdApi`` (tests/unit/conftest.py): the lists it serves are the state the
writes change. ``faults``: {operation path: [fault, ...]} taken one per write to that path: ``'drop'`` applies the
write and then the answer is lost (a read timeout), ``'fail'`` answers 503 without applying it, a ``Response``
is answered as it is (without applying). ``refuse``: {operation path: (code, message)} answered as a WBD refusal
(or a callable taking the stub, answering the refusal, for one that changes the state first).
``writes`` records every write call.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import requests
from ansible_collections.ncloud.wbd.tests.unit.conftest import FakeWbdApi, Response, ok

SERVERS = '/api/v1/servers'
RULES = '/api/v1/exception-rules'
DELETED_RULES = '/api/v1/deleted-exception-rules'
INTERVAL = '/api/v1/alarm/interval'


def refusal(code, message):
    return Response(200, {'success': False, 'code': code, 'message': message, 'result': None})


def servers(count, status='disable', memo=None):
    return [{'instanceNo': '%d' % (25000000 + i), 'serverName': 'web-%03d' % i, 'agentStatus': status, 'memo': memo} for i in range(count)]


def rules(count, start=0):
    return [{'exceptedRuleId': '%022d' % (start + i), 'exceptedRuleName': 'rule-%d' % (start + i), 'memo': None, 'isDeleted': False} for i in range(count)]


class WriteApi(FakeWbdApi):
    def __init__(self, servers=(), rules=(), deleted_rules=(), interval_ms=600000, activate_to='enable', faults=None, refuse=None, **kwargs):
        lists = {SERVERS: list(servers), RULES: list(rules), DELETED_RULES: list(deleted_rules)}
        super(WriteApi, self).__init__(lists=lists, **kwargs)
        self.interval = {'id': '1', 'interval': interval_ms, 'platform': 'VPC', 'isDeleted': False}
        self.activate_to = activate_to
        self.faults = faults or {}
        self.refuse = refuse or {}
        self.writes = []

    @property
    def reads(self):
        return [c for c in self.calls if c not in self.writes]

    def _answer(self, call):
        if call.path == INTERVAL and call.method == 'GET':
            return ok(self.interval)
        if call.method == 'GET' or (call.method == 'POST' and not call.path.endswith('/recover')):
            return super(WriteApi, self)._answer(call)
        self.writes.append(call)
        if call.path in self.refuse:
            refused = self.refuse[call.path]
            return refused(self) if callable(refused) else refusal(*refused)
        pending = self.faults.get(call.path) or []
        fault = pending.pop(0) if pending else None
        if isinstance(fault, Response):
            return fault
        if fault == 'fail':
            return Response(503, b'Service Unavailable')
        answer = self._write(call)
        if fault == 'drop':
            raise requests.exceptions.ReadTimeout('Read timed out. (read timeout=30)')
        return answer

    def _find(self, path, key, ident):
        for record in self.lists[path]:
            if record[key] == ident:
                return record
        return None

    def _write(self, call):
        parts = call.path.split('/')  # ['', 'api', 'v1', collection, id, ...]
        if call.path == INTERVAL:
            return self._set_interval(call.body)
        collection, ident, action = parts[3], parts[4], '/'.join(parts[5:])
        if collection == 'servers':
            return self._server(self._find(SERVERS, 'instanceNo', ident), action, call.body)
        path = RULES if collection == 'exception-rules' else DELETED_RULES
        return self._rule(path, self._find(path, 'exceptedRuleId', ident), action, call)

    def _server(self, record, action, body):
        if record is None:
            return Response(404, {'error': {'errorCode': '300', 'message': 'Not Found Exception'}})
        if action == 'memo':
            record['memo'] = body['content']
        elif action == 'agent/activate':
            if record['agentStatus'] == 'notInstalled':
                return refusal(8004, 'Invaliddata.The agent status is notInstalled.')
            record['agentStatus'] = self.activate_to
        else:
            record['agentStatus'] = 'disable'
        return ok(None)

    def _rule(self, path, record, action, call):
        if record is None:
            return refusal(8004, 'Invaliddata.The exception rule is not in this list.')
        if action == 'memo':
            record['memo'] = call.body['content']
        elif call.method == 'DELETE':
            self.lists[RULES].remove(record)
            record['isDeleted'] = True
            self.lists[DELETED_RULES].append(record)
        else:  # recover
            self.lists[DELETED_RULES].remove(record)
            record['isDeleted'] = False
            self.lists[RULES].append(record)
        return ok(None)

    def _set_interval(self, body):
        names = {'one_min': 60000, 'ten_min': 600000, 'one_hour': 3600000, 'twenty_four_hour': 86400000}
        self.interval['interval'] = names[body['interval']]
        return ok(None)


def result_of(out):
    return json.loads(out)
