# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WBD API client: one requests.Session per module run, a fresh signature on every
attempt, retries with backoff, typed errors, paging.

Nothing here knows about AnsibleModule; ``connect.connect`` builds it from options.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import re
import socket
import ssl
import threading
import time
import traceback

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit  # type: ignore[no-redef]

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    import requests.adapters

    HAS_REQUESTS = True
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import (
    WbdConfigError,
    WbdConnectionError,
    WbdError,
    WbdTimeoutError,
    WbdTlsError,
    clean_text,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._api.paging import Pager
from ansible_collections.ncloud.wbd.plugins.module_utils._api.responses import API_PREFIX, RequestInfo, parse_response
from ansible_collections.ncloud.wbd.plugins.module_utils._api.retry import DEFAULT_DEADLINE, next_delay
from ansible_collections.ncloud.wbd.plugins.module_utils._api.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    request_target,
    signed_headers,
    timestamp_ms,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._api.throttle import AdaptiveLimit
from ansible_collections.ncloud.wbd.plugins.module_utils._api.version import USER_AGENT

SITE_ENDPOINTS = {
    'public': 'https://wbd.apigw.ntruss.com',
    'gov': 'https://wbd.apigw.gov-ntruss.com',
    'fin': 'https://wbd.apigw.fin-ntruss.com',
}
_ERRNO = re.compile(r'\[Errno -?\d+\] [^\'")]+')
_SSL_REASON = re.compile(r'\[SSL: [A-Z_]+\][^\'"()]*')
# What OpenSSL says when a TLS client gets a plain-HTTP answer ("HTTP/1.1 400 ..." read as a TLS record), by version:
# 1.1/3.0 WRONG_VERSION_NUMBER, 3.2+ RECORD_LAYER_FAILURE, 1.0 and LibreSSL UNKNOWN_PROTOCOL / PACKET_LENGTH_TOO_LONG.
_PLAIN_HTTP_ANSWER = re.compile(
    r'wrong[ _]version[ _]number|record[ _]layer[ _]failure|packet[ _]length[ _]too[ _]long|'
    r'unknown[ _]protocol',
    re.I,
)
_CERT_PROBLEM = re.compile(r'certificate|hostname|CERTIFICATE_VERIFY_FAILED', re.I)
# A TLS server spoken to in plain HTTP closes the connection, resets it, or answers with a TLS alert record
# (bytes 0x15 0x03, which http.client shows, escaped, in its BadStatusLine).
_CLOSED_UNANSWERED = re.compile(r'RemoteDisconnected|closed connection without response|Connection reset|Connection aborted', re.I)
_TLS_ALERT = r'\x15\x03'  # how the alert's first bytes show in http.client's BadStatusLine text
PROBE_TIMEOUT = 5.0


def _base_path(path):
    """The endpoint's path without trailing slashes and without a trailing /api/v1, which every operation path adds."""
    path = path.rstrip('/')
    if path.endswith(API_PREFIX):
        path = path[: -len(API_PREFIX)].rstrip('/')
    return path


def resolve_endpoint(endpoint, site):
    """The base URL: an explicit endpoint wins over the site's host.

    A base URL that ends in /api/v1, as older NCP pages write it, means the same API: the prefix is dropped
    here, because every operation path starts with it. Any other path is kept (a proxy may serve the API
    under one) and is signed as sent.
    """
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ('http', 'https') or not parts.netloc:
            raise WbdConfigError(
                'endpoint must be an http(s) base URL such as https://wbd.apigw.ntruss.com or http://127.0.0.1:8080, got "%s".' % clean_text(endpoint, 100)
            )
        if parts.query or parts.fragment:
            raise WbdConfigError('endpoint must not carry a query or fragment, got "%s".' % clean_text(endpoint, 100))
        return '%s://%s%s' % (parts.scheme, parts.netloc, _base_path(parts.path))
    site = site or 'public'
    if site not in SITE_ENDPOINTS:
        raise WbdConfigError('site must be one of %s, got "%s".' % (', '.join(sorted(SITE_ENDPOINTS)), clean_text(site, 40)))
    return SITE_ENDPOINTS[site]


def _reason(exc):
    """The useful part of a requests exception ("[Errno 111] Connection refused"), without the noise."""
    text = '%s' % (exc,)
    match = _SSL_REASON.search(text) or _ERRNO.search(text)
    return clean_text(match.group(0) if match else text, 160)


class WbdClient(object):
    """Signed, retrying access to the WBD REST API."""

    def __init__(
        self,
        endpoint,
        access_key,
        secret_key,
        timeout=30,
        retries=5,
        deadline=DEFAULT_DEADLINE,
        validate_certs=True,
        ca_path=None,
        concurrency=1,
        session=None,
        clock=None,
        sleep=None,
        rng=None,
        credential_source=None,
    ):
        if not HAS_REQUESTS and session is None:
            raise WbdConfigError('The Python library "requests" is required.')
        parts = urlsplit(endpoint.rstrip('/'))
        self._origin = '%s://%s' % (parts.scheme, parts.netloc)
        self._scheme, self._netloc = parts.scheme, parts.netloc
        self._base_path = _base_path(parts.path)
        self.access_key = access_key
        # Where the keys came from (credentials.CredentialSources.description): an authentication error says it.
        self.credential_source = credential_source
        self._speaks_tls = None  # learnt once, when a plain-HTTP request is dropped: does the port answer TLS?
        self._secret_key = secret_key
        self.timeout = timeout
        self.retries = retries
        self.deadline = deadline
        self.verify = ca_path if ca_path else bool(validate_certs)
        self.clock = clock or time.time
        self.sleep = sleep or time.sleep
        self.rng = rng or random.SystemRandom()
        self.concurrency = max(1, int(concurrency))
        # One pooled connection per worker: a smaller pool would open and drop connections under load.
        self.session = session or self._new_session(self.concurrency)
        self._proxies = None
        if session is None and hasattr(self.session, 'merge_environment_settings'):
            # What requests reads from the environment (proxies, no_proxy, REQUESTS_CA_BUNDLE) is read once here for
            # our one origin, not again for every request (with a .netrc lookup each time); netrc credentials are
            # never sent, since every request carries its own signature.
            settings = self.session.merge_environment_settings(self._origin + '/', {}, None, self.verify, None)
            self._proxies = settings['proxies']
            self.verify = settings['verify']
            self.session.trust_env = False
        # Concurrency 1 keeps the plain retry loop: no gate, no collective pause.
        self.gate = AdaptiveLimit(self.concurrency) if self.concurrency > 1 else None
        self._abort = threading.Event()
        self.headers = {
            'X-NCP-USE_PLATFORM_TYPE': 'VPC',
            'Content-Type': 'application/json',
            'Accept': 'application/json',
            'User-Agent': USER_AGENT,
        }
        self._lock = threading.Lock()
        self.stats = {'requests': 0, 'retries': 0}

    @property
    def secret_key(self):
        """The secret key the requests are signed with, for callers that must blank it out of their output."""
        return self._secret_key

    def abort_retries(self):
        """Let requests still in flight on other workers fail at their next retry instead of waiting it out:
        one page has already failed, so the listing is lost anyway."""
        self._abort.set()

    @staticmethod
    def _new_session(pool_size):
        session = requests.Session()
        # Our own retry loop re-signs every attempt; urllib3 must not retry behind its back.
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        session.mount('http://', adapter)
        session.mount('https://', adapter)
        return session

    def close(self):
        self.session.close()

    def _count(self, key):
        with self._lock:
            self.stats[key] += 1

    def _send_once(self, method, uri, data, info):
        """One signed attempt: the parsed result, or a typed error."""
        headers = dict(self.headers)
        headers.update(signed_headers(self.access_key, self._secret_key, method, uri, timestamp_ms(self.clock)))
        info.signed_at = int(headers[TIMESTAMP_HEADER]) / 1000.0
        info.signatures.append(headers[SIGNATURE_HEADER])
        self._count('requests')
        try:
            response = self.session.request(
                method, self._origin + uri, data=data, headers=headers, proxies=self._proxies, timeout=self.timeout, verify=self.verify, allow_redirects=False
            )
            body = response.content
        except requests.exceptions.SSLError as exc:
            raise self._tls_error(exc, info)
        except requests.exceptions.Timeout as exc:
            raise WbdTimeoutError(
                'WBD API %s at %s did not answer within %s s (%s); raise the timeout option or try again later.'
                % (info, self._origin, self.timeout, _reason(exc))
            )
        except requests.exceptions.RequestException as exc:
            raise self._connection_error(exc, info)
        return parse_response(response.status_code, response.headers, body, info)

    def _tls_error(self, exc, info):
        """The TLS failure, named: a plain-HTTP port, a certificate not trusted, or another handshake problem."""
        text = '%s' % (exc,)
        reason = _reason(exc)
        certificate = _CERT_PROBLEM.search(text)
        if _PLAIN_HTTP_ANSWER.search(text) and not certificate:
            return WbdTlsError(
                'Protocol mismatch for %s at %s: the endpoint answered in plain HTTP, not TLS (%s): use http:// '
                'in endpoint, or the port that serves HTTPS.' % (info, self._origin, reason)
            )
        if certificate:
            return WbdTlsError(
                'TLS verification failed for %s at %s: %s. Point ca_path at the CA bundle that signed the '
                'server certificate, or set validate_certs: false for a test endpoint.' % (info, self._origin, reason)
            )
        return WbdTlsError(
            'TLS handshake failed for %s at %s: %s. Check that endpoint names the HTTPS port of the WBD API '
            '(and the proxy settings).' % (info, self._origin, reason)
        )

    def _connection_error(self, exc, info):
        """A broken connection; when a plain-HTTP request met a port that speaks TLS, say so."""
        text = '%s' % (exc,)
        how = None
        if self._scheme == 'http' and _TLS_ALERT in text:
            how = 'answered with a TLS alert'
        elif self._scheme == 'http' and _CLOSED_UNANSWERED.search(text) and self._probe_tls():
            how = 'closed the connection without an answer, and it completes a TLS handshake'
        if how:
            err = WbdConnectionError(
                'Protocol mismatch for %s at %s: the endpoint speaks HTTPS but was sent plain HTTP (it %s): '
                'use https:// in endpoint, or the port that serves plain HTTP.' % (info, self._origin, how)
            )
            err.retryable = False  # the same port answers the same way every time
            return err
        return WbdConnectionError(
            'Could not talk to the WBD API at %s for %s: %s. Check endpoint/site, proxy settings and the network.' % (self._origin, info, _reason(exc))
        )

    def _probe_tls(self):
        """Whether the endpoint's port completes a TLS handshake (certificate unchecked: only the protocol is asked).

        Asked once per client and only without a proxy, which would be the one that answered."""
        if self._speaks_tls is None:
            self._speaks_tls = False if (self._proxies or {}).get('http') else _handshakes(self._netloc, min(self.timeout, PROBE_TIMEOUT))
        return self._speaks_tls

    def request(self, method, path, params=None, body=None, operation=None, permission=None, retry_if=None):
        """Send one API call with retries; return the envelope's ``result``.

        ``path`` starts with /api/v1; ``params`` is a list of (name, value) pairs kept
        in order, so the signed URI and the sent URI are the same bytes. ``retry_if(err)`` narrows which retryable
        errors are retried: a write passes one that retries only answers proving it was not applied (429), because
        after a timeout or a 5xx it may have been (``_respond.apply`` re-reads the state instead).
        """
        method = method.upper()
        uri = request_target(self._base_path + path, params)
        data = None if body is None else json.dumps(body, separators=(',', ':'))
        info = RequestInfo(method, uri, operation=operation, permission=permission, credential_source=self.credential_source)
        started = self.clock()
        attempt = 0
        while True:
            try:
                return self._attempt(method, uri, data, info, attempt, started, retry_if)
            except _Retry as retry:
                delay = retry.delay
            attempt += 1
            self._count('retries')
            self.sleep(delay)

    def _attempt(self, method, uri, data, info, attempt, started, retry_if=None):
        """One attempt through the gate: the result, the error to raise, or _Retry with the delay to wait."""
        if self.gate is not None:
            self.gate.acquire()
        outcome, delay = 'failed', 0.0
        try:
            result = self._send_once(method, uri, data, info)
            outcome = 'ok'
            return result
        except WbdError as err:
            err.redact(info.signatures)  # a proxy's error page may echo our headers
            if not err.retryable or self._abort.is_set() or (retry_if is not None and not retry_if(err)):
                raise
            elapsed = self.clock() - started
            delay = next_delay(attempt, self.retries, elapsed, self.deadline, self.rng, err.retry_after)
            if delay is None:
                raise err.after_retries(attempt + 1, elapsed)
            if err.status == 429:
                outcome = 'throttled'
            raise _Retry(delay)
        finally:
            if self.gate is not None:
                self.gate.release(outcome, delay)

    def paginate(self, path, id_key, page_size, filters=None, max_items=None, warn=None, operation=None, permission=None):
        """Records of a list operation: GET with query parameters, or, when ``filters`` is given, POST search
        with the filters in the body. Up to ``concurrency`` pages are fetched at once."""

        def fetch_page(index, size):
            if filters is None:
                return self.request('GET', path, params=[('pageIndex', index), ('pageSize', size)], operation=operation, permission=permission)
            body = dict(filters)
            body.update(pageIndex=index, pageSize=size)
            return self.request('POST', path, body=body, operation=operation, permission=permission)

        return Pager(
            fetch_page, id_key, page_size, max_items=max_items, warn=warn, where=operation or path, concurrency=self.concurrency, on_error=self.abort_retries
        )


def _handshakes(netloc, timeout):
    """True when host:port (default 80, as in a plain-HTTP URL) completes a TLS handshake within ``timeout``."""
    parts = urlsplit('//' + netloc)
    try:
        host, port = parts.hostname, parts.port or 80
    except ValueError:
        return False
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # not trusting anything: nothing is sent over this connection
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host):
                return True
    except (OSError, ValueError):
        return False


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying after ``delay`` seconds."""

    def __init__(self, delay):
        super(_Retry, self).__init__(delay)
        self.delay = delay
