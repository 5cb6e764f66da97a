# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sandbox's write half: every write route, its errors, the read-only key, the memo log, the write faults.

Each test gets its own sandbox on fixtures/writes_known.json (writes change it), and talks to it over real HTTP with
signed requests.
"""

import http.client
import json
import os
import socket
import sys
import threading
import time

import pytest
from ansible_collections.ncloud.wbd.tests.unit.sandbox.sandbox_client import LIMITED, READONLY, call, connect, control, headers, raw

SANDBOX_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'sandbox'))
if SANDBOX_DIR not in sys.path:
    sys.path.insert(0, SANDBOX_DIR)

import sandbox_faults  # noqa: E402  pylint: disable=wrong-import-position
import sandbox_writes  # noqa: E402  pylint: disable=wrong-import-position
import wbd_sandbox  # noqa: E402  pylint: disable=wrong-import-position

D1, D2, D3 = '2026110100000000000101', '2026110100000000000102', '2026110100000000000103'
E1, E2 = '2026110100000000000201', '2026110100000000000202'
R1, R2, R3 = '2026110100000000000301', '2026110100000000000302', '2026110100000000000303'
F_DETECTED, F_FAILED, F_QUARANTINED, F_EXCEPTED, F_ORPHAN, F_EXCEPTED_QUARANTINED = ('20261101000000000010%02d' % n for n in range(1, 7))
S_DISABLE, S_NOT_INSTALLED, S_ENABLE, S_ACTIVATING, S_ERROR = ('1000000%d' % n for n in range(1, 6))
UNKNOWN = '2099010100000000009999'
FIXTURE = os.path.join(SANDBOX_DIR, 'fixtures', 'writes_known.json')
# One request per write route, on records of FIXTURE where each succeeds (the read-only and fault tests use them).
WRITES = (
    ('DELETE', '/api/v1/detections/%s' % D2, None),
    ('PATCH', '/api/v1/detections/%s/memo' % D2, {'content': 'x'}),
    ('PATCH', '/api/v1/detections/%s/suspicious-objects/%s/quarantine' % (D1, F_DETECTED), None),
    ('PATCH', '/api/v1/detections/%s/suspicious-objects/%s/recover' % (D1, F_QUARANTINED), None),
    ('PATCH', '/api/v1/detections/%s/suspicious-objects/%s/memo' % (D1, F_DETECTED), {'content': 'x'}),
    ('PATCH', '/api/v1/exceptions/%s/cancel' % E2, None),
    ('PATCH', '/api/v1/exceptions/%s/memo' % E2, {'content': 'x'}),
    ('PATCH', '/api/v1/exceptions/%s/suspicious-objects/%s/quarantine' % (E1, F_EXCEPTED), None),
    ('PATCH', '/api/v1/exceptions/%s/suspicious-objects/%s/recover' % (E1, F_EXCEPTED_QUARANTINED), None),
    ('PATCH', '/api/v1/exceptions/%s/suspicious-objects/%s/memo' % (E1, F_EXCEPTED), {'content': 'x'}),
    ('PATCH', '/api/v1/quarantines/%s/memo' % F_ORPHAN, {'content': 'x'}),
    ('PATCH', '/api/v1/quarantines/%s/recover' % F_ORPHAN, None),
    ('PATCH', '/api/v1/exception-rules/%s/memo' % R1, {'content': 'x'}),
    ('DELETE', '/api/v1/exception-rules/%s' % R1, None),
    ('PATCH', '/api/v1/deleted-exception-rules/%s/memo' % R3, {'content': 'x'}),
    ('POST', '/api/v1/deleted-exception-rules/%s/recover' % R3, None),
    ('PATCH', '/api/v1/alarm/interval', {'interval': 'one_hour'}),
    ('PATCH', '/api/v1/servers/%s/agent/activate' % S_DISABLE, None),
    ('PATCH', '/api/v1/servers/%s/agent/deactivate' % S_ENABLE, None),
    ('PATCH', '/api/v1/servers/%s/memo' % S_ENABLE, {'content': 'x'}),
)
SUCCESS = {'success': True, 'code': 0, 'message': 'success', 'result': None}


@pytest.fixture
def sb():
    """A fresh sandbox on fixtures/writes_known.json: (server, base_url)."""
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=60, dataset_file=FIXTURE, activation_delay_ms=300)
    yield server, base_url
    server.stop()


def ok(base_url, method, uri, body=None):
    status, answer = call(base_url, method, uri, body)
    assert status == 200 and answer['success'] is True and answer['result'] is None, answer
    return answer


def refused(base_url, method, uri, body=None):
    """(code, message) of a WBD business error (HTTP 200, success false, result null)."""
    status, answer = call(base_url, method, uri, body)
    assert status == 200 and answer['success'] is False and answer['result'] is None, answer
    return answer['code'], answer['message']


def listing(base_url, resource):
    return call(base_url, 'GET', '/api/v1/%s?pageIndex=0&pageSize=100' % resource)[1]['result']['content']


def ids(base_url, resource):
    field = {'servers': 'instanceNo', 'quarantines': 'suspicionFileId', 'exception-rules': 'exceptedRuleId', 'deleted-exception-rules': 'exceptedRuleId'}
    return [record[field.get(resource, 'detectionId')] for record in listing(base_url, resource)]


ID_KEYS = ('detectionId', 'instanceNo', 'exceptedRuleId', 'suspicionFileId')


def record_of(base_url, resource, record_id):
    found = [r for r in listing(base_url, resource) if record_id in [r.get(key) for key in ID_KEYS]]
    return found[0] if found else None


def obj(base_url, resource, detection_id, file_id):
    objects = call(base_url, 'GET', '/api/v1/%s/%s/suspicious-objects' % (resource, detection_id))[1]['result']
    return [o for o in objects if o['suspicionFileId'] == file_id][0]


def stats(base_url):
    return control(base_url, '/__sandbox/stats')


# ---- detections and excepted detections -------------------------------------


def test_detection_memo_replaces_the_text_and_is_logged(sb):
    before = record_of(sb[1], 'detections', D1)
    assert ok(sb[1], 'PATCH', '/api/v1/detections/%s/memo' % D1, {'content': 'analyst: looks real\nSEC-1'}) == SUCCESS
    after = record_of(sb[1], 'detections', D1)
    assert after['memo'] == 'analyst: looks real\nSEC-1' and after['lastUpdatedTime'] > before['lastUpdatedTime']
    found = call(sb[1], 'POST', '/api/v1/detections', {'pageIndex': 0, 'pageSize': 10, 'memo': 'SEC-1'})[1]['result']['content']
    assert [d['detectionId'] for d in found] == [D1]
    memos = control(sb[1], '/__sandbox/memos')
    assert memos['count'] == 1
    expected = {'seq': 1, 'operation': 'PATCH /api/v1/detections/{id}/memo', 'resource': 'detections', 'id': D1, 'old': 'analyst: looks real'}
    assert memos['memos'][0] == dict(expected, new='analyst: looks real\nSEC-1', time_ms=memos['memos'][0]['time_ms'])
    entry = stats(sb[1])['requests'][1]
    assert entry['operation'] == 'PATCH /api/v1/detections/{id}/memo' and entry['body'] == {'content': 'analyst: looks real\nSEC-1'}
    assert entry['write'] is True and entry['applied'] is True


@pytest.mark.parametrize(
    'body,message', [(None, 'content must not be null.'), ({}, 'content must not be null.'), ({'content': 7}, 'content must be a string.')]
)
def test_memo_without_string_content_is_a_400_envelope(sb, body, message):
    assert refused(sb[1], 'PATCH', '/api/v1/detections/%s/memo' % D1, body) == (400, message)
    assert record_of(sb[1], 'detections', D1)['memo'] == 'analyst: looks real'
    assert control(sb[1], '/__sandbox/memos')['count'] == 0 and stats(sb[1])['writes_applied'] == 0


def test_an_empty_memo_clears_it(sb):
    ok(sb[1], 'PATCH', '/api/v1/exception-rules/%s/memo' % R2, {'content': ''})
    assert record_of(sb[1], 'exception-rules', R2)['memo'] == ''
    assert control(sb[1], '/__sandbox/memos?resource=exception-rules')['memos'][0]['old'] == 'kept for the batch jobs'


def test_delete_webshell_removes_the_detection_once(sb):
    ok(sb[1], 'DELETE', '/api/v1/detections/%s' % D1)
    assert ids(sb[1], 'detections') == [D2, D3]
    assert call(sb[1], 'GET', '/api/v1/detections/%s/suspicious-objects' % D1)[1]['result'] == []
    deleted = 'Invaliddata.The detection data deleted is true, excepted is false.'
    assert refused(sb[1], 'DELETE', '/api/v1/detections/%s' % D1) == (8004, deleted)
    assert refused(sb[1], 'PATCH', '/api/v1/detections/%s/memo' % D1, {'content': 'x'}) == (8004, deleted)
    assert refused(sb[1], 'PATCH', '/api/v1/exceptions/%s/cancel' % D1) == (8004, deleted)
    assert refused(sb[1], 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/quarantine' % (D1, F_DETECTED)) == (8004, deleted)
    # Its quarantined file stays quarantined, and is still known by its quarantine ID.
    assert F_QUARANTINED in ids(sb[1], 'quarantines')
    snap = stats(sb[1])
    assert snap['writes_total'] == 5 and snap['writes_applied'] == 1 and snap['by_operation']['DELETE /api/v1/detections/{id}'] == 2


def test_missing_resources_are_8001_in_their_own_words(sb):
    expected = {
        ('DELETE', '/api/v1/detections/%s' % UNKNOWN): 'detection',
        ('PATCH', '/api/v1/exceptions/%s/cancel' % UNKNOWN): 'detection',
        ('PATCH', '/api/v1/detections/%s/suspicious-objects/%s/quarantine' % (D1, UNKNOWN)): 'suspicious object',
        ('PATCH', '/api/v1/detections/%s/suspicious-objects/%s/quarantine' % (D2, F_DETECTED)): 'suspicious object',
        ('PATCH', '/api/v1/quarantines/%s/recover' % UNKNOWN): 'quarantine',
        ('DELETE', '/api/v1/exception-rules/%s' % UNKNOWN): 'exception rule',
        ('POST', '/api/v1/deleted-exception-rules/%s/recover' % UNKNOWN): 'exception rule',
        ('PATCH', '/api/v1/servers/%s/agent/activate' % '99999999'): 'server',
    }
    for (method, uri), kind in expected.items():
        assert refused(sb[1], method, uri) == (8001, 'Invaliddata.The %s data does not exist.' % kind), uri
    assert stats(sb[1])['writes_applied'] == 0


def test_revoke_moves_the_excepted_detection_back_in_time_order(sb):
    ok(sb[1], 'PATCH', '/api/v1/exceptions/%s/cancel' % E1)
    assert ids(sb[1], 'detections') == [D1, E1, D2, D3] and ids(sb[1], 'exceptions') == [E2]
    objects = call(sb[1], 'GET', '/api/v1/detections/%s/suspicious-objects' % E1)[1]['result']
    assert [o['suspicionFileId'] for o in objects] == [F_EXCEPTED, F_EXCEPTED_QUARANTINED]
    assert call(sb[1], 'GET', '/api/v1/exceptions/%s/suspicious-objects' % E1)[1]['result'] == []
    # The documented 8004 (wbd-api 10.1), word for word: revoking what is not excepted.
    documented = (8004, 'Invaliddata.The detection data deleted is false, excepted is false.')
    assert refused(sb[1], 'PATCH', '/api/v1/exceptions/%s/cancel' % E1) == documented
    assert refused(sb[1], 'PATCH', '/api/v1/exceptions/%s/memo' % D2, {'content': 'x'}) == documented
    assert refused(sb[1], 'DELETE', '/api/v1/detections/%s' % E2) == (8004, 'Invaliddata.The detection data deleted is false, excepted is true.')


def test_excepted_detection_memo(sb):
    ok(sb[1], 'PATCH', '/api/v1/exceptions/%s/memo' % E2, {'content': 'why excepted'})
    assert record_of(sb[1], 'exceptions', E2)['memo'] == 'why excepted'
    assert control(sb[1], '/__sandbox/memos?resource=exceptions&id=%s' % E2)['memos'][0]['new'] == 'why excepted'


# ---- suspicious objects and quarantines ---------------------------------------


def test_quarantine_and_recover_a_detection_file(sb):
    ok(sb[1], 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/quarantine' % (D1, F_DETECTED))
    quarantined = obj(sb[1], 'detections', D1, F_DETECTED)
    assert quarantined['status'] == 'quarantined' and quarantined['quarantineFileName'] == '/var/www/html/shell.php.%s.wbdq' % F_DETECTED
    assert quarantined['quarantineTime'] >= sb[0].dataset.anchor_ms
    assert ids(sb[1], 'quarantines') == [F_DETECTED, F_QUARANTINED, F_ORPHAN, F_EXCEPTED_QUARANTINED]
    assert refused(sb[1], 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/quarantine' % (D1, F_DETECTED)) == (
        8004,
        'Invalid file status.The status of file is quarantined',
    )
    ok(sb[1], 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/recover' % (D1, F_DETECTED))
    recovered = obj(sb[1], 'detections', D1, F_DETECTED)
    assert recovered['status'] == 'detected' and recovered['quarantineFileName'] == '' and 'quarantineTime' not in recovered
    assert ids(sb[1], 'quarantines') == [F_QUARANTINED, F_ORPHAN, F_EXCEPTED_QUARANTINED]
    # Recovering what is not quarantined: 8004 naming the status.
    assert refused(sb[1], 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/recover' % (D1, F_DETECTED)) == (
        8004,
        'Invalid file status.The status of file is detected',
    )


@pytest.mark.parametrize('action', ['quarantine', 'recover'])
def test_a_file_in_quarantine_failed_is_8008(sb, action):
    uri = '/api/v1/detections/%s/suspicious-objects/%s/%s' % (D1, F_FAILED, action)
    assert refused(sb[1], 'PATCH', uri) == (8008, 'Invalid file status.The status of file is quarantineFailed')
    assert obj(sb[1], 'detections', D1, F_FAILED)['status'] == 'quarantineFailed'
    ok(sb[1], 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/memo' % (D1, F_FAILED), {'content': 'gone from disk'})
    assert obj(sb[1], 'detections', D1, F_FAILED)['memo'] == 'gone from disk'


def test_object_memo_is_the_files_own(sb):
    ok(sb[1], 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/memo' % (D1, F_DETECTED), {'content': 'sha1 checked'})
    assert obj(sb[1], 'detections', D1, F_DETECTED)['memo'] == 'sha1 checked'
    assert record_of(sb[1], 'detections', D1)['memo'] == 'analyst: looks real'
    entry = control(sb[1], '/__sandbox/memos')['memos'][0]
    assert (entry['resource'], entry['id'], entry['parent_id'], entry['old']) == ('detection-objects', F_DETECTED, D1, '')


def test_excepted_detection_files(sb):
    base = '/api/v1/exceptions/%s/suspicious-objects/%s' % (E1, F_EXCEPTED)
    ok(sb[1], 'PATCH', base + '/quarantine')
    assert obj(sb[1], 'exceptions', E1, F_EXCEPTED)['status'] == 'quarantined' and ids(sb[1], 'quarantines')[0] == F_EXCEPTED
    ok(sb[1], 'PATCH', base + '/memo', {'content': 'excepted but malware'})
    assert record_of(sb[1], 'quarantines', F_EXCEPTED)['memo'] == 'excepted but malware'
    ok(sb[1], 'PATCH', base + '/recover')
    assert obj(sb[1], 'exceptions', E1, F_EXCEPTED)['status'] == 'detected' and F_EXCEPTED not in ids(sb[1], 'quarantines')
    assert control(sb[1], '/__sandbox/memos')['memos'][0]['resource'] == 'exception-objects'
    labels = set(stats(sb[1])['by_operation'])
    assert 'PATCH /api/v1/exceptions/{id}/suspicious-objects/{object_id}/quarantine' in labels
    assert 'PATCH /api/v1/exceptions/{id}/suspicious-objects/{object_id}/memo' in labels


def test_quarantine_memo_and_recover_by_quarantine_id(sb):
    ok(sb[1], 'PATCH', '/api/v1/quarantines/%s/memo' % F_QUARANTINED, {'content': 'keep 30 days'})
    assert record_of(sb[1], 'quarantines', F_QUARANTINED)['memo'] == 'keep 30 days'
    assert obj(sb[1], 'detections', D1, F_QUARANTINED)['memo'] == 'keep 30 days'
    found = call(sb[1], 'POST', '/api/v1/quarantines', {'pageIndex': 0, 'pageSize': 10, 'memo': '30 days'})[1]['result']['content']
    assert [q['suspicionFileId'] for q in found] == [F_QUARANTINED]
    ok(sb[1], 'PATCH', '/api/v1/quarantines/%s/recover' % F_QUARANTINED)
    assert ids(sb[1], 'quarantines') == [F_ORPHAN, F_EXCEPTED_QUARANTINED] and obj(sb[1], 'detections', D1, F_QUARANTINED)['status'] == 'detected'
    not_quarantined = (8004, 'Invalid file status.The status of file is detected')
    assert refused(sb[1], 'PATCH', '/api/v1/quarantines/%s/recover' % F_QUARANTINED) == not_quarantined
    assert refused(sb[1], 'PATCH', '/api/v1/quarantines/%s/memo' % F_DETECTED, {'content': 'x'}) == not_quarantined
    assert refused(sb[1], 'PATCH', '/api/v1/quarantines/%s/recover' % F_FAILED) == (8008, 'Invalid file status.The status of file is quarantineFailed')
    # A quarantine whose detection the sandbox does not have: recovered once, then known and not quarantined.
    ok(sb[1], 'PATCH', '/api/v1/quarantines/%s/recover' % F_ORPHAN)
    assert ids(sb[1], 'quarantines') == [F_EXCEPTED_QUARANTINED] and refused(sb[1], 'PATCH', '/api/v1/quarantines/%s/recover' % F_ORPHAN) == not_quarantined


# ---- exception rules ------------------------------------------------------------


def test_delete_and_recover_an_exception_rule(sb):
    ok(sb[1], 'PATCH', '/api/v1/exception-rules/%s/memo' % R1, {'content': 'too broad?'})
    ok(sb[1], 'DELETE', '/api/v1/exception-rules/%s' % R1)
    assert ids(sb[1], 'exception-rules') == [R2] and ids(sb[1], 'deleted-exception-rules') == [R1, R3]
    moved = record_of(sb[1], 'deleted-exception-rules', R1)
    assert moved['isDeleted'] is True and moved['deletedTime'] >= sb[0].dataset.anchor_ms and moved['memo'] == 'too broad?'
    found = call(sb[1], 'POST', '/api/v1/deleted-exception-rules', {'pageIndex': 0, 'pageSize': 10, 'exceptedRuleName': 'rule-a'})[1]['result']
    assert [r['exceptedRuleId'] for r in found['content']] == [R1]
    assert refused(sb[1], 'DELETE', '/api/v1/exception-rules/%s' % R1) == (8004, 'Invaliddata.The exception rule data deleted is true.')
    assert refused(sb[1], 'PATCH', '/api/v1/exception-rules/%s/memo' % R1, {'content': 'x'}) == (8004, 'Invaliddata.The exception rule data deleted is true.')
    ok(sb[1], 'PATCH', '/api/v1/deleted-exception-rules/%s/memo' % R3, {'content': 'was for the old batch'})
    ok(sb[1], 'POST', '/api/v1/deleted-exception-rules/%s/recover' % R3)
    assert ids(sb[1], 'exception-rules') == [R2, R3] and ids(sb[1], 'deleted-exception-rules') == [R1]
    back = record_of(sb[1], 'exception-rules', R3)
    assert back['isDeleted'] is False and back['deletedTime'] is None and back['memo'] == 'was for the old batch'
    live = (8004, 'Invaliddata.The exception rule data deleted is false.')
    assert refused(sb[1], 'POST', '/api/v1/deleted-exception-rules/%s/recover' % R2) == live
    assert refused(sb[1], 'PATCH', '/api/v1/deleted-exception-rules/%s/memo' % R2, {'content': 'x'}) == live
    resources = [m['resource'] for m in control(sb[1], '/__sandbox/memos')['memos']]
    assert resources == ['exception-rules', 'deleted-exception-rules']


# ---- notification interval, agents, detection targets -----------------------------


def test_notification_interval(sb):
    ok(sb[1], 'PATCH', '/api/v1/alarm/interval', {'interval': 'twenty_four_hour'})
    interval = call(sb[1], 'GET', '/api/v1/alarm/interval')[1]['result']
    assert interval['interval'] == 86400000 and interval['lastUpdatedTime'] >= sb[0].dataset.anchor_ms
    for body in ({'interval': 'two_days'}, {}, None, {'interval': 60000}):
        code, message = refused(sb[1], 'PATCH', '/api/v1/alarm/interval', body)
        assert code == 400 and message.startswith('interval must be one of: one_min, two_min,')
    assert call(sb[1], 'GET', '/api/v1/alarm/interval')[1]['result']['interval'] == 86400000
    assert sandbox_writes.INTERVALS['ten_min'] == 600000 and len(sandbox_writes.INTERVALS) == 12


def test_activate_passes_through_activating_to_enable(sb):
    ok(sb[1], 'PATCH', '/api/v1/servers/%s/agent/activate' % S_DISABLE)
    assert record_of(sb[1], 'servers', S_DISABLE)['agentStatus'] == 'activating'
    assert refused(sb[1], 'PATCH', '/api/v1/servers/%s/agent/activate' % S_DISABLE) == (8004, 'Invaliddata.The status of agent is activating.')
    activating = call(sb[1], 'POST', '/api/v1/servers', {'agentStatus': ['activating']})[1]['result']['content']
    assert sorted(s['instanceNo'] for s in activating) == [S_DISABLE, S_ACTIVATING]
    time.sleep(0.4)
    assert record_of(sb[1], 'servers', S_DISABLE)['agentStatus'] == 'enable'
    # A generated/fixture 'activating' agent has no pending activation: it stays stuck, as audits expect.
    assert record_of(sb[1], 'servers', S_ACTIVATING)['agentStatus'] == 'activating'
    assert refused(sb[1], 'PATCH', '/api/v1/servers/%s/agent/activate' % S_DISABLE) == (8004, 'Invaliddata.The status of agent is enable.')
    ok(sb[1], 'PATCH', '/api/v1/servers/%s/agent/activate' % S_ERROR)
    assert control(sb[1], '/__sandbox/dataset?resource=servers')['records'][4]['agentStatus'] == 'activating'


def test_activating_an_agent_that_is_not_installed_is_8004(sb):
    assert refused(sb[1], 'PATCH', '/api/v1/servers/%s/agent/activate' % S_NOT_INSTALLED) == (8004, 'Invaliddata.The status of agent is notInstalled.')
    assert refused(sb[1], 'PATCH', '/api/v1/servers/%s/agent/deactivate' % S_NOT_INSTALLED) == (8004, 'Invaliddata.The status of agent is notInstalled.')
    assert record_of(sb[1], 'servers', S_NOT_INSTALLED)['agentStatus'] == 'notInstalled'


def test_deactivate_answers_successful_and_cancels_a_pending_activation(sb):
    status, answer = call(sb[1], 'PATCH', '/api/v1/servers/%s/agent/deactivate' % S_ENABLE)
    assert status == 200 and answer == {'success': True, 'code': 0, 'message': 'Successful', 'result': None}
    assert record_of(sb[1], 'servers', S_ENABLE)['agentStatus'] == 'disable'
    assert refused(sb[1], 'PATCH', '/api/v1/servers/%s/agent/deactivate' % S_ENABLE) == (8004, 'Invaliddata.The status of agent is disable.')
    ok(sb[1], 'PATCH', '/api/v1/servers/%s/agent/activate' % S_DISABLE)
    ok(sb[1], 'PATCH', '/api/v1/servers/%s/agent/deactivate' % S_DISABLE)
    time.sleep(0.4)
    assert record_of(sb[1], 'servers', S_DISABLE)['agentStatus'] == 'disable'


def test_activation_delay_is_set_at_runtime(sb):
    config = control(sb[1], '/__sandbox/config', {'activation_delay_ms': 0})
    assert config['activation_delay_ms'] == 0 and 'readonly_secret_key' not in config and config['readonly_access_key'] == READONLY[0]
    ok(sb[1], 'PATCH', '/api/v1/servers/%s/agent/activate' % S_DISABLE)
    assert record_of(sb[1], 'servers', S_DISABLE)['agentStatus'] == 'enable'
    for body, error in (
        ({'activation_delay_ms': -1}, 'activation_delay_ms must be an integer >= 0'),
        ({'activation_delay_ms': '5'}, 'activation_delay_ms must be an integer >= 0'),
        ({'latency_ms': 5}, 'not settable at runtime: latency_ms'),
        ({}, 'the body must be a JSON object'),
    ):
        answer = control(sb[1], '/__sandbox/config', body)
        assert answer['ok'] is False and error in answer['error']
    assert control(sb[1], '/__sandbox/config')['activation_delay_ms'] == 0


def test_detection_target_memo(sb):
    ok(sb[1], 'PATCH', '/api/v1/servers/%s/memo' % S_ENABLE, {'content': 'owner: web team\npatched 2026-12'})
    assert record_of(sb[1], 'servers', S_ENABLE)['memo'] == 'owner: web team\npatched 2026-12'
    found = call(sb[1], 'POST', '/api/v1/servers', {'memo': 'patched'})[1]['result']['content']
    assert [s['instanceNo'] for s in found] == [S_ENABLE]
    entry = control(sb[1], '/__sandbox/memos?resource=servers')['memos'][0]
    assert (entry['id'], entry['old'], entry['operation']) == (S_ENABLE, 'owner: web team', 'PATCH /api/v1/servers/{id}/memo')


# ---- keys, stats, logs -------------------------------------------------------------------


def test_every_write_route_is_tested_here():
    assert len(WRITES) == len(sandbox_writes.WRITE_ROUTES) == 20
    labels = set(sandbox_writes.route(method, uri.split('?')[0])[0] for method, uri, body in WRITES)
    assert labels == set(sandbox_writes.OPERATION_NAMES)


@pytest.mark.parametrize('method,uri,body', WRITES)
def test_each_write_applies_once_with_the_full_key(sb, method, uri, body):
    """Each route succeeds once on the fixture, is counted as an applied write, and its label is the route's."""
    ok(sb[1], method, uri, body)
    snap = stats(sb[1])
    label = sandbox_writes.route(method, uri)[0]
    assert snap['writes_total'] == snap['writes_applied'] == 1 and snap['by_operation'] == {label: 1}


@pytest.mark.parametrize('method,uri,body', WRITES)
def test_the_read_only_key_reads_but_every_write_is_a_gateway_403(sb, method, uri, body):
    assert call(sb[1], 'GET', '/api/v1/servers', hdrs=headers('GET', '/api/v1/servers', *READONLY))[0] == 200
    before = control(sb[1], '/__sandbox/dataset?resource=detections')
    status, answer = call(sb[1], method, uri, body, hdrs=headers(method, uri, *READONLY))
    assert status == 403 and answer == {'error': {'errorCode': '230', 'message': 'Forbidden', 'details': 'the access key has no permission for this operation'}}
    assert control(sb[1], '/__sandbox/dataset?resource=detections') == before
    entry = stats(sb[1])['requests'][-1]
    assert entry['write'] is True and entry['applied'] is False and entry['access_key'] == READONLY[0]
    assert READONLY[1] not in json.dumps(stats(sb[1]))


def test_the_limited_key_gets_401_on_writes_too(sb):
    uri = '/api/v1/detections/%s' % D1
    status, answer = call(sb[1], 'DELETE', uri, hdrs=headers('DELETE', uri, *LIMITED))
    assert status == 401 and answer['error']['errorCode'] == '210' and D1 in ids(sb[1], 'detections')


def test_reads_are_not_writes_and_unknown_write_paths_are_404(sb):
    listing(sb[1], 'detections')
    call(sb[1], 'POST', '/api/v1/servers', {'agentStatus': ['enable']})
    snap = stats(sb[1])
    assert snap['writes_total'] == 0 and [r['write'] for r in snap['requests']] == [False, False]
    status, answer = call(sb[1], 'PATCH', '/api/v1/detections/%s/confirm' % D1)
    assert status == 404 and answer['error']['errorCode'] == '300'
    status = call(sb[1], 'PATCH', '/api/v1/exception-rules/%s/recover' % R3)[0]
    assert status == 404
    snap = stats(sb[1])
    assert snap['writes_total'] == 2 and snap['writes_applied'] == 0 and snap['by_operation']['PATCH (not found)'] == 2


def test_memo_log_filters_and_clears_with_the_stats(sb):
    ok(sb[1], 'PATCH', '/api/v1/detections/%s/memo' % D1, {'content': 'one'})
    ok(sb[1], 'PATCH', '/api/v1/detections/%s/memo' % D2, {'content': 'two'})
    ok(sb[1], 'PATCH', '/api/v1/detections/%s/memo' % D1, {'content': 'one'})
    memos = control(sb[1], '/__sandbox/memos?resource=detections&id=%s' % D1)['memos']
    assert [(m['seq'], m['old'], m['new']) for m in memos] == [(1, 'analyst: looks real', 'one'), (3, 'one', 'one')]
    assert control(sb[1], '/__sandbox/memos?resource=servers') == {'count': 0, 'memos': []}
    control(sb[1], '/__sandbox/stats/reset', {})
    assert control(sb[1], '/__sandbox/memos')['count'] == 0 and record_of(sb[1], 'detections', D1)['memo'] == 'one'


# ---- faults on writes ----------------------------------------------------------------------

MEMO_URI = '/api/v1/detections/%s/memo' % D1


def _send_ignoring_breakage(base_url, method, uri, body):
    """Send; a dropped, reset or cut answer is what some faults do, so it only returns None then."""
    conn = connect(base_url)
    conn.timeout = 2
    try:
        status, hdrs, data = raw(base_url, method, uri, body, conn=conn)
        return status
    except (http.client.HTTPException, ConnectionError, socket.timeout):
        return None


@pytest.mark.parametrize('kind', sorted(sandbox_faults.FAULTS))
def test_which_faults_apply_a_write(sb, kind):
    """The README's table: the kinds in APPLYING serve the write before misbehaving, the others never reach it."""
    item = {'kind': kind, 'count': 1, 'match': 'PATCH *', 'seconds': 0.2, 'status': 503}
    control(sb[1], '/__sandbox/faults', {'queue': [item]})
    _send_ignoring_breakage(sb[1], 'PATCH', MEMO_URI, {'content': 'from the faulted write'})
    applied = record_of(sb[1], 'detections', D1)['memo'] == 'from the faulted write'
    assert applied is (kind in sandbox_faults.APPLYING)
    entry = stats(sb[1])['requests'][-2]  # the last one is record_of's read
    assert entry['fault'] == kind and entry['write'] is True and entry['applied'] is applied
    assert control(sb[1], '/__sandbox/memos')['count'] == int(applied)


def test_apply_then_drop_applies_once_and_answers_nothing(sb):
    control(sb[1], '/__sandbox/faults', {'queue': [{'kind': 'apply_then_drop', 'match': 'DELETE /api/v1/detections/{id}', 'count': 1}]})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        raw(sb[1], 'DELETE', '/api/v1/detections/%s' % D1)
    assert ids(sb[1], 'detections') == [D2, D3]
    # A client that re-reads sees it took; one that blindly retries is told it is already done.
    assert refused(sb[1], 'DELETE', '/api/v1/detections/%s' % D1)[0] == 8004
    snap = stats(sb[1])
    dropped = snap['requests'][0]
    assert (dropped['status'], dropped['fault'], dropped['applied']) == (None, 'apply_then_drop', True)
    assert snap['writes_total'] == 2 and snap['writes_applied'] == 1


def test_apply_then_error_and_5xx_faults_on_writes(sb):
    plan = {'queue': [{'kind': 'apply_then_error', 'status': 502, 'match': 'PATCH */memo'}, {'kind': '503', 'match': 'PATCH */memo'}]}
    control(sb[1], '/__sandbox/faults', plan)
    status, answer = call(sb[1], 'PATCH', '/api/v1/servers/%s/memo' % S_DISABLE, {'content': 'first'})
    assert status == 502 and answer == {'error': {'errorCode': '500', 'message': 'Endpoint Error'}}
    assert record_of(sb[1], 'servers', S_DISABLE)['memo'] == 'first'
    status, answer = call(sb[1], 'PATCH', '/api/v1/servers/%s/memo' % S_DISABLE, {'content': 'second'})
    assert status == 503 and record_of(sb[1], 'servers', S_DISABLE)['memo'] == 'first'
    assert [m['new'] for m in control(sb[1], '/__sandbox/memos')['memos']] == ['first']
    answer = control(sb[1], '/__sandbox/faults', {'queue': [{'kind': 'apply_then_error', 'status': 404}]})
    assert answer['ok'] is False and 'status must be one of: 500, 502, 503, 504' in answer['error']
    assert 'apply_then_drop' in control(sb[1], '/__sandbox/faults')['applying']


# ---- injected quarantine failures -------------------------------------------------------------

QUARANTINE_URI = '/api/v1/detections/%s/suspicious-objects/%s/quarantine' % (D1, F_DETECTED)


@pytest.mark.parametrize(
    'failure,code,message',
    [
        ('path_not_found', 5002, '[5002] The specified path could not be found'),
        ('no_files', 5101, '[5101] file quarantine or recovery failed: there are no files to quarantine or recover'),
        ('name_taken', 5101, '[5101] file quarantine or recovery failed: a file with the quarantine name already exists'),
    ],
)
def test_a_failed_quarantine_leaves_the_file_in_quarantine_failed(sb, failure, code, message):
    snapshot = control(sb[1], '/__sandbox/object-failures', {'failures': [{'object_id': F_DETECTED, 'failure': failure}]})
    assert snapshot['failures'] == [{'object_id': F_DETECTED, 'failure': failure, 'operation': 'any', 'remaining': 1}]
    assert refused(sb[1], 'PATCH', QUARANTINE_URI) == (code, message)
    assert obj(sb[1], 'detections', D1, F_DETECTED)['status'] == 'quarantineFailed'
    assert F_DETECTED not in ids(sb[1], 'quarantines')
    assert refused(sb[1], 'PATCH', QUARANTINE_URI) == (8008, 'Invalid file status.The status of file is quarantineFailed')
    assert control(sb[1], '/__sandbox/object-failures')['failures'] == []


def test_a_failed_recovery_leaves_the_file_quarantined(sb):
    control(sb[1], '/__sandbox/object-failures', {'failures': [{'object_id': F_QUARANTINED, 'failure': 'path_not_found', 'operation': 'recover', 'count': 2}]})
    uri = '/api/v1/quarantines/%s/recover' % F_QUARANTINED
    assert refused(sb[1], 'PATCH', uri)[0] == 5002 and refused(sb[1], 'PATCH', uri)[0] == 5002
    assert obj(sb[1], 'detections', D1, F_QUARANTINED)['status'] == 'quarantined'
    ok(sb[1], 'PATCH', uri)
    assert F_QUARANTINED not in ids(sb[1], 'quarantines')


def test_already_handled_by_someone_else(sb):
    control(sb[1], '/__sandbox/object-failures', {'failures': [{'object_id': F_DETECTED, 'failure': 'already_handled', 'operation': 'quarantine'}]})
    assert refused(sb[1], 'PATCH', QUARANTINE_URI) == (8004, 'Invalid file status.The status of file is quarantined')
    assert obj(sb[1], 'detections', D1, F_DETECTED)['status'] == 'quarantined' and ids(sb[1], 'quarantines')[0] == F_DETECTED
    assert stats(sb[1])['writes_applied'] == 0


def test_failures_for_another_operation_or_file_wait(sb):
    failures = [{'object_id': F_DETECTED, 'failure': 'no_files', 'operation': 'recover'}, {'object_id': F_EXCEPTED, 'failure': 'no_files'}]
    control(sb[1], '/__sandbox/object-failures', {'failures': failures})
    ok(sb[1], 'PATCH', QUARANTINE_URI)
    assert refused(sb[1], 'PATCH', '/api/v1/detections/%s/suspicious-objects/%s/recover' % (D1, F_DETECTED))[0] == 5101
    assert [f['object_id'] for f in control(sb[1], '/__sandbox/object-failures')['failures']] == [F_EXCEPTED]
    assert control(sb[1], '/__sandbox/object-failures', {'failures': []})['failures'] == []


@pytest.mark.parametrize(
    'body,error',
    [
        ({'failures': {}}, 'the body must be {"failures"'),
        ({'failures': [{'object_id': F_DETECTED, 'failure': 'gone'}]}, 'each failure needs "object_id"'),
        ({'failures': [{'object_id': 5, 'failure': 'no_files'}]}, 'each failure needs "object_id"'),
        ({'failures': [{'object_id': F_DETECTED, 'failure': 'no_files', 'operation': 'delete'}]}, 'operation must be one of'),
        ({'failures': [{'object_id': F_DETECTED, 'failure': 'no_files', 'count': 0}]}, 'count must be an integer >= 1'),
    ],
)
def test_bad_object_failures_are_refused(sb, body, error):
    answer = control(sb[1], '/__sandbox/object-failures', body)
    assert answer['ok'] is False and error in answer['error']


# ---- concurrency, generated data, command line ------------------------------------------------------


def test_writes_and_reads_in_parallel_stay_consistent(sb):
    """Memo writes on one thread while others page and search: every answer is whole JSON, the last memo wins."""
    errors = []

    def writer():
        for number in range(60):
            if call(sb[1], 'PATCH', '/api/v1/servers/%s/memo' % S_ENABLE, {'content': 'note %d' % number})[0] != 200:
                errors.append(number)

    def reader():
        for dummy in range(40):
            status, answer = call(sb[1], 'POST', '/api/v1/servers', {'memo': 'note'})
            if status != 200 or answer['success'] is not True:
                errors.append(answer)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for dummy in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and record_of(sb[1], 'servers', S_ENABLE)['memo'] == 'note 59'
    assert control(sb[1], '/__sandbox/memos?resource=servers')['count'] == 60


def test_generated_dataset_quarantine_round_trip():
    """On generated data (lazily built objects, generated quarantines) the same rules hold."""
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=30, detections=40, quarantines=3)
    try:
        quarantined = control(base_url, '/__sandbox/ids?resource=quarantines')['ids']
        detection = next(d for d in server.dataset.detections if any(server.dataset.suspicious_objects('detections', d['detectionId'])))
        target = next(o for o in server.dataset.suspicious_objects('detections', detection['detectionId']))
        action = 'recover' if target['status'] == 'quarantined' else 'quarantine'
        uri = '/api/v1/detections/%s/suspicious-objects/%s/%s' % (detection['detectionId'], target['suspicionFileId'], action)
        if target['status'] == 'quarantineFailed':
            assert refused(base_url, 'PATCH', uri)[0] == 8008
        else:
            ok(base_url, 'PATCH', uri)
            now = control(base_url, '/__sandbox/ids?resource=quarantines')['ids']
            assert (target['suspicionFileId'] in now) is (action == 'quarantine') and len(now) == len(quarantined) + (1 if action == 'quarantine' else -1)
        ok(base_url, 'PATCH', '/api/v1/quarantines/%s/recover' % quarantined[-1])
        assert quarantined[-1] not in control(base_url, '/__sandbox/ids?resource=quarantines')['ids']
        assert refused(base_url, 'PATCH', '/api/v1/quarantines/%s/recover' % quarantined[-1])[0] == 8004
    finally:
        server.stop()


def test_command_line_options_reach_the_server():
    args = wbd_sandbox.build_parser().parse_args(['start', '--readonly-access-key', 'RO', '--readonly-secret-key', 'ro-secret', '--activation-delay-ms', '50'])
    assert (args.readonly_access_key, args.readonly_secret_key, args.activation_delay_ms) == ('RO', 'ro-secret', 50)
    argv = wbd_sandbox._serve_argv(args, '/tmp/port')  # pylint: disable=protected-access
    assert argv[argv.index('--activation-delay-ms') + 1] == '50' and argv[argv.index('--readonly-access-key') + 1] == 'RO'
    defaults = wbd_sandbox.build_parser().parse_args(['serve'])
    assert defaults.activation_delay_ms == 500 and defaults.readonly_access_key == READONLY[0]
