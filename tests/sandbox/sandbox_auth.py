# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NCP API Gateway signature v2 verification for the WBD sandbox.

Written independently of the collection's own signer so that the sandbox is a
real second opinion on the wire format (wbd-api.md section 9).
"""

import base64
import hashlib
import hmac

TIMESTAMP_HEADER = 'x-ncp-apigw-timestamp'
ACCESS_KEY_HEADER = 'x-ncp-iam-access-key'
SIGNATURE_HEADER = 'x-ncp-apigw-signature-v2'
PLATFORM_HEADER = 'X-NCP-USE_PLATFORM_TYPE'

MAX_SKEW_MS = 5 * 60 * 1000

ROLE_FULL = 'full'
ROLE_LIMITED = 'limited'
ROLE_READONLY = 'readonly'  # reads like ROLE_FULL; every write is refused with a gateway 403 (sandbox_server)


def string_to_sign(method, uri, timestamp, access_key):
    """Build the exact three-line message the gateway signs (no trailing newline)."""
    return '%s %s\n%s\n%s' % (method.upper(), uri, timestamp, access_key)


def compute_signature(secret_key, method, uri, timestamp, access_key):
    """Return the base64 HMAC-SHA256 signature for one request."""
    message = string_to_sign(method, uri, timestamp, access_key)
    digest = hmac.new(secret_key.encode('utf-8'), message.encode('utf-8'), hashlib.sha256).digest()
    return base64.b64encode(digest).decode('ascii')


class AuthResult(object):
    """Outcome of verifying one request; never carries the secret or expected signature."""

    def __init__(self, ok, error_code=None, details=None, access_key=None, signature_valid=False, role=None):
        self.ok = ok
        self.role = role
        self.error_code = error_code
        self.details = details
        self.access_key = access_key
        self.signature_valid = signature_valid

    def error_body(self):
        """Gateway-style 401 body for a failed check."""
        if self.error_code == '210':
            return {'error': {'errorCode': '210', 'message': 'Permission Denied'}}
        return {'error': {'errorCode': '200', 'message': 'Authentication Failed', 'details': self.details}}


def _fail(details, access_key=None, signature_valid=False):
    return AuthResult(False, error_code='200', details=details, access_key=access_key, signature_valid=signature_valid)


def verify_request(method, uri, headers, keys, now_ms):
    """Check the three gateway headers against ``keys`` ({access_key: (secret, role)}).

    ``uri`` must be the raw request-target as received; ``headers`` any mapping
    with case-insensitive ``get`` (http.server's message object qualifies).
    """
    timestamp = headers.get(TIMESTAMP_HEADER)
    access_key = headers.get(ACCESS_KEY_HEADER)
    signature = headers.get(SIGNATURE_HEADER)
    for name, value in ((TIMESTAMP_HEADER, timestamp), (ACCESS_KEY_HEADER, access_key), (SIGNATURE_HEADER, signature)):
        if not value:
            return _fail('missing header %s' % name, access_key=access_key)
    if access_key not in keys:
        return _fail('unknown access key', access_key=access_key)
    secret, role = keys[access_key]
    expected = compute_signature(secret, method, uri, timestamp, access_key)
    signature_valid = hmac.compare_digest(expected.encode('ascii'), signature.strip().encode('utf-8', 'replace'))
    if not signature_valid:
        return _fail('signature mismatch', access_key=access_key)
    try:
        ts_value = int(timestamp)
    except ValueError:
        return _fail('timestamp is not epoch milliseconds', access_key=access_key, signature_valid=True)
    if abs(now_ms - ts_value) >= MAX_SKEW_MS:
        return _fail('timestamp differs from gateway clock by 5 minutes or more', access_key=access_key, signature_valid=True)
    if role == ROLE_LIMITED:
        return AuthResult(False, error_code='210', details='permission denied', access_key=access_key, signature_valid=True)
    return AuthResult(True, access_key=access_key, signature_valid=True, role=role)


def platform_ok(headers):
    """True when the VPC platform header the WBD backend insists on is present."""
    return headers.get(PLATFORM_HEADER) == 'VPC'
