# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""audit_evaluate lists in its worker with the info modules' own option handling, and as modules only when it must."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.ncloud.wbd.plugins.action import audit_evaluate
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._module.wbd_module import controller_params, detection_argument_spec

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


def test_options_are_validated_as_the_module_validates_them(monkeypatch):
    monkeypatch.setenv('NCLOUD_SITE', 'gov')
    monkeypatch.setenv('NCLOUD_WBD_ENDPOINT', 'http://127.0.0.1:9')
    params = controller_params(detection_argument_spec(), {'page_size': '50', 'since': 1700000000000})
    assert params['site'] == 'gov' and params['endpoint'] == 'http://127.0.0.1:9'  # environment fallbacks
    assert params['page_size'] == 50 and params['concurrency'] == 4 and params['suspicious_objects'] is False
    with pytest.raises(WbdConfigError, match='page_size'):
        controller_params(detection_argument_spec(), {'page_size': 'many'})
    with pytest.raises(WbdConfigError, match='site'):
        controller_params(detection_argument_spec(), {'site': 'moon'})


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


def test_every_list_the_audit_reads_has_the_module_options():
    assert sorted(audit_evaluate.LISTS) == ['detection_info', 'detection_target_info', 'excepted_detection_info', 'exception_rule_info']
    for spec, dummy in audit_evaluate.LISTS.values():
        assert {'page_size', 'concurrency', 'max_results'} <= set(spec())
