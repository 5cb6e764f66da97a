# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""audit_evaluate with a helper process placing the detections (``_api/offload``) gives the task result and the record
file it gives without one, and a failure in the helper is the failure the action would have had."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

import pytest
from ansible_collections.ncloud.wbd.plugins.action import audit_evaluate
from ansible_collections.ncloud.wbd.plugins.module_utils._api import fields, listing, offload, resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import WbdClient
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import READ_FIELDS, Audit
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.match import MatchError
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import RecordWriter, materialized, read_record

SANDBOX_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'sandbox'))
NOW = 1764979200000
ARGS = {'host_detections': True, 'fact': None, 'failing_fact': 'failing', 'return_record': True}


def dataset():
    sys.path.insert(0, SANDBOX_DIR)
    from wbd_sandbox import make_dataset  # pylint: disable=import-error

    data = make_dataset(seed=5, servers=12, detections=700, anchor_ms=NOW)
    return dict((name, json.loads(json.dumps(data.records(name)))) for name in ('servers', 'detections', 'exception-rules'))


def audited(fakes, monkeypatch, tmp_path, helper, data, audit_class=Audit):
    """(the task result, the record read back, whether a helper placed the detections)."""
    monkeypatch.setattr(offload.threading, 'active_count', lambda: 1 if helper else 2)
    targets = [fields.normalize(r, resources.DETECTION_TARGETS.field_map) for r in data['servers']]
    rules = [fields.normalize(r, resources.EXCEPTION_RULES.field_map) for r in data['exception-rules']]
    hosts = [{'name': 'srv-%02d' % i, 'instance_no': t['instance_no']} for i, t in enumerate(targets[:-3])]
    writer = RecordWriter(str(tmp_path / ('helper' if helper else 'here')))
    audit = audit_class(hosts, targets, rules, policy={'lookback': '31d', 'min_weight': 10}, now_ms=NOW, keep=writer.keep)
    timings = {}
    sink = audit_evaluate.AuditSink(audit, writer, timings)
    api = fakes.Api(lists={'/api/v1/detections': data['detections']})
    params = {'page_size': 50, 'max_results': None, 'allow_partial': False, 'fields': list(READ_FIELDS)}
    try:
        listed = listing.list_result(WbdClient('http://127.0.0.1:1', 'AK', 'SK', session=api), params, [].append, 'detections', resources.DETECTIONS, sink=sink)
        forked = sink.helper is not None
        out = sink.conclude(ARGS, dict(lists={'detections': listed['completeness']}, run={'name': 'test'}))
    finally:
        sink.release()
    assert sorted(timings) == ['evaluate', 'keep_record', 'place'] and listed['detections'] == len(data['detections'])
    return out, read_record(out['record_path']), forked


def test_the_helper_gives_the_result_and_the_record_file_of_the_audit_without_it(fakes, monkeypatch, tmp_path):
    data = dataset()
    here, here_file, forked_here = audited(fakes, monkeypatch, tmp_path, False, data)
    there, there_file, forked = audited(fakes, monkeypatch, tmp_path, True, data)
    assert forked and not forked_here
    assert there['record_path'] != here['record_path'] and os.path.exists(there['record_path'])
    for name in ('record_path', 'timings'):
        here.pop(name), there.pop(name)
    assert there == here and there['summary']['detections'] > 600
    assert materialized(there_file) == materialized(here_file)


class FailingAudit(Audit):
    def add(self, detections):
        raise MatchError('host srv-01 matches by two keys')


def test_a_failure_in_the_helper_is_the_actions_own(fakes, monkeypatch, tmp_path):
    with pytest.raises(MatchError, match='^host srv-01 matches by two keys$'):
        audited(fakes, monkeypatch, tmp_path, True, dataset(), FailingAudit)
