# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What became of each action, from the response modules' registered results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._remediate.outcome import outcome, report_rows

ACTIONS = [
    {'kind': 'enable_agent', 'id': '101', 'resource': 'detection target 101 (web-1)', 'reason': 'r1'},
    {'kind': 'enable_agent', 'id': '102', 'resource': 'detection target 102 (web-2)', 'reason': 'r2'},
    {'kind': 'quarantine_malware', 'id': 'D1/F2', 'resource': 'file', 'reason': 'r3'},
    {'kind': 'delete_rule', 'id': 'R1', 'resource': 'rule', 'reason': 'r4'},
    {'kind': 'annotate_unreviewed', 'id': 'D1', 'resource': 'detection D1', 'reason': 'r5'},
]


def entry(key, value, changed=True, actions=('Op',), **more):
    return dict({key: value, 'changed': changed, 'actions': list(actions), 'pending': False}, **more)


def test_applied_already_so_failed_and_not_run():
    results = {
        'enable_agent': {
            'changed': True,
            'detection_targets': [entry('instance_no', '101', actions=['ActivateAgent']), entry('instance_no', '102', False, ())],
        },
        'quarantine_malware': {'failed': True, 'msg': 'file F2 is quarantineFailed (WBD code 8008)', 'suspicious_objects': []},
        'delete_rule': {'skipped': True},
        'annotate_unreviewed': {'results': [{'changed': True, 'detections': [entry('detection_id', 'D1', actions=['UpdateWebshellMemo'])]}]},
    }
    done = outcome(ACTIONS, results, check_mode=False)
    assert [(a['id'], a['status']) for a in done['actions']] == [
        ('101', 'done'),
        ('102', 'skipped'),
        ('D1/F2', 'failed'),
        ('R1', 'skipped'),
        ('D1', 'done'),
    ]
    assert done['actions'][0]['message'] == 'applied ActivateAgent'
    assert '8008' in done['actions'][2]['message']
    assert done['counts'] == {'planned': 0, 'done': 2, 'failed': 1, 'skipped': 2, 'total': 5}


def test_check_mode_plans():
    results = {'enable_agent': {'changed': True, 'detection_targets': [entry('instance_no', '101', actions=['ActivateAgent'])]}}
    done = outcome(ACTIONS[:1], results, check_mode=True)
    assert done['actions'][0]['status'] == 'planned' and done['actions'][0]['message'] == 'would call ActivateAgent'
    assert done['counts']['planned'] == 1


def test_a_write_applied_before_the_failure_is_done():
    results = {
        'quarantine_malware': {
            'failed': True,
            'msg': 'gateway 504',
            'suspicious_objects': [entry('detection_id', 'D1', object_id='F2', actions=['QuarantineWebshellSuspiciousObject'])],
        }
    }
    done = outcome([ACTIONS[2]], results, check_mode=False)
    assert done['actions'][0]['status'] == 'done'


def test_report_rows_keep_the_report_fields_only():
    done = outcome(ACTIONS[:1], {}, check_mode=False)
    assert report_rows(done['actions']) == [
        {
            'kind': 'enable_agent',
            'resource': 'detection target 101 (web-1)',
            'reason': 'r1',
            'status': 'skipped',
            'message': 'not carried out: its module call did not run',
        }
    ]
