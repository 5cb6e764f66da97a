# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Matching WBD detection targets and detections to inventory hosts by ordered keys.

Each key pairs a host-side value with API fields (instance_no; inventory_hostname and ansible_host and host_name
and server_name against the names, case-insensitively; private_ip). An earlier key wins; a value two hosts share
is never guessed: a later key may pick one of those hosts, otherwise the match is reported ambiguous with the hosts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.match import (
    DEFAULT_MATCH_KEYS,
    MATCH_KEYS,
    HostIndex,
    MatchError,
    check_keys,
    match_detection,
    match_targets,
    place_detection,
    place_targets,
    target_as_record,
)
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.audit_inputs import host


def test_default_keys_are_documented_order():
    assert DEFAULT_MATCH_KEYS == ('instance_no', 'inventory_hostname', 'ansible_host', 'host_name', 'server_name', 'private_ip')
    assert set(MATCH_KEYS) == set(DEFAULT_MATCH_KEYS)


# ---- check_keys --------------------------------------------------------------------------------


def test_check_keys_accepts_known_keys_and_returns_a_list():
    assert check_keys(('private_ip', 'instance_no')) == ['private_ip', 'instance_no']


def test_repeated_key_is_kept_once_in_first_place():
    assert check_keys(['private_ip', 'instance_no', 'private_ip']) == ['private_ip', 'instance_no']


def test_repeated_key_does_not_make_values_ambiguous():
    hosts = [host('web-1', instance_no='1'), host('web-2', private_ip=['10.0.0.2'])]
    index = HostIndex(hosts, ['instance_no', 'private_ip', 'instance_no'])
    assert index.match({'instance_no': '1'}) == ('web-1', 'instance_no')
    assert index.match({'private_ip': '10.0.0.2'}) == ('web-2', 'private_ip')


@pytest.mark.parametrize(
    'keys, message',
    [
        (['hostname'], 'unknown match key'),
        (['instance_no', 'ip'], 'unknown match key'),
        (['INSTANCE_NO'], 'unknown match key'),
        ([''], 'unknown match key'),
        ([], 'at least one match key'),
        ((), 'at least one match key'),
    ],
)
def test_unknown_keys_and_empty_key_lists_raise(keys, message):
    with pytest.raises(MatchError, match=message):
        check_keys(keys)
    with pytest.raises(MatchError):
        HostIndex([host('web-1')], keys)


def test_unknown_key_named_in_message():
    with pytest.raises(MatchError) as err:
        check_keys(['instance_no', 'mac_address'])
    assert 'mac_address' in str(err.value)


def test_match_error_is_a_value_error():
    assert issubclass(MatchError, ValueError)


# ---- each key ----------------------------------------------------------------------------------


def test_instance_no():
    index = HostIndex([host('web-1', instance_no='12345678'), host('web-2', instance_no='87654321')])
    assert index.match({'instance_no': '87654321'}) == ('web-2', 'instance_no')
    assert index.match({'instance_no': '11111111'}) == (None, None)


def test_instance_no_number_and_text_agree():
    index = HostIndex([host('web-1', instance_no=12345678)], ['instance_no'])
    assert index.match({'instance_no': '12345678'}) == ('web-1', 'instance_no')


@pytest.mark.parametrize('field', ['server_name', 'host_name'])
def test_inventory_hostname_against_names_case_insensitive(field):
    index = HostIndex([host('Web-PRD-001'), host('web-prd-002')], ['inventory_hostname'])
    assert index.match({field: 'web-prd-001'}) == ('Web-PRD-001', 'inventory_hostname')
    assert index.match({field: 'WEB-PRD-002'}) == ('web-prd-002', 'inventory_hostname')


def test_inventory_hostname_not_against_private_ip():
    index = HostIndex([host('10.0.1.15')], ['inventory_hostname'])
    assert index.match({'private_ip': '10.0.1.15'}) == (None, None)


def test_inventory_hostname_defaults_to_the_name():
    index = HostIndex([{'name': 'web-1'}], ['inventory_hostname'])
    assert index.match({'server_name': 'WEB-1'}) == ('web-1', 'inventory_hostname')


@pytest.mark.parametrize(
    'field, value',
    [
        ('private_ip', '10.0.1.15'),
        ('server_name', 'web-prd-001'),
        ('host_name', 'web-prd-001'),
        ('server_name', 'WEB-PRD-001'),
    ],
)
def test_ansible_host_against_ip_and_names(field, value):
    index = HostIndex([host('a', ansible_host='10.0.1.15'), host('b', ansible_host='web-prd-001')], ['ansible_host'])
    expected = 'a' if field == 'private_ip' else 'b'
    assert index.match({field: value}) == (expected, 'ansible_host')


def test_host_name_from_facts_list():
    index = HostIndex([host('a', host_name=['web-prd-001', 'web-prd-001.example.com']), host('b', host_name=['db-1'])], ['host_name'])
    assert index.match({'host_name': 'web-prd-001.example.com'}) == ('a', 'host_name')
    assert index.match({'host_name': 'WEB-PRD-001'}) == ('a', 'host_name')
    assert index.match({'server_name': 'db-1'}) == ('b', 'host_name')  # host_name also compares server_name
    assert index.match({'private_ip': 'db-1'}) == (None, None)


def test_server_name_var_only_against_server_name():
    index = HostIndex([host('a', server_name='web-prd-001')], ['server_name'])
    assert index.match({'server_name': 'Web-Prd-001'}) == ('a', 'server_name')
    assert index.match({'host_name': 'web-prd-001'}) == (None, None)


def test_private_ip_list():
    index = HostIndex([host('a', private_ip=['10.0.1.15', '192.168.0.4']), host('b', private_ip=['10.0.1.16'])], ['private_ip'])
    assert index.match({'private_ip': '192.168.0.4'}) == ('a', 'private_ip')
    assert index.match({'private_ip': '10.0.1.16'}) == ('b', 'private_ip')
    assert index.match({'server_name': '10.0.1.16'}) == (None, None)


def test_values_are_trimmed_and_blanks_ignored():
    index = HostIndex([host('a', server_name=' web-1 '), host('b', server_name=''), host('c', server_name=None), host('d', server_name=True)], ['server_name'])
    assert index.match({'server_name': 'web-1'}) == ('a', 'server_name')
    assert index.match({'server_name': ''}) == (None, None)
    assert index.match({'server_name': '   '}) == (None, None)
    assert index.match({'server_name': None}) == (None, None)
    assert index.match({'server_name': 'True'}) == (None, None)
    assert index.match({}) == (None, None)


def test_record_without_any_field():
    index = HostIndex([host('web-1', instance_no='1', ansible_host='10.0.0.1', private_ip=['10.0.0.1'])])
    assert index.match({}) == (None, None)


def test_no_hosts():
    assert HostIndex([]).match({'instance_no': '1', 'server_name': 'web-1'}) == (None, None)


def test_only_the_chosen_keys_are_used():
    hosts = [host('web-1', instance_no='1', private_ip=['10.0.0.1'])]
    index = HostIndex(hosts, ['instance_no'])
    assert index.match({'server_name': 'web-1', 'private_ip': '10.0.0.1'}) == (None, None)
    index = HostIndex(hosts, ['private_ip'])
    assert index.match({'instance_no': '1', 'server_name': 'web-1'}) == (None, None)
    assert index.match({'private_ip': '10.0.0.1'}) == ('web-1', 'private_ip')


# ---- key order ---------------------------------------------------------------------------------


def test_earlier_key_wins_over_a_later_key_matching_another_host():
    hosts = [host('a', instance_no='111'), host('web-x')]
    record = {'instance_no': '111', 'server_name': 'web-x'}
    assert HostIndex(hosts).match(record) == ('a', 'instance_no')
    assert HostIndex(hosts, ['inventory_hostname', 'instance_no']).match(record) == ('web-x', 'inventory_hostname')


def test_key_order_private_ip_before_names():
    hosts = [host('a', private_ip=['10.0.0.1']), host('b', server_name='srv-b')]
    record = {'private_ip': '10.0.0.1', 'server_name': 'srv-b'}
    assert HostIndex(hosts, ['private_ip', 'server_name']).match(record) == ('a', 'private_ip')
    assert HostIndex(hosts, ['server_name', 'private_ip']).match(record) == ('b', 'server_name')


def test_later_key_used_when_earlier_has_no_match():
    hosts = [host('a', instance_no='111'), host('b', private_ip=['10.0.0.2'])]
    assert HostIndex(hosts).match({'instance_no': '999', 'private_ip': '10.0.0.2'}) == ('b', 'private_ip')


# ---- ambiguity ---------------------------------------------------------------------------------


def test_shared_value_is_skipped_and_next_key_matches():
    hosts = [host('a', ansible_host='10.0.0.5'), host('b', ansible_host='10.0.0.5', server_name='srv-b')]
    record = {'private_ip': '10.0.0.5', 'server_name': 'srv-b'}
    assert HostIndex(hosts, ['ansible_host', 'server_name']).match(record) == ('b', 'server_name')


def test_shared_value_with_no_other_key_matches_nothing():
    hosts = [host('a', private_ip=['10.0.0.5']), host('b', private_ip=['10.0.0.5', '10.0.0.6'])]
    index = HostIndex(hosts, ['private_ip'])
    assert index.match({'private_ip': '10.0.0.5'}) == (None, None)
    assert index.match({'private_ip': '10.0.0.6'}) == ('b', 'private_ip')


def test_ambiguity_is_case_insensitive_for_names():
    hosts = [host('a', server_name='Web-1'), host('b', server_name='WEB-1'), host('c', private_ip=['10.0.0.9'])]
    index = HostIndex(hosts, ['server_name', 'private_ip'])
    shared = {'key': 'server_name', 'field': 'server_name', 'value': 'web-1', 'hosts': ['a', 'b']}
    assert index.lookup({'server_name': 'web-1'}) == (None, None, shared)


def test_a_later_key_naming_another_host_keeps_the_match_ambiguous_and_names_all_three():
    # The record's name says a or b, its IP says c: the fields disagree, so no host is guessed (issue 14, item 6).
    hosts = [host('a', server_name='Web-1'), host('b', server_name='WEB-1'), host('c', private_ip=['10.0.0.9'])]
    index = HostIndex(hosts, ['server_name', 'private_ip'])
    record = {'server_name': 'web-1', 'private_ip': '10.0.0.9'}
    assert index.match(record) == (None, None)
    assert index.lookup(record)[2]['hosts'] == ['a', 'b', 'c']


def test_two_hosts_sharing_a_registered_servers_ip_are_reported_not_skipped():
    # Regression, issue 14 item 6: the shared IP was skipped and both hosts came out "not registered".
    hosts = [host('a', private_ip=['10.0.0.5']), host('b', private_ip=['10.0.0.5'])]
    index = HostIndex(hosts, DEFAULT_MATCH_KEYS)
    found, ambiguous = place_targets(index, [{'instance_no': '7', 'server_name': 'srv-7', 'ip_address': '10.0.0.5'}])
    assert found == {}
    assert [(t['instance_no'], shared) for t, shared in ambiguous] == [
        ('7', {'key': 'private_ip', 'field': 'private_ip', 'value': '10.0.0.5', 'hosts': ['a', 'b']})
    ]
    # the server's detections are ambiguous too, through its target, even without fields of their own that match
    assert place_detection(index, {'instance_no': '7'}, {}, {'7': ambiguous[0][1]}) == (None, None, ambiguous[0][1])
    # unless their own fields name one of the hosts
    hosts[1]['host_name'] = ['web-b']
    index = HostIndex(hosts, DEFAULT_MATCH_KEYS)
    assert place_detection(index, {'instance_no': '7', 'host_name': 'web-b'}, {}, {'7': ambiguous[0][1]}) == ('b', 'host_name', None)


def test_one_host_listing_a_value_twice_is_not_ambiguous():
    hosts = [host('a', host_name=['web-1', 'WEB-1', 'web-1'])]
    assert HostIndex(hosts, ['host_name']).match({'host_name': 'web-1'}) == ('a', 'host_name')


def test_same_value_under_two_keys_of_different_hosts_is_not_ambiguous():
    # 'web-1' is a's inventory name and b's server_name var: each key has one host for it
    hosts = [host('web-1'), host('b', server_name='web-1')]
    assert HostIndex(hosts, ['inventory_hostname', 'server_name']).match({'server_name': 'web-1'}) == ('web-1', 'inventory_hostname')
    assert HostIndex(hosts, ['server_name', 'inventory_hostname']).match({'server_name': 'web-1'}) == ('b', 'server_name')


# ---- targets -----------------------------------------------------------------------------------


def test_target_as_record_maps_ip_address():
    target = {'instance_no': '1', 'ip_address': '10.0.0.1'}
    record = target_as_record(target)
    assert record['private_ip'] == '10.0.0.1'
    assert 'private_ip' not in target  # the input is not changed
    assert target_as_record({'ip_address': '10.0.0.1', 'private_ip': '10.9.9.9'})['private_ip'] == '10.9.9.9'


def test_target_matched_by_ip_address():
    index = HostIndex([host('a', private_ip=['10.0.0.1'])], ['private_ip'])
    target = {'instance_no': '1', 'server_name': 'x', 'ip_address': '10.0.0.1'}
    assert match_targets(index, [target]) == {'a': (target, 'private_ip')}


def test_match_targets_keeps_best_ranked_target_per_host():
    index = HostIndex([host('web-1', instance_no='222', private_ip=['10.0.0.1'])])
    by_ip = {'instance_no': '111', 'server_name': 'old-clone', 'ip_address': '10.0.0.1'}
    by_instance = {'instance_no': '222', 'server_name': 'web-prd-001', 'ip_address': '10.0.0.7'}
    assert match_targets(index, [by_ip, by_instance]) == {'web-1': (by_instance, 'instance_no')}
    assert match_targets(index, [by_instance, by_ip]) == {'web-1': (by_instance, 'instance_no')}


def test_match_targets_ties_go_to_api_order():
    index = HostIndex([host('web-1', private_ip=['10.0.0.1', '10.0.0.2'])])
    first = {'instance_no': '1', 'ip_address': '10.0.0.2'}
    second = {'instance_no': '2', 'ip_address': '10.0.0.1'}
    assert match_targets(index, [first, second]) == {'web-1': (first, 'private_ip')}
    assert match_targets(index, [second, first]) == {'web-1': (second, 'private_ip')}


def test_match_targets_several_hosts_and_unmatched_targets():
    index = HostIndex([host('web-1', instance_no='1'), host('web-2'), host('web-3')])
    t1 = {'instance_no': '1', 'server_name': 'whatever'}
    t2 = {'instance_no': '2', 'server_name': 'WEB-2'}
    t9 = {'instance_no': '9', 'server_name': 'stray'}
    assert match_targets(index, [t9, t2, t1]) == {'web-1': (t1, 'instance_no'), 'web-2': (t2, 'inventory_hostname')}
    assert match_targets(index, []) == {}


# ---- detections --------------------------------------------------------------------------------


def test_detection_through_its_servers_target_first():
    index = HostIndex([host('web-1'), host('web-2')])
    host_of_instance = {'111': ('web-1', 'inventory_hostname')}
    # its own server_name says web-2, but its server's target was tied to web-1
    detection = {'instance_no': '111', 'server_name': 'web-2'}
    assert match_detection(index, detection, host_of_instance) == ('web-1', 'inventory_hostname')


def test_detection_instance_lookup_is_normalised():
    index = HostIndex([host('web-1')])
    assert match_detection(index, {'instance_no': ' 111 '}, {'111': ('web-1', 'instance_no')}) == ('web-1', 'instance_no')
    assert match_detection(index, {'instance_no': 111}, {'111': ('web-1', 'instance_no')}) == ('web-1', 'instance_no')


def test_detection_falls_back_to_own_fields():
    index = HostIndex([host('web-1'), host('web-2', private_ip=['10.0.0.2'])])
    host_of_instance = {'111': ('web-1', 'inventory_hostname')}
    assert match_detection(index, {'instance_no': '222', 'host_name': 'WEB-1'}, host_of_instance) == ('web-1', 'inventory_hostname')
    assert match_detection(index, {'instance_no': None, 'private_ip': '10.0.0.2'}, host_of_instance) == ('web-2', 'private_ip')
    assert match_detection(index, {'instance_no': '333', 'server_name': 'nobody'}, host_of_instance) == (None, None)
