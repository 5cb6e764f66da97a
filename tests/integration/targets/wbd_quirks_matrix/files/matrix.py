# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The quirks matrix: every sandbox quirk (and some combinations) x (detection_info, ncloud.wbd.audit), then
playbook-level regressions. Run by runme.sh; exits 1 when any run gave a silent wrong answer or a regression failed.

Every run is a real ``ansible-playbook`` against a real sandbox (in this process, one per worker, all serving the
same dataset: same seed, sizes and anchor). A run passes when it returns exactly what the quirk-free run returns, or
ends rc != 0 with exactly one clear failure line, no traceback, and any JSON report it wrote flagged incomplete.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

ACCESS = 'SANDBOXACCESSKEY00001'
SECRET = 'sandbox-secret-DO-NOT-LEAK-7f3a9c'
# 237 detections, as in the issue: 3 pages of 100 (the last one short), 7 of 37; totals-low (200) and totals-half (118) end a
# walk that trusts them a page early.
SIZES = {'servers': 16, 'detections': 237, 'exception_rules': 10, 'deleted_exception_rules': 3, 'excepted': 15, 'quarantines': 6}
SECOND_MODES = ('times-seconds', 'times-iso-offset')  # times come with a one-second resolution
COMBINATIONS = (
    ('one-based', 'short-noecho-offset-asked'),
    ('one-based-zero-is-first', 'short-echo-served-offset-served', 'totals-strings'),
    ('times-seconds', 'time-filter-ignored'),
    ('times-iso-offset', 'totals-low', 'content-null-once'),
    ('bare-array', 'short-noecho-offset-served'),
    ('bare-array', 'one-based'),
    ('rule-null-start', 'times-ms-strings', 'short-echo-asked-offset-asked'),
    ('order-oldest-first', 'totals-half', 'times-iso-z'),
    # One record fewer than asked, no echo, no totals, offsets by the asked size: only re-paging at 99 gets them all.
    ('short-noecho-offset-asked', 'totals-missing', {'quirk_page_cap': 99}),
)
RULE_IDS = {'rule-null-start': '2015010100000000000001', 'rule-empty-end': '2015010100000000000002', 'rule-blank-equal': '2015010100000000000003'}
# Summary keys about hosts and detections: what a rule-* quirk (one more rule, and its finding) must leave alone.
HOST_SUMMARY = (
    'hosts',
    'targets',
    'detections',
    'covered_detections',
    'unreviewed_detections',
    'unmatched_detections',
    'compliant',
    'unprotected',
    'unreviewed',
    'unknown',
    'complete',
)
FAIL_LINE = re.compile(r'^fatal: |FAILED!')
ERROR_LINE = re.compile(r'^(\[ERROR\]|ERROR!)')
RECAP = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)')


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--collection', required=True, help='the collection under test (its tests/sandbox is used)')
    parser.add_argument('--out', required=True, help='scratch and result directory')
    parser.add_argument('--playbook-python', default=sys.executable, help='ansible_python_interpreter of the runs')
    parser.add_argument('--workers', type=int, default=4, help='sandboxes (and runs) in parallel')
    parser.add_argument('--only', action='append', default=[], help='run only modes whose name contains this (repeatable)')
    parser.add_argument('--no-regressions', action='store_true', help='skip the playbook-level regression cases')
    return parser.parse_args(argv)


class Env(object):
    """Paths, the sandboxes and how one ansible-playbook run is made."""

    def __init__(self, args):
        self.args = args
        self.out = os.path.abspath(args.out)
        self.here = os.path.dirname(os.path.abspath(__file__))
        sys.path.insert(0, os.path.join(args.collection, 'tests', 'sandbox'))
        import wbd_sandbox  # pylint: disable=import-outside-toplevel

        self.wbd_sandbox = wbd_sandbox
        anchor = int(time.time() * 1000)
        self.sandboxes = []
        for dummy in range(max(1, args.workers)):
            server, url = wbd_sandbox.start_in_thread(quiet=True, lifetime=1800, seed=7, anchor_ms=anchor, **SIZES)
            self.sandboxes.append((server, url))
        self.url = self.sandboxes[0][1]

    def stop(self):
        for server, dummy in self.sandboxes:
            server.stop()

    def control(self, url, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url + path, data=data, method='POST' if data is not None else 'GET')
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read().decode('utf-8'))

    def playbook(self, name, argv, endpoint, extra_env=None):
        """Run ``ansible-playbook argv``; return (rc, output). Output kept in OUT/logs/NAME.log."""
        env = dict(
            os.environ,
            NCLOUD_WBD_ENDPOINT=endpoint,
            NCLOUD_ACCESS_KEY=ACCESS,
            NCLOUD_SECRET_KEY=SECRET,
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_FORCE_COLOR='0',
            ANSIBLE_LOCALHOST_WARNING='false',
            ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
            ANSIBLE_PIPELINING='1',
            JUNIT_OUTPUT_DIR=os.path.join(self.out, 'junit-runs'),
        )
        env.update(extra_env or {})
        command = ['ansible-playbook'] + argv + ['-e', 'ansible_python_interpreter=%s' % self.args.playbook_python]
        try:
            done = subprocess.run(command, env=env, cwd=self.out, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600, check=False)
            rc, output = done.returncode, done.stdout + '\n' + done.stderr
        except subprocess.TimeoutExpired as exc:
            rc, output = -1, '%s\n%s\nTIMEOUT after 600 s' % (exc.stdout or '', exc.stderr or '')
        os.makedirs(os.path.join(self.out, 'logs'), exist_ok=True)
        with open(os.path.join(self.out, 'logs', name + '.log'), 'w', encoding='utf-8') as handle:
            handle.write('$ %s\nrc=%s\n%s' % (' '.join(command), rc, output))
        return rc, output


# ---- one run's outcome -------------------------------------------------------------------------------------------


def failure_lines(output):
    """The lines that announce a failure: fatal:/FAILED lines, else [ERROR] lines."""
    lines = output.splitlines()
    fatal = [line for line in lines if FAIL_LINE.search(line)]
    return fatal or [line for line in lines if ERROR_LINE.search(line)]


def failure_text(line):
    """The ``msg`` of a ``fatal: [...]: FAILED! => {json}`` line, else the line itself."""
    if '=> {' in line:
        try:
            return '%s' % (json.loads(line.split('=> ', 1)[1]).get('msg') or line)
        except (ValueError, AttributeError):
            pass
    return line


def failure_message(line):
    """failure_text on one line, shortened for the table."""
    text = re.sub(r'\s+', ' ', failure_text(line)).strip()
    return text if len(text) <= 150 else text[:147] + '...'


def clear_failure(rc, output, one_line=True):
    """None when the run failed the right way (rc != 0, one failure line, no traceback, a one-line message unless
    ``one_line`` is false); else what is wrong."""
    if rc == 0:
        return 'rc 0'
    if 'Traceback (most recent call last)' in output or 'MODULE FAILURE' in output:
        return 'rc %s with a traceback' % rc
    if SECRET in output:
        return 'rc %s and the secret key in the output' % rc
    lines = failure_lines(output)
    if len(lines) != 1:
        return 'rc %s with %d failure lines, not one' % (rc, len(lines))
    message = failure_text(lines[0])
    if one_line and '\n' in message.strip():
        return 'rc %s with a failure message of %d lines' % (rc, len(message.strip().splitlines()))
    return None


def _floor(value, resolution):
    return value // resolution * resolution if isinstance(value, int) and not isinstance(value, bool) else value


def normalise(value, resolution, key=''):
    """A record (or list, or value) in comparable form: times floored to ``resolution`` ms, their ISO twins to whole
    seconds when the resolution is a second."""
    if isinstance(value, list):
        return [normalise(item, resolution) for item in value]
    if isinstance(value, dict):
        return dict((name, normalise(item, resolution, name)) for name, item in value.items())
    if key.endswith('_time'):
        return _floor(value, resolution)
    if key.endswith('_time_iso') and resolution > 1 and isinstance(value, str):
        return value[:19]
    return value


def first_difference(have, want, path=''):
    """Where two normalised values differ first, as 'path: have != want'; None when equal."""
    if isinstance(have, dict) and isinstance(want, dict):
        for name in sorted(set(have) | set(want)):
            found = first_difference(have.get(name, '<missing>'), want.get(name, '<missing>'), '%s.%s' % (path, name) if path else name)
            if found:
                return found
        return None
    if isinstance(have, list) and isinstance(want, list) and len(have) == len(want):
        for number, (one, other) in enumerate(zip(have, want)):
            found = first_difference(one, other, '%s[%d]' % (path, number))
            if found:
                return found
        return None
    if have != want:
        return '%s: %s != %s' % (path, json.dumps(have)[:60], json.dumps(want)[:60])
    return None


def read_json(path):
    try:
        with open(path, encoding='utf-8') as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def judge_detection_info(rc, output, result, baseline, resolution):
    """(ok, text) of one detection_info run against the quirk-free one."""
    if rc != 0:
        wrong = clear_failure(rc, output)
        if wrong:
            return False, 'WRONG: %s' % wrong
        return True, 'failed: %s' % failure_message(failure_lines(output)[0])
    if 'Traceback (most recent call last)' in output:
        return False, 'WRONG: rc 0 with a traceback'
    if result is None:
        return False, 'WRONG: rc 0 but no result written'
    got = dict((rec.get('detection_id'), rec) for rec in result.get('detections') or [])
    want = dict((rec['detection_id'], rec) for rec in baseline['detections'])
    if set(got) != set(want):
        missing, extra = len(set(want) - set(got)), len(set(got) - set(want))
        return False, 'WRONG: rc 0 with %d of %d detections (%d missing, %d extra), truncated %s' % (
            len(got),
            len(want),
            missing,
            extra,
            json.dumps(result.get('truncated')),
        )
    if result.get('truncated') or result.get('complete') is False:
        return False, 'WRONG: rc 0 with every detection but truncated %s, complete %s' % (
            json.dumps(result.get('truncated')),
            json.dumps(result.get('complete')),
        )
    for detection_id in sorted(want):
        found = first_difference(normalise(got[detection_id], resolution), normalise(want[detection_id], resolution))
        if found:
            return False, 'WRONG: rc 0, detection %s differs at %s' % (detection_id, found)
    return True, 'same (%d detections)' % len(got)


def statuses(report):
    return dict((name, host.get('status')) for name, host in (report.get('hosts') or {}).items())


def wrongly_compliant(report, baseline):
    base = statuses(baseline)
    return sorted(name for name, status in statuses(report).items() if status == 'compliant' and base.get(name) != 'compliant')


def judge_audit(rc, output, report, baseline, mode):
    """(ok, text) of one audit run against the quirk-free one."""
    compliant = wrongly_compliant(report, baseline) if report else []
    if compliant:
        return False, 'WRONG (rc %s): compliant but not in the quirk-free run: %s' % (rc, ', '.join(compliant[:4]))
    if rc != 0:
        wrong = clear_failure(rc, output)
        if wrong:
            return False, 'WRONG: %s' % wrong
        if report is not None and (report.get('completeness') or {}).get('complete') is not False:
            return False, 'WRONG: rc %s but its JSON report is not flagged incomplete (completeness.complete %s)' % (
                rc,
                json.dumps((report.get('completeness') or {}).get('complete')),
            )
        return True, 'failed%s: %s' % (' (report flagged incomplete)' if report else ' (no report)', failure_message(failure_lines(output)[0]))
    if report is None:
        return False, 'WRONG: rc 0 but no JSON report'
    if (report.get('completeness') or {}).get('complete') is False:
        return False, 'WRONG: rc 0 with a report flagged incomplete (webshell_audit_fail_on_incomplete is on by default)'
    differs = sorted(name for name, status in statuses(report).items() if statuses(baseline).get(name) != status)
    if differs or set(statuses(report)) != set(statuses(baseline)):
        name = (differs or ['(host list)'])[0]
        return False, 'WRONG: rc 0, host status differs: %s %s (quirk-free: %s)' % (name, statuses(report).get(name), statuses(baseline).get(name))
    have, want = report.get('summary') or {}, baseline.get('summary') or {}
    rules = [quirk for quirk in mode if quirk in RULE_IDS]
    if rules:
        have, want = dict((k, have.get(k)) for k in HOST_SUMMARY), dict((k, want.get(k)) for k in HOST_SUMMARY)
    found = first_difference(have, want, 'summary')
    if found:
        return False, 'WRONG: rc 0, %s' % found
    for quirk in rules:
        flagged = [
            f
            for f in report.get('findings') or []
            if f.get('rule_id') == RULE_IDS[quirk]
            and f.get('severity') in ('high', 'critical')
            and 'ambiguous' in ('%s %s' % (f.get('kind'), f.get('message'))).lower()
        ]
        if not flagged:
            return False, 'WRONG: rc 0, same statuses, but no high finding that rule %s (%s) is ambiguous' % (RULE_IDS[quirk], quirk)
    return True, 'same (%d hosts%s)' % (len(statuses(report)), ', ambiguous rule flagged' if rules else '')


# ---- runs --------------------------------------------------------------------------------------------------------


class Matrix(object):
    def __init__(self, env):
        self.env = env
        self.inventory = os.path.join(env.out, 'inventory.json')
        self.lookback = None
        self.baseline_di = None
        self.baseline_audit = None

    def prepare(self):
        """The inventory (as make audit writes it) and a look-back start in a gap between detections, so a run a
        minute later sees the same window and a server that ignores the time filter sends detections outside it."""
        tool = os.path.join(self.env.args.collection, 'tools', 'sandbox_inventory.py')
        subprocess.run([sys.executable, tool, self.env.url, self.inventory], check=True, capture_output=True, timeout=60)
        times = sorted(rec['detectTime'] for rec in self.env.control(self.env.url, '/__sandbox/dataset?resource=detections')['records'])
        middle = len(times) // 2
        gaps = [(times[i + 1] - times[i], i) for i in range(middle - 40, middle + 40)]
        width, index = max(gaps)
        self.lookback = '%d' % (times[index] + width // 2)

    def detection_info(self, name, url, endpoint=None, extra_env=None):
        name = slug(name)
        result_file = os.path.join(self.env.out, 'results', name + '.json')
        os.makedirs(os.path.dirname(result_file), exist_ok=True)
        if os.path.exists(result_file):
            os.remove(result_file)
        rc, output = self.env.playbook(
            'di-' + name,
            [os.path.join(self.env.here, 'detection_info.yml'), '-i', 'localhost,', '-c', 'local', '-e', json.dumps({'wbd_result_file': result_file})],
            endpoint or url,
            extra_env,
        )
        return rc, output, read_json(result_file)

    def audit(self, name, url, extra_vars=None, argv=(), inventory=None, endpoint=None, extra_env=None):
        """One ``ansible-playbook ncloud.wbd.audit``; (rc, output, JSON report or None, report dir)."""
        name = slug(name)
        report_dir = os.path.join(self.env.out, 'reports', name)
        shutil.rmtree(report_dir, ignore_errors=True)
        os.makedirs(report_dir)
        variables = {'webshell_report_dir': report_dir, 'webshell_audit_lookback': self.lookback}
        variables.update(extra_vars or {})
        rc, output = self.env.playbook(
            'audit-' + name, ['ncloud.wbd.audit', '-i', inventory or self.inventory, '-e', json.dumps(variables)] + list(argv), endpoint or url, extra_env
        )
        return rc, output, read_json(os.path.join(report_dir, 'webshell-audit-latest.json')), report_dir

    def requests(self, url):
        return self.env.control(url, '/__sandbox/stats?log=0')['requests_total']

    def set_quirks(self, url, mode):
        self.env.control(url, '/__sandbox/quirks', dict(mode_options(mode), quirks=mode_quirks(mode)))
        self.env.control(url, '/__sandbox/stats/reset', {})

    def baseline(self):
        url = self.env.url
        self.set_quirks(url, [])
        rc, output, result = self.detection_info('baseline', url)
        if rc != 0 or not result or not result.get('detections'):
            raise SystemExit('FAIL: the quirk-free detection_info run failed (rc %s): %s' % (rc, output[-2000:]))
        di_requests = self.requests(url)
        self.set_quirks(url, [])
        rc, output, report, dummy = self.audit('baseline', url)
        if rc != 0 or report is None:
            raise SystemExit('FAIL: the quirk-free audit run failed (rc %s): %s' % (rc, output[-2000:]))
        self.baseline_di, self.baseline_audit = result, report
        counts = dict((status, sum(1 for s in statuses(report).values() if s == status)) for status in set(statuses(report).values()))
        return {
            'mode': 'quirk-free',
            'quirks': [],
            'ok': True,
            'detection_info': 'baseline: %d detections' % len(result['detections']),
            'audit': 'baseline: %s' % ', '.join('%d %s' % (n, s) for s, n in sorted(counts.items())),
            'requests': '%d / %d' % (di_requests, self.requests(url)),
        }

    def run_mode(self, mode, url):
        name = mode_name(mode)
        resolution = 1000 if any(quirk in SECOND_MODES for quirk in mode_quirks(mode)) else 1
        self.set_quirks(url, mode)
        rc, output, result = self.detection_info(name, url)
        di_ok, di_text = judge_detection_info(rc, output, result, self.baseline_di, resolution)
        di_requests = self.requests(url)
        self.set_quirks(url, mode)
        rc, output, report, dummy = self.audit(name, url)
        audit_ok, audit_text = judge_audit(rc, output, report, self.baseline_audit, mode_quirks(mode))
        return {
            'mode': name,
            'quirks': mode_quirks(mode),
            'options': mode_options(mode),
            'ok': di_ok and audit_ok,
            'detection_info': di_text,
            'audit': audit_text,
            'requests': '%d / %d' % (di_requests, self.requests(url)),
        }


def slug(name):
    """A mode name as a file name."""
    return re.sub(r'[^A-Za-z0-9+._-]+', '_', name).strip('_')


def mode_quirks(mode):
    return [part for part in mode if isinstance(part, str)]


def mode_options(mode):
    options = {}
    for part in mode:
        if isinstance(part, dict):
            options.update(part)
    return options


def mode_name(mode):
    options = mode_options(mode)
    suffix = ' (%s)' % ', '.join('%s=%s' % (key.replace('quirk_', ''), value) for key, value in sorted(options.items())) if options else ''
    return '+'.join(mode_quirks(mode)) + suffix


def modes(only):
    # On sys.path once Env has started the sandboxes.
    import sandbox_quirks  # pylint: disable=import-outside-toplevel

    every = [(name,) for name in sandbox_quirks.NAMES] + list(COMBINATIONS)
    if only:
        every = [mode for mode in every if any(part in mode_name(mode) for part in only)]
    return every


def run_matrix(matrix, env, every):
    rows = [None] * len(every)
    free = list(range(len(env.sandboxes)))

    def work(number):
        slot = free.pop()
        try:
            return number, matrix.run_mode(every[number], env.sandboxes[slot][1])
        finally:
            free.append(slot)

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(env.sandboxes)) as pool:
        for number, row in pool.map(work, range(len(every))):
            rows[number] = row
            print('%-4s %-60s | %s | %s' % ('ok' if row['ok'] else 'FAIL', row['mode'], row['detection_info'], row['audit']), flush=True)
    return rows


# ---- playbook-level regressions -----------------------------------------------------------------------------------


def write_inventory(env, name, hosts):
    path = os.path.join(env.out, 'inventory-%s.json' % name)
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump({'all': {'vars': {'ansible_connection': 'local'}, 'hosts': hosts}}, handle)
    return path


def recap(output):
    """{host: (ok, changed, unreachable, failed)} from the PLAY RECAP."""
    found = {}
    for line in output.splitlines():
        match = RECAP.match(line)
        if match:
            found[match.group(1)] = tuple(int(match.group(n)) for n in range(2, 6))
    return found


def case_shared_ip(matrix, env):
    servers = env.control(env.url, '/__sandbox/dataset?resource=servers')['records']
    server = next(s for s in servers if s.get('agentStatus') == 'enable')
    inventory = write_inventory(env, 'shared-ip', {'shared-ip-a': {'ansible_host': server['ipAddress']}, 'shared-ip-b': {'ansible_host': server['ipAddress']}})
    rc, output, report, dummy = matrix.audit('regression-shared-ip', env.url, inventory=inventory)
    if report is None:
        return False, 'rc %s and no report: %s' % (rc, failure_message((failure_lines(output) or ['(no failure line)'])[0]))
    got = statuses(report)
    reasons = ' '.join(' '.join(host.get('reasons') or []) for host in report['hosts'].values())
    findings = [f.get('kind') for f in report.get('findings') or [] if f.get('host') in ('shared-ip-a', 'shared-ip-b')]
    if got != {'shared-ip-a': 'unknown', 'shared-ip-b': 'unknown'} or 'not registered' in reasons or 'not_registered' in findings:
        return False, 'statuses %s (want both unknown), findings %s' % (json.dumps(got), sorted(set(findings)))
    if rc != 0 and clear_failure(rc, output):
        return False, 'both unknown, but %s' % clear_failure(rc, output)
    return True, 'both unknown, rc %s' % rc


def case_limit(matrix, env):
    base = statuses(matrix.baseline_audit)
    limit = sorted(name for name in base if not name.startswith('node-') and name != 'new-host-01')[:3]
    rc, output, report, dummy = matrix.audit('regression-limit', env.url, argv=['--limit', ','.join(limit)])
    if rc != 0 or report is None:
        return False, 'rc %s: %s' % (rc, failure_message((failure_lines(output) or ['(no failure line)'])[0]))
    unmatched = set(d.get('detection_id') for d in report.get('unmatched_detections') or [])
    base_unmatched = set(d.get('detection_id') for d in matrix.baseline_audit.get('unmatched_detections') or [])
    kinds = set(f.get('kind') for f in matrix.baseline_audit.get('findings') or [])
    new = sorted(set(f.get('kind') for f in report.get('findings') or []) - kinds)
    if set(statuses(report)) != set(limit) or unmatched - base_unmatched or new:
        return False, 'hosts %s, %d detections newly unmatched, new finding kinds %s' % (sorted(statuses(report)), len(unmatched - base_unmatched), new)
    if any(statuses(report)[name] != base[name] for name in limit):
        return False, 'statuses %s differ from the full run %s' % (json.dumps(statuses(report)), json.dumps(dict((n, base[n]) for n in limit)))
    return True, '%d hosts, no out-of-limit findings, statuses as in the full run' % len(limit)


def case_check_mode(matrix, env):
    rc, output, dummy, report_dir = matrix.audit('regression-check', env.url, argv=['--check'])
    written = os.listdir(report_dir)
    changed = dict((host, counts[1]) for host, counts in recap(output).items() if counts[1])
    claims = [line.strip() for line in output.splitlines() if 'Reports in ' in line]
    if rc != 0 or written or changed or claims:
        return False, 'rc %s, %d files written, changed %s, %s' % (rc, len(written), json.dumps(changed), claims[:1] or 'no "Reports in" line')
    return True, 'rc 0, nothing written, nothing changed'


def case_inject_off(matrix, env):
    unreviewed = sorted(name for name, status in statuses(matrix.baseline_audit).items() if status == 'unreviewed')
    rc, output, dummy, dummy2 = matrix.audit(
        'regression-inject-off', env.url, extra_vars={'webshell_audit_fail_on_unreviewed': True}, extra_env={'ANSIBLE_INJECT_FACT_VARS': 'false'}
    )
    failed = sorted(host for host, counts in recap(output).items() if counts[3])
    if rc == 0 or not unreviewed or not set(unreviewed) <= set(failed):
        return False, 'rc %s, failed hosts %s, unreviewed hosts %s' % (rc, failed, unreviewed)
    if 'Traceback (most recent call last)' in output:
        return False, 'the failure shows a traceback'
    return True, 'rc %s, the %d unreviewed hosts failed' % (rc, len(unreviewed))


def case_option_range(matrix, env):
    rc, output, dummy, report_dir = matrix.audit('regression-high-weight', env.url, extra_vars={'webshell_audit_high_weight': 500})
    # ansible-core words a role argument spec refusal itself: "Validation of arguments failed:" and the errors below.
    wrong = clear_failure(rc, output, one_line=False)
    line = (failure_lines(output) or [''])[0]
    if wrong or 'webshell_audit_high_weight' not in line or os.listdir(report_dir):
        return False, '%s; line: %s; %d report files' % (wrong or 'one failure line', failure_message(line) or '-', len(os.listdir(report_dir)))
    return True, 'refused: %s' % failure_message(line)


def case_empty_inventory(matrix, env):
    inventory = write_inventory(env, 'empty', {})
    rc, output, dummy, dummy2 = matrix.audit('regression-empty', env.url, inventory=inventory)
    wrong = clear_failure(rc, output)
    if wrong:
        return False, 'no host: %s' % wrong
    message = failure_message(failure_lines(output)[0])
    rc2, output2, dummy, dummy2 = matrix.audit('regression-empty-allowed', env.url, inventory=inventory, extra_vars={'wbd_audit_allow_empty': True})
    if rc2 != 0:
        return False, 'refused as it should (%s), but wbd_audit_allow_empty: true gives rc %s: %s' % (
            message,
            rc2,
            failure_message((failure_lines(output2) or [''])[0]),
        )
    return True, 'refused: %s; allowed with wbd_audit_allow_empty' % message


def case_api_v1(matrix, env):
    endpoint = env.url + '/api/v1'
    rc, output, result = matrix.detection_info('regression-api-v1', env.url, endpoint=endpoint)
    ok, text = judge_detection_info(rc, output, result, matrix.baseline_di, 1)
    if not ok or rc != 0:
        return False, 'detection_info: %s' % text
    rc, output, report, dummy = matrix.audit('regression-api-v1', env.url, endpoint=endpoint)
    ok, text = judge_audit(rc, output, report, matrix.baseline_audit, ())
    if not ok or rc != 0:
        return False, 'audit: %s' % text
    return True, 'detection_info and audit as with the bare base URL'


REGRESSIONS = (
    ('two hosts share a registered server IP', case_shared_ip),
    ('--limit', case_limit),
    ('--check', case_check_mode),
    ('ANSIBLE_INJECT_FACT_VARS=false, failing policy', case_inject_off),
    ('webshell_audit_high_weight: 500', case_option_range),
    ('inventory matching no host', case_empty_inventory),
    ('endpoint ending in /api/v1', case_api_v1),
)


def run_regressions(matrix, env):
    """Each case once, against the quirk-free first sandbox (in parallel: the cases share no state)."""
    for dummy, url in env.sandboxes:
        env.control(url, '/__sandbox/quirks', {'quirks': []})
    found = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(env.sandboxes)) as pool:
        for (name, dummy), (ok, text) in zip(REGRESSIONS, pool.map(lambda item: item[1](matrix, env), REGRESSIONS)):
            print('%-4s regression %s: %s' % ('ok' if ok else 'FAIL', name, text), flush=True)
            found.append((name, ok, text))
    return found


# ---- table --------------------------------------------------------------------------------------------------------


def _cell(text):
    return ('%s' % text).replace('|', '\\|')


def table(rows, regressions):
    lines = [
        '# Quirks matrix (tests/integration/targets/wbd_quirks_matrix)',
        '',
        'Each run returns exactly what the quirk-free run returns ("same"), or fails with one clear line and any report '
        'it wrote flagged incomplete ("failed"); anything else is WRONG. Requests: API requests of the detection_info '
        'run / of the audit run.',
        '',
        '| mode | detection_info | audit | requests | verdict |',
        '|---|---|---|---|---|',
    ]
    for row in rows:
        verdict = 'ok' if row['ok'] else '**FAIL**'
        lines.append('| %s | %s | %s | %s | %s |' % (_cell(row['mode']), _cell(row['detection_info']), _cell(row['audit']), row['requests'], verdict))
    if regressions:
        lines += ['', '| regression | result | verdict |', '|---|---|---|']
        for name, ok, text in regressions:
            lines.append('| %s | %s | %s |' % (_cell(name), _cell(text), 'ok' if ok else '**FAIL**'))
    failed = sum(1 for row in rows if not row['ok']) + sum(1 for dummy, ok, dummy2 in regressions if not ok)
    lines += ['', '%d matrix runs, %d regressions, %d failing.' % (len(rows), len(regressions), failed), '']
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    env = Env(args)
    try:
        matrix = Matrix(env)
        matrix.prepare()
        rows = [matrix.baseline()]
        print('ok   quirk-free | %s | %s' % (rows[0]['detection_info'], rows[0]['audit']), flush=True)
        rows += run_matrix(matrix, env, modes(args.only))
        regressions = [] if args.no_regressions else run_regressions(matrix, env)
    finally:
        env.stop()
    text = table(rows, regressions)
    for name, content in (('quirks-matrix.md', text), ('quirks-matrix.json', json.dumps({'rows': rows, 'regressions': regressions}, indent=1))):
        with open(os.path.join(args.out, name), 'w', encoding='utf-8') as handle:
            handle.write(content)
    print('\n' + text)
    print('(%.0f s; logs in %s/logs)' % (time.time() - started, args.out))
    return 0 if all(row['ok'] for row in rows) and all(ok for dummy, ok, dummy2 in regressions) else 1


if __name__ == '__main__':
    sys.exit(main())
