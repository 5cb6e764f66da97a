# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests for the WBD sandbox's HTTPS mode (--tls-cert/--tls-key, --tls-self-signed)."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import time

import pytest
from ansible_collections.ncloud.wbd.tests.unit.sandbox.sandbox_command import sandbox_command

SANDBOX_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'sandbox'))
if SANDBOX_DIR not in sys.path:
    sys.path.insert(0, SANDBOX_DIR)

import wbd_sandbox  # noqa: E402  pylint: disable=wrong-import-position

ACCESS = 'SANDBOXACCESSKEY00001'
SECRET = 'sandbox-secret-DO-NOT-LEAK-7f3a9c'

pytestmark = pytest.mark.skipif(shutil.which('openssl') is None, reason='the openssl command is needed to make certificates')


@pytest.fixture(scope='module')
def tls_sandbox(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp('tls'))
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=60, detections=15, tls_self_signed=directory)
    yield server, base_url, os.path.join(directory, 'cert.pem')
    server.stop()


def port_of(base_url):
    return int(base_url.rsplit(':', 1)[1])


def trusting(cert):
    """A client context as strict as a default one (hostname checked), trusting only ``cert``."""
    return ssl.create_default_context(cafile=cert)


def get(base_url, path, context, headers=None):
    conn = http.client.HTTPSConnection('127.0.0.1', port_of(base_url), timeout=5, context=context)
    try:
        conn.request('GET', path, headers=headers or {})
        response = conn.getresponse()
        return response.status, json.loads(response.read().decode('utf-8'))
    finally:
        conn.close()


def signed(method, uri):
    ts = str(int(time.time() * 1000))
    message = '%s %s\n%s\n%s' % (method, uri, ts, ACCESS)
    signature = base64.b64encode(hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).digest()).decode()
    return {'x-ncp-apigw-timestamp': ts, 'x-ncp-iam-access-key': ACCESS, 'x-ncp-apigw-signature-v2': signature, 'X-NCP-USE_PLATFORM_TYPE': 'VPC'}


def test_self_signed_certificate_files(tmp_path):
    cert, key = wbd_sandbox.self_signed_cert(str(tmp_path / 'made'))
    assert (cert, key) == (str(tmp_path / 'made' / 'cert.pem'), str(tmp_path / 'made' / 'key.pem'))
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert sorted(os.listdir(str(tmp_path / 'made'))) == ['cert.pem', 'key.pem']  # no leftover config or temp file
    text = subprocess.run(['openssl', 'x509', '-in', cert, '-noout', '-text'], capture_output=True, text=True, check=True).stdout
    assert 'IP Address:127.0.0.1' in text
    assert 'CA:TRUE' in text
    first = open(cert).read()
    wbd_sandbox.self_signed_cert(str(tmp_path / 'made'))
    assert open(cert).read() != first  # a new certificate each time


def test_https_verified_with_the_certificate_as_ca(tls_sandbox):
    server, base_url, cert = tls_sandbox
    assert base_url.startswith('https://127.0.0.1:')
    assert get(base_url, '/__sandbox/health', trusting(cert)) == (200, {'ok': True})
    uri = '/api/v1/servers?pageIndex=0&pageSize=100'
    status, body = get(base_url, uri, trusting(cert), signed('GET', uri))
    assert status == 200 and body['success'] is True
    assert len(body['result']['content']) == len(server.dataset.servers)


def test_https_refused_by_default_trust_and_the_server_goes_on(tls_sandbox, capfd):
    server, base_url, cert = tls_sandbox
    with pytest.raises(ssl.SSLCertVerificationError):
        get(base_url, '/__sandbox/health', ssl.create_default_context())
    with socket.create_connection(('127.0.0.1', port_of(base_url)), timeout=5) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):  # the name must match too: the certificate is for 127.0.0.1
            trusting(cert).wrap_socket(raw, server_hostname='wbd.apigw.ntruss.com')
    assert get(base_url, '/__sandbox/health', trusting(cert)) == (200, {'ok': True})
    time.sleep(0.2)
    assert 'Traceback' not in capfd.readouterr().err


def test_plain_http_on_the_tls_port_is_dropped(tls_sandbox, capfd):
    _server, base_url, cert = tls_sandbox
    conn = http.client.HTTPConnection('127.0.0.1', port_of(base_url), timeout=5)
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        conn.request('GET', '/__sandbox/health')
        conn.getresponse()
    conn.close()
    assert get(base_url, '/__sandbox/health', trusting(cert)) == (200, {'ok': True})
    time.sleep(0.2)
    assert 'Traceback' not in capfd.readouterr().err


def test_a_client_stuck_in_the_handshake_does_not_block_others(tls_sandbox):
    _server, base_url, cert = tls_sandbox
    stuck = socket.create_connection(('127.0.0.1', port_of(base_url)), timeout=5)  # connects, never says hello
    try:
        assert get(base_url, '/__sandbox/health', trusting(cert)) == (200, {'ok': True})
    finally:
        stuck.close()


def test_control_plane_and_stats_over_tls(tls_sandbox):
    server, base_url, cert = tls_sandbox
    server.stats.reset()
    uri = '/api/v1/alarm/interval'
    assert get(base_url, uri, trusting(cert), signed('GET', uri))[0] == 200
    status, stats = get(base_url, '/__sandbox/stats', trusting(cert))
    assert status == 200 and stats['requests_total'] == 1 and stats['signature_valid'] == 1
    config = get(base_url, '/__sandbox/config', trusting(cert))[1]
    assert config['base_url'] == base_url and config['tls_cert'] == cert
    assert SECRET not in json.dumps(config)


def test_explicit_certificate_and_key(tmp_path):
    cert, key = wbd_sandbox.self_signed_cert(str(tmp_path))
    combined = str(tmp_path / 'both.pem')
    with open(combined, 'w') as handle:
        handle.write(open(cert).read() + open(key).read())
    for options in ({'tls_cert': cert, 'tls_key': key}, {'tls_cert': combined}):
        server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=30, detections=5, **options)
        try:
            assert base_url.startswith('https://')
            assert get(base_url, '/__sandbox/health', trusting(cert)) == (200, {'ok': True})
        finally:
            server.stop()


def test_plain_http_stays_the_default():
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=30, detections=5)
    try:
        assert base_url.startswith('http://') and server.ssl_context is None
    finally:
        server.stop()


@pytest.mark.parametrize(
    'options, message',
    [
        ({'tls_key': 'key.pem'}, '--tls-key needs --tls-cert'),
        ({'tls_cert': 'missing.pem'}, 'cannot serve TLS with certificate missing.pem'),
        ({'tls_cert': 'cert.pem', 'tls_self_signed': 'dir'}, 'exclude each other'),
    ],
)
def test_bad_tls_options(tmp_path, monkeypatch, options, message):
    monkeypatch.chdir(str(tmp_path))
    with pytest.raises(wbd_sandbox.TlsSetupError, match=message):
        wbd_sandbox.start_in_thread(quiet=True, lifetime=30, detections=5, **options)


def test_not_a_certificate(tmp_path):
    (tmp_path / 'junk.pem').write_text('not a certificate\n')
    with pytest.raises(wbd_sandbox.TlsSetupError, match='cannot serve TLS with certificate .*junk.pem'):
        wbd_sandbox.start_in_thread(quiet=True, lifetime=30, detections=5, tls_cert=str(tmp_path / 'junk.pem'))


def test_self_signed_needs_openssl(tmp_path, monkeypatch):
    monkeypatch.setattr(wbd_sandbox.shutil, 'which', lambda name: None)
    with pytest.raises(wbd_sandbox.TlsSetupError, match='needs the openssl command'):
        wbd_sandbox.self_signed_cert(str(tmp_path))


def test_cli_start_stop_with_tls(tmp_path):
    port_file, directory = str(tmp_path / 'port'), str(tmp_path / 'tls')
    out = sandbox_command(
        'start', '--port-file', port_file, '--detections', '5', '--lifetime', '30', '--quiet', '--tls-self-signed', directory, timeout=60, check=True
    )
    base_url = out.stdout.strip()
    cert = os.path.join(directory, 'cert.pem')
    try:
        assert base_url.startswith('https://127.0.0.1:')
        assert get(base_url, '/__sandbox/health', trusting(cert)) == (200, {'ok': True})  # usable as soon as start returns
        assert wbd_sandbox.is_alive('127.0.0.1', port_of(base_url))  # the control helpers fall back to HTTPS
    finally:
        stopped = sandbox_command('stop', '--port-file', port_file)
    assert stopped.returncode == 0 and 'stopped' in stopped.stdout
    assert not wbd_sandbox.is_alive('127.0.0.1', port_of(base_url))
    assert not os.path.exists(port_file)


def test_cli_start_refuses_a_bad_certificate(tmp_path):
    out = sandbox_command('start', '--port-file', str(tmp_path / 'port'), '--quiet', '--tls-cert', str(tmp_path / 'missing.pem'))
    assert out.returncode == 1
    assert 'cannot serve TLS with certificate' in out.stderr and 'missing.pem' in out.stderr
    assert not os.path.exists(str(tmp_path / 'port'))
