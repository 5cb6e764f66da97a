# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ncloud.wbd.quarantine over a stateful stub of the WBD API: restore, memo, a restored file found among the
detections' files, exactly-once restore, refusals."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.modules import quarantine
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.detections_api import QUARANTINES, DetectionsApi, detections
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import empty_warnings

FILE = '%022d' % 11
RECOVER = '/api/v1/quarantines/%s/recover' % FILE


@pytest.fixture
def env(wbd_env):
    empty_warnings(wbd_env)
    wbd_env.setattr(client_mod.time, 'sleep', lambda seconds: None)
    return wbd_env


def test_memo_then_restore_then_found_among_the_detections_files(env, capsys):
    api = DetectionsApi(detected=detections(3, files=1, status='quarantined'))
    first = api.module(quarantine, env, capsys, quarantine_id=FILE, state='restored', memo_append='INC-12')
    assert first['changed'] is True
    assert [c.path for c in api.writes] == ['/api/v1/quarantines/%s/memo' % FILE, RECOVER]
    assert api.file(FILE)['status'] == 'detected' and api.file(FILE)['memo'] == 'INC-12'
    second = api.module(quarantine, env, capsys, quarantine_id=FILE, state='restored', memo_append='INC-12')
    assert second['changed'] is False and len(api.writes) == 2
    assert second['quarantines'][0]['before'] == {'state': 'restored', 'memo': 'INC-12'}
    # The file left the quarantine list: found in GetWebshell's files, then read from its one detection.
    assert '/api/v1/detections/%022d/suspicious-objects' % 10 in [c.path for c in api.reads]


def test_check_mode_restores_nothing(env, capsys):
    api = DetectionsApi(detected=detections(2, files=1, status='quarantined'))
    result = api.module(quarantine, env, capsys, quarantine_ids=[FILE], state='restored', _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True and api.writes == [] and len(api.lists[QUARANTINES]) == 2
    assert result['diff'][0]['before'] == {'state': 'quarantined', 'memo': ''} and result['diff'][0]['after'] == {'state': 'restored', 'memo': ''}


def test_a_restore_whose_answer_was_lost_is_not_sent_again(env, capsys):
    api = DetectionsApi(detected=detections(2, files=1, status='quarantined'), faults={RECOVER: ['drop']})
    result = api.module(quarantine, env, capsys, quarantine_id=FILE, state='restored')
    assert result['changed'] is True and [c.path for c in api.writes] == [RECOVER]


def test_a_restored_file_cannot_be_kept_in_quarantine(env, capsys):
    api = DetectionsApi(detected=detections(2, files=1))
    result = api.module(quarantine, env, capsys, quarantine_id=FILE, memo='x')
    assert result['failed'] is True and api.writes == []
    assert 'is not in quarantine' in result['msg'] and 'ncloud.wbd.suspicious_object' in result['msg']


def test_an_unknown_file_names_every_list_read(env, capsys):
    api = DetectionsApi(detected=detections(2, files=1, status='quarantined'))
    result = api.module(quarantine, env, capsys, quarantine_id='3' * 22, state='restored')
    assert result['failed'] is True and api.writes == []
    assert result['msg'].startswith('No quarantined file with quarantine_id %s' % ('3' * 22))
    assert all(op in result['msg'] for op in ('GetQuarantine', 'GetWebshell', 'GetExceptedWebshell'))
