# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful stub of the WBD detection-side writes (detections, excepted detections, their suspicious files,
quarantines) for the unit tests of detection, suspicious_object, excepted_detection and quarantine (not a test
module itself).

``DetectionsApi`` extends the shared ``FakeWbdApi`` (tests/unit/conftest.py): its lists are the state the writes
change, and each detection's files (``suspicionFiles``) are the suspicious objects served per detection.
``faults``: {path: ['drop', ...]} taken one per write to that path (``'drop'`` applies the write, then the answer is
lost as a read timeout). ``writes`` records every write call, ``module`` runs a module's main() over the stub.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import requests
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.tests.unit.conftest import FakeWbdApi, Response, ok
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import main_output

DETECTIONS = '/api/v1/detections'
EXCEPTIONS = '/api/v1/exceptions'
QUARANTINES = '/api/v1/quarantines'
SECRET = 'unit-secret-never-printed'
BASE = {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': 'http://127.0.0.1:1'}


def refusal(code, message):
    return Response(200, {'success': False, 'code': code, 'message': message, 'result': None})


def detections(count, start=0, files=0, status='detected', memo=None):
    """``count`` detection records with ``files`` suspicious files each (IDs: detection 22 digits, file = detection + k)."""
    records = []
    for i in range(start, start + count):
        ident = '%022d' % (i * 10)
        sfiles = [{'suspicionFileId': '%022d' % (i * 10 + k + 1), 'detectionId': ident, 'status': status, 'memo': None} for k in range(files)]
        records.append({'detectionId': ident, 'memo': memo, 'suspicionFiles': sfiles})
    return records


class DetectionsApi(FakeWbdApi):
    def __init__(self, detected=(), excepted=(), faults=None, refuse=None, **kwargs):
        lists = {DETECTIONS: list(detected), EXCEPTIONS: list(excepted), QUARANTINES: []}
        super(DetectionsApi, self).__init__(lists=lists, **kwargs)
        for record in lists[DETECTIONS] + lists[EXCEPTIONS]:
            lists[QUARANTINES].extend(f for f in record['suspicionFiles'] if f['status'] == 'quarantined')
        self.faults = faults or {}
        self.refuse = refuse or {}
        self.writes = []

    @property
    def reads(self):
        return [c for c in self.calls if c not in self.writes]

    def record(self, collection, ident):
        return next((r for r in self.lists[collection] if r['detectionId'] == ident), None)

    def file(self, file_id):
        return next((f for path in (DETECTIONS, EXCEPTIONS) for r in self.lists[path] for f in r['suspicionFiles'] if f['suspicionFileId'] == file_id), None)

    def _answer(self, call):
        parts = call.path.split('/')  # ['', 'api', 'v1', collection, id, ...]
        if call.method == 'GET' and call.path.endswith('/suspicious-objects'):
            record = self.record('/api/v1/' + parts[3], parts[4])
            return ok(list(record['suspicionFiles']) if record else [])
        if call.method in ('GET', 'POST'):
            return super(DetectionsApi, self)._answer(call)
        self.writes.append(call)
        if call.path in self.refuse:
            return refusal(*self.refuse[call.path])
        answer = self._write(call, parts)
        pending = self.faults.get(call.path) or []
        if pending and pending.pop(0) == 'drop':
            raise requests.exceptions.ReadTimeout('Read timed out. (read timeout=30)')
        return answer

    def _write(self, call, parts):
        collection, ident, action = '/api/v1/' + parts[3], parts[4], '/'.join(parts[5:])
        if collection == QUARANTINES:
            return self._quarantine(self.file(ident), action, call.body)
        record = self.record(collection, ident)
        if record is None:
            return refusal(8001, 'Invaliddata.The detection data does not exist.')
        if call.method == 'DELETE':
            self.lists[DETECTIONS].remove(record)
        elif action == 'memo':
            record['memo'] = call.body['content']
        elif action == 'cancel':
            self.lists[EXCEPTIONS].remove(record)
            self.lists[DETECTIONS].append(record)
        else:
            return self._object(record, parts[6], parts[7], call.body)
        return ok(None)

    def _object(self, record, file_id, action, body):
        sfile = next((f for f in record['suspicionFiles'] if f['suspicionFileId'] == file_id), None)
        if sfile is None:
            return refusal(8001, 'Invaliddata.The suspicious object data does not exist.')
        if action == 'memo':
            sfile['memo'] = body['content']
            return ok(None)
        wanted, needed = ('quarantined', 'detected') if action == 'quarantine' else ('detected', 'quarantined')
        if sfile['status'] != needed:
            code = 8008 if sfile['status'] == 'quarantineFailed' else 8004
            return refusal(code, 'Invalid file status.The status of file is %s' % sfile['status'])
        sfile['status'] = wanted
        if wanted == 'quarantined':
            self.lists[QUARANTINES].append(sfile)
        else:
            self.lists[QUARANTINES].remove(sfile)
        return ok(None)

    def _quarantine(self, sfile, action, body):
        if sfile is None or sfile['status'] != 'quarantined':
            return refusal(8004, 'Invalid file status.The status of file is %s' % (sfile or {}).get('status'))
        if action == 'memo':
            sfile['memo'] = body['content']
        else:
            sfile['status'] = 'detected'
            self.lists[QUARANTINES].remove(sfile)
        return ok(None)

    def module(self, module, env, capsys, **args):
        """Run ``module.main()`` over this stub with ``args`` (and the test keys); its JSON result."""
        env.setattr(client_mod.WbdClient, '_new_session', staticmethod(lambda pool_size: self))
        out = main_output(module, dict(BASE, **args), capsys)
        assert SECRET not in out
        return json.loads(out)
