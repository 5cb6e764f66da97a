# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The remediation plan: exactly the actions each switch allows, with their reasons; the cap; incomplete records."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._remediate.plan import RemediationError, annotation_line, plan

DAY = 86400000
NOW = 1796000000000
ALL = dict(enable_agents=True, quarantine_malware=True, delete_unapproved_rules=True, annotate_unreviewed=True)


def detection(did, age_days, unreviewed=True, memo=None, files=None):
    moment = NOW - int(age_days * DAY)
    return {
        'detection_id': did,
        'detect_time': moment,
        'detect_time_iso': '2026-11-%02dT10:00:00.000Z' % (20 - int(age_days)),
        'unreviewed': unreviewed,
        'memo': memo,
        'suspicion_files': files or [],
    }


def finding(fid, kind, **fields):
    out = {'id': fid, 'kind': kind, 'severity': 'high', 'message': 'because %s' % fid, 'host': None, 'rule_id': None, 'detection_id': None}
    out.update(fields)
    return out


def record(complete=True):
    files = [
        {'suspicion_file_id': 'F1', 'file_origin_name': '/www/ok.php', 'hash_scan_result': 'notMalware', 'quarantined': False},
        {'suspicion_file_id': 'F2', 'file_origin_name': '/www/shell.php', 'hash_scan_result': 'malware', 'quarantined': False},
    ]
    hosts = {
        'web-1': {'target': {'instance_no': '101', 'server_name': 'web-1', 'agent_status': 'disable'}, 'detections': [detection('D1', 5, files=files)]},
        'web-2': {'target': {'instance_no': '102', 'server_name': 'web-2', 'agent_status': 'notInstalled'}, 'detections': [detection('D2', 1)]},
        'web-3': {'target': {'instance_no': '103', 'server_name': 'web-3', 'agent_status': 'enable'}, 'detections': [detection('D3', 4, unreviewed=False)]},
        'web-4': {'target': None, 'detections': []},
    }
    findings = [
        finding('host/web-1/agent_not_enabled', 'agent_not_enabled', host='web-1'),
        finding('host/web-1/unreviewed_detections', 'unreviewed_detections', host='web-1'),
        finding('detection/D1/malware_not_quarantined/1', 'malware_not_quarantined', detection_id='D1'),
        finding('rule/R1/rule_not_in_baseline', 'rule_not_in_baseline', rule_id='R1'),
        finding('rule/R2/baseline_rule_missing', 'baseline_rule_missing', rule_id='R2'),
        finding('rule/R3/rule_differs_from_baseline', 'rule_differs_from_baseline', rule_id='R3'),
    ]
    return {
        'schema_version': 2,
        'completeness': {'complete': complete, 'problems': [] if complete else [{'message': 'the detection list is incomplete'}]},
        'hosts': hosts,
        'unmatched_detections': [],
        'exception_rules': [{'rule_id': 'R1', 'name': 'allow-all'}, {'rule_id': 'R3', 'name': 'changed'}],
        'findings': findings,
    }


def test_nothing_is_planned_with_every_switch_off():
    planned = plan(record(), {}, {}, NOW)
    assert planned['actions'] == [] and planned['count'] == 0
    assert planned['calls'] == {'detection_target': None, 'suspicious_object': None, 'exception_rule': None, 'detection': []}


def test_every_switch_plans_exactly_its_actions_with_reasons():
    planned = plan(record(), ALL, {}, NOW)
    assert [(a['kind'], a['id']) for a in planned['actions']] == [
        ('enable_agent', '101'),
        ('quarantine_malware', 'D1/F2'),
        ('delete_rule', 'R1'),
        ('annotate_unreviewed', 'D1'),
    ]
    reasons = [a['reason'] for a in planned['actions']]
    assert reasons[:3] == ['because host/web-1/agent_not_enabled', 'because detection/D1/malware_not_quarantined/1', 'because rule/R1/rule_not_in_baseline']
    assert reasons[3].startswith('unreviewed for more than 3d') and reasons[3].endswith('because host/web-1/unreviewed_detections')
    assert planned['calls']['detection_target'] == {'instance_nos': ['101'], 'agent': 'enabled'}
    assert planned['calls']['suspicious_object'] == {'objects': [{'detection_id': 'D1', 'object_id': 'F2'}], 'state': 'quarantined'}
    assert planned['calls']['exception_rule'] == {'rule_ids': ['R1'], 'state': 'absent'}
    assert planned['calls']['detection'] == [{'detection_ids': ['D1'], 'memo_append': annotation_line(record()['hosts']['web-1']['detections'][0])}]
    assert planned['skipped'] == []


@pytest.mark.parametrize(
    'switch, kinds',
    [
        ('enable_agents', ['enable_agent']),
        ('quarantine_malware', ['quarantine_malware']),
        ('delete_unapproved_rules', ['delete_rule']),
        ('annotate_unreviewed', ['annotate_unreviewed']),
    ],
)
def test_each_switch_alone(switch, kinds):
    assert [a['kind'] for a in plan(record(), {switch: True}, {}, NOW)['actions']] == kinds


def test_annotation_is_idempotent_and_keeps_the_analysts_text():
    rec = record()
    line = annotation_line(rec['hosts']['web-1']['detections'][0])
    assert line == annotation_line(rec['hosts']['web-1']['detections'][0]) and '\n' not in line
    rec['hosts']['web-1']['detections'][0]['memo'] = 'analyst: looks real\n' + line
    assert plan(rec, {'annotate_unreviewed': True}, {}, NOW)['actions'] == []


def test_annotate_after_moves_the_cutoff():
    assert [a['id'] for a in plan(record(), {'annotate_unreviewed': True}, {'annotate_after': '12h'}, NOW)['actions']] == ['D1', 'D2']
    assert plan(record(), {'annotate_unreviewed': True}, {'annotate_after': '6d'}, NOW)['actions'] == []


def test_over_the_cap_nothing_is_planned_to_run_and_the_actions_are_listed():
    with pytest.raises(RemediationError) as err:
        plan(record(), ALL, {'max_actions': 3}, NOW, prefix='webshell_remediate_')
    assert str(err.value).startswith('4 actions planned, more than webshell_remediate_max_actions (3): nothing was done')
    assert len(err.value.actions) == 4


@pytest.mark.parametrize('cap', [0, -1, 10001, True, 'many', 2.5])
def test_the_cap_must_be_in_range(cap):
    with pytest.raises(RemediationError, match='max_actions must be a whole number from 1 to 10000'):
        plan(record(), ALL, {'max_actions': cap}, NOW)


def test_a_bad_age_is_one_line():
    with pytest.raises(RemediationError) as err:
        plan(record(), ALL, {'annotate_after': 'soon'}, NOW)
    assert 'annotate_after' in str(err.value) and '\n' not in str(err.value)


def test_an_incomplete_record_is_refused_unless_allowed():
    with pytest.raises(RemediationError, match='incomplete .the detection list is incomplete.'):
        plan(record(complete=False), ALL, {}, NOW)
    assert plan(record(complete=False), ALL, {'allow_incomplete': True}, NOW)['count'] == 4
    assert plan(record(complete=False), {}, {}, NOW)['count'] == 0


def test_a_malware_file_without_its_id_is_skipped_loudly():
    rec = record()
    del rec['hosts']['web-1']['detections'][0]['suspicion_files'][1]['suspicion_file_id']
    planned = plan(rec, {'quarantine_malware': True}, {}, NOW)
    assert planned['actions'] == []
    assert [s['id'] for s in planned['skipped']] == ['D1'] and 'no suspicion_file_id' in planned['skipped'][0]['message']


def test_one_agent_action_per_target_even_when_hosts_share_it():
    rec = record()
    rec['hosts']['web-1b'] = dict(rec['hosts']['web-1'], detections=[])
    assert [a['id'] for a in plan(rec, {'enable_agents': True}, {}, NOW)['actions']] == ['101']


def test_annotations_of_one_day_share_a_call():
    rec = record()
    rec['hosts']['web-1']['detections'].append(dict(detection('D9', 5), detect_time_iso='2026-11-15T23:00:00.000Z'))
    calls = plan(rec, {'annotate_unreviewed': True}, {}, NOW)['calls']['detection']
    assert calls == [{'detection_ids': ['D1', 'D9'], 'memo_append': annotation_line(rec['hosts']['web-1']['detections'][0])}]
