# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the audit reads, as the collection hands it over, for the _audit tests (not a test module itself): inventory
hosts as webshell_audit_hosts returns them, detection targets and exception rules as the info modules return them.
Written out by hand, never built with the module's helpers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The six fields an exception rule compares (the API reference's order).
FIELDS = ('process_name', 'process_arg', 'executor', 'parent_process_name', 'parent_process_arg', 'parent_executor')


def host(name, **values):
    """A host as webshell_audit_hosts returns it; unset keys are empty."""
    out = {'name': name, 'instance_no': None, 'inventory_hostname': name, 'ansible_host': None, 'host_name': [], 'server_name': None, 'private_ip': []}
    out.update(values)
    return out


def target(instance_no, server_name, agent_status='enable', group='G1', ip=None, **extra):
    """A detection target (a server the agent is registered on) of server group ``group``."""
    out = {
        'instance_no': instance_no,
        'server_name': server_name,
        'agent_status': agent_status,
        'server_group_id': group,
        'server_group_name': 'group-%s' % group,
        'ip_address': ip,
        'server_image_name': 'ubuntu',
        'platform': 'VPC',
    }
    out.update(extra)
    return out


def rule(rule_id='R1', target_type='everyServer', target=None, disabled=False, group_is_deleted=None, **conditions):
    """A normalised exception rule; ``conditions`` maps field -> (condition, value); other fields NOT_USE with ''."""
    out = {
        'excepted_rule_id': rule_id,
        'excepted_rule_name': 'rule-%s' % rule_id,
        'except_target_type': target_type,
        'except_target': target,
        'except_target_name': None,
        'disabled': disabled,
        'is_deleted': False,
        'deleted_time': None,
        'group_is_deleted': group_is_deleted,
        'created_time_iso': '2026-01-01T00:00:00.000Z',
    }
    for field in FIELDS:
        condition, value = conditions.get(field, ('NOT_USE', ''))
        out[field], out[field + '_condition'] = value, condition
    return out
