# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils.fields import (
    DETECTION,
    DETECTION_TARGET,
    EXCEPTION_RULE,
    generic_snake,
    iso8601,
    normalize,
)

SEED_DETECTION = {
    'detectionId': 2024072323595700000436, 'instanceNo': '25****97', 'hostName': 'h', 'serverName': 's', 'containerName': '',
    'privateIPofServer': '10.0.0.1', 'command': 'c', 'processName': 'p', 'processArg': 'pa', 'processId': 41,
    'executor': 'DefaultAppPool', 'processIdOfParent': '1', 'processNameOfParent': 'w3wp.exe', 'processArgOfParent': 'ppa',
    'executorOfParent': 'DefaultAppPool', 'uid': '33', 'euid': '33', 'gid': '33', 'egid': '33', 'actionStatus': 'confirmed',
    'actionTime': 1721742708822, 'detectTime': 1721740066493, 'collectTime': 1721740067452, 'lastUpdatedTime': None,
    'isChecked': True, 'memberNo': 2600090, 'detectionRuleId': '2024072318114600000013', 'osType': 'LINUX',
    'suspicionFiles': [{'suspicionFileId': '2024072323595800000443', 'fileOriginName': '/var/www/x.php', 'fileOwner': 'S-1-5-32-544',
                        'weight': 29, 'accessTime': 1721742550000, 'modifyTime': 1721742550000, 'changeTime': 1721742542000,
                        'detectionId': '2024072323595700000436'}],
    'suspicionIps': [{'suspicionIpId': '1', 'detectionId': '2', 'suspicionIp': '203.0.113.9', 'country': 'KR', 'platform': 'VPC'}],
    'newFieldFromApi': 'kept',
}


def test_detection_is_mapped_by_hand():
    d = normalize(SEED_DETECTION, DETECTION)
    assert d['private_ip'] == '10.0.0.1' and 'private_i_pof_server' not in d
    assert d['detection_id'] == '2024072323595700000436'  # IDs become strings, digits intact
    assert d['process_id'] == '41' and d['member_no'] == '2600090'
    assert d['parent_process_name'] == 'w3wp.exe' and d['parent_executor'] == 'DefaultAppPool'
    assert d['detect_time'] == 1721740066493 and d['detect_time_iso'] == '2024-07-23T13:07:46.493Z'
    assert d['last_updated_time'] is None and d['last_updated_time_iso'] is None
    assert d['suspicion_files'][0]['weight'] == 29 and d['suspicion_files'][0]['access_time_iso'] == '2024-07-23T13:49:10.000Z'
    assert d['suspicion_ips'][0] == {'suspicion_ip_id': '1', 'detection_id': '2', 'suspicion_ip': '203.0.113.9',
                                     'country': 'KR', 'platform': 'VPC'}
    assert d['new_field_from_api'] == 'kept'
    assert len(d) == len(SEED_DETECTION) + 4  # every field kept, plus four ISO twins


def test_null_nested_lists_become_empty():
    d = normalize({'detectionId': '1', 'suspicionFiles': None, 'suspicionIps': [None, {'suspicionIp': 'x'}]}, DETECTION)
    assert d['suspicion_files'] == [] and d['suspicion_ips'] == [{'suspicion_ip': 'x'}]


def test_null_documented_strings_stay_none_and_null_lists_become_empty():
    """The API documents strings and arrays; null scalars must stay None ("unknown"), null lists become []."""
    nulls = dict((key, None) for key in SEED_DETECTION)
    nulls['detectionId'] = '2024072323595700000436'
    d = normalize(nulls, DETECTION)
    assert d['suspicion_files'] == [] and d['suspicion_ips'] == []
    for name in ('server_name', 'host_name', 'process_arg', 'command', 'private_ip', 'instance_no', 'process_id',
                 'member_no', 'detect_time', 'detect_time_iso', 'is_checked', 'new_field_from_api'):
        assert d[name] is None, name
    assert len(d) == len(SEED_DETECTION) + 4


def test_null_or_odd_nested_lists_of_a_target():
    t = normalize({'instanceNo': 1, 'serverName': None, 'wasConfigList': None, 'ipAddress': None}, DETECTION_TARGET)
    assert t == {'instance_no': '1', 'server_name': None, 'was_configs': [], 'ip_address': None}
    odd = normalize({'wasConfigList': 'not a list', 'memo': None}, DETECTION_TARGET)
    assert odd == {'was_configs': [], 'memo': None}


def test_hostile_and_huge_text_passes_unchanged():
    """Escaping belongs to whatever displays the text; the module result carries it as the API sent it."""
    hostile = 'ctl\x00\x07\x1b[31m \u202eexe.php\u202c \u2066x\u2069\r\n\ufffd'
    big = 'sh -c ' + 'A' * (1024 * 1024)
    d = normalize({'memo': hostile, 'processArg': big, 'suspicionFiles': [{'fileOriginName': hostile}]}, DETECTION)
    assert d['memo'] == hostile and d['process_arg'] == big and d['suspicion_files'] == [{'file_origin_name': hostile}]


def test_exception_rule_conditions():
    r = normalize({'exceptedRuleId': '2024080714042400000006', 'processNameOfParentCondition': 'START', 'groupIsDeleted': None,
                   'createdTime': 1723007064480, 'deletedTime': None}, EXCEPTION_RULE)
    assert r == {'excepted_rule_id': '2024080714042400000006', 'parent_process_name_condition': 'START', 'group_is_deleted': None,
                 'created_time': 1723007064480, 'created_time_iso': '2024-08-07T05:04:24.480Z',
                 'deleted_time': None, 'deleted_time_iso': None}


def test_iso8601_edges():
    assert iso8601(0) == '1970-01-01T00:00:00.000Z'
    assert iso8601(True) is None and iso8601('1') is None and iso8601(10 ** 20) is None


def test_generic_snake():
    assert generic_snake('newFieldFromApi') == 'new_field_from_api'
    assert generic_snake('HTTPStatus') == 'http_status'
