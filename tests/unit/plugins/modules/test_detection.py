# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ncloud.wbd.detection over a stateful stub of the WBD API: memo, delete, check mode, diff, bulk reads by page,
exactly-once delete after a lost answer, refusals."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.modules import detection
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.detections_api import DETECTIONS, DetectionsApi, detections
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import empty_warnings

FIRST = '%022d' % 0
SECOND = '%022d' % 10


@pytest.fixture
def env(wbd_env):
    empty_warnings(wbd_env)
    wbd_env.setattr(client_mod.time, 'sleep', lambda seconds: None)
    return wbd_env


def test_memo_append_keeps_the_analysts_text_then_nothing_to_do(env, capsys):
    api = DetectionsApi(detected=detections(3, memo='analyst: backup job'))
    first = api.module(detection, env, capsys, detection_id=FIRST, memo_append='INC-1: triaged')
    assert first['changed'] is True and first['detections'][0]['actions'] == ['UpdateWebshellMemo']
    assert api.record(DETECTIONS, FIRST)['memo'] == 'analyst: backup job\nINC-1: triaged'
    second = api.module(detection, env, capsys, detection_id=FIRST, memo_append='INC-1: triaged')
    assert second['changed'] is False and len(api.writes) == 1


def test_check_mode_deletes_nothing_and_shows_the_diff(env, capsys):
    api = DetectionsApi(detected=detections(3, memo='seen'))
    result = api.module(detection, env, capsys, detection_ids=[FIRST, SECOND], state='absent', _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True and api.writes == [] and len(api.lists[DETECTIONS]) == 3
    assert result['diff'][0] == {
        'before': {'state': 'present', 'memo': 'seen'},
        'after': {'state': 'absent', 'memo': None},
        'before_header': 'detection %s' % FIRST,
        'after_header': 'detection %s' % FIRST,
    }
    assert [e['actions'] for e in result['detections']] == [['DeleteWebshell'], ['DeleteWebshell']]


def test_delete_is_idempotent(env, capsys):
    api = DetectionsApi(detected=detections(3))
    first = api.module(detection, env, capsys, detection_id=SECOND, state='absent')
    assert first['changed'] is True and [(c.method, c.path) for c in api.writes] == [('DELETE', '%s/%s' % (DETECTIONS, SECOND))]
    second = api.module(detection, env, capsys, detection_id=SECOND, state='absent')
    assert second['changed'] is False and len(api.writes) == 1
    assert second['detections'][0]['before'] == {'state': 'absent', 'memo': None}


def test_bulk_reads_pages_not_ids(env, capsys):
    api = DetectionsApi(detected=detections(350))
    ids = ['%022d' % (i * 10) for i in range(50, 350)]
    result = api.module(detection, env, capsys, detection_ids=ids, memo='swept', concurrency=1)
    assert result['changed'] is True and len(api.writes) == 300
    assert len([c for c in api.reads if c.path == DETECTIONS]) <= 5  # 350 in pages of 100, not 300 requests
    again = api.module(detection, env, capsys, detection_ids=ids, memo='swept')
    assert again['changed'] is False and len(api.writes) == 300


def test_a_delete_whose_answer_was_lost_is_not_sent_again(env, capsys):
    path = '%s/%s' % (DETECTIONS, FIRST)
    api = DetectionsApi(detected=detections(2), faults={path: ['drop']})
    result = api.module(detection, env, capsys, detection_id=FIRST, state='absent')
    assert result['changed'] is True
    assert [c.path for c in api.writes] == [path] and api.record(DETECTIONS, FIRST) is None
    assert any('got no answer' in w for w in map(str, result['warnings']))


def test_an_excepted_detection_is_refused_before_any_write(env, capsys):
    api = DetectionsApi(detected=detections(1), excepted=detections(1, start=5))
    result = api.module(detection, env, capsys, detection_id='%022d' % 50, state='absent')
    assert result['failed'] is True and api.writes == []
    assert 'is excepted' in result['msg'] and 'ncloud.wbd.excepted_detection' in result['msg'] and '\n' not in result['msg']


def test_a_missing_detection_is_named(env, capsys):
    api = DetectionsApi(detected=detections(2))
    result = api.module(detection, env, capsys, detection_ids=[FIRST, '9' * 22], memo='x')
    assert result['failed'] is True and api.writes == []
    assert result['msg'] == 'No detection with detection_id %s: GetWebshell does not list it.' % ('9' * 22)


def test_a_memo_does_not_go_with_absent(env, capsys):
    api = DetectionsApi(detected=detections(1))
    result = api.module(detection, env, capsys, detection_id=FIRST, state='absent', memo='x')
    assert result['failed'] is True and api.calls == []
    assert 'do not go with state: absent' in result['msg']
