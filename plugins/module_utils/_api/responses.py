# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn one HTTP answer into the WBD ``result`` or a typed error. Pure: no network.

Two error layers exist (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector): the API gateway answers with a real
HTTP status and ``{"error": {"errorCode", "message"}}``; WBD itself answers HTTP 200
with ``success: false``. Dispatch on the HTTP status first, because the codes collide
(gateway errorCode 400 is a quota error, WBD code 400 a missing platform header).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import email.utils
import json
import re
import threading

from ansible.module_utils.common.warnings import warn as module_warn
from ansible_collections.ncloud.wbd.plugins.module_utils import _json
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import (
    WbdApiError,
    WbdAuthError,
    WbdConnectionError,
    WbdGatewayError,
    WbdMalformedResponseError,
    WbdPermissionError,
    WbdRateLimitError,
    clean_text,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._api.retry import parse_retry_after

CLOCK_TOLERANCE_S = 300
_TITLE = re.compile(rb'<title[^>]*>(.*?)</title>', re.I | re.S)
_SURROGATE_ESCAPE = re.compile(r'\\u[dD][89a-fA-F]')
_LONE_SURROGATE = re.compile('[\ud800-\udfff]')
# What web servers answer when a plain-HTTP request reaches their HTTPS port: nginx, Apache httpd, Go net/http.
_PLAIN_HTTP_TO_TLS_PORT = re.compile(
    rb'plain HTTP request was sent to HTTPS port|speaking plain HTTP to an SSL-enabled server|'
    rb'sent an HTTP request to an HTTPS server',
    re.I,
)
# Every operation path starts with it. Older NCP API pages give it as part of the base URL
# ("https://wbd.apigw.ntruss.com/api/v1/" and paths like GET /detections), newer ones as part of each path
# (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector): the same wire path.
API_PREFIX = '/api/v1'


class RequestInfo(object):
    """What the error messages say about the request: never headers, never the signature."""

    def __init__(self, method, uri, operation=None, permission=None, signed_at=None, warn=None, credential_source=None):
        self.method = method
        self.uri = uri
        self.operation = operation
        self.permission = permission
        self.signed_at = signed_at  # epoch seconds of the timestamp that was signed
        self.signatures = []  # every signature sent for this request, scrubbed from its error message
        self.warn = warn  # where warnings about an answer go; None: the module result's warnings
        # One line on where the keys came from (credentials.CredentialSources.description), for a 401; never a secret.
        self.credential_source = credential_source

    def __str__(self):
        label = '%s %s' % (self.method, self.uri)
        return '%s (%s)' % (self.operation, label) if self.operation else label


class WarnOnce(object):
    """Warnings given at most once per process (a module run is one process), whatever the number of pages
    or threads that hit the same problem."""

    def __init__(self):
        self.lock = threading.Lock()
        self.given = set()

    def __call__(self, key, message, warn=None):
        with self.lock:
            if key in self.given:
                return
            self.given.add(key)
        (warn or module_warn)(message)


WARN_ONCE = WarnOnce()


def _header(headers, name):
    if headers is None:
        return None
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value


def _snippet(body):
    """A short, safe description of a body that is not what we expected."""
    if not body:
        return 'an empty body'
    match = _TITLE.search(body[:65536])
    if match:
        return 'an HTML page titled "%s"' % clean_text(match.group(1).decode('utf-8', 'replace'), 80)
    head = body[:80].decode('utf-8', 'replace')
    if head.lstrip().startswith('<'):
        return 'an HTML/XML page starting "%s"' % clean_text(head, 60)
    return '%d bytes starting "%s"' % (len(body), clean_text(head, 60))


def _gateway_body(body):
    """(errorCode, message) from a gateway error body, or (None, None)."""
    try:
        data = json.loads(body.decode('utf-8'))
    except (ValueError, UnicodeDecodeError, AttributeError, RecursionError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    err = data.get('error') if isinstance(data.get('error'), dict) else data
    code = err.get('errorCode', err.get('code'))
    message = err.get('message')
    return (None if code is None else clean_text(code, 20)), (None if message is None else clean_text(message))


def _server_time(headers):
    parsed = email.utils.parsedate(_header(headers, 'Date') or '')
    try:
        return calendar.timegm(parsed) if parsed else None
    except (ValueError, OverflowError):  # a year past 9999 and the like: no usable time
        return None


def _clock_hint(headers, request):
    """Say how far off the local clock is when the gateway's Date header shows it."""
    server_now = _server_time(headers)
    if server_now is None or request.signed_at is None:
        return 'make sure this machine\'s clock is within 5 minutes of the real time (NTP), because the gateway rejects requests signed more than 5 minutes off'
    skew = request.signed_at - server_now
    if abs(skew) < CLOCK_TOLERANCE_S:
        return 'the clock looks fine (within %d s of the API\'s), so the key pair is the likely cause' % abs(skew)
    return ('this machine\'s clock is %d minutes %s the API\'s; the gateway accepts at most 5 minutes: synchronise the clock (NTP) and run again') % (
        round(abs(skew) / 60.0),
        'ahead of' if skew > 0 else 'behind',
    )


def _key_check(request):
    """What to check after a 401: the place the keys came from when the client knows it, else every place."""
    if request.credential_source:
        return 'check access_key and secret_key where they came from: %s' % clean_text(request.credential_source, 300)
    return 'check access_key and secret_key (NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY)'


def _not_found_hint(request):
    """A 404 from the gateway means no such operation path: usually the endpoint's own path is in the way."""
    uri = request.uri.split('?', 1)[0]
    prefix = uri[: max(uri.rfind(API_PREFIX + '/'), 0)]  # the operation path is the last /api/v1/...
    if prefix:
        return (
            'the endpoint\'s path %s is put before every operation path (%s/...); set endpoint to the API\'s base URL '
            'such as https://wbd.apigw.ntruss.com, with a path only when a proxy serves the API under it' % (clean_text(prefix, 80), API_PREFIX)
        )
    return 'the endpoint does not serve this WBD operation: check that endpoint/site point at the WBD API'


def gateway_error(status, headers, body, request):
    """The typed error for a non-2xx answer; the message opens with the cause."""
    code, message = _gateway_body(body)
    described = ('gateway error %s (%s)' % (code, message)) if code or message else _snippet(body)
    where = 'WBD API %s answered HTTP %d, %s' % (request, status, described)
    retry_after = parse_retry_after(_header(headers, 'Retry-After'), _server_time(headers))
    if status == 401 and code == '210':
        perm = (' (%s)' % request.permission) if request.permission else ''
        source = ('; %s' % clean_text(request.credential_source, 300)) if request.credential_source else ''
        return WbdPermissionError(
            'Permission denied: %s. The access key is valid but may not call this operation; grant the sub-account '
            'the Webshell Behavior Detector permission for it%s, or use another key%s.' % (where, perm, source),
            status=status,
            code=code,
        )
    if status == 401:
        return WbdAuthError(
            'Authentication failed: %s. The access key is unknown or the signature does not match: %s; %s.'
            % (where, _key_check(request), _clock_hint(headers, request)),
            status=status,
            code=code,
        )
    if status == 400 and body and _PLAIN_HTTP_TO_TLS_PORT.search(body[:65536]):
        err = WbdConnectionError(
            'Protocol mismatch: %s. The endpoint speaks HTTPS but was sent plain HTTP: use https:// in endpoint, or the port that serves plain HTTP.' % where,
            status=status,
            code=code,
        )
        err.retryable = False  # the same port answers the same way every time
        return err
    if status == 429:
        return WbdRateLimitError(
            'Rate limit exceeded: %s. Lower the request rate (fewer parallel jobs) or raise retries.' % where, status=status, code=code, retry_after=retry_after
        )
    if status == 403:
        return WbdPermissionError('Forbidden: %s. Check the key\'s permissions and the endpoint.' % where, status=status, code=code)
    if 300 <= status < 400:
        location = clean_text(_header(headers, 'Location') or 'nowhere', 120)
        return WbdGatewayError(
            'Unexpected redirect: %s, to %s. The endpoint is not the WBD API; check the endpoint and site options.' % (where, location),
            status=status,
            code=code,
        )
    if status >= 500:
        return WbdGatewayError(
            'Gateway error: %s. The API or its gateway is failing; try again later.' % where, status=status, code=code, retry_after=retry_after
        )
    if status == 404:
        return WbdGatewayError('Not found: %s; %s.' % (where, _not_found_hint(request)), status=status, code=code)
    return WbdGatewayError('Request refused: %s. Check the endpoint, site and module options.' % where, status=status, code=code)


def _scrub_surrogates(value, found):
    """``value`` with unpaired surrogates replaced by U+FFFD; ``found`` gets an entry per changed string.

    JSON may spell them as escapes (a lone \\udc80); Python decodes them into strings that cannot be encoded
    as UTF-8, which Ansible then refuses to read back from the module: one such field would fail the module.
    """
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            found.append(True)
            return _LONE_SURROGATE.sub('\ufffd', value)
        return value
    if isinstance(value, list):
        return [_scrub_surrogates(item, found) for item in value]
    if isinstance(value, dict):
        return dict((_scrub_surrogates(key, found), _scrub_surrogates(item, found)) for key, item in value.items())
    return value


def _decode_envelope(status, headers, body, request):
    content_type = clean_text(_header(headers, 'Content-Type') or 'no Content-Type', 60)
    # Invalid UTF-8 is decoded with U+FFFD, not refused: record fields carry attacker-written text (command lines,
    # file names), and a few bad bytes in one detection must not stop the whole listing or audit.
    try:
        text, replaced = body.decode('utf-8'), False
    except UnicodeDecodeError:
        text, replaced = body.decode('utf-8', 'replace'), True
    try:
        envelope = _json.loads(text)  # the json module's value and errors, by orjson where it reads the same
    except RecursionError:
        raise WbdMalformedResponseError(
            'Malformed answer: WBD API %s answered HTTP %d with JSON nested too deeply to read (%d bytes); no WBD answer '
            'looks like that, so check that endpoint/site point at the WBD API.' % (request, status, len(body)),
            status=status,
        )
    except ValueError as exc:
        looks_like_json = body.lstrip()[:1] in (b'{', b'[')
        err = WbdMalformedResponseError(
            'Malformed answer: WBD API %s answered HTTP %d (%s) with %s that is not valid JSON (%s)%s.'
            % (
                request,
                status,
                content_type,
                _snippet(body) if not looks_like_json else '%d bytes' % len(body),
                clean_text(exc, 80),
                '; the answer looks cut off' if looks_like_json else '; check that endpoint/site point at the WBD API and not at a proxy or a login page',
            ),
            status=status,
        )
        err.retryable = looks_like_json  # a cut-off body is usually transient, an HTML page is not
        raise err
    if not isinstance(envelope, dict) or 'success' not in envelope:
        raise WbdMalformedResponseError(
            'Malformed answer: WBD API %s answered HTTP %d with JSON that is not a WBD envelope (no "success" field); '
            'check that endpoint/site point at the WBD API.' % (request, status),
            status=status,
        )
    if _SURROGATE_ESCAPE.search(text):  # only then can a lone surrogate be in the decoded envelope
        found = []
        envelope = _scrub_surrogates(envelope, found)
        if found:
            WARN_ONCE(
                'lone-surrogate',
                'The WBD API sent text with unpaired UTF-16 surrogate escapes (first in the answer to %s): '
                'they were replaced with the replacement character U+FFFD and every record was kept.' % (request,),
                request.warn,
            )
    if replaced:
        WARN_ONCE(
            'invalid-utf8',
            'The WBD API sent text that is not valid UTF-8 (first in the answer to %s): the invalid bytes '
            'were replaced with the replacement character U+FFFD and every record was kept.' % (request,),
            request.warn,
        )
    return envelope


def parse_response(status, headers, body, request):
    """The ``result`` of a successful WBD answer; otherwise raise a typed error."""
    if not 200 <= status < 300:
        raise gateway_error(status, headers, body, request)
    envelope = _decode_envelope(status, headers, body, request)
    if envelope.get('success') is not True:
        code = clean_text(envelope.get('code'), 20)
        message = clean_text(envelope.get('message') or 'no message')
        hint = 'the request reached WBD but was refused; check the options (filters, IDs, page size)'
        if code == '400' and 'platform' in message.lower():
            hint = (
                'the X-NCP-USE_PLATFORM_TYPE header did not arrive; a proxy between this machine and the API may drop headers whose names contain an underscore'
            )
        raise WbdApiError('WBD API error: %s failed with code %s (%s); %s.' % (request, code, message, hint), status=status, code=code)
    if 'result' not in envelope:
        raise WbdMalformedResponseError('Malformed answer: WBD API %s answered success without a "result" field.' % request, status=status)
    return envelope['result']
