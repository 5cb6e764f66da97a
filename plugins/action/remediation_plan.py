# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""remediation_plan: on the controller, plan the remediation of an audit record (or, with ``results``, say what became
of a plan). It reads the record from the variable the audit registered (the record file it names) or a saved JSON
report, so the record never travels as a module argument; it sends no request and writes nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import RecordError, load_record, validate_record
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import RecordFileError, read_record
from ansible_collections.ncloud.wbd.plugins.module_utils._remediate.options import (
    MUTUALLY_EXCLUSIVE,
    REQUIRED_ONE_OF,
    REQUIRED_TOGETHER,
    SWITCH_OPTIONS,
    remediation_argument_spec,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._remediate.outcome import outcome, report_rows
from ansible_collections.ncloud.wbd.plugins.module_utils._remediate.plan import RemediationError, plan


def record_in(value, name):
    """The audit record held by variable ``name``: the record, or the registered result of audit_evaluate (the record
    read back from the file it names, or the one it returned)."""
    if isinstance(value, dict) and 'schema_version' not in value:
        held = value.get('record')
        if held is None and isinstance(value.get('record_path'), str):
            try:
                held = read_record(value['record_path'])
            except RecordFileError as err:
                raise AnsibleActionFail('remediation_plan: %s' % (err,))
        value = held
    if not isinstance(value, dict):
        raise AnsibleActionFail(
            'remediation_plan: variable %s holds no audit record (run ncloud.wbd.audit_evaluate or the ncloud.wbd.webshell_audit role first, '
            'in the same play, or give a saved JSON report as src).' % name
        )
    return value


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        dummy, args = self.validate_argument_spec(
            argument_spec=remediation_argument_spec(),
            mutually_exclusive=MUTUALLY_EXCLUSIVE,
            required_one_of=REQUIRED_ONE_OF,
            required_together=REQUIRED_TOGETHER,
        )
        result['changed'] = False
        if args['results'] is not None:
            done = outcome(args['actions'], args['results'], self._task.check_mode)
            result.update(actions=done['actions'], counts=done['counts'], report_actions=report_rows(done['actions']))
            return result
        record = self._record(args, task_vars)
        switches = dict((name, args[name]) for name in SWITCH_OPTIONS)
        policy = dict((k, args[k]) for k in ('max_actions', 'annotate_after', 'allow_incomplete'))
        try:
            planned = plan(record, switches, policy, int(time.time() * 1000), prefix=args['variable_prefix'])
        except RemediationError as err:
            result.update(failed=True, msg='remediation_plan: %s' % (err,), actions=err.actions, count=len(err.actions))
            return result
        result.update(planned, lines=['%s: %s (%s)' % (a['kind'], a['resource'], a['reason']) for a in planned['actions']])
        return result

    def _record(self, args, task_vars):
        """The record to plan from, checked: from the variable ``record_from`` names, or the file ``src``."""
        try:
            if args['src']:
                return validate_record(load_record(args['src']))
            name = args['record_from']
            if name not in task_vars:
                raise AnsibleActionFail('remediation_plan: record_from names the variable %s, which is not defined for this host.' % to_text(name))
            return validate_record(record_in(task_vars[name], name))
        except RecordError as err:
            raise AnsibleActionFail('remediation_plan: %s' % (err,))
