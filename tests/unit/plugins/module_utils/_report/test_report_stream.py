# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The streamed reports are byte for byte what the in-memory renderers wrote before (reference_render.py keeps them):
on the hand-built records, with hostile text in every field, on records built by the real evaluator (large ones with
capped tables, odd ones) and for any text hypothesis draws; written to a handle in small pieces and through
run_report into files."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import io
import json

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import evaluate
from ansible_collections.ncloud.wbd.plugins.module_utils._report import common, render
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import FORMATS, prepare_record
from ansible_collections.ncloud.wbd.plugins.module_utils._report.run import run_report
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report import reference_render
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.run_sections import run_section, without_run_sections
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.test_properties_reports import CASES, EXAMPLES, audit_record, made_incomplete
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.test_report_render import (
    HOSTILE,
    build_incomplete_record,
    build_record,
    prepared,
    prepared_incomplete,
)
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.audit_inputs import host, rule, target
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.property_strategies import examples
from hypothesis import given

HOUR, DAY = 3600 * 1000, 86400 * 1000
NOW = 1795253400000


def reference(record, html_max_detections=2000):
    """{format: bytes} as the renderers before streaming wrote them."""
    return reference_render.render_reports(record, FORMATS, html_max_detections)


def assert_same(record, html_max_detections=2000):
    expected = reference(record, html_max_detections)
    got = render.render_reports(record, FORMATS, html_max_detections)
    assert sorted(got) == sorted(expected)
    for fmt in FORMATS:
        assert isinstance(got[fmt], bytes)
        assert got[fmt] == expected[fmt], fmt
    # The JSON report is the record itself, whatever its layout.
    assert json.loads(got['json'].decode('utf-8')) == json.loads(json.dumps(record, indent=2, sort_keys=True))
    return expected


def evaluated(hosts=12, per_host=40, unmatched=30, statuses=('blank', 'confirmed'), rules=True, seed=0):
    """A record from the real evaluator: hosts with and without agents and targets, detections spread over the
    window (some covered by a rule, some unreviewed), unmatched servers, a disabled and an overbroad rule."""
    inventory = [host('web-%03d' % i, instance_no=str(1000 + i)) for i in range(hosts)]
    inventory.append(host('db-unregistered', instance_no='999999'))
    targets = [target(str(1000 + i), 'web-prd-%03d' % i, agent_status='disable' if i % 5 == 1 else 'enable') for i in range(hosts)]
    detections = []
    for i in range(hosts * per_host + unmatched):
        instance = str(1000 + i % hosts) if i < hosts * per_host else str(5000 + i % 7)
        detections.append(
            dict(
                detection_id='D%07d' % i,
                instance_no=instance,
                server_name='srv-%s' % instance,
                host_name='srv-%s' % instance,
                private_ip='10.0.%d.%d' % (i % 7, i % 250),
                detect_time=NOW - (i * 7919 + seed) % (6 * DAY),
                action_status=statuses[i % len(statuses)],
                process_name='/usr/bin/php' if i % 3 else '/bin/sh',
                process_arg='-r system($_GET[%d]);' % i,
                executor='www-data',
                parent_process_name='/usr/sbin/apache2',
                parent_process_arg='-k start',
                parent_executor='root',
                suspicion_files=[{'suspicion_file_id': 'F%d' % i, 'file_origin_name': '/var/www/up/%d.php' % i, 'weight': (i * 13) % 100}],
                suspicion_ips=[],
            )
        )
    exception_rules = []
    if rules:
        exception_rules = [
            rule('R1', process_name=('START', '/usr/bin/php'), executor=('EQUAL', 'www-data')),
            rule('R2', process_name=('START', '/')),
            rule('R3', disabled=True, executor=('EQUAL', 'deploy')),
        ]
    record = evaluate(inventory, targets, detections, exception_rules, excepted=[], policy={'lookback': '7d'}, now_ms=NOW)
    return prepare_record(record)[0]


@pytest.mark.parametrize('build', [prepared, prepared_incomplete])
def test_hand_built_records(build):
    assert_same(build())
    assert_same(build(), html_max_detections=0)
    assert_same(build(), html_max_detections=1)


@pytest.mark.parametrize('text', HOSTILE, ids=lambda t: repr(t[:24]))
@pytest.mark.parametrize('build', [prepared, prepared_incomplete])
def test_hostile_text(build, text):
    assert_same(build(text))


def test_empty_and_odd_records():
    record = prepared()
    record.update(hosts={}, findings=[], unmatched_detections=[], exception_rules=[], summary={})
    assert_same(record)
    # A host whose name is not its key, an unknown host without reasons, a finding for a host the record lacks.
    record = build_incomplete_record()
    record['hosts']['web-3'].update(name='a-first', reasons=[])
    record['hosts']['web-1']['name'] = 'zz-last'
    record['findings'].append(dict(record['findings'][0], id='F-ghost', host='ghost-host', subject='ghost-host'))
    record['completeness']['problems'] = []
    assert_same(prepare_record(record)[0])


def test_evaluated_records():
    assert_same(evaluated())
    assert_same(evaluated(hosts=3, per_host=0, unmatched=0, rules=False))
    assert_same(evaluated(statuses=('blank',)), html_max_detections=25)


def test_large_record_with_capped_tables():
    """More rows than every cap: Markdown's 200 rows, the banner's 200 problems, the HTML's newest detections."""
    record = copy.deepcopy(evaluated(hosts=260, per_host=8, unmatched=400, seed=5))
    record['completeness'] = {
        'complete': False,
        'lists': {},
        'problems': [
            {'kind': 'unreadable_time', 'message': 'problem %d' % i, 'hosts': ['web-%03d' % i], 'evidence': {'n': i, 'detection_id': 'D%d' % i}}
            for i in range(230)
        ],
    }
    expected = assert_same(prepare_record(record)[0], html_max_detections=500)
    assert b'Showing 200 of' in expected['markdown'] and b'and 30 more' in expected['markdown']


@pytest.mark.parametrize('case', EXAMPLES)
def test_property_examples(case):
    text, host_1, host_2, shape, incomplete = case
    record = audit_record(text, host_1, host_2, shape)
    assert_same(made_incomplete(record, text, host_1) if incomplete else record)


@examples(150)
@given(case=CASES)
def test_any_text(case):
    text, host_1, host_2, shape, incomplete = case
    record = audit_record(text, host_1, host_2, shape)
    assert_same(made_incomplete(record, text, host_1) if incomplete else record)


def test_run_report_writes_the_reference_bytes(tmp_path):
    record = build_record(HOSTILE[0])
    params = dict(record=record, src=None, dest=str(tmp_path), formats=list(FORMATS), mode='0600', basename='r', latest=True, html_max_detections=2000)
    result = run_report(params, False, lambda message: None)
    expected = reference(prepare_record(build_record(HOSTILE[0]))[0])
    # The first run in the directory: every format is the reference's bytes plus one "no previous record" line (its
    # section); the JSON report keeps the rest of the record byte for byte.
    for fmt in FORMATS:
        with open(result['files'][fmt], 'rb') as handle:
            written = handle.read()
        assert without_run_sections(fmt, written) == expected[fmt], fmt
        assert written != expected[fmt] and 'no previous record: this is the first run' in run_section(fmt, written), fmt
        with open(result['latest'][fmt], 'rb') as handle:
            assert handle.read() == written, fmt


class Writes(io.BytesIO):
    """An in-memory file that keeps the size of every write."""

    def __init__(self):
        super(Writes, self).__init__()
        self.sizes = []

    def write(self, data):
        self.sizes.append(len(data))
        return super(Writes, self).write(data)


def test_every_format_is_written_in_pieces():
    """A large report reaches the handle in many bounded writes, never as one whole."""
    record = evaluated(hosts=150, per_host=60, unmatched=100)
    expected = reference(record, 5000)
    for fmt, write in render.report_writers(record, FORMATS, 5000).items():
        handle = Writes()
        write(handle)
        assert handle.getvalue() == expected[fmt], fmt
        if len(expected[fmt]) > 4 * common.CHUNK:
            assert len(handle.sizes) > 3 and max(handle.sizes) <= 2 * common.CHUNK, (fmt, len(handle.sizes), max(handle.sizes))
