# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report_run.previous_digest: the digest of the latest JSON report, read from its head when it is one of ours."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._report import run as report_run
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import prepare_record
from ansible_collections.ncloud.wbd.plugins.module_utils._report.render import render_json
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.test_report_render import build_incomplete_record, build_record


def report_bytes(record):
    return render_json(prepare_record(record)[0]).encode('utf-8')


class Reads(io.BytesIO):
    """An in-memory file that counts the bytes read from it."""

    def __init__(self, data):
        super(Reads, self).__init__(data)
        self.taken = 0

    def read(self, size=-1):
        data = super(Reads, self).read(size)
        self.taken += len(data)
        return data

    def readline(self, size=-1):
        line = super(Reads, self).readline(size)
        self.taken += len(line)
        return line

    def __iter__(self):
        return iter(self.readline, b'')


@pytest.mark.parametrize('build', [build_record, build_incomplete_record])
def test_the_digest_of_our_report(tmp_path, build):
    path = tmp_path / 'webshell-audit-latest.json'
    data = report_bytes(build())
    path.write_bytes(data)
    assert report_run.previous_digest(str(path)) == json.loads(data.decode('utf-8'))['content_digest']


def test_our_report_is_read_only_down_to_its_digest(monkeypatch):
    record = build_record()
    host = next(h for h in record['hosts'].values() if h['detections'])
    host['detections'] = [dict(host['detections'][0], detection_id='D%06d' % n) for n in range(3000)]
    data = report_bytes(record)
    handle = Reads(data)
    monkeypatch.setattr(report_run, 'open', lambda path, mode: handle, raising=False)
    assert report_run.previous_digest('latest.json') == json.loads(data.decode('utf-8'))['content_digest']
    assert handle.taken < 20000 < len(data), 'read %d of %d bytes' % (handle.taken, len(data))
    monkeypatch.setattr(report_run, 'open', lambda path, mode: Reads(b'{"content_digest": "x", "hosts": {}}'), raising=False)
    assert report_run.previous_digest('other.json') == 'x'


@pytest.mark.parametrize(
    'content, digest',
    [
        # Not our layout: parsed whole, as before.
        (b'{"content_digest": "abc"}', 'abc'),
        (b'{\n    "content_digest": "abc"\n}\n', 'abc'),
        (b'{\n  "zebra": 1,\n  "content_digest": "abc"\n}\n', 'abc'),
        (b'{\n  "content_digest": "abc"\n}', 'abc'),
        # Our layout, but cut short or not a JSON object with a digest as text: nothing, as before.
        (b'{\n  "completeness": {},\n  "content_digest": "abc",\n  "findings": [', None),
        (b'{\n  "content_digest": null,\n  "findings": []\n}\n', None),
        (b'{\n  "content_digest": {\n    "a": 1\n  }\n}\n', None),
        (b'{\n  "content_digest": 5\n}\n', None),
        (b'{\n  "completeness": {}\n}\n', None),
        (b'["content_digest"]', None),
        (b'"content_digest"', None),
        (b'', None),
        (b'{\n', None),
        (b'\xff\xfe not text', None),
    ],
)
def test_other_files(tmp_path, content, digest):
    path = tmp_path / 'webshell-audit-latest.json'
    path.write_bytes(content)
    assert report_run.previous_digest(str(path)) == digest


def test_no_file(tmp_path):
    assert report_run.previous_digest(str(tmp_path / 'missing.json')) is None
    assert report_run.previous_digest(str(tmp_path)) is None
