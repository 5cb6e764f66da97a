# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client over a stubbed session: headers, signing per attempt, retries and their budget."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import random

import pytest
import requests

from ansible_collections.ncloud.wbd.plugins.module_utils import errors
from ansible_collections.ncloud.wbd.plugins.module_utils.client import WbdClient, resolve_endpoint
from ansible_collections.ncloud.wbd.plugins.module_utils.signing import make_signature
from ansible_collections.ncloud.wbd.plugins.module_utils.version import COLLECTION_VERSION

KEY = 'AKEXAMPLE'
SECRET = 'secret-that-must-never-show'
OK = {'success': True, 'code': 0, 'message': 'success', 'result': {'content': [], 'totalCount': 0}}


class Response(object):
    def __init__(self, status=200, payload=None, headers=None, raw=None):
        self.status_code = status
        self.content = raw if raw is not None else json.dumps(OK if payload is None else payload).encode()
        self.headers = headers or {}


class Session(object):
    """Plays a script of responses (or exceptions) and records what was sent."""

    def __init__(self, *script):
        self.script = list(script)
        self.sent = []

    def request(self, method, url, data=None, headers=None, **kwargs):
        self.sent.append(dict(method=method, url=url, data=data, headers=headers, **kwargs))
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        return step

    def close(self):
        pass


class Clock(object):
    def __init__(self, start=1700000000.0):
        self.now = start
        self.sleeps = []

    def __call__(self):
        self.now += 0.001
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def client(session, retries=3, endpoint='http://127.0.0.1:8080', clock=None, **kwargs):
    clock = clock or Clock()
    return WbdClient(endpoint, KEY, SECRET, retries=retries, session=session, clock=clock, sleep=clock.sleep,
                     rng=random.Random(0), **kwargs)


def test_headers_and_signature_cover_the_exact_uri_sent():
    session = Session(Response())
    client(session).request('GET', '/api/v1/detections', params=[('pageIndex', 0), ('pageSize', 100)])
    sent = session.sent[0]
    assert sent['url'] == 'http://127.0.0.1:8080/api/v1/detections?pageIndex=0&pageSize=100'
    assert sent['allow_redirects'] is False
    h = sent['headers']
    assert h['X-NCP-USE_PLATFORM_TYPE'] == 'VPC' and h['Content-Type'] == 'application/json'
    assert h['User-Agent'] == 'ncloud.wbd/%s' % COLLECTION_VERSION
    assert h['x-ncp-iam-access-key'] == KEY
    expected = make_signature(SECRET, 'GET', '/api/v1/detections?pageIndex=0&pageSize=100', h['x-ncp-apigw-timestamp'], KEY)
    assert h['x-ncp-apigw-signature-v2'] == expected
    assert SECRET not in json.dumps(sent)


def test_endpoint_path_prefix_is_signed_too():
    session = Session(Response())
    client(session, endpoint='https://proxy.example/wbd/').request('POST', '/api/v1/servers', body={'pageIndex': 0})
    sent = session.sent[0]
    assert sent['url'] == 'https://proxy.example/wbd/api/v1/servers'
    assert json.loads(sent['data']) == {'pageIndex': 0}
    h = sent['headers']
    assert h['x-ncp-apigw-signature-v2'] == make_signature(SECRET, 'POST', '/wbd/api/v1/servers', h['x-ncp-apigw-timestamp'], KEY)


def test_retries_resign_each_attempt_and_honour_retry_after():
    throttled = Response(429, {'error': {'errorCode': '410', 'message': 'Throttle Limited'}}, {'Retry-After': '2'})
    session = Session(throttled, Response(503, {'error': {'errorCode': '500', 'message': 'Endpoint Error'}}), Response())
    clock = Clock()
    c = client(session, clock=clock)
    assert c.request('GET', '/api/v1/alarm/interval') == OK['result']
    stamps = [s['headers']['x-ncp-apigw-timestamp'] for s in session.sent]
    sigs = [s['headers']['x-ncp-apigw-signature-v2'] for s in session.sent]
    assert len(set(stamps)) == 3 and len(set(sigs)) == 3
    assert clock.sleeps[0] == 2.0 and 0 <= clock.sleeps[1] <= 2.0
    assert c.stats == {'requests': 3, 'retries': 2}


def test_storm_longer_than_budget_fails_with_attempt_count():
    throttled = Response(429, {'error': {'errorCode': '410', 'message': 'Throttle Limited'}})
    session = Session(throttled)
    c = client(session, retries=2)
    with pytest.raises(errors.WbdRateLimitError) as exc:
        c.request('GET', '/api/v1/detections', operation='GetWebshell')
    assert 'Gave up after 3 attempts' in str(exc.value) and 'Throttle Limited' in str(exc.value)
    assert len(session.sent) == 3 and c.stats['retries'] == 2


def test_deadline_bounds_retries_even_with_a_big_count():
    session = Session(Response(429, {'error': {'errorCode': '410', 'message': 'x'}}, {'Retry-After': '100'}))
    with pytest.raises(errors.WbdRateLimitError):
        client(session, retries=50, deadline=250).request('GET', '/x')
    assert len(session.sent) == 3  # 0s, 100s, 200s; a third wait would cross 250s


@pytest.mark.parametrize('status, code, kind', [(401, '200', errors.WbdAuthError), (401, '210', errors.WbdPermissionError),
                                                (400, '100', errors.WbdGatewayError), (404, '300', errors.WbdGatewayError)])
def test_client_errors_are_not_retried(status, code, kind):
    session = Session(Response(status, {'error': {'errorCode': code, 'message': 'm'}}))
    with pytest.raises(kind):
        client(session).request('GET', '/x')
    assert len(session.sent) == 1


def test_connection_errors_and_timeouts_are_retried():
    session = Session(requests.exceptions.ConnectionError('[Errno 111] Connection refused'),
                      requests.exceptions.ReadTimeout('read timed out'), Response())
    c = client(session)
    assert c.request('GET', '/x') == OK['result'] and c.stats['retries'] == 2


def test_connection_error_message_is_short_and_actionable():
    session = Session(requests.exceptions.ConnectionError(
        "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded (Caused by NewConnectionError("
        "'<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))"))
    with pytest.raises(errors.WbdConnectionError) as exc:
        client(session, retries=0).request('GET', '/x')
    assert '[Errno 111] Connection refused' in str(exc.value) and 'endpoint' in str(exc.value) and '0x7f' not in str(exc.value)
    assert 'Gave up' not in str(exc.value)  # no retries were allowed, so none were given up


def test_tls_errors_are_not_retried():
    session = Session(requests.exceptions.SSLError('certificate verify failed'))
    with pytest.raises(errors.WbdTlsError) as exc:
        client(session).request('GET', '/x')
    assert 'ca_path' in str(exc.value) and len(session.sent) == 1


def test_verify_follows_ca_path_then_validate_certs():
    assert client(Session(Response()), ca_path='/etc/ca.pem').verify == '/etc/ca.pem'
    assert client(Session(Response()), validate_certs=False).verify is False


def test_paginate_get_and_search_bodies():
    page = {'success': True, 'result': {'content': [{'detectionId': '1'}], 'totalCount': 1, 'pageSize': 5}}
    session = Session(Response(payload=page))
    c = client(session)
    assert list(c.paginate('/api/v1/detections', 'detectionId', 5)) == [{'detectionId': '1'}]
    assert session.sent[-1]['url'].endswith('/api/v1/detections?pageIndex=0&pageSize=5')
    list(c.paginate('/api/v1/detections', 'detectionId', 5, filters={'actionStatus': 'blank'}))
    assert json.loads(session.sent[-1]['data']) == {'actionStatus': 'blank', 'pageIndex': 0, 'pageSize': 5}


def test_resolve_endpoint():
    assert resolve_endpoint(None, None) == 'https://wbd.apigw.ntruss.com'
    assert resolve_endpoint(None, 'gov') == 'https://wbd.apigw.gov-ntruss.com'
    assert resolve_endpoint(None, 'fin') == 'https://wbd.apigw.fin-ntruss.com'
    assert resolve_endpoint('http://127.0.0.1:8080/', 'gov') == 'http://127.0.0.1:8080'
    for bad in ('127.0.0.1:8080', 'ftp://x', 'http://x/?a=1'):
        with pytest.raises(errors.WbdConfigError):
            resolve_endpoint(bad, None)


def test_signature_echoed_by_a_proxy_never_reaches_the_message():
    class EchoSession(Session):
        def request(self, method, url, data=None, headers=None, **kwargs):
            self.sent.append(dict(headers=headers))
            page = '<html><head><title>Bad Gateway %s</title></head></html>' % headers['x-ncp-apigw-signature-v2']
            return Response(502, raw=page.encode())

    session = EchoSession(None)
    with pytest.raises(errors.WbdGatewayError) as exc:
        client(session, retries=1).request('GET', '/x')
    assert 'Bad Gateway' in str(exc.value)
    for sent in session.sent:
        assert sent['headers']['x-ncp-apigw-signature-v2'] not in str(exc.value)


def test_concurrent_client_throttles_as_a_whole_and_sizes_its_pool():
    session = Session(Response(429, {'error': {'errorCode': '410', 'message': 'Throttle Limited'}}, headers={'Retry-After': '0'}),
                      Response())
    c = client(session, concurrency=4)
    c.request('GET', '/api/v1/detections')
    assert c.gate.throttled == 1 and c.gate.lowest == 2 and c.stats == {'requests': 2, 'retries': 1}


def test_concurrency_one_has_no_gate():
    assert client(Session(Response())).gate is None


def test_abort_retries_makes_the_next_retryable_error_final():
    session = Session(Response(503, {'error': {'errorCode': '500', 'message': 'Endpoint Error'}}))
    c = client(session, concurrency=2)
    c.abort_retries()
    with pytest.raises(errors.WbdGatewayError):
        c.request('GET', '/api/v1/detections')
    assert len(session.sent) == 1


def test_real_session_pool_matches_the_concurrency():
    c = WbdClient('http://127.0.0.1:9', KEY, SECRET, concurrency=12)
    try:
        assert c.session.get_adapter('http://127.0.0.1:9')._pool_maxsize == 12
    finally:
        c.close()


def test_environment_settings_are_read_once_for_the_origin(monkeypatch, tmp_path):
    # requests would look these up (and search for a .netrc) on every call; the client reads them once and sends
    # them with each request, so proxies and a CA bundle from the environment still apply.
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('')
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example:3128')
    monkeypatch.setenv('NO_PROXY', 'other.example')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(bundle))
    client = WbdClient('https://wbd.apigw.ntruss.com', 'AK', 'SK')
    assert client.session.trust_env is False
    assert client._proxies.get('https') == 'http://proxy.example:3128'
    assert client.verify == str(bundle)
    # An explicit CA path or validate_certs: false is not overridden by the environment.
    assert WbdClient('https://wbd.apigw.ntruss.com', 'AK', 'SK', ca_path='/etc/my-ca.pem').verify == '/etc/my-ca.pem'
    assert WbdClient('https://wbd.apigw.ntruss.com', 'AK', 'SK', validate_certs=False).verify is False
    monkeypatch.setenv('NO_PROXY', 'wbd.apigw.ntruss.com')
    assert not WbdClient('https://wbd.apigw.ntruss.com', 'AK', 'SK')._proxies.get('https')
