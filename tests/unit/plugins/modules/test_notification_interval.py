# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ncloud.wbd.notification_interval: names against milliseconds, idempotence, check mode, diff, a lost answer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.modules import notification_interval
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._respond.write_api import INTERVAL, WriteApi
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import empty_warnings, main_output

SECRET = 'unit-secret-never-printed'
BASE = {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': 'http://127.0.0.1:1'}


@pytest.fixture
def env(wbd_env):
    empty_warnings(wbd_env)
    wbd_env.setattr(client_mod.time, 'sleep', lambda seconds: None)
    return wbd_env


def run(api, env, capsys, **args):
    env.setattr(client_mod.WbdClient, '_new_session', staticmethod(lambda pool_size: api))
    out = main_output(notification_interval, dict(BASE, **args), capsys)
    assert SECRET not in out
    return json.loads(out)


def test_set_then_nothing_to_do(env, capsys):
    api = WriteApi(interval_ms=3600000)
    first = run(api, env, capsys, interval='ten_min', _ansible_diff=True)
    assert first['changed'] is True and first['actions'] == ['UpdateNotificationInterval']
    assert first['before'] == {'interval': 'one_hour', 'interval_ms': 3600000}
    assert first['notification_interval'] == {'interval': 'ten_min', 'interval_ms': 600000}
    assert api.writes[0].body == {'interval': 'ten_min'} and api.interval['interval'] == 600000
    assert first['diff'][0]['before_header'] == 'notification interval'
    second = run(api, env, capsys, interval='ten_min')
    assert second['changed'] is False and len(api.writes) == 1 and second['actions'] == []


def test_check_mode_sends_no_write(env, capsys):
    api = WriteApi(interval_ms=3600000)
    result = run(api, env, capsys, interval='one_min', _ansible_check_mode=True)
    assert result['changed'] is True and api.writes == [] and api.interval['interval'] == 3600000


def test_unknown_milliseconds_count_as_different(env, capsys):
    api = WriteApi(interval_ms=12345)
    result = run(api, env, capsys, interval='one_min')
    assert result['before'] == {'interval': None, 'interval_ms': 12345} and result['changed'] is True


def test_lost_answer_is_not_sent_again(env, capsys):
    api = WriteApi(interval_ms=3600000, faults={INTERVAL: ['drop']})
    result = run(api, env, capsys, interval='twenty_four_hour')
    assert result['changed'] is True and len(api.writes) == 1 and api.interval['interval'] == 86400000


def test_unknown_name_is_refused_before_any_request(env, capsys):
    api = WriteApi()
    result = run(api, env, capsys, interval='two_days')
    assert result['failed'] is True and 'value of interval must be one of' in result['msg'] and api.calls == []
