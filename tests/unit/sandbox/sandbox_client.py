# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signed requests to a sandbox and its control plane, as the sandbox tests send them (not a test module itself)."""

import base64
import hashlib
import hmac
import http.client
import json
import time

ACCESS = 'SANDBOXACCESSKEY00001'
SECRET = 'sandbox-secret-DO-NOT-LEAK-7f3a9c'
LIMITED = ('SANDBOXLIMITEDKEY0001', 'sandbox-limited-secret-3b1e')
READONLY = ('SANDBOXREADONLYKEY001', 'sandbox-readonly-secret-5d2c')


def headers(method, uri, access=ACCESS, secret=SECRET, *, ts=None, platform=True):
    ts = ts or str(int(time.time() * 1000))
    message = '%s %s\n%s\n%s' % (method, uri, ts, access)
    sig = base64.b64encode(hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()).decode()
    result = {'x-ncp-apigw-timestamp': ts, 'x-ncp-iam-access-key': access, 'x-ncp-apigw-signature-v2': sig, 'Content-Type': 'application/json'}
    if platform:
        result['X-NCP-USE_PLATFORM_TYPE'] = 'VPC'
    return result


def connect(base_url):
    host, port = base_url.rsplit('/', 1)[1].split(':')
    return http.client.HTTPConnection(host, int(port), timeout=5)


def raw(base_url, method, uri, body=None, *, hdrs=None, conn=None):
    """One request; returns (status, headers dict, raw body bytes)."""
    conn = conn or connect(base_url)
    payload = json.dumps(body).encode() if body is not None else None
    conn.request(method, uri, body=payload, headers=hdrs if hdrs is not None else headers(method, uri))
    resp = conn.getresponse()
    return resp.status, dict(resp.getheaders()), resp.read()


def call(base_url, method, uri, body=None, **kwargs):
    status, data = raw(base_url, method, uri, body, hdrs=kwargs.get('hdrs'))[::2]
    return status, json.loads(data.decode())


def control(base_url, path, body=None):
    conn = connect(base_url)
    conn.request('POST' if body is not None else 'GET', path, body=json.dumps(body).encode() if body is not None else None)
    return json.loads(conn.getresponse().read().decode())
