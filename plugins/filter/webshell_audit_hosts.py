# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: webshell_audit_hosts
short_description: The match keys of inventory hosts, for the webshell audit
version_added: 1.0.0
author: ncloud.wbd maintainers
description:
  - Reads, for each named host, the values the P(ncloud.wbd.webshell_audit_evaluate#filter) filter matches against
    WBD detection targets and detections.
  - C(instance_no) comes from the host variable named O(instance_no_var), C(server_name) from the host variable named
    O(server_name_var), C(inventory_hostname) and C(ansible_host) from the inventory, C(host_name) (short name and FQDN)
    and C(private_ip) (all IPv4 addresses, the default one first) from gathered facts when there are any.
  - The M(ncloud.wbd.audit_evaluate) action, which the P(ncloud.wbd.webshell_audit#role) role calls, reads the same
    values with the same code on the controller. This filter shows them in a playbook, for example to see why a host
    does not match, and feeds the P(ncloud.wbd.webshell_audit_evaluate#filter) filter in a playbook that runs the steps
    itself.
positional: hosts
options:
  _input:
    description: The C(hostvars) magic variable.
    type: dict
    required: true
  hosts:
    description: The inventory hostnames to read, for example C(ansible_play_hosts_all).
    type: list
    elements: str
    required: true
  instance_no_var:
    description: Name of the host variable that holds the host's NCP server instance number.
    type: str
    default: webshell_audit_instance_no
  server_name_var:
    description: Name of the host variable that holds the host's NCP server name.
    type: str
    default: webshell_audit_server_name
'''

EXAMPLES = r'''
- name: Show how each host will be matched
  ansible.builtin.debug:
    msg: "{{ hostvars | ncloud.wbd.webshell_audit_hosts(ansible_play_hosts_all) }}"
'''

RETURN = r'''
_value:
  description: One entry per host, in the order given.
  type: list
  elements: dict
  contains:
    name:
      description: The inventory hostname.
      type: str
    instance_no:
      description: The value of the O(instance_no_var) host variable, or V(null).
      type: str
    inventory_hostname:
      description: The inventory hostname.
      type: str
    ansible_host:
      description: The C(ansible_host) variable, or V(null).
      type: str
    host_name:
      description: The short host name and FQDN from facts (empty without facts).
      type: list
      elements: str
    server_name:
      description: The value of the O(server_name_var) host variable, or V(null).
      type: str
    private_ip:
      description: IPv4 addresses from facts, the default one first (empty without facts).
      type: list
      elements: str
'''

from ansible.errors import AnsibleFilterError
from ansible_collections.ncloud.wbd.plugins.plugin_utils import audit_hosts


def host_keys(hostvars, hosts, instance_no_var=audit_hosts.DEFAULT_INSTANCE_NO_VAR, server_name_var=audit_hosts.DEFAULT_SERVER_NAME_VAR):
    """The filter: ``audit_hosts.host_keys``, its errors as AnsibleFilterError."""
    try:
        return audit_hosts.host_keys(hostvars, hosts, instance_no_var=instance_no_var, server_name_var=server_name_var)
    except audit_hosts.HostKeysError as err:
        raise AnsibleFilterError('webshell_audit_hosts: %s' % err)


class FilterModule(object):
    def filters(self):
        return {'webshell_audit_hosts': host_keys}
