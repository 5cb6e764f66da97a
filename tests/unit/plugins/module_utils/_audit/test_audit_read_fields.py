# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit asks the detection list for READ_FIELDS only: the record must be the one all fields give."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import fields, resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.listing import project, projection
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import READ_FIELDS, evaluate

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
