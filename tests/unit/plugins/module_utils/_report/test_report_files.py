# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report file names, modes and atomic writes: a failure never leaves a partial file or a stray temp file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import stat

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._report import files as report_files
from ansible_collections.ncloud.wbd.plugins.module_utils._report.files import (
    ReportWriteError,
    atomic_write,
    check_basename,
    parse_mode,
    report_names,
    run_stamp,
    write_report_set,
)

ALL = ('json', 'csv', 'html', 'junit', 'markdown')


def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_run_stamp():
    assert run_stamp('2026-11-21T09:30:00.000Z') == '20261121T093000Z'
    assert run_stamp('2026-11-21T09:30:59Z') == '20261121T093059Z'
    assert run_stamp('2026-11-21T09:30:59+00:00') == '20261121T093059Z'
    for bad in (None, '', '2026-11-21', '2026-11-21T09:30:00+09:00', '../../etc', 1795000000000):
        with pytest.raises(ValueError, match='not an ISO 8601 UTC time'):
            run_stamp(bad)


def test_report_names():
    names = report_names('webshell-audit', '2026-11-21T09:30:00.000Z', ALL)
    assert names == {
        'json': ('webshell-audit-20261121T093000Z.json', 'webshell-audit-latest.json'),
        'csv': ('webshell-audit-20261121T093000Z.csv', 'webshell-audit-latest.csv'),
        'html': ('webshell-audit-20261121T093000Z.html', 'webshell-audit-latest.html'),
        'junit': ('webshell-audit-20261121T093000Z.junit.xml', 'webshell-audit-latest.junit.xml'),
        'markdown': ('webshell-audit-20261121T093000Z.md', 'webshell-audit-latest.md'),
    }
    assert list(report_names('x', '2026-11-21T09:30:00.000Z', ['csv'])) == ['csv']


@pytest.mark.parametrize('name', ['', '.hidden', 'a/b', '../x', 'a\\b', 'a\x00b', 'a\nb', ' x', None, 3])
def test_check_basename_refuses(name):
    with pytest.raises(ValueError, match='plain file name'):
        check_basename(name)


def test_check_basename_accepts():
    assert check_basename('prod.webshell-audit_2') == 'prod.webshell-audit_2'


@pytest.mark.parametrize('value, mode', [('0600', 0o600), ('600', 0o600), ('0o640', 0o640), ('0644', 0o644), (0o640, 0o640), ('0', 0), ('0777', 0o777)])
def test_parse_mode(value, mode):
    assert parse_mode(value) == mode


@pytest.mark.parametrize('value', ['0999', 'rw-r--r--', '', '04755', 640, True, '-1', 'u=rw'])
def test_parse_mode_refuses(value):
    with pytest.raises(ValueError, match='mode'):
        parse_mode(value)


def test_atomic_write_sets_mode_whatever_the_umask(tmp_path):
    path = tmp_path / 'r.html'
    old = os.umask(0o077)
    try:
        atomic_write(str(path), b'one', 0o640)
    finally:
        os.umask(old)
    assert path.read_bytes() == b'one' and mode_of(path) == 0o640
    atomic_write(str(path), b'two', 0o600)
    assert path.read_bytes() == b'two' and mode_of(path) == 0o600
    assert os.listdir(str(tmp_path)) == ['r.html']


@pytest.mark.parametrize('broken', ['replace', 'fsync', 'fchmod'])
def test_atomic_write_failure_keeps_previous_file(tmp_path, monkeypatch, broken):
    path = tmp_path / 'r.html'
    path.write_bytes(b'previous')
    monkeypatch.setattr(report_files.os, broken, enospc)
    with pytest.raises(ReportWriteError) as info:
        atomic_write(str(path), b'new', 0o600)
    assert str(info.value) == ('could not write %s: [Errno 28] No space left on device; the previous file is unchanged' % path)
    monkeypatch.undo()
    assert path.read_bytes() == b'previous'
    assert os.listdir(str(tmp_path)) == ['r.html'], 'no temporary file left behind'


def test_atomic_write_failure_in_the_middle_of_writing(tmp_path, monkeypatch):
    fdopen = os.fdopen

    class Broken(object):
        def __init__(self, fd, mode):
            self.handle = fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:2])
            self.handle.flush()
            enospc()

    path = tmp_path / 'r.csv'
    path.write_bytes(b'previous')
    monkeypatch.setattr(report_files.os, 'fdopen', Broken)
    with pytest.raises(ReportWriteError, match='No space left on device'):
        atomic_write(str(path), b'new content', 0o600)
    assert path.read_bytes() == b'previous' and os.listdir(str(tmp_path)) == ['r.csv']


def test_atomic_write_missing_directory(tmp_path):
    with pytest.raises(ReportWriteError, match='could not write .*/nope/r.json: .*No such file or directory'):
        atomic_write(str(tmp_path / 'nope' / 'r.json'), b'x', 0o600)


def test_write_report_set_writes_then_copies_latest_json_last(tmp_path, monkeypatch):
    written = []
    write = report_files.atomic_write
    monkeypatch.setattr(report_files, 'atomic_write', lambda path, data, mode: (written.append(os.path.basename(path)), write(path, data, mode)))
    files = {'a-1.json': b'{}', 'a-1.html': b'<p>', 'a-1.md': b'#'}
    latest = {'a-1.json': 'a-latest.json', 'a-1.html': 'a-latest.html', 'a-1.md': 'a-latest.md'}
    write_report_set(str(tmp_path), files, 0o600, latest)
    assert written == ['a-1.html', 'a-1.json', 'a-1.md', 'a-latest.html', 'a-latest.md', 'a-latest.json']
    for name in written:
        path = tmp_path / name
        assert not path.is_symlink() and mode_of(path) == 0o600
    assert (tmp_path / 'a-latest.html').read_bytes() == b'<p>'
    # A latest file is a copy of the finished timestamped file (not a second rendering), not a link to it.
    assert not os.path.samefile(str(tmp_path / 'a-latest.json'), str(tmp_path / 'a-1.json'))
    assert sorted(os.listdir(str(tmp_path))) == sorted(written)


def test_write_report_set_streams_writers_into_the_files(tmp_path):
    def writer(handle):
        for n in range(1000):
            handle.write(b'%d\n' % n)

    write_report_set(str(tmp_path), {'a-1.csv': writer}, 0o640, {'a-1.csv': 'a-latest.csv'})
    expected = b''.join(b'%d\n' % n for n in range(1000))
    assert (tmp_path / 'a-1.csv').read_bytes() == expected == (tmp_path / 'a-latest.csv').read_bytes()
    assert mode_of(tmp_path / 'a-latest.csv') == 0o640


def test_latest_copies_a_large_file_in_blocks(tmp_path, monkeypatch):
    (tmp_path / 'a-latest.csv').write_bytes(b'old')
    data = bytes(bytearray(range(256))) * 12000  # about 3 MiB
    reads = []
    copy = report_files.shutil.copyfileobj
    monkeypatch.setattr(report_files.shutil, 'copyfileobj', lambda src, dst, size: (reads.append(size), copy(src, dst, size)))
    monkeypatch.setattr(report_files.os, 'link', lambda *args: enoperm())  # no backups either: still a correct set
    write_report_set(str(tmp_path), {'a-1.csv': data}, 0o640, {'a-1.csv': 'a-latest.csv'})
    assert (tmp_path / 'a-latest.csv').read_bytes() == data and mode_of(tmp_path / 'a-latest.csv') == 0o640
    assert reads == [1 << 20]
    assert sorted(os.listdir(str(tmp_path))) == ['a-1.csv', 'a-latest.csv']


def enoperm():
    raise OSError(errno.EPERM, os.strerror(errno.EPERM))


def test_write_report_set_removes_what_it_created_on_failure(tmp_path, monkeypatch):
    (tmp_path / 'a-1.csv').write_bytes(b'same run, earlier attempt')
    (tmp_path / 'a-latest.json').write_bytes(b'old latest')
    real = report_files.atomic_write

    def failing(path, data, mode):
        if path.endswith('a-1.md'):
            raise ReportWriteError('could not write %s: [Errno 28] No space left on device; the previous file is unchanged' % path)
        real(path, data, mode)

    monkeypatch.setattr(report_files, 'atomic_write', failing)
    files = {'a-1.json': b'{}', 'a-1.csv': b'new', 'a-1.md': b'#'}
    with pytest.raises(ReportWriteError, match='a-1.md'):
        write_report_set(str(tmp_path), files, 0o600, {'a-1.json': 'a-latest.json'})
    # a-1.json was new and is gone again; a-1.csv existed before and is put back; the latest file was not touched
    assert sorted(os.listdir(str(tmp_path))) == ['a-1.csv', 'a-latest.json']
    assert (tmp_path / 'a-1.csv').read_bytes() == b'same run, earlier attempt'
    assert (tmp_path / 'a-latest.json').read_bytes() == b'old latest'


def test_write_report_set_failure_on_latest_removes_the_new_set(tmp_path, monkeypatch):
    (tmp_path / 'a-latest.csv').write_bytes(b'old csv')
    real = report_files.install_copy

    def failing(source, path, mode):
        if path.endswith('.json'):
            raise ReportWriteError('could not write %s: boom' % path)
        real(source, path, mode)

    monkeypatch.setattr(report_files, 'install_copy', failing)
    with pytest.raises(ReportWriteError):
        write_report_set(str(tmp_path), {'a-1.json': b'{}', 'a-1.csv': b'new'}, 0o600, {'a-1.json': 'a-latest.json', 'a-1.csv': 'a-latest.csv'})
    assert os.listdir(str(tmp_path)) == ['a-latest.csv']
    assert (tmp_path / 'a-latest.csv').read_bytes() == b'old csv'


def test_a_failing_latest_rename_leaves_no_hidden_file(tmp_path, monkeypatch):
    (tmp_path / 'a-latest.json').write_bytes(b'old')
    replace = os.replace

    def refuse_latest(source, path):
        if path.endswith('a-latest.json') and '.previous-' not in source:
            enospc()
        replace(source, path)

    monkeypatch.setattr(report_files.os, 'replace', refuse_latest)
    with pytest.raises(ReportWriteError, match='could not write .*a-latest.json: .*No space left'):
        write_report_set(str(tmp_path), {'a-1.json': b'{}'}, 0o600, {'a-1.json': 'a-latest.json'})
    assert os.listdir(str(tmp_path)) == ['a-latest.json'] and (tmp_path / 'a-latest.json').read_bytes() == b'old'
