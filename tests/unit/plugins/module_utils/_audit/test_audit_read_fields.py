# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit as the action runs it gives the record of the audit over the whole list: when it asks the detection list
for READ_FIELDS only, and when it is fed page by page, each detection written to the record file as it is placed
(the same content digest and the same record read back, whatever the API's order and paging)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import sys

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import fields, resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.listing import project, projection
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import READ_FIELDS, Audit, evaluate
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import content_digest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import DetectionLines, Kept, RecordWriter, field_values, materialized, read_record

SANDBOX_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'sandbox'))
NOW = 1764979200000


def dataset(seed, servers, detections):
    sys.path.insert(0, SANDBOX_DIR)
    from wbd_sandbox import make_dataset  # pylint: disable=import-error

    data = make_dataset(seed=seed, servers=servers, detections=detections, anchor_ms=NOW)
    return dict((name, json.loads(json.dumps(data.records(name)))) for name in ('servers', 'detections', 'exception-rules'))


@pytest.mark.parametrize('seed', [1, 2, 3])
def test_the_record_from_the_fields_the_audit_reads_is_the_record_from_all(seed):
    data = dataset(seed, servers=15, detections=600)
    targets = [fields.normalize(r, resources.DETECTION_TARGETS.field_map) for r in data['servers']]
    rules = [fields.normalize(r, resources.EXCEPTION_RULES.field_map) for r in data['exception-rules']]
    hosts = [{'name': 'srv-%02d' % i, 'instance_no': t['instance_no'], 'inventory_hostname': t['server_name']} for i, t in enumerate(targets[:-3])]
    fmap = resources.DETECTIONS.field_map
    keep = projection(resources.DETECTIONS, list(READ_FIELDS))
    full = [fields.normalize(r, fmap) for r in data['detections']]
    lean = project([fields.normalize(r, fmap.projected(keep)) for r in data['detections']], keep)
    assert len(lean[0]) < len(full[0])  # the audit really reads less
    policy = {'lookback': '31d', 'min_weight': 10}
    record = evaluate(hosts, targets, lean, rules, policy=policy, now_ms=NOW)
    assert record == evaluate(hosts, targets, full, rules, policy=policy, now_ms=NOW)
    summary = record['summary']
    assert summary['detections'] > 500 and summary['covered_detections'] > 0 and summary['unmatched_detections'] > 0


def lists_of(seed, servers=15, detections=500):
    data = dataset(seed, servers=servers, detections=detections)
    targets = [fields.normalize(r, resources.DETECTION_TARGETS.field_map) for r in data['servers']]
    rules = [fields.normalize(r, resources.EXCEPTION_RULES.field_map) for r in data['exception-rules']]
    found = [fields.normalize(r, resources.DETECTIONS.field_map) for r in data['detections']]
    return targets, rules, found


def streamed(directory, hosts, targets, found, rules, page, **options):
    """(record, path) of the audit fed ``page`` detections at a time, written out as it goes."""
    writer = RecordWriter(directory)
    audit = Audit(hosts, targets, rules, policy=options['policy'], now_ms=NOW, others=options.get('others'), keep=writer.keep)
    for start in range(0, len(found), page):
        audit.add(found[start : start + page])
    record = audit.finish(excepted=options.get('excepted'))
    return record, writer.finish(record)


@pytest.mark.parametrize('seed, page, shuffle', [(1, 100, False), (2, 7, True), (3, 1000, True)])
def test_the_streamed_record_is_the_whole_list_record(tmp_path, seed, page, shuffle):
    targets, rules, found = lists_of(seed)
    hosts = [{'name': 'srv-%02d' % i, 'instance_no': t['instance_no']} for i, t in enumerate(targets[:-4])]
    others = [{'name': 'other-%d' % i, 'instance_no': t['instance_no']} for i, t in enumerate(targets[-2:])]  # out of scope
    policy = {'lookback': '31d', 'min_weight': 10, 'high_weight': 60}
    excepted = found[:40]
    whole = evaluate(hosts, targets, found, rules, policy=dict(policy), now_ms=NOW, others=others, excepted=excepted)
    if shuffle:
        found = list(found)
        random.Random(seed).shuffle(found)  # the API's order must not matter
    record, path = streamed(str(tmp_path), hosts, targets, found, rules, page, policy=dict(policy), others=others, excepted=excepted)
    assert record['content_digest'] == whole['content_digest'] == content_digest(whole)
    assert any(isinstance(d, Kept) for e in record['hosts'].values() for d in e['detections'])
    back = read_record(path)
    assert isinstance(back['unmatched_detections'], DetectionLines) and back['summary'] == whole['summary']
    assert content_digest(back) == whole['content_digest']  # digested from the lines as written, never decoded
    assert materialized(back) == json.loads(json.dumps(whole))
    assert materialized(record) == json.loads(json.dumps(whole))
    names = ('server_name', 'instance_no', 'detect_time_iso', 'covered_by', 'no_such_field')
    expected = [tuple(d.get(n) for n in names) for d in json.loads(json.dumps(whole['unmatched_detections']))]
    assert list(field_values(back['unmatched_detections'], names)) == expected == list(field_values(whole['unmatched_detections'], names))
    summary = whole['summary']
    assert summary['detections'] > 400 and summary['unmatched_detections'] > 0 and summary['out_of_scope_detections'] > 0
    assert summary['findings_by_severity']['high'] + summary['findings_by_severity']['medium'] > 0


def test_the_summaries_of_the_record_file_are_the_detections_own(tmp_path):
    targets, rules, found = lists_of(4, detections=300)
    hosts = [{'name': 'srv-%02d' % i, 'instance_no': t['instance_no']} for i, t in enumerate(targets)]
    record, path = streamed(str(tmp_path), hosts, targets, found, rules, 50, policy={'lookback': '31d'})
    back = read_record(path)
    lists = [e['detections'] for e in back['hosts'].values()] + [back['unmatched_detections']]
    pairs = [(s, d, lines) for lines in lists for s, d in zip(lines.summaries(), lines)]
    assert len(pairs) == record['summary']['detections'] > 250
    for (position, did, when, unreviewed, covered), detection, lines in pairs:
        assert (did, when, unreviewed, covered) == (detection['detection_id'], detection['detect_time'], detection['unreviewed'], bool(detection['covered_by']))
        assert lines[position] == detection
    assert any(p[0][3] for p in pairs) and any(p[0][4] for p in pairs)
