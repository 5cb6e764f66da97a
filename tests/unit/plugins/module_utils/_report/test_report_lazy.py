# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records whose detection lists are lazy sequences (each access decodes a fresh dict, ``canonical_texts()`` gives
each detection's compact JSON) render exactly the reports of the same record with plain lists, compare with a previous
report the same way, and are never held whole: the JSON report decodes none of them, no renderer makes a list of them
all. The previous report is read lean in the layout of a detection a line, and whole in the older indented layout."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections.abc
import copy
import heapq
import io
import json
import os

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit import record_file
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import DETECTION_LISTS
from ansible_collections.ncloud.wbd.plugins.module_utils._report import changes as report_changes
from ansible_collections.ncloud.wbd.plugins.module_utils._report import common, html, render
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import FORMATS, ReportView, prepare_record
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report import reference_render
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.test_report_render import HOSTILE, build_incomplete_record, build_record
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.test_report_stream import evaluated


class LazyDetections(collections.abc.Sequence):
    """A stand-in for the audit side's lazy detection list: the detections kept as their canonical JSON texts, each
    access decoding a fresh dict (counted in ``decoded``). Not a list, cannot be concatenated, json cannot encode it."""

    def __init__(self, items):
        self.texts = [json.dumps(item, sort_keys=True, separators=(',', ':'), ensure_ascii=False) for item in items]
        self.decoded = 0

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        text = self.texts[index]  # IndexError ends an iteration before anything is decoded
        self.decoded += 1
        return json.loads(text)

    def canonical_texts(self):
        """Each detection's compact JSON, in order, without decoding it."""
        return iter(self.texts)


def lazy(record):
    """A copy of ``record`` whose detection lists (hosts' and the record's) are LazyDetections."""
    out = dict(record, hosts=dict((name, dict(host, detections=LazyDetections(host.get('detections') or []))) for name, host in record['hosts'].items()))
    for key in DETECTION_LISTS:
        out[key] = LazyDetections(record.get(key) or [])
    return out


def lists(record):
    """The LazyDetections of a lazy record."""
    return [host['detections'] for host in record['hosts'].values()] + [record[key] for key in DETECTION_LISTS]


def with_other_lists(record):
    """``record`` with an ambiguous and an out-of-scope detection, so every detection list has one."""
    record = copy.deepcopy(record)
    extra = record['unmatched_detections'][0]
    record['ambiguous_detections'] = [dict(extra, detection_id='DAMB', process_arg='ambiguous \u202e')]
    record['out_of_scope_detections'] = [dict(extra, detection_id='DOUT')]
    return prepare_record(record)[0]


RECORDS = [
    lambda: with_other_lists(build_record()),
    lambda: with_other_lists(build_incomplete_record(HOSTILE[1])),
    lambda: evaluated(hosts=6, per_host=30, unmatched=12),
]


@pytest.mark.parametrize('make', RECORDS)
@pytest.mark.parametrize('html_max_detections', [2000, 5, 0])
def test_a_lazy_record_renders_the_plain_records_reports(make, html_max_detections):
    plain = make()
    got = render.render_reports(lazy(plain), FORMATS, html_max_detections)
    expected = render.render_reports(plain, FORMATS, html_max_detections)
    for fmt in ('csv', 'html', 'junit', 'markdown'):
        assert got[fmt] == expected[fmt], fmt
    assert json.loads(got['json'].decode('utf-8')) == json.loads(json.dumps(plain, indent=2, sort_keys=True))
    assert got['json'] == expected['json'] == reference_render.render_json(plain).encode('utf-8')


def test_the_json_report_decodes_no_lazy_detection():
    record = lazy(evaluated(hosts=4, per_host=10, unmatched=5))
    handle = io.BytesIO()
    render.write_json(record, handle)
    assert sum(len(found) for found in lists(record)) > 40
    assert [found.decoded for found in lists(record)] == [0] * len(lists(record))
    lines = handle.getvalue().decode('utf-8').split('\n')
    for found in lists(record):
        for text in found.canonical_texts():
            assert sum(1 for line in lines if line.strip().rstrip(',') == text) == 1


def test_the_report_view_keeps_no_detection():
    """Its detections are read again on each pass (the HTML reads them once per chart and table), never cached."""
    record = lazy(evaluated(hosts=3, per_host=5, unmatched=4))
    view = ReportView(record)
    detections = view.detections
    assert not isinstance(detections, list) and view.detections is detections
    first, second = list(detections), list(detections)
    assert first == second and len(detections) == len(first) == 3 * 5 + 4
    assert first[0][1] is not second[0][1]  # decoded afresh, not kept
    expected = list(common.iter_detections(lazy(evaluated(hosts=3, per_host=5, unmatched=4))))
    assert first == expected


def test_html_decodes_each_detection_once():
    record = lazy(evaluated(hosts=4, per_host=10, unmatched=5))
    render.render_reports(record, ['html'], 3)
    total = sum(len(found) for found in lists(record) if found is not record['ambiguous_detections'] and found is not record['out_of_scope_detections'])
    # The two charts and the newest-detections table from one pass; a record without its window needs one more.
    assert sum(found.decoded for found in lists(record)) == total
    del record['run']['policy']['window_start_ms']
    render.render_reports(record, ['html'], 3)
    assert sum(found.decoded for found in lists(record)) == 3 * total


def later(record, findings=1):
    """A later run of ``record`` with its first ``findings`` findings gone, a new detection and a host whose status changed."""
    record = copy.deepcopy(record)
    record['run'].update(started_at_ms=record['run']['started_at_ms'] + 3600000, started_at_iso='2026-11-19T05:00:00.000Z')
    del record['findings'][:findings]
    record['unmatched_detections'].append(dict(record['unmatched_detections'][0], detection_id='DNEW'))
    name = sorted(record['hosts'])[0]
    record['hosts'][name]['status'] = 'compliant' if record['hosts'][name]['status'] != 'compliant' else 'unknown'
    return prepare_record(record)[0]


def previous_reports(tmp_path, record):
    """(new-layout path, old-layout path) of ``record``'s JSON report: as written now, and fully indented as before."""
    new, old = os.path.join(str(tmp_path), 'new.json'), os.path.join(str(tmp_path), 'old.json')
    with open(new, 'wb') as handle:
        render.write_json(record, handle)
    with open(old, 'w', encoding='utf-8') as handle:
        handle.write(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + '\n')
    return new, old


@pytest.mark.parametrize('make', RECORDS)
def test_changes_are_the_same_from_either_layout_and_for_a_lazy_record(tmp_path, make):
    first = make()
    new, old = previous_reports(tmp_path, first)
    record = later(first)
    whole = report_changes.compare(first, record)
    assert whole['compared'] and [d['detection_id'] for d in whole['detections_new']] == ['DNEW'] and whole['hosts_changed']
    for path in (new, old):
        assert report_changes.changes_since(path, record) == whole, path
        assert report_changes.changes_since(path, lazy(record)) == whole, path


def test_the_new_layout_is_read_lean_and_the_old_one_whole(tmp_path):
    first = with_other_lists(evaluated(hosts=3, per_host=4, unmatched=3))
    new, old = previous_reports(tmp_path, dict(first, changes={'compared': False}, actions=[]))
    lean = report_changes.read_lean(new)
    ids = [{'detection_id': d['detection_id']} for d in first['unmatched_detections']]
    assert lean['unmatched_detections'] == ids and len(ids) == 3
    for name, host in first['hosts'].items():
        assert lean['hosts'][name]['detections'] == [{'detection_id': d['detection_id']} for d in host['detections']]
        assert dict(lean['hosts'][name], detections=None) == dict(host, detections=None)
    for key in ('findings', 'exception_rules', 'run', 'content_digest', 'generator', 'schema_version'):
        assert lean[key] == first[key], key
    assert not set(lean) & {'changes', 'actions', 'summary', 'scope', 'completeness'}
    assert report_changes.read_lean(old) == json.loads(json.dumps(dict(first, changes={'compared': False}, actions=[])))


def test_a_truncated_previous_report_is_not_compared(tmp_path):
    first = build_record()
    new, dummy = previous_reports(tmp_path, prepare_record(first)[0])
    with open(new, 'rb') as handle:
        data = handle.read()
    # Cut after the head (keys up to schema_version): in the summary, in the unmatched detections.
    for cut in (data.index(b'\n  "summary"') + 20, data.index(b'\n  "unmatched_detections"') + 40):
        with open(new, 'wb') as handle:
            handle.write(data[:cut])
        changes = report_changes.changes_since(new, later(prepare_record(first)[0]))
        assert not changes['compared'] and 'could not be read' in changes['reason'], cut


def test_the_head_stops_after_schema_version(tmp_path):
    """The keys after ``schema_version`` (``summary``, ``unmatched_detections``) are not read for the head."""
    first = prepare_record(build_record())[0]
    new, dummy = previous_reports(tmp_path, first)
    with open(new, 'rb') as handle:
        data = handle.read()
    with open(new, 'wb') as handle:
        # A reader that went on would meet a second, unreadable ``run``.
        handle.write(data[: data.index(b'\n  "summary"')] + b'\n  "summary": {},\n  "run": not json at all\n}\n')
    assert report_changes._head(new) == dict((k, first[k]) for k in ('content_digest', 'generator', 'run', 'schema_version'))


@pytest.mark.parametrize('max_rows', [0, 1, 7, 50, 500])
def test_the_newest_detections_are_heapq_nlargests_with_ties(max_rows):
    """Many equal times, missing and float ones: the table keeps what heapq.nlargest (the earlier first among equals) kept."""
    times = [None, 5, 5.0, 'x', 3, 5, 0, 9, 9, 1]
    detections = [('h%d' % (i % 3) if i % 4 else None, {'detection_id': 'D%d' % i, 'detect_time': times[i % len(times)]}) for i in range(120)]
    tally = html.Tally({'run': {}}, detections, max_rows)
    expected = heapq.nlargest(max_rows, detections, key=lambda item: html._num(item[1].get('detect_time')) or 0)
    assert tally.newest == expected and tally.total == 120
    assert tally.unmatched == [0, 0, 30] and sum(sum(counts) for counts in tally.per_host.values()) == 90


class Counted(object):
    """Counts the detections a record read from its file decodes (record_file.DetectionLines.__getitem__)."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = record_file.DetectionLines.__getitem__

        def getitem(lines, index):
            self.count += 1
            return original(lines, index)

        monkeypatch.setattr(record_file.DetectionLines, '__getitem__', getitem)


@pytest.mark.parametrize('make', RECORDS)
@pytest.mark.parametrize('html_max_detections', [2000, 5])
def test_a_record_read_from_its_file_renders_the_plain_records_reports(tmp_path, monkeypatch, make, html_max_detections):
    plain = make()
    back = record_file.read_record(record_file.keep_record(plain, str(tmp_path)))
    counted = Counted(monkeypatch)
    got = render.render_reports(back, ['html'], html_max_detections)
    shown = min(html_max_detections, len(list(common.iter_detections(plain))))
    assert counted.count == shown  # the charts count from the record line; only the table's rows are decoded
    got.update(render.render_reports(back, [fmt for fmt in FORMATS if fmt != 'html'], html_max_detections))
    assert got == render.render_reports(plain, FORMATS, html_max_detections)


@pytest.mark.parametrize('make', RECORDS)
def test_changes_of_a_record_read_from_its_file_decode_only_the_new_detections(tmp_path, monkeypatch, make):
    first = make()
    new, dummy = previous_reports(tmp_path, first)
    record = later(first)
    back = record_file.read_record(record_file.keep_record(record, str(tmp_path)))
    counted = Counted(monkeypatch)
    assert report_changes.changes_since(new, back) == report_changes.compare(first, record)
    assert counted.count == 1  # DNEW
