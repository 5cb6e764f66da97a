# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit record (docs/docsite/rst/guide_record_schema.rst) from small hand-built datasets: host statuses and reasons, rule
coverage, unmatched detections, account findings, summary counts, the content digest and the window; and (issue 14)
the unknown status, completeness problems, ambiguous matches, the --limit scope, policy ranges and the action's
result and error wording.

Every expected status, count and finding ID is written out by hand from the dataset in each test.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import copy
import re

import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.ncloud.wbd.plugins.action.audit_evaluate import ActionModule, action_result, list_completeness
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import (
    DETECTION_FIELDS,
    AuditInputError,
    check_policy,
    evaluate,
    window,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.match import MatchError
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.options import hosts_failing, incomplete_message, role_names
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import SEVERITIES, content_digest
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.audit_inputs import host, rule, target


def utc_ms(year, month, day, hour=0, minute=0, second=0):
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) * 1000


HOUR, DAY = 3600 * 1000, 86400 * 1000
NOW = utc_ms(2026, 11, 21, 9, 30)  # 2026-11-21T09:30:00Z
START = NOW - 7 * DAY  # the default 7d window
EARLY = NOW - 2 * DAY


def test_hand_computed_anchor():
    # 2026-11-21 is day 20413 since 1970-01-01 (56 years, 14 of them leap years, plus 324 days of 2026)
    assert NOW == (56 * 365 + 14 + 324) * DAY + 9 * HOUR + 30 * 60 * 1000 == 1795253400000


def detection(did, instance_no, detect_time=EARLY, process_name='/bin/sh', action_status='blank', weights=(), server_name=None, **extra):
    out = {
        'detection_id': did,
        'instance_no': instance_no,
        'detect_time': detect_time,
        'detect_time_iso': 'iso-%s' % detect_time,
        'action_status': action_status,
        'server_name': server_name,
        'host_name': server_name,
        'private_ip': None,
        'container_name': None,
        'process_name': process_name,
        'process_arg': '-c id',
        'executor': 'www-data',
        'parent_process_name': '/usr/sbin/apache2',
        'parent_process_arg': '-k start',
        'parent_executor': 'root',
        'command': '%s -c id' % process_name,
        'memo': None,
        'suspicion_files': [
            {'suspicion_file_id': '%s-f%d' % (did, n), 'file_origin_name': '/var/www/f%d.php' % n, 'weight': w, 'file_owner': 'www-data'}
            for n, w in enumerate(weights)
        ],
        'suspicion_ips': [],
        'member_no': '26***90',
        'uid': '33',
        'collect_time': detect_time,
    }
    out.update(extra)
    return out


# A narrow rule: compares two fields on one server group, so it makes no finding of its own.
NARROW = dict(process_name=('START', '/usr/bin/php'), executor=('EQUAL', 'www-data'))


def audit(hosts, targets=(), detections=(), rules=(), excepted=None, policy=None, now_ms=NOW, run=None, **more):
    return evaluate(list(hosts), list(targets), list(detections), list(rules), excepted=excepted, policy=policy, now_ms=now_ms, run=run, **more)


def finding(record, fid):
    found = [f for f in record['findings'] if f['id'] == fid]
    assert len(found) == 1, [f['id'] for f in record['findings']]
    return found[0]


def ids(record, kind=None):
    return sorted(f['id'] for f in record['findings'] if kind is None or f['kind'] == kind)


# ---- record shape ------------------------------------------------------------------------------


def test_empty_audit_shape():
    record = audit([])
    assert record['schema_version'] == 2
    assert record['generator'] == 'ncloud.wbd.webshell_audit'
    assert set(record) == set(
        [
            'schema_version',
            'generator',
            'content_digest',
            'run',
            'summary',
            'completeness',
            'scope',
            'hosts',
            'unmatched_detections',
            'ambiguous_detections',
            'out_of_scope_detections',
            'exception_rules',
            'findings',
        ]
    )
    assert record['completeness'] == {'complete': True, 'lists': {}, 'problems': []}
    assert record['scope'] == {'out_of_scope_servers': 0, 'out_of_scope_detections': 0, 'instance_nos': [], 'servers': []}
    assert record['summary']['complete'] is True and record['summary']['unknown'] == 0
    assert record['hosts'] == {} and record['unmatched_detections'] == [] and record['findings'] == []
    assert record['summary']['findings_by_severity'] == dict((s, 0) for s in SEVERITIES)
    assert re.match('^[0-9a-f]{64}$', record['content_digest'])


def test_run_metadata():
    record = audit([], run={'endpoint': 'https://wbd.apigw.ntruss.com', 'inventory_scope': {'hosts': [], 'count': 0}})
    run = record['run']
    assert run['endpoint'] == 'https://wbd.apigw.ntruss.com'
    assert run['inventory_scope'] == {'hosts': [], 'count': 0}
    assert run['started_at_ms'] == NOW and run['started_at_iso'] == '2026-11-21T09:30:00.000Z'
    assert run['collection_version']
    policy = run['policy']
    assert policy['lookback'] == '7d' and policy['window_start_ms'] == START
    assert policy['window_start_iso'] == '2026-11-14T09:30:00.000Z'
    assert policy['min_weight'] == 0 and policy['high_weight'] == 80 and policy['broad_rule_max_conditions'] == 1
    assert policy['match_keys'] == ['instance_no', 'inventory_hostname', 'ansible_host', 'host_name', 'server_name', 'private_ip']
    assert policy['fail_on_unprotected'] is False and policy['fail_on_unreviewed'] is False


def test_hosts_keyed_and_sorted_by_name():
    record = audit([host('web-2'), host('db-1'), host('web-10')])
    assert list(record['hosts']) == ['db-1', 'web-10', 'web-2']
    assert set(record['hosts']['db-1']) == set(
        ['name', 'status', 'reasons', 'doubts', 'matched_by', 'target', 'detection_count', 'unreviewed_count', 'covered_count', 'detections']
    )


# ---- host statuses -----------------------------------------------------------------------------


def test_not_registered_host_is_unprotected():
    record = audit([host('web-3', instance_no='103')], targets=[target('999', 'other')])
    entry = record['hosts']['web-3']
    assert entry['status'] == 'unprotected'
    assert entry['target'] is None and entry['matched_by'] is None
    assert len(entry['reasons']) == 1 and 'not registered' in entry['reasons'][0]
    f = finding(record, 'host/web-3/not_registered')
    assert (f['kind'], f['severity'], f['scope'], f['host'], f['subject']) == ('not_registered', 'high', 'host', 'web-3', 'web-3')
    assert f['message'] == entry['reasons'][0]


def test_agent_disabled_host_is_unprotected():
    record = audit([host('web-2', instance_no='102')], targets=[target('102', 'web-prd-002', agent_status='disable', ip='10.0.1.2')])
    entry = record['hosts']['web-2']
    assert entry['status'] == 'unprotected' and entry['matched_by'] == 'instance_no'
    assert entry['target'] == {
        'instance_no': '102',
        'server_name': 'web-prd-002',
        'agent_status': 'disable',
        'server_group_id': 'G1',
        'server_group_name': 'group-G1',
        'ip_address': '10.0.1.2',
    }
    assert entry['reasons'] == [finding(record, 'host/web-2/agent_not_enabled')['message']]
    assert "'disable'" in entry['reasons'][0] and 'web-prd-002' in entry['reasons'][0] and '102' in entry['reasons'][0]
    assert finding(record, 'host/web-2/agent_not_enabled')['severity'] == 'high'


@pytest.mark.parametrize('status', ['disable', 'notInstalled', 'error', 'activating', 'down', None, 'ENABLE'])
def test_every_agent_status_but_enable_is_unprotected(status):
    record = audit([host('h', instance_no='1')], targets=[target('1', 's', agent_status=status)])
    assert record['hosts']['h']['status'] == 'unprotected'


def test_unreviewed_host():
    record = audit(
        [host('web-4', instance_no='104')], targets=[target('104', 'web-prd-004')], detections=[detection('D1', '104', process_name='/tmp/.x/kworker')]
    )
    entry = record['hosts']['web-4']
    assert entry['status'] == 'unreviewed'
    assert entry['detection_count'] == 1 and entry['unreviewed_count'] == 1 and entry['covered_count'] == 0
    d = entry['detections'][0]
    assert d['host'] == 'web-4' and d['matched_by'] == 'instance_no' and d['unreviewed'] is True and d['covered_by'] == []
    f = finding(record, 'host/web-4/unreviewed_detections')
    assert f['severity'] == 'high' and f['scope'] == 'host'
    assert entry['reasons'] == [f['message']]
    assert '1 unconfirmed detection in the last 7d' in f['message'] and '/tmp/.x/kworker' in f['message']


def test_compliant_host_with_confirmed_detection():
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'web-prd-001')], detections=[detection('D1', '101', action_status='confirmed')])
    entry = record['hosts']['web-1']
    assert entry['status'] == 'compliant' and entry['reasons'] == []
    assert entry['detection_count'] == 1 and entry['unreviewed_count'] == 0
    assert entry['detections'][0]['unreviewed'] is False
    assert record['findings'] == []


def test_compliant_host_without_detections():
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'web-prd-001')])
    assert record['hosts']['web-1']['status'] == 'compliant'
    assert record['hosts']['web-1']['detections'] == []


def test_unprotected_and_unreviewed_host_keeps_both_reasons():
    record = audit(
        [host('web-2', instance_no='102')],
        targets=[target('102', 'web-prd-002', agent_status='disable')],
        detections=[detection('D1', '102'), detection('D2', '102', detect_time=EARLY + 1)],
    )
    entry = record['hosts']['web-2']
    assert entry['status'] == 'unprotected'
    assert len(entry['reasons']) == 2
    assert ids(record) == ['host/web-2/agent_not_enabled', 'host/web-2/unreviewed_detections']
    assert any('agent status' in r for r in entry['reasons'])
    assert any('2 unconfirmed detections' in r for r in entry['reasons'])
    assert entry['unreviewed_count'] == 2


def test_unregistered_host_matched_by_name_is_unprotected_with_unreviewed_reason():
    record = audit([host('web-5')], targets=[], detections=[detection('D1', '105', server_name='WEB-5')])
    entry = record['hosts']['web-5']
    assert entry['status'] == 'unprotected' and entry['target'] is None
    assert entry['detections'][0]['matched_by'] == 'inventory_hostname'
    assert ids(record) == ['host/web-5/not_registered', 'host/web-5/unreviewed_detections']


# ---- exception rules ---------------------------------------------------------------------------


def test_start_rule_covers_detection():
    r = rule('R1', 'serverGroup', 'G1', **NARROW)
    d = detection('D1', '101', process_name='/usr/bin/php8.2')
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'web-prd-001', group='G1')], detections=[d], rules=[r])
    entry = record['hosts']['web-1']
    assert entry['status'] == 'compliant'
    assert entry['covered_count'] == 1 and entry['unreviewed_count'] == 0
    assert entry['detections'][0]['covered_by'] == ['R1'] and entry['detections'][0]['unreviewed'] is False
    assert record['exception_rules'][0]['covers'] == ['D1']
    assert record['exception_rules'][0]['active'] is True
    assert record['summary']['covered_detections'] == 1 and record['summary']['unreviewed_detections'] == 0
    assert record['findings'] == []


def test_group_rule_needs_the_servers_group_from_the_targets():
    r = rule('R1', 'serverGroup', 'G1', **NARROW)
    # same behaviour on a server in another group, and on a server with no target at all
    record = audit(
        [host('web-1', instance_no='101'), host('web-2', instance_no='102'), host('web-3')],
        targets=[target('101', 'a', group='G1'), target('102', 'b', group='G2')],
        detections=[
            detection('D1', '101', process_name='/usr/bin/php'),
            detection('D2', '102', process_name='/usr/bin/php'),
            detection('D3', '103', process_name='/usr/bin/php', server_name='web-3'),
        ],
        rules=[r],
    )
    assert record['exception_rules'][0]['covers'] == ['D1']
    assert record['hosts']['web-2']['status'] == 'unreviewed'
    assert record['hosts']['web-3']['detections'][0]['covered_by'] == []


def test_start_rule_does_not_cover_other_process():
    r = rule('R1', 'serverGroup', 'G1', **NARROW)
    record = audit(
        [host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('D1', '101', process_name='/usr/local/bin/php')], rules=[r]
    )
    assert record['hosts']['web-1']['status'] == 'unreviewed'
    assert record['exception_rules'][0]['covers'] == []


def test_disabled_rule_covers_nothing_and_is_a_low_finding():
    r = rule('R9', 'server', '101', disabled=True, **NARROW)
    record = audit(
        [host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('D1', '101', process_name='/usr/bin/php')], rules=[r]
    )
    assert record['hosts']['web-1']['status'] == 'unreviewed'
    assert record['hosts']['web-1']['detections'][0]['covered_by'] == []
    summary = record['exception_rules'][0]
    assert summary['covers'] == [] and summary['active'] is False and summary['disabled'] is True
    f = finding(record, 'rule/R9/rule_disabled')
    assert f['kind'] == 'rule_disabled' and f['severity'] == 'low' and f['rule_id'] == 'R9' and f['scope'] == 'account'
    assert f['host'] is None
    assert record['summary']['exception_rules'] == 1 and record['summary']['active_exception_rules'] == 0


def test_disabled_all_not_use_rule_is_not_overbroad():
    record = audit([], rules=[rule('R9', disabled=True)])
    assert ids(record) == ['rule/R9/rule_disabled']


def test_deleted_rule_covers_nothing_and_makes_no_finding():
    r = dict(rule('R8', 'server', '101', **NARROW), is_deleted=True, deleted_time=NOW - DAY)
    record = audit(
        [host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('D1', '101', process_name='/usr/bin/php')], rules=[r]
    )
    assert record['hosts']['web-1']['detections'][0]['covered_by'] == []
    assert record['exception_rules'][0]['active'] is False
    assert ids(record) == ['host/web-1/unreviewed_detections']


def test_two_rules_cover_one_detection():
    rules = [rule('R1', 'server', '101', **NARROW), rule('R2', 'serverGroup', 'G1', process_name=('END', 'php'), executor=('EQUAL', 'www-data'))]
    record = audit(
        [host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('D1', '101', process_name='/usr/bin/php')], rules=rules
    )
    assert record['hosts']['web-1']['detections'][0]['covered_by'] == ['R1', 'R2']
    assert [r['covers'] for r in record['exception_rules']] == [['D1'], ['D1']]
    assert record['summary']['covered_detections'] == 1


def test_covered_but_unmatched_detection_counts_in_rule_covers():
    r = rule('R1', 'server', '999', **NARROW)
    record = audit([], detections=[detection('D1', '999', process_name='/usr/bin/php', server_name='stray')], rules=[r])
    assert record['exception_rules'][0]['covers'] == ['D1']
    assert record['unmatched_detections'][0]['covered_by'] == ['R1']
    assert record['summary']['covered_detections'] == 1  # covered by an active rule, matched or not


def test_exception_rules_in_api_order_with_documented_shape():
    rules = [rule('R2', 'server', '1', **NARROW), rule('R1', 'serverGroup', 'G1', **NARROW)]
    record = audit([], rules=rules)
    assert [r['rule_id'] for r in record['exception_rules']] == ['R2', 'R1']
    assert set(record['exception_rules'][0]) == set(
        [
            'rule_id',
            'name',
            'target_type',
            'target',
            'target_name',
            'active',
            'disabled',
            'group_is_deleted',
            'compared_fields',
            'conditions',
            'covers',
            'hides',
            'created_time_iso',
            'action_name',
        ]
    )


# ---- hides -------------------------------------------------------------------------------------


def test_hides_counts_excepted_detections_in_window():
    rules = [rule('R1', 'server', '101', **NARROW), rule('R2', 'server', '102', **NARROW)]
    excepted = [
        detection('E1', '101', process_name='/usr/bin/php'),
        detection('E2', '101', process_name='/usr/bin/php-fpm', detect_time=START),
        detection('E3', '101', process_name='/usr/bin/php', detect_time=START - 1),  # before the window
        detection('E4', '101', process_name='/bin/bash'),
    ]  # R1 does not cover it
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], rules=rules, excepted=excepted)
    assert [r['hides'] for r in record['exception_rules']] == [2, 0]
    # excepted detections are not detections of the audit
    assert record['summary']['detections'] == 0 and record['hosts']['web-1']['status'] == 'compliant'


def test_hides_none_when_excepted_not_fetched():
    record = audit([], rules=[rule('R1', 'server', '101', **NARROW)], excepted=None)
    assert record['exception_rules'][0]['hides'] is None


def test_hides_zero_with_empty_excepted_list():
    record = audit([], rules=[rule('R1', 'server', '101', **NARROW)], excepted=[])
    assert record['exception_rules'][0]['hides'] == 0


def test_hides_ignores_disabled_rules():
    record = audit([], rules=[rule('R1', 'server', '101', disabled=True, **NARROW)], excepted=[detection('E1', '101', process_name='/usr/bin/php')])
    assert record['exception_rules'][0]['hides'] == 0


# ---- unmatched detections ----------------------------------------------------------------------


def test_unmatched_detection_is_kept_with_one_finding_per_server():
    dets = [
        detection('D1', '999', server_name='stray-1', detect_time=EARLY),
        detection('D2', '999', server_name='stray-1', detect_time=EARLY + HOUR, action_status='confirmed'),
        detection('D3', '998', server_name='stray-2'),
        detection('D4', '101'),
    ]
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=dets)
    assert [d['detection_id'] for d in record['unmatched_detections']] == ['D2', 'D1', 'D3']
    assert all(d['host'] is None and d['matched_by'] is None and d['unreviewed'] is False for d in record['unmatched_detections'])
    assert ids(record, 'unmatched_detections') == ['server/998/unmatched_detections', 'server/999/unmatched_detections']
    f = finding(record, 'server/999/unmatched_detections')
    assert f['severity'] == 'medium' and f['scope'] == 'account' and f['host'] is None
    assert '2 detections' in f['message'] and 'stray-1' in f['message'] and '(1 unconfirmed)' in f['message']
    assert record['summary']['unmatched_detections'] == 3
    assert record['summary']['detections'] == 4
    # unmatched detections never make a host unreviewed nor count as unreviewed detections
    assert record['summary']['unreviewed_detections'] == 1


def test_no_detection_is_dropped():
    hosts = [host('web-1', instance_no='101'), host('web-2')]
    dets = [
        detection('D%d' % n, inst, server_name=name)
        for n, (inst, name) in enumerate([('101', None), ('102', 'web-2'), ('103', 'x'), (None, None), ('101', 'web-2')])
    ]
    record = audit(hosts, targets=[target('101', 'a')], detections=dets)
    kept = [d['detection_id'] for e in record['hosts'].values() for d in e['detections']]
    kept += [d['detection_id'] for d in record['unmatched_detections']]
    assert sorted(kept) == ['D0', 'D1', 'D2', 'D3', 'D4']
    # D4 names web-2 but runs on web-1's target: through the target first
    assert sorted(d['detection_id'] for d in record['hosts']['web-1']['detections']) == ['D0', 'D4']
    assert record['hosts']['web-1']['detections'][1]['matched_by'] == 'instance_no'
    assert [d['detection_id'] for d in record['hosts']['web-2']['detections']] == ['D1']


# ---- window ------------------------------------------------------------------------------------


def test_detections_before_window_are_excluded():
    dets = [
        detection('OLD', '101', detect_time=START - 1),
        detection('EDGE', '101', detect_time=START),
        detection('NEW', '101', detect_time=NOW - 1),
        detection('ANCIENT', '101', detect_time=utc_ms(2020, 1, 1)),
    ]
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=dets)
    assert [d['detection_id'] for d in record['hosts']['web-1']['detections']] == ['NEW', 'EDGE']
    assert record['summary']['detections'] == 2


def test_custom_lookback():
    dets = [detection('D1', '101', detect_time=NOW - 2 * HOUR), detection('D2', '101', detect_time=NOW - 30 * 60 * 1000)]
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=dets, policy={'lookback': '1h'})
    assert [d['detection_id'] for d in record['hosts']['web-1']['detections']] == ['D2']
    assert 'in the last 1h' in record['hosts']['web-1']['reasons'][0]


def test_detections_newest_first():
    dets = [detection('D%d' % n, '101', detect_time=EARLY + t) for n, t in enumerate([5, 1, 9, 3])]
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=dets)
    assert [d['detection_id'] for d in record['hosts']['web-1']['detections']] == ['D2', 'D0', 'D3', 'D1']
    assert 'iso-%d' % (EARLY + 9) in record['hosts']['web-1']['reasons'][0]


# ---- weights -----------------------------------------------------------------------------------


def test_min_weight():
    dets = [detection('LIGHT', '101', weights=(10, 49)), detection('HEAVY', '101', weights=(50,)), detection('NOFILE', '102')]
    record = audit(
        [host('web-1', instance_no='101'), host('web-2', instance_no='102')],
        targets=[target('101', 'a'), target('102', 'b')],
        detections=dets,
        policy={'min_weight': 50},
    )
    by_id = dict((d['detection_id'], d) for d in record['hosts']['web-1']['detections'])
    assert by_id['LIGHT']['unreviewed'] is False and by_id['LIGHT']['max_weight'] == 49
    assert by_id['HEAVY']['unreviewed'] is True and by_id['HEAVY']['max_weight'] == 50
    assert record['hosts']['web-1']['unreviewed_count'] == 1
    # a detection without files weighs 0, below 50
    assert record['hosts']['web-2']['status'] == 'compliant'
    assert record['hosts']['web-2']['detections'][0]['max_weight'] == 0


def test_min_weight_zero_counts_detection_without_files():
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('D1', '101')])
    assert record['hosts']['web-1']['status'] == 'unreviewed'


def test_max_weight_ignores_non_numbers():
    d = detection('D1', '101', weights=(None, '99', True, 12))
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[d])
    assert record['hosts']['web-1']['detections'][0]['max_weight'] == 12
    assert ids(record, 'high_weight_file') == []


def test_high_weight_file_severity_follows_review():
    dets = [detection('U', '101', weights=(80, 10)), detection('C', '101', weights=(95,), action_status='confirmed'), detection('L', '101', weights=(79,))]
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=dets)
    assert ids(record, 'high_weight_file') == ['detection/C/high_weight_file', 'detection/U/high_weight_file']
    assert finding(record, 'detection/U/high_weight_file')['severity'] == 'high'
    assert finding(record, 'detection/C/high_weight_file')['severity'] == 'medium'
    f = finding(record, 'detection/U/high_weight_file')
    assert f['detection_id'] == 'U' and f['host'] == 'web-1' and f['scope'] == 'account'
    assert '1 suspicion file' in f['message'] and '/var/www/f0.php: 80' in f['message'] and 'f1.php' not in f['message']


def test_high_weight_covered_detection_is_medium():
    r = rule('R1', 'server', '101', process_name=('EQUAL', '/bin/sh'), executor=('EQUAL', 'www-data'))
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('D1', '101', weights=(100,))], rules=[r])
    assert finding(record, 'detection/D1/high_weight_file')['severity'] == 'medium'


def test_high_weight_unmatched_detection_is_medium():
    record = audit([], detections=[detection('D1', '999', weights=(100,), server_name='stray')])
    f = finding(record, 'detection/D1/high_weight_file')
    assert f['severity'] == 'medium' and f['host'] is None and 'stray' in f['message']


def test_custom_high_weight():
    dets = [detection('D1', '101', weights=(30,))]
    hosts, targets = [host('web-1', instance_no='101')], [target('101', 'a')]
    assert ids(audit(hosts, targets, dets, policy={'high_weight': 30}), 'high_weight_file') == ['detection/D1/high_weight_file']
    assert ids(audit(hosts, targets, dets, policy={'high_weight': 31}), 'high_weight_file') == []


# ---- malware -----------------------------------------------------------------------------------


def enriched(did, objects, weights=(10, 20)):
    d = detection(did, '101', weights=weights)
    d['suspicious_objects'] = objects
    return d


def obj(did, n, result, quarantined, sha1='da39a3ee5e6b4b0d3255bfef95601890afd80709'):
    return {'suspicion_file_id': '%s-f%d' % (did, n), 'hash_scan_result': result, 'quarantined': quarantined, 'sha1': sha1, 'file_size': 12}


def test_malware_not_quarantined_is_critical():
    d = enriched('D1', [obj('D1', 1, 'malware', False), obj('D1', 0, 'notMalware', False)])
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[d])
    assert ids(record, 'malware_not_quarantined') == ['detection/D1/malware_not_quarantined/1']
    f = finding(record, 'detection/D1/malware_not_quarantined/1')
    assert f['severity'] == 'critical' and f['detection_id'] == 'D1' and '/var/www/f1.php' in f['message']
    assert record['findings'][0]['id'] == f['id']  # critical sorts first
    files = record['hosts']['web-1']['detections'][0]['suspicion_files']
    assert files[1] == {
        'suspicion_file_id': 'D1-f1',
        'file_origin_name': '/var/www/f1.php',
        'weight': 20,
        'sha1': 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
        'hash_scan_result': 'malware',
        'quarantined': False,
    }


@pytest.mark.parametrize(
    'objects',
    [
        [],  # not enriched
        None,
        [{'suspicion_file_id': 'D1-f0', 'hash_scan_result': 'malware', 'quarantined': True}],
        [{'suspicion_file_id': 'D1-f0', 'hash_scan_result': 'notMalware', 'quarantined': False}],
        [{'suspicion_file_id': 'other', 'hash_scan_result': 'malware', 'quarantined': False}],  # another file's object
    ],
)
def test_no_malware_finding(objects):
    d = enriched('D1', objects)
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[d])
    assert ids(record, 'malware_not_quarantined') == []


def test_not_enriched_file_has_no_scan_fields():
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('D1', '101', weights=(5,))])
    assert record['hosts']['web-1']['detections'][0]['suspicion_files'] == [{'suspicion_file_id': 'D1-f0', 'file_origin_name': '/var/www/f0.php', 'weight': 5}]


def test_malware_on_confirmed_and_unmatched_detections_still_reported():
    d1 = enriched('D1', [obj('D1', 0, 'malware', None)])
    d1['action_status'] = 'confirmed'
    d2 = detection('D2', '999', weights=(1,), server_name='stray')
    d2['suspicious_objects'] = [obj('D2', 0, 'malware', False)]
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[d1, d2])
    assert ids(record, 'malware_not_quarantined') == ['detection/D1/malware_not_quarantined/0', 'detection/D2/malware_not_quarantined/0']


# ---- rule findings -----------------------------------------------------------------------------


def test_all_not_use_rule_is_high_overbroad():
    record = audit([], rules=[rule('R1', 'server', '101')])
    f = finding(record, 'rule/R1/overbroad_rule')
    assert f['severity'] == 'high' and f['kind'] == 'overbroad_rule' and f['rule_id'] == 'R1' and f['scope'] == 'account'


def test_all_not_use_every_server_rule_is_one_high_finding():
    record = audit([], rules=[rule('R1', 'everyServer')])
    assert ids(record) == ['rule/R1/overbroad_rule']
    assert finding(record, 'rule/R1/overbroad_rule')['severity'] == 'high'


def test_every_server_one_condition_is_medium():
    record = audit([], rules=[rule('R1', 'everyServer', process_name=('EQUAL', '/usr/bin/php'))])
    assert ids(record) == ['rule/R1/overbroad_rule']
    f = finding(record, 'rule/R1/overbroad_rule')
    assert f['severity'] == 'medium' and '1 field' in f['message']


def test_every_server_two_conditions_default_is_fine():
    record = audit([], rules=[rule('R1', 'everyServer', **NARROW)])
    assert record['findings'] == []


def test_every_server_two_conditions_with_higher_threshold():
    record = audit([], rules=[rule('R1', 'everyServer', **NARROW)], policy={'broad_rule_max_conditions': 2})
    f = finding(record, 'rule/R1/overbroad_rule')
    assert f['severity'] == 'medium' and '2 fields' in f['message']


def test_broad_rule_threshold_zero_spares_one_condition():
    record = audit([], rules=[rule('R1', 'everyServer', process_name=('EQUAL', 'x'))], policy={'broad_rule_max_conditions': 0})
    assert record['findings'] == []


@pytest.mark.parametrize('kind, tgt', [('server', '101'), ('serverGroup', 'G1')])
def test_one_condition_on_a_narrow_target_is_fine(kind, tgt):
    record = audit([], rules=[rule('R1', kind, tgt, process_name=('EQUAL', 'x'))])
    assert record['findings'] == []


def test_group_deleted_rule():
    r = dict(rule('R1', 'serverGroup', 'G7', **NARROW), group_is_deleted=True, except_target_name='old-group')
    record = audit([], rules=[r])
    assert ids(record) == ['rule/R1/rule_group_deleted']
    f = finding(record, 'rule/R1/rule_group_deleted')
    assert f['severity'] == 'medium' and 'old-group' in f['message']
    assert record['exception_rules'][0]['group_is_deleted'] is True


def test_group_deleted_and_overbroad_both_reported():
    r = dict(rule('R1', 'serverGroup', 'G7'), group_is_deleted=True)
    record = audit([], rules=[r])
    assert ids(record) == ['rule/R1/overbroad_rule', 'rule/R1/rule_group_deleted']


# ---- summary and ordering ----------------------------------------------------------------------


def big_dataset():
    hosts = [
        host('web-1', instance_no='101'),
        host('web-2', instance_no='102'),
        host('web-3'),
        host('web-4', instance_no='104'),
        host('web-5', ansible_host='10.0.0.5'),
    ]
    targets = [
        target('101', 'web-prd-001', group='G1'),
        target('102', 'web-prd-002', agent_status='disable'),
        target('104', 'web-prd-004', group='G2'),
        target('105', 'web-prd-005', ip='10.0.0.5'),
        target('106', 'not-in-inventory'),
    ]
    dets = [
        detection('D1', '101', process_name='/usr/bin/php', weights=(90,)),  # covered by R1, heavy -> medium
        detection('D2', '101', action_status='confirmed', detect_time=EARLY + 1),
        detection('D3', '102', detect_time=EARLY + 2),
        detection('D4', '104', weights=(85,), detect_time=EARLY + 3),  # unreviewed, heavy -> high
        detection('D5', '106', server_name='not-in-inventory', detect_time=EARLY + 4),
        detection('D6', '105', action_status='confirmed', detect_time=EARLY + 5),
        detection('D7', '101', detect_time=START - DAY),  # outside the window
    ]
    dets[0]['suspicious_objects'] = [obj('D1', 0, 'malware', False)]
    rules = [
        rule('R1', 'serverGroup', 'G1', **NARROW),
        rule('R2', 'everyServer', process_name=('EQUAL', 'x')),
        rule('R3', disabled=True),
        dict(rule('R4', 'serverGroup', 'G9', **NARROW), group_is_deleted=True),
        rule('R5', 'server', '104'),
    ]
    return hosts, targets, dets, rules


def test_summary_counts():
    hosts, targets, dets, rules = big_dataset()
    record = audit(hosts, targets, dets, rules)
    statuses = dict((n, e['status']) for n, e in record['hosts'].items())
    # R5 (all NOT_USE on 104) covers D4, so web-4 is compliant
    assert statuses == {'web-1': 'compliant', 'web-2': 'unprotected', 'web-3': 'unprotected', 'web-4': 'compliant', 'web-5': 'compliant'}
    assert record['hosts']['web-5']['matched_by'] == 'ansible_host'
    s = record['summary']
    assert (s['hosts'], s['unprotected'], s['unreviewed'], s['compliant']) == (5, 2, 0, 3)
    assert s['detections'] == 6 and s['unmatched_detections'] == 1
    assert s['unreviewed_detections'] == 1  # D3
    assert s['covered_detections'] == 2  # D1 by R1, D4 by R5
    assert s['targets'] == 5 and s['exception_rules'] == 5 and s['active_exception_rules'] == 4
    assert ids(record) == sorted(
        [
            'detection/D1/high_weight_file',
            'detection/D1/malware_not_quarantined/0',
            'detection/D4/high_weight_file',
            'host/web-2/agent_not_enabled',
            'host/web-2/unreviewed_detections',
            'host/web-3/not_registered',
            'rule/R2/overbroad_rule',
            'rule/R3/rule_disabled',
            'rule/R4/rule_group_deleted',
            'rule/R5/overbroad_rule',
            'server/106/unmatched_detections',
        ]
    )
    assert s['findings_by_severity'] == {'critical': 1, 'high': 4, 'medium': 5, 'low': 1, 'info': 0}


def test_summary_consistent_with_hosts_and_findings():
    hosts, targets, dets, rules = big_dataset()
    record = audit(hosts, targets, dets, rules)
    s, entries = record['summary'], record['hosts'].values()
    assert s['hosts'] == len(record['hosts']) == s['unprotected'] + s['unreviewed'] + s['compliant']
    for status in ('unprotected', 'unreviewed', 'compliant'):
        assert s[status] == sum(1 for e in entries if e['status'] == status)
    assert s['detections'] == sum(e['detection_count'] for e in entries) + len(record['unmatched_detections'])
    assert s['unreviewed_detections'] == sum(e['unreviewed_count'] for e in entries)
    assert s['covered_detections'] == sum(e['covered_count'] for e in entries) + sum(1 for d in record['unmatched_detections'] if d['covered_by'])
    assert s['findings'] == len(record['findings']) == sum(s['findings_by_severity'].values())
    for e in entries:
        assert e['detection_count'] == len(e['detections'])
        assert (e['status'] == 'compliant') == (e['reasons'] == [])


def test_findings_sorted_by_severity_then_host_scope():
    hosts, targets, dets, rules = big_dataset()
    record = audit(hosts, targets, dets, rules)
    ranks = [SEVERITIES.index(f['severity']) for f in record['findings']]
    assert ranks == sorted(ranks)
    high = [f for f in record['findings'] if f['severity'] == 'high']
    scopes = [f['scope'] for f in high]
    assert scopes == sorted(scopes, key=lambda s: s != 'host')  # host findings first within a severity
    assert record['findings'][0]['kind'] == 'malware_not_quarantined'
    assert record['findings'][-1]['kind'] == 'rule_disabled'


def test_finding_shape():
    hosts, targets, dets, rules = big_dataset()
    for f in audit(hosts, targets, dets, rules)['findings']:
        assert set(f) == set(['id', 'scope', 'host', 'severity', 'kind', 'subject', 'message', 'rule_id', 'detection_id'])
        assert f['scope'] in ('host', 'account') and f['severity'] in SEVERITIES
        assert (f['scope'] == 'host') == f['id'].startswith('host/')


def test_trimmed_detection_drops_bookkeeping_and_keeps_evidence():
    d = detection(
        'D1',
        '101',
        memo='<script>alert(1)</script>',
        weights=(7,),
        suspicion_ips=[{'suspicion_ip': '203.0.113.9', 'country': 'KR', 'platform': 'VPC', 'suspicion_ip_id': 'x'}],
    )
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[d])
    kept = record['hosts']['web-1']['detections'][0]
    assert 'member_no' not in kept and 'uid' not in kept and 'collect_time' not in kept
    assert kept['memo'] == '<script>alert(1)</script>'
    assert kept['suspicion_ips'] == [{'suspicion_ip': '203.0.113.9', 'country': 'KR'}]
    assert set(kept) == set(DETECTION_FIELDS) | set(
        ['suspicion_files', 'suspicion_ips', 'host', 'matched_by', 'max_weight', 'covered_by', 'unreviewed', 'time_problem', 'before_window']
    )
    assert kept['time_problem'] is None and kept['before_window'] is False


def test_inputs_are_not_changed():
    hosts, targets, dets, rules = big_dataset()
    before = copy.deepcopy((hosts, targets, dets, rules))
    audit(hosts, targets, dets, rules, excepted=[])
    assert (hosts, targets, dets, rules) == before


def test_long_attacker_text_is_cut_in_messages_only():
    long_name = '/tmp/' + 'A' * 500
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('D1', '101', process_name=long_name)])
    assert record['hosts']['web-1']['detections'][0]['process_name'] == long_name
    assert long_name not in record['hosts']['web-1']['reasons'][0]


# ---- content digest ----------------------------------------------------------------------------


def test_digest_is_stable_across_run_times():
    hosts, targets, dets, rules = big_dataset()
    first = audit(hosts, targets, dets, rules, excepted=[], now_ms=NOW)
    later = audit(hosts, targets, dets, rules, excepted=[], now_ms=NOW + 3 * HOUR, run={'endpoint': 'https://other.example', 'play': 'p2'})
    assert first['run'] != later['run']
    assert first['content_digest'] == later['content_digest']


def test_digest_is_stable_with_iso_lookback_across_run_times():
    hosts, targets, dets, rules = big_dataset()
    policy = {'lookback': '2026-11-10T00:00:00Z'}
    first = audit(hosts, targets, dets, rules, policy=policy, now_ms=NOW)
    later = audit(hosts, targets, dets, rules, policy=policy, now_ms=NOW + DAY)
    assert first['content_digest'] == later['content_digest']


def test_digest_matches_its_definition():
    hosts, targets, dets, rules = big_dataset()
    record = audit(hosts, targets, dets, rules)
    assert content_digest(record) == record['content_digest']
    assert content_digest(dict(record, run={'other': 1}, content_digest='x')) == record['content_digest']


@pytest.mark.parametrize(
    'change',
    [
        lambda dets: dets[2].update(action_status='confirmed'),
        lambda dets: dets[2].update(memo='reviewed by kim'),
        lambda dets: dets[3]['suspicion_files'][0].update(weight=86),
        lambda dets: dets.append(detection('D8', '106')),
    ],
)
def test_digest_changes_when_a_detection_changes(change):
    hosts, targets, dets, rules = big_dataset()
    before = audit(hosts, targets, dets, rules)['content_digest']
    change(dets)
    assert audit(hosts, targets, dets, rules)['content_digest'] != before


def test_digest_changes_when_a_rule_changes():
    hosts, targets, dets, rules = big_dataset()
    before = audit(hosts, targets, dets, rules)['content_digest']
    rules[0]['disabled'] = True
    assert audit(hosts, targets, dets, rules)['content_digest'] != before


def test_lone_surrogates_become_replacement_characters_not_a_crash():
    # Found by test_properties_rules: JSON can carry lone surrogates as escapes; the digest could not encode them.
    dets = [detection('D1', '101', process_arg='a\ud800b'), detection('D2', None, process_name='\udfff')]
    record = audit([host('web-1', instance_no='101'), host('\ud83d-host')], [target('101', 'srv-101')], dets, [rule('R\ud800', executor=('EQUAL', 'www-data'))])
    assert record['hosts']['web-1']['detections'][0]['process_arg'] == 'a\ufffdb'
    assert record['unmatched_detections'][0]['process_name'] == '\ufffd'
    assert '\ufffd-host' in record['hosts'] and record['exception_rules'][0]['rule_id'] == 'R\ufffd'
    assert record['content_digest'] == content_digest(record)


# ---- policy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'policy',
    [
        {'min_weight': -1},
        {'min_weight': 'heavy'},
        {'min_weight': True},
        {'high_weight': []},
        {'high_weight': -5},
        {'broad_rule_max_conditions': -1},
        {'broad_rule_max_conditions': False},
        {'lookback': 'last week'},
        {'lookback': '2099-01-01'},  # in the future
        {'lookback': True},
        {'lookback': 1234},  # looks like epoch seconds
    ],
)
def test_bad_policy_raises(policy):
    with pytest.raises(AuditInputError):
        audit([host('web-1')], policy=policy)


def test_policy_none_values_take_defaults_and_numbers_from_text():
    record = audit([], policy={'min_weight': None, 'high_weight': '70', 'lookback': None, 'match_keys': None})
    policy = record['run']['policy']
    assert policy['min_weight'] == 0 and policy['high_weight'] == 70 and policy['lookback'] == '7d'
    assert policy['match_keys'][0] == 'instance_no'


def test_bad_match_keys_raise_match_error():
    with pytest.raises(MatchError):
        audit([host('web-1')], policy={'match_keys': ['mac']})
    with pytest.raises(MatchError):
        audit([host('web-1')], policy={'match_keys': []})


def test_match_keys_policy_is_used():
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'web-1')], policy={'match_keys': ['server_name']})
    assert record['hosts']['web-1']['status'] == 'unprotected'
    assert 'server_name' in record['hosts']['web-1']['reasons'][0]
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'web-1')], policy={'match_keys': ['inventory_hostname']})
    assert record['hosts']['web-1']['matched_by'] == 'inventory_hostname'


def test_repeated_match_key_still_matches():
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'srv')], policy={'match_keys': ['instance_no', 'server_name', 'instance_no']})
    assert record['hosts']['web-1']['matched_by'] == 'instance_no'
    assert record['hosts']['web-1']['status'] == 'compliant'


# ---- window() ----------------------------------------------------------------------------------


def test_window_age():
    assert window('7d', NOW) == {
        'now_ms': NOW,
        'now_iso': '2026-11-21T09:30:00.000Z',
        'window_start_ms': NOW - 7 * DAY,
        'window_start_iso': '2026-11-14T09:30:00.000Z',
    }
    assert window('12h', NOW)['window_start_ms'] == NOW - 12 * HOUR
    assert window('2w', NOW)['window_start_ms'] == NOW - 14 * DAY


def test_window_iso():
    w = window('2026-11-20T00:00:00Z', NOW)
    assert w['window_start_ms'] == utc_ms(2026, 11, 20) and w['window_start_iso'] == '2026-11-20T00:00:00.000Z'
    assert window('2026-11-20T09:00:00+09:00', NOW)['window_start_ms'] == utc_ms(2026, 11, 20)
    assert window('2026-11-20', NOW)['window_start_ms'] == utc_ms(2026, 11, 20)


def test_window_epoch_ms():
    start = utc_ms(2026, 11, 1)
    assert window(start, NOW)['window_start_ms'] == start
    assert window('%d' % start, NOW)['window_start_ms'] == start


def test_window_start_equal_to_now_is_allowed():
    assert window(NOW, NOW)['window_start_ms'] == NOW
    assert window('0d', NOW)['window_start_ms'] == NOW


@pytest.mark.parametrize('lookback', [NOW + 1, '2026-11-22', '2027-01-01T00:00:00Z'])
def test_window_future_start_raises(lookback):
    with pytest.raises(AuditInputError, match='future'):
        window(lookback, NOW)


@pytest.mark.parametrize('lookback', ['', 'seven days', '7 days', '-7d', '2026-13-01', None, True, 20261101])
def test_window_bad_lookback_raises(lookback):
    with pytest.raises(AuditInputError):
        window(lookback, NOW)


@pytest.mark.parametrize('moment', [None, 'yesterday', True])
def test_detection_without_a_usable_time_is_kept_not_dropped(moment):
    record = audit(
        [host('web-1', instance_no='1')],
        [target('1', 'web-1')],
        [detection('D1', '1', detect_time=moment), detection('D2', '1'), detection('OLD', '1', detect_time=START - 1)],
    )
    kept = [d['detection_id'] for d in record['hosts']['web-1']['detections']]
    assert sorted(kept) == ['D1', 'D2']
    assert record['hosts']['web-1']['status'] == 'unreviewed'


def test_match_keys_given_as_a_string_is_refused_with_a_clear_message():
    with pytest.raises(AuditInputError, match='match_keys must be a list'):
        audit([host('web-1')], policy={'match_keys': 'instance_no'})


def test_reasons_carry_no_control_characters_from_detection_data():
    evil = '/bin/sh\x1b]0;pwned\x07\x1b[2J\x9b31m'
    record = audit([host('web-1', instance_no='1')], [target('1', 'web-1')], [detection('D1', '1', process_name=evil)])
    reason = record['hosts']['web-1']['reasons'][0]
    assert '/bin/sh' in reason
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in reason)
    # the detection itself keeps the text as the API sent it
    assert record['hosts']['web-1']['detections'][0]['process_name'] == evil


# ---- issue 14: unknown, completeness, scope, ranges --------------------------------------------

COMPLETE = {'complete': True, 'operation': 'x', 'problems': []}


def partial(operation='GetWebshell', problem='GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages'):
    return {'complete': False, 'operation': operation, 'pages_requested': 5, 'records_delivered': 50, 'problems': [problem]}


def problems(record, kind=None):
    return [p for p in record['completeness']['problems'] if kind is None or p['kind'] == kind]


def test_a_seconds_time_read_as_milliseconds_is_kept_flagged_and_makes_its_host_unknown():
    # Regression, issue 14 item 3: epoch seconds read as ms give 1970; the detection fell outside the window and the
    # host came out compliant without a word.
    seconds = detection('S1', '101', detect_time=(NOW - DAY) // 1000, action_status='confirmed')
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[seconds])
    entry = record['hosts']['web-1']
    assert entry['status'] == 'unknown' and entry['doubts'] == ['implausible_time']
    assert [d['detection_id'] for d in entry['detections']] == ['S1']
    assert entry['detections'][0]['time_problem'].startswith('before 2015')
    assert ids(record) == ['host/web-1/time_problem'] and 'S1' in entry['reasons'][0]
    [problem] = problems(record)
    assert problem['kind'] == 'implausible_time' and problem['hosts'] == ['web-1']
    assert problem['evidence'] == {'count': 1, 'detection_ids': ['S1']} and '\n' not in problem['message']
    assert record['completeness']['complete'] is False and record['summary']['complete'] is False
    assert record['summary']['unknown'] == 1 and record['summary']['compliant'] == 0


@pytest.mark.parametrize('value', ['2026-11-20 tomorrow', None, [1], True])
def test_an_unreadable_time_is_kept_and_reported(value):
    record = audit(
        [host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('U1', '101', detect_time=value, action_status='confirmed')]
    )
    assert record['hosts']['web-1']['status'] == 'unknown'
    assert [p['kind'] for p in problems(record)] == ['unreadable_time']
    assert problems(record)[0]['evidence']['detection_ids'] == ['U1']


def test_a_time_in_the_future_is_implausible():
    record = audit(
        [host('web-1', instance_no='101')],
        targets=[target('101', 'a')],
        detections=[detection('F1', '101', detect_time=NOW + 2 * DAY, action_status='confirmed')],
    )
    assert record['hosts']['web-1']['status'] == 'unknown'
    assert 'future' in record['hosts']['web-1']['detections'][0]['time_problem']


def test_a_bad_time_does_not_soften_an_unreviewed_or_unprotected_host():
    bad = detection('B1', '101', detect_time=12345)
    record = audit(
        [host('web-1', instance_no='101'), host('web-2', instance_no='102')],
        targets=[target('101', 'a'), target('102', 'b', agent_status='disable')],
        detections=[bad, detection('B2', '102', detect_time=12345, action_status='confirmed')],
    )
    assert record['hosts']['web-1']['status'] == 'unreviewed'  # the unconfirmed detection is judged as in the window
    assert record['hosts']['web-2']['status'] == 'unprotected'
    assert problems(record, 'implausible_time')[0]['hosts'] == ['web-1', 'web-2']


def test_time_problem_ids_are_capped_but_counted():
    dets = [detection('T%02d' % n, '101', detect_time='x%d' % n, action_status='confirmed') for n in range(25)]
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=dets)
    evidence = problems(record, 'unreadable_time')[0]['evidence']
    assert evidence['count'] == 25 and len(evidence['detection_ids']) == 20
    assert '25 detections have an unreadable time' in problems(record)[0]['message'] and 'and 22 more' in problems(record)[0]['message']


def test_two_hosts_sharing_a_servers_ip_are_unknown_not_unregistered():
    # Regression, issue 14 item 6: each host was "not registered" (high) and the server's detections "unmatched".
    hosts = [host('a', ansible_host='10.0.0.5'), host('b', ansible_host='10.0.0.5'), host('c', instance_no='103')]
    record = audit(
        hosts,
        targets=[target('105', 'srv-5', ip='10.0.0.5'), target('103', 'c-srv')],
        detections=[detection('D1', '105'), detection('D2', '103', action_status='confirmed')],
    )
    for name in ('a', 'b'):
        entry = record['hosts'][name]
        assert entry['status'] == 'unknown' and entry['target'] is None and entry['detections'] == []
        assert entry['doubts'] == ['ambiguous_match']
        assert len(entry['reasons']) == 1 and 'hosts a, b share ansible_host' in entry['reasons'][0]
        assert "'10.0.0.5'" in entry['reasons'][0] and 'srv-5' in entry['reasons'][0]
    assert not ids(record, 'not_registered') and not ids(record, 'unmatched_detections')
    assert record['unmatched_detections'] == [] and record['summary']['unmatched_detections'] == 0
    assert [d['detection_id'] for d in record['ambiguous_detections']] == ['D1']
    assert record['ambiguous_detections'][0]['ambiguous_hosts'] == ['a', 'b'] and record['ambiguous_detections'][0]['host'] is None
    assert record['summary']['ambiguous_detections'] == 1 and record['summary']['detections'] == 2
    [problem] = problems(record)
    assert problem['kind'] == 'ambiguous_match' and problem['hosts'] == ['a', 'b']
    assert problem['evidence']['instances'] == ['105'] and problem['evidence']['detection_ids'] == ['D1']
    assert problem['evidence']['key'] == 'ansible_host' and problem['evidence']['value'] == '10.0.0.5'
    assert record['hosts']['c']['status'] == 'compliant'  # its own data are not in doubt


def test_an_ambiguous_host_with_its_own_disabled_agent_stays_unprotected():
    hosts = [host('a', instance_no='1', ansible_host='10.0.0.5'), host('b', ansible_host='10.0.0.5')]
    record = audit(hosts, targets=[target('1', 'a-srv', agent_status='disable'), target('9', 'shared', ip='10.0.0.5')])
    assert record['hosts']['a']['status'] == 'unprotected' and record['hosts']['b']['status'] == 'unknown'
    assert ids(record) == ['host/a/agent_not_enabled', 'host/a/ambiguous_match', 'host/b/ambiguous_match']


def test_an_incomplete_target_list_makes_an_unmatched_host_unknown():
    record = audit(
        [host('web-1', instance_no='101'), host('web-3', instance_no='103')],
        targets=[target('101', 'a')],
        lists={'detection_targets': partial('GetWebshellTarget', 'GetWebshellTarget announced 40 but delivered 20')},
    )
    assert record['hosts']['web-3']['status'] == 'unknown' and not ids(record, 'not_registered')
    assert record['hosts']['web-1']['status'] == 'unknown'
    reason = record['hosts']['web-3']['reasons'][0]
    assert 'detection target list is incomplete' in reason and 'may be registered' in reason
    [problem] = problems(record)
    assert problem['kind'] == 'incomplete_list' and problem['hosts'] == ['web-1', 'web-3']
    assert 'delivered 20' in problem['message'] and problem['evidence']['list'] == 'detection_targets'
    assert record['completeness']['lists']['detection_targets']['complete'] is False


@pytest.mark.parametrize('missing, unreviewed_status', [('detections', 'unreviewed'), ('excepted_detections', 'unreviewed'), ('exception_rules', 'unknown')])
def test_incomplete_lists_turn_compliant_into_unknown_and_unreviewed_only_without_all_rules(missing, unreviewed_status):
    lists = dict((name, COMPLETE) for name in ('detection_targets', 'detections', 'exception_rules', 'excepted_detections'))
    lists[missing] = partial()
    hosts = [host('ok', instance_no='1'), host('open', instance_no='2'), host('off', instance_no='3'), host('new')]
    record = audit(
        hosts,
        targets=[target('1', 'ok'), target('2', 'open'), target('3', 'off', agent_status='disable')],
        detections=[detection('D1', '2')],
        excepted=[],
        lists=lists,
    )
    statuses = dict((h, e['status']) for h, e in record['hosts'].items())
    # a missing target list would make 'new' unknown; here the target list is complete, so it is not registered
    assert statuses == {'ok': 'unknown', 'open': unreviewed_status, 'off': 'unprotected', 'new': 'unprotected'}
    assert [p['kind'] for p in problems(record)] == ['incomplete_list']
    assert sorted(problems(record)[0]['hosts']) == sorted(h for h, s in statuses.items() if s == 'unknown')
    assert record['summary']['unknown'] == list(statuses.values()).count('unknown')


def test_complete_lists_change_nothing():
    lists = dict((name, COMPLETE) for name in ('detection_targets', 'detections', 'exception_rules'))
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], lists=lists)
    assert record['hosts']['web-1']['status'] == 'compliant' and record['completeness']['complete'] is True
    assert sorted(record['completeness']['lists']) == ['detection_targets', 'detections', 'exception_rules']


def test_detections_before_the_searched_window_are_kept_and_reported():
    # The search asked for detections since the window start; the server's filter disagrees with its own times.
    old = detection('OLD', '101', detect_time=START - DAY, action_status='confirmed')
    record = evaluate(
        [host('web-1', instance_no='101'), host('web-2', instance_no='102'), host('web-3', instance_no='103')],
        [target('101', 'a'), target('102', 'b'), target('103', 'c')],
        [old, detection('NEW', '103')],
        [],
        now_ms=NOW,
        searched_since=START,
    )
    entry = record['hosts']['web-1']
    assert [d['detection_id'] for d in entry['detections']] == ['OLD'] and entry['detections'][0]['before_window'] is True
    assert entry['status'] == 'unknown' and entry['doubts'] == ['filter_disagrees']
    # the list cannot be trusted whole: no host is compliant on it, an unreviewed one stays unreviewed
    assert record['hosts']['web-2']['status'] == 'unknown' and record['hosts']['web-3']['status'] == 'unreviewed'
    assert "before the window it was asked for" in finding(record, 'host/web-2/incomplete_data')['message']
    [problem] = problems(record)
    assert problem['kind'] == 'filter_disagrees' and problem['hosts'] == ['web-1', 'web-2']
    assert problem['evidence']['window_start_iso'] == '2026-11-14T09:30:00.000Z' and problem['evidence']['count'] == 1


def test_an_ambiguous_rule_gets_a_high_finding_and_covers_nothing():
    # Regression, issue 14 item 4: an everyServer rule with an empty EQUAL value covered every detection.
    empty = rule('R9', process_name=('EQUAL', ''), executor=('START', None))
    record = audit([host('web-1', instance_no='101')], targets=[target('101', 'a')], detections=[detection('D1', '101')], rules=[empty])
    f = finding(record, 'rule/R9/ambiguous_rule')
    assert f['severity'] == 'high' and 'executor, process_name' in f['message'] and 'covering no detection' in f['message']
    # rated by its broadest reading too: with the empty conditions left out it compares nothing
    assert finding(record, 'rule/R9/overbroad_rule')['severity'] == 'high'
    assert record['hosts']['web-1']['status'] == 'unreviewed' and record['exception_rules'][0]['covers'] == []


def test_a_disabled_ambiguous_rule_is_only_disabled():
    record = audit([], rules=[rule('R9', disabled=True, process_name=('EQUAL', ''))])
    assert ids(record) == ['rule/R9/rule_disabled']


def test_servers_of_hosts_outside_the_limit_are_out_of_scope():
    # Regression, issue 14 item 7: hosts outside --limit turned into "no inventory host matches" findings.
    others = [host('db-1', instance_no='201'), host('db-2', server_name='db-prd-002')]
    record = audit(
        [host('web-1', instance_no='101')],
        targets=[target('101', 'a'), target('201', 'db-prd-001')],
        detections=[detection('D1', '201'), detection('D2', '202', server_name='db-prd-002'), detection('D3', '999')],
        others=others,
    )
    assert ids(record) == ['server/999/unmatched_detections']
    assert [d['detection_id'] for d in record['unmatched_detections']] == ['D3']
    assert [(d['detection_id'], d['outside_hosts'], d['host']) for d in record['out_of_scope_detections']] == [('D1', ['db-1'], None), ('D2', ['db-2'], None)]
    assert record['scope'] == {
        'out_of_scope_servers': 2,
        'out_of_scope_detections': 2,
        'instance_nos': ['201', '202'],
        'servers': [
            {'instance_no': '201', 'server_name': 'db-prd-001', 'hosts': ['db-1'], 'registered': True, 'detections': 1},
            {'instance_no': '202', 'server_name': 'db-prd-002', 'hosts': ['db-2'], 'registered': False, 'detections': 1},
        ],
    }
    assert record['summary']['out_of_scope_detections'] == 2 and record['summary']['detections'] == 3
    assert record['summary']['unmatched_detections'] == 1 and list(record['hosts']) == ['web-1']
    assert record['completeness']['complete'] is True


def test_a_value_shared_with_a_host_outside_the_limit_is_still_ambiguous():
    record = audit([host('a', ansible_host='10.0.0.5')], targets=[target('105', 'srv-5', ip='10.0.0.5')], others=[host('z', ansible_host='10.0.0.5')])
    assert record['hosts']['a']['status'] == 'unknown' and 'hosts a, z share' in record['hosts']['a']['reasons'][0]
    record = audit(
        [host('a')], targets=[target('105', 'srv-5', ip='10.0.0.5')], others=[host('y', ansible_host='10.0.0.5'), host('z', ansible_host='10.0.0.5')]
    )
    assert record['hosts']['a']['status'] == 'unprotected' and record['scope']['instance_nos'] == ['105']


@pytest.mark.parametrize(
    'name, value, words',
    [
        ('high_weight', 500, 'from 1 to 100, got 500'),
        ('high_weight', 0, 'from 1 to 100, got 0'),
        ('min_weight', -1, 'from 0 to 100, got -1'),
        ('min_weight', 101, 'from 0 to 100'),
        ('broad_rule_max_conditions', 7, 'from 0 to 6, got 7'),
        ('high_weight', 'heavy', 'whole number from 1 to 100'),
        ('min_weight', 2.5, 'whole number'),
        ('min_weight', True, 'whole number'),
    ],
)
def test_policy_numbers_outside_their_documented_ranges_fail(name, value, words):
    # Regression, issue 14 item 9: high_weight 500 was accepted and removed every high-weight finding.
    with pytest.raises(AuditInputError) as err:
        check_policy({name: value})
    assert str(err.value).startswith(name + ' must be') and words in str(err.value)
    with pytest.raises(AuditInputError, match='^webshell_audit_%s must be' % name):
        check_policy({name: value}, 'webshell_audit_')


def test_policy_range_bounds_are_accepted():
    policy = check_policy({'min_weight': '100', 'high_weight': 1, 'broad_rule_max_conditions': 6.0})
    assert (policy['min_weight'], policy['high_weight'], policy['broad_rule_max_conditions']) == (100, 1, 6)
    assert check_policy({'min_weight': 0, 'high_weight': 100, 'broad_rule_max_conditions': 0})['high_weight'] == 100


def test_evaluate_names_the_role_variable():
    with pytest.raises(AuditInputError, match='^webshell_audit_high_weight must be from 1 to 100, got 500'):
        evaluate([], [], [], [], policy={'high_weight': 500}, now_ms=NOW, variable_prefix='webshell_audit_')


def test_hosts_failing_leaves_unknown_hosts_to_the_run_level_failure():
    hosts = [host('ok', instance_no='1'), host('open', instance_no='2'), host('new')]
    lists = {'exception_rules': partial('GetExceptedRule', 'GetExceptedRule announced 12 but delivered 10')}
    record = audit(
        hosts,
        targets=[target('1', 'ok'), target('2', 'open')],
        detections=[detection('D1', '2')],
        lists=lists,
        policy={'fail_on_unprotected': True, 'fail_on_unreviewed': True},
    )
    assert [record['hosts'][h]['status'] for h in ('new', 'ok', 'open')] == ['unprotected', 'unknown', 'unknown']
    assert hosts_failing(record) == ['new']
    message = incomplete_message(record)
    assert message.startswith('The audit data are incomplete, so 2 hosts are unknown (ok, open): incomplete_list: ')
    assert 'delivered 10' in message and '\n' not in message and message.endswith('webshell_audit_fail_on_incomplete: false to accept a partial result.')
    assert incomplete_message(audit([host('ok', instance_no='1')], targets=[target('1', 'ok')])) is None


def test_the_action_result_carries_completeness_and_unknown_hosts():
    record = audit([host('a', ansible_host='10.0.0.5'), host('b', ansible_host='10.0.0.5'), host('c')], targets=[target('105', 'srv-5', ip='10.0.0.5')])
    args = {'fact': 'webshell_audit_result', 'failing_fact': 'f', 'return_record': False, 'host_detections': False}
    result = action_result(record, args, {}, '/kept/record.json')
    assert result['record_path'] == '/kept/record.json' and result['content_digest'] == record['content_digest']
    assert 'record' not in result and result['ansible_facts'] == {'f': result['failing_hosts']}  # the record only when asked for
    assert all('detections' not in f for f in result['host_facts'])
    assert result['complete'] is False and result['unknown_hosts'] == ['a', 'b']
    assert result['completeness_problems'] == [p['message'] for p in record['completeness']['problems']]
    assert result['incomplete_message'] == incomplete_message(record) and 'a, b' in result['incomplete_message']
    assert [f['status'] for f in result['host_facts']] == ['unknown', 'unknown', 'unprotected']


def test_the_action_result_holds_the_record_and_detections_only_when_asked():
    record = audit([host('a', instance_no='1')], targets=[target('1', 'a')], detections=[detection('d1', instance_no='1')])
    args = {'fact': 'webshell_audit_result', 'failing_fact': 'f', 'return_record': True, 'host_detections': True}
    result = action_result(record, args, {}, '/kept/record.json')
    assert result['ansible_facts']['webshell_audit_result'] == record and 'record' not in result
    assert [d['detection_id'] for d in result['host_facts'][0]['detections']] == ['d1']
    result = action_result(record, dict(args, fact=''), {}, '/kept/record.json')
    assert result['record'] == record and result['ansible_facts'] == {}


def test_a_list_result_without_evidence_is_not_taken_as_complete():
    evidence = list_completeness('detection_info', {'detections': []})
    assert evidence['complete'] is False and evidence['operation'] == 'GetWebshell' and 'no completeness evidence' in evidence['problems'][0]
    given = {'complete': True, 'operation': 'GetWebshell', 'problems': []}
    assert list_completeness('detection_info', {'detections': [], 'completeness': given}) is given


@pytest.mark.parametrize(
    'message, expected',
    [
        ('timeout must be positive, got 0.', 'webshell_audit_timeout must be positive, got 0.'),
        ('Set credentials_file to the file that holds the keys', 'Set webshell_audit_credentials_file to the file that holds the keys'),
        ('no access key: set access_key or NCLOUD_ACCESS_KEY', 'no access key: set webshell_audit_access_key or NCLOUD_ACCESS_KEY'),
        ("argument 'page_size' is of type str", "argument 'webshell_audit_page_size' is of type str"),
        ('or set validate_certs: false for a test endpoint', 'or set webshell_audit_validate_certs: false for a test endpoint'),
        ('the endpoint https://x/api/v1 answered 404', 'the endpoint https://x/api/v1 answered 404'),
        ('webshell_audit_secret_key is set', 'webshell_audit_secret_key is set'),
    ],
)
def test_errors_from_the_lists_name_the_role_variables(message, expected):
    assert role_names(message, 'webshell_audit_') == expected
    assert role_names(message, None) == message


def test_an_unmatched_host_on_an_incomplete_target_list_with_unreviewed_detections_is_unreviewed():
    # Its registration is unknown, but its own unconfirmed detection is certain (and the rules are complete).
    record = audit([host('web-5')], detections=[detection('D1', '105', server_name='web-5')], lists={'detection_targets': partial('GetWebshellTarget')})
    assert record['hosts']['web-5']['status'] == 'unreviewed' and not ids(record, 'not_registered')


def test_the_action_reads_every_inventory_host_and_splits_off_the_play():
    hostvars = {'web-1': {'webshell_audit_instance_no': '101'}, 'db-1': {'webshell_audit_instance_no': '201'}, 'db-2': {'ansible_host': '10.0.0.7'}}
    args = {'instance_no_var': 'webshell_audit_instance_no', 'server_name_var': 'webshell_audit_server_name'}
    task_vars = {'hostvars': hostvars, 'groups': {'all': ['web-1', 'db-1', 'db-2'], 'db': ['db-1', 'db-2']}}
    play, others = ActionModule._inventory(task_vars, ['web-1'], args)
    assert [h['name'] for h in play] == ['web-1'] and [h['name'] for h in others] == ['db-1', 'db-2']
    assert others[0]['instance_no'] == '201' and others[1]['ansible_host'] == '10.0.0.7'
    assert ActionModule._inventory({'hostvars': hostvars}, ['web-1'], args)[1] == []  # no groups: nothing out of scope


class _Task(object):
    environment = [{'HTTPS_PROXY': 'http://proxy:3128'}]  # a task environment: the lists run as module processes


def test_the_module_process_path_asks_for_partial_lists_and_keeps_their_completeness():
    act = ActionModule.__new__(ActionModule)
    act._task, act.timings = _Task(), {}
    calls = []
    evidence = partial()
    act._execute_module = lambda module_name, module_args, task_vars: (
        calls.append(module_args) or {'detections': ['d'], 'complete': False, 'completeness': evidence}
    )
    assert act._list('detection_info', {'page_size': 50}, 'detections', {}, []) == ['d']
    assert calls == [{'page_size': 50, 'allow_partial': True}] and act.lists == {'detections': evidence}
    act._execute_module = lambda module_name, module_args, task_vars: {'failed': True, 'msg': 'timeout must be positive, got 0.'}
    act.variable_prefix = 'webshell_audit_'
    with pytest.raises(AnsibleActionFail, match='^ncloud.wbd.detection_info: webshell_audit_timeout must be positive'):
        act._list('detection_info', {}, 'detections', {}, [])
