# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""check_changes.py STEP REPORTS OUT: the changes section of the latest reports after each step of runme.sh."""

from __future__ import absolute_import, division, print_function

import html
import json
import os
import sys

STEP, REPORTS, OUT = sys.argv[1:4]
R5 = '2026110100000000001005'


def latest(ext):
    with open(os.path.join(REPORTS, 'webshell-audit-latest.%s' % ext), encoding='utf-8') as handle:
        return handle.read()


def every_format_says(*words):
    for ext in ('csv', 'md', 'html', 'junit.xml'):
        text = latest(ext).replace('\\_', '_')
        text = html.unescape(text) if ext in ('html', 'md') else text  # their escaping of quotes and brackets
        for word in words:
            assert word in text, '%s: %r not in the report' % (ext, word)


record = json.loads(latest('json'))
changes = record['changes']
LISTS = ('findings_new', 'findings_resolved', 'hosts_changed', 'rules_added', 'rules_removed', 'rules_changed', 'detections_new')

if STEP == 'first':
    assert changes['compared'] is False and changes['reason'].startswith('no previous record'), changes
    assert all(changes[k] == [] for k in LISTS), changes
    every_format_says('Changes since the previous run', 'no previous record: this is the first run in this report directory')
    print('ok   first run: "no previous record" in every format (and set_stats published webshell_report_changes)')
elif STEP == 'second':
    before = set(json.load(open(os.path.join(OUT, 'ids-before.json')))['ids'])
    new = sorted(set(json.load(open(os.path.join(OUT, 'ids-after.json')))['ids']) - before)
    assert len(new) == 1, new
    assert changes['compared'] is True, changes
    assert [d['detection_id'] for d in changes['detections_new']] == new, changes['detections_new']
    assert [r['rule_id'] for r in changes['rules_removed']] == [R5], changes['rules_removed']
    assert changes['rules_added'] == [] and changes['rules_changed'] == [], changes
    assert changes['hosts_changed'] == [{'host': 'app-prd-001', 'before': 'unprotected', 'after': 'unreviewed'}], changes['hosts_changed']
    resolved = sorted(f['id'] for f in changes['findings_resolved'])
    assert all(f['rule_id'] == R5 or f['host'] == 'app-prd-001' for f in changes['findings_resolved']), resolved
    assert any(f['rule_id'] == R5 for f in changes['findings_resolved']) and any(f['host'] == 'app-prd-001' for f in changes['findings_resolved']), resolved
    assert all(f['detection_id'] == new[0] or f['host'] == 'app-prd-001' for f in changes['findings_new']), changes['findings_new']
    first = json.load(open(sorted(os.path.join(REPORTS, n) for n in os.listdir(REPORTS) if n.endswith('Z.json'))[0]))
    assert changes['previous']['started_at_iso'] == first['run']['started_at_iso'], changes['previous']
    every_format_says(
        'Changes since %s' % first['run']['started_at_iso'], new[0], 'app-prd-001: was unprotected, now unreviewed', "rule 'old-group-rule' (%s)" % R5
    )
    print(
        'ok   second run: exactly 1 new detection (%s), rule R5 removed, app-prd-001 unprotected -> unreviewed; resolved %s; %d new finding(s), '
        'all of the new detection or the fixed host; every format says so' % (new[0], resolved, len(changes['findings_new']))
    )
elif STEP == 'endpoint':
    assert changes['compared'] is False and 'read another endpoint' in changes['reason'], changes
    every_format_says('read another endpoint')
    print('ok   another endpoint URL: not compared, the reports say why (%s)' % changes['reason'])
elif STEP == 'scope':
    assert changes['compared'] is False and 'another inventory scope' in changes['reason'], changes
    every_format_says('another inventory scope')
    print('ok   another inventory scope (--limit): not compared, the reports say why (%s)' % changes['reason'])
else:
    sys.exit('unknown step %s' % STEP)
