# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests for the WBD sandbox itself (loopback only; independent of the collection's plugins)."""

import http.client
import json
import os
import sys
import time

import pytest
from ansible_collections.ncloud.wbd.tests.unit import signature_vectors
from ansible_collections.ncloud.wbd.tests.unit.sandbox.sandbox_client import ACCESS, LIMITED, SECRET, call, connect, control, headers, raw
from ansible_collections.ncloud.wbd.tests.unit.sandbox.sandbox_command import sandbox_command

SANDBOX_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'sandbox'))
if SANDBOX_DIR not in sys.path:
    sys.path.insert(0, SANDBOX_DIR)

import sandbox_auth  # noqa: E402  pylint: disable=wrong-import-position
import wbd_sandbox  # noqa: E402  pylint: disable=wrong-import-position

DOC_KEY = (signature_vectors.ACCESS_KEY, signature_vectors.SECRET_KEY, signature_vectors.TIMESTAMP)
VECTORS = signature_vectors.VECTORS


@pytest.fixture(scope='module')
def sandbox():
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=60)
    yield server, base_url
    server.stop()


@pytest.fixture(autouse=True)
def clean_state(request):
    """Every test starts with an empty fault plan and zeroed stats."""
    if 'sandbox' in request.fixturenames:
        server = request.getfixturevalue('sandbox')[0]
        server.faults.reset()
        server.stats.reset()


@pytest.mark.parametrize('method,uri,expected', VECTORS)
def test_signature_vectors(method, uri, expected):
    access, secret, ts = DOC_KEY
    assert sandbox_auth.compute_signature(secret, method, uri, ts, access) == expected
    keys = {access: (secret, sandbox_auth.ROLE_FULL)}
    hdrs = {'x-ncp-apigw-timestamp': ts, 'x-ncp-iam-access-key': access, 'x-ncp-apigw-signature-v2': expected}
    assert sandbox_auth.verify_request(method, uri, hdrs, keys, int(ts) + 1000).ok
    assert not sandbox_auth.verify_request(method, uri, hdrs, keys, int(ts) + 300000).ok


def test_greedylabs_vector():
    secret, method, uri, ts, access, expected = signature_vectors.EXTERNAL_VECTOR
    assert sandbox_auth.compute_signature(secret, method, uri, ts, access) == expected


def test_signed_get_page(sandbox):
    status, body = call(sandbox[1], 'GET', '/api/v1/detections?pageIndex=0&pageSize=5')
    assert status == 200 and body['success'] is True and body['code'] == 0
    result = body['result']
    assert len(result['content']) == 5 and result['totalCount'] == 300 and result['totalPages'] == 60 and result['pageIndex'] == 0
    assert len(result['content'][0]['detectionId']) == 22


@pytest.mark.parametrize(
    'hdrs,details',
    [
        ({'X-NCP-USE_PLATFORM_TYPE': 'VPC'}, 'missing header'),
        (headers('GET', '/api/v1/detections', secret='wrong'), 'signature mismatch'),
        (headers('GET', '/api/v1/detections', access='UNKNOWNKEY'), 'unknown access key'),
    ],
)
def test_auth_failures(sandbox, hdrs, details):
    status, body = raw(sandbox[1], 'GET', '/api/v1/detections', hdrs=hdrs)[::2]
    err = json.loads(body.decode())['error']
    assert status == 401 and err['errorCode'] == '200' and err['message'] == 'Authentication Failed' and details in err['details']
    assert SECRET.encode() not in body


def test_limited_key_permission_denied(sandbox):
    status, body = call(sandbox[1], 'GET', '/api/v1/servers', hdrs=headers('GET', '/api/v1/servers', *LIMITED))
    assert status == 401 and body == {'error': {'errorCode': '210', 'message': 'Permission Denied'}}


def test_missing_platform_header(sandbox):
    status, body = call(sandbox[1], 'GET', '/api/v1/servers', hdrs=headers('GET', '/api/v1/servers', platform=False))
    assert status == 200 and body == {'success': False, 'code': 400, 'message': 'Platform must be not null.', 'result': None}


def test_clock_skew_rejected(sandbox):
    control(sandbox[1], '/__sandbox/faults', {'clock_skew_ms': 6 * 60 * 1000})
    status, body = call(sandbox[1], 'GET', '/api/v1/alarm/interval')
    assert status == 401 and 'timestamp' in body['error']['details']
    stats = control(sandbox[1], '/__sandbox/stats')
    assert stats['signature_valid'] == 1 and stats['requests'][0]['status'] == 401


@pytest.mark.parametrize('resource', ['detections', 'servers', 'exception-rules', 'quarantines'])
def test_paging_covers_every_id(sandbox, resource):
    expected = control(sandbox[1], '/__sandbox/ids?resource=%s' % resource)['ids']
    field = {'detections': 'detectionId', 'servers': 'instanceNo', 'exception-rules': 'exceptedRuleId', 'quarantines': 'suspicionFileId'}[resource]
    seen, index, conn = [], 0, connect(sandbox[1])
    while True:
        uri = '/api/v1/%s?pageIndex=%d&pageSize=7' % (resource, index)
        result = json.loads(raw(sandbox[1], 'GET', uri, conn=conn)[2].decode())['result']
        seen.extend(item[field] for item in result['content'])
        index += 1
        if index >= result['totalPages']:
            break
    assert seen == expected and len(set(seen)) == len(seen) == result['totalCount']
    past = json.loads(raw(sandbox[1], 'GET', '/api/v1/%s?pageIndex=%d&pageSize=7' % (resource, index + 3), conn=conn)[2].decode())['result']
    assert past['content'] == [] and past['totalCount'] == len(expected)
    assert control(sandbox[1], '/__sandbox/stats?log=0')['connections_total'] == 1


def test_search_filter(sandbox):
    since = sandbox[0].dataset.anchor_ms - 7 * 86400 * 1000
    body = call(sandbox[1], 'POST', '/api/v1/detections', {'pageIndex': '0', 'pageSize': 100, 'actionStatus': 'blank', 'detectTimeFrom': since})[1]
    result = body['result']
    everything = control(sandbox[1], '/__sandbox/dataset?resource=detections')['records']
    expected = [d['detectionId'] for d in everything if d['actionStatus'] == 'blank' and d['detectTime'] >= since]
    assert 0 < result['totalCount'] == len(expected) < len(everything)
    assert [d['detectionId'] for d in result['content']] == expected[:100]
    body = call(sandbox[1], 'POST', '/api/v1/servers', {'agentStatus': ['down', 'error'], 'unknownKey': 1})[1]
    assert body['result']['totalCount'] > 0 and {s['agentStatus'] for s in body['result']['content']} <= {'down', 'error'}


def test_bad_paging_is_envelope_error(sandbox):
    status, body = call(sandbox[1], 'GET', '/api/v1/detections?pageIndex=x')
    assert status == 200 and body['success'] is False and body['code'] == 400
    status, body = call(sandbox[1], 'GET', '/api/v1/detections?pageSize=1000')
    assert body['result']['pageSize'] == 100 and len(body['result']['content']) == 100


def _fault_check(kind, status, hdrs, body):
    """Assert the faulted reply looks like the fault kind promises."""
    gateway = {'429': '410', '500': '900', '502': '500', '503': '500', '504': '510', 'auth_401': '200'}
    if kind in gateway:
        assert status == int(kind if kind.isdigit() else 401) and json.loads(body)['error']['errorCode'] == gateway[kind]
    elif kind.startswith('html_'):
        assert status == int(kind[5:]) and hdrs['Content-Type'].startswith('text/html') and body.startswith(b'<html>')
    elif kind in ('truncated', 'not_json'):
        assert status == 200 and int(hdrs['Content-Length']) == len(body)
        with pytest.raises(ValueError):
            json.loads(body.decode())
    elif kind == 'envelope_error':
        assert json.loads(body) == {
            'success': False,
            'code': 8004,
            'message': 'Invaliddata.The detection data deleted is false, excepted is false.',
            'result': None,
        }
    elif kind == 'missing_result':
        assert status == 200 and 'result' not in json.loads(body)


@pytest.mark.parametrize(
    'kind',
    ['429', '500', '502', '503', '504', 'html_502', 'html_200', 'truncated', 'not_json', 'envelope_error', 'missing_result', 'auth_401', 'delay', 'reset'],
)
def test_fault_served_once(sandbox, kind):
    uri = '/api/v1/exception-rules?pageIndex=0&pageSize=3'
    control(sandbox[1], '/__sandbox/faults', {'queue': [{'kind': kind, 'count': 1, 'retry_after': 2, 'seconds': 0.3}]})
    started = time.time()
    if kind == 'reset':
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            raw(sandbox[1], 'GET', uri)
    else:
        status, hdrs, body = raw(sandbox[1], 'GET', uri)
        _fault_check(kind, status, hdrs, body)
        if kind == '429':
            assert hdrs['Retry-After'] == '2'
        if kind == 'delay':
            assert time.time() - started >= 0.3 and json.loads(body)['success'] is True
    status, body = call(sandbox[1], 'GET', uri)
    assert status == 200 and body['success'] is True and len(body['result']['content']) == 3
    stats = control(sandbox[1], '/__sandbox/stats')
    assert stats['faults_injected'] == 1 and stats['requests'][0]['fault'] == kind and stats['requests'][1]['fault'] is None


def test_fault_match_and_after(sandbox):
    plan = {'queue': [{'kind': '503', 'count': 2, 'match': 'GET /api/v1/detections', 'after': 2}]}
    control(sandbox[1], '/__sandbox/faults', plan)
    assert call(sandbox[1], 'GET', '/api/v1/servers')[0] == 200
    statuses = [raw(sandbox[1], 'GET', '/api/v1/detections?pageIndex=%d&pageSize=5' % i)[0] for i in range(5)]
    assert statuses == [200, 200, 503, 503, 200]
    assert control(sandbox[1], '/__sandbox/faults')['queue'] == []


def test_random_rate_and_bad_plan(sandbox):
    control(sandbox[1], '/__sandbox/faults', {'rate_429': 1.0, 'retry_after': 7})
    status, hdrs = raw(sandbox[1], 'GET', '/api/v1/servers')[:2]
    assert status == 429 and hdrs['Retry-After'] == '7'
    assert 'error' in control(sandbox[1], '/__sandbox/faults', {'queue': [{'kind': 'nope'}]})


def test_stats_exclude_control_plane(sandbox):
    for path in ('/__sandbox/health', '/__sandbox/ids?resource=servers', '/__sandbox/faults', '/__sandbox/stats'):
        control(sandbox[1], path)
    call(sandbox[1], 'GET', '/api/v1/alarm/interval')
    stats = control(sandbox[1], '/__sandbox/stats')
    assert stats['requests_total'] == 1 and stats['by_operation'] == {'GET /api/v1/alarm/interval': 1}
    entry = stats['requests'][0]
    assert entry['operation'] == 'GET /api/v1/alarm/interval' and entry['access_key'] == ACCESS and entry['signature_valid'] is True
    assert SECRET not in json.dumps(stats)


def test_suspicious_objects(sandbox):
    detection = sandbox[0].dataset.detections[0]
    body = call(sandbox[1], 'GET', '/api/v1/detections/%s/suspicious-objects' % detection['detectionId'])[1]
    assert [o['suspicionFileId'] for o in body['result']] == [f['suspicionFileId'] for f in detection['suspicionFiles']]
    # A method no operation has is the gateway's 404, before auth (the writes are tested in test_sandbox_writes.py).
    status, body = call(sandbox[1], 'PUT', '/api/v1/detections/%s' % detection['detectionId'], hdrs={})
    assert status == 404 and body == {'error': {'errorCode': '300', 'message': 'Not Found Exception'}}
    assert control(sandbox[1], '/__sandbox/stats')['requests'][-1]['write'] is True


def test_dataset_determinism():
    first = wbd_sandbox.make_dataset(seed=7, detections=50)
    second = wbd_sandbox.make_dataset(seed=7, detections=50, anchor_ms=first.anchor_ms - 86400000)
    other = wbd_sandbox.make_dataset(seed=8, detections=50)
    for resource in ('detections', 'exceptions', 'quarantines', 'exception-rules', 'deleted-exception-rules', 'servers'):
        assert first.ids(resource) == second.ids(resource)
    assert first.ids('detections') != other.ids('detections')
    statuses = {s['agentStatus'] for s in first.servers}
    assert statuses == {'enable', 'disable', 'notInstalled', 'error', 'activating', 'down'}
    registered = {s['instanceNo'] for s in first.servers}
    assert any(d['instanceNo'] not in registered for d in first.detections)


def test_alternate_shapes_and_policy():
    server, base_url = wbd_sandbox.start_in_thread(
        quiet=True, detections=5, quarantines=3, page_size_policy='error', max_page_size=10, quarantine_shape='array', interval_shape='array', lifetime=30
    )
    try:
        assert isinstance(call(base_url, 'GET', '/api/v1/quarantines?pageSize=2')[1]['result'], list)
        assert isinstance(call(base_url, 'GET', '/api/v1/alarm/interval')[1]['result'], list)
        status, body = call(base_url, 'GET', '/api/v1/servers?pageSize=11')
        assert status == 200 and body['success'] is False and body['code'] == 400
    finally:
        server.stop()


def test_cli_start_stop(tmp_path):
    port_file = str(tmp_path / 'sandbox.port')
    out = sandbox_command('start', '--port-file', port_file, '--detections', '10', '--lifetime', '30', '--quiet', timeout=20, check=True).stdout.strip()
    assert out.startswith('http://127.0.0.1:') and os.path.exists(port_file)
    assert control(out, '/__sandbox/health') == {'ok': True}
    stopped = sandbox_command('stop', '--port-file', port_file, timeout=20, check=True)
    assert 'stopped' in stopped.stdout and not os.path.exists(port_file)
    again = sandbox_command('stop', '--port-file', port_file, timeout=20, check=True)
    assert 'already gone' in again.stdout


def _page(base_url, uri, conn=None):
    status, hdrs, body = raw(base_url, 'GET', uri, conn=conn)
    assert status == 200
    return body


def test_mutate_inserts_at_the_head_and_deletes_from_it():
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, detections=12, lifetime=30)
    try:
        before = control(base_url, '/__sandbox/ids?resource=detections')['ids']
        plan = {'queue': [{'kind': 'mutate', 'insert': 3, 'after': 1, 'match': 'GET /api/v1/detections'}]}
        control(base_url, '/__sandbox/faults', plan)
        first = json.loads(_page(base_url, '/api/v1/detections?pageIndex=0&pageSize=5'))['result']
        second = json.loads(_page(base_url, '/api/v1/detections?pageIndex=1&pageSize=5'))['result']
        after = control(base_url, '/__sandbox/ids?resource=detections')['ids']
        assert first['totalCount'] == 12 and second['totalCount'] == 15
        assert after[3:] == before and len(set(after)) == 15
        new = after[:3]
        assert all(len(i) == 22 and i.isdigit() and i not in before for i in new)
        # Page 1 now repeats the last 3 records of page 0: what a client must de-duplicate.
        assert [d['detectionId'] for d in second['content']] == before[2:7]
        records = control(base_url, '/__sandbox/dataset?resource=detections')['records'][:3]
        assert all(r['actionStatus'] == 'blank' and r['detectTime'] >= server.dataset.anchor_ms for r in records)
        files = [f for r in records for f in r['suspicionFiles']]
        assert all(f['detectionId'] in new for f in files)
        objects = call(base_url, 'GET', '/api/v1/detections/%s/suspicious-objects' % new[0])[1]['result']
        assert [o['suspicionFileId'] for o in objects] == [f['suspicionFileId'] for f in records[0]['suspicionFiles']]
        control(base_url, '/__sandbox/faults', {'queue': [{'kind': 'mutate', 'delete': 4, 'match': 'GET /api/v1/servers'}]})
        assert call(base_url, 'GET', '/api/v1/servers?pageSize=100')[1]['result']['totalCount'] == 26
        control(base_url, '/__sandbox/faults', {'queue': [{'kind': 'mutate', 'delete': 2, 'resource': 'detections'}]})
        call(base_url, 'GET', '/api/v1/alarm/interval')
        assert control(base_url, '/__sandbox/ids?resource=detections')['ids'] == after[2:]
        assert call(base_url, 'GET', '/api/v1/detections/%s/suspicious-objects' % new[0])[1]['result'] == []
    finally:
        server.stop()


def test_inflate_total_and_empty_page(sandbox):
    control(sandbox[1], '/__sandbox/faults', {'queue': [{'kind': 'inflate_total', 'add': 1000}, {'kind': 'empty_page'}]})
    inflated = json.loads(_page(sandbox[1], '/api/v1/detections?pageIndex=0&pageSize=7'))['result']
    assert inflated['totalCount'] == 1300 and inflated['totalPages'] == 186 and len(inflated['content']) == 7
    empty = json.loads(_page(sandbox[1], '/api/v1/detections?pageIndex=0&pageSize=7'))['result']
    assert empty['content'] == [] and empty['totalCount'] == 300 and empty['totalPages'] == 43
    stats = control(sandbox[1], '/__sandbox/stats')
    assert [r['fault'] for r in stats['requests']] == ['inflate_total', 'empty_page']
    assert json.loads(_page(sandbox[1], '/api/v1/detections?pageIndex=0&pageSize=7'))['result']['content'] != []


def test_rewrite_sets_pads_and_breaks_fields_of_served_records_only(sandbox):
    plan = {
        'queue': [
            {
                'kind': 'rewrite',
                'records': 2,
                'set': {'serverName': None, 'suspicionFiles': None, 'notAField': 1},
                'pad': {'processArg': 1048576},
                'invalid_utf8': ['executor'],
                'lone_surrogate': ['memo'],
            }
        ]
    }
    control(sandbox[1], '/__sandbox/faults', plan)
    body = _page(sandbox[1], '/api/v1/detections?pageIndex=0&pageSize=3')
    with pytest.raises(UnicodeDecodeError):
        body.decode('utf-8')
    content = json.loads(body.decode('utf-8', 'replace'))['result']['content']
    truth = sandbox[0].dataset.detections[:3]
    for record, original in zip(content[:2], truth):
        assert record['serverName'] is None and record['suspicionFiles'] is None and 'notAField' not in record
        assert len(record['processArg']) == 1048576 and record['processArg'].startswith(original['processArg'] + ' --data=A')
        assert record['executor'] == original['executor'] + '\ufffd(\ufffd\ufffd'
        assert record['memo'] == original['memo'] + '\udc80'
    assert content[2] == truth[2]
    assert sandbox[0].dataset.detections[0]['serverName'] and len(sandbox[0].dataset.detections[0]['processArg']) < 1000


def test_data_faults_leave_error_replies_alone(sandbox):
    control(sandbox[1], '/__sandbox/faults', {'queue': [{'kind': 'rewrite', 'set': {'memo': 'x'}}, {'kind': 'empty_page'}]})
    for kind in ('rewrite', 'empty_page'):
        status, body = call(sandbox[1], 'GET', '/api/v1/servers', hdrs=headers('GET', '/api/v1/servers', *LIMITED))
        assert status == 401 and body['error']['errorCode'] == '210', kind


@pytest.mark.parametrize(
    'item,error',
    [
        ({'kind': 'mutate', 'insert': 'x'}, 'insert must be an integer'),
        ({'kind': 'mutate', 'delete': -1}, 'delete must be 0 or more'),
        ({'kind': 'mutate', 'insert': 1, 'resource': 'servers'}, 'insert works on detections and exceptions only'),
        ({'kind': 'mutate', 'resource': 'nope'}, 'resource must be one of'),
        ({'kind': 'rewrite', 'set': ['memo']}, 'set and pad must be objects'),
        ({'kind': 'rewrite', 'pad': {'memo': 'big'}}, 'memo must be an integer'),
        ({'kind': 'rewrite', 'invalid_utf8': 'memo'}, 'invalid_utf8 must be a list of field names'),
        ({'kind': 'inflate_total', 'add': 'lots'}, 'add must be an integer'),
    ],
)
def test_bad_data_fault_items_are_refused(sandbox, item, error):
    answer = control(sandbox[1], '/__sandbox/faults', {'queue': [item]})
    assert answer['ok'] is False and error in answer['error']
