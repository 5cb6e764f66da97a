# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sandbox's inject endpoints: new detections and agent status changes show in the API at once."""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request

import pytest

SANDBOX_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'sandbox'))
if SANDBOX_DIR not in sys.path:
    sys.path.insert(0, SANDBOX_DIR)

import wbd_sandbox  # noqa: E402  pylint: disable=wrong-import-position

ACCESS = 'SANDBOXACCESSKEY00001'
SECRET = 'sandbox-secret-DO-NOT-LEAK-7f3a9c'


@pytest.fixture
def sandbox():
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=60, detections=20, servers=8)
    yield server, base_url
    server.stop()


def call(base_url, method, path, body=None, signed=False):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base_url + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    if signed:
        ts = str(int(time.time() * 1000))
        message = '%s %s\n%s\n%s' % (method, path, ts, ACCESS)
        signature = base64.b64encode(hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).digest()).decode()
        for name, value in (('x-ncp-apigw-timestamp', ts), ('x-ncp-iam-access-key', ACCESS), ('x-ncp-apigw-signature-v2', signature)):
            request.add_header(name, value)
        request.add_header('X-NCP-USE_PLATFORM_TYPE', 'VPC')
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def search(base_url, path, body):
    status, answer = call(base_url, 'POST', path, dict(body, pageIndex=0, pageSize=100), signed=True)
    assert status == 200, answer
    return answer['result']['content']


def test_injected_detections_are_listed_with_one_time(sandbox):
    server, base_url = sandbox
    status, answer = call(base_url, 'POST', '/__sandbox/inject/detections', {'count': 3})
    assert status == 200, answer
    assert len(answer['ids']) == 3 and len(set(answer['ids'])) == 3
    listed = search(base_url, '/api/v1/detections', {'detectTimeFrom': answer['detect_time_ms']})
    assert sorted(r['detectionId'] for r in listed) == sorted(answer['ids'])
    assert set(r['detectTime'] for r in listed) == {answer['detect_time_ms']}
    assert all(r['actionStatus'] == 'blank' for r in listed)


def test_injected_detections_at_a_given_time(sandbox):
    server, base_url = sandbox
    at = server.now_ms() + 60000
    status, answer = call(base_url, 'POST', '/__sandbox/inject/detections', {'count': 2, 'detect_time_ms': at})
    assert status == 200 and answer['detect_time_ms'] == at
    listed = search(base_url, '/api/v1/detections', {'detectTimeFrom': at, 'detectTimeTo': at})
    assert sorted(r['detectionId'] for r in listed) == sorted(answer['ids'])


@pytest.mark.parametrize('body', [{'count': 0}, {'count': 1001}, {'count': 'two'}, {'count': True}, {'count': 1, 'detect_time_ms': -5}])
def test_bad_injections_are_refused(sandbox, body):
    server, base_url = sandbox
    before = len(server.dataset.detections)
    status, answer = call(base_url, 'POST', '/__sandbox/inject/detections', body)
    assert status == 400 and answer['ok'] is False and answer['error']
    assert len(server.dataset.detections) == before


def test_agent_status_change_shows_in_a_search(sandbox):
    server, base_url = sandbox
    target = next(s for s in server.dataset.servers if s['agentStatus'] == 'enable')
    assert [r['instanceNo'] for r in search(base_url, '/api/v1/servers', {'agentStatus': ['down']})].count(target['instanceNo']) == 0
    status, answer = call(base_url, 'POST', '/__sandbox/inject/agent-status', {'instance_no': target['instanceNo'], 'agent_status': 'down'})
    assert status == 200, answer
    assert answer == {'instance_no': target['instanceNo'], 'previous': 'enable', 'agent_status': 'down'}
    assert target['instanceNo'] in [r['instanceNo'] for r in search(base_url, '/api/v1/servers', {'agentStatus': ['down']})]


@pytest.mark.parametrize('body', [{'instance_no': 'nope', 'agent_status': 'down'}, {'instance_no': None, 'agent_status': 'sleeping'}, None])
def test_bad_agent_status_changes_are_refused(sandbox, body):
    server, base_url = sandbox
    status, answer = call(base_url, 'POST', '/__sandbox/inject/agent-status', body)
    assert status == 400 and answer['ok'] is False and answer['error']
