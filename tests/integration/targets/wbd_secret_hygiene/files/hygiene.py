# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret hygiene of the audit playbook: no secret key and no request signature in anything a run leaves.

    python hygiene.py COLLECTION_DIR WORK_DIR

Runs ``ansible-playbook -vvvv ncloud.wbd.audit`` with ANSIBLE_DEBUG=1 and a log file, once succeeding and once
per error path, with the key pair coming from role variables (inventory), the environment, a named credential
file and the default ~/.ncloud/configure. Each run's stdout, stderr, Ansible log and report files are searched for

* every secret key of the test (fresh random ones each time), raw, base64 and hex;
* every request signature the run can have sent. The sandbox logs each request (method, path, query, access
  key) but, by design, neither its timestamp nor its signature; the signature is HMAC(secret, METHOD URI, timestamp,
  access key) (plugins/module_utils/_api/signing.py), so the checker computes it for every logged request with every
  millisecond timestamp from just before the run started to just after it ended: the real one is among them. The
  runs that reach no sandbox (connection refused) use the requests the successful run logged. Every 44-character
  base64 token (also JSON-escaped or URL-encoded) of the outputs is looked up in that set.

Two controls first: a request signed here with a known timestamp must be reconstructed from the sandbox log into
exactly the signature sent (so the candidate sets contain real signatures), and a text with a planted signature and
secret must be flagged (so the scanner finds them).
"""

import base64
import binascii
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

SANDBOX = 'tests/sandbox/wbd_sandbox.py'
B64_TOKEN = re.compile(r'(?:[A-Za-z0-9+]|\\?/){43}=')
URL_TOKEN = re.compile(r'(?:[A-Za-z0-9]|%2[bBfF]){43}%3[dD]')
DEBUG_LINE = re.compile(r'^ *\d+ \d{10}\.\d+: ', re.M)
# ansible-core's own debug line with the arguments of every module it runs, no_log ones included: ANSIBLE_DEBUG
# "can include secret information despite no_log settings" (its documentation), so a key passed as a module
# option shows here. Only these lines are exempt, only for keys given as role variables, and they are counted.
CORE_ARGS_LINE = re.compile(r'^ *\d+ \d{10}\.\d+: done with _execute_module \(ncloud\.wbd\.\w+, \{.*$', re.M)


def token(prefix, size=12):
    return '%s%s' % (prefix, secrets.token_hex(size))


KEYS = {
    'access': token('HYGACCESS', 6).upper(),
    'secret': token('hyg-secret-'),
    'limited_access': token('HYGLIMITED', 6).upper(),
    'limited_secret': token('hyg-limited-'),
    'wrong_secret': token('hyg-wrong-'),
}
ALL_SECRETS = (KEYS['secret'], KEYS['limited_secret'], KEYS['wrong_secret'])
PAIRS = {'full': (KEYS['access'], KEYS['secret']), 'limited': (KEYS['limited_access'], KEYS['limited_secret']), 'wrong': (KEYS['access'], KEYS['wrong_secret'])}

# name, key pair, fault plan, extra variables, expected rc, text the output must show (the error path was taken)
SCENARIOS = [
    ('success', 'full', None, {}, 0, r'Reports in '),
    ('wrong secret (401)', 'wrong', None, {}, 2, r'Authentication failed'),
    ('no permission (401 code 210)', 'limited', None, {}, 2, r'Permission denied.*210'),
    (
        '429 storm beyond the retry budget',
        'full',
        {'queue': [{'kind': '429', 'count': 1000}]},
        {'webshell_audit_retries': 1},
        2,
        r'Rate limit exceeded.*Gave up after 2 attempts',
    ),
    (
        '503 beyond the retry budget',
        'full',
        {'queue': [{'kind': '503', 'count': 1000}]},
        {'webshell_audit_retries': 1},
        2,
        r'Gateway error.*HTTP 503.*Gave up after 2 attempts',
    ),
    ('malformed answer', 'full', {'queue': [{'kind': 'not_json', 'count': 1000}]}, {'webshell_audit_retries': 1}, 2, r'Malformed answer'),
    ('connection refused', 'full', None, {'webshell_audit_retries': 1, '__refused': True}, 2, r'Connection refused'),
    (
        'role argument validation (page_size not an int)',
        'full',
        None,
        {'webshell_audit_page_size': 'abc'},
        2,
        r'Validation of arguments failed.*webshell_audit_page_size',
    ),
    ('bad look-back value', 'full', None, {'webshell_audit_lookback': '7 fortnights'}, 2, r'look-back window'),
]
# Error paths of one source only: name, key pair, how the source is broken, expected rc, text.
SOURCE_SCENARIOS = {
    'vars': [('secret given as a list (a type the role converts)', 'full', 'secret_as_list', 2, r'Authentication failed')],
    'file': [
        ('credential file readable by others', 'full', 'file_mode_0644', 2, r'accessible by group or others'),
        ('credential file with a misspelt secret key name', 'full', 'file_typo', 2, r'Missing WBD API credentials'),
    ],
}
SOURCES = ('vars', 'env', 'file', 'home')


def log(message):
    sys.stdout.write(message + '\n')
    sys.stdout.flush()


def control(url, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method='POST' if body is not None or path.endswith('reset') else 'GET')
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


class Sandbox(object):
    def __init__(self, col, work, name):
        self.col, self.port_file = col, os.path.join(work, 'sandbox-%s.port' % name)
        out = subprocess.run(
            [
                sys.executable,
                os.path.join(col, SANDBOX),
                'start',
                '--port-file',
                self.port_file,
                '--quiet',
                '--lifetime',
                '900',
                '--servers',
                '6',
                '--detections',
                '40',
                '--access-key',
                KEYS['access'],
                '--secret-key',
                KEYS['secret'],
                '--limited-access-key',
                KEYS['limited_access'],
                '--limited-secret-key',
                KEYS['limited_secret'],
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit('FAIL: the sandbox did not start: %s%s' % (out.stdout, out.stderr))
        self.url = out.stdout.strip().splitlines()[-1]

    def stop(self):
        subprocess.run([sys.executable, os.path.join(self.col, SANDBOX), 'stop', '--port-file', self.port_file], capture_output=True, timeout=60, check=False)


def request_uri(entry):
    return entry['path'] + ('?' + entry['query'] if entry['query'] else '')


def candidate_signatures(make_signature, requests, secret, start_ms, end_ms):
    """Every signature of these (method, uri, access key) requests with any timestamp in [start_ms, end_ms]."""
    found = set()
    for method, uri, access_key in requests:
        for stamp in range(start_ms, end_ms + 1):
            found.add(make_signature(secret, method, uri, str(stamp), access_key))
    return found


def secret_forms(secret):
    raw = secret.encode()
    return sorted(set([secret, base64.b64encode(raw).decode(), binascii.hexlify(raw).decode(), urllib.parse.quote(secret, safe='')]))


def scan(text, signatures):
    """(what leaked, token count): the secrets in any form, and tokens that are one of ``signatures``."""
    leaks = []
    for secret in ALL_SECRETS:
        for form in secret_forms(secret):
            if form in text:
                leaks.append('secret key %s...' % form[:10])
    tokens = [t.replace('\\/', '/') for t in B64_TOKEN.findall(text)]
    tokens += [urllib.parse.unquote(t) for t in URL_TOKEN.findall(text)]
    leaks.extend('signature %s' % t for t in tokens if t in signatures)
    return leaks, len(tokens)


def write_file(path, text, mode=0o600):
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text)
    os.chmod(path, mode)


def prepare(run_dir, source, pair, breakage):
    """The inventory, environment and files of one run; the key pair comes from ``source``."""
    access, secret = PAIRS[pair]
    env = dict(os.environ, ANSIBLE_DEBUG='1', ANSIBLE_LOG_PATH=os.path.join(run_dir, 'ansible.log'), ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1')
    for name in ('NCLOUD_ACCESS_KEY', 'NCLOUD_ACCESS_KEY_ID', 'NCLOUD_SECRET_KEY', 'NCLOUD_SECRET_ACCESS_KEY', 'NCLOUD_WBD_ENDPOINT'):
        env.pop(name, None)
    env['HOME'] = os.path.join(run_dir, 'home')  # no stray ~/.ncloud/configure; the home source writes one
    os.makedirs(env['HOME'])
    hostvars = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
    if source == 'vars':
        hostvars.update(webshell_audit_access_key=access, webshell_audit_secret_key=[secret] if breakage == 'secret_as_list' else secret)
    elif source == 'env':
        env.update(NCLOUD_ACCESS_KEY=access, NCLOUD_SECRET_KEY=secret)
    else:
        section = 'audit' if source == 'file' else 'DEFAULT'
        secret_name = 'ncloud_secret_key' if breakage == 'file_typo' else 'ncloud_secret_access_key'
        text = '[%s]\nncloud_access_key_id = %s\n%s = %s\n' % (section, access, secret_name, secret)
        if source == 'file':
            path = os.path.join(run_dir, 'ncp-credentials')
            hostvars.update(webshell_audit_credentials_file=path, webshell_audit_profile='audit')
        else:
            os.makedirs(os.path.join(env['HOME'], '.ncloud'), 0o700)
            path = os.path.join(env['HOME'], '.ncloud', 'configure')
        write_file(path, text, 0o644 if breakage == 'file_mode_0644' else 0o600)
    inventory = {'all': {'vars': hostvars, 'hosts': {'web-1': {}}}}
    write_file(os.path.join(run_dir, 'inventory.json'), json.dumps(inventory))
    return env


def closed_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class Runner(object):
    def __init__(self, col, work, make_signature):
        self.col, self.work, self.make_signature = col, work, make_signature
        self.results = []
        self.success_requests = {}

    def run(self, sandbox, source, number, name, pair, faults, extra, want_rc, want_text, breakage=None):
        run_dir = os.path.join(self.work, '%s-%02d' % (source, number))
        shutil.rmtree(run_dir, ignore_errors=True)
        os.makedirs(run_dir)
        env = prepare(run_dir, source, pair, breakage)
        extra = dict(extra)
        refused = extra.pop('__refused', False)
        endpoint = 'http://127.0.0.1:%d' % closed_port() if refused else sandbox.url
        extra.update(webshell_audit_endpoint=endpoint, webshell_report_dir=os.path.join(run_dir, 'reports'))
        control(sandbox.url, '/__sandbox/faults', faults or {})
        control(sandbox.url, '/__sandbox/stats/reset', {})
        argv = ['ansible-playbook', '-vvvv', 'ncloud.wbd.audit', '-i', os.path.join(run_dir, 'inventory.json'), '-e', json.dumps(extra)]
        start = int(time.time() * 1000) - 2000
        with open(os.path.join(run_dir, 'stdout'), 'wb') as out, open(os.path.join(run_dir, 'stderr'), 'wb') as err:
            rc = subprocess.run(argv, env=env, stdout=out, stderr=err, cwd=run_dir, timeout=600, check=False).returncode
        end = int(time.time() * 1000) + 2000
        control(sandbox.url, '/__sandbox/faults', {})
        logged = control(sandbox.url, '/__sandbox/stats')['requests']
        requests = set((e['method'], request_uri(e), e['access_key']) for e in logged if e['access_key'])
        if name == 'success':
            self.success_requests[source] = requests
        if refused:
            requests = set((m, u, PAIRS[pair][0]) for m, u, _a in self.success_requests[source])
        # A list is turned into its Python text by the module's str option, and that is what signs.
        signing_secret = str([PAIRS[pair][1]]) if breakage == 'secret_as_list' else PAIRS[pair][1]
        signatures = candidate_signatures(self.make_signature, requests, signing_secret, start, end)
        texts, exempt = {}, 0
        for label in ('stdout', 'stderr', 'ansible.log'):
            path = os.path.join(run_dir, label)
            texts[label] = open(path, 'rb').read().decode('utf-8', 'replace') if os.path.exists(path) else ''
            if source == 'vars':
                texts[label], count = CORE_ARGS_LINE.subn('<core module-args debug line>', texts[label])
                exempt += count
        reports = os.path.join(run_dir, 'reports')
        for report in sorted(os.listdir(reports)) if os.path.isdir(reports) else []:
            texts['reports/' + report] = open(os.path.join(reports, report), 'rb').read().decode('utf-8', 'replace')
        output = texts['stdout'] + texts['stderr']
        problems = []
        if rc != want_rc:
            problems.append('rc %d, expected %d' % (rc, want_rc))
        if not re.search(want_text, output, re.S):
            problems.append('the output does not show /%s/ (the error path was not taken?)' % want_text)
        if len(DEBUG_LINE.findall(texts['stdout'])) < 100:
            problems.append('the output shows no ANSIBLE_DEBUG lines')
        # Proof that the run was verbose (the audit makes no connection to hosts: it lists in the controller's worker).
        if logged and 'Loading callback plugin' not in texts['stdout']:
            problems.append('the output shows no -vvvv lines (no "Loading callback plugin")')
        if not texts['ansible.log']:
            problems.append('no Ansible log file was written')
        if want_rc == 0 and len([n for n in texts if n.startswith('reports/')]) != 10:
            problems.append('expected 10 report files')
        reached = bool(requests)
        if not refused and 'validation' not in name and 'look-back' not in name and breakage is None and not logged:
            problems.append('the sandbox logged no request, so no signature was checked')
        leaks, tokens = [], 0
        for label, text in texts.items():
            found, count = scan(text, signatures)
            tokens += count
            leaks.extend('%s: %s' % (label, leak) for leak in found)
        if leaks:
            problems.append('LEAK: %s' % '; '.join(leaks[:5]))
        size = sum(len(t) for t in texts.values())
        summary = '%-5s %-52s rc=%d requests=%d signatures=%d tokens=%d scanned=%dkB%s' % (
            source,
            name,
            rc,
            len(logged),
            len(signatures) if reached else 0,
            tokens,
            size // 1024,
            ' (%d core module-args debug lines exempt)' % exempt if exempt else '',
        )
        self.results.append((source, number, name, problems))
        log(('ok   ' if not problems else 'FAIL ') + summary + ('' if not problems else '\n       ' + '\n       '.join(problems)))
        return not problems


def signing_module(col):
    root = os.path.dirname(os.path.dirname(os.path.dirname(col)))
    if root not in sys.path:
        sys.path.insert(0, root)
    from ansible_collections.ncloud.wbd.plugins.module_utils._api import signing  # pylint: disable=import-outside-toplevel

    return signing


def controls(sandbox, signing):
    """The checker can rebuild real signatures from the sandbox log, and the scanner finds a planted one."""
    control(sandbox.url, '/__sandbox/stats/reset', {})
    sent = []
    for method, uri in (('GET', '/api/v1/servers?pageIndex=0&pageSize=7'), ('POST', '/api/v1/detections')):
        stamp = str(int(time.time() * 1000))
        headers = signing.signed_headers(KEYS['access'], KEYS['secret'], method, uri, stamp)
        headers.update({'X-NCP-USE_PLATFORM_TYPE': 'VPC', 'Content-Type': 'application/json'})
        body = b'{"pageIndex":0,"pageSize":1}' if method == 'POST' else None
        with urllib.request.urlopen(urllib.request.Request(sandbox.url + uri, data=body, headers=headers, method=method), timeout=10):
            pass
        sent.append((headers[signing.SIGNATURE_HEADER], int(stamp)))
    logged = control(sandbox.url, '/__sandbox/stats')['requests']
    if len(logged) != 2 or not all(e['signature_valid'] for e in logged):
        raise SystemExit('FAIL control: the sandbox did not accept the two signed requests: %s' % logged)
    for (signature, stamp), entry in zip(sent, logged):
        candidates = candidate_signatures(
            signing.make_signature, [(entry['method'], request_uri(entry), entry['access_key'])], KEYS['secret'], stamp - 1000, stamp + 1000
        )
        if signature not in candidates:
            raise SystemExit('FAIL control: the signature sent for %s is not rebuilt from the sandbox log' % request_uri(entry))
    planted = 'x "sig": "%s", %s\n' % (sent[0][0].replace('/', '\\/'), urllib.parse.quote(sent[1][0], safe=''))
    leaks, _count = scan(planted + base64.b64encode(KEYS['wrong_secret'].encode()).decode(), set(s for s, _t in sent))
    if len(leaks) != 3:
        raise SystemExit('FAIL control: the scanner found %s in a text with 2 signatures and 1 secret' % leaks)
    log('ok   controls: signatures rebuilt from the sandbox log; planted signatures (JSON-escaped, URL-encoded) and a base64 secret are found')


def run_source(runner, source, number_base):
    sandbox = Sandbox(runner.col, runner.work, source)
    try:
        number = number_base
        for name, pair, faults, extra, want_rc, want_text in SCENARIOS:
            if source == 'home' and name not in ('success', 'wrong secret (401)', 'connection refused'):
                continue  # the default file path: the same reading as the named file, fewer runs
            runner.run(sandbox, source, number, name, pair, faults, extra, want_rc, want_text)
            number += 1
        for name, pair, breakage, want_rc, want_text in SOURCE_SCENARIOS.get(source, []):
            runner.run(sandbox, source, number, name, pair, None, {}, want_rc, want_text, breakage=breakage)
            number += 1
    finally:
        sandbox.stop()


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    col, work = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    os.makedirs(work, exist_ok=True)
    signing = signing_module(col)
    sandbox = Sandbox(col, work, 'controls')
    try:
        controls(sandbox, signing)
    finally:
        sandbox.stop()
    runner = Runner(col, work, signing.make_signature)
    jobs = int(os.environ.get('WBD_HYGIENE_JOBS', '2'))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_source, runner, source, 1) for source in SOURCES]
        for future in futures:
            future.result()
    failed = [r for r in runner.results if r[3]]
    paths = len(set(r[2] for r in runner.results))
    log('%d runs (%d sources, %d distinct success/error paths), %d failed' % (len(runner.results), len(SOURCES), paths, len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
