# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""remediation_plan's action: where the record comes from, and the option spec it shares with its doc module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.ncloud.wbd.plugins.action.remediation_plan import record_in
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import keep_record
from ansible_collections.ncloud.wbd.plugins.module_utils._remediate.options import SWITCH_OPTIONS, remediation_argument_spec

RECORD = {'schema_version': 2, 'hosts': {}, 'findings': []}


def test_record_in_takes_the_record_the_registered_result_or_its_file(tmp_path):
    assert record_in(RECORD, 'v') is RECORD
    assert record_in({'record': RECORD}, 'v') is RECORD
    path = keep_record(RECORD, str(tmp_path))
    assert record_in({'record_path': path}, 'v') == json.loads(json.dumps(RECORD))


@pytest.mark.parametrize('value', [None, 'text', {'changed': False}, {'record_path': '/nonexistent/record.json'}])
def test_record_in_refuses_what_holds_no_record_in_one_line(value):
    with pytest.raises(AnsibleActionFail) as err:
        record_in(value, 'webshell_audit_evaluated')
    assert str(err.value).startswith('remediation_plan: ') and '\n' not in str(err.value)


def test_every_switch_is_an_option_off_by_default():
    spec = remediation_argument_spec()
    assert all(spec[name] == {'type': 'bool', 'default': False} for name in SWITCH_OPTIONS)
    assert spec['max_actions']['default'] == 50 and spec['annotate_after']['default'] == '3d'
