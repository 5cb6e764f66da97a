# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ncloud.wbd.excepted_detection over a stateful stub of the WBD API: revoke, memo, a revoked one found among the
detections, exactly-once revoke, refusals."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.modules import excepted_detection
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.detections_api import DETECTIONS, EXCEPTIONS, DetectionsApi, detections
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import empty_warnings

FIRST = '%022d' % 0
CANCEL = '/api/v1/exceptions/%s/cancel' % FIRST


@pytest.fixture
def env(wbd_env):
    empty_warnings(wbd_env)
    wbd_env.setattr(client_mod.time, 'sleep', lambda seconds: None)
    return wbd_env


def test_memo_then_revoke_then_nothing_to_do(env, capsys):
    api = DetectionsApi(detected=detections(2, start=10), excepted=detections(2, memo='analyst: ok'))
    first = api.module(excepted_detection, env, capsys, exception_id=FIRST, state='revoked', memo_append='SEC-91')
    assert first['changed'] is True
    assert [(c.method, c.path) for c in api.writes] == [('PATCH', '/api/v1/exceptions/%s/memo' % FIRST), ('PATCH', CANCEL)]
    assert api.writes[0].body == {'content': 'analyst: ok\nSEC-91'}
    assert api.record(EXCEPTIONS, FIRST) is None and api.record(DETECTIONS, FIRST)['memo'] == 'analyst: ok\nSEC-91'
    second = api.module(excepted_detection, env, capsys, exception_id=FIRST, state='revoked', memo_append='SEC-91')
    assert second['changed'] is False and len(api.writes) == 2
    assert second['excepted_detections'][0]['before'] == {'state': 'revoked', 'memo': 'analyst: ok\nSEC-91'}


def test_check_mode_revokes_nothing(env, capsys):
    api = DetectionsApi(excepted=detections(3))
    result = api.module(excepted_detection, env, capsys, exception_ids=[FIRST, '%022d' % 10], state='revoked', _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True and api.writes == [] and len(api.lists[EXCEPTIONS]) == 3
    assert [d['after'] for d in result['diff']] == [{'state': 'revoked', 'memo': ''}] * 2


def test_a_revoke_whose_answer_was_lost_is_not_sent_again(env, capsys):
    api = DetectionsApi(excepted=detections(2), faults={CANCEL: ['drop']})
    result = api.module(excepted_detection, env, capsys, exception_id=FIRST, state='revoked')
    assert result['changed'] is True and [c.path for c in api.writes] == [CANCEL]
    assert api.record(DETECTIONS, FIRST) is not None


def test_a_revoked_one_cannot_be_kept_excepted_nor_get_a_memo_here(env, capsys):
    api = DetectionsApi(detected=detections(1))
    kept = api.module(excepted_detection, env, capsys, exception_id=FIRST)
    assert kept['failed'] is True and 'cannot except it again' in kept['msg']
    memo = api.module(excepted_detection, env, capsys, exception_id=FIRST, state='revoked', memo='new')
    assert memo['failed'] is True and 'ncloud.wbd.detection' in memo['msg'] and api.writes == []


def test_an_unknown_id_is_named(env, capsys):
    api = DetectionsApi(detected=detections(1), excepted=detections(1, start=3))
    result = api.module(excepted_detection, env, capsys, exception_id='5' * 22, state='revoked')
    assert result['failed'] is True and api.writes == []
    assert result['msg'].startswith('No excepted detection with exception_id %s' % ('5' * 22))
