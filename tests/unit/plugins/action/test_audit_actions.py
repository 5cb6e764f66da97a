# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of the audit actions: which hosts fail the policy, where the report finds the record."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.ncloud.wbd.plugins.action.audit_report import record_in
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import auth_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.options import AUTH_OPTIONS, audit_evaluate_argument_spec, hosts_failing


def record(fail_on_unprotected=False, fail_on_unreviewed=False):
    return {
        'schema_version': 1,
        'run': {'policy': {'fail_on_unprotected': fail_on_unprotected, 'fail_on_unreviewed': fail_on_unreviewed}},
        'hosts': {
            'web-*': {'status': 'unprotected', 'unreviewed_count': 0},
            'b!c': {'status': 'unreviewed', 'unreviewed_count': 2},
            'ok': {'status': 'compliant', 'unreviewed_count': 0},
            'both': {'status': 'unprotected', 'unreviewed_count': 1},
        },
    }


@pytest.mark.parametrize(
    'unprotected, unreviewed, expected',
    [
        (False, False, []),
        (True, False, ['both', 'web-*']),
        (False, True, ['b!c', 'both']),
        (True, True, ['b!c', 'both', 'web-*']),
    ],
)
def test_hosts_failing_follows_the_recorded_policy(unprotected, unreviewed, expected):
    assert hosts_failing(record(unprotected, unreviewed)) == expected


def test_the_action_takes_every_connection_option_of_the_modules():
    spec = audit_evaluate_argument_spec()
    assert set(AUTH_OPTIONS) == set(auth_argument_spec()) and set(AUTH_OPTIONS) <= set(spec)
    assert spec['secret_key']['no_log'] is True


def test_record_in_accepts_a_record_or_the_registered_result():
    rec = record()
    assert record_in(rec, 'x') is rec
    assert record_in({'changed': False, 'ansible_facts': {'webshell_audit_result': rec}}, 'x') is rec
    assert record_in({'changed': False, 'record': rec, 'ansible_facts': {}}, 'x') is rec


@pytest.mark.parametrize('value', [None, 'text', {'changed': False}, {'ansible_facts': {'other': {'a': 1}}}])
def test_record_in_refuses_what_holds_no_record(value):
    with pytest.raises(AnsibleActionFail, match='variable x holds no audit record'):
        record_in(value, 'x')
