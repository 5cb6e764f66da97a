# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ncloud.wbd.suspicious_object over a stateful stub of the WBD API: quarantine, restore, memo, files of excepted
detections, one read per detection, exactly-once writes, refusals."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.modules import suspicious_object
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.detections_api import DetectionsApi, detections
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import empty_warnings

DET = '%022d' % 0
FILE_A = '%022d' % 1
FILE_B = '%022d' % 2
QUARANTINE_A = '/api/v1/detections/%s/suspicious-objects/%s/quarantine' % (DET, FILE_A)


@pytest.fixture
def env(wbd_env):
    empty_warnings(wbd_env)
    wbd_env.setattr(client_mod.time, 'sleep', lambda seconds: None)
    return wbd_env


def test_quarantine_with_memo_then_nothing_to_do_reading_each_detection_once(env, capsys):
    api = DetectionsApi(detected=detections(2, files=2))
    objects = [{'detection_id': DET, 'object_id': FILE_A}, {'detection_id': DET, 'suspicion_file_id': FILE_B}]
    first = api.module(suspicious_object, env, capsys, objects=objects, state='quarantined', memo_append='SEC-5')
    assert first['changed'] is True
    assert [e['actions'] for e in first['suspicious_objects']] == [['QuarantineWebshellSuspiciousObject', 'UpdateWebshellSuspiciousObjectMemo']] * 2
    assert [(e['detection_id'], e['object_id'], e['excepted']) for e in first['suspicious_objects']] == [(DET, FILE_A, False), (DET, FILE_B, False)]
    assert [c.path for c in api.reads] == ['/api/v1/detections/%s/suspicious-objects' % DET]  # two files, one read
    assert api.file(FILE_A)['status'] == 'quarantined' and api.file(FILE_A)['memo'] == 'SEC-5'
    second = api.module(suspicious_object, env, capsys, objects=objects, state='quarantined', memo_append='SEC-5')
    assert second['changed'] is False and len(api.writes) == 4


def test_check_mode_and_diff(env, capsys):
    api = DetectionsApi(detected=detections(1, files=1, status='quarantined'))
    result = api.module(suspicious_object, env, capsys, detection_id=DET, object_id=FILE_A, state='restored', _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True and api.writes == []
    assert result['suspicious_objects'][0]['actions'] == ['RecoverWebshellSuspiciousObject']
    assert result['diff'] == [
        {
            'before': {'status': 'quarantined', 'memo': ''},
            'after': {'status': 'detected', 'memo': ''},
            'before_header': 'suspicious file %s of detection %s' % (FILE_A, DET),
            'after_header': 'suspicious file %s of detection %s' % (FILE_A, DET),
        }
    ]


def test_a_file_of_an_excepted_detection_uses_the_excepted_operations(env, capsys):
    api = DetectionsApi(excepted=detections(1, files=1))
    result = api.module(suspicious_object, env, capsys, detection_id=DET, object_id=FILE_A, excepted=True, state='quarantined')
    assert result['changed'] is True
    assert [c.path for c in api.writes] == ['/api/v1/exceptions/%s/suspicious-objects/%s/quarantine' % (DET, FILE_A)]
    assert result['suspicious_objects'][0]['actions'] == ['QuarantineExceptedWebshellSuspiciousObject']


def test_a_quarantine_whose_answer_was_lost_is_not_sent_again(env, capsys):
    api = DetectionsApi(detected=detections(1, files=1), faults={QUARANTINE_A: ['drop']})
    result = api.module(suspicious_object, env, capsys, detection_id=DET, object_id=FILE_A, state='quarantined')
    assert result['changed'] is True and [c.path for c in api.writes] == [QUARANTINE_A]
    assert api.file(FILE_A)['status'] == 'quarantined'


def test_a_file_in_quarantine_failed_is_one_line_naming_it_and_its_status(env, capsys):
    api = DetectionsApi(detected=detections(1, files=1, status='quarantineFailed'))
    result = api.module(suspicious_object, env, capsys, detection_id=DET, object_id=FILE_A, state='quarantined')
    assert result['failed'] is True and '\n' not in result['msg']
    assert result['msg'].startswith('QuarantineWebshellSuspiciousObject refused for suspicious file %s/%s (file status quarantineFailed)' % (DET, FILE_A))
    assert 'code 8008' in result['msg']


def test_a_missing_file_says_where_it_was_looked_for(env, capsys):
    api = DetectionsApi(detected=detections(1, files=1))
    result = api.module(suspicious_object, env, capsys, detection_id=DET, object_id='7' * 22, state='quarantined')
    assert result['failed'] is True and api.writes == []
    assert 'No suspicious file %s/%s' % (DET, '7' * 22) in result['msg'] and 'GetWebshellSuspiciousObject' in result['msg']


def test_a_file_named_twice_with_different_excepted_is_refused(env, capsys):
    api = DetectionsApi(detected=detections(1, files=1))
    objects = [{'detection_id': DET, 'object_id': FILE_A}, {'detection_id': DET, 'object_id': FILE_A, 'excepted': True}]
    result = api.module(suspicious_object, env, capsys, objects=objects, state='quarantined')
    assert result['failed'] is True and api.calls == []
    assert 'named twice' in result['msg']
