# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The three audit filters: webshell_audit_hosts (match keys read from hostvars), webshell_audit_window and
webshell_audit_evaluate (input checks turned into AnsibleFilterError, the record otherwise).

A plain dict stands in for ``hostvars``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import time
from collections.abc import Mapping

import pytest

try:
    from ansible.module_utils import _internal as module_utils_internal  # ansible-core >= 2.19
except ImportError:
    module_utils_internal = None
WAS_CONTROLLER = getattr(module_utils_internal, 'is_controller', None)

from ansible.errors import AnsibleFilterError
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.vars.hostvars import HostVars
from ansible.vars.manager import VariableManager
from ansible_collections.ncloud.wbd.plugins.filter import webshell_audit_evaluate as evaluate_plugin
from ansible_collections.ncloud.wbd.plugins.filter import webshell_audit_hosts as hosts_plugin
from ansible_collections.ncloud.wbd.plugins.filter import webshell_audit_window as window_plugin
from ansible_collections.ncloud.wbd.plugins.filter.webshell_audit_evaluate import audit_evaluate
from ansible_collections.ncloud.wbd.plugins.filter.webshell_audit_hosts import host_keys
from ansible_collections.ncloud.wbd.plugins.filter.webshell_audit_window import audit_window

# Importing controller code (ansible.errors and the filters) sets ansible-core 2.19's process-wide
# module_utils._internal.is_controller, which sends AnsibleModule warnings to the controller's display instead of
# the module result. Module tests run later in the same pytest process expect it unset: put it back as it was and
# set it only while these tests run.
if module_utils_internal is not None:
    module_utils_internal.is_controller = WAS_CONTROLLER


@pytest.fixture(autouse=True)
def controller(monkeypatch):
    if module_utils_internal is not None:
        monkeypatch.setattr(module_utils_internal, 'is_controller', True)


DAY = 86400 * 1000
NOW = calendar.timegm((2026, 11, 21, 9, 30, 0, 0, 0, 0)) * 1000  # 2026-11-21T09:30:00Z

HOSTVARS = {'web-1': {'webshell_audit_instance_no': 12345678, 'ansible_host': '10.0.1.15'}, 'web-2': {}}


@pytest.mark.parametrize(
    'module, name, func',
    [
        (hosts_plugin, 'webshell_audit_hosts', host_keys),
        (window_plugin, 'webshell_audit_window', audit_window),
        (evaluate_plugin, 'webshell_audit_evaluate', audit_evaluate),
    ],
)
def test_filter_module_exposes_the_filter(module, name, func):
    assert module.FilterModule().filters() == {name: func}


# ---- webshell_audit_hosts (what it reads: tests/unit/plugins/plugin_utils/test_audit_hosts.py) ---------------


def test_hosts_missing_host_raises():
    with pytest.raises(AnsibleFilterError, match="^webshell_audit_hosts: host 'db-9' is not in the inventory.$"):
        host_keys(HOSTVARS, ['web-1', 'db-9'])


class UndefinedForMissing(Mapping):
    """Like Ansible's HostVars: an unknown host gives an undefined value that fails when used, not a KeyError."""

    class Undefined(object):
        def __getitem__(self, key):
            raise RuntimeError('hostvars[...] is undefined')

    def __init__(self, data):
        self.data = data

    def __getitem__(self, key):
        return self.data[key] if key in self.data else self.Undefined()

    def __contains__(self, key):
        return key in self.data

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)


def test_hosts_missing_host_in_hostvars_like_mapping_raises():
    hostvars = UndefinedForMissing(HOSTVARS)
    assert host_keys(hostvars, ['web-1']) == host_keys(HOSTVARS, ['web-1'])
    with pytest.raises(AnsibleFilterError, match="host 'db-9' is not in the inventory"):
        host_keys(hostvars, ['db-9'])


def test_hosts_with_real_hostvars():
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[])
    inventory.add_host('web-1')
    inventory.get_host('web-1').set_variable('ansible_host', '10.0.1.15')
    inventory.get_host('web-1').set_variable('webshell_audit_instance_no', 12345678)
    hostvars = HostVars(inventory, VariableManager(loader=loader, inventory=inventory), loader)
    entry = host_keys(hostvars, ['web-1'])[0]
    assert (entry['instance_no'], entry['ansible_host'], entry['server_name']) == ('12345678', '10.0.1.15', None)
    with pytest.raises(AnsibleFilterError, match="host 'db-9' is not in the inventory"):
        host_keys(hostvars, ['db-9'])


@pytest.mark.parametrize('hosts', ['web-1', None, {'web-1': {}}, 3])
def test_hosts_non_list_raises(hosts):
    with pytest.raises(AnsibleFilterError, match='list of hostnames'):
        host_keys(HOSTVARS, hosts)


# ---- webshell_audit_window ---------------------------------------------------------------------


def test_window_filter():
    assert audit_window('7d', now_ms=NOW) == {
        'now_ms': NOW,
        'now_iso': '2026-11-21T09:30:00.000Z',
        'window_start_ms': NOW - 7 * DAY,
        'window_start_iso': '2026-11-14T09:30:00.000Z',
    }


def test_window_filter_now_as_text():
    assert audit_window('1d', now_ms='%d' % NOW)['window_start_ms'] == NOW - DAY


def test_window_filter_uses_the_clock_by_default():
    before = int(time.time() * 1000)
    result = audit_window('7d')
    after = int(time.time() * 1000)
    assert before <= result['now_ms'] <= after
    assert result['window_start_ms'] == result['now_ms'] - 7 * DAY


@pytest.mark.parametrize('lookback', ['a week', '', '7 days', '2099-01-01', True])
def test_window_filter_bad_lookback(lookback):
    with pytest.raises(AnsibleFilterError, match='webshell_audit_window'):
        audit_window(lookback, now_ms=NOW)


def test_window_filter_bad_now():
    with pytest.raises(AnsibleFilterError, match='webshell_audit_window'):
        audit_window('7d', now_ms='soon')


# ---- webshell_audit_evaluate -------------------------------------------------------------------

HOSTS = [{'name': 'web-1', 'instance_no': '101', 'inventory_hostname': 'web-1', 'ansible_host': None, 'host_name': [], 'server_name': None, 'private_ip': []}]
TARGETS = [
    {'instance_no': '101', 'server_name': 'web-prd-001', 'agent_status': 'enable', 'server_group_id': 'G1', 'server_group_name': 'g', 'ip_address': '10.0.1.15'}
]
DETECTIONS = [
    {'detection_id': 'D1', 'instance_no': '101', 'detect_time': NOW - DAY, 'action_status': 'blank', 'process_name': '/bin/sh', 'suspicion_files': []}
]
RULES = [
    {
        'excepted_rule_id': 'R1',
        'except_target_type': 'server',
        'except_target': '101',
        'process_name': '/bin/sh',
        'process_name_condition': 'EQUAL',
        'executor': 'www-data',
        'executor_condition': 'EQUAL',
    }
]


def test_evaluate_returns_the_record():
    record = audit_evaluate(
        HOSTS,
        targets=TARGETS,
        detections=DETECTIONS,
        exception_rules=RULES,
        policy={'lookback': '7d'},
        now_ms=NOW,
        run={'endpoint': 'https://wbd.apigw.ntruss.com'},
    )
    assert record['schema_version'] == 2
    assert record['run']['endpoint'] == 'https://wbd.apigw.ntruss.com' and record['run']['started_at_ms'] == NOW
    assert record['hosts']['web-1']['status'] == 'unreviewed'  # the rule's executor condition does not hold
    assert record['exception_rules'][0]['hides'] is None
    assert record['summary']['detections'] == 1


def test_evaluate_with_excepted_and_tuples():
    record = audit_evaluate(tuple(HOSTS), targets=tuple(TARGETS), detections=(), exception_rules=tuple(RULES), excepted_detections=(), now_ms='%d' % NOW)
    assert record['hosts']['web-1']['status'] == 'compliant'
    assert record['exception_rules'][0]['hides'] == 0


def test_evaluate_uses_the_clock_by_default():
    before = int(time.time() * 1000)
    record = audit_evaluate(HOSTS, targets=TARGETS, detections=[], exception_rules=[])
    assert before <= record['run']['started_at_ms'] <= int(time.time() * 1000)


def test_evaluate_chained_after_hosts_filter():
    hostvars = {'web-1': {'webshell_audit_instance_no': '101'}, 'web-2': {'ansible_host': '10.0.9.9'}}
    record = audit_evaluate(host_keys(hostvars, ['web-1', 'web-2']), targets=TARGETS, detections=DETECTIONS, exception_rules=[], now_ms=NOW)
    assert record['hosts']['web-1']['matched_by'] == 'instance_no'
    assert record['hosts']['web-2']['status'] == 'unprotected'


@pytest.mark.parametrize(
    'name, kwargs',
    [
        ('targets', dict(targets=None, detections=[], exception_rules=[])),
        ('targets', dict(targets={'instance_no': '1'}, detections=[], exception_rules=[])),
        ('detections', dict(targets=[], detections='D1', exception_rules=[])),
        ('detections', dict(targets=[], detections=[{'detection_id': 'D1'}, 'D2'], exception_rules=[])),
        ('exception_rules', dict(targets=[], detections=[])),
        ('exception_rules', dict(targets=[], detections=[], exception_rules=[None])),
        ('excepted_detections', dict(targets=[], detections=[], exception_rules=[], excepted_detections={'a': 1})),
        ('excepted_detections', dict(targets=[], detections=[], exception_rules=[], excepted_detections=['x'])),
    ],
)
def test_evaluate_non_list_inputs(name, kwargs):
    with pytest.raises(AnsibleFilterError, match='%s must be a list of records' % name):
        audit_evaluate(HOSTS, now_ms=NOW, **kwargs)


@pytest.mark.parametrize('hosts', [None, {'web-1': {}}, 'web-1', ['web-1']])
def test_evaluate_non_list_hosts(hosts):
    with pytest.raises(AnsibleFilterError, match='hosts'):
        audit_evaluate(hosts, targets=[], detections=[], exception_rules=[], now_ms=NOW)


@pytest.mark.parametrize('policy', ['7d', ['lookback', '7d'], 7])
def test_evaluate_policy_not_a_dict(policy):
    with pytest.raises(AnsibleFilterError, match='policy must be a dict'):
        audit_evaluate(HOSTS, targets=[], detections=[], exception_rules=[], policy=policy, now_ms=NOW)


@pytest.mark.parametrize(
    'policy, words',
    [
        ({'min_weight': -1}, 'min_weight'),
        ({'high_weight': 'heavy'}, 'high_weight'),
        ({'broad_rule_max_conditions': True}, 'broad_rule_max_conditions'),
        ({'lookback': 'soon'}, 'look-back'),
        ({'lookback': '2099-01-01'}, 'future'),
        ({'match_keys': ['mac_address']}, 'mac_address'),
        ({'match_keys': []}, 'at least one match key'),
    ],
)
def test_evaluate_bad_policy(policy, words):
    with pytest.raises(AnsibleFilterError, match='webshell_audit_evaluate') as err:
        audit_evaluate(HOSTS, targets=[], detections=[], exception_rules=[], policy=policy, now_ms=NOW)
    assert words in str(err.value)


@pytest.mark.parametrize('now_ms', ['now', [1], {}])
def test_evaluate_bad_now_ms(now_ms):
    with pytest.raises(AnsibleFilterError, match='now_ms must be epoch milliseconds'):
        audit_evaluate(HOSTS, targets=[], detections=[], exception_rules=[], now_ms=now_ms)
