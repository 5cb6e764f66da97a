# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AnsibleModule adapter of every ncloud.wbd module: the module's options and warnings handed to a
``connect.Connection``, list records streamed into the output, and the one place where WBD errors become
``fail_json``. What the modules do is in ``_api`` (``info_operations``, ``listing``, ``connect``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import Connection, auth_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.info_operations import INFO_OPERATIONS
from ansible_collections.ncloud.wbd.plugins.module_utils._module.result_stream import RecordFile, RecordSpool, exit_with_spools


class WbdModule(object):
    """An AnsibleModule with the connection options, whose work runs on a ``Connection`` through ``run``."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = auth_argument_spec()
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self.params = self.module.params
        no_log_values = self.module.no_log_values
        self.connection = Connection(self.params, self.module.warn, no_log_values=no_log_values, new_sink=lambda: RecordSpool(no_log_values))

    def run(self, work):
        """Call ``work(connection)`` and exit with its result dict; the only place errors become fail_json."""
        try:
            result = self.connection.run(work)
        except WbdError as err:
            extra = {}
            if getattr(err, 'completeness', None) is not None:
                extra['completeness'] = err.completeness  # the evidence of an incomplete list
            extra.update(getattr(err, 'result_fields', None) or {})  # a write module's per-resource outcome so far
            self.module.fail_json(msg=str(err), error=dict(kind=err.kind, status=err.status, code=err.code), **extra)
        exit_with_spools(self.module, dict(dict(changed=False), **result))


def run_info_module(name):
    """main() of the info module ``name``: its entry of ``INFO_OPERATIONS`` run as a module (its records written to
    ``dest`` instead of returned when the option is set)."""
    operation = INFO_OPERATIONS[name]
    wbd = WbdModule(argument_spec=operation.argument_spec())
    wbd.run(to_dest(wbd, operation) if wbd.params.get('dest') else operation.work)


def to_dest(wbd, operation):
    """The work of ``operation`` with its records written to ``dest`` (a ``RecordFile``): the result holds ``dest`` and
    ``records_written`` instead of the records, and ``changed`` says whether the file's content changed."""
    params, no_log_values = wbd.params, wbd.module.no_log_values
    files = []

    def new_sink():
        files.append(RecordFile(no_log_values, params['dest'], params['dest_format'], wbd.module.check_mode))
        return files[-1]

    def work(connection):
        connection.new_sink = new_sink
        try:
            result = operation.work(connection)
            records = result.pop(operation.key)
            result.update(records.commit())
        finally:
            for record_file in files:
                record_file.close()
        return result

    return work


def action_only(name, argument_spec):
    """main() of a documentation module whose work is done by its action plugin on the controller: it only says so."""
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_json(
        msg='%s runs as an action plugin on the controller; this module only holds its documentation. Call it as a task, not with the module runner.' % name
    )
