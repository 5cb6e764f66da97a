# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Merging job slices' audit records (module_utils/audit_merge.py) against the real evaluator.

A seeded synthetic account (registered and unregistered servers, hosts matched by every kind of key, detections in
and out of the window, covering and broken rules, heavy and malicious files) is evaluated once for the whole
inventory and once per slice (host i in slice i mod N, as AWX slices, or any partition); the merge of the slices'
records (through JSON, as the files are read) must equal the whole run's record but for ``run.merged_slices``, and
render to the same CSV, HTML, JUnit and Markdown bytes. Then: order independence, refusals, the ambiguity a sliced
run cannot see, slices cut by --limit over one inventory, and completeness across slices.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import random

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import evaluate
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.merge import MergeError, account_digest, merge_records
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import prepare_record
from ansible_collections.ncloud.wbd.plugins.module_utils._report.render import render_reports
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.audit_inputs import host, rule, target
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.property_strategies import examples
from hypothesis import given
from hypothesis import strategies as st

NOW = 1795253400000  # 2026-11-21T09:30:00Z
SECOND, DAY = 1000, 86400 * 1000
ENDPOINT = 'https://wbd.apigw.ntruss.com'


def detection(rng, did, server, when):
    instance_no, server_name, ip = server
    files, objects = [], []
    for number in range(rng.randint(0, 3)):
        fid = '%s-f%d' % (did, number)
        files.append(
            {'suspicion_file_id': fid, 'file_origin_name': '/var/www/up/f%d.php' % number, 'weight': rng.choice([5, 40, 79, 80, 95]), 'file_owner': 'www-data'}
        )
        objects.append(
            {
                'suspicion_file_id': fid,
                'sha1': '%040x' % rng.getrandbits(160),
                'hash_scan_result': rng.choice(['malware', 'notMalware', None]),
                'quarantined': rng.random() < 0.4,
            }
        )
    process = rng.choice(['/usr/bin/php', '/bin/sh', '/usr/bin/python3', 'cmd.exe'])
    return {
        'detection_id': did,
        'instance_no': instance_no,
        'detect_time': when,
        'detect_time_iso': None if when is None else 'iso-%d' % when,
        'action_status': rng.choice(['confirmed', 'blank', 'blank']),
        'server_name': server_name,
        'host_name': server_name,
        'private_ip': ip,
        'container_name': None,
        'process_name': process,
        'process_arg': '-r phpinfo();',
        'executor': rng.choice(['www-data', 'apache', 'root']),
        'parent_process_name': '/usr/sbin/apache2',
        'parent_process_arg': '-k start',
        'parent_executor': 'root',
        'command': process + ' -r',
        'memo': None,
        'suspicion_files': files,
        'suspicion_ips': [],
        'suspicious_objects': objects if rng.random() < 0.7 else None,
    }


def account(seed, size=24):
    """(hosts, targets, detections, rules, excepted): one account and an inventory with unique match values."""
    rng = random.Random(seed)
    hosts, targets, servers = [], [], []
    for i in range(size):
        instance_no, name, ip = '%08d' % (10000000 + 7919 * i), 'web-%s-%03d' % (rng.choice(['prd', 'stg']), i), '10.0.%d.%d' % (i // 200, 10 + i % 200)
        kind = i % 6
        if kind != 4:
            targets.append(target(instance_no, name, rng.choice(['enable'] * 4 + ['disable', 'notInstalled', 'error']), rng.choice(['G1', 'G2', 'G3']), ip))
        if kind == 0:
            hosts.append(host('app-%02d' % i, instance_no=instance_no))
        elif kind in (1, 4):  # by inventory_hostname; kind 4 is not registered, its detections still match by name
            hosts.append(host(name))
        elif kind == 2:
            hosts.append(host('node-%02d' % i, ansible_host=ip))
        elif kind == 3:
            hosts.append(host('srv-%02d' % i, server_name=name, private_ip=[ip] if rng.random() < 0.5 else []))
        servers.append((instance_no, name, ip))  # kind 5: registered, but no inventory host audits it
    servers.extend(('%08d' % (90000000 + j), 'ghost-%d' % j, '10.9.0.%d' % j) for j in range(3))
    hosts.append(host('new-host-01'))  # WBD has never seen it
    rng.shuffle(hosts)  # the inventory order slicing follows is not the name order
    detections = []
    for number in range(rng.randint(20, 90)):
        age = rng.choice([rng.randint(60 * SECOND, 7 * DAY - 60 * SECOND), rng.randint(7 * DAY + 60 * SECOND, 10 * DAY)])
        when = None if rng.random() < 0.03 else NOW - age
        detections.append(detection(rng, '2026%018d' % number, rng.choice(servers), when))
    detections.sort(key=lambda d: -(d['detect_time'] or 0))
    rules = [
        rule('R1', process_name=('START', '/usr/bin/php'), executor=('EQUAL', 'www-data')),
        rule('R2', 'serverGroup', 'G2', executor=('EQUAL', 'apache'), parent_executor=('EQUAL', 'root')),
        rule('R3', 'server', rng.choice(targets)['instance_no']),
        rule('R4', process_name=('END', 'sh')),
        rule('R5', disabled=True, process_name=('EQUAL', 'cmd.exe')),
        rule('R6', 'serverGroup', 'G9', group_is_deleted=True, executor=('EQUAL', 'root'), process_name=('START', '/bin')),
    ]
    rules = [r for r in rules if r['excepted_rule_id'] == 'R3' or rng.random() < 0.8]
    excepted = [
        dict(detection(rng, '2025%018d' % n, rng.choice(servers), NOW - rng.randint(SECOND, 9 * DAY)), process_name='/usr/bin/php', executor='www-data')
        for n in range(rng.randint(0, 6))
    ]
    return hosts, targets, detections, rules, excepted


def run_of(hosts, limit=None, endpoint=ENDPOINT):
    names = sorted(h['name'] for h in hosts)
    return {
        'endpoint': endpoint,
        'play': 'Audit webshell protection with NAVER Cloud WBD',
        'inventory_scope': {'hosts': names, 'count': len(names), 'limit': limit},
    }


def audit(data, hosts, now_ms=NOW, policy=None, limit=None, endpoint=ENDPOINT):
    dummy, targets, detections, rules, excepted = copy.deepcopy(data)
    return evaluate(copy.deepcopy(hosts), targets, detections, rules, excepted=excepted, policy=policy, now_ms=now_ms, run=run_of(hosts, limit, endpoint))


def as_file(record):
    """The record as a JSON report holds it (what the action reads back)."""
    return json.loads(json.dumps(record, sort_keys=True, ensure_ascii=False))


def sliced(data, parts, policy=None, first_at=NOW):
    """One record per slice: slice j starts j seconds after ``first_at`` and, when there are several, has its own --limit."""
    return [
        as_file(audit(data, part, now_ms=first_at + j * SECOND, policy=policy, limit=','.join(h['name'] for h in part) if len(parts) > 1 else None))
        for j, part in enumerate(parts)
    ]


def mod_slices(hosts, count):
    return [hosts[j::count] for j in range(count)]


def without_provenance(record):
    record = copy.deepcopy(record)
    del record['run']['merged_slices']
    return record


def reports(record):
    prepared, dummy = prepare_record(copy.deepcopy(record))
    rendered = render_reports(prepared)
    del rendered['json']
    return rendered


def check_equal(merged, full):
    assert without_provenance(merged) == as_file(full)
    assert reports(merged) == reports(full)


# ---- merge(slices) == the unsliced run --------------------------------------------------------------------


@pytest.mark.parametrize('count', [2, 3])
@pytest.mark.parametrize('seed', [1, 2, 3])
def test_merging_awx_slices_gives_the_unsliced_record(seed, count):
    data = account(seed)
    hosts = data[0]
    full = audit(data, hosts)
    slices = sliced(data, mod_slices(hosts, count))
    merged = merge_records(slices, ['slice-%d.json' % j for j in range(count)])
    # the dataset is not trivial: every kind of host, finding and unmatched detection is there, and slicing matters
    assert set(full['summary'][k] > 0 for k in ('unprotected', 'compliant', 'unmatched_detections', 'covered_detections')) == {True}
    assert set(f['kind'] for f in full['findings']) >= {'not_registered', 'unmatched_detections', 'high_weight_file', 'overbroad_rule'}
    assert all(s['summary']['unmatched_detections'] > full['summary']['unmatched_detections'] for s in slices)
    check_equal(merged, full)
    assert merged['content_digest'] == full['content_digest']
    assert merged['run']['started_at_ms'] == NOW and merged['run']['inventory_scope']['limit'] is None
    assert [s['hosts'] for s in merged['run']['merged_slices']] == [len(p) for p in mod_slices(hosts, count)]
    assert [s['started_at_ms'] for s in merged['run']['merged_slices']] == [NOW + j * SECOND for j in range(count)]


@examples(40)
@given(seed=st.integers(min_value=0, max_value=10**6), count=st.integers(min_value=1, max_value=5), data=st.data())
def test_any_partition_merges_to_the_unsliced_record_in_any_order(seed, count, data):
    dataset = account(seed, size=data.draw(st.integers(min_value=6, max_value=30)))
    hosts = dataset[0]
    owner = data.draw(st.lists(st.integers(min_value=0, max_value=count - 1), min_size=len(hosts), max_size=len(hosts)))
    parts = [[h for h, j in zip(hosts, owner) if j == k] for k in range(count)]
    policy = data.draw(st.sampled_from([None, {'lookback': '2026-11-14T09:30:00Z'}, {'min_weight': 50, 'high_weight': 90}]))
    slices = sliced(dataset, parts, policy=policy)
    order = data.draw(st.permutations(range(count)))
    merged = merge_records([slices[j] for j in order])
    check_equal(merged, audit(dataset, hosts, policy=policy))
    assert merged == merge_records(slices)  # order independent, provenance included


def test_slices_started_later_than_the_whole_run_differ_only_in_the_run_clock():
    data = account(7)
    full = audit(data, data[0])
    merged = merge_records(sliced(data, mod_slices(data[0], 2), first_at=NOW + 5 * SECOND))
    run = merged['run']
    # the earliest slice's clock and window: its look-back ('7d') ends when it started
    assert run['started_at_ms'] == NOW + 5 * SECOND
    assert run['policy']['window_start_ms'] == NOW + 5 * SECOND - 7 * DAY
    for key in ('started_at_ms', 'started_at_iso'):
        run[key] = full['run'][key]
    run['policy'] = full['run']['policy']
    assert without_provenance(merged) == as_file(full)


def test_a_merged_record_merges_again_and_a_repeated_slice_counts_once():
    data = account(11)
    hosts = data[0]
    one, two, three = sliced(data, mod_slices(hosts, 3))
    everything = merge_records([one, two, three])
    assert merge_records([as_file(merge_records([one, two])), three]) == everything
    assert merge_records([one, two, three, copy.deepcopy(two), one]) == everything  # a timestamped and a latest copy
    assert merge_records([one])['hosts'] == one['hosts'] and merge_records([one])['content_digest'] == one['content_digest']


def test_overlapping_slices_with_the_same_results_merge():
    data = account(5)
    hosts = data[0]
    slices = sliced(data, [hosts[:15], hosts[10:]])
    check_equal(merge_records(slices), audit(data, hosts))


def test_every_slice_has_the_same_account_digest_and_only_its_hosts():
    data = account(3)
    slices = sliced(data, mod_slices(data[0], 2))
    assert account_digest(slices[0]) == account_digest(slices[1])
    assert account_digest(as_file(audit(data, data[0][1::2], policy={'min_weight': 1}))) != account_digest(slices[0])
    changed = copy.deepcopy(slices[1])
    changed['unmatched_detections'][-1]['memo'] = 'x'
    assert account_digest(changed) != account_digest(slices[0])
    assert not set(slices[0]['hosts']) & set(slices[1]['hosts'])


# ---- refusals ---------------------------------------------------------------------------------------------


def two_slices(seed=2, **options):
    data = account(seed)
    return data, sliced(data, mod_slices(data[0], 2), **options)


def refused(records, *patterns, **options):
    with pytest.raises(MergeError) as err:
        merge_records(records, ['a.json', 'b.json', 'c.json'][: len(records)], **options)
    message = str(err.value)
    assert '\n' not in message
    for pattern in patterns:
        assert pattern in message, message
    return message


def test_refuses_slices_with_another_policy_or_endpoint():
    data, (one, two) = two_slices()
    other = as_file(audit(data, data[0][1::2], now_ms=NOW + SECOND, policy={'high_weight': 90}))
    refused([one, other], 'a.json and b.json are not slices of one audit run', 'differ in policy', 'high_weight: 80 vs 90')
    other = as_file(audit(data, data[0][1::2], endpoint='https://wbd.apigw.fin-ntruss.com'))
    refused([one, other], 'differ in endpoint', 'fin-ntruss')


@pytest.mark.parametrize(
    'path, value, part',
    [
        (('run', 'collection_version'), '9.9.9', 'collection version'),
        (('run', 'play'), 'Another play', 'run metadata'),
        (('summary', 'targets'), 999, 'account counts'),
    ],
)
def test_refuses_slices_of_another_collection_play_or_account(path, value, part):
    dummy, (one, two) = two_slices()
    two[path[0]][path[1]] = value
    refused([one, two], part)


def test_refuses_slices_that_saw_other_detections_or_rules():
    data, (one, two) = two_slices()
    hosts, targets, detections, rules, excepted = copy.deepcopy(data)
    newer = copy.deepcopy(detections[0])
    newer['detection_id'] = '2026999999999999999999'
    later = as_file(audit((hosts, targets, [newer] + detections, rules, excepted), hosts[1::2], now_ms=NOW + DAY))
    refused([one, later], 'differ in account counts', 'detections: ')
    changed = copy.deepcopy(two)
    changed['unmatched_detections'][0]['memo'] = 'reviewed later'
    refused([one, changed], 'differ in detections in the window', 'changed: %s' % changed['unmatched_detections'][0]['detection_id'])
    changed = copy.deepcopy(two)
    changed['exception_rules'][0]['name'] = 'renamed'
    refused([one, changed], 'differ in exception rules')


def test_refuses_one_host_with_two_results():
    data = account(5)
    one, two = sliced(data, [data[0][:15], data[0][10:]])
    name = sorted(set(one['hosts']) & set(two['hosts']))[0]
    two['hosts'][name]['reasons'].append('something else')
    refused([one, two], 'host %s is in a.json and in b.json with different results' % name)


@pytest.mark.parametrize(
    'mangle, message',
    [
        (lambda r: [], 'a.json is not an audit record this merge can read: the audit record must be a mapping'),
        (lambda r: dict(r, schema_version=1), 'unsupported audit record schema_version 1'),
        (lambda r: dict((k, v) for k, v in r.items() if k != 'completeness'), 'completeness'),
        (lambda r: dict((k, v) for k, v in r.items() if k != 'scope'), 'no scope section'),
        (lambda r: dict(r, ambiguous_detections=None), 'no ambiguous_detections list'),
        (lambda r: dict(r, generator='someone'), 'not written by ncloud.wbd.webshell_audit'),
        (lambda r: dict((k, v) for k, v in r.items() if k != 'findings'), "no 'findings' key"),
        (lambda r: dict(r, run={'started_at_iso': 'x'}), 'its run has no policy or no started_at_ms'),
        (lambda r: dict(r, summary={}), 'its summary has no detections'),
        (lambda r: dict(r, findings=[dict(r['findings'][0], kind='new_kind')]), "finding of kind 'new_kind'"),
        (lambda r: dict(r, unmatched_detections=r['unmatched_detections'] * 2), 'a detection ID appears twice'),
        (lambda r: dict(r, unmatched_detections=[dict(r['unmatched_detections'][0], detection_id=None)]), 'no detection_id'),
    ],
)
def test_refuses_what_is_not_a_slice_record(mangle, message):
    dummy, (one, two) = two_slices()
    refused([mangle(copy.deepcopy(one)), two], message)


def test_refuses_another_number_of_slices_than_expected():
    dummy, (one, two) = two_slices()
    assert merge_records([one, two, copy.deepcopy(two)], expect=2) == merge_records([one, two])
    assert merge_records([as_file(merge_records([one, two]))], expect=2)['hosts'] == merge_records([one, two])['hosts']
    refused([two], 'expected the records of 2 slices, got 1 distinct ones (a.json)', expect=2)
    with pytest.raises(MergeError, match=r'expected the records of 3 slices, got 2 distinct ones \(a.json, b.json\)'):
        merge_records([one, two], ['a.json', 'b.json'], expect=3)


def test_refuses_nothing_to_merge():
    with pytest.raises(MergeError, match='no audit records to merge'):
        merge_records([])


# ---- ambiguity across slices ------------------------------------------------------------------------------

TARGET = target('11111111', 'web-prd-001', 'enable', 'G1', '10.0.0.5')


def shared_value_data():
    hosts = [host('x', ansible_host='10.0.0.5'), host('y', ansible_host='10.0.0.5'), host('z')]
    data = (hosts, [TARGET], [detection(random.Random(1), '2026%018d' % 1, ('11111111', 'web-prd-001', '10.0.0.5'), NOW - DAY)], [], [])
    return data, hosts


def test_a_match_value_shared_across_slices_is_refused():
    data, hosts = shared_value_data()
    full = audit(data, hosts)
    # one run: 10.0.0.5 is ambiguous, so neither host is matched, both are unknown and the detection is ambiguous
    assert full['hosts']['x']['target'] is None and full['hosts']['y']['target'] is None
    assert full['hosts']['x']['status'] == full['hosts']['y']['status'] == 'unknown'
    assert full['summary']['unmatched_detections'] == 0 and full['summary']['ambiguous_detections'] == 1
    # a slice each: each slice sees one host with that address and matches it
    slices = sliced(data, [[hosts[0], hosts[2]], [hosts[1]]])
    assert slices[0]['hosts']['x']['target'] and slices[1]['hosts']['y']['target']
    refused(
        slices,
        'hosts x (a.json, matched by ansible_host) and y (b.json, matched by ansible_host) both matched WBD server (detection target) instance 11111111',
        'webshell_audit_instance_no',
    )


def test_one_server_matched_by_different_keys_in_two_slices_is_refused():
    hosts = [host('x', instance_no='11111111'), host('y', ansible_host='10.0.0.5')]
    data = (hosts, [TARGET], [], [], [])
    full = audit(data, hosts)
    assert full['hosts']['x']['matched_by'] == 'instance_no' and full['hosts']['y']['target'] is None
    refused(sliced(data, [[hosts[0]], [hosts[1]]]), 'hosts x (a.json, matched by instance_no) and y (b.json, matched by ansible_host)')


def test_one_detection_matched_in_two_slices_is_refused():
    ghost = ('22222222', 'ghost-1', '10.0.0.9')  # not registered: its detection is matched by its own fields
    hosts = [host('x', host_name=['ghost-1']), host('y', server_name='ghost-1')]
    data = (hosts, [], [detection(random.Random(2), '2026%018d' % 2, ghost, NOW - DAY)], [], [])
    assert audit(data, hosts)['summary']['unmatched_detections'] == 0  # host_name comes first: x
    refused(sliced(data, [[hosts[0]], [hosts[1]]]), 'both matched detection 2026')


def test_a_value_shared_inside_one_slice_is_seen_by_the_merge_now():
    # Formerly a documented limit: y and y2 share 10.0.0.5 within slice b, which skipped the value silently, and a
    # matched x alone. Slice b now reports the ambiguity, so the merge sees that x claims what b left to y and y2.
    hosts = [host('x', ansible_host='10.0.0.5'), host('y', ansible_host='10.0.0.5'), host('y2', ansible_host='10.0.0.5')]
    data = (hosts, [TARGET], [], [], [])
    slices = sliced(data, [[hosts[0]], hosts[1:]])
    assert slices[1]['completeness']['problems'][0]['kind'] == 'ambiguous_match'
    refused(slices, 'the hosts sharing ansible_host 10.0.0.5 (y, y2) (b.json', 'host x (a.json, matched by ansible_host)', 'instance 11111111')
    assert audit(data, hosts)['hosts']['x']['status'] == 'unknown'


@pytest.mark.parametrize('seed, count', [(4, 2), (8, 3), (9, 2)])
def test_slices_cut_by_limit_over_one_inventory_merge_to_the_unsliced_record(seed, count):
    # Issue 14 item 7 with slicing by --limit: each slice sees the whole inventory (groups.all), so the other slices'
    # servers are out of scope there, not unmatched; the merge brings them back in scope.
    data = account(seed)
    hosts = data[0]
    parts = mod_slices(hosts, count)
    slices = []
    for j, part in enumerate(parts):
        dummy, targets, detections, rules, excepted = copy.deepcopy(data)
        others = [h for h in hosts if h not in part]
        slices.append(
            as_file(
                evaluate(
                    copy.deepcopy(part),
                    targets,
                    detections,
                    rules,
                    excepted=excepted,
                    now_ms=NOW + j * SECOND,
                    run=run_of(part, limit=','.join(h['name'] for h in part)),
                    others=copy.deepcopy(others),
                )
            )
        )
    assert all(s['summary']['out_of_scope_detections'] > 0 and s['scope']['servers'] for s in slices)
    full = audit(data, hosts)
    merged = merge_records(slices)
    assert merged['scope'] == full['scope'] and merged['summary'] == full['summary']
    assert merged['completeness'] == full['completeness']
    # a part of the inventory no slice audited stays out of scope in the merge, as in one run over the others
    partial_run = as_file(
        evaluate(
            copy.deepcopy(hosts[1:]),
            *copy.deepcopy(data[1:4]),
            excepted=copy.deepcopy(data[4]),
            now_ms=NOW,
            run=run_of(hosts[1:]),
            others=copy.deepcopy(hosts[:1]),
        )
    )
    rest = [[h for h in part if h is not hosts[0]] for part in parts]
    sliced_rest = [
        as_file(
            evaluate(
                copy.deepcopy(part),
                *copy.deepcopy(data[1:4]),
                excepted=copy.deepcopy(data[4]),
                now_ms=NOW + j * SECOND,
                run=run_of(part),
                others=copy.deepcopy([h for h in hosts if h not in part]),
            )
        )
        for j, part in enumerate(rest)
        if part
    ]
    assert merge_records(sliced_rest)['content_digest'] == partial_run['content_digest']
    assert merged['content_digest'] == full['content_digest']
    check_equal(dict(merged, run=dict(merged['run'], inventory_scope=full['run']['inventory_scope'])), full)


def test_the_merge_is_complete_only_when_every_slice_is():
    data = account(6)
    hosts = data[0]
    parts = mod_slices(hosts, 2)
    partial = {'complete': False, 'operation': 'GetWebshell', 'problems': ['GetWebshell announced 90 records but delivered 50']}
    slices = []
    for j, part in enumerate(parts):
        dummy, targets, detections, rules, excepted = copy.deepcopy(data)
        lists = {'detections': partial if j == 1 else {'complete': True, 'operation': 'GetWebshell', 'problems': []}}
        slices.append(
            as_file(evaluate(copy.deepcopy(part), targets, detections, rules, excepted=excepted, now_ms=NOW + j * SECOND, run=run_of(part), lists=lists))
        )
    assert slices[0]['summary']['complete'] is not False or slices[0]['completeness']['problems']
    merged = merge_records(slices)
    assert merged['summary']['complete'] is False and merged['completeness']['lists']['detections'] == partial
    problem = [p for p in merged['completeness']['problems'] if p['kind'] == 'incomplete_list'][0]
    assert 'delivered 50' in problem['message']
    unknown = sorted(h for h, e in merged['hosts'].items() if e['status'] == 'unknown')
    assert merged['summary']['unknown'] == len(unknown)
    # the hosts slice 0 judged on complete lists keep their verdicts; the merge names slice 1's unknown hosts
    unknown = [h for h, entry in slices[1]['hosts'].items() if entry['status'] == 'unknown' and 'incomplete_list' in entry['doubts']]
    assert set(problem['hosts']) == set(unknown)
