# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report_run: previous_digest (the digest of the latest JSON report, read from its head when it is one of ours), and
run_report streaming the set into its files, all or nothing (a renderer failing half-way, a full disk)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import builtins
import errno
import io
import json
import os
import stat

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._report import files as report_files
from ansible_collections.ncloud.wbd.plugins.module_utils._report import render
from ansible_collections.ncloud.wbd.plugins.module_utils._report import run as report_run
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import FORMATS, prepare_record
from ansible_collections.ncloud.wbd.plugins.module_utils._report.render import render_json
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report import reference_render
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.run_sections import without_run_sections
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


# ---- run_report: streamed into the files, all or nothing ------------------------------------------------------


def run_params(dest, record, **extra):
    params = dict(record=record, src=None, dest=str(dest), formats=list(FORMATS), mode='0640', basename='r', latest=True, html_max_detections=2000)
    params.update(extra)
    return params


def second_record():
    """A later run with other results: new timestamped names, other bytes in every format."""
    record = build_incomplete_record('second run')
    record['run'].update(started_at_ms=record['run']['started_at_ms'] + 3600000, started_at_iso='2026-11-19T12:00:00.000Z')
    return record


def snapshot(dest):
    """{name: (bytes, mode)} of everything in ``dest``, hidden files included."""
    out = {}
    for name in sorted(os.listdir(str(dest))):
        path = os.path.join(str(dest), name)
        with open(path, 'rb') as handle:
            out[name] = (handle.read(), stat.S_IMODE(os.stat(path).st_mode))
    return out


@pytest.fixture
def previous_set(tmp_path):
    """A directory holding the report set of a first run, and its snapshot."""
    result = report_run.run_report(run_params(tmp_path, build_record()), False, lambda message: None)
    assert result['changed'] and len(os.listdir(str(tmp_path))) == 10
    return tmp_path, snapshot(tmp_path)


def test_a_second_run_replaces_the_latest_and_changed_follows_the_digest(previous_set):
    dest, before = previous_set
    again = report_run.run_report(run_params(dest, build_record()), False, lambda message: None)
    assert not again['changed'] and snapshot(dest) == before
    second = report_run.run_report(run_params(dest, second_record()), False, lambda message: None)
    assert second['changed'] and second['previous_digest'] == again['content_digest'] != second['content_digest']
    expected = reference_render.render_reports(prepare_record(second_record())[0], FORMATS, 2000)
    after = snapshot(dest)
    assert len(after) == 15
    for fmt in FORMATS:
        data, mode = after[os.path.basename(second['files'][fmt])]
        assert after[os.path.basename(second['latest'][fmt])] == (data, mode) and mode == 0o640
        # The reference's bytes, plus the changes since the first run (this record's findings differ from its).
        assert without_run_sections(fmt, data) == expected[fmt], fmt
        assert ('"started_at_iso": "2026-11-18' if fmt == 'json' else 'Changes since 2026-11-18') in data.decode('utf-8'), fmt
    assert second['changes']['compared'] and second['changes']['findings_new'] > 0


@pytest.mark.parametrize('fmt', FORMATS)
def test_a_renderer_failing_half_way_leaves_the_directory_as_it_was(previous_set, monkeypatch, fmt):
    dest, before = previous_set
    real = render.WRITERS[fmt]

    def half_then_fail(view, handle, **options):
        data = io.BytesIO()
        real(view, data, **options)
        half = len(data.getvalue()) // 2
        handle.write(data.getvalue()[:half])
        raise RuntimeError('renderer broke')

    monkeypatch.setitem(render.WRITERS, fmt, half_then_fail)
    with pytest.raises(RuntimeError, match='renderer broke'):
        report_run.run_report(run_params(dest, second_record()), False, lambda message: None)
    assert snapshot(dest) == before


def test_a_value_error_while_rendering_is_a_run_error(previous_set, monkeypatch):
    dest, before = previous_set

    def bad(view, handle, **options):
        handle.write(b'partial')
        raise ValueError('cannot render this')

    monkeypatch.setitem(render.WRITERS, 'markdown', bad)
    with pytest.raises(report_run.ReportRunError, match='cannot render this') as info:
        report_run.run_report(run_params(dest, second_record()), False, lambda message: None)
    assert info.value.extra['content_digest'] == prepare_record(second_record())[0]['content_digest']
    assert snapshot(dest) == before


class Disk(object):
    """Room for ``free`` more bytes on the file system: the handles of report_files.os.fdopen write until it is full,
    then raise ENOSPC (after writing what still fits, as a real disk does)."""

    def __init__(self, free):
        self.free = free
        self.fdopen = os.fdopen

    def __call__(self, fd, mode):
        return Full(self, self.fdopen(fd, mode, buffering=0))


class Full(object):
    def __init__(self, disk, handle):
        self.disk, self.handle = disk, handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def write(self, data):
        room = max(self.disk.free, 0)
        fits = bytes(data)[:room]
        self.handle.write(fits)
        self.disk.free -= len(fits)
        if len(fits) < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return len(data)

    def flush(self):
        self.handle.flush()

    def fileno(self):
        return self.handle.fileno()


@pytest.mark.parametrize('links', [True, False], ids=['hard links for backups', 'no hard links'])
@pytest.mark.parametrize('full_at', [0.0, 0.2, 0.5, 0.9, 1.3, 1.9])
def test_a_full_disk_leaves_the_directory_as_it_was(previous_set, monkeypatch, links, full_at):
    """The disk fills up at ``full_at`` of the new set's size: inside one of the timestamped files, or inside a latest
    file (the copies of the set). Where the file system has no hard links, no replaced file can be kept to be put back."""
    dest, before = previous_set
    size = sum(len(data) for data in render.render_reports(prepare_record(second_record())[0]).values())
    monkeypatch.setattr(report_files.os, 'fdopen', Disk(int(size * full_at)))
    if not links:
        monkeypatch.setattr(report_files.os, 'link', lambda *args: (item for item in ()).throw(OSError(errno.EXDEV, 'no links here')))
    with pytest.raises(report_run.ReportRunError, match=r'could not write .*: \[Errno 28\] No space left on device'):
        report_run.run_report(run_params(dest, second_record()), False, lambda message: None)
    monkeypatch.undo()
    after = snapshot(dest)
    if links or full_at < 1:
        assert after == before
    else:
        # Without hard links a replaced latest file cannot be kept to be put back: the latest files copied before the
        # disk filled up are the new ones (each complete), the rest and the JSON latest (always last) the previous.
        new = render.render_reports(prepare_record(second_record())[0])
        assert sorted(after) == sorted(before) and after['r-latest.json'] == before['r-latest.json']
        for name, (data, mode) in after.items():
            fmt = [f for f in FORMATS if name.endswith(report_files.EXTENSIONS[f])][0]
            fresh = name.startswith('r-latest') and mode == 0o640 and without_run_sections(fmt, data) == new[fmt] and data != before[name][0]
            assert (data, mode) == before[name] or fresh, name
        assert after != before, 'the disk filled up during the latest files'


def test_no_report_is_read_back_but_to_copy_it(previous_set, monkeypatch):
    """``changed`` comes from the head of the previous latest JSON, read before anything is written; each new file is
    read once afterwards, to be copied (a MiB at a time) to its latest name, and no file is rendered twice."""
    dest, _before = previous_set
    opened, rendered = [], []
    real_open = open

    def recording_open(path, mode='r', *args, **kwargs):
        if str(path).startswith(str(dest)):
            opened.append((os.path.basename(str(path)), mode))
        return real_open(path, mode, *args, **kwargs)

    for fmt, write in list(render.WRITERS.items()):
        monkeypatch.setitem(
            render.WRITERS, fmt, lambda view, handle, _fmt=fmt, _write=write, **options: (rendered.append(_fmt), _write(view, handle, **options))
        )
    monkeypatch.setattr(builtins, 'open', recording_open)
    result = report_run.run_report(run_params(dest, second_record()), False, lambda message: None)
    stamped = ['r-20261119T120000Z.%s' % ext for ext in ('csv', 'html', 'junit.xml', 'md', 'json')]
    # The previous latest JSON: its digest line, its first lines (whose run is it?), then whole, to compare.
    assert result['changed'] and opened == [('r-latest.json', 'rb')] * 3 + [(name, 'rb') for name in stamped]
    assert sorted(rendered) == sorted(FORMATS)


def test_check_mode_renders_every_format_and_writes_nothing(previous_set, monkeypatch):
    dest, before = previous_set
    rendered = []
    for fmt, write in list(render.WRITERS.items()):
        monkeypatch.setitem(
            render.WRITERS, fmt, lambda view, handle, _fmt=fmt, _write=write, **options: (rendered.append(_fmt), _write(view, handle, **options))
        )
    result = report_run.run_report(run_params(dest, second_record()), True, lambda message: None)
    assert result['would_change'] and not result['changed'] and not result['written']
    assert sorted(rendered) == sorted(FORMATS) and snapshot(dest) == before


# ---- formats rendered apart, in a child process -------------------------------------------------------------------


def test_formats_rendered_in_a_child_are_the_files_rendered_here(tmp_path, monkeypatch):
    here, apart = tmp_path / 'here', tmp_path / 'apart'
    here.mkdir()
    apart.mkdir()
    monkeypatch.setattr(report_run, 'APART_FROM', 10**9)
    report_run.run_report(run_params(here, build_record()), False, lambda message: None)
    forked = []
    real = report_run.RenderedApart

    def counted(writers, directory):
        forked.append(sorted(writers))
        return real(writers, directory)

    monkeypatch.setattr(report_run, 'APART_FROM', 0)
    monkeypatch.setattr(report_run, 'RenderedApart', counted)
    report_run.run_report(run_params(apart, build_record()), False, lambda message: None)
    assert forked and [name.rsplit('.', 1)[-1] for name in forked[0]] == ['json', 'xml']
    assert snapshot(apart) == snapshot(here)  # byte for byte, and no hidden file left behind


@pytest.mark.parametrize('fmt', report_run.APART)
def test_a_renderer_failing_in_the_child_fails_the_set_in_one_line_and_changes_nothing(previous_set, monkeypatch, fmt):
    dest, before = previous_set
    monkeypatch.setattr(report_run, 'APART_FROM', 0)

    def broken(view, handle, **options):
        handle.write(b'partial')
        raise RuntimeError('renderer\nbroke')

    monkeypatch.setitem(render.WRITERS, fmt, broken)
    with pytest.raises(report_run.ReportRunError, match='^renderer broke$'):
        report_run.run_report(run_params(dest, second_record()), False, lambda message: None)
    assert snapshot(dest) == before


def test_check_mode_renders_nothing_apart(previous_set, monkeypatch):
    dest, before = previous_set
    monkeypatch.setattr(report_run, 'APART_FROM', 0)
    monkeypatch.setattr(report_run, 'RenderedApart', None)  # calling it would fail
    report_run.run_report(run_params(dest, second_record()), True, lambda message: None)
    assert snapshot(dest) == before
