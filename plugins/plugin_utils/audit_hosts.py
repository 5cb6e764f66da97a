# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The match keys of inventory hosts, read from ``hostvars`` for the webshell audit.

Controller-only code shared by plugins: the ncloud.wbd.webshell_audit_hosts filter and the ncloud.wbd.audit_evaluate
action both read hosts here, and each turns ``HostKeysError`` into its own kind of Ansible error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.text.converters import to_text

DEFAULT_INSTANCE_NO_VAR = 'webshell_audit_instance_no'
DEFAULT_SERVER_NAME_VAR = 'webshell_audit_server_name'


class HostKeysError(ValueError):
    """The hosts cannot be read: not a list, or a host the inventory does not have."""


def _get(mapping, key):
    try:
        value = mapping[key]
    except (KeyError, TypeError):
        return None
    return None if value is None else value


def _host_vars(hostvars, name):
    """A host's variables, or None when it is not in hostvars.

    The real ``hostvars`` answers an unknown host with an undefined value rather than a KeyError, so ask first.
    """
    try:
        if name not in hostvars:
            return None
    except TypeError:
        return None
    return _get(hostvars, name)


def _text(value):
    return None if value is None or isinstance(value, (dict, list)) else to_text(value)


def _entry(name, hvars, instance_no_var, server_name_var):
    """One host's match keys; facts (host names, IPv4 addresses) only when they were gathered."""
    facts = _get(hvars, 'ansible_facts') or {}
    default_ip = _get(_get(facts, 'default_ipv4') or {}, 'address')
    addresses = [default_ip] + list(_get(facts, 'all_ipv4_addresses') or [])
    return {
        'name': name,
        'instance_no': _text(_get(hvars, instance_no_var)),
        'inventory_hostname': name,
        'ansible_host': _text(_get(hvars, 'ansible_host')),
        'host_name': [to_text(v) for v in (_get(facts, 'hostname'), _get(facts, 'fqdn')) if v],
        'server_name': _text(_get(hvars, server_name_var)),
        'private_ip': [to_text(v) for v in dict.fromkeys(addresses) if v],
    }


def host_keys(hostvars, hosts, instance_no_var=DEFAULT_INSTANCE_NO_VAR, server_name_var=DEFAULT_SERVER_NAME_VAR):
    """Each host's match-key values, in the order given, read once so the audit never walks hostvars per record.

    Raises HostKeysError when ``hosts`` is not a list or names a host ``hostvars`` does not have.
    """
    if not isinstance(hosts, (list, tuple)):
        raise HostKeysError('the hosts must be a list of hostnames, got %s.' % type(hosts).__name__)
    entries = []
    for name in hosts:
        name = to_text(name)
        hvars = _host_vars(hostvars, name)
        if hvars is None:
            raise HostKeysError("host '%s' is not in the inventory." % name)
        entries.append(_entry(name, hvars, instance_no_var, server_name_var))
    return entries
