# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the sandbox answers under each quirk (real-API behaviour mode), alone and combined."""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import sys
import time

import pytest
from ansible_collections.ncloud.wbd.tests.unit.sandbox.sandbox_command import sandbox_command

SANDBOX_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'sandbox'))
if SANDBOX_DIR not in sys.path:
    sys.path.insert(0, SANDBOX_DIR)

import sandbox_data  # noqa: E402  pylint: disable=wrong-import-position
import sandbox_quirks  # noqa: E402  pylint: disable=wrong-import-position
import wbd_sandbox  # noqa: E402  pylint: disable=wrong-import-position

ACCESS = 'SANDBOXACCESSKEY00001'
SECRET = 'sandbox-secret-DO-NOT-LEAK-7f3a9c'
LISTS = ('detections', 'exceptions', 'exception-rules', 'deleted-exception-rules', 'servers', 'quarantines')
ID_FIELDS = sandbox_data.ID_FIELDS
TIME_FIELDS = sandbox_data.TIME_FIELDS


@pytest.fixture(scope='module')
def sandbox():
    server, base_url = wbd_sandbox.start_in_thread(
        quiet=True, lifetime=120, servers=12, detections=250, exception_rules=8, deleted_exception_rules=3, excepted=15, quarantines=6
    )
    yield server, base_url
    server.stop()


@pytest.fixture(autouse=True)
def no_quirks(request):
    if 'sandbox' in request.fixturenames:
        request.getfixturevalue('sandbox')[0].quirks.replace([])


def _headers(method, uri):
    ts = str(int(time.time() * 1000))
    message = '%s %s\n%s\n%s' % (method, uri, ts, ACCESS)
    sig = base64.b64encode(hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).digest()).decode()
    return {
        'x-ncp-apigw-timestamp': ts,
        'x-ncp-iam-access-key': ACCESS,
        'x-ncp-apigw-signature-v2': sig,
        'Content-Type': 'application/json',
        'X-NCP-USE_PLATFORM_TYPE': 'VPC',
    }


def _request(base_url, method, uri, body=None):
    host, port = base_url.rsplit('/', 1)[1].split(':')
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request(method, uri, body=json.dumps(body).encode() if body is not None else None, headers=_headers(method, uri))
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read().decode('utf-8'))
    finally:
        conn.close()


def result(base_url, resource, index, size, method='GET', body=None):
    """The ``result`` of one list page (GET query or POST search body)."""
    if method == 'GET':
        status, data = _request(base_url, 'GET', '/api/v1/%s?pageIndex=%d&pageSize=%d' % (resource, index, size))
    else:
        status, data = _request(base_url, 'POST', '/api/v1/%s' % resource, dict(body or {}, pageIndex=index, pageSize=size))
    assert status == 200 and data['success'] is True, data
    return data['result']


def control(base_url, path, body=None):
    host, port = base_url.rsplit('/', 1)[1].split(':')
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request('POST' if body is not None else 'GET', path, body=json.dumps(body).encode() if body is not None else None)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read().decode('utf-8'))
    finally:
        conn.close()


def truth(server, resource):
    return server.records(resource)


def ids(records, resource):
    return [rec[ID_FIELDS[resource]] for rec in records]


# ---- short pages ------------------------------------------------------------------------------------------------

SHORT = [name for name in sandbox_quirks.NAMES if name.startswith('short-')]


@pytest.mark.parametrize('quirk', SHORT)
@pytest.mark.parametrize('resource', ['detections', 'exceptions'])
def test_short_pages_serve_at_most_k_and_echo_and_offset_as_named(sandbox, quirk, resource):
    server, base_url = sandbox
    server.quirks.replace([quirk], {'quirk_page_cap': 7})
    real = ids(truth(server, resource), resource)
    asked = 10
    step = asked if quirk.endswith('offset-asked') else 7
    for index in (0, 1, 2):
        page = result(base_url, resource, index, asked)
        assert ids(page['content'], resource) == real[index * step : index * step + 7]
        assert page['totalCount'] == len(real) and page['pageIndex'] == index
        assert page['totalPages'] == -(-len(real) // step)
        if '-echo-asked-' in quirk:
            assert page['pageSize'] == asked
        elif '-echo-served-' in quirk:
            assert page['pageSize'] == 7
        else:
            assert 'pageSize' not in page


@pytest.mark.parametrize('quirk', SHORT)
def test_short_pages_at_the_served_size_cover_everything_once(sandbox, quirk):
    """A client re-paging at the size the server serves gets every record once, whatever the offsets."""
    server, base_url = sandbox
    server.quirks.replace([quirk])
    for resource in LISTS:
        real = ids(truth(server, resource), resource)
        got, index = [], 0
        while True:
            content = result(base_url, resource, index, 37)['content']
            if not content:
                break
            got.extend(ids(content, resource))
            index += 1
        assert got == real, resource


def test_short_pages_leave_a_smaller_ask_alone(sandbox):
    server, base_url = sandbox
    server.quirks.replace(['short-echo-served-offset-asked'])
    page = result(base_url, 'detections', 2, 20)
    assert ids(page['content'], 'detections') == ids(truth(server, 'detections'), 'detections')[40:60]
    assert page['pageSize'] == 20


# ---- paging base ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize('resource', LISTS)
def test_one_based_page_zero_is_empty_with_real_totals(sandbox, resource):
    server, base_url = sandbox
    server.quirks.replace(['one-based'])
    real = ids(truth(server, resource), resource)
    zero = result(base_url, resource, 0, 5)
    assert zero['content'] == [] and zero['totalCount'] == len(real) and zero['totalPages'] == -(-len(real) // 5)
    assert zero['pageIndex'] == 0
    assert ids(result(base_url, resource, 1, 5)['content'], resource) == real[:5]
    assert ids(result(base_url, resource, 2, 5)['content'], resource) == real[5:10]


def test_one_based_zero_is_first(sandbox):
    server, base_url = sandbox
    server.quirks.replace(['one-based-zero-is-first'])
    real = ids(truth(server, 'detections'), 'detections')
    assert ids(result(base_url, 'detections', 0, 5)['content'], 'detections') == real[:5]
    assert ids(result(base_url, 'detections', 1, 5)['content'], 'detections') == real[:5]
    assert ids(result(base_url, 'detections', 2, 5)['content'], 'detections') == real[5:10]
    last = -(-len(real) // 5)
    assert ids(result(base_url, 'detections', last, 5)['content'], 'detections') == real[(last - 1) * 5 :]
    assert result(base_url, 'detections', last + 1, 5)['content'] == []


# ---- content null -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_content_null_persistent_on_one_page(sandbox, method):
    server, base_url = sandbox
    server.quirks.replace(['content-null'])
    real = ids(truth(server, 'detections'), 'detections')
    for dummy in range(3):
        page = result(base_url, 'detections', 1, 100, method)
        assert page['content'] is None and page['totalCount'] == len(real) and page['totalPages'] == 3
    assert ids(result(base_url, 'detections', 0, 100, method)['content'], 'detections') == real[:100]
    assert ids(result(base_url, 'detections', 2, 100, method)['content'], 'detections') == real[200:]


def test_content_null_once_then_normal_and_replace_forgets(sandbox):
    server, base_url = sandbox
    server.quirks.replace(['content-null-once'], {'quirk_null_page': 0})
    real = ids(truth(server, 'servers'), 'servers')
    first = result(base_url, 'servers', 0, 100)
    assert first['content'] is None and first['totalCount'] == len(real)
    assert ids(result(base_url, 'servers', 0, 100)['content'], 'servers') == real
    assert result(base_url, 'servers', 0, 100, 'POST')['content'] is None  # the search is another list: its own first time
    assert control(base_url, '/__sandbox/quirks', {'quirks': ['content-null-once'], 'quirk_null_page': 0})[0] == 200
    assert result(base_url, 'servers', 0, 100)['content'] is None


def test_content_null_on_a_one_based_server_counts_served_pages(sandbox):
    server, base_url = sandbox
    server.quirks.replace(['content-null', 'one-based'])
    assert result(base_url, 'detections', 1, 100)['content']  # the first page
    assert result(base_url, 'detections', 2, 100)['content'] is None  # the second


# ---- totals -----------------------------------------------------------------------------------------------------


def test_totals_low_and_half_keep_the_pages_full(sandbox):
    server, base_url = sandbox
    real = ids(truth(server, 'detections'), 'detections')
    server.quirks.replace(['totals-low'])
    page = result(base_url, 'detections', 2, 100)
    assert page['totalCount'] == len(real) - 37 and page['totalPages'] == 3
    assert ids(page['content'], 'detections') == real[200:]
    server.quirks.replace(['totals-half'])
    page = result(base_url, 'detections', 2, 100)
    assert page['totalCount'] == len(real) // 2 and page['totalPages'] == 2
    assert ids(page['content'], 'detections') == real[200:]
    server.quirks.replace(['totals-low'], {'quirk_total_deficit': 1000})
    assert result(base_url, 'servers', 0, 100)['totalCount'] == 0


def test_totals_missing_and_strings(sandbox):
    server, base_url = sandbox
    server.quirks.replace(['totals-missing'])
    page = result(base_url, 'exception-rules', 0, 5)
    assert 'totalCount' not in page and 'totalPages' not in page and page['pageSize'] == 5 and len(page['content']) == 5
    server.quirks.replace(['totals-strings'])
    page = result(base_url, 'quarantines', 1, 2)
    count = len(truth(server, 'quarantines'))
    assert page == dict(page, totalCount=str(count), totalPages=str(-(-count // 2)), pageSize='2', pageIndex='1')
    server.quirks.replace(['totals-strings', 'totals-low', 'short-noecho-offset-served'], {'quirk_page_cap': 4, 'quirk_total_deficit': 3})
    page = result(base_url, 'detections', 0, 10)
    assert page['totalCount'] == str(len(truth(server, 'detections')) - 3) and 'pageSize' not in page and len(page['content']) == 4


# ---- times ------------------------------------------------------------------------------------------------------


def _parse_iso(text):
    return int(datetime.datetime.fromisoformat(text.replace('Z', '+00:00')).timestamp() * 1000)


FORMS = {
    'times-seconds': (lambda value: isinstance(value, int) and value < 10**11, lambda value: value * 1000, 1000),
    'times-ms-strings': (lambda value: isinstance(value, str) and value.isdigit(), int, 1),
    'times-iso-z': (lambda value: isinstance(value, str) and value.endswith('Z') and '.' in value, _parse_iso, 1),
    'times-iso-offset': (lambda value: isinstance(value, str) and value.endswith('+09:00'), _parse_iso, 1000),
}


def _times(record):
    """(path, value) of every time field of a record, nested suspicionFiles included."""
    found = [(key, value) for key, value in record.items() if key in TIME_FIELDS]
    for number, sfile in enumerate(record.get('suspicionFiles') or []):
        found.extend(('suspicionFiles[%d].%s' % (number, key), value) for key, value in sfile.items() if key in TIME_FIELDS)
    return found


@pytest.mark.parametrize('quirk', sorted(FORMS))
@pytest.mark.parametrize('resource', [name for name in LISTS if name != 'servers'])  # servers have no time field
def test_time_forms_in_every_list(sandbox, quirk, resource):
    server, base_url = sandbox
    server.quirks.replace([quirk])
    shape, back, resolution = FORMS[quirk]
    served = result(base_url, resource, 0, 100)['content']
    real = truth(server, resource)[:100]
    assert ids(served, resource) == ids(real, resource)
    checked = 0
    for have, want in zip(served, real):
        for (path, value), (dummy, ms) in zip(_times(have), _times(want)):
            if ms is None:
                assert value is None, path
                continue
            assert shape(value), (path, value)
            assert back(value) == ms // resolution * resolution, (path, value, ms)
            checked += 1
    assert checked
    assert isinstance(truth(server, resource)[0][_times(real[0])[0][0]], int)  # the dataset keeps ms
    assert isinstance(control(base_url, '/__sandbox/dataset?resource=%s' % resource)[1]['records'][0][_times(real[0])[0][0]], int)


def test_time_forms_reach_objects_and_the_interval(sandbox):
    server, base_url = sandbox
    server.quirks.replace(['times-iso-z'])
    detection = next(rec for rec in truth(server, 'detections') if rec['suspicionFiles'])
    status, data = _request(base_url, 'GET', '/api/v1/detections/%s/suspicious-objects' % detection['detectionId'])
    assert status == 200 and data['result'][0]['accessTime'].endswith('Z')
    status, data = _request(base_url, 'GET', '/api/v1/alarm/interval')
    assert all(data['result'][key].endswith('Z') for key in ('createTime', 'lastUpdatedTime') if data['result'].get(key) is not None)


def _window(server):
    times = sorted(rec['detectTime'] for rec in truth(server, 'detections'))
    return times[len(times) // 4], times[3 * len(times) // 4]


@pytest.mark.parametrize('quirk', sorted(FORMS))
def test_time_filters_compare_the_real_times_in_ms(sandbox, quirk):
    server, base_url = sandbox
    low, high = _window(server)
    want = [rec['detectionId'] for rec in truth(server, 'detections') if low <= rec['detectTime'] <= high]
    server.quirks.replace([quirk])
    page = result(base_url, 'detections', 0, 100, 'POST', {'detectTimeFrom': low, 'detectTimeTo': high})
    assert ids(page['content'], 'detections') == want[:100] and page['totalCount'] == len(want)


def test_time_filter_ignored(sandbox):
    server, base_url = sandbox
    low, high = _window(server)
    server.quirks.replace(['time-filter-ignored', 'times-seconds'])
    page = result(base_url, 'detections', 0, 100, 'POST', {'detectTimeFrom': low, 'detectTimeTo': high})
    assert page['totalCount'] == len(truth(server, 'detections'))
    some = truth(server, 'detections')[0]
    page = result(base_url, 'detections', 0, 100, 'POST', {'detectTimeFrom': low, 'detectTimeTo': high, 'hostName': some['hostName']})
    assert page['totalCount'] == len([rec for rec in truth(server, 'detections') if some['hostName'] in rec['hostName']])
    status, data = _request(base_url, 'POST', '/api/v1/detections', {'detectTimeFrom': 'soon'})
    assert data['success'] is False and data['code'] == 400  # still validated


# ---- rules with a null or empty compare value -------------------------------------------------------------------


@pytest.mark.parametrize(
    'quirk, field, condition, value',
    [
        ('rule-null-start', 'processName', 'START', None),
        ('rule-empty-end', 'processArg', 'END', ''),
        ('rule-blank-equal', 'executor', 'EQUAL', '  '),
    ],
)
def test_rule_quirks_add_one_every_server_rule(sandbox, quirk, field, condition, value):
    server, base_url = sandbox
    before = ids(server.dataset.records('exception-rules'), 'exception-rules')
    server.quirks.replace([quirk])
    rules = []
    for index in range(3):
        rules.extend(result(base_url, 'exception-rules', index, 5)['content'])
    added = [rule for rule in rules if rule['exceptedRuleId'] not in before]
    assert len(rules) == len(before) + 1 and len(added) == 1
    rule = added[0]
    assert rule['exceptTargetType'] == 'everyServer' and rule['disabled'] is False
    assert rule[field] == value and rule[field + 'Condition'] == condition
    assert [rule[other + 'Condition'] for other in sandbox_quirks.RULE_FIELDS if other != field] == ['NOT_USE'] * 5
    assert rule['createdTime'] < min(rec['detectTime'] for rec in truth(server, 'detections'))
    assert [r['createdTime'] for r in rules] == sorted((r['createdTime'] for r in rules), reverse=True)
    assert control(base_url, '/__sandbox/ids?resource=exception-rules')[1]['count'] == len(before) + 1
    assert ids(result(base_url, 'deleted-exception-rules', 0, 100)['content'], 'deleted-exception-rules') == ids(
        server.dataset.records('deleted-exception-rules'), 'deleted-exception-rules'
    )


def test_all_rule_quirks_combine(sandbox):
    server, base_url = sandbox
    server.quirks.replace(['rule-null-start', 'rule-empty-end', 'rule-blank-equal'])
    assert result(base_url, 'exception-rules', 0, 100)['totalCount'] == len(server.dataset.records('exception-rules')) + 3


# ---- bare array -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize('resource', LISTS)
def test_bare_array_in_every_list(sandbox, resource):
    server, base_url = sandbox
    server.quirks.replace(['bare-array'])
    real = ids(truth(server, resource), resource)
    assert ids(result(base_url, resource, 0, 4), resource) == real[:4]
    assert ids(result(base_url, resource, 1, 4, 'POST'), resource) == real[4:8]


def test_bare_array_combined(sandbox):
    server, base_url = sandbox
    server.quirks.replace(['bare-array', 'content-null', 'one-based', 'short-noecho-offset-asked'], {'quirk_page_cap': 3})
    real = ids(truth(server, 'detections'), 'detections')
    assert result(base_url, 'detections', 0, 5) == []
    assert ids(result(base_url, 'detections', 1, 5), 'detections') == real[:3]
    assert result(base_url, 'detections', 2, 5) is None
    assert ids(result(base_url, 'detections', 3, 5), 'detections') == real[10:13]


# ---- switching, validation, the quirk-free default --------------------------------------------------------------


def test_without_quirks_the_answers_are_unchanged(sandbox):
    server, base_url = sandbox
    page = result(base_url, 'detections', 1, 100)
    assert sorted(page) == ['content', 'pageIndex', 'pageSize', 'totalCount', 'totalPages']
    assert page['totalCount'] == 250 and page['pageSize'] == 100 and page['totalPages'] == 3
    assert isinstance(page['content'][0]['detectTime'], int)


def test_control_plane_switches_and_refuses(sandbox):
    server, base_url = sandbox
    status, data = control(base_url, '/__sandbox/quirks', {'quirks': ['one-based', 'times-seconds'], 'quirk_page_cap': 9})
    assert status == 200 and data == {'quirks': ['one-based', 'times-seconds'], 'quirk_page_cap': 9, 'quirk_null_page': 1, 'quirk_total_deficit': 37}
    assert control(base_url, '/__sandbox/quirks')[1]['quirks'] == ['one-based', 'times-seconds']
    assert control(base_url, '/__sandbox/config')[1]['active_quirks']['quirks'] == ['one-based', 'times-seconds']
    for body, error in (
        ({'quirks': ['nope']}, "unknown quirk 'nope'"),
        ({'quirks': ['times-seconds', 'times-iso-z']}, 'exclude each other'),
        ({'quirks': [], 'quirk_page_cap': 0}, 'quirk_page_cap must be'),
        ({'quirk': []}, 'unknown quirk setting'),
    ):
        status, data = control(base_url, '/__sandbox/quirks', body)
        assert status == 400 and error in data['error'], data
    assert control(base_url, '/__sandbox/quirks')[1]['quirks'] == ['one-based', 'times-seconds']  # unchanged by refusals


def test_start_in_thread_quirks_and_errors():
    with pytest.raises(wbd_sandbox.QuirkError, match='unknown quirk'):
        wbd_sandbox.start_in_thread(quiet=True, quirks=['short'])
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=30, detections=30, servers=3, quirks=['totals-missing', 'one-based'])
    try:
        page = result(base_url, 'detections', 0, 10)
        assert page == {'content': [], 'pageSize': 10, 'pageIndex': 0}
    finally:
        server.stop()


def test_cli_lists_quirks_and_passes_them_to_the_detached_server(tmp_path):
    listed = sandbox_command('quirks', check=True).stdout
    assert all(name in listed for name in sandbox_quirks.NAMES)
    bad = sandbox_command('start', '--quirk', 'bogus', '--port-file', str(tmp_path / 'p'))
    assert bad.returncode == 1 and "unknown quirk 'bogus'" in bad.stderr
    port_file = str(tmp_path / 'port')
    quirks = ['--quirk', 'short-noecho-offset-asked', '--quirk', 'totals-strings', '--quirk-page-cap', '3']
    started = sandbox_command('start', '--port-file', port_file, '--quiet', '--lifetime', '60', '--detections', '20', *quirks)
    assert started.returncode == 0, started.stderr
    try:
        base_url = started.stdout.strip().splitlines()[-1]
        page = result(base_url, 'detections', 1, 10)
        assert len(page['content']) == 3 and page['totalCount'] == '20' and 'pageSize' not in page
    finally:
        sandbox_command('stop', '--port-file', port_file)


def test_same_anchor_same_dataset():
    """anchor_ms pins the generated times, so sandboxes started apart serve identical records (the matrix compares them)."""
    first, first_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=30, detections=20, servers=3, anchor_ms=1790000000000)
    time.sleep(0.01)
    second, second_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=30, detections=20, servers=3, anchor_ms=1790000000000)
    try:
        assert first.dataset.anchor_ms == 1790000000000
        assert result(first_url, 'detections', 0, 100) == result(second_url, 'detections', 0, 100)
        assert max(rec['detectTime'] for rec in first.dataset.detections) <= 1790000000000
    finally:
        first.stop()
        second.stop()


@pytest.mark.parametrize('resource', LISTS)
def test_order_oldest_first_reverses_every_list(sandbox, resource):
    server, base_url = sandbox
    server.quirks.replace(['order-oldest-first', 'one-based'])
    real = ids(truth(server, resource), resource)[::-1]
    assert ids(result(base_url, resource, 1, 4)['content'], resource) == real[:4]
    assert ids(result(base_url, resource, 2, 4, 'POST')['content'], resource) == real[4:8]
