# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection for the WBD sandbox.

Faults are a table (``FAULTS``: kind -> builder) so new misbehaviours are one
function plus one registry line. A builder gets the queue item, a ``produce``
callable returning the normal reply, and a ``FaultContext`` (the live dataset, the
routed target, the sandbox clock), and returns the ``Reply`` to send.
"""

import collections
import fnmatch
import json
import math
import random
import threading

JSON_TYPE = 'application/json;charset=UTF-8'
HTML_TYPE = 'text/html;charset=UTF-8'
# Stands in for invalid bytes while the body is still JSON text; replaced in the encoded body.
BAD_UTF8_MARK = '@@wbd-sandbox-invalid-utf8@@'
BAD_UTF8_BYTES = b'\xc3\x28\xff\xfe'  # a broken 2-byte sequence, then two bytes UTF-8 never uses
LONE_SURROGATE_MARK = '@@wbd-sandbox-lone-surrogate@@'
LONE_SURROGATE_ESCAPE = b'\\udc80'  # valid JSON text, but no character: a low surrogate with no high one

FaultContext = collections.namedtuple('FaultContext', 'dataset target now_ms')
FaultContext.__doc__ = 'What data faults need: the live dataset, the routed target (kind, resource, ...) or None, the clock.'


class Reply(object):
    """What the handler sends: status, headers, body, plus optional delay or mid-body abort."""

    def __init__(self, status, body, *, content_type=JSON_TYPE, headers=None, delay=0.0, abort_after=None, drop=False):
        self.status = status
        self.body = body if isinstance(body, bytes) else json_bytes(body)
        self.content_type = content_type
        self.headers = dict(headers or {})
        self.delay = delay
        self.abort_after = abort_after
        self.drop = drop  # close the connection (RST) without sending anything


def json_bytes(obj):
    return json.dumps(obj, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def gateway_error(status, code, message, details=None, headers=None):
    """NCP API Gateway error body (wbd-api 10.2): errorCode is a string."""
    error = {'errorCode': code, 'message': message}
    if details:
        error['details'] = details
    return Reply(status, {'error': error}, headers=headers)


def _html(status, title):
    page = '<html><head><title>%s</title></head><body><center><h1>%s</h1></center><hr><center>nginx</center></body></html>' % (title, title)
    return Reply(status, page.encode('utf-8'), content_type=HTML_TYPE)


def _throttle(item, produce, ctx):
    retry_after = item.get('retry_after')
    headers = {'Retry-After': str(retry_after)} if retry_after is not None else None
    return gateway_error(429, '410', 'Throttle Limited', headers=headers)


def _truncated(item, produce, ctx):
    normal = produce()
    return Reply(200, normal.body[: len(normal.body) // 2], content_type=normal.content_type)


def _reset(item, produce, ctx):
    normal = produce()
    normal.abort_after = len(normal.body) // 2
    return normal


def _delay(item, produce, ctx):
    normal = produce()
    normal.delay = float(item.get('seconds', 5))
    return normal


def _envelope_error(item, produce, ctx):
    message = item.get('message', 'Invaliddata.The detection data deleted is false, excepted is false.')
    return Reply(200, {'success': False, 'code': item.get('code', 8004), 'message': message, 'result': None})


def _served_page(reply):
    """(envelope, page dict or None, records list or None) of a normal success reply; (None, None, None) otherwise."""
    if reply.status != 200 or reply.content_type != JSON_TYPE:
        return None, None, None
    envelope = json.loads(reply.body.decode('utf-8'))
    if not isinstance(envelope, dict) or envelope.get('success') is not True:
        return None, None, None
    result = envelope.get('result')
    if isinstance(result, list):
        return envelope, None, result
    if isinstance(result, dict) and isinstance(result.get('content'), list):
        return envelope, result, result['content']
    return envelope, None, None


def _mutate(item, produce, ctx):
    """Change the live dataset (``insert`` new detections at the head, ``delete`` the first records), then answer
    normally: records added or removed between two pages of a client's walk."""
    resource = item.get('resource') or (ctx.target[1] if ctx.target and ctx.target[0] == 'list' else None)
    if resource:
        ctx.dataset.delete_head(resource, item.get('delete') or 0)
        if resource in INSERTABLE:
            ctx.dataset.insert_head(resource, item.get('insert') or 0, ctx.now_ms())
    return produce()


def _inflate_total(item, produce, ctx):
    """Serve the real page with a ``totalCount`` ``add`` (default 1000) too high and ``totalPages`` to match."""
    reply = produce()
    envelope, page, dummy = _served_page(reply)
    if page is None:
        return reply
    page['totalCount'] = int(page.get('totalCount') or 0) + (item.get('add') or 1000)
    page['totalPages'] = int(math.ceil(page['totalCount'] / float(page.get('pageSize') or 1)))
    return Reply(200, envelope)


def _empty_page(item, produce, ctx):
    """Serve a page with ``content: []`` but the real totals, as if the backend lost the page."""
    reply = produce()
    envelope, page, records = _served_page(reply)
    if records is None:
        return reply
    del records[:]
    return Reply(200, envelope)


def _pad(value, size):
    """A string of exactly ``size`` characters that starts like the real value (a long argument list)."""
    text = '%s --data=' % (value or '',)
    return (text + 'A' * max(size - len(text), 0))[:size]


def _rewrite(item, produce, ctx):
    """Change fields of the served records (``records``: the first N of the page, default all):
    ``set`` {field: value} (any JSON, null included), ``pad`` {field: length} (long strings),
    ``invalid_utf8`` [fields] (appends bytes that are not UTF-8), ``lone_surrogate`` [fields] (appends the
    JSON escape of an unpaired surrogate). Only fields a record has are changed, so
    one item can null ``serverName`` in servers and detections alike. The dataset is not changed."""
    reply = produce()
    envelope, dummy, records = _served_page(reply)
    if records is None:
        return reply
    chosen = records[: item['records']] if item.get('records') is not None else records
    for record in chosen:
        if not isinstance(record, dict):
            continue
        record.update((field, value) for field, value in (item.get('set') or {}).items() if field in record)
        for field, size in (item.get('pad') or {}).items():
            if field in record:
                record[field] = _pad(record[field], size)
        for key, mark in (('invalid_utf8', BAD_UTF8_MARK), ('lone_surrogate', LONE_SURROGATE_MARK)):
            for field in item.get(key) or []:
                if field in record:
                    record[field] = '%s%s' % (record[field] or '', mark)
    body = json.dumps(envelope, separators=(',', ':'), ensure_ascii=True).encode('ascii')
    body = body.replace(BAD_UTF8_MARK.encode('ascii'), BAD_UTF8_BYTES)
    return Reply(200, body.replace(LONE_SURROGATE_MARK.encode('ascii'), LONE_SURROGATE_ESCAPE))


def _apply_then_drop(item, produce, ctx):
    """The request is served (a write is applied), then the connection drops before any byte of the answer."""
    normal = produce()
    normal.drop = True
    return normal


def _apply_then_error(item, produce, ctx):
    """The request is served (a write is applied), then the gateway answers ``status`` (default 504) instead."""
    produce()
    return GATEWAY_ERRORS[str(item.get('status', 504))]()


GATEWAY_ERRORS = {
    '500': lambda: gateway_error(500, '900', 'Unexpected Error'),
    '502': lambda: gateway_error(502, '500', 'Endpoint Error'),
    '503': lambda: gateway_error(503, '500', 'Endpoint Error'),
    '504': lambda: gateway_error(504, '510', 'Endpoint Timeout'),
}

FAULTS = {
    '429': _throttle,
    '500': lambda item, produce, ctx: GATEWAY_ERRORS['500'](),
    '502': lambda item, produce, ctx: GATEWAY_ERRORS['502'](),
    '503': lambda item, produce, ctx: GATEWAY_ERRORS['503'](),
    '504': lambda item, produce, ctx: GATEWAY_ERRORS['504'](),
    'html_502': lambda item, produce, ctx: _html(502, '502 Bad Gateway'),
    'html_200': lambda item, produce, ctx: _html(200, 'Maintenance'),
    'truncated': _truncated,
    'not_json': lambda item, produce, ctx: Reply(200, b'upstream said: <<this is not JSON>>'),
    'envelope_error': _envelope_error,
    'missing_result': lambda item, produce, ctx: Reply(200, {'success': True, 'code': 0, 'message': 'success'}),
    'reset': _reset,
    'delay': _delay,
    'auth_401': lambda item, produce, ctx: gateway_error(401, '200', 'Authentication Failed', details='injected fault'),
    'mutate': _mutate,
    'inflate_total': _inflate_total,
    'empty_page': _empty_page,
    'rewrite': _rewrite,
    'drop': lambda item, produce, ctx: Reply(0, b'', drop=True),
    'apply_then_drop': _apply_then_drop,
    'apply_then_error': _apply_then_error,
}
# The kinds that serve the request before they misbehave: a write they hit IS applied (README "Faults and writes").
APPLYING = ('truncated', 'reset', 'delay', 'mutate', 'inflate_total', 'empty_page', 'rewrite', 'apply_then_drop', 'apply_then_error')

INSERTABLE = ('detections', 'exceptions')
RESOURCES = ('detections', 'exceptions', 'quarantines', 'exception-rules', 'deleted-exception-rules', 'servers')
RANDOM_5XX = ('502', '503', '504')
PLAN_DEFAULTS = {'latency_ms': 0, 'rate_429': 0.0, 'rate_5xx': 0.0, 'retry_after': None, 'clock_skew_ms': 0}


class FaultError(ValueError):
    """Invalid fault plan posted to the control plane."""


def _number(spec, key, kind):
    value = spec.get(key, PLAN_DEFAULTS[key])
    if value is None and key == 'retry_after':
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise FaultError('%s must be a number' % key) from None


def _count_of(item, key):
    try:
        value = int(item.get(key) or 0)
    except (TypeError, ValueError):
        raise FaultError('%s must be an integer' % key) from None
    if value < 0:
        raise FaultError('%s must be 0 or more' % key)
    return value


def _check_data_fault(item):
    """Reject a bad data-fault item when the plan is posted, not with a dropped connection mid-request."""
    for key in ('insert', 'delete', 'add', 'records'):
        if item.get(key) is not None:
            item[key] = _count_of(item, key)
    resource = item.get('resource')
    if resource is not None and resource not in RESOURCES:
        raise FaultError('resource must be one of: %s' % ', '.join(RESOURCES))
    if item.get('insert') and resource is not None and resource not in INSERTABLE:
        raise FaultError('insert works on detections and exceptions only')
    if not isinstance(item.get('set') or {}, dict) or not isinstance(item.get('pad') or {}, dict):
        raise FaultError('set and pad must be objects ({field: value} and {field: length})')
    for field in list(item.get('pad') or {}):
        item['pad'][field] = _count_of(item['pad'], field)
    for key in ('invalid_utf8', 'lone_surrogate'):
        fields = item.get(key) or []
        if not isinstance(fields, list) or not all(isinstance(field, str) for field in fields):
            raise FaultError('%s must be a list of field names' % key)


def _queue_item(raw):
    if not isinstance(raw, dict) or str(raw.get('kind')) not in FAULTS:
        raise FaultError('queue items need "kind", one of: %s' % ', '.join(sorted(FAULTS)))
    item = dict(raw)
    item['kind'] = str(raw['kind'])
    try:
        item['count'] = int(raw.get('count', 1))
        item['after'] = int(raw.get('after', 0))
    except (TypeError, ValueError):
        raise FaultError('count and after must be integers') from None
    if item['count'] < 1 or item['after'] < 0:
        raise FaultError('count must be >= 1 and after >= 0')
    if item['kind'] in ('mutate', 'inflate_total', 'empty_page', 'rewrite'):
        _check_data_fault(item)
    if item['kind'] == 'apply_then_error' and str(item.get('status', 504)) not in GATEWAY_ERRORS:
        raise FaultError('status must be one of: %s' % ', '.join(sorted(GATEWAY_ERRORS)))
    item['_seen'] = 0
    item['_used'] = 0
    return item


class FaultPlan(object):
    """Current fault plan; thread-safe because handler threads consume the queue concurrently."""

    def __init__(self, seed, initial=None):
        self.lock = threading.Lock()
        self.seed = seed
        self.initial = dict(initial or {})
        self.settings = {}
        self.queue = []
        self.rng = random.Random()
        self.replace(self.initial)

    def replace(self, spec):
        """Replace the whole plan (missing keys fall back to 'no fault')."""
        if not isinstance(spec, dict):
            raise FaultError('fault plan must be a JSON object')
        settings = {
            'latency_ms': _number(spec, 'latency_ms', float),
            'rate_429': _number(spec, 'rate_429', float),
            'rate_5xx': _number(spec, 'rate_5xx', float),
            'retry_after': _number(spec, 'retry_after', int),
            'clock_skew_ms': _number(spec, 'clock_skew_ms', int),
        }
        queue = [_queue_item(raw) for raw in spec.get('queue') or []]
        with self.lock:
            self.settings = settings
            self.queue = queue
            self.rng = random.Random('%s:faults' % self.seed)

    def reset(self):
        """Back to the plan given on the command line."""
        self.replace(self.initial)

    def get(self, key):
        with self.lock:
            return self.settings[key]

    def snapshot(self):
        with self.lock:
            queue = [dict((k, v) for k, v in item.items() if not k.startswith('_')) for item in self.queue]
            for pos, item in enumerate(self.queue):
                queue[pos]['remaining'] = item['count'] - item['_used']
            return dict(self.settings, queue=queue, kinds=sorted(FAULTS), applying=list(APPLYING))

    def _from_queue(self, operation):
        if not self.queue:
            return None
        head = self.queue[0]
        pattern = head.get('match')
        if pattern and not fnmatch.fnmatchcase(operation, pattern):
            return None
        if head['_seen'] < head['after']:
            head['_seen'] += 1
            return None
        head['_used'] += 1
        if head['_used'] >= head['count']:
            self.queue.pop(0)
        return head

    def pick(self, operation):
        """Consume and return the fault item for this API request, or None for normal service."""
        with self.lock:
            item = self._from_queue(operation)
            if item is not None:
                return item
            roll = self.rng.random()
            if roll < self.settings['rate_429']:
                return {'kind': '429', 'retry_after': self.settings['retry_after'], 'random': True}
            if roll < self.settings['rate_429'] + self.settings['rate_5xx']:
                return {'kind': RANDOM_5XX[self.rng.randrange(len(RANDOM_5XX))], 'random': True}
            return None


def apply_fault(item, produce, ctx=None):
    """Build the reply for a picked fault item."""
    return FAULTS[item['kind']](item, produce, ctx)
