# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fakes the unit tests share: HTTP answers, a stub of the WBD API that stands in for the client's requests
session, and an environment without the user's keys.

Tests reach them through fixtures: ``fakes`` (the classes and helpers, and ``fakes.serve(session)`` to make every
WbdClient built from then on use a stub), ``wbd_env`` (no NCLOUD_* variables, a HOME of its own).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
from time import sleep as real_sleep  # tests patch time.sleep for the client's retries
from urllib.parse import parse_qsl, urlsplit

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.module_utils._api.signing import ACCESS_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, make_signature

ENV_NAMES = ('NCLOUD_ACCESS_KEY', 'NCLOUD_ACCESS_KEY_ID', 'NCLOUD_SECRET_KEY', 'NCLOUD_SECRET_ACCESS_KEY', 'NCLOUD_SITE', 'NCLOUD_WBD_ENDPOINT')


def envelope(result):
    """The WBD API's success envelope around ``result``."""
    return {'success': True, 'code': 0, 'message': 'success', 'result': result}


EMPTY_PAGE = envelope({'content': [], 'totalCount': 0})


class Response(object):
    """What a requests session returns, as far as the client reads it. ``payload``: JSON-able, or bytes sent as they
    are; None is an empty page."""

    def __init__(self, status=200, payload=None, headers=None):
        self.status_code = status
        payload = EMPTY_PAGE if payload is None else payload
        self.content = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.headers = headers or {}


def ok(result):
    """A 200 answer carrying ``result``."""
    return Response(200, envelope(result))


def gateway_error(status, code, message):
    """An API gateway error answer (HTTP ``status``, gateway ``code`` such as '200' authentication, '210' permission)."""
    return Response(status, {'error': {'errorCode': code, 'message': message}})


class Call(object):
    """One request a ``FakeWbdApi`` received."""

    def __init__(self, method, url, data, headers):
        parts = urlsplit(url)
        self.method = method
        self.url = url
        self.path = parts.path
        self.uri = parts.path + ('?' + parts.query if parts.query else '')
        self.query = dict(parse_qsl(parts.query))
        self.body = None if data is None else json.loads(data)
        self.headers = dict(headers or {})
        self.access_key = self.headers.get(ACCESS_KEY_HEADER)

    @property
    def paging(self):
        """(pageIndex, pageSize) as sent, from the query of a GET or the body of a POST."""
        source = self.body if self.method == 'POST' else self.query
        return int(source['pageIndex']), int(source['pageSize'])


class FakeWbdApi(object):
    """A stub of the WBD API in place of the client's requests session. Records every call (``calls``); safe to use
    from the client's worker threads.

    ``lists``: {path: records} served as pages to GET and POST alike; ``search(records, body)`` filters them for a
    POST (by default filters are not applied). ``results``: {path: result} answered as they are. ``answers``:
    {path: Response} forced; ``by_call``: {n: Response} forced for the n-th call (1-based). ``keys``: {access key:
    secret key}, when set a call without a valid signature gets a 401, as from the gateway. ``delays``: {path:
    seconds}. ``shape='array'`` serves bare arrays.

    Paging behaviours the API docs leave open: ``cap`` records at most per page, with offsets from the asked size
    (so asking on at the asked size skips records); ``total`` announced instead of the real count; ``base`` 1 for
    1-based pages (page 0 empty); ``null_pages`` answered with content null; ``text`` numbers as text;
    ``total_pages`` announces totalPages.
    """

    def __init__(self, lists=None, results=None, answers=None, by_call=None, keys=None, search=None, delays=None, shape='paged', **paging):
        self.lists = lists or {}
        self.results = results or {}
        self.answers = answers or {}
        self.by_call = by_call or {}
        self.keys = keys
        self.search = search
        self.delays = delays or {}
        self.shape = shape
        self.cap = paging.pop('cap', None)
        self.total = paging.pop('total', None)
        self.base = paging.pop('base', 0)
        self.null_pages = set(paging.pop('null_pages', ()))
        self.text = paging.pop('text', False)
        self.total_pages = paging.pop('total_pages', False)
        assert not paging, 'unknown paging behaviours: %s' % sorted(paging)
        self.calls = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def request(self, method, url, data=None, headers=None, **kwargs):
        call = Call(method, url, data, headers)
        with self._lock:
            self.calls.append(call)
            number = len(self.calls)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delays.get(call.path):
                real_sleep(self.delays[call.path])
            return self.by_call.get(number) or self._answer(call)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _signed(self, call):
        secret = self.keys.get(call.access_key)
        if secret is None:
            return False
        return call.headers.get(SIGNATURE_HEADER) == make_signature(secret, call.method, call.uri, call.headers[TIMESTAMP_HEADER], call.access_key)

    def _answer(self, call):
        if self.keys is not None and not self._signed(call):
            return gateway_error(401, '200', 'Authentication Failed')
        if call.path in self.answers:
            return self.answers[call.path]
        if call.path in self.lists:
            return self._page(call)
        if call.path in self.results:
            return ok(self.results[call.path])
        return gateway_error(404, '300', 'Not Found Exception')

    def _page(self, call):
        index, size = call.paging
        items = self.lists[call.path]
        if call.method == 'POST' and self.search is not None:
            items = self.search(items, call.body)
        page = index - self.base
        content = [] if page < 0 else items[page * size : page * size + min(size, self.cap or size)]
        if self.shape == 'array':
            return ok(content)
        if index in self.null_pages:
            content = None
        total = len(items) if self.total is None else self.total
        number = (lambda n: '%d' % n) if self.text else (lambda n: n)
        result = {'content': content, 'totalCount': number(total), 'pageSize': number(size), 'pageIndex': index}
        if self.total_pages:
            result['totalPages'] = number(-(-total // size))
        return ok(result)

    def close(self):
        pass


class Fakes(object):
    """The shared fakes, as the ``fakes`` fixture hands them to a test."""

    Response = Response
    Api = FakeWbdApi
    ok = staticmethod(ok)
    envelope = staticmethod(envelope)
    gateway_error = staticmethod(gateway_error)

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def serve(self, session):
        """Every WbdClient built from now on sends its requests to ``session``; returns it."""
        self.monkeypatch.setattr(client_mod.WbdClient, '_new_session', staticmethod(lambda pool_size: session))
        return session


@pytest.fixture
def fakes(monkeypatch):
    return Fakes(monkeypatch)


@pytest.fixture
def wbd_env(monkeypatch, tmp_path):
    """No NCLOUD_* variables, and a HOME of its own, so the real ~/.ncloud/configure is never read."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / 'home'
    home.mkdir()
    monkeypatch.setenv('HOME', str(home))
    return monkeypatch
