# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry of what each info module does, shared by the modules' main() and the audit action."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import Connection, validate_options
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.info_operations import INFO_OPERATIONS

AUTH = {'access_key': 'AK', 'secret_key': 'SK', 'endpoint': 'http://127.0.0.1:1'}
# (module, result key, path, the record's ID field in the API)
LISTS = [
    ('detection_info', 'detections', '/api/v1/detections', 'detectionId'),
    ('excepted_detection_info', 'excepted_detections', '/api/v1/exceptions', 'detectionId'),
    ('exception_rule_info', 'exception_rules', '/api/v1/exception-rules', 'exceptedRuleId'),
    ('detection_target_info', 'detection_targets', '/api/v1/servers', 'instanceNo'),
    ('quarantine_info', 'quarantines', '/api/v1/quarantines', 'suspicionFileId'),
]


def run(name, **args):
    operation = INFO_OPERATIONS[name]
    return Connection(validate_options(operation.argument_spec(), dict(AUTH, **args)), [].append).run(operation.work)


def test_one_entry_per_info_module():
    assert sorted(INFO_OPERATIONS) == sorted([m for m, k, p, i in LISTS] + ['notification_interval_info'])
    for name, key, dummy, dummy in LISTS:
        assert INFO_OPERATIONS[name].key == key
        assert {'page_size', 'max_results', 'concurrency', 'allow_partial'} <= set(INFO_OPERATIONS[name].argument_spec())


@pytest.mark.parametrize('name, key, path, id_key', LISTS)
def test_each_list_entry_lists_its_resource(wbd_env, fakes, name, key, path, id_key):
    api = fakes.serve(fakes.Api(lists={path: [{id_key: '1'}, {id_key: '2'}]}))
    result = run(name)
    assert len(result[key]) == 2 and result['complete'] is True and result['completeness']['operation'] == INFO_OPERATIONS[name].operation
    assert set(c.path for c in api.calls) == {path}


def test_suspicious_objects_only_when_asked(wbd_env, fakes):
    api = fakes.serve(fakes.Api(lists={'/api/v1/detections': [{'detectionId': 'D1'}]}, results={'/api/v1/detections/D1/suspicious-objects': []}))
    assert 'suspicious_objects' not in run('detection_info')['detections'][0]
    assert run('detection_info', suspicious_objects=True)['detections'][0]['suspicious_objects'] == []
    assert [c.path for c in api.calls][-1] == '/api/v1/detections/D1/suspicious-objects'


def test_deleted_rules_and_a_deletion_window_without_them(wbd_env, fakes):
    fakes.serve(fakes.Api(lists={'/api/v1/deleted-exception-rules': [{'exceptedRuleId': '9'}]}))
    assert run('exception_rule_info', deleted=True)['exception_rules'] == [{'excepted_rule_id': '9'}]
    with pytest.raises(WbdConfigError, match='^deleted_since filters deleted rules; set deleted: true to list them.$'):
        run('exception_rule_info', deleted_since='2024-07-01')


def test_the_notification_interval(wbd_env, fakes):
    fakes.serve(fakes.Api(results={resources.NOTIFICATION_INTERVAL_PATH: {'interval': 60000}}))
    assert run('notification_interval_info')['notification_interval']['interval_name'] == 'one_min'
    assert INFO_OPERATIONS['notification_interval_info'].argument_spec() == {}
