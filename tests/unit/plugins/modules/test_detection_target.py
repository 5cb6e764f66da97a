# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ncloud.wbd.detection_target over a stateful stub of the WBD API: idempotence, check mode, diff, bulk reads by
page, exactly-once writes after lost answers, refusals, waiting for activation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.modules import detection_target
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._respond.write_api import SERVERS, WriteApi, refusal, servers
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import empty_warnings, main_output

SECRET = 'unit-secret-never-printed'
BASE = {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': 'http://127.0.0.1:1'}
FIRST = '25000000'


@pytest.fixture
def env(wbd_env):
    empty_warnings(wbd_env)
    wbd_env.setattr(client_mod.time, 'sleep', lambda seconds: None)
    return wbd_env


def run(api, env, capsys, **args):
    env.setattr(client_mod.WbdClient, '_new_session', staticmethod(lambda pool_size: api))
    out = main_output(detection_target, dict(BASE, **args), capsys)
    assert SECRET not in out
    return json.loads(out)


def server(api, ident=FIRST):
    return [s for s in api.lists[SERVERS] if s['instanceNo'] == ident][0]


def test_enable_then_nothing_to_do(env, capsys):
    api = WriteApi(servers=servers(3))
    first = run(api, env, capsys, instance_no=FIRST, agent='enabled')
    assert first['changed'] is True
    entry = first['detection_targets'][0]
    assert entry['actions'] == ['ActivateAgent'] and entry['before']['agent_status'] == 'disable' and entry['after']['agent_status'] == 'enable'
    assert entry['pending'] is True  # activation is asynchronous and wait is false
    assert [(c.method, c.path) for c in api.writes] == [('PATCH', '/api/v1/servers/25000000/agent/activate')]
    second = run(api, env, capsys, instance_no=FIRST, agent='enabled')
    assert second['changed'] is False and len(api.writes) == 1
    assert second['detection_targets'][0]['actions'] == []


def test_check_mode_sends_no_write_and_diff_shows_before_after(env, capsys):
    api = WriteApi(servers=servers(3))
    result = run(api, env, capsys, instance_nos=[FIRST, '25000001'], agent='enabled', memo='ticket 7', _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True and api.writes == []
    assert result['detection_targets'][0]['actions'] == ['ActivateAgent', 'UpdateDetectionTargetMemo']
    assert result['diff'][0] == {
        'before': {'agent_status': 'disable', 'memo': ''},
        'after': {'agent_status': 'enable', 'memo': 'ticket 7'},
        'before_header': 'detection target 25000000',
        'after_header': 'detection target 25000000',
    }
    assert len(result['diff']) == 2 and server(api)['agentStatus'] == 'disable'


def test_memo_append_keeps_the_analysts_text_and_adds_once(env, capsys):
    api = WriteApi(servers=servers(1, status='enable', memo='analyst: looked at it'))
    first = run(api, env, capsys, instance_no=FIRST, memo_append='SEC-1: checked')
    assert first['changed'] is True and server(api)['memo'] == 'analyst: looked at it\nSEC-1: checked'
    assert api.writes[0].body == {'content': 'analyst: looked at it\nSEC-1: checked'}
    second = run(api, env, capsys, instance_no=FIRST, memo_append='SEC-1: checked')
    assert second['changed'] is False and len(api.writes) == 1


def test_bulk_reads_pages_not_ids_and_writes_only_what_differs(env, capsys):
    records = servers(350)
    for record in records[::2]:
        record['agentStatus'] = 'enable'
    api = WriteApi(servers=records)
    ids = [r['instanceNo'] for r in records[:320]]
    result = run(api, env, capsys, instance_nos=ids, agent='enabled', concurrency=8)
    assert result['changed'] is True and len(result['detection_targets']) == 320
    assert len(api.writes) == 160 and len(set(c.path for c in api.writes)) == 160
    assert len(api.reads) == 4  # 320 IDs found within pages 0-3 of 100: four reads, whatever the number of IDs
    assert [e['changed'] for e in result['detection_targets'][:4]] == [False, True, False, True]


def test_missing_target_is_an_error_in_its_own_words(env, capsys):
    api = WriteApi(servers=servers(2))
    result = run(api, env, capsys, instance_nos=[FIRST, '99'], agent='enabled')
    assert result['failed'] is True and api.writes == []
    assert result['msg'] == 'No detection target with instance_no 99: GetDetectionTarget does not list it.'


def test_write_whose_answer_was_lost_is_not_sent_again(env, capsys):
    api = WriteApi(servers=servers(2), faults={'/api/v1/servers/25000000/agent/deactivate': ['drop']})
    server(api)['agentStatus'] = 'enable'
    result = run(api, env, capsys, instance_no=FIRST, agent='disabled')
    assert result['changed'] is True and len(api.writes) == 1 and server(api)['agentStatus'] == 'disable'
    assert any('re-reading showed it had taken' in w for w in map(str, result.get('warnings', [])))


def test_write_that_did_not_take_is_sent_again_once(env, capsys):
    api = WriteApi(servers=servers(2), faults={'/api/v1/servers/25000000/memo': ['fail']})
    result = run(api, env, capsys, instance_no=FIRST, memo='x')
    assert result['changed'] is True and len(api.writes) == 2 and server(api)['memo'] == 'x'
    assert result['detection_targets'][0]['actions'] == ['UpdateDetectionTargetMemo']


def test_refusal_names_server_state_and_operation(env, capsys):
    api = WriteApi(servers=servers(1, status='notInstalled'))
    result = run(api, env, capsys, instance_no=FIRST, agent='enabled')
    assert result['failed'] is True and len(api.writes) == 1
    assert result['msg'].startswith('ActivateAgent refused for detection target 25000000 (agent status notInstalled): it is not in the state')
    assert '\n' not in result['msg'] and result['error']['kind'] == 'refused'
    assert result['detection_targets'][0]['actions'] == [] and result['changed'] is False


def test_failure_in_bulk_still_counts_a_write_whose_answer_was_lost(env, capsys):
    api = WriteApi(servers=servers(2), faults={'/api/v1/servers/25000000/agent/activate': ['drop']})
    server(api, '25000001')['agentStatus'] = 'notInstalled'
    result = run(api, env, capsys, instance_nos=[FIRST, '25000001'], agent='enabled', concurrency=1)
    assert result['failed'] is True and result['msg'].startswith('ActivateAgent refused for detection target 25000001')
    assert result['changed'] is True and [e['changed'] for e in result['detection_targets']] == [True, False]
    assert server(api)['agentStatus'] == 'enable' and len(api.writes) == 2


def test_refused_because_someone_else_did_it_is_done_not_failed(env, capsys):
    def other_admin(api):
        server(api)['agentStatus'] = 'enable'  # enabled by someone else a moment before
        return refusal(8004, 'Invaliddata.The agent status is enable.')

    api = WriteApi(servers=servers(1), refuse={'/api/v1/servers/25000000/agent/activate': other_admin})
    result = run(api, env, capsys, instance_no=FIRST, agent='enabled')
    assert 'failed' not in result and result['changed'] is False and len(api.writes) == 1
    assert any('already as asked (someone else' in w for w in map(str, result.get('warnings', [])))


def test_read_only_key_names_the_operation(env, capsys, fakes):
    api = WriteApi(servers=servers(1), refuse={'/api/v1/servers/25000000/memo': lambda api: fakes.gateway_error(403, '230', 'Forbidden')})
    result = run(api, env, capsys, instance_no=FIRST, memo='x')
    assert result['failed'] is True and result['error']['kind'] == 'permission'
    assert result['msg'].startswith('UpdateDetectionTargetMemo on detection target 25000000 (agent status disable): Forbidden')


def test_wait_polls_until_the_agent_is_enabled(env, capsys):
    api = WriteApi(servers=servers(1), activate_to='activating')
    polls = []

    def sleep(seconds):
        polls.append(seconds)
        if len(polls) == 3:
            server(api)['agentStatus'] = 'enable'

    env.setattr(client_mod.time, 'sleep', sleep)
    result = run(api, env, capsys, instance_no=FIRST, agent='enabled', wait=True, wait_timeout=60)
    entry = result['detection_targets'][0]
    assert entry['pending'] is False and entry['after']['agent_status'] == 'enable' and len(polls) == 3


def test_wait_fails_when_the_agent_settles_elsewhere(env, capsys):
    api = WriteApi(servers=servers(1), activate_to='activating')
    env.setattr(client_mod.time, 'sleep', lambda seconds: server(api).update(agentStatus='error'))
    result = run(api, env, capsys, instance_no=FIRST, agent='enabled', wait=True, wait_timeout=60)
    assert result['failed'] is True and result['changed'] is True
    assert result['msg'] == 'detection target 25000000 did not reach the state asked for: it is now agent status error after ActivateAgent.'


def test_check_mode_reports_an_agent_already_activating_as_pending(env, capsys):
    api = WriteApi(servers=servers(1, status='activating'))
    result = run(api, env, capsys, instance_no=FIRST, agent='enabled', wait=True, _ansible_check_mode=True)
    entry = result['detection_targets'][0]
    assert result['changed'] is False and entry['pending'] is True and entry['actions'] == [] and api.writes == []


def test_wait_timeout_fails_with_one_line(env, capsys):
    api = WriteApi(servers=servers(1), activate_to='activating')
    result = run(api, env, capsys, instance_no=FIRST, agent='enabled', wait=True, wait_timeout=0)
    assert result['failed'] is True and 'had not settled after wait_timeout' in result['msg']
    assert result['changed'] is True and result['detection_targets'][0]['pending'] is True


@pytest.mark.parametrize(
    'args, message',
    [
        ({'instance_no': FIRST, 'memo_append': 'a\nb'}, 'memo_append adds one line'),
        ({'instance_no': FIRST, 'memo': 'a', 'memo_append': 'b'}, 'mutually exclusive'),
        ({'agent': 'enabled'}, 'one of the following is required'),
        ({'instance_nos': [' '], 'agent': 'enabled'}, 'instance_nos must not hold an empty ID.'),
    ],
)
def test_bad_options_are_one_line_before_any_request(env, capsys, args, message):
    api = WriteApi(servers=servers(1))
    result = run(api, env, capsys, **args)
    assert result['failed'] is True and message in result['msg'] and api.calls == []
