# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests for the sandbox's fixture datasets (--dataset-file) and the known audit fixture."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import sys
import time
from urllib.request import urlopen

import pytest
from ansible_collections.ncloud.wbd.tests.unit.sandbox.sandbox_command import sandbox_command

SANDBOX_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'sandbox'))
if SANDBOX_DIR not in sys.path:
    sys.path.insert(0, SANDBOX_DIR)

import sandbox_data  # noqa: E402  pylint: disable=wrong-import-position
import wbd_sandbox  # noqa: E402  pylint: disable=wrong-import-position
from sandbox_fixture import FixtureError, load_dataset  # noqa: E402  pylint: disable=wrong-import-position

AUDIT = os.path.join(SANDBOX_DIR, 'fixtures', 'audit_known.json')
ANCHOR = 1800000000000
HOUR, DAY = 3600000, 86400000
ACCESS, SECRET = 'SANDBOXACCESSKEY00001', 'sandbox-secret-DO-NOT-LEAK-7f3a9c'
SMALL = {
    'servers': [{'instanceNo': '10000001', 'serverName': 'web-1', 'ipAddress': '10.0.0.1', 'serverGroupId': '1000001', 'serverGroupName': 'web-group'}],
    'detections': [
        {
            'detectionId': 'D-old',
            'instanceNo': '10000001',
            'detectTime': '-2d',
            'processName': 'sh',
            'processArg': 'sh -c id',
            'actionStatus': 'confirmed',
            'suspicionFiles': [
                {'suspicionFileId': 'F1', 'fileOriginName': '/up/a.php', 'weight': 10, 'modifyTime': '-90m'},
                {
                    'suspicionFileId': 'F2',
                    'fileOriginName': '/up/b.php',
                    'weight': 5,
                    'hashScanResult': 'malware',
                    'status': 'quarantined',
                    'quarantineTime': '-30s',
                },
            ],
        },
        {'detectionId': 'D-new', 'instanceNo': '77', 'serverName': 'ghost', 'detectTime': 'now', '_note': 'dropped'},
    ],
    'exception-rules': [
        {
            'exceptedRuleId': 'R1',
            'exceptTargetType': 'serverGroup',
            'exceptTarget': '1000001',
            'processName': 'sh',
            'processNameCondition': 'END',
            'createdTime': '-3h',
        }
    ],
    'deleted-exception-rules': [{'exceptedRuleId': 'R2', 'deletedTime': ANCHOR - DAY}],
    'alarm-interval': {'interval': 60000},
}


def write(tmp_path, content, name='fixture.json'):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding='utf-8')
    return str(path)


def control(base_url, path):
    with urlopen(base_url + path, timeout=5) as response:
        return json.loads(response.read().decode())


def signed_get(base_url, uri):
    host, port = base_url.rsplit('/', 1)[1].split(':')
    ts = str(int(time.time() * 1000))
    sig = base64.b64encode(hmac.new(SECRET.encode(), ('GET %s\n%s\n%s' % (uri, ts, ACCESS)).encode(), hashlib.sha256).digest()).decode()
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request(
        'GET', uri, headers={'x-ncp-apigw-timestamp': ts, 'x-ncp-iam-access-key': ACCESS, 'x-ncp-apigw-signature-v2': sig, 'X-NCP-USE_PLATFORM_TYPE': 'VPC'}
    )
    return json.loads(conn.getresponse().read().decode())


def test_relative_times_defaults_and_order(tmp_path):
    data = load_dataset(write(tmp_path, SMALL), ANCHOR)
    assert data.ids('detections') == ['D-new', 'D-old']
    new, old = data.detections
    assert new['detectTime'] == ANCHOR and old['detectTime'] == ANCHOR - 2 * DAY
    assert old['collectTime'] == old['actionTime'] == old['lastUpdatedTime'] == ANCHOR - 2 * DAY
    assert old['serverName'] == old['hostName'] == 'web-1' and old['privateIPofServer'] == '10.0.0.1'
    assert old['command'] == 'sh -c id' and old['isChecked'] is True and new['isChecked'] is False
    assert new['hostName'] == 'ghost' and new['privateIPofServer'] == '' and '_note' not in new
    assert new['suspicionFiles'] == [] and new['suspicionIps'] == [] and new['memo'] == '' and new['osType'] == 'LINUX'
    assert new['memberNo'] == old['memberNo'] == data.member_no
    assert old['suspicionFiles'][0]['modifyTime'] == ANCHOR - 90 * 60000 and old['suspicionFiles'][0]['accessTime'] == old['detectTime']
    rule = data.exception_rules[0]
    assert rule['createdTime'] == ANCHOR - 3 * HOUR and rule['exceptTargetName'] == 'web-group' and rule['groupIsDeleted'] is False
    assert rule['processArgCondition'] == 'NOT_USE' and rule['processArg'] == '' and rule['disabled'] is False
    deleted = data.deleted_exception_rules[0]
    assert deleted['isDeleted'] is True and deleted['deletedTime'] == ANCHOR - DAY and deleted['exceptTargetType'] == 'everyServer'
    assert data.alarm_interval['interval'] == 60000 and data.alarm_interval['platform'] == 'VPC'
    assert data.exceptions == [] and data.servers[0]['platform'] == 'VPC' and data.servers[0]['wasConfigList'] == []
    assert sandbox_data.rule_matches(rule, old)


def test_object_overrides_and_quarantine(tmp_path):
    data = load_dataset(write(tmp_path, SMALL), ANCHOR)
    files = data.detections[1]['suspicionFiles']
    assert all(set(f) == {'suspicionFileId', 'fileOriginName', 'fileOwner', 'weight', 'accessTime', 'modifyTime', 'changeTime', 'detectionId'} for f in files)
    plain, quarantined = data.suspicious_objects('detections', 'D-old')
    assert plain['hashScanResult'] == 'notMalware'  # weight < 40: build_object never says malware
    assert quarantined['hashScanResult'] == 'malware' and quarantined['status'] == 'quarantined'
    assert data.quarantines == [quarantined] and quarantined['quarantineTime'] == ANCHOR - 30000
    assert quarantined['quarantineFileName'] == '/up/b.php.F2.wbdq' and quarantined['detectionId'] == 'D-old'


def test_audit_fixture_scenario():
    data = load_dataset(AUDIT, ANCHOR)
    by_id = dict((d['detectionId'], d) for d in data.detections)
    assert len(by_id) == 7 and data.ids('exceptions') == ['2026110100000000000101']
    assert [s['serverName'] for s in data.servers] == ['web-prd-001', 'web-prd-002', 'app-prd-001', 'db-stg-001']
    assert data.ids('quarantines') == ['2026110100000000002002']
    d3 = by_id['2026110100000000000003']
    assert d3['processArg'] == "=cmd|' /C calc'!A0 <script>alert(1)</script>" and d3['memo'] == '<img src=x onerror=alert(1)>'
    assert data.suspicious_objects('detections', d3['detectionId'])[0]['hashScanResult'] == 'malware'
    assert d3['suspicionIps'][0]['suspicionIp'] == '203.0.113.7'
    assert by_id['2026110100000000000001']['processArg'] == 'php -r system($_GET["c"]);'
    assert by_id['2026110100000000000006']['detectTime'] < ANCHOR - 7 * DAY < min(d['detectTime'] for d in data.detections[:-1])
    registered = set(data.ids('servers'))
    assert [d['serverName'] for d in data.detections if d['instanceNo'] not in registered] == ['legacy-web-01']
    rules = dict((r['exceptedRuleName'], r) for r in data.exception_rules)
    groups = dict((s['instanceNo'], s['serverGroupId']) for s in data.servers)

    def targets(rule, record):
        return rule['exceptTargetType'] == 'everyServer' or rule['exceptTarget'] in (record['instanceNo'], groups.get(record['instanceNo']))

    covered = dict(
        (r['exceptedRuleName'], sorted(d['detectionId'] for d in data.detections + data.exceptions if targets(r, d) and sandbox_data.rule_matches(r, d)))
        for r in data.exception_rules
    )
    assert covered == {
        'allow-php-cli': ['2026110100000000000001', '2026110100000000000101'],
        'db-anything': ['2026110100000000000007'],
        'tar-everywhere': [],
        'disabled-sh': ['2026110100000000000003'],
        'old-group-rule': [],
    }
    assert rules['disabled-sh']['disabled'] is True and rules['old-group-rule']['groupIsDeleted'] is True
    assert all(rules['db-anything'][f + 'Condition'] == 'NOT_USE' for f in sandbox_data.RULE_FIELDS)
    assert data.deleted_exception_rules[0]['exceptedRuleName'] == 'deleted-catch-all'


@pytest.mark.parametrize(
    'content,message',
    [
        ('{"servers": [', 'not valid JSON'),
        ([], 'top level must be a JSON object'),
        ({'detections': [], 'alarms': []}, 'unknown top-level key(s) alarms'),
        ({'detections': {}}, 'detections: must be a JSON array'),
        ({'detections': [{'detectionId': 'A', 'detectTime': '-2w'}]}, 'detections[0].detectTime: time must be'),
        ({'detections': [{'detectionId': 'A', 'detectTime': '2d'}]}, 'detections[0].detectTime'),
        ({'detections': [{'detectionId': 'A'}], 'exceptions': [{'detectionId': 'A'}]}, 'exceptions[0]: duplicate detectionId A'),
        ({'servers': [{'instanceNo': '1'}, {'instanceNo': '1'}]}, 'servers[1]: duplicate instanceNo 1'),
        ({'servers': [{'instanceNo': 1}]}, 'servers[0]: instanceNo must be a non-empty string'),
        ({'detections': [{'detectionId': 'A', 'suspicionFiles': [{'suspicionFileId': 'F'}, {'suspicionFileId': 'F'}]}]}, 'duplicate suspicionFileId F'),
        ({'detections': [{'detectionId': 'A', 'procesName': 'sh'}]}, 'detections[0]: unknown key(s) procesName'),
        ({'detections': [{'detectionId': 'A', 'suspicionFiles': [{'suspicionFileId': 'F', 'status': 'gone'}]}]}, 'status must be one of'),
        ({'exception-rules': [{'exceptedRuleId': 'R', 'processName': 'sh'}]}, 'processNameCondition is NOT_USE'),
        ({'exception-rules': [{'exceptedRuleId': 'R', 'executorCondition': 'LIKE', 'executor': 'x'}]}, 'executorCondition must be one of'),
        ({'exception-rules': [{'exceptedRuleId': 'R'}], 'deleted-exception-rules': [{'exceptedRuleId': 'R'}]}, 'duplicate exceptedRuleId R'),
    ],
)
def test_invalid_files(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(FixtureError) as info:
        load_dataset(path, ANCHOR)
    assert message in str(info.value) and path in str(info.value)


def test_missing_file_and_start_in_thread_error(tmp_path):
    with pytest.raises(FixtureError, match='cannot read'):
        load_dataset(str(tmp_path / 'nope.json'), ANCHOR)
    with pytest.raises(ValueError, match='unknown top-level key'):
        wbd_sandbox.start_in_thread(quiet=True, dataset_file=write(tmp_path, {'bogus': 1}))


def test_served_page_from_fixture():
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=30, dataset_file=AUDIT)
    try:
        result = signed_get(base_url, '/api/v1/detections?pageIndex=0&pageSize=5')['result']
        expected = load_dataset(AUDIT, server.dataset.anchor_ms).detections
        assert result['totalCount'] == 7 and result['totalPages'] == 2 and result['content'] == expected[:5]
        assert result['content'][0]['detectTime'] == server.dataset.anchor_ms - 3 * HOUR
        quarantines = signed_get(base_url, '/api/v1/quarantines')['result']['content']
        assert [q['suspicionFileId'] for q in quarantines] == ['2026110100000000002002']
        objects = signed_get(base_url, '/api/v1/detections/2026110100000000000001/suspicious-objects')['result']
        assert [(o['suspicionFileId'], o['status']) for o in objects] == [('2026110100000000002001', 'detected')]
        config = control(base_url, '/__sandbox/config')
        assert config['dataset_file'] == AUDIT and config['dataset_counts']['exception-rules'] == 5
        assert control(base_url, '/__sandbox/dataset?resource=detections')['records'] == result['content'] + expected[5:]
    finally:
        server.stop()


def test_cli_start_with_dataset_file(tmp_path):
    port_file = str(tmp_path / 'sandbox.port')
    bad = sandbox_command('start', '--port-file', port_file, '--dataset-file', write(tmp_path, {'x': []}), timeout=20)
    assert bad.returncode == 1 and 'unknown top-level key(s) x' in bad.stderr and not os.path.exists(port_file)
    started = sandbox_command(
        'start', '--port-file', port_file, '--lifetime', '30', '--quiet', '--dataset-file', os.path.relpath(AUDIT), timeout=20, check=True
    )
    out = started.stdout.strip()
    try:
        assert control(out, '/__sandbox/config')['dataset_file'] == AUDIT
        assert control(out, '/__sandbox/ids?resource=exceptions')['ids'] == ['2026110100000000000101']
    finally:
        sandbox_command('stop', '--port-file', port_file, timeout=20, check=True)
