"""Checks of the wbd_remediate runs against the sandbox: usage check.py STEP BASE_URL [LOG]; exit 1 with the reasons."""

import json
import sys
import urllib.request

AGENT = 'PATCH /api/v1/servers/30000001/agent/activate'
QUARANTINE = 'PATCH /api/v1/detections/3026110100000000000101/suspicious-objects/3026110100000000001001/quarantine'
MEMOS = ['PATCH /api/v1/detections/3026110100000000000103/memo', 'PATCH /api/v1/detections/3026110100000000000101/memo']
PLANNED = [
    'enable_agent: detection target 30000001 (rem-1)',
    'quarantine_malware: suspicious file 3026110100000000001001 (/var/www/html/shell.php) of detection 3026110100000000000101',
    'annotate_unreviewed: detection 3026110100000000000103 on rem-1',
    'annotate_unreviewed: detection 3026110100000000000101 on rem-2',
]


def get(base, path, body=None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(), method='GET' if body is None else 'POST')
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def writes(base):
    stats = get(base, '/__sandbox/stats')
    return stats['writes_total'], ['%s %s' % (r['method'], r['path']) for r in stats['requests'] if r.get('write') and r.get('applied')]


def record(base, resource, ident, key):
    return next(r for r in get(base, '/__sandbox/dataset?resource=%s' % resource)['records'] if r[key] == ident)


def check(base, log, errors):
    total, done = writes(base)
    if total:
        errors.append('check mode sent %d write(s): %s' % (total, done))
    lines = [line for line in log.splitlines() if line.strip().startswith('"') and ': ' in line]
    shown = [p for p in PLANNED if any(p in line for line in lines)]
    if shown != PLANNED:
        errors.append('the plan lists %s, expected %s' % (shown, PLANNED))
    if '4 action(s) planned (check mode: none is carried out)' not in log or '4 planned, 0 done, 0 failed, 0 skipped' not in log:
        errors.append('the check-mode run does not say 4 planned, none done')


def cap(base, log, errors):
    total, dummy = writes(base)
    if total:
        errors.append('the refused plan sent %d write(s)' % total)
    if '4 actions planned, more than webshell_remediate_max_actions (3): nothing was done' not in log:
        errors.append('the refusal does not say how many actions were planned')
    if 'Traceback' in log:
        errors.append('the refusal shows a traceback')


def apply(base, log, errors):
    total, done = writes(base)
    if total != 4 or sorted(done) != sorted([AGENT, QUARANTINE] + MEMOS):
        errors.append('apply sent %d write(s), applied %s' % (total, done))
    if '0 planned, 4 done, 0 failed, 0 skipped' not in log:
        errors.append('apply does not say 4 done')
    agent = record(base, 'servers', '30000001', 'instanceNo')['agentStatus']
    if agent not in ('activating', 'enable'):
        errors.append('agent of 30000001 is %s' % agent)
    quarantined = [q['suspicionFileId'] for q in get(base, '/__sandbox/dataset?resource=quarantines')['records']]
    if '3026110100000000001001' not in quarantined:
        errors.append('file 3026110100000000001001 is not quarantined')
    memo = record(base, 'detections', '3026110100000000000101', 'detectionId')['memo']
    lines = memo.splitlines()
    if len(lines) != 2 or lines[0] != 'analyst: looking' or not lines[1].startswith('ncloud.wbd remediation: unreviewed since '):
        errors.append('memo of 3026110100000000000101 is %r' % memo)


def again(base, log, errors):
    total, done = writes(base)
    if total:
        errors.append('the second apply sent %d write(s): %s' % (total, done))
    if '0 action(s) planned' not in log:
        errors.append('the second apply planned actions')


RULE = '3026110100000000000301'


def rules_check(base, log, errors):
    total, done = writes(base)
    if total:
        errors.append('check mode sent %d write(s): %s' % (total, done))
    planned = 'delete_rule: exception rule %s (rule-a)' % RULE
    if planned not in log or '1 action(s) planned (check mode: none is carried out)' not in log:
        errors.append('the plan does not list exactly the deletion of %s' % RULE)


def rules_apply(base, log, errors):
    total, done = writes(base)
    if total != 1 or done != ['DELETE /api/v1/exception-rules/%s' % RULE]:
        errors.append('apply sent %d write(s), applied %s' % (total, done))
    live = [r['exceptedRuleId'] for r in get(base, '/__sandbox/dataset?resource=exception-rules')['records']]
    deleted = [r['exceptedRuleId'] for r in get(base, '/__sandbox/dataset?resource=deleted-exception-rules')['records']]
    if RULE in live or RULE not in deleted:
        errors.append('rule %s is not in the deleted list only (live %s)' % (RULE, live))


def main(step, base, log_path=None):
    if step == 'reset':
        get(base, '/__sandbox/stats/reset', {})
        return 0
    with open(log_path) as handle:
        log = handle.read()
    errors = []
    globals()[step](base, log, errors)
    for error in errors:
        print('FAIL: %s: %s' % (step, error), file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
