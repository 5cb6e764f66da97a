# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP server of the WBD sandbox: the /api/v1 surface plus the /__sandbox control plane.

HTTP/1.1 keep-alive with a Content-Length on every reply, so clients can reuse
connections and the stats can tell connections from requests.
"""

import collections
import functools
import json
import os
import re
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import sandbox_auth
import sandbox_data
import sandbox_faults
import sandbox_fixture
import sandbox_inject
import sandbox_query
import sandbox_quirks
import sandbox_writes
from sandbox_faults import Reply, gateway_error

DEFAULTS = {
    'host': '127.0.0.1',
    'port': 0,
    'port_file': None,
    'lifetime': 900.0,
    'access_key': 'SANDBOXACCESSKEY00001',
    'secret_key': 'sandbox-secret-DO-NOT-LEAK-7f3a9c',
    'limited_access_key': 'SANDBOXLIMITEDKEY0001',
    'limited_secret_key': 'sandbox-limited-secret-3b1e',
    'readonly_access_key': 'SANDBOXREADONLYKEY001',
    'readonly_secret_key': 'sandbox-readonly-secret-5d2c',
    'activation_delay_ms': 500,
    'seed': 1,
    'servers': 30,
    'detections': 300,
    'exception_rules': 12,
    'deleted_exception_rules': 4,
    'excepted': 20,
    'quarantines': 10,
    'max_page_size': 100,
    'page_size_policy': 'clamp',
    'quarantine_shape': 'paged',
    'interval_shape': 'object',
    'latency_ms': 0,
    'rate_429': 0.0,
    'rate_5xx': 0.0,
    'retry_after': None,
    'clock_skew_ms': 0,
    'quiet': False,
    'dataset_file': None,
    'tls_cert': None,
    'tls_key': None,
    'quirks': (),
    'quirk_page_cap': 37,
    'quirk_null_page': 1,
    'quirk_total_deficit': 37,
    'anchor_ms': None,
}
QUIRK_OPTIONS = ('quirk_page_cap', 'quirk_null_page', 'quirk_total_deficit')
SECRET_OPTIONS = ('secret_key', 'limited_secret_key', 'readonly_secret_key')
# Options POST /__sandbox/config may change while the sandbox runs.
RUNTIME_OPTIONS = ('activation_delay_ms',)
WRITE_METHODS = ('PATCH', 'PUT', 'DELETE')
LOG_LIMIT = 50000
MAX_BODY = 1024 * 1024
LIST_RE = re.compile(r'^/api/v1/(detections|exceptions|quarantines|exception-rules|deleted-exception-rules|servers)$')
OBJECTS_RE = re.compile(r'^/api/v1/(detections|exceptions)/([^/]+)/suspicious-objects$')
INTERVAL_PATH = '/api/v1/alarm/interval'
LOOPBACK = ('127.0.0.1', '::1', '::ffff:127.0.0.1')


def envelope(result, message='success'):
    return {'success': True, 'code': 0, 'message': message, 'result': result}


def wbd_error(code, message):
    """WBD business error: HTTP 200 with success false (wbd-api 10.1)."""
    return Reply(200, {'success': False, 'code': code, 'message': message, 'result': None})


def route(method, path):
    """Map a request to (operation label, handler args); (label, None) when nothing serves it."""
    match = LIST_RE.match(path)
    if match and method in ('GET', 'POST'):
        return '%s /api/v1/%s' % (method, match.group(1)), ('list', match.group(1), method)
    match = OBJECTS_RE.match(path)
    if match and method == 'GET':
        return 'GET /api/v1/%s/{id}/suspicious-objects' % match.group(1), ('objects', match.group(1), match.group(2))
    if path == INTERVAL_PATH and method == 'GET':
        return 'GET ' + INTERVAL_PATH, ('interval',)
    return sandbox_writes.route(method, path) or ('%s (not found)' % method, None)


class Stats(object):
    """API request counters and the request log; the control plane is never recorded."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.requests_total = 0
        self.connections_total = 0
        self.signature_valid = 0
        self.signature_invalid = 0
        self.faults_injected = 0
        self.writes_total = 0
        self.writes_applied = 0
        self.by_operation = collections.Counter()
        self.log = collections.deque(maxlen=LOG_LIMIT)

    def count_connection(self):
        with self.lock:
            self.connections_total += 1

    def record(self, entry):
        with self.lock:
            self.requests_total += 1
            entry['seq'] = self.requests_total
            if entry['signature_valid']:
                self.signature_valid += 1
            else:
                self.signature_invalid += 1
            if entry['fault']:
                self.faults_injected += 1
            self.writes_total += entry['write']
            self.writes_applied += entry['applied']
            self.by_operation[entry['operation']] += 1
            self.log.append(entry)

    def snapshot(self, with_log=True):
        with self.lock:
            snap = {
                'requests_total': self.requests_total,
                'connections_total': self.connections_total,
                'signature_valid': self.signature_valid,
                'signature_invalid': self.signature_invalid,
                'by_operation': dict(self.by_operation),
                'faults_injected': self.faults_injected,
                'writes_total': self.writes_total,
                'writes_applied': self.writes_applied,
            }
            if with_log:
                snap['requests'] = list(self.log)
            return snap


class SandboxHandler(BaseHTTPRequestHandler):
    """One instance per TCP connection; serves many keep-alive requests."""

    protocol_version = 'HTTP/1.1'
    server_version = 'wbd-sandbox/1.0'
    sys_version = ''
    timeout = 120

    def setup(self):
        """Disable Nagle: headers and body are separate writes, which otherwise stall ~40 ms on keep-alive."""
        BaseHTTPRequestHandler.setup(self)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connection_counted = False

    def date_time_string(self, timestamp=None):
        """The Date header follows the sandbox clock, skew included, as a real gateway's follows its own."""
        if timestamp is None:
            timestamp = self.server.now_ms() / 1000.0
        return BaseHTTPRequestHandler.date_time_string(self, timestamp)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if not self.server.options['quiet']:
            sys.stderr.write('wbd-sandbox %s - %s\n' % (self.address_string(), format % args))

    def do_GET(self):
        self.dispatch('GET')

    def do_POST(self):
        self.dispatch('POST')

    def do_PATCH(self):
        self.dispatch('PATCH')

    def do_DELETE(self):
        self.dispatch('DELETE')

    def do_PUT(self):
        self.dispatch('PUT')

    def read_body(self):
        try:
            length = int(self.headers.get('Content-Length') or 0)
        except ValueError:
            length = 0
        return self.rfile.read(min(length, MAX_BODY)) if length > 0 else b''

    def send_reply(self, reply):
        """Write a Reply; honours injected delay and mid-body connection resets."""
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.drop_connection()
            return
        self.send_response(reply.status)
        self.send_header('Content-Type', reply.content_type)
        self.send_header('Content-Length', str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.abort_after is None:
            self.wfile.write(reply.body)
            return
        self.wfile.write(reply.body[: reply.abort_after])
        self.drop_connection()

    def drop_connection(self):
        """Close with a TCP RST (linger 0): the client sees a reset, not an orderly end."""
        self.wfile.flush()
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        self.connection.close()

    def dispatch(self, method):
        split = urlsplit(self.path)
        body = self.read_body()
        if split.path.startswith('/__sandbox/') or split.path == '/__sandbox':
            self.send_reply(self.control(method, split, body))
            if self.server.shutdown_requested:
                # Only now: the {"ok": true} is on the wire before the process may exit.
                self.close_connection = True
                self.server.shutdown_async()
        else:
            self.api(method, split, body)

    # ---- API -------------------------------------------------------------

    def api(self, method, split, raw_body):
        server = self.server
        if not self.connection_counted:
            self.connection_counted = True
            server.stats.count_connection()
        operation, target = route(method, split.path)
        auth = sandbox_auth.verify_request(method, self.path, self.headers, server.keys, server.now_ms())
        latency = server.faults.get('latency_ms')
        if latency:
            time.sleep(latency / 1000.0)
        item = server.faults.pick(operation)
        outcome = {'applied': False}
        produce = functools.partial(self.normal_reply, target, split.query, raw_body, auth, outcome)
        context = sandbox_faults.FaultContext(server.dataset, target, server.now_ms)
        reply = sandbox_faults.apply_fault(item, produce, context) if item else produce()
        # Record before sending: once a client holds reply N, entry N is visible in /__sandbox/stats.
        server.stats.record(
            {
                'method': method,
                'path': split.path,
                'query': split.query,
                'body': parse_json(raw_body),
                'status': None if reply.drop else reply.status,
                'signature_valid': auth.signature_valid,
                'access_key': auth.access_key,
                'operation': operation,
                'fault': item['kind'] if item else None,
                'write': (target[0] == 'write') if target else method in WRITE_METHODS,
                'applied': outcome['applied'],
            }
        )
        self.send_reply(reply)

    def normal_reply(self, target, query, raw_body, auth, outcome):
        """The reply of a well-behaved gateway + WBD backend; a write that succeeds sets ``outcome['applied']``."""
        if target is None:
            return gateway_error(404, '300', 'Not Found Exception')
        if not auth.ok:
            return Reply(401, auth.error_body())
        if target[0] == 'write' and auth.role == sandbox_auth.ROLE_READONLY:
            return gateway_error(403, '230', 'Forbidden', details='the access key has no permission for this operation')
        if not sandbox_auth.platform_ok(self.headers):
            return wbd_error(400, 'Platform must be not null.')
        server = self.server
        # Reads serialise their records under the same lock the writes change them under: never a half-changed record.
        with server.data_lock:
            server.writes.settle(server.now_ms())
            try:
                if target[0] == 'write':
                    return self.write_reply(target, raw_body, outcome)
                return Reply(200, envelope(server.api_result(target, query, raw_body)))
            except sandbox_query.QueryError as exc:
                return wbd_error(400, str(exc))
            except sandbox_writes.WriteError as exc:
                return wbd_error(exc.code, exc.message)

    def write_reply(self, target, raw_body, outcome):
        dummy, handler, groups, label = target
        handler(self.server.writes, groups, parse_json(raw_body), self.server.now_ms())
        outcome['applied'] = True
        # The DeactivateAgent page's example answers "Successful"; the other operations "success" (wbd-api 0.1).
        return Reply(200, envelope(None, 'Successful' if label == sandbox_writes.DEACTIVATE_LABEL else 'success'))

    # ---- control plane -----------------------------------------------------

    def control(self, method, split, raw_body):
        if self.client_address[0] not in LOOPBACK:
            return Reply(403, {'ok': False, 'error': 'control plane is loopback-only'})
        handler = CONTROL.get((method, split.path))
        if handler is None:
            return Reply(404, {'ok': False, 'error': 'unknown control endpoint %s %s' % (method, split.path)})
        params = dict((k, v[-1]) for k, v in parse_qs(split.query).items())
        body = parse_json(raw_body)
        if raw_body.strip() and body is None:
            return Reply(400, {'ok': False, 'error': 'request body is not JSON'})
        try:
            with self.server.data_lock:  # the reply is serialised before a write can change its records
                return Reply(200, handler(self.server, params, body))
        except (sandbox_faults.FaultError, sandbox_quirks.QuirkError, KeyError, ValueError) as exc:
            return Reply(400, {'ok': False, 'error': str(exc)})


def parse_json(raw):
    if not raw:
        return None
    try:
        return json.loads(raw.decode('utf-8'))
    except ValueError:
        return None


def _resource(params):
    resource = params.get('resource', '')
    if resource not in sandbox_data.RESOURCES:
        raise ValueError('resource must be one of: %s' % ', '.join(sandbox_data.RESOURCES))
    return resource


def _ctl_ids(server, params, body):
    resource = _resource(params)
    server.writes.settle(server.now_ms())
    ids = [record[sandbox_data.ID_FIELDS[resource]] for record in server.records(resource)]
    return {'resource': resource, 'count': len(ids), 'ids': ids}


def _ctl_dataset(server, params, body):
    if params.get('resource') == 'alarm-interval':
        return {'resource': 'alarm-interval', 'count': 1, 'records': [server.dataset.alarm_interval]}
    resource = _resource(params)
    server.writes.settle(server.now_ms())
    records = server.records(resource)
    return {'resource': resource, 'count': len(records), 'records': records}


def _ctl_faults_set(server, params, body):
    server.faults.replace(body if body is not None else {})
    return server.faults.snapshot()


def _ctl_faults_reset(server, params, body):
    server.faults.reset()
    return server.faults.snapshot()


def _ctl_quirks_set(server, params, body):
    """Replace the active quirks: ``{"quirks": [names], "quirk_page_cap": K, ...}`` (missing options: defaults)."""
    body = body if body is not None else {}
    if not isinstance(body, dict) or not isinstance(body.get('quirks', []), list):
        raise ValueError('the body must be {"quirks": [names], "quirk_page_cap": K, "quirk_null_page": N, "quirk_total_deficit": D}')
    unknown = set(body) - set(('quirks',) + QUIRK_OPTIONS)
    if unknown:
        raise ValueError('unknown quirk setting(s): %s' % ', '.join(sorted(unknown)))
    server.quirks.replace(body.get('quirks', []), dict((k, body[k]) for k in QUIRK_OPTIONS if k in body))
    server.search_cache.clear()
    return server.quirks.snapshot()


def _ctl_stats_reset(server, params, body):
    """Zero the counters and the request log; the memo log is part of it."""
    server.stats.reset()
    server.writes.clear_memo_log()
    return {'ok': True}


def _ctl_memos(server, params, body):
    memos = server.writes.memo_log(params.get('resource'), params.get('id'))
    return {'count': len(memos), 'memos': memos}


def _ctl_config_set(server, params, body):
    """Change the options of RUNTIME_OPTIONS: ``{"activation_delay_ms": N}``; answers the whole config."""
    if not isinstance(body, dict) or not body:
        raise ValueError('the body must be a JSON object with some of: %s' % ', '.join(RUNTIME_OPTIONS))
    unknown = sorted(set(body) - set(RUNTIME_OPTIONS))
    if unknown:
        raise ValueError('not settable at runtime: %s (settable: %s)' % (', '.join(unknown), ', '.join(RUNTIME_OPTIONS)))
    delay = body.get('activation_delay_ms', server.options['activation_delay_ms'])
    if not isinstance(delay, int) or isinstance(delay, bool) or delay < 0:
        raise ValueError('activation_delay_ms must be an integer >= 0')
    server.options['activation_delay_ms'] = delay
    return _ctl_config(server, params, None)


def _ctl_shutdown(server, params, body):
    server.shutdown_requested = True
    return {'ok': True}


def _ctl_config(server, params, body):
    public = dict((k, v) for k, v in server.options.items() if k not in SECRET_OPTIONS)
    counts = dict((resource, len(server.records(resource))) for resource in sandbox_data.RESOURCES)
    return dict(
        public,
        base_url=server.base_url,
        anchor_ms=server.dataset.anchor_ms,
        now_ms=server.now_ms(),
        pid=os.getpid(),
        dataset_counts=counts,
        active_quirks=server.quirks.snapshot(),
    )


CONTROL = {
    ('GET', '/__sandbox/health'): lambda server, params, body: {'ok': True},
    ('GET', '/__sandbox/stats'): lambda server, params, body: server.stats.snapshot(params.get('log') != '0'),
    ('POST', '/__sandbox/stats/reset'): _ctl_stats_reset,
    ('GET', '/__sandbox/ids'): _ctl_ids,
    ('GET', '/__sandbox/dataset'): _ctl_dataset,
    ('GET', '/__sandbox/faults'): lambda server, params, body: server.faults.snapshot(),
    ('POST', '/__sandbox/faults'): _ctl_faults_set,
    ('POST', '/__sandbox/faults/reset'): _ctl_faults_reset,
    ('GET', '/__sandbox/config'): _ctl_config,
    ('POST', '/__sandbox/config'): _ctl_config_set,
    ('GET', '/__sandbox/memos'): _ctl_memos,
    ('GET', '/__sandbox/object-failures'): lambda server, params, body: server.writes.failures.snapshot(),
    ('POST', '/__sandbox/object-failures'): lambda server, params, body: server.writes.failures.replace(body),
    ('GET', '/__sandbox/quirks'): lambda server, params, body: server.quirks.snapshot(),
    ('POST', '/__sandbox/quirks'): _ctl_quirks_set,
    ('POST', '/__sandbox/shutdown'): _ctl_shutdown,
}
CONTROL.update(sandbox_inject.CONTROL)  # data changes while a client polls (the event sources' tests)


def full_options(options):
    """Defaults overlaid with the caller's options; unknown names are an error (typos bite)."""
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise TypeError('unknown sandbox option(s): %s' % ', '.join(sorted(unknown)))
    merged = dict(DEFAULTS)
    merged.update((k, v) for k, v in options.items() if v is not None)
    return merged


class SandboxServer(ThreadingHTTPServer):
    """Threaded HTTP server holding the dataset, keys, fault plan and stats."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, options, dataset=None):
        self.options = full_options(options)
        opts = self.options
        # A fixed anchor (anchor_ms) makes sandboxes started apart serve the same times, so their answers compare.
        anchor_ms = int(opts['anchor_ms']) if opts['anchor_ms'] else int(time.time() * 1000) + int(opts['clock_skew_ms'])
        if dataset is None and opts['dataset_file']:
            dataset = sandbox_fixture.load_dataset(opts['dataset_file'], anchor_ms, seed=opts['seed'])
        self.dataset = dataset or sandbox_data.make_dataset(
            seed=opts['seed'],
            servers=opts['servers'],
            detections=opts['detections'],
            exception_rules=opts['exception_rules'],
            deleted_exception_rules=opts['deleted_exception_rules'],
            excepted=opts['excepted'],
            quarantines=opts['quarantines'],
            anchor_ms=anchor_ms,
        )
        self.keys = {
            opts['access_key']: (opts['secret_key'], sandbox_auth.ROLE_FULL),
            opts['limited_access_key']: (opts['limited_secret_key'], sandbox_auth.ROLE_LIMITED),
            opts['readonly_access_key']: (opts['readonly_secret_key'], sandbox_auth.ROLE_READONLY),
        }
        self.quirks = sandbox_quirks.QuirkSet(opts['quirks'], dict((k, opts[k]) for k in QUIRK_OPTIONS))
        self.faults = sandbox_faults.FaultPlan(opts['seed'], dict((k, opts[k]) for k in sandbox_faults.PLAN_DEFAULTS))
        self.stats = Stats()
        self.data_lock = threading.RLock()
        self.writes = sandbox_writes.WriteState(self.dataset, self.options)
        self.search_cache = {}
        self.timer = None
        self.thread = None
        self.shutdown_requested = False
        self.ssl_context = None
        if opts['tls_cert']:  # HTTPS on the same port for everything, control plane included
            self.ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ssl_context.load_cert_chain(opts['tls_cert'], opts['tls_key'])
        ThreadingHTTPServer.__init__(self, (opts['host'], int(opts['port'])), SandboxHandler)

    def get_request(self):
        """With TLS, wrap each accepted connection; the handshake happens on its first read, in the handler's
        thread, so a client that never completes it cannot stall the accept loop."""
        sock, address = self.socket.accept()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def server_bind(self):
        """Skip HTTPServer's getfqdn() reverse lookup, which can stall on hosts without DNS."""
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    @property
    def base_url(self):
        host = self.server_address[0]
        return '%s://%s:%d' % ('https' if self.ssl_context else 'http', '[%s]' % host if ':' in host else host, self.server_address[1])

    def now_ms(self):
        """The sandbox clock: real time shifted by the configured skew."""
        return int(time.time() * 1000) + self.faults.get('clock_skew_ms')

    def handle_error(self, request, client_address):
        """Clients hanging up mid-reply (timeouts, resets) or refusing our TLS certificate are expected here, not errors."""
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout, ssl.SSLError)):
            return
        ThreadingHTTPServer.handle_error(self, request, client_address)

    def api_result(self, target, query, raw_body):
        """The ``result`` member for a routed, authenticated request."""
        kind = target[0]
        if kind == 'interval':
            record = self.dataset.alarm_interval
            result = [record] if self.options['interval_shape'] == 'array' else record
        elif kind == 'objects':
            result = self.dataset.suspicious_objects(target[1], target[2]) or []
        else:
            result = self.page(target[1], target[2], query, raw_body)
        return self.quirks.present(result)

    def records(self, resource):
        """The records a list serves: the dataset's, with what the quirks add (the rule-* quirks' rules)."""
        return self.quirks.records(resource, self.dataset.records(resource), self.dataset)

    def page(self, resource, method, query, raw_body):
        """GET lists take paging from the query, POST searches take paging and filters from the body."""
        if method == 'GET':
            params = dict((k, v[0]) for k, v in parse_qs(query, keep_blank_values=True).items())
            checks = []
        else:
            params = parse_json(raw_body) if raw_body.strip() else {}
            if not isinstance(params, dict):
                raise sandbox_query.QueryError('request body must be a JSON object')
            checks = sandbox_query.build_predicates(resource, params, time_bounds=not self.quirks.ignores_time_filter)
        index, size = sandbox_query.paging(
            params.get('pageIndex'), params.get('pageSize'), int(self.options['max_page_size']), self.options['page_size_policy']
        )
        records = self.records(resource)
        if checks:
            # A search's matches are filtered once for all its pages, not once per page: the sandbox shares the
            # machine with the client it serves, and filtering 100,000 records per page would dominate the runs.
            query_key = json.dumps(dict((k, v) for k, v in params.items() if k not in ('pageIndex', 'pageSize')), sort_keys=True)
            key = (resource, query_key, id(self.dataset), self.dataset.version, self.quirks.version)
            matches = self.search_cache.get(key)
            if matches is None:
                matches = sandbox_query.matching(records, checks)
                if len(self.search_cache) >= 16:
                    self.search_cache.clear()
                self.search_cache[key] = matches
            records, checks = matches, []
        if self.quirks.active:
            # Times are compared (filters above) before the quirks rewrite them (present): filters see the real ms.
            result = self.quirks.page('%s %s' % (method, resource), records, index, size)
        else:
            result = sandbox_query.page_of(records, checks, index, size)
        if resource == 'quarantines' and self.options['quarantine_shape'] == 'array' and isinstance(result, dict):
            return result['content']
        return result

    def start_lifetime(self):
        lifetime = float(self.options['lifetime'] or 0)
        if lifetime > 0:
            self.timer = threading.Timer(lifetime, self.shutdown_async)
            self.timer.daemon = True
            self.timer.start()

    def shutdown_async(self):
        """Stop serve_forever from another thread (it must not be stopped from its own)."""
        threading.Thread(target=self.shutdown, name='wbd-sandbox-shutdown', daemon=True).start()

    def start_thread(self):
        self.start_lifetime()
        # A short poll: stop() waits up to one poll interval, and tests start and stop many sandboxes.
        self.thread = threading.Thread(target=self.serve_forever, kwargs={'poll_interval': 0.05}, name='wbd-sandbox', daemon=True)
        self.thread.start()
        return self

    def stop(self):
        """Stop an in-thread server and release its port."""
        if self.timer:
            self.timer.cancel()
        self.shutdown()
        self.server_close()
        if self.thread:
            self.thread.join(5)
