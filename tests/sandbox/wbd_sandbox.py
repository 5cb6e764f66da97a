# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""WBD sandbox: a local, stdlib-only stand-in for the NCP Webshell Behavior Detector API.

Integration tests, molecule, make audit and benchmarks need a real HTTP peer that
signs, pages and fails like the real service without a cloud account.

    python tests/sandbox/wbd_sandbox.py serve|start|stop [options]   (see README.md)

Python callers: ``start_in_thread(**options) -> (server, base_url)`` and
``make_dataset(seed, servers, detections, ...)``.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import ssl
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
from sandbox_quirks import QuirkError  # noqa: E402  pylint: disable=wrong-import-position
from sandbox_quirks import check as check_quirks
from sandbox_quirks import describe as describe_quirks
from sandbox_server import DEFAULTS, SandboxServer  # noqa: E402  pylint: disable=wrong-import-position

__all__ = [
    'make_dataset',
    'load_dataset',
    'FixtureError',
    'QuirkError',
    'TlsSetupError',
    'self_signed_cert',
    'start_in_thread',
    'SandboxServer',
    'DEFAULTS',
    'main',
]

DEFAULT_PORT_FILE = os.path.join(tempfile.gettempdir(), 'wbd-sandbox.port')
HELP = {
    'host': 'address to bind (default 127.0.0.1)',
    'port': 'port to bind, 0 = ephemeral (default)',
    'port_file': 'write the bound port here (atomically) once ready; default %s' % DEFAULT_PORT_FILE,
    'lifetime': 'seconds until the server shuts itself down, 0 = never (default 900)',
    'page_size_policy': 'clamp (default) or error for pageSize above --max-page-size',
    'quarantine_shape': 'paged (default) or array result for GET/POST /quarantines',
    'interval_shape': 'object (default) or array result for GET /alarm/interval',
    'latency_ms': 'sleep per API request',
    'rate_429': 'seeded share of API requests answered 429',
    'rate_5xx': 'seeded share answered 502/503/504',
    'retry_after': 'Retry-After seconds sent with 429s',
    'clock_skew_ms': 'sandbox clock = real time + this',
    'quiet': 'no request log on stderr',
    'dataset_file': 'serve the records of this JSON fixture instead of a generated dataset (see README.md)',
    'tls_cert': 'serve HTTPS with this PEM certificate (chain); the control plane too',
    'tls_key': 'PEM private key of --tls-cert (default: in the --tls-cert file)',
    'anchor_ms': 'epoch ms the generated times are relative to (default: the start time); same anchor, same dataset',
    'readonly_access_key': 'access key of a pair that may read but gets HTTP 403 (errorCode 230 Forbidden) on every write',
    'readonly_secret_key': 'secret key of the read-only pair',
    'activation_delay_ms': 'ms an agent stays activating after ActivateAgent before it is enable (default 500; POST /__sandbox/config)',
    'quirk_page_cap': 'K, the most records a page of the short-* quirks holds (default 37)',
    'quirk_null_page': 'N, the page (0 = first served page) content-null* answers with null content (default 1)',
    'quirk_total_deficit': 'D, how much lower than the real count totals-low announces (default 37)',
}
CHOICES = {'page_size_policy': ('clamp', 'error'), 'quarantine_shape': ('paged', 'array'), 'interval_shape': ('object', 'array')}
# The self-signed certificate of --tls-self-signed: its own CA (so it is what clients trust: ca_path), valid for the
# loopback addresses and localhost, a week long.
OPENSSL_CONFIG = '''[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
CN = wbd-sandbox
[ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
'''


class TlsSetupError(ValueError):
    """The TLS options cannot be used (no openssl, a bad certificate or key); the message says why."""


def self_signed_cert(directory):
    """Write a new key and self-signed certificate to DIRECTORY/key.pem and DIRECTORY/cert.pem (replacing them) with the
    ``openssl`` CLI; return (cert, key). The certificate is its own CA: point clients' CA bundle (ca_path) at it."""
    openssl = shutil.which('openssl')
    if not openssl:
        raise TlsSetupError('--tls-self-signed needs the openssl command, which is not on PATH')
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    cert, key = os.path.join(directory, 'cert.pem'), os.path.join(directory, 'key.pem')
    config, new_cert, new_key = ('%s.%d.tmp' % (os.path.join(directory, name), os.getpid()) for name in ('openssl.cnf', 'cert.pem', 'key.pem'))
    try:
        with open(config, 'w', encoding='ascii') as handle:
            handle.write(OPENSSL_CONFIG)
        made = subprocess.run(
            [openssl, 'req', '-x509', '-config', config, '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '7', '-keyout', new_key, '-out', new_cert],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if made.returncode != 0:
            raise TlsSetupError('openssl could not make a self-signed certificate: %s' % (made.stderr.strip()[-300:] or made.returncode))
        os.chmod(new_key, 0o600)
        os.replace(new_key, key)
        os.replace(new_cert, cert)
    finally:
        for path in (config, new_cert, new_key):
            if os.path.exists(path):
                os.remove(path)
    return cert, key


def check_tls(cert, key):
    """Raise TlsSetupError unless ``cert`` (and ``key``) can serve TLS."""
    if key and not cert:
        raise TlsSetupError('--tls-key needs --tls-cert')
    if cert:
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key or None)
        except (OSError, ssl.SSLError) as exc:
            raise TlsSetupError('cannot serve TLS with certificate %s and key %s: %s' % (cert, key or '(in the certificate file)', exc))


def _resolve_tls(options):
    """``options`` with tls_self_signed (a directory) turned into tls_cert/tls_key, checked."""
    options = dict(options)
    directory = options.pop('tls_self_signed', None)
    if directory:
        if options.get('tls_cert') or options.get('tls_key'):
            raise TlsSetupError('--tls-self-signed and --tls-cert/--tls-key exclude each other')
        options['tls_cert'], options['tls_key'] = self_signed_cert(directory)
    check_tls(options.get('tls_cert'), options.get('tls_key'))
    return options


def start_in_thread(**options):
    """Start a sandbox on a daemon thread (for unit tests); call ``server.stop()`` when done.

    A bad ``dataset_file`` raises FixtureError, bad TLS options TlsSetupError (both ValueErrors) before anything
    listens. ``tls_self_signed=DIR`` serves HTTPS with a new self-signed certificate, DIR/cert.pem.
    ``quirks=[names]`` switches real-API behaviour modes (``python wbd_sandbox.py quirks``); unknown or exclusive ones
    raise QuirkError (a ValueError).
    """
    server = SandboxServer(_resolve_tls(options))
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


def _speaks_tls(exc):
    """Whether a plain-HTTP attempt failed the way a TLS-only server makes it fail (it drops the connection)."""
    reason = getattr(exc, 'reason', exc)
    return isinstance(reason, (http.client.BadStatusLine, ConnectionResetError, ssl.SSLError))


def _control(host, port, path, method='GET', timeout=3.0):
    """A control-plane call; over HTTPS (our own loopback sandbox: its certificate is not checked) when plain HTTP
    is refused, so stop and the liveness checks work whether or not the sandbox serves TLS."""
    for scheme in ('http', 'https'):
        request = Request('%s://%s:%d%s' % (scheme, host, port, path), data=b'' if method == 'POST' else None, method=method)
        context = None
        if scheme == 'https':
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            with urlopen(request, timeout=timeout, context=context) as response:
                return json.loads(response.read().decode('utf-8'))
        except (URLError, OSError, http.client.HTTPException) as exc:
            if scheme == 'https' or not _speaks_tls(exc):
                raise
    raise AssertionError('unreachable')


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
        server = SandboxServer(_resolve_tls(dict(_options(args), tls_self_signed=args.tls_self_signed)))
    except FixtureError as exc:
        sys.stderr.write('wbd-sandbox: bad dataset file: %s\n' % exc)
        return 1
    except (TlsSetupError, QuirkError) as exc:
        sys.stderr.write('wbd-sandbox: %s\n' % exc)
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
        if key == 'quirks':
            for name in value:
                argv.extend(['--quirk', name])
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
    try:
        check_quirks(args.quirks)
    except QuirkError as exc:
        sys.stderr.write('wbd-sandbox: %s\n' % exc)
        return 1
    if args.dataset_file:
        # Validate here, so a bad fixture is reported by start itself (the detached child's stderr is usually discarded).
        args.dataset_file = os.path.abspath(args.dataset_file)
        try:
            load_dataset(args.dataset_file, int(time.time() * 1000))
        except FixtureError as exc:
            sys.stderr.write('wbd-sandbox: bad dataset file: %s\n' % exc)
            return 1
    try:
        # Made here, not in the detached child, so the certificate is there to trust as soon as start returns.
        resolved = _resolve_tls({'tls_cert': args.tls_cert, 'tls_key': args.tls_key, 'tls_self_signed': args.tls_self_signed})
    except TlsSetupError as exc:
        sys.stderr.write('wbd-sandbox: %s\n' % exc)
        return 1
    args.tls_cert, args.tls_key, args.tls_self_signed = resolved['tls_cert'], resolved['tls_key'], None
    remove_port_file(port_file)
    log = open(args.log_file, 'ab') if args.log_file else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(_serve_argv(args, port_file), stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True)
    finally:
        if args.log_file:
            log.close()
    deadline = time.time() + args.start_timeout
    while time.time() < deadline:
        port = read_port(port_file)
        if port is not None:
            print('%s://%s:%d' % ('https' if args.tls_cert else 'http', args.host, port))
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
        if key == 'quirks':
            parser.add_argument(
                '--quirk',
                dest='quirks',
                action='append',
                default=[],
                metavar='NAME',
                help='switch on a real-API behaviour mode (repeatable; list them with the quirks command)',
            )
        elif isinstance(default, bool):
            parser.add_argument(flag, action='store_true', help=HELP.get(key))
        elif key in CHOICES:
            parser.add_argument(flag, default=default, choices=CHOICES[key], help=HELP.get(key))
        else:
            kind = int if key in ('retry_after', 'anchor_ms') else type(default) if default is not None else str
            parser.add_argument(flag, type=kind, default=default, help=HELP.get(key, 'default %s' % default))
    parser.add_argument(
        '--tls-self-signed', metavar='DIR', help='serve HTTPS with a new self-signed certificate (openssl), written to DIR/cert.pem and DIR/key.pem'
    )


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
    commands.add_parser('quirks', help='list the real-API behaviour modes (--quirk NAME) with what each does')
    return parser


def quirks(dummy_args):
    print(describe_quirks())
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    return {'serve': serve, 'start': start, 'stop': stop, 'quirks': quirks}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
