# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""audit_report: with ``record_from``, render on the controller from the variable as it is (or from the record file
the registered result of audit_evaluate names); otherwise run the module.

A record of tens of thousands of detections given as ``record: "{{ ... }}"`` is templated (ansible-core 2.19 copies
and inspects every value) and then shipped as a module argument; read from the task's variables it is neither.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import RecordFileError, read_record
from ansible_collections.ncloud.wbd.plugins.module_utils._gc import paused_gc
from ansible_collections.ncloud.wbd.plugins.module_utils._report.run import ReportRunError, report_argument_spec, run_report

display = Display()


def record_in(value, name):
    """The audit record held by variable ``name``: the record itself, the registered result of audit_evaluate (the
    record read back from the file it names, or the record it returned) or of audit_merge."""
    return sealed_record_in(value, name)[0]


def sealed_record_in(value, name):
    """(``record_in``, whether it was read from the audit's record file: sealed, see common.prepare_record)."""
    sealed = False
    if isinstance(value, dict) and 'schema_version' not in value:
        facts = value.get('ansible_facts') or {}
        held = value.get('record') or next((v for v in facts.values() if isinstance(v, dict) and 'schema_version' in v), None)
        if held is None and isinstance(value.get('record_path'), str):
            try:
                held, sealed = read_record(value['record_path']), True
            except RecordFileError as err:
                raise AnsibleActionFail('audit_report: %s' % (err,))
        value = held
    if not isinstance(value, dict):
        raise AnsibleActionFail(
            'audit_report: variable %s holds no audit record (run ncloud.wbd.audit_evaluate or the '
            'ncloud.wbd.webshell_audit role first, in the same play).' % name
        )
    return value, sealed


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        name = self._task.args.get('record_from')
        if not name:
            return self._execute_module(module_name='ncloud.wbd.audit_report', task_vars=task_vars)
        result = super(ActionModule, self).run(tmp, task_vars)
        dummy, args = self.validate_argument_spec(
            argument_spec=report_argument_spec(), mutually_exclusive=[('record', 'src', 'record_from')], required_one_of=[('record', 'src', 'record_from')]
        )
        if name not in task_vars:
            raise AnsibleActionFail('audit_report: record_from names the variable %s, which is not defined for this host.' % to_text(name))
        warnings = []
        try:
            with paused_gc():
                record, sealed = sealed_record_in(task_vars[name], name)
                params = dict(args, record=record, sealed=sealed)
                result.update(run_report(params, self._task.check_mode, warnings.append))
        except ReportRunError as err:
            result.update(failed=True, msg=str(err), **err.extra)
        if warnings:
            result['warnings'] = warnings
        return result
