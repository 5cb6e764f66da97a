# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``fields``: each record cut to the keys asked for and its ID, unknown names refused before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import fields, resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import Connection, validate_options
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.info_operations import INFO_OPERATIONS
from ansible_collections.ncloud.wbd.plugins.module_utils._api.listing import project, projection, valid_fields

AUTH = {'access_key': 'AK', 'secret_key': 'SK', 'endpoint': 'http://127.0.0.1:1'}
DETECTION = {'detectionId': 'D1', 'hostName': 'web-1', 'serverName': 'web', 'detectTime': 1721740066493, 'actionStatus': 'blank', 'memo': 'm'}


def run(name, **args):
    operation = INFO_OPERATIONS[name]
    return Connection(validate_options(operation.argument_spec(), dict(AUTH, **args)), [].append).run(operation.work)


def test_records_keep_only_the_fields_asked_for_and_their_id(wbd_env, fakes):
    fakes.serve(fakes.Api(lists={'/api/v1/detections': [DETECTION]}))
    result = run('detection_info', fields=['host_name', 'detect_time'])
    assert result['detections'] == [{'detection_id': 'D1', 'host_name': 'web-1', 'detect_time': 1721740066493}]
    assert result['complete'] is True and result['total_count'] == 1


def test_an_iso_twin_only_when_asked_for(wbd_env, fakes):
    fakes.serve(fakes.Api(lists={'/api/v1/detections': [DETECTION]}))
    assert run('detection_info', fields=['detect_time_iso'])['detections'] == [{'detection_id': 'D1', 'detect_time_iso': '2024-07-23T13:07:46.493Z'}]


def test_without_fields_every_key_stays(wbd_env, fakes):
    fakes.serve(fakes.Api(lists={'/api/v1/detections': [DETECTION]}))
    assert set(run('detection_info')['detections'][0]) > {'detection_id', 'host_name', 'server_name', 'memo', 'detect_time_iso'}


def test_each_list_module_keeps_its_id_key(wbd_env, fakes):
    fakes.serve(fakes.Api(lists={'/api/v1/servers': [{'instanceNo': 7, 'serverName': 's', 'memo': 'x'}]}))
    assert run('detection_target_info', fields=['memo'])['detection_targets'] == [{'instance_no': '7', 'memo': 'x'}]


def test_an_unknown_field_fails_before_any_request_naming_it_and_the_valid_ones(wbd_env, fakes):
    api = fakes.serve(fakes.Api(lists={'/api/v1/detections': [DETECTION]}))
    with pytest.raises(WbdConfigError) as err:
        run('detection_info', fields=['host_name', 'hostname'])
    message = str(err.value)
    assert message.startswith('fields: hostname is no field of GetWebshell; valid fields: ') and '\n' not in message
    assert 'host_name' in message and 'detect_time_iso' in message and 'suspicious_objects' in message
    assert api.calls == []


def test_valid_fields_come_from_the_field_maps():
    assert valid_fields(resources.QUARANTINES) == set(fields.SUSPICIOUS_OBJECT.names.values()) | set(
        ['access_time_iso', 'modify_time_iso', 'change_time_iso', 'quarantine_time_iso']
    )
    assert 'suspicious_objects' not in valid_fields(resources.EXCEPTION_RULES)


def test_suspicious_objects_in_fields_keeps_the_objects_whole_with_their_ids(wbd_env, fakes):
    objects = [{'suspicionFileId': 'F1', 'detectionId': 'D1', 'sha1': 'ab', 'status': 'quarantined'}]
    fakes.serve(fakes.Api(lists={'/api/v1/detections': [DETECTION]}, results={'/api/v1/detections/D1/suspicious-objects': objects}))
    record = run('detection_info', suspicious_objects=True, fields=['suspicious_objects'])['detections'][0]
    assert sorted(record) == ['detection_id', 'suspicious_objects']
    assert record['suspicious_objects'] == [{'suspicion_file_id': 'F1', 'detection_id': 'D1', 'sha1': 'ab', 'status': 'quarantined', 'quarantined': True}]


def test_suspicious_objects_in_fields_needs_the_option(wbd_env, fakes):
    api = fakes.serve(fakes.Api(lists={'/api/v1/detections': [DETECTION]}))
    with pytest.raises(WbdConfigError, match='^fields: suspicious_objects is only returned with suspicious_objects: true.$'):
        run('detection_info', fields=['suspicious_objects'])
    assert api.calls == []


def test_project_keeps_record_order_and_all_without_a_projection():
    records = [{'b': 1, 'a': 2, 'c': 3}]
    assert list(project(records, frozenset(['a', 'b']))[0]) == ['b', 'a']
    assert project(records, None) is records
    assert projection(resources.DETECTIONS, None) is None


def _sandbox_detections(count=400):
    """Detections as the sandbox generates them (every documented field, times, nested files and IPs)."""
    import json
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'sandbox'))
    from wbd_sandbox import make_dataset  # pylint: disable=import-error

    data = make_dataset(seed=7, servers=12, detections=count, anchor_ms=1764979200000)
    return json.loads(json.dumps(data.records('detections')))


@pytest.mark.parametrize(
    'wanted',
    [
        ['detection_id', 'host_name', 'detect_time', 'action_status'],
        ['detect_time_iso'],
        ['suspicion_files', 'memo'],
        sorted(fields.output_names(resources.DETECTIONS.field_map)),
    ],
)
def test_fields_skipped_before_normalising_give_what_cutting_after_gives(wanted):
    fmap = resources.DETECTIONS.field_map
    keep = projection(resources.DETECTIONS, wanted)
    records = _sandbox_detections()
    expected = project([fields.normalize(r, fmap) for r in records], keep)
    assert project([fields.normalize(r, fmap.projected(keep)) for r in records], keep) == expected
    assert fmap.projected(keep) is fmap.projected(set(keep))  # planned once per set of fields


FILES = dict(
    DETECTION,
    suspicionFiles=[{'suspicionFileId': 9, 'fileOriginName': '/w/a.php', 'weight': 90, 'accessTime': 1721740066493, 'fileOwner': 'www'}],
    suspicionIps=[{'suspicionIpId': 3, 'suspicionIp': '192.0.2.7', 'country': 'KR', 'platform': 'x'}],
)


def test_a_nested_lists_fields_keep_the_list_with_only_those_fields(wbd_env, fakes):
    fakes.serve(fakes.Api(lists={'/api/v1/detections': [FILES]}))
    got = run('detection_info', fields=['suspicion_files.weight', 'suspicion_files.access_time_iso', 'suspicion_ips.country'])['detections']
    assert got == [
        {
            'detection_id': 'D1',
            'suspicion_files': [{'weight': 90, 'access_time_iso': '2024-07-23T13:07:46.493Z'}],
            'suspicion_ips': [{'country': 'KR'}],
        }
    ]


def test_a_nested_list_named_whole_keeps_all_its_fields(wbd_env, fakes):
    fakes.serve(fakes.Api(lists={'/api/v1/detections': [FILES]}))
    got = run('detection_info', fields=['suspicion_files', 'suspicion_files.weight'])['detections'][0]['suspicion_files'][0]
    assert set(got) >= {'suspicion_file_id', 'file_origin_name', 'file_owner', 'weight', 'access_time', 'access_time_iso'}


def test_an_unknown_nested_field_is_refused_and_the_nested_names_are_listed(wbd_env, fakes):
    fakes.serve(fakes.Api(lists={'/api/v1/detections': [FILES]}))
    with pytest.raises(WbdConfigError) as err:
        run('detection_info', fields=['suspicion_files.owner'])
    assert 'suspicion_files.owner is no field' in str(err.value) and 'suspicion_files.file_owner' in str(err.value)
