"""Helpers of the wbd_job_slicing target (runme.sh): the inventory and its slices, request counts, report checks.

usage:
  slicing.py inventory URL DIR            inventory.json (every sandbox server, matched by each kind of key, plus
                                          unregistered hosts), slice-1.hosts / slice-2.hosts (host i in slice i mod 2,
                                          in inventory order, as AWX slices), lookback.txt (an absolute window start)
  slicing.py reset URL                    zero the sandbox's request counters
  slicing.py stats URL OUT                save the request counts of the run since the last reset
  slicing.py requests URL DIR NAME...     each run made the same requests, as few as the lists' pages plus a constant
  slicing.py slice DIR N REPORTS          slice N's record lists exactly its hosts; no report names another slice's host
  slicing.py same UNSLICED MERGED         the merged set equals the unsliced one (record but for the run clock; CSV,
                                          JUnit XML, Markdown after the start time is blanked)
Every check prints "ok   ..." lines or exits with a message saying what differs.
"""

import json
import math
import os
import re
import sys
import urllib.request

PAGE = 100  # the roles' default page size
EXTRA_REQUESTS = 4  # the constant: at most one more request per list than its pages (a walk that checks its end)
FORMATS = ('json', 'csv', 'html', 'junit.xml', 'md')


def get(url, data=None):
    request = urllib.request.Request(url, data=data, method='POST' if data is not None else 'GET')
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def dataset(base, resource):
    return get('%s/__sandbox/dataset?resource=%s' % (base, resource))['records']


def load(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def save(path, value):
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(value, handle, indent=1, sort_keys=True)


def lines(path):
    with open(path, encoding='utf-8') as handle:
        return [line.strip() for line in handle if line.strip()]


def inventory(base, out):
    servers, detections = dataset(base, 'servers'), dataset(base, 'detections')
    hosts = {}
    for number, server in enumerate(servers):
        kind = number // 2 % 4  # pairs of a kind: slice i mod 2 gets every kind
        if kind == 0:
            hosts['app-%02d' % number] = {'webshell_audit_instance_no': server['instanceNo']}
        elif kind == 1:
            hosts[server['serverName']] = {}
        elif kind == 2:
            hosts['node-%02d' % number] = {'ansible_host': server['ipAddress']}
        else:
            hosts['srv-%02d' % number] = {'webshell_audit_server_name': server['serverName']}
    registered = set(s['instanceNo'] for s in servers)
    ghosts = sorted(set(d['serverName'] for d in detections if d['instanceNo'] not in registered))
    if len(ghosts) < 3:
        sys.exit('the sandbox has too few unregistered servers with detections (%d)' % len(ghosts))
    for name in ghosts[:2]:  # unregistered, so unprotected; their detections match by name; the others stay unmatched
        hosts[name] = {}
    hosts['new-host-01'] = {}  # WBD has never heard of it
    save(os.path.join(out, 'inventory.json'), {'all': {'vars': {'ansible_connection': 'local'}, 'hosts': hosts}})
    names = list(hosts)
    for number in (1, 2):
        with open(os.path.join(out, 'slice-%d.hosts' % number), 'w', encoding='utf-8') as handle:
            handle.write(''.join(name + '\n' for name in names[number - 1 :: 2]))
    # One absolute window start for every run, so runs minutes apart still see the same detections.
    anchor = get('%s/__sandbox/config' % base)['anchor_ms']
    start = (anchor - 7 * 86400 * 1000) // 1000 * 1000
    with open(os.path.join(out, 'lookback.txt'), 'w', encoding='utf-8') as handle:
        handle.write('%d\n' % start)
    server_names = set(s['serverName'] for s in servers) | set(d['serverName'] for d in detections)
    save(os.path.join(out, 'server_names.json'), sorted(server_names))
    print(
        'ok   inventory of %d hosts (%d registered servers, %d unregistered, 1 unknown); slices of %d and %d hosts'
        % (len(names), len(servers), 2, len(names[0::2]), len(names[1::2]))
    )


def expected_pages(base, out):
    """The pages the four lists take at the roles' page size: the floor of any audit's request count."""
    start = int(lines(os.path.join(out, 'lookback.txt'))[0])
    counts = {
        'GET /api/v1/servers': len(dataset(base, 'servers')),
        'POST /api/v1/detections': sum(1 for d in dataset(base, 'detections') if d['detectTime'] >= start),
        'GET /api/v1/exception-rules': len(dataset(base, 'exception-rules')),
        'POST /api/v1/exceptions': sum(1 for d in dataset(base, 'exceptions') if d['detectTime'] >= start),
    }
    return dict((op, max(1, int(math.ceil(n / float(PAGE))))) for op, n in counts.items())


def requests(base, out, names):
    pages = expected_pages(base, out)
    runs = dict((name, load(os.path.join(out, 'requests-%s.json' % name))) for name in names)
    first = runs[names[0]]
    for name, stats in runs.items():
        if stats['by_operation'] != first['by_operation']:
            sys.exit('run %s made other requests than run %s: %s vs %s' % (name, names[0], stats['by_operation'], first['by_operation']))
    missing = sorted(op for op in pages if first['by_operation'].get(op, 0) < pages[op])
    total, floor = first['requests_total'], sum(pages.values())
    if missing or not floor <= total <= floor + EXTRA_REQUESTS or set(first['by_operation']) != set(pages):
        sys.exit(
            'expected the pages of the four lists (%s, %d requests) plus at most %d, got %d: %s' % (pages, floor, EXTRA_REQUESTS, total, first['by_operation'])
        )
    print(
        'ok   each of the runs %s made the same %d API requests (%d pages of the lists: %s)'
        % (', '.join(names), total, floor, ', '.join('%s %d' % item for item in sorted(first['by_operation'].items())))
    )


def host_only_names(out, names):
    """The names that are only inventory names (no WBD server carries them): they may appear only in their own slice."""
    servers = set(load(os.path.join(out, 'server_names.json')))
    return [name for name in names if name not in servers]


def without_out_of_scope_owners(record):
    """The record without the one place that may name hosts outside the slice: who owns the out-of-scope servers
    (``scope.servers[].hosts``, ``out_of_scope_detections[].outside_hosts``), which says why they are not findings."""
    for server in record['scope']['servers']:
        server.pop('hosts')
    for detection in record['out_of_scope_detections']:
        detection.pop('outside_hosts')
    return record


def slice_check(out, number, reports):
    mine = lines(os.path.join(out, 'slice-%d.hosts' % number))
    others = lines(os.path.join(out, 'slice-%d.hosts' % (3 - number)))
    record = load(os.path.join(reports, 'webshell-audit-latest.json'))
    scope = record['run']['inventory_scope']
    if sorted(record['hosts']) != sorted(mine) or scope['hosts'] != sorted(mine) or scope['count'] != len(mine):
        sys.exit('slice %d: the record lists hosts %s, expected its own %s' % (number, sorted(record['hosts']), sorted(mine)))
    foreign = host_only_names(out, others)
    pattern = re.compile(r'(?<![\w.-])(%s)(?![\w-])' % '|'.join(re.escape(name) for name in foreign))
    for fmt in FORMATS:
        with open(os.path.join(reports, 'webshell-audit-latest.%s' % fmt), encoding='utf-8') as handle:
            text = handle.read()
        if fmt == 'json':
            text = json.dumps(without_out_of_scope_owners(json.loads(text)))
        found = sorted(set(pattern.findall(text)))
        if found:
            sys.exit('slice %d: its %s report names hosts of the other slice: %s' % (number, fmt, ', '.join(found)))
    with open(os.path.join(reports, 'webshell-audit-latest.junit.xml'), encoding='utf-8') as handle:
        junit = handle.read()
    absent = [name for name in mine if 'name="%s"' % name not in junit]
    if absent:
        sys.exit('slice %d: the JUnit report has no test case for %s' % (number, ', '.join(absent)))
    print(
        'ok   slice %d: its record lists exactly its %d hosts (limit %s); no report names any of the other slice\'s %d '
        'inventory-only host names' % (number, len(mine), scope['limit'], len(foreign))
    )


def blank_clock(path, started):
    with open(path, encoding='utf-8', newline='') as handle:
        text = handle.read()
    if started not in text:
        sys.exit('%s does not show its run start %s' % (path, started))
    return text.replace(started, '<run start>')


def same(unsliced_dir, merged_dir):
    unsliced = load(os.path.join(unsliced_dir, 'webshell-audit-latest.json'))
    merged = load(os.path.join(merged_dir, 'webshell-audit-latest.json'))
    provenance = merged['run'].pop('merged_slices', None)
    if not provenance or len(provenance) != 2:
        sys.exit('the merged record does not name its 2 slices in run.merged_slices: %r' % (provenance,))
    clocks = {}
    for record in (unsliced, merged):
        clocks[id(record)] = record['run']['started_at_iso']
        for key in ('started_at_ms', 'started_at_iso'):
            record['run'].pop(key)
    if merged != unsliced:
        diff = sorted(k for k in set(merged) | set(unsliced) if merged.get(k) != unsliced.get(k))
        detail = sorted(k for k in merged['run'] if merged['run'].get(k) != unsliced['run'].get(k)) if 'run' in diff else []
        sys.exit('the merged record differs from the unsliced one in %s %s' % (', '.join(diff), detail))
    summary = merged['summary']
    print(
        'ok   the merged JSON record equals the unsliced run\'s but for run.started_at_* and run.merged_slices '
        '(content_digest %s..., %d hosts, %d findings)' % (merged['content_digest'][:12], summary['hosts'], summary['findings'])
    )
    for fmt in ('csv', 'junit.xml', 'md'):
        texts = [blank_clock(os.path.join(d, 'webshell-audit-latest.%s' % fmt), clocks[id(r)]) for d, r in ((unsliced_dir, unsliced), (merged_dir, merged))]
        if texts[0] != texts[1]:
            sys.exit('the merged %s report differs from the unsliced one beyond the run start time' % fmt)
    print('ok   the merged CSV, JUnit XML and Markdown reports are the unsliced run\'s byte for byte once the run start time is blanked')


def main(argv):
    command = argv[1] if len(argv) > 1 else ''
    if command == 'inventory' and len(argv) == 4:
        inventory(argv[2].rstrip('/'), argv[3])
    elif command == 'reset' and len(argv) == 3:
        get('%s/__sandbox/stats/reset' % argv[2].rstrip('/'), data=b'{}')
    elif command == 'stats' and len(argv) == 4:
        stats = get('%s/__sandbox/stats?log=0' % argv[2].rstrip('/'))
        save(argv[3], {'requests_total': stats['requests_total'], 'by_operation': stats['by_operation']})
    elif command == 'requests' and len(argv) >= 6:
        requests(argv[2].rstrip('/'), argv[3], argv[4:])
    elif command == 'slice' and len(argv) == 5:
        slice_check(argv[2], int(argv[3]), argv[4])
    elif command == 'same' and len(argv) == 4:
        same(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
