"""`make bench`: how close ncloud.wbd gets to what the network allows, against the local WBD sandbox.

Five measurements (see the performance guide, docs/docsite/rst/guide_performance.rst), each a median over --runs whole processes unless noted:
  fetch    detection_info over N detections with a per-request latency, at concurrency 1/4/8, against the
           lower bound pages x latency / concurrency and a hand-rolled baseline (tools/bench_baseline.py)
  audit    ansible-playbook ncloud.wbd.audit over 20/200/2,000 hosts x 20,000 detections and 20 x 100,000: API
           requests the sandbox logged (the same at every inventory size), wall time and peak RSS against its floors:
           (a) those very requests replayed by a bare 8-thread client (tools/bench_floor.py --replay), (b) an empty
           play over the same inventory, and a play of one set_fact per host; peak RSS against the API's JSON bytes
  memory   peak RSS of the detection_info process against the bytes of JSON the API sent, and with dest
  lean     detection_info in a playbook (all fields; fields: [detection_id, host_name, detect_time, action_status];
           dest, JSON Lines) against its floors: (a) a bare 8-thread keep-alive client fetching and decoding the same
           pages (tools/bench_floor.py), (b) an empty playbook, (c) a trivial module printing a same-size result,
           (c') the same printing the fields result, (h) a trivial action plugin returning the fields result; wall
           time and peak RSS of the whole ansible-playbook process tree, reported as ratios
  reports  time to render each report format (in-process, median) for H hosts and N detections

    python tools/bench.py [--smoke] [--runs R] [--out FILE]

--smoke runs tiny sizes in seconds (part of `make test`, so the benchmark cannot rot): it checks record
counts and that the audit's request count is the same at every inventory size, never a time.
Exit status 1 when a check fails (a wrong count), never because of a time.
"""

import argparse
import collections
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'tests', 'sandbox'))
ACCESS, SECRET = 'SANDBOXACCESSKEY00001', 'sandbox-secret-DO-NOT-LEAK-7f3a9c'

FULL = dict(
    runs=3,
    fetch_detections=100000,
    latency_ms=20,
    concurrency=(1, 4, 8),
    audit_hosts=(20, 200, 2000),
    audit_detections=20000,
    audit_large_detections=100000,
    memory_detections=(10000, 100000),
    report_hosts=2000,
    report_detections=100000,
    lean_detections=20000,
)
SMOKE = dict(
    runs=1,
    fetch_detections=1000,
    latency_ms=2,
    concurrency=(1, 4),
    audit_hosts=(3, 12),
    audit_detections=300,
    audit_large_detections=1000,
    memory_detections=(200, 1000),
    report_hosts=20,
    report_detections=500,
    lean_detections=300,
)
PAGE_SIZE = 100  # the sandbox's maximum page size (its default --max-page-size)


class Failed(Exception):
    """A correctness check of the benchmark failed."""


def check(condition, message):
    if not condition:
        raise Failed(message)


class Sandbox(object):
    """A sandbox process (tests/sandbox/wbd_sandbox.py start/stop) with its control plane."""

    def __init__(self, tmp, *args):
        self.port_file = os.path.join(tmp, 'sandbox-%d.port' % len(os.listdir(tmp)))
        out = subprocess.run(
            [sys.executable, os.path.join(REPO, 'tests', 'sandbox', 'wbd_sandbox.py'), 'start', '--quiet', '--lifetime', '7200', '--port-file', self.port_file]
            + list(args),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        self.url = out.strip().splitlines()[-1]

    def control(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.load(answer)

    def stats(self):
        return self.control('/__sandbox/stats?log=0')

    def reset(self):
        self.control('/__sandbox/stats/reset', {})

    def latency(self, ms):
        self.control('/__sandbox/faults', {'latency_ms': ms})

    def stop(self):
        subprocess.run(
            [sys.executable, os.path.join(REPO, 'tests', 'sandbox', 'wbd_sandbox.py'), 'stop', '--port-file', self.port_file], check=False, capture_output=True
        )


# Linux keeps a process's peak RSS across fork and exec, so a child of this (large) process would report at least
# our own size: a minimal interpreter forks the measured process and reports its peak on the last stderr line.
LAUNCHER = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execv(sys.argv[1], sys.argv[1:])\n"
    "dummy, status, usage = os.wait4(pid, 0)\n"
    "sys.stderr.write('\\n%s %d\\n' % ('__bench_peak_rss_kib__', usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run(argv, env, stdout_path=None):
    """(wall seconds, peak RSS in MiB, stderr) of one whole process; fails on a non-zero exit."""
    with open(stdout_path or os.devnull, 'wb') as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, '-S', '-c', LAUNCHER] + argv, env=env, stdout=out, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=env['BENCH_CWD']
        )
        err = proc.stderr.read().decode(errors='replace')
        proc.wait()
        wall = time.perf_counter() - started
    body, dummy, last = err.rstrip('\n').rpartition('\n')
    check(proc.returncode == 0, '%s exited %s: %s' % (' '.join(argv[:4]), proc.returncode, body[-2000:]))
    check(last.startswith('__bench_peak_rss_kib__ '), 'the launcher reported no peak RSS: %s' % last[-200:])
    return wall, int(last.split()[1]) / 1024.0, body


def median(values):
    return statistics.median(values) if values else None


class Bench(object):
    def __init__(self, cfg, tmp):
        self.cfg = cfg
        self.tmp = tmp
        root = os.path.join(tmp, 'collections')
        os.makedirs(os.path.join(root, 'ansible_collections', 'ncloud'))
        os.symlink(REPO, os.path.join(root, 'ansible_collections', 'ncloud', 'wbd'))
        self.env = dict(
            os.environ,
            PYTHONPATH=root,
            ANSIBLE_COLLECTIONS_PATH=root,
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
            NCLOUD_ACCESS_KEY=ACCESS,
            NCLOUD_SECRET_KEY=SECRET,
            BENCH_CWD=tmp,
            ANSIBLE_LOCALHOST_WARNING='false',
            ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_RETRY_FILES_ENABLED='false',
        )
        for name in ('NCLOUD_WBD_ENDPOINT', 'NCLOUD_ACCESS_KEY_ID', 'NCLOUD_SECRET_ACCESS_KEY'):
            self.env.pop(name, None)
        self.results = {
            'config': dict(
                cfg,
                concurrency=list(cfg['concurrency']),
                audit_hosts=list(cfg['audit_hosts']),
                memory_detections=list(cfg['memory_detections']),
                page_size=PAGE_SIZE,
                python=sys.version.split()[0],
                cpus=os.cpu_count(),
            )
        }

    # ---- helpers ---------------------------------------------------------------------------------

    def module(self, url, out, stdlib_json=False, **options):
        """Run detection_info as its own process, the way Ansible runs it (minus the AnsiballZ wrapper).

        ``stdlib_json`` hides orjson from it, as on a controller without orjson installed.
        """
        args_file = os.path.join(self.tmp, 'args.json')
        with open(args_file, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': dict(options, endpoint=url, page_size=PAGE_SIZE)}, handle)
        env = self.env
        if stdlib_json:
            blocker = os.path.join(self.tmp, 'no-orjson')
            if not os.path.isdir(blocker):
                os.makedirs(blocker)
                with open(os.path.join(blocker, 'sitecustomize.py'), 'w') as handle:
                    handle.write("import sys\nsys.modules['orjson'] = None  # import orjson now raises ImportError\n")
            env = dict(env, PYTHONPATH=blocker + os.pathsep + env['PYTHONPATH'])
        return run([sys.executable, '-m', 'ansible_collections.ncloud.wbd.plugins.modules.detection_info', args_file], env, out)

    @staticmethod
    def orjson_version():
        try:
            import orjson  # pylint: disable=import-outside-toplevel
        except ImportError:
            return None
        return getattr(orjson, '__version__', 'installed')

    def baseline(self, url, out, limit=None):
        argv = [sys.executable, os.path.join(REPO, 'tools', 'bench_baseline.py'), url, str(PAGE_SIZE)]
        wall, rss, err = run(argv + ([str(limit)] if limit else []), self.env, out)
        return wall, rss, json.loads(err.strip().splitlines()[-1])

    @staticmethod
    def count_records(path, key='detections'):
        with open(path, encoding='utf-8') as handle:
            records = json.load(handle)[key]
        return len(records), len(set(r.get('detection_id') or r.get('detectionId') for r in records))

    # ---- 1. fetch --------------------------------------------------------------------------------

    def fetch(self):
        cfg = self.cfg
        n, latency = cfg['fetch_detections'], cfg['latency_ms']
        sandbox = Sandbox(self.tmp, '--detections', str(n), '--servers', '60', '--latency-ms', str(latency))
        out = os.path.join(self.tmp, 'fetch.json')
        pages = int(math.ceil(n / float(PAGE_SIZE)))
        rows = []
        try:
            top = max(cfg['concurrency'])
            # The highest concurrency once more with the json module only, when orjson is what the others used.
            variants = [(c, False) for c in cfg['concurrency']] + ([(top, True)] if self.orjson_version() else [])
            times = dict((v, []) for v in variants)
            base_times, conns = [], {}
            for dummy in range(cfg['runs']):
                for variant in variants:
                    c, stdlib = variant
                    sandbox.reset()
                    times[variant].append(self.module(sandbox.url, out, stdlib_json=stdlib, concurrency=c)[0])
                    stats = sandbox.stats()
                    conns[variant] = (stats['requests_total'], stats['connections_total'])
                    check(
                        self.count_records(out) == (n, n), 'detection_info at concurrency %d returned %s records, expected %d' % (c, self.count_records(out), n)
                    )
                sandbox.reset()
                wall, dummy_rss, info = self.baseline(sandbox.url, out)
                base_times.append(wall)
                conns['baseline'] = (info['requests'], sandbox.stats()['connections_total'])
                check(self.count_records(out) == (n, n), 'the baseline returned %s records' % (self.count_records(out),))
            # The same runs without latency: what the processes cost on their own (CPU, JSON, the sandbox), the floor no
            # concurrency can go below.
            sandbox.latency(0)
            cpu_floor = median([self.module(sandbox.url, out, concurrency=max(cfg['concurrency']))[0] for dummy in range(cfg['runs'])])
            base_floor = median([self.baseline(sandbox.url, out)[0] for dummy in range(cfg['runs'])])
        finally:
            sandbox.stop()
        base = median(base_times)
        json_lib = 'orjson' if self.orjson_version() else 'json'
        for variant in variants:
            c, stdlib = variant
            bound = pages * latency / 1000.0 / c
            t = median(times[variant])
            rows.append(
                {
                    'concurrency': c,
                    'json': 'json' if stdlib else json_lib,
                    'seconds': round(t, 2),
                    'lower_bound': round(bound, 2),
                    'vs_bound': round(t / bound, 2),
                    'speedup_vs_baseline': round(base / t, 2),
                    'requests': conns[variant][0],
                    'connections': conns[variant][1],
                    'runs': [round(x, 2) for x in times[variant]],
                }
            )
        rows.append(
            {
                'concurrency': 'baseline',
                'json': 'json',
                'seconds': round(base, 2),
                'lower_bound': round(pages * latency / 1000.0, 2),
                'vs_bound': round(base / (pages * latency / 1000.0), 2),
                'speedup_vs_baseline': 1.0,
                'requests': conns['baseline'][0],
                'connections': conns['baseline'][1],
                'runs': [round(x, 2) for x in base_times],
            }
        )
        self.results['fetch'] = {
            'detections': n,
            'pages': pages,
            'latency_ms': latency,
            'rows': rows,
            'orjson': self.orjson_version(),
            'no_latency_seconds': {'module': round(cpu_floor, 2), 'baseline': round(base_floor, 2)},
        }

    # ---- 2. audit scale --------------------------------------------------------------------------

    def inventory(self, servers, count):
        hosts = dict(('srv-%05d' % i, {'webshell_audit_instance_no': s['instanceNo']}) for i, s in enumerate(servers[:count]))
        path = os.path.join(self.tmp, 'inventory-%d.json' % count)
        with open(path, 'w') as handle:
            json.dump({'all': {'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}, 'hosts': hosts}}, handle)
        return path

    def playbook(self, argv):
        return run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')] + argv, self.env)[0]

    def audit(self):
        cfg = self.cfg
        rows = self.audit_rows(cfg['audit_detections'], cfg['audit_hosts'])
        check(
            len(set(r['requests'] for r in rows)) == 1,
            'the audit made a different number of API requests at different '
            'inventory sizes: %s' % ', '.join('%d hosts: %d' % (r['hosts'], r['requests']) for r in rows),
        )
        rows += self.audit_rows(cfg['audit_large_detections'], (min(cfg['audit_hosts']),))
        self.results['audit'] = {'latency_ms': cfg['latency_ms'], 'rows': rows}

    def audit_plays(self):
        """The audit's floor plays over the same inventory: (b) an empty play, and one set_fact per host."""
        plays = {'empty': os.path.join(self.tmp, 'audit-empty.yml'), 'set_fact': os.path.join(self.tmp, 'audit-set-fact.yml')}
        tasks = {'empty': [], 'set_fact': [{'name': 'One fact per host', 'ansible.builtin.set_fact': {'bench_floor': '{{ inventory_hostname }}'}}]}
        for name, path in plays.items():
            with open(path, 'w') as handle:
                json.dump([{'name': 'Floor', 'hosts': 'all', 'gather_facts': False, 'tasks': tasks[name]}], handle)
        return plays

    def audit_rows(self, detections, host_counts):
        """One row per inventory size against a sandbox of ``detections`` detections and enough servers."""
        cfg = self.cfg
        sandbox = Sandbox(self.tmp, '--detections', str(detections), '--servers', str(max(host_counts)), '--latency-ms', str(cfg['latency_ms']))
        plays = self.audit_plays()
        try:
            servers = sandbox.control('/__sandbox/dataset?resource=servers')['records']
            check(len(servers) >= max(host_counts), 'the sandbox has %d servers, %d needed' % (len(servers), max(host_counts)))
            self.env['NCLOUD_WBD_ENDPOINT'] = sandbox.url
            return [self.audit_row(sandbox, self.inventory(servers, hosts), hosts, detections, plays) for hosts in host_counts]
        finally:
            self.env.pop('NCLOUD_WBD_ENDPOINT', None)
            sandbox.stop()

    def audit_once(self, sandbox, inventory, hosts, detections):
        """(wall, peak RSS, the API requests it made) of one ansible-playbook ncloud.wbd.audit; checks its report."""
        reports = os.path.join(self.tmp, 'reports')
        sandbox.reset()
        argv = ['-i', inventory, 'ncloud.wbd.audit', '-e', 'webshell_report_dir=' + reports, '-e', 'webshell_audit_lookback=31d']
        wall, rss, dummy = run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')] + argv, self.env)
        logged = sandbox.control('/__sandbox/stats')['requests']
        with open(os.path.join(reports, 'webshell-audit-latest.json'), encoding='utf-8') as handle:
            summary = json.load(handle)['summary']
        check(summary['hosts'] == hosts, 'the audit report covers %s hosts, expected %d' % (summary['hosts'], hosts))
        check(summary['detections'] == detections, 'the audit saw %s detections, expected %d' % (summary['detections'], detections))
        return wall, rss, logged

    def replay_floor(self, url, logged):
        """(a) for the audit: bench_floor.py sending exactly the requests the audit sent, 8 threads; (wall, its summary)."""
        path = os.path.join(self.tmp, 'audit-requests.json')
        with open(path, 'w') as handle:
            json.dump([dict((k, r[k]) for k in ('method', 'path', 'query', 'body')) for r in logged], handle)
        wall, dummy_rss, err = run([sys.executable, os.path.join(REPO, 'tools', 'bench_floor.py'), '--replay', path, url, '8'], self.env)
        info = json.loads(err.strip().splitlines()[-1])
        check(info['requests'] == len(logged), 'the floor client sent %d requests, the audit %d' % (info['requests'], len(logged)))
        return wall, info

    def audit_row(self, sandbox, inventory, hosts, detections, plays):
        measured = dict((name, []) for name in ('audit', 'rss', 'floor', 'empty', 'set_fact'))
        requests, api_bytes = set(), 0
        for dummy in range(self.cfg['runs']):
            measured['set_fact'].append(self.timed_play(inventory, plays['set_fact'])[0])
            measured['empty'].append(self.timed_play(inventory, plays['empty'])[0])
            wall, rss, logged = self.audit_once(sandbox, inventory, hosts, detections)
            measured['audit'].append(wall)
            measured['rss'].append(rss)
            requests.add(json.dumps(sorted(collections.Counter(r['operation'] for r in logged).items())))
            wall, info = self.replay_floor(sandbox.url, logged)
            measured['floor'].append(wall)
            api_bytes = info['bytes']
        check(len(requests) == 1, 'the API requests of the audit differ between runs over %d hosts: %s' % (hosts, requests))
        by_op = dict(json.loads(requests.pop()))
        m = dict((name, median(values)) for name, values in measured.items())
        api_mib = api_bytes / 1048576.0
        return {
            'hosts': hosts,
            'detections': detections,
            'requests': sum(by_op.values()),
            'by_operation': by_op,
            'audit_seconds': round(m['audit'], 2),
            'peak_rss_mib': round(m['rss'], 1),
            'api_json_mib': round(api_mib, 1),
            'floor_a_seconds': round(m['floor'], 2),
            'empty_b_seconds': round(m['empty'], 2),
            'set_fact_seconds': round(m['set_fact'], 2),
            'vs_a_plus_b': round(m['audit'] / (m['floor'] + m['empty']), 2),
            'vs_set_fact': round(m['audit'] / m['set_fact'], 2),
            'rss_vs_api_json': round(m['rss'] / api_mib, 2) if api_mib else None,
        }

    # ---- 3. memory -------------------------------------------------------------------------------

    def memory(self):
        cfg = self.cfg
        sandbox = Sandbox(self.tmp, '--detections', str(max(cfg['memory_detections'])), '--servers', '60')
        out = os.path.join(self.tmp, 'memory.json')
        rows = []
        try:
            for n in cfg['memory_detections']:
                dummy, dummy_rss, info = self.baseline(sandbox.url, out, limit=n)
                peaks = [self.module(sandbox.url, out, max_results=n)[1] for dummy in range(cfg['runs'])]
                check(self.count_records(out) == (n, n), 'detection_info returned %s records, expected %d' % (self.count_records(out), n))
                dest = os.path.join(self.tmp, 'memory.jsonl')
                dest_peaks = [self.module(sandbox.url, None, max_results=n, dest=dest)[1] for dummy in range(cfg['runs'])]
                with open(dest, encoding='utf-8') as handle:
                    check(sum(1 for dummy_line in handle) == n, 'detection_info with dest wrote a file without %d records' % n)
                api_mib = info['bytes'] / 1048576.0
                rows.append(
                    {
                        'detections': n,
                        'api_json_mib': round(api_mib, 1),
                        'module_peak_rss_mib': round(median(peaks), 1),
                        'ratio': round(median(peaks) / api_mib, 2),
                        'result_json_mib': round(os.path.getsize(out) / 1048576.0, 1),
                        'dest_peak_rss_mib': round(median(dest_peaks), 1),
                    }
                )
        finally:
            sandbox.stop()
        self.results['memory'] = {'rows': rows}

    # ---- 5. detection_info in a playbook against its floors --------------------------------------

    def floor_client(self, url, pages):
        """(a) the raw floor: bench_floor.py, 8 keep-alive threads fetching and decoding ``pages`` pages."""
        argv = [sys.executable, os.path.join(REPO, 'tools', 'bench_floor.py'), url, str(PAGE_SIZE), str(pages), '8']
        wall, dummy_rss, err = run(argv, self.env)
        return wall, json.loads(err.strip().splitlines()[-1])

    @staticmethod
    def pages_fetched(sandbox):
        """How many pages detection_info fetched; checks they are pages 0..n-1 of PAGE_SIZE, which the floor fetches too."""
        queries = sorted(r['query'] for r in sandbox.control('/__sandbox/stats')['requests'])
        expected = sorted('pageIndex=%d&pageSize=%d' % (i, PAGE_SIZE) for i in range(len(queries)))
        check(queries == expected, 'detection_info fetched other pages than the floor client would: %s' % queries[:10])
        return len(queries)

    def play(self, name, tasks):
        """A play on localhost written as JSON (which is YAML) in the lean directory; its path."""
        path = os.path.join(self.tmp, 'lean', name + '.yml')
        with open(path, 'w') as handle:
            json.dump([{'name': name, 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], handle)
        return path

    def lean_setup(self):
        """The lean directory: an inventory, (c)'s module and (h)'s action, each returning the JSON of a file."""
        lean = os.path.join(self.tmp, 'lean')
        for folder, name, text in (('library', 'bench_echo.py', ECHO_MODULE), ('action_plugins', 'bench_hand.py', HAND_ACTION)):
            os.makedirs(os.path.join(lean, folder))
            with open(os.path.join(lean, folder, name), 'w') as handle:
                handle.write(text)
        inventory = os.path.join(lean, 'inventory.ini')
        with open(inventory, 'w') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
        return inventory

    def lean_result(self, options, name):
        """Run detection_info with ``options`` (its ``endpoint`` included) and keep its result, without invocation and
        changed, as lean/NAME.json for (c), (c') and (h); checks it returned every record. The module's output bytes."""
        n, out = options['max_results'], os.path.join(self.tmp, name + '-module.json')
        self.module(options['endpoint'], out, **options)
        check(self.count_records(out) == (n, n), 'detection_info returned %s records, expected %d' % (self.count_records(out), n))
        with open(out, encoding='utf-8') as handle:
            result = json.load(handle)
        result.pop('invocation', None)
        result.pop('changed', None)
        with open(os.path.join(self.tmp, 'lean', name + '.json'), 'w') as handle:
            json.dump(result, handle)
        return os.path.getsize(out)

    def timed_play(self, inventory, path):
        wall, rss, dummy = run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, path], self.env)
        return wall, rss

    def lean_plays(self, url, n):
        """The measured plays (full, fields, dest) and the floor plays (b), (c), (c') and (h), by name."""
        options = dict(endpoint=url, page_size=PAGE_SIZE, concurrency=8, max_results=n)
        info = 'ncloud.wbd.detection_info'
        lean = os.path.join(self.tmp, 'lean')
        dest = os.path.join(lean, 'detections.jsonl')
        return {
            'full': self.play('full', [{'name': 'All fields', info: options}]),
            'fields': self.play('fields', [{'name': 'Four fields', info: dict(options, fields=LEAN_FIELDS)}]),
            'dest': self.play('dest', [{'name': 'To a file', info: dict(options, dest=dest)}]),
            'empty': self.play('empty', []),
            'echo': self.play('echo', [{'name': 'Same-size result', 'bench_echo': {'path': os.path.join(lean, 'full.json')}}]),
            'echo_fields': self.play('echo_fields', [{'name': 'The fields result', 'bench_echo': {'path': os.path.join(lean, 'fields.json')}}]),
            'hand_fields': self.play('hand_fields', [{'name': 'The fields result, no module', 'bench_hand': {'path': os.path.join(lean, 'fields.json')}}]),
        }, dest

    def lean(self):
        cfg = self.cfg
        n = cfg['lean_detections']
        sandbox = Sandbox(self.tmp, '--detections', str(n), '--servers', '60', '--latency-ms', str(cfg['latency_ms']))
        try:
            inventory = self.lean_setup()
            options = dict(endpoint=sandbox.url, concurrency=8, max_results=n)
            sandbox.reset()
            result_bytes = self.lean_result(options, 'full')
            pages = self.pages_fetched(sandbox)
            self.lean_result(dict(options, fields=LEAN_FIELDS), 'fields')
            plays, dest = self.lean_plays(sandbox.url, n)
            measured = dict((name, []) for name in list(plays) + ['floor'])
            for dummy in range(cfg['runs']):
                for name, path in plays.items():
                    measured[name].append(self.timed_play(inventory, path))
                with open(dest, encoding='utf-8') as handle:
                    check(sum(1 for dummy_line in handle) == n, 'the dest file does not hold %d records' % n)
                wall, info = self.floor_client(sandbox.url, pages)
                check(info['records'] == n and info['requests'] == pages, 'the floor client fetched %s, expected %d records in %d pages' % (info, n, pages))
                measured['floor'].append((wall, 0.0))
        finally:
            sandbox.stop()
        self.results['lean'] = lean_summary(n, pages, result_bytes, measured)

    # ---- 4. reports ------------------------------------------------------------------------------

    def reports(self):
        from wbd_sandbox import make_dataset  # pylint: disable=import-error

        sys.path.insert(0, os.path.join(self.tmp, 'collections'))
        from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import normalize
        from ansible_collections.ncloud.wbd.plugins.module_utils._api.resources import DETECTION_TARGETS, DETECTIONS, EXCEPTION_RULES
        from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import evaluate
        from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import prepare_record
        from ansible_collections.ncloud.wbd.plugins.module_utils._report.render import render_reports

        cfg = self.cfg
        now = int(time.time() * 1000)
        data = make_dataset(seed=1, servers=cfg['report_hosts'], detections=cfg['report_detections'], anchor_ms=now)
        targets = [normalize(r, DETECTION_TARGETS.field_map) for r in data.records('servers')]
        detections = [normalize(r, DETECTIONS.field_map) for r in data.records('detections')]
        rules = [normalize(r, EXCEPTION_RULES.field_map) for r in data.records('exception-rules')]
        hosts = [{'name': 'srv-%05d' % i, 'instance_no': t['instance_no']} for i, t in enumerate(targets)]
        started = time.perf_counter()
        record = evaluate(hosts, targets, detections, rules, policy={'lookback': '31d'}, now_ms=now)
        evaluated = time.perf_counter() - started
        record = prepare_record(record)[0]
        rows = []
        for fmt in ('json', 'csv', 'html', 'junit', 'markdown'):
            times, size = [], 0
            for dummy in range(cfg['runs']):
                started = time.perf_counter()
                size = len(render_reports(record, formats=[fmt])[fmt])
                times.append(time.perf_counter() - started)
            rows.append({'format': fmt, 'seconds': round(median(times), 2), 'mib': round(size / 1048576.0, 1)})
        self.results['reports'] = {
            'hosts': len(hosts),
            'detections': len(detections),
            'in_window': record['summary']['detections'],
            'evaluate_seconds': round(evaluated, 2),
            'rows': rows,
        }


LEAN_FIELDS = ['detection_id', 'host_name', 'detect_time', 'action_status']
ECHO_MODULE = """#!/usr/bin/python
# (c) of `make bench`: a trivial module printing a JSON result read from a file (the size of detection_info's).
import json

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(path=dict(type='str', required=True)))
    with open(module.params['path']) as handle:
        result = json.load(handle)
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
"""

HAND_ACTION = """# (h) of `make bench`: a trivial action plugin returning a JSON result read from a file, with no module process:
# the least ansible-core charges any design (a module, or an action doing the work on the controller) to hand that
# result to the play.
import json

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        with open(self._task.args['path']) as handle:
            result.update(json.load(handle))
        return result
"""


def lean_summary(n, pages, result_bytes, measured):
    """Medians of each play's (wall, peak RSS) and the ratios the issue asks for (never asserted)."""
    wall = dict((name, median([w for w, r in runs])) for name, runs in measured.items())
    rss = dict((name, median([r for w, r in runs])) for name, runs in measured.items())
    return {
        'detections': n,
        'pages': pages,
        'result_mib': round(result_bytes / 1048576.0, 1),
        'seconds': dict((k, round(v, 2)) for k, v in wall.items()),
        'peak_rss_mib': dict((k, round(v, 1)) for k, v in rss.items() if k != 'floor'),
        'full_vs_echo_plus_1_25_floor': round(wall['full'] / (wall['echo'] + 1.25 * wall['floor']), 2),
        'full_vs_floor_plus_empty': round(wall['full'] / (wall['floor'] + wall['empty']), 2),
        'fields_vs_full': {'seconds': round(wall['fields'] / wall['full'], 2), 'peak_rss': round(rss['fields'] / rss['full'], 2)},
        'fields_vs_echo_fields_plus_1_25_floor': round(wall['fields'] / (wall['echo_fields'] + 1.25 * wall['floor']), 2),
        'least_fields_vs_full': round((wall['floor'] + wall['hand_fields']) / wall['full'], 2),
        'dest_vs_full': {'seconds': round(wall['dest'] / wall['full'], 2), 'peak_rss': round(rss['dest'] / rss['full'], 2)},
    }


def lean_table(lean):
    """Markdown lines for detection_info in a playbook against its floors (a), (b), (c)."""
    if not lean:
        return []
    sec, rss = lean['seconds'], lean['peak_rss_mib']
    row = '| %s | %.2f | %s |'
    lines = [
        'detection_info in a playbook: %d detections, %d pages of %d, result %.1f MiB' % (lean['detections'], lean['pages'], PAGE_SIZE, lean['result_mib']),
        '',
        '| play | seconds | peak RSS MiB |',
        '|---|---|---|',
        row % ('detection_info, all fields', sec['full'], '%.1f' % rss['full']),
        row % ('detection_info, fields: ' + ', '.join(LEAN_FIELDS), sec['fields'], '%.1f' % rss['fields']),
        row % ('detection_info, dest (JSON Lines)', sec['dest'], '%.1f' % rss['dest']),
        row % ('(a) raw floor: 8 keep-alive threads, same pages', sec['floor'], '-'),
        row % ('(b) empty playbook', sec['empty'], '%.1f' % rss['empty']),
        row % ('(c) trivial module, same-size result', sec['echo'], '%.1f' % rss['echo']),
        row % ("(c') trivial module, the fields result", sec['echo_fields'], '%.1f' % rss['echo_fields']),
        row % ("(h) trivial action, the fields result, no module process", sec['hand_fields'], '%.1f' % rss['hand_fields']),
        '',
        '| ratio | value | target |',
        '|---|---|---|',
        '| full / ((c) + 1.25 x (a)) | %.2fx | <= 1 |' % lean['full_vs_echo_plus_1_25_floor'],
        '| full / ((a) + (b)) | %.2fx | - |' % lean['full_vs_floor_plus_empty'],
        '| fields / full, seconds | %.2fx | <= 0.3 |' % lean['fields_vs_full']['seconds'],
        "| fields / ((c') + 1.25 x (a)) | %.2fx | - |" % lean['fields_vs_echo_fields_plus_1_25_floor'],
        '| least fields / full of any design: ((a) + (h)) / full | %.2fx | - |' % lean['least_fields_vs_full'],
        '| fields / full, peak RSS | %.2fx | - |' % lean['fields_vs_full']['peak_rss'],
        '| dest / full, seconds | %.2fx | - |' % lean['dest_vs_full']['seconds'],
        '| dest / full, peak RSS | %.2fx | - |' % lean['dest_vs_full']['peak_rss'],
        '',
    ]
    return lines


def audit_table(a, runs):
    """Markdown lines for the audit against its floors: (a) the same requests replayed, (b) an empty play."""
    if not a:
        return []
    lines = [
        'Audit: ansible-playbook ncloud.wbd.audit, %d ms latency per request (median of %d runs)' % (a['latency_ms'], runs),
        '',
        '| hosts | detections | API requests | audit s | (a) s | (b) s | audit / (a+b), target <= 3 | 1 set_fact/host s | audit / set_fact |'
        ' peak RSS MiB | API JSON MiB | RSS / JSON |',
        '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ]
    row = '| %d | %d | %d | %.2f | %.2f | %.2f | %.2fx | %.2f | %.2fx | %.1f | %.1f | %.2fx |'
    keys = ('hosts', 'detections', 'requests', 'audit_seconds', 'floor_a_seconds', 'empty_b_seconds', 'vs_a_plus_b', 'set_fact_seconds', 'vs_set_fact')
    lines += [row % (tuple(r[k] for k in keys) + (r['peak_rss_mib'], r['api_json_mib'], r['rss_vs_api_json'] or 0)) for r in a['rows']]
    return lines + ['']


def table(results):
    """The results as Markdown tables (the performance guide shows the same)."""
    lines = []
    f = results.get('fetch')
    if f:
        lines += [
            'Fetch: %d detections, %d pages of %d, %d ms latency per request (median of %d runs)'
            % (f['detections'], f['pages'], PAGE_SIZE, f['latency_ms'], results['config']['runs']),
            '',
            '| concurrency | JSON | seconds | lower bound | vs bound | vs baseline | requests | connections |',
            '|---|---|---|---|---|---|---|---|',
        ]
        row = '| %s | %s | %.2f | %.2f | %.2fx | %.1fx faster | %d | %d |'
        lines += [
            row % (r['concurrency'], r['json'], r['seconds'], r['lower_bound'], r['vs_bound'], r['speedup_vs_baseline'], r['requests'], r['connections'])
            for r in f['rows']
        ]
        lines += [
            '',
            'Without latency (the processes alone): detection_info %.2f s at concurrency %s, baseline %.2f s'
            % (f['no_latency_seconds']['module'], max(results['config']['concurrency']), f['no_latency_seconds']['baseline']),
            '',
        ]
    lines += audit_table(results.get('audit'), results['config']['runs'])
    m = results.get('memory')
    if m:
        head = '| detections | API JSON MiB | peak RSS MiB | RSS / JSON | result JSON MiB | with dest: peak RSS MiB (target <= 150) |'
        lines += ['Memory: detection_info process', '', head, '|---|---|---|---|---|---|']
        row = '| %d | %.1f | %.1f | %.2fx | %.1f | %.1f |'
        lines += [
            row % (r['detections'], r['api_json_mib'], r['module_peak_rss_mib'], r['ratio'], r['result_json_mib'], r['dest_peak_rss_mib']) for r in m['rows']
        ]
        lines.append('')
    lines += lean_table(results.get('lean'))
    r = results.get('reports')
    if r:
        title = 'Reports: %d hosts, %d detections (%d in the window); evaluation %.2f s'
        lines += [title % (r['hosts'], r['detections'], r['in_window'], r['evaluate_seconds']), '', '| format | render s | MiB |', '|---|---|---|']
        lines += ['| %s | %.2f | %.1f |' % (row['format'], row['seconds'], row['mib']) for row in r['rows']]
        lines.append('')
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--smoke', action='store_true', help='tiny sizes, seconds; checks counts, never times')
    parser.add_argument('--runs', type=int, help='runs per measurement (median); default 3, smoke 1')
    parser.add_argument('--only', nargs='+', choices=('fetch', 'audit', 'memory', 'lean', 'reports'), help='run only these parts')
    parser.add_argument('--out', help='JSON results file (default build/bench/bench[-smoke].json)')
    parser.add_argument('--audit-hosts', type=int, nargs='+', help='the audit\'s inventory sizes (default 20 200 2000; the 100,000 row uses the smallest)')
    args = parser.parse_args(argv)
    cfg = dict(SMOKE if args.smoke else FULL)
    if args.runs:
        cfg['runs'] = args.runs
    if args.audit_hosts:
        cfg['audit_hosts'] = tuple(args.audit_hosts)
    out = args.out or os.path.join(REPO, 'build', 'bench', 'bench-smoke.json' if args.smoke else 'bench.json')
    tmp = tempfile.mkdtemp(prefix='wbd-bench.')
    bench = Bench(cfg, tmp)
    status = 0
    try:
        for part in args.only or ('fetch', 'audit', 'memory', 'lean', 'reports'):
            started = time.perf_counter()
            print('== %s ...' % part, flush=True)
            getattr(bench, part)()
            print('   done in %.0f s' % (time.perf_counter() - started), flush=True)
    except Failed as exc:
        print('bench: CHECK FAILED: %s' % exc)
        status = 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w') as handle:
        json.dump(bench.results, handle, indent=1)
    print()
    print(table(bench.results))
    print('results: %s' % out)
    return status


if __name__ == '__main__':
    sys.exit(main())
