# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info modules end to end over a stubbed session: options, env fallbacks, output shape, errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import json
import os
import time
from pathlib import Path

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.module_utils._api.signing import make_signature
from ansible_collections.ncloud.wbd.plugins.modules import (
    detection_info,
    detection_target_info,
    excepted_detection_info,
    exception_rule_info,
    notification_interval_info,
    quarantine_info,
)
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import empty_warnings, main_output

try:  # ansible-core >= 2.19
    from ansible.module_utils import _internal as module_utils_internal
except ImportError:
    module_utils_internal = None

SECRET = 'unit-secret-never-printed'


def run(module, args, session, monkeypatch, capsys):
    monkeypatch.setattr(client_mod.WbdClient, '_new_session', staticmethod(lambda pool_size: session))
    out = main_output(module, args, capsys)
    assert SECRET not in out
    return json.loads(out)


@pytest.fixture
def env(wbd_env):
    """The clean environment of ``wbd_env``, and the module warnings of a module process."""
    empty_warnings(wbd_env)
    # Since ansible-core 2.19, importing controller code (as the filter tests do) flags the process as the controller,
    # and AnsibleModule then sends warnings to the display instead of the result: these tests run modules as modules.
    if module_utils_internal is not None and hasattr(module_utils_internal, 'is_controller'):
        wbd_env.setattr(module_utils_internal, 'is_controller', False)
    return wbd_env


def warnings_of(result):
    """The warnings of a module result as text (ansible-core 2.19 returns them as dicts)."""
    return [w if isinstance(w, str) else repr(w) for w in result.get('warnings', [])]


def test_detection_info_lists_all_pages(env, capsys, fakes):
    items = [{'detectionId': '%022d' % i, 'privateIPofServer': '10.0.0.%d' % (i % 250), 'detectTime': 1721740066493} for i in range(25)]
    session = fakes.Api(lists={'/api/v1/detections': items})
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': 'http://127.0.0.1:1', 'page_size': 10}, session, env, capsys)
    assert result['changed'] is False and result['total_count'] == 25
    assert [d['detection_id'] for d in result['detections']] == [i['detectionId'] for i in items]
    assert result['detections'][3]['private_ip'] == '10.0.0.3'
    assert result['detections'][0]['detect_time_iso'] == '2024-07-23T13:07:46.493Z'
    assert len(session.calls) == 3 and 'ansible_facts' not in result


def test_env_fallbacks_in_documented_order(env, capsys, fakes):
    env.setenv('NCLOUD_ACCESS_KEY_ID', 'second-choice')
    env.setenv('NCLOUD_ACCESS_KEY', 'first-choice')
    env.setenv('NCLOUD_SECRET_ACCESS_KEY', SECRET)
    env.setenv('NCLOUD_WBD_ENDPOINT', 'http://127.0.0.1:2')
    session = fakes.Api(lists={'/api/v1/exception-rules': [{'exceptedRuleId': '1'}]})
    result = run(exception_rule_info, {}, session, env, capsys)
    assert result['exception_rules'] == [{'excepted_rule_id': '1'}] and result['total_count'] == 1
    assert session.calls[0].url.startswith('http://127.0.0.1:2/api/v1/exception-rules?pageIndex=0&pageSize=100')


def test_missing_credentials_name_option_and_environment(env, capsys, fakes):
    result = run(detection_info, {'endpoint': 'http://127.0.0.1:1'}, fakes.Api(), env, capsys)
    assert result['failed'] is True
    assert 'access_key (or environment variable NCLOUD_ACCESS_KEY / NCLOUD_ACCESS_KEY_ID)' in result['msg']
    assert 'secret_key (or environment variable NCLOUD_SECRET_KEY / NCLOUD_SECRET_ACCESS_KEY)' in result['msg']


def test_api_error_is_one_line_without_secret(env, capsys, fakes):
    session = fakes.Api(answers={'/api/v1/detections': fakes.gateway_error(401, '200', 'Authentication Failed')})
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': 'http://127.0.0.1:1'}, session, env, capsys)
    assert result['failed'] is True and '\n' not in result['msg']
    assert 'Authentication failed' in result['msg'] and result['error']['kind'] == 'authentication'


def test_bad_page_size(env, capsys, fakes):
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET, 'page_size': 0}, fakes.Api(), env, capsys)
    assert result['failed'] is True and 'page_size must be positive' in result['msg']


def test_missing_requests_library_is_named(env, capsys, fakes):
    from ansible_collections.ncloud.wbd.plugins.module_utils._module import wbd_module as module_mod

    env.setattr(module_mod, 'HAS_REQUESTS', False)
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET}, fakes.Api(), env, capsys)
    assert result['failed'] is True and 'requests' in result['msg'] and 'Python library' in result['msg']


def test_retries_warn_once_and_results_stay_complete(env, capsys, fakes):
    slept = []
    env.setattr(client_mod.time, 'sleep', slept.append)
    failed = fakes.gateway_error(503, '500', 'Endpoint Error')
    session = fakes.Api(lists={'/api/v1/detections': [{'detectionId': str(i)} for i in range(15)]}, by_call={1: failed, 3: failed})
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET, 'page_size': 10}, session, env, capsys)
    assert [d['detection_id'] for d in result['detections']] == [str(i) for i in range(15)]
    warnings = [w if isinstance(w, str) else repr(w) for w in result['warnings']]  # ansible-core 2.19 returns dicts
    assert len(warnings) == 1 and '2 of 4 WBD API requests were retries' in warnings[0], warnings
    assert len(slept) == 2


# ---- every list module over a stub of the whole API --------------------------------------------------

ENDPOINT = 'http://127.0.0.1:1'
AUTH = {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': ENDPOINT}


def utc_ms(year, month, day, hour=0, minute=0):
    return calendar.timegm((year, month, day, hour, minute, 0, 0, 0, 0)) * 1000


# (module, extra options, path, result key, API ID field, our ID field)
LIST_MODULES = [
    (detection_info, {}, '/api/v1/detections', 'detections', 'detectionId', 'detection_id'),
    (excepted_detection_info, {}, '/api/v1/exceptions', 'excepted_detections', 'detectionId', 'detection_id'),
    (exception_rule_info, {}, '/api/v1/exception-rules', 'exception_rules', 'exceptedRuleId', 'excepted_rule_id'),
    (exception_rule_info, {'deleted': True}, '/api/v1/deleted-exception-rules', 'exception_rules', 'exceptedRuleId', 'excepted_rule_id'),
    (detection_target_info, {}, '/api/v1/servers', 'detection_targets', 'instanceNo', 'instance_no'),
    (quarantine_info, {}, '/api/v1/quarantines', 'quarantines', 'suspicionFileId', 'suspicion_file_id'),
]
LIST_IDS = ['detection_info', 'excepted_detection_info', 'exception_rule_info', 'exception_rule_info-deleted', 'detection_target_info', 'quarantine_info']


def id_list(n, id_key):
    return [{id_key: '%022d' % (1000 + i)} for i in range(n)]


@pytest.mark.parametrize('module, extra, path, key, api_id, our_id', LIST_MODULES, ids=LIST_IDS)
def test_lists_with_get_without_filters(env, capsys, module, extra, path, key, api_id, our_id, fakes):
    items = id_list(25, api_id)
    session = fakes.Api(lists={path: items})
    result = run(module, dict(AUTH, page_size=10, **extra), session, env, capsys)
    assert result['changed'] is False and 'failed' not in result
    assert [r[our_id] for r in result[key]] == [i[api_id] for i in items]
    assert result['total_count'] == 25 and result['truncated'] is False
    assert [(c.method, c.path, c.query, c.body) for c in session.calls] == [('GET', path, {'pageIndex': str(i), 'pageSize': '10'}, None) for i in range(3)]


# options with filters -> the exact search body, written out from the API reference
SEARCHES = [
    (
        detection_info,
        '/api/v1/detections',
        {
            'action_status': 'unconfirmed',
            'since': '2024-07-01T09:00:00+09:00',
            'until': 1719878400000,
            'private_ip': '10.0.0.7',
            'parent_process_name': 'httpd',
            'host_name': '',
        },
        {
            'actionStatus': 'blank',
            'detectTimeFrom': utc_ms(2024, 7, 1),
            'detectTimeTo': 1719878400000,
            'privateIPofServer': '10.0.0.7',
            'processNameOfParent': 'httpd',
        },
    ),
    (
        excepted_detection_info,
        '/api/v1/exceptions',
        {'action_status': 'confirmed', 'suspicious_ip': '203.0.113.45', 'executor': 'apache', 'memo': 'ok'},
        {'actionStatus': 'confirmed', 'suspiciousIP': '203.0.113.45', 'executor': 'apache', 'memo': 'ok'},
    ),
    (
        exception_rule_info,
        '/api/v1/exception-rules',
        {'name': 'php maintenance', 'except_target': '25000097', 'created_since': '2024-07-01', 'process_arg': '-r'},
        {'exceptedRuleName': 'php maintenance', 'exceptTarget': '25000097', 'createdTimeFrom': utc_ms(2024, 7, 1), 'processArg': '-r'},
    ),
    (
        exception_rule_info,
        '/api/v1/deleted-exception-rules',
        {
            'deleted': True,
            'excepted_rule_name': 'old',
            'target': '7',
            'deleted_since': '2024-07-01',
            'deleted_until': '2024-07-02T12:00:00Z',
            'created_until': '2024-06-30',
        },
        {
            'exceptedRuleName': 'old',
            'exceptTarget': '7',
            'deletedTimeFrom': utc_ms(2024, 7, 1),
            'deletedTimeTo': utc_ms(2024, 7, 2, 12),
            'createdTimeTo': utc_ms(2024, 6, 30),
        },
    ),
    (
        detection_target_info,
        '/api/v1/servers',
        {'agent_status': ['enable', 'error'], 'web_root_path': '/var/www/html', 'server_group_name': 'web'},
        {'agentStatus': ['enable', 'error'], 'webRootPath': '/var/www/html', 'serverGroupName': 'web'},
    ),
    (
        detection_target_info,
        '/api/v1/servers',
        {'agent_status': 'notInstalled,down', 'ip_address': '10.0.0.8'},
        {'agentStatus': ['notInstalled', 'down'], 'ipAddress': '10.0.0.8'},
    ),
    (
        quarantine_info,
        '/api/v1/quarantines',
        {'since': '2024-07-01', 'until': '2024-07-01T23:59:59.999Z', 'file_owner': 'apache', 'quarantine_file_name': 'cmd.q'},
        {'quarantineTimeFrom': utc_ms(2024, 7, 1), 'quarantineTimeTo': utc_ms(2024, 7, 2) - 1, 'fileOwner': 'apache', 'quarantineFileName': 'cmd.q'},
    ),
]
SEARCH_IDS = [
    'detection_info',
    'excepted_detection_info',
    'exception_rule_info',
    'exception_rule_info-deleted',
    'detection_target_info',
    'detection_target_info-comma-list',
    'quarantine_info',
]


@pytest.mark.parametrize('module, path, options, filters', SEARCHES, ids=SEARCH_IDS)
def test_filters_post_the_exact_search_body(env, capsys, module, path, options, filters, fakes):
    items = [{'id': i} for i in range(7)]
    session = fakes.Api(lists={path: items})
    result = run(module, dict(AUTH, page_size=5, **options), session, env, capsys)
    assert 'failed' not in result and result['total_count'] == 7
    assert [(c.method, c.uri) for c in session.calls] == [('POST', path), ('POST', path)]
    assert [c.body for c in session.calls] == [dict(filters, pageIndex=0, pageSize=5), dict(filters, pageIndex=1, pageSize=5)]


def test_relative_since_counts_back_from_the_time_of_the_run(env, capsys, fakes):
    session = fakes.Api(lists={'/api/v1/detections': []})
    before = int(time.time() * 1000)
    run(detection_info, dict(AUTH, since='7d', until='30m'), session, env, capsys)
    after = int(time.time() * 1000)
    body = session.calls[0].body
    assert before - 7 * 86400000 <= body['detectTimeFrom'] <= after - 7 * 86400000
    assert before - 1800000 <= body['detectTimeTo'] <= after - 1800000


@pytest.mark.parametrize(
    'options, message',
    [
        ({'since': '2024-07-02', 'until': '2024-07-01'}, 'since (2024-07-02) is later than until (2024-07-01)'),
        ({'since': 'yesterday'}, 'since must be an ISO 8601 date or time'),
        ({'until': True}, 'until must be an ISO 8601 date or time'),
        ({'since': -5}, 'since lies before 1970'),
    ],
)
def test_bad_times_fail_before_any_request(env, capsys, options, message, fakes):
    session = fakes.Api(lists={'/api/v1/detections': []})
    result = run(detection_info, dict(AUTH, **options), session, env, capsys)
    assert result['failed'] is True and message in result['msg'] and '\n' not in result['msg']
    assert result['error']['kind'] == 'configuration' and session.calls == []


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_since_fails_cleanly(env, capsys, value, fakes):
    # `since: .nan` / `.inf` (YAML floats) must fail like any bad time, not with a traceback.
    session = fakes.Api(lists={'/api/v1/detections': []})
    result = run(detection_info, dict(AUTH, since=value), session, env, capsys)
    assert result['failed'] is True and 'since' in result['msg'] and session.calls == []


@pytest.mark.parametrize('module, extra, path, key, api_id, our_id', LIST_MODULES, ids=LIST_IDS)
def test_max_results_cuts_the_list_and_asks_for_small_pages(env, capsys, module, extra, path, key, api_id, our_id, fakes):
    items = id_list(25, api_id)
    want = [i[api_id] for i in items]

    session = fakes.Api(lists={path: items})
    result = run(module, dict(AUTH, page_size=10, max_results=15, **extra), session, env, capsys)
    assert [r[our_id] for r in result[key]] == want[:15]
    assert result['truncated'] is True and result['total_count'] == 25
    assert [c.paging for c in session.calls] == [(0, 10), (1, 10)]

    session = fakes.Api(lists={path: items})
    result = run(module, dict(AUTH, max_results=5, **extra), session, env, capsys)  # page_size defaults to 100
    assert [r[our_id] for r in result[key]] == want[:5]
    assert result['truncated'] is True and result['total_count'] == 25
    assert [c.paging for c in session.calls] == [(0, 5)]

    session = fakes.Api(lists={path: items})
    result = run(module, dict(AUTH, max_results=40, page_size=20, **extra), session, env, capsys)
    assert [r[our_id] for r in result[key]] == want
    assert result['truncated'] is False and result['total_count'] == 25
    assert [c.paging for c in session.calls] == [(0, 20), (1, 20)]


def test_max_results_applies_to_searches_too(env, capsys, fakes):
    session = fakes.Api(lists={'/api/v1/quarantines': id_list(25, 'suspicionFileId')})
    result = run(quarantine_info, dict(AUTH, max_results=3, file_owner='apache'), session, env, capsys)
    assert len(result['quarantines']) == 3 and result['truncated'] is True and result['total_count'] == 25
    assert [c.body for c in session.calls] == [{'fileOwner': 'apache', 'pageIndex': 0, 'pageSize': 3}]


@pytest.mark.parametrize('module, extra, path, key, api_id, our_id', LIST_MODULES, ids=LIST_IDS)
def test_max_results_zero_gives_only_the_total(env, capsys, module, extra, path, key, api_id, our_id, fakes):
    session = fakes.Api(lists={path: id_list(25, api_id)})
    result = run(module, dict(AUTH, max_results=0, **extra), session, env, capsys)
    assert result[key] == [] and result['truncated'] is True and result['total_count'] == 25
    assert len(session.calls) == 1 and session.calls[0].paging == (0, 1)

    session = fakes.Api(lists={path: []})
    result = run(module, dict(AUTH, max_results=0, **extra), session, env, capsys)
    assert result[key] == [] and result['truncated'] is False and result['total_count'] == 0


@pytest.mark.parametrize('module, extra, path, key, api_id, our_id', LIST_MODULES, ids=LIST_IDS)
def test_negative_max_results_fails_before_any_request(env, capsys, module, extra, path, key, api_id, our_id, fakes):
    session = fakes.Api(lists={path: id_list(3, api_id)})
    result = run(module, dict(AUTH, max_results=-1, **extra), session, env, capsys)
    assert result['failed'] is True and result['msg'] == 'max_results must be zero or more, got -1.'
    assert session.calls == []


def test_bare_array_pages_count_what_was_returned(env, capsys, fakes):
    items = id_list(25, 'suspicionFileId')
    session = fakes.Api(lists={'/api/v1/quarantines': items}, shape='array')
    result = run(quarantine_info, dict(AUTH, page_size=10), session, env, capsys)
    assert len(result['quarantines']) == 25 and result['total_count'] == 25 and result['truncated'] is False
    session = fakes.Api(lists={'/api/v1/quarantines': items}, shape='array')
    result = run(quarantine_info, dict(AUTH, page_size=10, max_results=12), session, env, capsys)
    assert len(result['quarantines']) == 12 and result['total_count'] is None and result['truncated'] is True


# ---- suspicious objects ---------------------------------------------------------------------------


def objects_of(number):
    """Suspicious objects of detection ``number``: none for 0, then up to three with each quarantine sign."""
    kinds = [
        {'status': 'quarantined', 'quarantineFileName': 'a.q'},
        {'status': 'detected', 'quarantineFileName': ''},
        {'status': 'quarantineFailed', 'quarantineFileName': 'c.q'},
    ]
    return [
        dict(
            kind,
            suspicionFileId='%d-%d' % (number, k),
            detectionId='D%d' % number,
            fileSize=100 * number + k,
            hashScanResult='malware',
            modifyTime=1721740066493,
        )
        for k, kind in enumerate(kinds[: number % 4])
    ]


EXPECTED_QUARANTINED = {0: [], 1: [True], 2: [True, False], 3: [True, False, True]}


@pytest.mark.parametrize(
    'module, path, key',
    [
        (detection_info, '/api/v1/detections', 'detections'),
        (excepted_detection_info, '/api/v1/exceptions', 'excepted_detections'),
    ],
)
def test_suspicious_objects_one_get_per_record_in_order(env, capsys, module, path, key, fakes):
    numbers = list(range(9))
    records = [{'detectionId': 'D%d' % n} for n in numbers]
    object_paths = ['%s/D%d/suspicious-objects' % (path, n) for n in numbers]
    # the first records answer slowest, so the answers arrive out of order
    session = fakes.Api(
        lists={path: records},
        results=dict((p, objects_of(n)) for p, n in zip(object_paths, numbers)),
        delays=dict((p, 0.02 * (len(numbers) - n)) for p, n in zip(object_paths, numbers)),
    )
    result = run(module, dict(AUTH, suspicious_objects=True), session, env, capsys)
    assert 'failed' not in result
    assert [r['detection_id'] for r in result[key]] == ['D%d' % n for n in numbers]
    for n, record in zip(numbers, result[key]):
        objects = record['suspicious_objects']
        assert [o['suspicion_file_id'] for o in objects] == ['%d-%d' % (n, k) for k in range(n % 4)]
        assert [o['quarantined'] for o in objects] == EXPECTED_QUARANTINED[n % 4]
        assert all(o['detection_id'] == 'D%d' % n and o['hash_scan_result'] == 'malware' for o in objects)
        assert all(o['modify_time_iso'] == '2024-07-23T13:07:46.493Z' for o in objects)
        assert [o['file_size'] for o in objects] == [100 * n + k for k in range(n % 4)]
    lookups = [c for c in session.calls if c.path != path]
    assert sorted(c.path for c in lookups) == sorted(object_paths)  # one each, nothing else
    assert all(c.method == 'GET' and c.query == {} and c.body is None for c in lookups)
    assert 2 <= session.max_in_flight <= 4


@pytest.mark.parametrize(
    'module, path, key',
    [
        (detection_info, '/api/v1/detections', 'detections'),
        (excepted_detection_info, '/api/v1/exceptions', 'excepted_detections'),
    ],
)
def test_no_lookups_without_suspicious_objects(env, capsys, module, path, key, fakes):
    session = fakes.Api(lists={path: [{'detectionId': 'D1'}]})
    result = run(module, AUTH, session, env, capsys)
    assert 'suspicious_objects' not in result[key][0]
    assert [c.path for c in session.calls] == [path]


@pytest.mark.parametrize(
    'module, path, operation',
    [
        (detection_info, '/api/v1/detections', 'GetWebshellSuspiciousObject'),
        (excepted_detection_info, '/api/v1/exceptions', 'GetExceptedWebshellSuspiciousObject'),
    ],
)
def test_suspicious_object_error_fails_the_module_in_one_line(env, capsys, module, path, operation, fakes):
    records = [{'detectionId': 'D%d' % n} for n in range(6)]
    bad = '%s/D3/suspicious-objects' % path
    session = fakes.Api(
        lists={path: records},
        results=dict(('%s/D%d/suspicious-objects' % (path, n), []) for n in range(6)),
        answers={bad: fakes.Response(200, {'success': False, 'code': 8004, 'message': 'no such detection', 'result': None})},
    )
    result = run(module, dict(AUTH, suspicious_objects=True), session, env, capsys)
    assert result['failed'] is True and result['error']['kind'] == 'api'
    assert '\n' not in result['msg'] and operation in result['msg'] and 'GET ' + bad in result['msg']
    assert 'code 8004' in result['msg'] and 'no such detection' in result['msg']
    assert 'Traceback' not in json.dumps(result) and 'exception' not in result
    assert 'detections' not in result and 'excepted_detections' not in result


def test_suspicious_object_permission_error_names_the_permission(env, capsys, fakes):
    session = fakes.Api(
        lists={'/api/v1/detections': [{'detectionId': 'D1'}]},
        answers={'/api/v1/detections/D1/suspicious-objects': fakes.gateway_error(401, '210', 'Permission Denied')},
    )
    result = run(detection_info, dict(AUTH, suspicious_objects=True), session, env, capsys)
    assert result['failed'] is True and result['error']['kind'] == 'permission' and 'Permission denied' in result['msg']


# ---- exception_rule_info: live or deleted ---------------------------------------------------------


def test_deleted_switches_to_the_deleted_rules(env, capsys, fakes):
    rule = {'exceptedRuleId': '9', 'isDeleted': True, 'deletedTime': 1721740066493}
    session = fakes.Api(lists={'/api/v1/deleted-exception-rules': [rule]})
    result = run(exception_rule_info, dict(AUTH, deleted=True), session, env, capsys)
    assert result['exception_rules'] == [
        {'excepted_rule_id': '9', 'is_deleted': True, 'deleted_time': 1721740066493, 'deleted_time_iso': '2024-07-23T13:07:46.493Z'}
    ]
    assert [(c.method, c.path) for c in session.calls] == [('GET', '/api/v1/deleted-exception-rules')]


@pytest.mark.parametrize('option', ['deleted_since', 'deleted_until'])
def test_deletion_window_without_deleted_is_an_error(env, capsys, option, fakes):
    session = fakes.Api(lists={'/api/v1/exception-rules': []})
    result = run(exception_rule_info, dict(AUTH, **{option: '2024-07-01'}), session, env, capsys)
    assert result['failed'] is True and result['msg'] == '%s filters deleted rules; set deleted: true to list them.' % option
    assert session.calls == []


def test_empty_deletion_window_without_deleted_is_no_filter(env, capsys, fakes):
    session = fakes.Api(lists={'/api/v1/exception-rules': [{'exceptedRuleId': '1'}]})
    result = run(exception_rule_info, dict(AUTH, deleted_since='', deleted_until=''), session, env, capsys)
    assert result['exception_rules'] == [{'excepted_rule_id': '1'}]
    assert [(c.method, c.path) for c in session.calls] == [('GET', '/api/v1/exception-rules')]


# ---- notification_interval_info -------------------------------------------------------------------

INTERVAL_PATH = '/api/v1/alarm/interval'


@pytest.mark.parametrize(
    'answer, expected',
    [
        (
            {'id': 5, 'interval': 600000, 'platform': 'VPC', 'isDeleted': False, 'createTime': 1721740066493},
            {
                'id': '5',
                'interval_ms': 600000,
                'interval_name': 'ten_min',
                'platform': 'VPC',
                'is_deleted': False,
                'create_time': 1721740066493,
                'create_time_iso': '2024-07-23T13:07:46.493Z',
            },
        ),
        ([{'id': 5, 'interval': 86400000}], {'id': '5', 'interval_ms': 86400000, 'interval_name': 'twenty_four_hour'}),
        ({'interval': 45000}, {'interval_ms': 45000, 'interval_name': None}),
        (None, None),
        ([], None),
    ],
)
def test_notification_interval_shapes(env, capsys, answer, expected, fakes):
    session = fakes.Api(results={INTERVAL_PATH: answer})
    result = run(notification_interval_info, AUTH, session, env, capsys)
    assert result['changed'] is False and result['notification_interval'] == expected
    assert 'warnings' not in result
    assert [(c.method, c.uri, c.body) for c in session.calls] == [('GET', INTERVAL_PATH, None)]


def test_notification_interval_several_records_warn(env, capsys, fakes):
    session = fakes.Api(results={INTERVAL_PATH: [{'id': 1, 'interval': 60000, 'isDeleted': True}, {'id': 2, 'interval': 3600000, 'isDeleted': False}]})
    result = run(notification_interval_info, AUTH, session, env, capsys)
    assert result['notification_interval']['id'] == '2' and result['notification_interval']['interval_name'] == 'one_hour'
    warnings = warnings_of(result)
    assert len(warnings) == 1 and 'returned 2 records' in warnings[0]


@pytest.mark.parametrize('answer', ['ten_min', [{'interval': 'soon'}], {'id': 1}, [1, 2]])
def test_notification_interval_malformed(env, capsys, answer, fakes):
    result = run(notification_interval_info, AUTH, fakes.Api(results={INTERVAL_PATH: answer}), env, capsys)
    assert result['failed'] is True and result['error']['kind'] == 'malformed_response'
    assert 'GetNotificationInterval' in result['msg'] and '\n' not in result['msg']


# ---- where the keys come from, seen from the requests ---------------------------------------------


def signed_by(call, access_key, secret_key):
    """Whether the call carries ``access_key`` and a valid signature made with ``secret_key``."""
    headers = call.headers
    signature = make_signature(secret_key, call.method, call.uri, headers['x-ncp-apigw-timestamp'], access_key)
    return headers['x-ncp-iam-access-key'] == access_key and headers['x-ncp-apigw-signature-v2'] == signature


def write_configure(path, text, mode=0o600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(str(path), mode)
    return str(path)


def interval_session(fakes):
    return fakes.Api(results={INTERVAL_PATH: {'interval': 60000}})


def test_keys_from_the_environment(env, capsys, fakes):
    env.setenv('NCLOUD_ACCESS_KEY_ID', 'ENV-AK')
    env.setenv('NCLOUD_SECRET_KEY', SECRET)
    session = interval_session(fakes)
    result = run(notification_interval_info, {'endpoint': ENDPOINT}, session, env, capsys)
    assert result['notification_interval']['interval_name'] == 'one_min'
    assert signed_by(session.calls[0], 'ENV-AK', SECRET)


def test_keys_from_the_default_file_under_home(env, capsys, fakes):
    write_configure(Path(os.environ['HOME']) / '.ncloud' / 'configure', '[DEFAULT]\nncloud_access_key_id = FILE-AK\nncloud_secret_access_key = %s\n' % SECRET)
    session = interval_session(fakes)
    result = run(notification_interval_info, {'endpoint': ENDPOINT}, session, env, capsys)
    assert 'failed' not in result and 'warnings' not in result
    assert signed_by(session.calls[0], 'FILE-AK', SECRET)


def test_keys_from_a_named_file_and_profile(env, capsys, tmp_path, fakes):
    path = write_configure(
        tmp_path / 'wbd.conf',
        '[DEFAULT]\nncloud_access_key_id = DEF-AK\nncloud_secret_access_key = x\n'
        '[audit]\nncloud_access_key_id = AUDIT-AK\nncloud_secret_access_key = %s\n' % SECRET,
    )
    session = interval_session(fakes)
    run(notification_interval_info, {'endpoint': ENDPOINT, 'credentials_file': path, 'profile': 'audit'}, session, env, capsys)
    assert signed_by(session.calls[0], 'AUDIT-AK', SECRET)


def test_option_beats_environment_beats_file_per_key(env, capsys, fakes):
    write_configure(Path(os.environ['HOME']) / '.ncloud' / 'configure', 'ncloud_access_key_id = FILE-AK\nncloud_secret_access_key = file-secret\n')
    env.setenv('NCLOUD_ACCESS_KEY', 'ENV-AK')
    session = interval_session(fakes)
    run(notification_interval_info, {'endpoint': ENDPOINT, 'secret_key': SECRET}, session, env, capsys)
    assert signed_by(session.calls[0], 'ENV-AK', SECRET)
    session = interval_session(fakes)
    run(notification_interval_info, {'endpoint': ENDPOINT, 'access_key': 'OPT-AK'}, session, env, capsys)
    assert signed_by(session.calls[0], 'OPT-AK', 'file-secret')


def test_note_when_profile_is_set_but_options_win(env, capsys, fakes):
    session = interval_session(fakes)
    result = run(notification_interval_info, dict(AUTH, profile='audit'), session, env, capsys)
    warnings = warnings_of(result)
    assert len(warnings) == 1 and '(profile audit) was not read' in warnings[0]
    assert 'option access_key and option secret_key' in warnings[0]
    assert signed_by(session.calls[0], 'AK', SECRET)


def test_insecure_file_fails_without_showing_the_secret(env, capsys, fakes):
    path = write_configure(
        Path(os.environ['HOME']) / '.ncloud' / 'configure', 'ncloud_access_key_id = FILE-AK\nncloud_secret_access_key = %s\n' % SECRET, 0o644
    )
    session = interval_session(fakes)
    result = run(notification_interval_info, {'endpoint': ENDPOINT}, session, env, capsys)  # run() asserts SECRET is absent
    assert result['failed'] is True and 'chmod 600 %s' % path in result['msg'] and '\n' not in result['msg']
    assert session.calls == []


def test_missing_credentials_name_the_file_too(env, capsys, fakes):
    result = run(notification_interval_info, {'endpoint': ENDPOINT}, interval_session(fakes), env, capsys)
    assert result['failed'] is True and result['error']['kind'] == 'configuration'
    assert (
        'ncloud_access_key_id and ncloud_secret_access_key in the credentials file %s' % (Path(os.environ['HOME']) / '.ncloud' / 'configure') in result['msg']
    )


def test_secret_from_environment_or_file_is_masked_when_echoed(env, capsys, fakes):
    echo = {'detectionId': 'D1', 'memo': 'pasted by mistake: %s' % SECRET}
    env.setenv('NCLOUD_SECRET_ACCESS_KEY', SECRET)
    result = run(detection_info, {'endpoint': ENDPOINT, 'access_key': 'AK'}, fakes.Api(lists={'/api/v1/detections': [echo]}), env, capsys)
    assert result['detections'][0]['detection_id'] == 'D1'  # run() asserts SECRET is nowhere in the output
    env.delenv('NCLOUD_SECRET_ACCESS_KEY')
    write_configure(Path(os.environ['HOME']) / '.ncloud' / 'configure', 'ncloud_secret_access_key = %s\n' % SECRET)
    answer = fakes.gateway_error(401, '200', 'Authentication Failed for %s' % SECRET)
    result = run(detection_info, {'endpoint': ENDPOINT, 'access_key': 'AK'}, fakes.Api(answers={'/api/v1/detections': answer}), env, capsys)
    assert result['failed'] is True and 'Authentication failed' in result['msg']


# ---- completeness (issue 14) -------------------------------------------------------------------------------------


DETECTIONS_PATH = '/api/v1/detections'


def detections(n):
    return [{'detectionId': '%022d' % (5000 + i), 'detectTime': 1721740066493 + i} for i in range(n)]


@pytest.mark.parametrize(
    'quirks',
    [dict(cap=50), dict(base=1), dict(total=200), dict(text=True), dict(cap=30, base=1)],
    ids=['capped-asked-offsets', 'one-based', 'low-total', 'text-totals', 'capped-one-based'],
)
def test_quirky_servers_give_every_detection_and_the_evidence(env, capsys, quirks, fakes):
    items = detections(237)
    session = fakes.Api(lists={DETECTIONS_PATH: items}, total_pages=True, **quirks)
    result = run(detection_info, dict(AUTH, page_size=100), session, env, capsys)
    assert 'failed' not in result, result.get('msg')
    assert [d['detection_id'] for d in result['detections']] == [i['detectionId'] for i in items]
    assert result['complete'] is True and result['completeness']['complete'] is True
    evidence = result['completeness']
    assert evidence['operation'] == 'GetWebshell' and evidence['records_delivered'] == 237 and evidence['problems'] == []
    assert evidence['pages_requested'] == len(session.calls) and evidence['page_size_asked'] == 100
    assert evidence['page_base'] == quirks.get('base', 0)
    if 'cap' in quirks:
        assert evidence['page_size_served'] == quirks['cap'] and evidence['page_size_used'] == quirks['cap']


def test_an_incomplete_list_fails_in_one_line_with_the_evidence(env, capsys, fakes):
    # Issue 14: 50 of 237 detections, only page 0 requested although totalPages was 3, and only a warning.
    session = fakes.Api(lists={DETECTIONS_PATH: detections(237)}, total_pages=True, null_pages={1, 2, 3, 4, 5})
    result = run(detection_info, dict(AUTH, page_size=100), session, env, capsys)
    assert result['failed'] is True and '\n' not in result['msg'] and result['error']['kind'] == 'incomplete'
    assert result['msg'].startswith('GetWebshell announced 237 records in 3 pages but delivered 100 after')
    assert 'allow_partial: true' in result['msg'] and 'detections' not in result
    assert result['completeness']['complete'] is False and result['completeness']['null_pages'] == [1, 2]


def test_allow_partial_returns_the_partial_list_flagged(env, capsys, fakes):
    session = fakes.Api(lists={DETECTIONS_PATH: detections(60)}, total_pages=True, total=90)
    result = run(detection_info, dict(AUTH, page_size=25, allow_partial=True), session, env, capsys)
    assert 'failed' not in result and len(result['detections']) == 60 and result['complete'] is False
    assert result['completeness']['problems'] == ['GetWebshell announced 90 records in 4 pages but delivered 60 after 4 pages.']
    assert any('announced 90 records' in w and 'allow_partial' in w for w in warnings_of(result))


def test_a_capped_server_names_the_page_size_to_try(env, capsys, fakes):
    session = fakes.Api(lists={DETECTIONS_PATH: detections(60)}, total_pages=True, cap=20, total=90)
    result = run(detection_info, dict(AUTH, page_size=100), session, env, capsys)
    assert result['failed'] is True and 'page_size: 20' in result['msg'], result['msg']


def test_max_results_is_not_a_failure_but_not_complete(env, capsys, fakes):
    session = fakes.Api(lists={DETECTIONS_PATH: detections(25)})
    result = run(detection_info, dict(AUTH, page_size=10, max_results=15), session, env, capsys)
    assert 'failed' not in result and result['truncated'] is True and result['complete'] is False
    assert result['completeness']['problems'][0].startswith('max_results 15 cut the list')
    assert 'warnings' not in result


@pytest.mark.parametrize('module, extra, path, key, api_id, our_id', LIST_MODULES, ids=LIST_IDS)
def test_every_list_module_carries_complete_and_completeness(env, capsys, module, extra, path, key, api_id, our_id, fakes):
    session = fakes.Api(lists={path: id_list(25, api_id)})
    result = run(module, dict(AUTH, page_size=10, **extra), session, env, capsys)
    assert result['complete'] is True and result['completeness']['records_delivered'] == 25
    assert sorted(result['completeness']) == sorted(
        [
            'complete',
            'operation',
            'pages_requested',
            'page_size_asked',
            'page_size_served',
            'page_size_used',
            'page_size_echoed',
            'page_base',
            'total_announced',
            'total_first_announced',
            'total_pages_announced',
            'records_delivered',
            'passes',
            'null_pages',
            'stop_reason',
            'truncated',
            'problems',
            'notes',
        ]
    )


def test_times_in_seconds_are_converted_with_one_warning(env, capsys, fakes):
    items = [{'detectionId': '%022d' % i, 'detectTime': 1721740066 + i} for i in range(30)]
    result = run(detection_info, dict(AUTH, page_size=10), fakes.Api(lists={DETECTIONS_PATH: items}), env, capsys)
    assert result['detections'][0]['detect_time'] == 1721740066000
    lines = [w for w in warnings_of(result) if 'detectTime' in w]
    assert len(lines) == 1 and 'GetWebshell: detectTime came as epoch seconds in 30 records' in lines[0]


@pytest.mark.parametrize(
    'module', [detection_info, detection_target_info, excepted_detection_info, exception_rule_info, notification_interval_info, quarantine_info]
)
def test_every_info_module_runs_its_own_registry_entry(monkeypatch, module):
    ran = []
    monkeypatch.setattr(module, 'run_info_module', ran.append)
    module.main()
    assert ran == [module.__name__.rsplit('.', 1)[1]]
