# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""WBD sandbox: a local, stdlib-only stand-in for the NCP Webshell Behavior Detector API.

Integration tests, molecule, the demo and benchmarks need a real HTTP peer that
signs, pages and fails like the real service without a cloud account.

    python tests/sandbox/wbd_sandbox.py serve|start|stop [options]   (see README.md)

Python callers: ``start_in_thread(**options) -> (server, base_url)`` and
``make_dataset(seed, servers, detections, ...)``.
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from urllib.error import URLError
from urllib.request import Request, urlopen

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from sandbox_data import make_dataset  # noqa: E402  pylint: disable=wrong-import-position
from sandbox_fixture import FixtureError, load_dataset  # noqa: E402  pylint: disable=wrong-import-position
from sandbox_server import DEFAULTS, SandboxServer  # noqa: E402  pylint: disable=wrong-import-position

__all__ = ['make_dataset', 'load_dataset', 'FixtureError', 'start_in_thread', 'SandboxServer', 'DEFAULTS', 'main']

DEFAULT_PORT_FILE = os.path.join(tempfile.gettempdir(), 'wbd-sandbox.port')
HELP = {
    'host': 'address to bind (default 127.0.0.1)', 'port': 'port to bind, 0 = ephemeral (default)',
    'port_file': 'write the bound port here (atomically) once ready; default %s' % DEFAULT_PORT_FILE,
    'lifetime': 'seconds until the server shuts itself down, 0 = never (default 900)',
    'page_size_policy': 'clamp (default) or error for pageSize above --max-page-size',
    'quarantine_shape': 'paged (default) or array result for GET/POST /quarantines',
    'interval_shape': 'object (default) or array result for GET /alarm/interval',
    'latency_ms': 'sleep per API request', 'rate_429': 'seeded share of API requests answered 429',
    'rate_5xx': 'seeded share answered 502/503/504', 'retry_after': 'Retry-After seconds sent with 429s',
    'clock_skew_ms': 'sandbox clock = real time + this', 'quiet': 'no request log on stderr',
    'dataset_file': 'serve the records of this JSON fixture instead of a generated dataset (see README.md)',
}
CHOICES = {'page_size_policy': ('clamp', 'error'), 'quarantine_shape': ('paged', 'array'), 'interval_shape': ('object', 'array')}


def start_in_thread(**options):
    """Start a sandbox on a daemon thread (for unit tests); call ``server.stop()`` when done.

    A bad ``dataset_file`` raises FixtureError (a ValueError) before anything listens.
    """
    server = SandboxServer(options)
    server.start_thread()
    return server, server.base_url


def write_port_file(path, port):
    """Write tmp + rename so a waiting reader never sees a half-written port."""
    tmp = '%s.%d.tmp' % (path, os.getpid())
    with open(tmp, 'w', encoding='ascii') as handle:
        handle.write('%d\n' % port)
    os.replace(tmp, path)


def read_port(path):
    try:
        with open(path, encoding='ascii') as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


def remove_port_file(path, port=None):
    """Remove the port file, but only if it still names ``port`` (when given)."""
    if port is not None and read_port(path) != port:
        return
    try:
        os.remove(path)
    except OSError:
        pass


def _control(host, port, path, method='GET', timeout=3.0):
    request = Request('http://%s:%d%s' % (host, port, path), data=b'' if method == 'POST' else None, method=method)
    with urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode('utf-8'))


def is_alive(host, port):
    try:
        return bool(_control(host, port, '/__sandbox/health', timeout=1.0).get('ok'))
    except (URLError, OSError, ValueError, http.client.HTTPException):
        # HTTPException: a server dying mid-reply (headers sent, body cut) is not alive either.
        return False


def process_exists(pid):
    """Signal 0 only probes: lets stop wait until the server process has really exited."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open('/proc/%d/stat' % pid, encoding='ascii', errors='replace') as handle:
            return handle.read().rsplit(')', 1)[-1].split()[0] != 'Z'  # a zombie has exited; its reaper may be slow
    except (OSError, IndexError):
        return True


def _options(args):
    return dict((key, getattr(args, key)) for key in DEFAULTS)


def serve(args):
    """Run in the foreground until shutdown, SIGTERM/SIGINT or lifetime expiry."""
    try:
        server = SandboxServer(_options(args))
    except FixtureError as exc:
        sys.stderr.write('wbd-sandbox: bad dataset file: %s\n' % exc)
        return 1
    signal.signal(signal.SIGTERM, lambda signum, frame: server.shutdown_async())
    server.start_lifetime()
    port = server.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    if not args.quiet:
        source = ' from %s' % args.dataset_file if args.dataset_file else ''
        sys.stderr.write('wbd-sandbox listening on %s (%d detections%s)\n' % (server.base_url, len(server.dataset.detections), source))
        sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if args.port_file:
            remove_port_file(args.port_file, port)
    sys.stderr.flush()
    # Skip interpreter teardown: freeing a 100k-record dataset takes ~1 s and keeps the process around after stop.
    os._exit(0)


def _serve_argv(args, port_file):
    """Re-express the parsed options for the detached ``serve`` child."""
    argv = [sys.executable, os.path.abspath(__file__), 'serve', '--port-file', port_file]
    for key, default in DEFAULTS.items():
        value = getattr(args, key)
        if key == 'port_file' or value is None or value == default:
            continue
        flag = '--' + key.replace('_', '-')
        argv.extend([flag] if value is True else [flag, str(value)])
    return argv


def start(args):
    """Launch ``serve`` detached, wait for its port file, print the base URL."""
    port_file = args.port_file or DEFAULT_PORT_FILE
    old = read_port(port_file)
    if old is not None and is_alive(args.host, old):
        sys.stderr.write('wbd-sandbox: already running on port %d (port file %s)\n' % (old, port_file))
        return 1
    if args.dataset_file:
        # Validate here, so a bad fixture is reported by start itself (the detached child's stderr is usually discarded).
        args.dataset_file = os.path.abspath(args.dataset_file)
        try:
            load_dataset(args.dataset_file, int(time.time() * 1000))
        except FixtureError as exc:
            sys.stderr.write('wbd-sandbox: bad dataset file: %s\n' % exc)
            return 1
    remove_port_file(port_file)
    log = open(args.log_file, 'ab') if args.log_file else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(_serve_argv(args, port_file), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True, close_fds=True)
    finally:
        if args.log_file:
            log.close()
    deadline = time.time() + args.start_timeout
    while time.time() < deadline:
        port = read_port(port_file)
        if port is not None:
            print('http://%s:%d' % (args.host, port))
            return 0
        if proc.poll() is not None:
            sys.stderr.write('wbd-sandbox: serve exited early with status %s\n' % proc.returncode)
            return 1
        time.sleep(0.05)
    proc.terminate()
    sys.stderr.write('wbd-sandbox: no port file after %.0f s; stopped the child\n' % args.start_timeout)
    return 1


def stop(args):
    """Ask the server to shut down, wait until it is gone, remove the port file."""
    port_file = args.port_file or DEFAULT_PORT_FILE
    port = read_port(port_file)
    if port is None:
        print('wbd-sandbox: no port file at %s; already gone' % port_file)
        return 0
    pid = None
    try:
        pid = _control(args.host, port, '/__sandbox/config').get('pid')
        _control(args.host, port, '/__sandbox/shutdown', method='POST')
    except (URLError, ConnectionRefusedError):
        remove_port_file(port_file)
        print('wbd-sandbox: nothing listening on port %d; already gone' % port)
        return 0
    except (OSError, ValueError, http.client.HTTPException) as exc:
        sys.stderr.write('wbd-sandbox: shutdown reply was broken (%s); waiting anyway\n' % exc)
    deadline = time.time() + 10
    while time.time() < deadline and (is_alive(args.host, port) or read_port(port_file) == port or process_exists(pid)):
        time.sleep(0.05)
    remove_port_file(port_file)
    if is_alive(args.host, port) or process_exists(pid):
        sys.stderr.write('wbd-sandbox: server on port %d still running after 10 s\n' % port)
        return 1
    print('wbd-sandbox: stopped (port %d)' % port)
    return 0


def _add_server_options(parser):
    for key, default in DEFAULTS.items():
        flag = '--' + key.replace('_', '-')
        if isinstance(default, bool):
            parser.add_argument(flag, action='store_true', help=HELP.get(key))
        elif key in CHOICES:
            parser.add_argument(flag, default=default, choices=CHOICES[key], help=HELP.get(key))
        else:
            kind = int if key == 'retry_after' else type(default) if default is not None else str
            parser.add_argument(flag, type=kind, default=default, help=HELP.get(key, 'default %s' % default))


def build_parser():
    parser = argparse.ArgumentParser(prog='wbd_sandbox.py', description='Local WBD API sandbox (see tests/sandbox/README.md).')
    commands = parser.add_subparsers(dest='command')
    commands.required = True
    _add_server_options(commands.add_parser('serve', help='run in the foreground'))
    start_parser = commands.add_parser('start', help='run detached; print the base URL once ready')
    _add_server_options(start_parser)
    start_parser.add_argument('--log-file', help='where the detached server writes its log (default: discarded)')
    start_parser.add_argument('--start-timeout', type=float, default=10.0, help='seconds to wait for the port file')
    stop_parser = commands.add_parser('stop', help='shut down a server started with start')
    stop_parser.add_argument('--port-file', default=None, help='default %s' % DEFAULT_PORT_FILE)
    stop_parser.add_argument('--host', default='127.0.0.1')
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return {'serve': serve, 'start': start, 'stop': stop}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
