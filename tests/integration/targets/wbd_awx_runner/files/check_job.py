# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check what `ansible-runner process` received from an AWX-style audit job (see runme.sh).

    python check_job.py ARTIFACTS_DIR REPORT_DIR COLLECTION_DIR INVENTORY ENDPOINT PROCESS_OUTPUT...

ARTIFACTS_DIR is the job's artifacts/IDENT as ansible-runner process wrote it, COLLECTION_DIR the collection as the
worker had it installed (project/collections/ansible_collections/ncloud/wbd of its private data directory), and
PROCESS_OUTPUT the files the pipeline printed. The secret key comes from the environment variable WBD_CHECK_SECRET,
so it is on no command line.

Checks: the job succeeded; every task of the collection ran from COLLECTION_DIR (not from a working tree); the
playbook_on_stats event, where AWX reads a job's artifacts, holds the set_stats summary of the audit, equal to the
summary and host lists of the JSON report; the report covers every inventory host and names ENDPOINT (the
credential's endpoint) as the API it read; every format the report role writes by default is in REPORT_DIR; and the
secret key is in no event, output or report. ansible-runner records the job's command and environment in
ARTIFACTS_DIR/command, so the secret is there, as it is in AWX's private data directory; that file must be the only
one and readable by its owner only.
"""

import glob
import json
import os
import stat
import sys

import yaml

STATS_KEYS = ('webshell_audit_summary', 'webshell_audit_unprotected_hosts', 'webshell_audit_unreviewed_hosts')
# ansible-runner's own record of the command line and environment (ansible_runner/runner.py).
COMMAND_FILE = 'command'


def fail(message):
    sys.stderr.write('FAIL: %s\n' % message)
    sys.exit(1)


def read(path):
    with open(path, 'rb') as handle:
        return handle.read()


def events(artifacts):
    found = []
    for path in glob.glob(os.path.join(artifacts, 'job_events', '*.json')):
        with open(path) as handle:
            found.append(json.load(handle))
    if not found:
        fail('no job events in %s' % artifacts)
    return sorted(found, key=lambda event: event.get('counter', 0))


def inventory_hosts(path):
    with open(path) as handle:
        inventory = yaml.safe_load(handle)
    hosts = set(inventory['all'].get('hosts', {}))
    for group in inventory['all'].get('children', {}).values():
        hosts |= set(group.get('hosts', {}))
    return hosts


def check_status(artifacts):
    status = read(os.path.join(artifacts, 'status')).decode().strip()
    rc = read(os.path.join(artifacts, 'rc')).decode().strip()
    if (status, rc) != ('successful', '0'):
        fail('job status %s, rc %s (see %s/stdout)' % (status, rc, artifacts))


def check_collection_source(job_events, collection_dir):
    ours = [
        e['event_data']
        for e in job_events
        if e['event'] == 'playbook_on_task_start' and (e['event_data'].get('resolved_action', '').startswith('ncloud.wbd.') or e['event_data'].get('role'))
    ]
    actions = set(data.get('resolved_action') for data in ours)
    if 'ncloud.wbd.audit_evaluate' not in actions or 'ncloud.wbd.audit_report' not in actions:
        fail('the audit and report tasks did not run: %s' % sorted(actions))
    prefix = os.path.realpath(collection_dir) + os.sep
    elsewhere = sorted(set(data['task_path'] for data in ours if not os.path.realpath(data['task_path']).startswith(prefix)))
    if elsewhere:
        fail('tasks of the collection ran from outside the installed collection %s: %s' % (collection_dir, elsewhere[:3]))
    return len(ours)


def check_stats(job_events, record, hosts):
    stats = [e['event_data'] for e in job_events if e['event'] == 'playbook_on_stats']
    if len(stats) != 1:
        fail('%d playbook_on_stats events' % len(stats))
    artifact_data = stats[0].get('artifact_data') or {}
    missing = [key for key in STATS_KEYS if key not in artifact_data]
    if missing:
        fail('the playbook_on_stats artifact_data lacks %s (has %s)' % (missing, sorted(artifact_data)))
    if artifact_data['webshell_audit_summary'] != record['summary']:
        fail('set_stats summary %s differs from the report summary %s' % (artifact_data['webshell_audit_summary'], record['summary']))
    # As the audit_evaluate module documents them: unprotected by status, unreviewed by unreviewed detections.
    wanted = {
        'webshell_audit_unprotected_hosts': sorted(name for name, host in record['hosts'].items() if host['status'] == 'unprotected'),
        'webshell_audit_unreviewed_hosts': sorted(name for name, host in record['hosts'].items() if host['unreviewed_count'] > 0),
    }
    for key, want in wanted.items():
        if sorted(artifact_data[key]) != want:
            fail('set_stats %s %s differs from the report, which gives %s' % (key, artifact_data[key], want))
    if set(record['hosts']) != hosts or record['summary']['hosts'] != len(hosts):
        fail('the report covers %d hosts, the inventory has %d' % (len(record['hosts']), len(hosts)))
    return artifact_data['webshell_audit_summary']


def check_reports(job_events, report_dir, collection_dir):
    with open(os.path.join(collection_dir, 'roles', 'webshell_report', 'defaults', 'main.yml')) as handle:
        formats = yaml.safe_load(handle)['webshell_report_formats']
    written = [
        e['event_data']['res'] for e in job_events if e['event'] == 'runner_on_ok' and e['event_data'].get('resolved_action') == 'ncloud.wbd.audit_report'
    ]
    if len(written) != 1:
        fail('%d successful audit_report results' % len(written))
    latest = written[0]['latest']
    if sorted(latest) != sorted(formats):
        fail('reports written in %s, the role writes %s by default' % (sorted(latest), sorted(formats)))
    for path in list(latest.values()) + list(written[0]['files'].values()):
        if os.path.dirname(path) != report_dir or not os.path.isfile(path) or not os.path.getsize(path):
            fail('report %s is not a non-empty file in %s' % (path, report_dir))
    return latest


def check_secret(secret, artifacts, report_dir, outputs):
    needle = secret.encode()
    holders = []
    for top in (artifacts, report_dir):
        for base, _dirs, files in os.walk(top):
            holders.extend(os.path.join(base, name) for name in files if needle in read(os.path.join(base, name)))
    holders.extend(path for path in outputs if needle in read(path))
    command = os.path.join(artifacts, COMMAND_FILE)
    others = sorted(set(holders) - {command})
    if others:
        fail('the secret key appears in %s' % others)
    if holders and stat.S_IMODE(os.stat(command).st_mode) & 0o077:
        fail('%s holds the job environment and is readable by group or others' % command)
    return len(holders)


def main(argv):
    if len(argv) < 7 or not os.environ.get('WBD_CHECK_SECRET'):
        sys.stderr.write(__doc__)
        return 2
    artifacts, report_dir, collection_dir, inventory, endpoint = argv[1:6]
    report_dir = os.path.abspath(report_dir)
    check_status(artifacts)
    job_events = events(artifacts)
    tasks = check_collection_source(job_events, collection_dir)
    latest = check_reports(job_events, report_dir, collection_dir)
    with open(latest['json']) as handle:
        record = json.load(handle)
    if record['run']['endpoint'] != endpoint:
        fail('the audit read %s, not the credential\'s endpoint %s' % (record['run']['endpoint'], endpoint))
    summary = check_stats(job_events, record, inventory_hosts(inventory))
    in_command = check_secret(os.environ['WBD_CHECK_SECRET'], artifacts, report_dir, argv[6:])
    print('ok   job successful, %d events; %d tasks of the collection, all from %s' % (len(job_events), tasks, collection_dir))
    print(
        'ok   playbook_on_stats artifact_data = the report: %d hosts, %d unprotected, %d unreviewed, %d findings'
        % (summary['hosts'], summary['unprotected'], summary['unreviewed'], summary['findings'])
    )
    print('ok   reports %s in %s, from %s' % (', '.join(sorted(latest)), report_dir, endpoint))
    print('ok   secret key in no event, output or report (only in ansible-runner\'s %s record: %s)' % (COMMAND_FILE, 'yes, mode 0600' if in_command else 'no'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
