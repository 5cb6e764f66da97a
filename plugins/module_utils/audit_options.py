# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the audit_evaluate action (shared with its documentation module) and what it derives from a record."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils.module import DEFAULT_CONCURRENCY, auth_argument_spec

AUTH_OPTIONS = tuple(sorted(auth_argument_spec()))


def audit_evaluate_argument_spec():
    """The connection options (the action passes on only those set on the task, so module_defaults for the group
    still reach the info modules it runs), the fetch options and the audit's own."""
    spec = auth_argument_spec()
    spec.update(
        page_size=dict(type='int', default=100),
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
        suspicious_objects=dict(type='bool', default=False),
        excepted=dict(type='bool', default=True),
        hosts=dict(type='list', elements='str'),
        instance_no_var=dict(type='str', default='webshell_audit_instance_no'),
        server_name_var=dict(type='str', default='webshell_audit_server_name'),
        policy=dict(type='dict'),
        run=dict(type='dict'),
        fact=dict(type='str', default='webshell_audit_result'),
        failing_fact=dict(type='str', default='webshell_audit_failing_hosts'),
    )
    return spec


def hosts_failing(record):
    """The hosts the record's failure policy does not accept, sorted."""
    policy = record['run']['policy']
    failing = []
    for name, entry in record['hosts'].items():
        if (policy.get('fail_on_unprotected') and entry['status'] == 'unprotected') or \
                (policy.get('fail_on_unreviewed') and entry['unreviewed_count'] > 0):
            failing.append(name)
    return sorted(failing)
