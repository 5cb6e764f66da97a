# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ncloud.wbd.exception_rule over a stateful stub: delete and recover between the live and deleted lists, memos on
either list, check mode, bulk reads by page, exactly-once after a lost answer, missing rules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.modules import exception_rule
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._respond.write_api import DELETED_RULES, RULES, WriteApi, rules
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import empty_warnings, main_output

SECRET = 'unit-secret-never-printed'
BASE = {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': 'http://127.0.0.1:1'}
R0 = '%022d' % 0
R1 = '%022d' % 1


@pytest.fixture
def env(wbd_env):
    empty_warnings(wbd_env)
    wbd_env.setattr(client_mod.time, 'sleep', lambda seconds: None)
    return wbd_env


def run(api, env, capsys, **args):
    env.setattr(client_mod.WbdClient, '_new_session', staticmethod(lambda pool_size: api))
    out = main_output(exception_rule, dict(BASE, **args), capsys)
    assert SECRET not in out
    return json.loads(out)


def ids(api, path):
    return [r['exceptedRuleId'] for r in api.lists[path]]


def test_delete_then_nothing_to_do(env, capsys):
    api = WriteApi(rules=rules(3))
    first = run(api, env, capsys, rule_id=R1, state='absent')
    assert first['changed'] is True and first['exception_rules'][0]['actions'] == ['DeleteExceptionRule']
    assert [(c.method, c.path) for c in api.writes] == [('DELETE', '/api/v1/exception-rules/' + R1)]
    assert ids(api, DELETED_RULES) == [R1] and R1 not in ids(api, RULES)
    second = run(api, env, capsys, rule_id=R1, state='absent')
    assert second['changed'] is False and len(api.writes) == 1


def test_recover_a_deleted_rule_and_memo_goes_to_the_list_it_ends_in(env, capsys):
    api = WriteApi(rules=rules(2), deleted_rules=rules(1, start=5))
    deleted = '%022d' % 5
    result = run(api, env, capsys, rule_id=deleted, state='present', memo_append='recovered: SEC-9', _ansible_diff=True)
    assert result['exception_rules'][0]['actions'] == ['RecoverDeletedExceptionRule', 'UpdateExceptionRuleMemo']
    assert [c.method for c in api.writes] == ['POST', 'PATCH'] and api.writes[1].path == '/api/v1/exception-rules/%s/memo' % deleted
    assert result['diff'] == [
        {
            'before': {'state': 'absent', 'memo': ''},
            'after': {'state': 'present', 'memo': 'recovered: SEC-9'},
            'before_header': 'exception rule ' + deleted,
            'after_header': 'exception rule ' + deleted,
        }
    ]


def test_memo_of_a_deleted_rule_without_state_leaves_it_deleted(env, capsys):
    api = WriteApi(rules=rules(1), deleted_rules=rules(1, start=5))
    deleted = '%022d' % 5
    result = run(api, env, capsys, rule_id=deleted, memo='why it was deleted')
    assert result['exception_rules'][0]['actions'] == ['UpdateDeletedExceptionRuleMemo']
    assert ids(api, DELETED_RULES) == [deleted] and api.lists[DELETED_RULES][0]['memo'] == 'why it was deleted'


def test_check_mode_sends_no_write(env, capsys):
    api = WriteApi(rules=rules(3))
    result = run(api, env, capsys, rule_ids=[R0, R1], state='absent', _ansible_check_mode=True)
    assert result['changed'] is True and api.writes == [] and len(ids(api, RULES)) == 3
    assert [e['actions'] for e in result['exception_rules']] == [['DeleteExceptionRule']] * 2


def test_bulk_over_both_lists_reads_pages(env, capsys):
    api = WriteApi(rules=rules(200), deleted_rules=rules(150, start=1000))
    wanted = ['%022d' % i for i in range(0, 200, 2)] + ['%022d' % i for i in range(1000, 1150)]
    result = run(api, env, capsys, rule_ids=wanted, state='absent')
    assert result['changed'] is True and len(api.writes) == 100
    # live list: 3 pages (200 records, the last one empty proves the end), deleted list: 2 pages
    assert len(api.reads) == 5
    assert sum(e['changed'] for e in result['exception_rules']) == 100


def test_missing_rule_names_both_lists(env, capsys):
    api = WriteApi(rules=rules(1))
    result = run(api, env, capsys, rule_ids=[R0, '42'], state='absent')
    assert result['failed'] is True and api.writes == []
    assert result['msg'] == 'No exception rule with rule_id 42: neither GetExceptionRule nor GetDeletedExceptionRule lists it.'


def test_delete_whose_answer_was_lost_is_applied_once(env, capsys):
    api = WriteApi(rules=rules(2), faults={'/api/v1/exception-rules/' + R0: ['drop']})
    result = run(api, env, capsys, rule_id=R0, state='absent')
    assert result['changed'] is True and len(api.writes) == 1 and ids(api, DELETED_RULES) == [R0]
