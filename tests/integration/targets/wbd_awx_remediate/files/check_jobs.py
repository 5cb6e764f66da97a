"""Checks one job of the AWX remediation workflow: usage check_jobs.py check|apply ARTIFACTS BASE_URL; exit 1 with the reasons."""

import glob
import json
import os
import sys
import urllib.request

WANT = {
    'check': {'status': 'successful', 'writes': 0, 'stats': {'webshell_remediate_planned': 4, 'webshell_remediate_done': 0, 'webshell_remediate_failed': 0}},
    'apply': {'status': 'successful', 'writes': 4, 'stats': {'webshell_remediate_planned': 4, 'webshell_remediate_done': 4, 'webshell_remediate_failed': 0}},
}
SECRET = 'sandbox-secret-DO-NOT-LEAK-7f3a9c'


def main(name, artifacts, base):
    want, errors = WANT[name], []
    with open(os.path.join(artifacts, 'status')) as handle:
        status = handle.read().strip()
    if status != want['status']:
        errors.append('job status %s' % status)
    events = []
    for path in glob.glob(os.path.join(artifacts, 'job_events', '*.json')):
        with open(path) as handle:
            events.append(json.load(handle))
    stats = [e['event_data'].get('artifact_data') or {} for e in events if e.get('event') == 'playbook_on_stats']
    got = dict((k, (stats[0] if stats else {}).get(k)) for k in want['stats'])
    if got != want['stats']:
        errors.append('set_stats %s, expected %s' % (got, want['stats']))
    with urllib.request.urlopen(base + '/__sandbox/stats?log=0', timeout=30) as answer:
        writes = json.load(answer)['writes_total']
    if writes != want['writes']:
        errors.append('%d write request(s), expected %d' % (writes, want['writes']))
    with open(os.path.join(artifacts, 'stdout')) as handle:
        if SECRET in handle.read():
            errors.append('the secret key appears in the job output')
    for error in errors:
        print('FAIL: %s job: %s' % (name, error), file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
