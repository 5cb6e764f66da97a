# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory hosts from WBD detection targets: their names, variables and default groups.

Pure (no Ansible inventory objects), so the rules the ncloud.wbd.detection_targets
inventory plugin documents are tested on their own. Two servers never become one
host: a name several servers share is made unique with the instance number, which
the API keys its targets by.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import Counter

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError, clean_text

HOSTNAME_FIELDS = ('server_name', 'instance_no', 'ip_address')
DUPLICATE_POLICIES = ('suffix', 'error')
VAR_PREFIX = 'wbd_'
AGENT_GROUP_PREFIX = 'wbd_agent_'
SERVER_GROUP_PREFIX = 'wbd_group_'
AUDIT_INSTANCE_VAR = 'webshell_audit_instance_no'
# Inventory host names come from the API: control characters go, and a name stays readable in a host list.
MAX_NAME = 255
MAX_LISTED = 10


class DuplicateHostnameError(WbdConfigError):
    """Several servers give the same host name and the policy is ``error``."""


def _text(value, limit=MAX_NAME):
    if value is None or isinstance(value, bool):
        return ''
    return clean_text(value, limit)


def _listing(names):
    shown = ', '.join('"%s"' % clean_text(n, 60) for n in names[:MAX_LISTED])
    return shown + (' and %d more' % (len(names) - MAX_LISTED) if len(names) > MAX_LISTED else '')


def assign_hostnames(targets, field='server_name', duplicates='suffix'):
    """([(host name, target)] in API order, [warning]).

    The name is the target's ``field``; a target without one is named by its instance number; a target without an
    instance number cannot be told apart from others and is skipped. When several targets give the same name, each of
    them is named ``NAME_INSTANCENO`` (``duplicates='suffix'``) or the inventory fails (``duplicates='error'``).
    """
    if field not in HOSTNAME_FIELDS:
        raise WbdConfigError('hostname must be one of %s, got "%s".' % (', '.join(HOSTNAME_FIELDS), clean_text(field, 40)))
    if duplicates not in DUPLICATE_POLICIES:
        raise WbdConfigError('duplicate_hostnames must be one of %s, got "%s".' % (', '.join(DUPLICATE_POLICIES), clean_text(duplicates, 40)))
    warnings = []
    named = []
    nameless = []
    for target in targets:
        instance = _text(target.get('instance_no'))
        if not instance:
            warnings.append(
                'Skipped a detection target without an instance number (server name "%s", IP %s): '
                'it cannot be told apart from other servers.' % (_text(target.get('server_name'), 60), _text(target.get('ip_address'), 60) or 'none')
            )
            continue
        name = _text(target.get(field))
        if not name:
            nameless.append(instance)
            name = instance
        named.append((name, instance, target))
    if nameless:
        warnings.append('%d detection target(s) have no %s and are named by their instance number: %s.' % (len(nameless), field, _listing(nameless)))
    counts = Counter(name for name, dummy, dummy2 in named)
    shared = sorted(name for name, count in counts.items() if count > 1)
    if shared and duplicates == 'error':
        raise DuplicateHostnameError(
            'Several WBD detection targets have the same %s, so they would be one inventory host: '
            '%s. Set duplicate_hostnames: suffix to name each NAME_INSTANCENO, or choose another '
            'hostname field.' % (field, _listing(shared))
        )
    if shared:
        warnings.append(
            'Several WBD detection targets share the %s %s; each of them is named NAME_INSTANCENO instead '
            '(%d hosts), so no two servers become one host.' % (field, _listing(shared), sum(counts[name] for name in shared))
        )
    taken = set(name for name in counts if counts[name] == 1)
    hosts = []
    for name, instance, target in named:
        if counts[name] > 1:
            candidate, number = '%s_%s' % (name, instance), 2
            while candidate in taken:  # another server is really called NAME_INSTANCENO
                candidate, number = '%s_%s_%d' % (name, instance, number), number + 1
            name = candidate
            taken.add(name)
        hosts.append((name, target))
    return hosts, warnings


def host_vars(target, audit_vars=True):
    """The host's variables: every field of the target under ``wbd_``, and the audit role's instance-number variable."""
    variables = dict((VAR_PREFIX + key, value) for key, value in target.items())
    if audit_vars:
        variables[AUDIT_INSTANCE_VAR] = target.get('instance_no')
    return variables


def default_groups(target, by_agent_status=True, by_server_group=True):
    """Names of the default groups (not yet sanitised): ``wbd_agent_<agent status>``, ``wbd_group_<server group>``."""
    groups = []
    status = _text(target.get('agent_status'), 100)
    if by_agent_status and status:
        groups.append(AGENT_GROUP_PREFIX + status)
    server_group = _text(target.get('server_group_name'), 200)
    if by_server_group and server_group:
        groups.append(SERVER_GROUP_PREFIX + server_group)
    return groups
