# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WBD API client: one requests.Session per module run, a fresh signature on every
attempt, retries with backoff, typed errors, paging.

Nothing here knows about AnsibleModule; ``module.py`` wires it to one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import random
import re
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

from ansible_collections.ncloud.wbd.plugins.module_utils.errors import (
    WbdConfigError,
    WbdConnectionError,
    WbdError,
    WbdTimeoutError,
    WbdTlsError,
    clean_text,
)
from ansible_collections.ncloud.wbd.plugins.module_utils.paging import Pager
from ansible_collections.ncloud.wbd.plugins.module_utils.responses import RequestInfo, parse_response
from ansible_collections.ncloud.wbd.plugins.module_utils.retry import DEFAULT_DEADLINE, next_delay
from ansible_collections.ncloud.wbd.plugins.module_utils.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    request_target,
    signed_headers,
    timestamp_ms,
)
from ansible_collections.ncloud.wbd.plugins.module_utils.throttle import AdaptiveLimit
from ansible_collections.ncloud.wbd.plugins.module_utils.version import USER_AGENT

SITE_ENDPOINTS = {
    'public': 'https://wbd.apigw.ntruss.com',
    'gov': 'https://wbd.apigw.gov-ntruss.com',
    'fin': 'https://wbd.apigw.fin-ntruss.com',
}
_ERRNO = re.compile(r'\[Errno -?\d+\] [^\'")]+')
_SSL_REASON = re.compile(r'\[SSL: [A-Z_]+\][^\'"()]*')


def resolve_endpoint(endpoint, site):
    """The base URL: an explicit endpoint wins over the site's host."""
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ('http', 'https') or not parts.netloc:
            raise WbdConfigError('endpoint must be an http(s) base URL such as https://wbd.apigw.ntruss.com or '
                                 'http://127.0.0.1:8080, got "%s".' % clean_text(endpoint, 100))
        if parts.query or parts.fragment:
            raise WbdConfigError('endpoint must not carry a query or fragment, got "%s".' % clean_text(endpoint, 100))
        return endpoint.rstrip('/')
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

    def __init__(self, endpoint, access_key, secret_key, timeout=30, retries=5, deadline=DEFAULT_DEADLINE,
                 validate_certs=True, ca_path=None, concurrency=1, session=None,
                 clock=None, sleep=None, rng=None):
        if not HAS_REQUESTS and session is None:
            raise WbdConfigError('The Python library "requests" is required.')
        parts = urlsplit(endpoint.rstrip('/'))
        self._origin = '%s://%s' % (parts.scheme, parts.netloc)
        self._base_path = parts.path.rstrip('/')
        self.access_key = access_key
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
            response = self.session.request(method, self._origin + uri, data=data, headers=headers, proxies=self._proxies,
                                            timeout=self.timeout, verify=self.verify, allow_redirects=False)
            body = response.content
        except requests.exceptions.SSLError as exc:
            raise WbdTlsError('TLS verification failed for %s at %s: %s. Point ca_path at the CA bundle that signed the '
                              'server certificate, or set validate_certs: false for a test endpoint.'
                              % (info, self._origin, _reason(exc)))
        except requests.exceptions.Timeout as exc:
            raise WbdTimeoutError('WBD API %s at %s did not answer within %s s (%s); raise the timeout option or try again later.'
                                  % (info, self._origin, self.timeout, _reason(exc)))
        except requests.exceptions.RequestException as exc:
            raise WbdConnectionError('Could not talk to the WBD API at %s for %s: %s. Check endpoint/site, '
                                     'proxy settings and the network.' % (self._origin, info, _reason(exc)))
        return parse_response(response.status_code, response.headers, body, info)

    def request(self, method, path, params=None, body=None, operation=None, permission=None):
        """Send one API call with retries; return the envelope's ``result``.

        ``path`` starts with /api/v1; ``params`` is a list of (name, value) pairs kept
        in order, so the signed URI and the sent URI are the same bytes.
        """
        method = method.upper()
        uri = request_target(self._base_path + path, params)
        data = None if body is None else json.dumps(body, separators=(',', ':'))
        info = RequestInfo(method, uri, operation=operation, permission=permission)
        started = self.clock()
        attempt = 0
        while True:
            try:
                return self._attempt(method, uri, data, info, attempt, started)
            except _Retry as retry:
                delay = retry.delay
            attempt += 1
            self._count('retries')
            self.sleep(delay)

    def _attempt(self, method, uri, data, info, attempt, started):
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
            if not err.retryable or self._abort.is_set():
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

    def paginate(self, path, id_key, page_size, filters=None, max_items=None, warn=None,
                 operation=None, permission=None):
        """Records of a list operation: GET with query parameters, or, when ``filters`` is given, POST search
        with the filters in the body. Up to ``concurrency`` pages are fetched at once."""
        def fetch_page(index, size):
            if filters is None:
                return self.request('GET', path, params=[('pageIndex', index), ('pageSize', size)],
                                    operation=operation, permission=permission)
            body = dict(filters)
            body.update(pageIndex=index, pageSize=size)
            return self.request('POST', path, body=body, operation=operation, permission=permission)

        return Pager(fetch_page, id_key, page_size, max_items=max_items, warn=warn, where=operation or path,
                     concurrency=self.concurrency, on_error=self.abort_retries)


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying after ``delay`` seconds."""

    def __init__(self, delay):
        super(_Retry, self).__init__(delay)
        self.delay = delay
