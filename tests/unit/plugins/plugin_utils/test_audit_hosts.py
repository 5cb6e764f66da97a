# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The match keys read from hostvars (plugin_utils.audit_hosts), shared by the webshell_audit_hosts filter and the
audit_evaluate action; each turns HostKeysError into its own error (tested with the filter and the action).

A plain dict stands in for ``hostvars``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.plugin_utils.audit_hosts import HostKeysError, host_keys

FACTS = {
    'hostname': 'web-prd-001',
    'fqdn': 'web-prd-001.example.com',
    'default_ipv4': {'address': '10.0.1.15', 'interface': 'eth0'},
    'all_ipv4_addresses': ['172.17.0.1', '10.0.1.15', '10.0.2.15', '172.17.0.1'],
}

HOSTVARS = {
    'web-1': {
        'webshell_audit_instance_no': 12345678,
        'webshell_audit_server_name': 'web-prd-001',
        'ansible_host': '10.0.1.15',
        'ansible_facts': FACTS,
        'other_var': 'x',
    },
    'web-2': {'inventory_hostname': 'web-2'},  # no facts, no variables
    'web-3': {'ncp_instance': '87654321', 'ncp_name': 'web-prd-003', 'webshell_audit_instance_no': 'ignored', 'ansible_host': None, 'ansible_facts': {}},
}


def test_hosts_reads_every_key():
    assert host_keys(HOSTVARS, ['web-1']) == [
        {
            'name': 'web-1',
            'instance_no': '12345678',
            'inventory_hostname': 'web-1',
            'ansible_host': '10.0.1.15',
            'host_name': ['web-prd-001', 'web-prd-001.example.com'],
            'server_name': 'web-prd-001',
            'private_ip': ['10.0.1.15', '172.17.0.1', '10.0.2.15'],  # default first, each once
        }
    ]


def test_hosts_without_facts_or_variables():
    assert host_keys(HOSTVARS, ['web-2']) == [
        {
            'name': 'web-2',
            'instance_no': None,
            'inventory_hostname': 'web-2',
            'ansible_host': None,
            'host_name': [],
            'server_name': None,
            'private_ip': [],
        }
    ]


def test_hosts_custom_variable_names():
    entry = host_keys(HOSTVARS, ['web-3'], instance_no_var='ncp_instance', server_name_var='ncp_name')[0]
    assert entry['instance_no'] == '87654321' and entry['server_name'] == 'web-prd-003'
    assert entry['ansible_host'] is None and entry['host_name'] == [] and entry['private_ip'] == []


def test_hosts_default_variable_names():
    entry = host_keys(HOSTVARS, ['web-3'])[0]
    assert entry['instance_no'] == 'ignored' and entry['server_name'] is None


def test_hosts_keep_the_given_order():
    assert [e['name'] for e in host_keys(HOSTVARS, ('web-3', 'web-1', 'web-2'))] == ['web-3', 'web-1', 'web-2']
    assert host_keys(HOSTVARS, []) == []


def test_hosts_default_ip_missing():
    facts = {'all_ipv4_addresses': ['10.0.0.2', '10.0.0.1', '10.0.0.2'], 'default_ipv4': {}}
    entry = host_keys({'h': {'ansible_facts': facts}}, ['h'])[0]
    assert entry['private_ip'] == ['10.0.0.2', '10.0.0.1']


def test_hosts_only_default_ip():
    entry = host_keys({'h': {'ansible_facts': {'default_ipv4': {'address': '10.0.0.9'}}}}, ['h'])[0]
    assert entry['private_ip'] == ['10.0.0.9']


def test_hosts_fqdn_only():
    entry = host_keys({'h': {'ansible_facts': {'fqdn': 'h.example.com', 'hostname': ''}}}, ['h'])[0]
    assert entry['host_name'] == ['h.example.com']


def test_hosts_structured_values_are_not_names():
    hvars = {'h': {'webshell_audit_instance_no': ['1', '2'], 'webshell_audit_server_name': {'a': 1}, 'ansible_host': None}}
    entry = host_keys(hvars, ['h'])[0]
    assert entry['instance_no'] is None and entry['server_name'] is None and entry['ansible_host'] is None


def test_a_host_not_in_the_inventory_is_an_error():
    with pytest.raises(HostKeysError, match="^host 'db-9' is not in the inventory.$"):
        host_keys(HOSTVARS, ['web-1', 'db-9'])


@pytest.mark.parametrize('hosts', ['web-1', None, {'web-1': {}}, 3])
def test_hosts_must_be_a_list(hosts):
    with pytest.raises(HostKeysError, match='^the hosts must be a list of hostnames, got '):
        host_keys(HOSTVARS, hosts)
