# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Changes since the previous run and the run's actions: what is compared (and when nothing is, saying why), what
every format says, hostile text escaped, the content digest untouched."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import xml.etree.ElementTree as ET

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import content_digest
from ansible_collections.ncloud.wbd.plugins.module_utils._report import changes as report_changes
from ansible_collections.ncloud.wbd.plugins.module_utils._report import run as report_run
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import FORMATS, prepare_record
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report import reference_render
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.run_sections import without_run_sections
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.test_report_render import HOSTILE, build_record


def params(dest, record, **extra):
    out = dict(record=record, src=None, dest=str(dest), formats=list(FORMATS), mode='0600', basename='r', latest=True, html_max_detections=2000)
    out.update(extra)
    return out


def later(record, hours=1):
    """The same record as a later run."""
    record = copy.deepcopy(record)
    record['run'].update(started_at_ms=record['run']['started_at_ms'] + hours * 3600000, started_at_iso='2026-11-19T0%d:00:00.000Z' % hours)
    return record


def written(result, fmt):
    with open(result['files'][fmt], 'rb') as handle:
        return handle.read().decode('utf-8')


def run(dest, record, **extra):
    return report_run.run_report(params(dest, record, **extra), False, lambda message: None)


def test_first_run_then_no_change(tmp_path):
    first = run(tmp_path, build_record())
    assert first['changes']['compared'] is False and first['changes']['reason'].startswith('no previous record')
    second = run(tmp_path, later(build_record()))
    assert second['changes'] == dict(
        compared=True, reason=None, previous=json.loads(written(first, 'json'))['run']['started_at_iso'], **dict((k, 0) for k in report_changes.CHANGE_LISTS)
    )
    assert 'no change since the previous run' in written(second, 'markdown')


def test_what_changed(tmp_path):
    first = build_record()
    run(tmp_path, first)
    record = later(first)
    host = sorted(record['hosts'])[0]
    was = record['hosts'][host]['status']
    record['hosts'][host]['status'] = 'compliant' if was != 'compliant' else 'unreviewed'
    gone = record['findings'].pop(0)
    record['findings'].append(dict(gone, id='rule/NEW/overbroad_rule', subject='a new finding'))
    removed = record['exception_rules'].pop(0)
    record['exception_rules'][0] = dict(record['exception_rules'][0], disabled=not record['exception_rules'][0].get('disabled'), action_name='subadmin')
    record['exception_rules'].append(dict(removed, rule_id='RNEW', name='new rule'))
    fresh = dict(record['unmatched_detections'][0], detection_id='DNEW')
    record['unmatched_detections'].append(fresh)
    result = run(tmp_path, record)
    changes = json.loads(written(result, 'json'))['changes']
    assert [f['id'] for f in changes['findings_new']] == ['rule/NEW/overbroad_rule']
    assert [f['id'] for f in changes['findings_resolved']] == [gone['id']]
    assert changes['hosts_changed'] == [{'host': host, 'before': was, 'after': record['hosts'][host]['status']}]
    assert [r['rule_id'] for r in changes['rules_added']] == ['RNEW'] and [r['rule_id'] for r in changes['rules_removed']] == [removed['rule_id']]
    assert changes['rules_changed'] == [
        {'rule_id': record['exception_rules'][0]['rule_id'], 'name': record['exception_rules'][0]['name'], 'action_name': 'subadmin', 'changed': ['disabled']}
    ]
    assert [d['detection_id'] for d in changes['detections_new']] == ['DNEW']
    assert result['changes']['findings_new'] == 1 and result['changes']['detections_new'] == 1
    assert 'by subadmin' in written(result, 'markdown') and 'DNEW' in written(result, 'csv') and 'DNEW' in written(result, 'junit')


def test_not_compared_says_why(tmp_path):
    run(tmp_path, build_record())
    other = later(build_record())
    other['run']['endpoint'] = 'https://other.example'
    assert 'read another endpoint' in run(tmp_path, other)['changes']['reason']
    scoped = later(build_record(), 2)
    scoped['run']['endpoint'] = 'https://other.example'
    scoped['run']['inventory_scope'] = {'hosts': ['web-1'], 'count': 1, 'limit': 'web-1'}
    assert 'another inventory scope' in run(tmp_path, scoped)['changes']['reason']
    with open(os.path.join(str(tmp_path), 'r-latest.json'), 'w') as handle:
        json.dump({'findings': []}, handle)
    reason = run(tmp_path, later(build_record(), 3))['changes']['reason']
    assert reason == 'not compared: r-latest.json is not an audit_report JSON report of schema version 2'


def test_rendering_the_same_record_again_keeps_its_changes(tmp_path):
    run(tmp_path, build_record())
    record = later(build_record())
    record['findings'].pop()
    second = run(tmp_path, record)
    again = run(tmp_path, copy.deepcopy(record))
    assert second['changes'] == again['changes'] and again['changes']['findings_resolved'] == 1
    assert written(second, 'json') == written(again, 'json')


def test_changes_and_actions_stay_out_of_the_digest(tmp_path):
    record = prepare_record(build_record())[0]
    assert content_digest(dict(record, changes={'x': 1}, actions=[{'kind': 'k'}])) == record['content_digest']


ACTIONS = [
    {'kind': 'enable_agent', 'resource': 'server 101', 'reason': 'host web-1 unprotected', 'status': 'done', 'message': 'activated'},
    {'kind': 'quarantine', 'resource': 'file F1', 'reason': 'malware', 'status': 'failed', 'message': 'code 8004'},
    {'kind': 'annotate', 'resource': 'detection D1', 'reason': 'unreviewed 3d', 'status': 'planned', 'message': ''},
]


def test_actions_in_every_format(tmp_path):
    result = run(tmp_path, build_record(), actions=[dict(ACTIONS[0], args={'instance_no': '101'})] + ACTIONS[1:])
    assert result['actions'] == {'planned': 1, 'done': 1, 'failed': 1, 'skipped': 0}
    assert json.loads(written(result, 'json'))['actions'] == ACTIONS
    assert '## Actions' in written(result, 'markdown') and '| enable\\_agent | server 101 | done |' in written(result, 'markdown')
    assert ',actions,,quarantine,file F1,failed: code 8004 (reason: malware),' in written(result, 'csv')
    suite = [s for s in ET.fromstring(written(result, 'junit')) if s.get('name') == 'webshell_audit.actions'][0]
    assert (suite.get('tests'), suite.get('failures')) == ('3', '1')
    assert '<h2>Actions</h2>' in written(result, 'html')
    expected = reference_render.render_reports(prepare_record(build_record())[0], FORMATS, 2000)
    for fmt in ('json', 'csv', 'markdown', 'html'):
        assert without_run_sections(fmt, written(result, fmt).encode('utf-8')) == expected[fmt], fmt
    assert run(tmp_path, later(build_record()), actions=[])['actions'] == {'planned': 0, 'done': 0, 'failed': 0, 'skipped': 0}


@pytest.mark.parametrize('text', HOSTILE)
def test_hostile_actions_are_escaped(tmp_path, text):
    action = {'kind': 'annotate', 'resource': text, 'reason': text, 'status': 'done', 'message': text}
    result = run(tmp_path, build_record(), actions=[action])
    page = written(result, 'html')
    assert text not in page.split('<h2>Actions</h2>', 1)[1] or text == html_safe(text)
    ET.fromstring(written(result, 'junit').encode('utf-8'))  # still well-formed XML
    cells = [line for line in written(result, 'csv').split('\r\n') if ',actions,' in line][0]
    assert not cells.split(',')[4].startswith(('=', '+', '-', '@'))


def html_safe(text):
    return text.replace('<', '').replace('>', '').replace('"', '').replace("'", '').replace('&', '')


@pytest.mark.parametrize(
    'actions, words',
    [
        (['x'], 'actions[0] must be a mapping'),
        ([dict(ACTIONS[0], status='maybe')], "actions[0].status must be one of planned, done, failed, skipped, got 'maybe'"),
        ([dict(ACTIONS[0], resource='')], 'actions[0].resource must be a non-empty string'),
    ],
)
def test_bad_actions_fail_in_one_line(tmp_path, actions, words):
    with pytest.raises(report_run.ReportRunError) as err:
        run(tmp_path, build_record(), actions=actions)
    assert words in str(err.value) and '\n' not in str(err.value)
