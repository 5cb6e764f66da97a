# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client over a stubbed session: headers, signing per attempt, retries and their budget."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import http.server
import json
import random
import shutil
import socket
import ssl
import subprocess
import threading

import pytest
import requests
from ansible_collections.ncloud.wbd.plugins.module_utils._api import errors
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import WbdClient, resolve_endpoint
from ansible_collections.ncloud.wbd.plugins.module_utils._api.signing import make_signature
from ansible_collections.ncloud.wbd.plugins.module_utils._api.version import COLLECTION_VERSION

KEY = 'AKEXAMPLE'
SECRET = 'secret-that-must-never-show'
EMPTY = {'content': [], 'totalCount': 0}  # the result of fakes.Response()


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
    return WbdClient(endpoint, KEY, SECRET, retries=retries, session=session, clock=clock, sleep=clock.sleep, rng=random.Random(0), **kwargs)


def test_headers_and_signature_cover_the_exact_uri_sent(fakes):
    session = Session(fakes.Response())
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


def test_endpoint_path_prefix_is_signed_too(fakes):
    session = Session(fakes.Response())
    client(session, endpoint='https://proxy.example/wbd/').request('POST', '/api/v1/servers', body={'pageIndex': 0})
    sent = session.sent[0]
    assert sent['url'] == 'https://proxy.example/wbd/api/v1/servers'
    assert json.loads(sent['data']) == {'pageIndex': 0}
    h = sent['headers']
    assert h['x-ncp-apigw-signature-v2'] == make_signature(SECRET, 'POST', '/wbd/api/v1/servers', h['x-ncp-apigw-timestamp'], KEY)


def test_retries_resign_each_attempt_and_honour_retry_after(fakes):
    throttled = fakes.Response(429, {'error': {'errorCode': '410', 'message': 'Throttle Limited'}}, {'Retry-After': '2'})
    session = Session(throttled, fakes.Response(503, {'error': {'errorCode': '500', 'message': 'Endpoint Error'}}), fakes.Response())
    clock = Clock()
    c = client(session, clock=clock)
    assert c.request('GET', '/api/v1/alarm/interval') == EMPTY
    stamps = [s['headers']['x-ncp-apigw-timestamp'] for s in session.sent]
    sigs = [s['headers']['x-ncp-apigw-signature-v2'] for s in session.sent]
    assert len(set(stamps)) == 3 and len(set(sigs)) == 3
    assert clock.sleeps[0] == 2.0 and 0 <= clock.sleeps[1] <= 2.0
    assert c.stats == {'requests': 3, 'retries': 2}


def test_storm_longer_than_budget_fails_with_attempt_count(fakes):
    throttled = fakes.Response(429, {'error': {'errorCode': '410', 'message': 'Throttle Limited'}})
    session = Session(throttled)
    c = client(session, retries=2)
    with pytest.raises(errors.WbdRateLimitError) as exc:
        c.request('GET', '/api/v1/detections', operation='GetWebshell')
    assert 'Gave up after 3 attempts' in str(exc.value) and 'Throttle Limited' in str(exc.value)
    assert len(session.sent) == 3 and c.stats['retries'] == 2


def test_deadline_bounds_retries_even_with_a_big_count(fakes):
    session = Session(fakes.Response(429, {'error': {'errorCode': '410', 'message': 'x'}}, {'Retry-After': '100'}))
    with pytest.raises(errors.WbdRateLimitError):
        client(session, retries=50, deadline=250).request('GET', '/x')
    assert len(session.sent) == 3  # 0s, 100s, 200s; a third wait would cross 250s


@pytest.mark.parametrize(
    'status, code, kind',
    [(401, '200', errors.WbdAuthError), (401, '210', errors.WbdPermissionError), (400, '100', errors.WbdGatewayError), (404, '300', errors.WbdGatewayError)],
)
def test_client_errors_are_not_retried(status, code, kind, fakes):
    session = Session(fakes.Response(status, {'error': {'errorCode': code, 'message': 'm'}}))
    with pytest.raises(kind):
        client(session).request('GET', '/x')
    assert len(session.sent) == 1


def test_connection_errors_and_timeouts_are_retried(fakes):
    session = Session(
        requests.exceptions.ConnectionError('[Errno 111] Connection refused'), requests.exceptions.ReadTimeout('read timed out'), fakes.Response()
    )
    c = client(session)
    assert c.request('GET', '/x') == EMPTY and c.stats['retries'] == 2


def test_connection_error_message_is_short_and_actionable():
    session = Session(
        requests.exceptions.ConnectionError(
            "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded (Caused by NewConnectionError("
            "'<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))"
        )
    )
    with pytest.raises(errors.WbdConnectionError) as exc:
        client(session, retries=0).request('GET', '/x')
    assert '[Errno 111] Connection refused' in str(exc.value) and 'endpoint' in str(exc.value) and '0x7f' not in str(exc.value)
    assert 'Gave up' not in str(exc.value)  # no retries were allowed, so none were given up


def test_tls_errors_are_not_retried():
    session = Session(requests.exceptions.SSLError('certificate verify failed'))
    with pytest.raises(errors.WbdTlsError) as exc:
        client(session).request('GET', '/x')
    assert 'ca_path' in str(exc.value) and len(session.sent) == 1


def test_verify_follows_ca_path_then_validate_certs(fakes):
    assert client(Session(fakes.Response()), ca_path='/etc/ca.pem').verify == '/etc/ca.pem'
    assert client(Session(fakes.Response()), validate_certs=False).verify is False


def test_paginate_get_and_search_bodies(fakes):
    page = {'success': True, 'result': {'content': [{'detectionId': '1'}], 'totalCount': 1, 'pageSize': 5}}
    session = Session(fakes.Response(200, page))
    c = client(session)
    assert list(c.paginate('/api/v1/detections', 'detectionId', 5)) == [{'detectionId': '1'}]
    assert session.sent[-1]['url'].endswith('/api/v1/detections?pageIndex=0&pageSize=5')
    list(c.paginate('/api/v1/detections', 'detectionId', 5, filters={'actionStatus': 'blank'}))
    assert json.loads(session.sent[-1]['data']) == {'actionStatus': 'blank', 'pageIndex': 0, 'pageSize': 5}


@pytest.mark.parametrize(
    'endpoint, base',
    [
        ('https://wbd.apigw.ntruss.com/api/v1', 'https://wbd.apigw.ntruss.com'),
        ('https://wbd.apigw.ntruss.com/api/v1/', 'https://wbd.apigw.ntruss.com'),
        ('https://wbd.apigw.ntruss.com/api/v1//', 'https://wbd.apigw.ntruss.com'),
        ('https://proxy.example/wbd/api/v1/', 'https://proxy.example/wbd'),
        ('http://127.0.0.1:8080/api/v1', 'http://127.0.0.1:8080'),
        # other paths are kept as they are (a proxy may serve the API under one) and fail loudly if wrong
        ('https://proxy.example/wbd', 'https://proxy.example/wbd'),
        ('https://wbd.apigw.ntruss.com/api/v2', 'https://wbd.apigw.ntruss.com/api/v2'),
        ('https://wbd.apigw.ntruss.com/api', 'https://wbd.apigw.ntruss.com/api'),
        ('https://wbd.apigw.ntruss.com/xapi/v1', 'https://wbd.apigw.ntruss.com/xapi/v1'),
    ],
)
def test_endpoint_with_the_api_prefix_means_the_same_base(endpoint, base):
    assert resolve_endpoint(endpoint, 'gov') == base


@pytest.mark.parametrize('endpoint', ['https://wbd.apigw.ntruss.com/api/v1', 'https://wbd.apigw.ntruss.com/api/v1/'])
def test_requests_carry_the_api_prefix_once(endpoint, fakes):
    session = Session(fakes.Response())
    for c in (client(session, endpoint=resolve_endpoint(endpoint, None)), client(session, endpoint=endpoint)):
        c.request('GET', '/api/v1/detections', params=[('pageIndex', 0), ('pageSize', 5)])
    for sent in session.sent:
        assert sent['url'] == 'https://wbd.apigw.ntruss.com/api/v1/detections?pageIndex=0&pageSize=5'
        h = sent['headers']
        assert h['x-ncp-apigw-signature-v2'] == make_signature(SECRET, 'GET', '/api/v1/detections?pageIndex=0&pageSize=5', h['x-ncp-apigw-timestamp'], KEY)


def test_a_wrong_endpoint_path_is_named_in_the_404(fakes):
    session = Session(fakes.Response(404, {'error': {'errorCode': '300', 'message': 'Not Found Exception'}}))
    with pytest.raises(errors.WbdGatewayError) as exc:
        client(session, endpoint='https://wbd.apigw.ntruss.com/v1').request('GET', '/api/v1/detections', operation='GetWebshell')
    message = str(exc.value)
    assert message.startswith('Not found: WBD API GetWebshell (GET /v1/api/v1/detections) answered HTTP 404')
    assert "the endpoint's path /v1 is put before every operation path (/api/v1/...)" in message
    assert 'https://wbd.apigw.ntruss.com' in message and '\n' not in message and len(session.sent) == 1


def test_resolve_endpoint():
    assert resolve_endpoint(None, None) == 'https://wbd.apigw.ntruss.com'
    assert resolve_endpoint(None, 'gov') == 'https://wbd.apigw.gov-ntruss.com'
    assert resolve_endpoint(None, 'fin') == 'https://wbd.apigw.fin-ntruss.com'
    assert resolve_endpoint('http://127.0.0.1:8080/', 'gov') == 'http://127.0.0.1:8080'
    for bad in ('127.0.0.1:8080', 'ftp://x', 'http://x/?a=1'):
        with pytest.raises(errors.WbdConfigError):
            resolve_endpoint(bad, None)


def test_signature_echoed_by_a_proxy_never_reaches_the_message(fakes):
    class EchoSession(Session):
        def request(self, method, url, data=None, headers=None, **kwargs):
            self.sent.append(dict(headers=headers))
            page = '<html><head><title>Bad Gateway %s</title></head></html>' % headers['x-ncp-apigw-signature-v2']
            return fakes.Response(502, page.encode())

    session = EchoSession(None)
    with pytest.raises(errors.WbdGatewayError) as exc:
        client(session, retries=1).request('GET', '/x')
    assert 'Bad Gateway' in str(exc.value)
    for sent in session.sent:
        assert sent['headers']['x-ncp-apigw-signature-v2'] not in str(exc.value)


def test_concurrent_client_throttles_as_a_whole_and_sizes_its_pool(fakes):
    session = Session(fakes.Response(429, {'error': {'errorCode': '410', 'message': 'Throttle Limited'}}, headers={'Retry-After': '0'}), fakes.Response())
    c = client(session, concurrency=4)
    c.request('GET', '/api/v1/detections')
    assert c.gate.throttled == 1 and c.gate.lowest == 2 and c.stats == {'requests': 2, 'retries': 1}


def test_concurrency_one_has_no_gate(fakes):
    assert client(Session(fakes.Response())).gate is None


def test_abort_retries_makes_the_next_retryable_error_final(fakes):
    session = Session(fakes.Response(503, {'error': {'errorCode': '500', 'message': 'Endpoint Error'}}))
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


# ---- protocol mismatch, against real local servers ------------------------------------------------


class _Ok(http.server.BaseHTTPRequestHandler):
    """A plain WBD-like answer to everything."""

    def do_GET(self):
        body = json.dumps({'success': True, 'code': 0, 'message': 'success', 'result': EMPTY}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _NginxTlsPort(_Ok):
    """What nginx answers a plain-HTTP request on its HTTPS port (its error_page 497)."""

    def do_GET(self):
        body = (
            b'<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n'
            b'<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
        )
        self.send_response(400)
        self.send_header('Content-Type', 'text/html')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serving(handler, context=None):
    """A threaded HTTP server on 127.0.0.1 (HTTPS when ``context`` is given); yields its port."""
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    server.daemon_threads = True
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope='module')
def tls_context(tmp_path_factory):
    """A server context with a new self-signed certificate for 127.0.0.1, made with the openssl CLI."""
    openssl = shutil.which('openssl')
    if not openssl:
        pytest.skip('the openssl command is needed to make a certificate')
    directory = tmp_path_factory.mktemp('tls')
    cert, key = str(directory / 'cert.pem'), str(directory / 'key.pem')
    subprocess.run(
        [
            openssl,
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-sha256',
            '-days',
            '2',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
            '-keyout',
            key,
            '-out',
            cert,
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=True,
        timeout=60,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


def real_client(endpoint, **kwargs):
    clock = Clock()
    return WbdClient(endpoint, KEY, SECRET, retries=3, timeout=5, sleep=clock.sleep, rng=random.Random(0), **kwargs)


def one_line_without_secret(message):
    assert '\n' not in message and 'Traceback' not in message and SECRET not in message
    return message


def failure(c, error, operation=None):
    """The ``error`` that ``c`` raises on GET /api/v1/detections, and its message (one line, without the secret)."""
    with pytest.raises(error) as exc:
        c.request('GET', '/api/v1/detections', operation=operation)
    return exc.value, one_line_without_secret(str(exc.value))


@contextlib.contextmanager
def raw_server(serve, backlog=4):
    """A bare loopback socket whose connections ``serve(listener, stop)`` handles in a thread; yields its http:// URL."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(backlog)
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(listener, stop))
    thread.daemon = True
    thread.start()
    try:
        yield 'http://127.0.0.1:%d' % listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_plain_http_server_behind_an_https_endpoint_is_named():
    with serving(_Ok) as port:
        assert real_client('http://127.0.0.1:%d' % port).request('GET', '/api/v1/detections') == EMPTY  # it works in HTTP
        for validate in (True, False):
            c = real_client('https://127.0.0.1:%d' % port, validate_certs=validate)
            error, message = failure(c, errors.WbdTlsError, 'GetWebshell')
            assert error.kind == 'tls' and not error.retryable and c.stats == {'requests': 1, 'retries': 0}
            assert message.startswith('Protocol mismatch for GetWebshell (GET /api/v1/detections) at https://127.0.0.1:%d' % port)
            assert 'the endpoint answered in plain HTTP, not TLS ([SSL: ' in message
            assert 'use http:// in endpoint, or the port that serves HTTPS' in message
            assert 'ca_path' not in message and 'HTTPSConnectionPool' not in message


def test_https_server_behind_a_plain_http_endpoint_is_named(tls_context):
    context, cert = tls_context
    with serving(_Ok, context) as port:
        assert real_client('https://127.0.0.1:%d' % port, ca_path=cert).request('GET', '/api/v1/detections') == EMPTY
        c = real_client('http://127.0.0.1:%d' % port)
        error, message = failure(c, errors.WbdConnectionError, 'GetWebshell')
        assert error.kind == 'connection' and not error.retryable and c.stats == {'requests': 1, 'retries': 0}
        assert message.startswith('Protocol mismatch for GetWebshell (GET /api/v1/detections) at http://127.0.0.1:%d' % port)
        assert 'the endpoint speaks HTTPS but was sent plain HTTP' in message
        assert 'use https:// in endpoint, or the port that serves plain HTTP' in message


def test_nginx_answer_on_its_https_port_is_named():
    with serving(_NginxTlsPort) as port:
        c = real_client('http://127.0.0.1:%d' % port)
        error, message = failure(c, errors.WbdConnectionError, 'GetWebshell')
    assert error.kind == 'connection' and not error.retryable and error.status == 400 and c.stats['requests'] == 1
    assert message.startswith(
        'Protocol mismatch: WBD API GetWebshell (GET /api/v1/detections) answered HTTP 400, an HTML page '
        'titled "400 The plain HTTP request was sent to HTTPS port"'
    )
    assert 'use https:// in endpoint' in message


def test_tls_alert_to_a_plain_http_request_is_named():
    """A TLS server that answers a plain-HTTP request with an alert record (0x15 0x03 ...) instead of closing."""

    def answer(listener, stop):
        conn, dummy = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b'\x15\x03\x01\x00\x02\x02\x46')  # alert, fatal, protocol_version

    with raw_server(answer) as url:
        c = real_client(url)
        error, message = failure(c, errors.WbdConnectionError)
    assert not error.retryable and c.stats['requests'] == 1
    assert 'speaks HTTPS but was sent plain HTTP (it answered with a TLS alert)' in message


def test_a_reset_from_a_plain_http_port_stays_a_retryable_connection_error():
    """A reset is only called a protocol mismatch when the port really completes a TLS handshake."""

    def reset_everything(listener, stop):
        listener.settimeout(0.05)  # closing the socket does not wake a blocked accept: poll the stop flag
        while not stop.is_set():
            try:
                conn, dummy = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')  # close = RST
            conn.close()

    with raw_server(reset_everything, backlog=8) as url:
        c = real_client(url)
        error, message = failure(c, errors.WbdConnectionError)
    assert message.startswith('Could not talk to the WBD API') and 'Protocol mismatch' not in message
    assert c.stats == {'requests': 4, 'retries': 3} and c._speaks_tls is False  # probed once, not per attempt


def test_other_tls_failures_keep_their_own_advice():
    session = Session(requests.exceptions.SSLError("[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version (_ssl.c:1006)"))
    with pytest.raises(errors.WbdTlsError) as exc:
        client(session, endpoint='https://127.0.0.1:8443').request('GET', '/x')
    assert str(exc.value).startswith('TLS handshake failed') and 'HTTPS port' in str(exc.value) and 'ca_path' not in str(exc.value)
    session = Session(requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"))
    with pytest.raises(errors.WbdTlsError) as exc:
        client(session, endpoint='https://127.0.0.1:8443').request('GET', '/x')
    assert str(exc.value).startswith('TLS verification failed') and 'ca_path' in str(exc.value)


@pytest.mark.parametrize(
    'text',
    [
        '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)',
        '[SSL: RECORD_LAYER_FAILURE] record layer failure (_ssl.c:1010)',
        '[SSL: PACKET_LENGTH_TOO_LONG] packet length too long (_ssl.c:1123)',
        '[SSL: UNKNOWN_PROTOCOL] unknown protocol (_ssl.c:600)',
    ],
)
def test_every_openssl_wording_of_a_plain_http_answer(text):
    session = Session(
        requests.exceptions.SSLError("HTTPSConnectionPool(host='h', port=80): Max retries exceeded (Caused by SSLError(SSLError(1, '%s')))" % text)
    )
    with pytest.raises(errors.WbdTlsError) as exc:
        client(session, endpoint='https://h:80').request('GET', '/x')
    assert 'answered in plain HTTP' in str(exc.value) and text.split(']')[0] + ']' in str(exc.value)


# ---- which credential source a 401 names ----------------------------------------------------------


def test_a_401_names_the_credential_source_and_never_the_secret(fakes):
    source = 'the access key (AKEX..., 20 characters) came from environment variable NCLOUD_ACCESS_KEY, the secret key too'
    session = Session(fakes.Response(401, {'error': {'errorCode': '200', 'message': 'Authentication Failed'}}))
    with pytest.raises(errors.WbdAuthError) as exc:
        client(session, credential_source=source).request('GET', '/api/v1/detections', operation='GetWebshell')
    message = one_line_without_secret(str(exc.value))
    assert 'check access_key and secret_key where they came from: %s;' % source in message
    assert 'the key pair is the likely cause' in message or 'NTP' in message
    session = Session(fakes.Response(401, {'error': {'errorCode': '200', 'message': 'Authentication Failed'}}))
    with pytest.raises(errors.WbdAuthError) as exc:
        client(session).request('GET', '/api/v1/detections')
    assert 'check access_key and secret_key (NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY)' in str(exc.value)
