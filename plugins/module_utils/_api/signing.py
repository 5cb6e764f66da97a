# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NCP API Gateway signature v2: pure functions, no network.

stringToSign = METHOD " " URI "\n" TIMESTAMP "\n" ACCESS_KEY, HMAC-SHA256 with the
secret key, base64. URI is the request-target exactly as sent: the path from the
host root, plus "?" and the query only when there is a query.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
import time

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2 is not supported, keep the import test quiet
    from urllib import quote  # type: ignore[no-redef]

TIMESTAMP_HEADER = 'x-ncp-apigw-timestamp'
ACCESS_KEY_HEADER = 'x-ncp-iam-access-key'
SIGNATURE_HEADER = 'x-ncp-apigw-signature-v2'


def request_target(path, params=None):
    """Build the path-and-query once, in a fixed order, so the signed and sent URIs are byte-identical.

    ``params`` is a list of (name, value) pairs; their order is kept. Values are
    percent-encoded with nothing left safe; None values are dropped.
    """
    pairs = [(k, v) for k, v in (params or []) if v is not None]
    if not pairs:
        return path
    query = '&'.join('%s=%s' % (quote(str(k), safe=''), quote(str(v), safe='')) for k, v in pairs)
    return '%s?%s' % (path, query)


def string_to_sign(method, uri, timestamp, access_key):
    return '%s %s\n%s\n%s' % (method.upper(), uri, timestamp, access_key)


def make_signature(secret_key, method, uri, timestamp, access_key):
    message = string_to_sign(method, uri, timestamp, access_key)
    digest = hmac.new(secret_key.encode('utf-8'), message.encode('utf-8'), hashlib.sha256).digest()
    return base64.b64encode(digest).decode('ascii')


def timestamp_ms(clock=time.time):
    return str(int(clock() * 1000))


def signed_headers(access_key, secret_key, method, uri, timestamp=None):
    """The three gateway headers for one attempt; a fresh timestamp unless one is given."""
    timestamp = timestamp or timestamp_ms()
    return {
        TIMESTAMP_HEADER: timestamp,
        ACCESS_KEY_HEADER: access_key,
        SIGNATURE_HEADER: make_signature(secret_key, method, uri, timestamp, access_key),
    }
