# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""audit_evaluate lists in its worker with the info modules' own registry entries (options, validation, work), and as
modules only when it must."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.ncloud.wbd.plugins.action import audit_evaluate
from ansible_collections.ncloud.wbd.plugins.module_utils._api.info_operations import INFO_OPERATIONS

SECRET = 'sk-do-not-print-9f2e'


class Task(object):
    def __init__(self, environment):
        self.environment = environment


def action(environment):
    act = audit_evaluate.ActionModule.__new__(audit_evaluate.ActionModule)
    act._task = Task(environment)
    act.timings = {}
    calls = []
    act._execute_module = lambda module_name, module_args, task_vars: calls.append(module_name) or {'detections': ['m']}
    return act, calls


@pytest.mark.parametrize('environment, in_worker', [([{}], True), ([], True), (None, True), ([{'HTTPS_PROXY': 'x'}], False)])
def test_the_lists_run_as_modules_only_when_the_task_sets_an_environment(monkeypatch, environment, in_worker):
    # A task-level environment reaches a module process, not this worker; ansible-core hands [{}] when none is set.
    act, calls = action(environment)
    monkeypatch.setattr(audit_evaluate.ActionModule, '_list_here', staticmethod(lambda *args: ['w']))
    records = act._list('detection_info', {}, 'detections', {}, [])
    assert records == (['w'] if in_worker else ['m'])
    assert calls == ([] if in_worker else ['ncloud.wbd.detection_info'])
    assert 'detection_info' in act.timings


def test_a_failing_list_fails_the_task_with_the_module_name_and_no_secret(monkeypatch):
    # Nothing listens on port 9: the client's connection error, as the module would report it, secret blanked.
    monkeypatch.setenv('NCLOUD_ACCESS_KEY', 'AK')
    monkeypatch.setenv('NCLOUD_SECRET_KEY', SECRET)
    warnings = []
    with pytest.raises(AnsibleActionFail) as failed:
        audit_evaluate.ActionModule._list_here(
            'exception_rule_info', 'ncloud.wbd.exception_rule_info', {'endpoint': 'http://127.0.0.1:9/%s' % SECRET, 'retries': 0}, 'exception_rules', warnings
        )
    message = str(failed.value)
    assert message.startswith('ncloud.wbd.exception_rule_info: ') and 'Could not talk to the WBD API' in message
    assert SECRET not in message and all(SECRET not in w for w in warnings)


AUTH = {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': 'http://127.0.0.1:1'}


def test_an_in_worker_list_is_the_module_result_with_its_evidence(wbd_env, fakes):
    # Filters the audit never sets come from the module's own options (deleted rules stay out), and the page walk's
    # evidence reaches the record's lists.
    session = fakes.serve(fakes.Api(lists={'/api/v1/exception-rules': [{'exceptedRuleId': '%d' % i} for i in range(3)]}, total=5))
    warnings, lists = [], {}
    records = audit_evaluate.ActionModule._list_here(
        'exception_rule_info', 'ncloud.wbd.exception_rule_info', dict(AUTH, page_size=2, allow_partial=True), 'exception_rules', warnings, lists
    )
    assert records == [{'excepted_rule_id': '0'}, {'excepted_rule_id': '1'}, {'excepted_rule_id': '2'}]
    assert [(c.method, c.path) for c in session.calls] == [('GET', '/api/v1/exception-rules')] * len(session.calls)
    evidence = lists['exception_rules']
    assert evidence['complete'] is False and evidence['operation'] == 'GetExceptionRule' and evidence['records_delivered'] == 3
    assert any('announced 5 records' in w and 'allow_partial' in w for w in warnings)


def test_a_bad_option_fails_the_task_with_the_role_variable(wbd_env, fakes):
    session = fakes.serve(fakes.Api())
    with pytest.raises(AnsibleActionFail, match='^ncloud.wbd.detection_info: webshell_audit_page_size must be positive, got 0.$'):
        audit_evaluate.ActionModule._list_here('detection_info', 'ncloud.wbd.detection_info', dict(AUTH, page_size=0), 'detections', [], {}, 'webshell_audit_')
    assert session.calls == []


def test_every_list_the_audit_reads_is_a_registry_entry_with_the_paging_options():
    for module in ('detection_target_info', 'detection_info', 'exception_rule_info', 'excepted_detection_info'):
        assert {'page_size', 'concurrency', 'max_results', 'allow_partial'} <= set(INFO_OPERATIONS[module].argument_spec())
        evidence = audit_evaluate.list_completeness(module, {})
        assert evidence['complete'] is False and evidence['operation'] == INFO_OPERATIONS[module].operation


def test_a_host_missing_from_the_inventory_fails_the_action():
    args = {'instance_no_var': 'webshell_audit_instance_no', 'server_name_var': 'webshell_audit_server_name'}
    with pytest.raises(AnsibleActionFail, match="^audit_evaluate: host 'db-9' is not in the inventory.$"):
        audit_evaluate.ActionModule._inventory({'hostvars': {'web-1': {}}}, ['web-1', 'db-9'], args)
