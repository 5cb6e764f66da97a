# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ncloud.wbd.audit_report end to end: files and modes, changed semantics, check mode, src, and every error path."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import errno
import json
import os
import stat

import pytest
from ansible.module_utils import basic
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import iso8601
from ansible_collections.ncloud.wbd.plugins.module_utils._report import files as report_files
from ansible_collections.ncloud.wbd.plugins.module_utils._report import run as report_run
from ansible_collections.ncloud.wbd.plugins.modules import audit_report
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.test_report_render import T0, build_incomplete_record, build_record
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.module_run import empty_warnings, main_output

STAMP = '20261118T110640Z'  # T0
EXTS = ('json', 'csv', 'html', 'junit.xml', 'md')


@pytest.fixture
def run(monkeypatch, capsys):
    """run(args) -> the module's JSON result (failed results included)."""
    empty_warnings(monkeypatch)
    return lambda args: json.loads(main_output(audit_report, args, capsys))


def listing(path):
    return sorted(os.listdir(str(path)))


def test_writes_all_formats_and_latest(run, tmp_path):
    dest = tmp_path / 'reports'
    result = run({'record': build_record(), 'dest': str(dest)})
    assert result['changed'] is True and not result.get('failed')
    assert stat.S_IMODE(dest.stat().st_mode) == 0o700
    stamped = ['webshell-audit-%s.%s' % (STAMP, ext) for ext in EXTS]
    latest = ['webshell-audit-latest.%s' % ext for ext in EXTS]
    assert listing(dest) == sorted(stamped + latest)
    for name in stamped + latest:
        assert stat.S_IMODE((dest / name).stat().st_mode) == 0o600 and not (dest / name).is_symlink()
        assert (dest / name).stat().st_size > 0
    assert result['files'] == dict(zip(('json', 'csv', 'html', 'junit', 'markdown'), [str(dest / n) for n in stamped]))
    assert result['latest'] == dict(zip(('json', 'csv', 'html', 'junit', 'markdown'), [str(dest / n) for n in latest]))
    assert result['dest'] == str(dest) and result['previous_digest'] is None
    assert result['summary'] == build_record()['summary']
    saved = json.loads((dest / ('webshell-audit-%s.json' % STAMP)).read_text(encoding='utf-8'))
    assert saved['content_digest'] == result['content_digest'] and saved['findings'] == build_record()['findings']
    assert (dest / 'webshell-audit-latest.html').read_bytes() == (dest / stamped[2]).read_bytes()


def test_rerun_with_same_findings_is_not_changed(run, tmp_path):
    record = build_record()
    first = run({'record': record, 'dest': str(tmp_path)})
    second = run({'record': record, 'dest': str(tmp_path)})
    assert second['changed'] is False and second['previous_digest'] == first['content_digest']
    assert len(listing(tmp_path)) == 10, 'same run time, same timestamped set'
    later = copy.deepcopy(record)
    later['run'].update(started_at_ms=T0 + 3600000, started_at_iso=iso8601(T0 + 3600000))
    third = run({'record': later, 'dest': str(tmp_path)})
    assert third['changed'] is False and third['content_digest'] == first['content_digest']
    assert len(listing(tmp_path)) == 15 and third['files']['json'].endswith('-20261118T120640Z.json')
    assert json.loads((tmp_path / 'webshell-audit-latest.json').read_text())['run']['started_at_iso'] == iso8601(T0 + 3600000)
    later['findings'].pop()
    fourth = run({'record': later, 'dest': str(tmp_path)})
    assert fourth['changed'] is True and fourth['previous_digest'] == first['content_digest']


def test_check_mode_writes_nothing_and_changes_nothing(run, tmp_path):
    # Issue 14 item 8: check mode said changed and "Reports in DIR" although it wrote nothing.
    dest = tmp_path / 'new'
    result = run({'record': build_record(), 'dest': str(dest), '_ansible_check_mode': True})
    assert result['changed'] is False and result['written'] is False and result['would_change'] is True
    assert not dest.exists()
    assert result['msg'] == 'check mode: no report written; a real run writes 10 files to %s' % dest
    assert result['files']['html'] == str(dest / ('webshell-audit-%s.html' % STAMP))
    first = run({'record': build_record(), 'dest': str(dest)})
    assert first['changed'] is True and first['written'] is True and 'would_change' not in first and 'msg' not in first
    before = dict((n, (dest / n).read_bytes()) for n in listing(dest))
    later = build_record()
    later['findings'].pop()
    result = run({'record': later, 'dest': str(dest), '_ansible_check_mode': True})
    assert result['changed'] is False and result['would_change'] is True and result['written'] is False
    result = run({'record': build_record(), 'dest': str(dest), '_ansible_check_mode': True, 'formats': ['json'], 'latest': False})
    assert result['changed'] is False and result['would_change'] is False
    assert result['msg'] == 'check mode: no report written; a real run writes 1 file to %s' % dest
    assert dict((n, (dest / n).read_bytes()) for n in listing(dest)) == before


def test_check_mode_still_reports_render_errors(run, tmp_path):
    record = dict(build_record(), schema_version=3)
    result = run({'record': record, 'dest': str(tmp_path), '_ansible_check_mode': True})
    assert result['failed'] and 'schema_version 3' in result['msg']


def test_result_says_whether_the_record_is_complete(run, tmp_path):
    result = run({'record': build_record(), 'dest': str(tmp_path / 'a')})
    assert (result['complete'], result['completeness_problems'], result['unknown_hosts']) == (True, [], [])
    result = run({'record': build_incomplete_record(), 'dest': str(tmp_path / 'b')})
    assert result['complete'] is False and result['unknown_hosts'] == ['web-3']
    assert result['completeness_problems'] == [
        'GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages',
        "detection 2026110100000000000004 has detectTime 'abc'",
    ]
    md = (tmp_path / 'b' / 'webshell-audit-latest.md').read_text(encoding='utf-8')
    assert '> **INCOMPLETE AUDIT' in md.split('## Summary')[0]


def test_src_renders_the_same_reports(run, tmp_path):
    run({'record': build_record(), 'dest': str(tmp_path / 'a')})
    result = run({'src': str(tmp_path / 'a' / 'webshell-audit-latest.json'), 'dest': str(tmp_path / 'b')})
    assert result['changed'] is True
    for name in listing(tmp_path / 'a'):
        assert (tmp_path / 'a' / name).read_bytes() == (tmp_path / 'b' / name).read_bytes(), name


def test_formats_mode_basename_and_no_latest(run, tmp_path):
    result = run({'record': build_record(), 'dest': str(tmp_path), 'formats': ['markdown', 'junit'], 'mode': '0640', 'basename': 'prod', 'latest': False})
    assert listing(tmp_path) == ['prod-%s.junit.xml' % STAMP, 'prod-%s.md' % STAMP]
    assert result['latest'] == {} and sorted(result['files']) == ['junit', 'markdown']
    assert all(stat.S_IMODE((tmp_path / n).stat().st_mode) == 0o640 for n in listing(tmp_path))


def test_html_max_detections(run, tmp_path):
    run({'record': build_record(), 'dest': str(tmp_path), 'formats': ['html'], 'html_max_detections': 1})
    page = (tmp_path / 'webshell-audit-latest.html').read_text(encoding='utf-8')
    assert 'Showing 1 of 4 detections, newest first; the JSON report has all.' in page


def test_stale_digest_in_the_record_is_replaced_with_a_warning(run, tmp_path, monkeypatch):
    # Recorded here rather than read from the result: once any test imports controller code, AnsibleModule.warn
    # goes to the controller's display instead of the result.
    warned = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg, **kw: warned.append(msg))
    result = run({'record': dict(build_record(), content_digest='0' * 64), 'dest': str(tmp_path), 'formats': ['json']})
    assert result['content_digest'] != '0' * 64
    assert warned == ['the record says its content_digest is %s but its content gives %s; the reports carry the latter' % ('0' * 64, result['content_digest'])]
    saved = json.loads((tmp_path / 'webshell-audit-latest.json').read_text())
    assert saved['content_digest'] == result['content_digest']


@pytest.mark.parametrize(
    'change, message',
    [
        (lambda r: r.update(schema_version=1), 'unsupported audit record schema_version 1; this collection reads 2'),
        (lambda r: r.pop('completeness'), 'the audit record has no completeness mapping'),
        (lambda r: r.pop('hosts'), "the audit record has no 'hosts' key"),
        (lambda r: r['run'].pop('started_at_iso'), 'run.started_at_iso None is not an ISO 8601 UTC time'),
    ],
)
def test_bad_records(run, tmp_path, change, message):
    record = build_record()
    change(record)
    result = run({'record': record, 'dest': str(tmp_path)})
    assert result['failed'] and result['msg'] == message or message in result['msg']
    assert listing(tmp_path) == []


@pytest.mark.parametrize(
    'content, message',
    [
        (b'{"schema_version": 2, ', 'is not a JSON report: '),
        (b'\xff\xfe', 'is not a JSON report: '),
        (b'[1, 2]', 'does not hold a JSON object but list'),
    ],
)
def test_src_not_a_json_report(run, tmp_path, content, message):
    src = tmp_path / 'broken.json'
    src.write_bytes(content)
    result = run({'src': str(src), 'dest': str(tmp_path / 'out')})
    assert result['failed'] and result['msg'].startswith('src %s ' % src) and message in result['msg']
    assert 'Traceback' not in json.dumps(result)


def test_src_missing(run, tmp_path):
    result = run({'src': str(tmp_path / 'nope.json'), 'dest': str(tmp_path)})
    assert result['failed'] and result['msg'].startswith('could not read src %s: ' % (tmp_path / 'nope.json'))


@pytest.mark.parametrize(
    'args, message',
    [
        ({}, 'one of the following is required: record, src, record_from'),
        ({'src': '/x.json'}, 'parameters are mutually exclusive: record|src'),
        ({'mode': '0999'}, "mode must be an octal string such as '0600', got '0999'"),
        ({'mode': 644}, 'mode 644 is out of range'),
        ({'basename': '../up'}, "basename '../up' must be a plain file name"),
        ({'basename': '.hidden'}, "basename '.hidden' must be a plain file name"),
        ({'formats': ['pdf']}, 'value of formats must be one or more of'),
        ({'html_max_detections': -1}, 'html_max_detections must be 0 or more'),
    ],
)
def test_bad_options(run, tmp_path, args, message):
    full = {'record': build_record(), 'dest': str(tmp_path)}
    full.update(args)
    if 'record' in args or args == {}:
        full.pop('record', None)
    result = run(full)
    assert result['failed'] and message in result['msg']
    assert listing(tmp_path) == []


def test_dest_is_a_file(run, tmp_path):
    (tmp_path / 'file').write_text('x')
    result = run({'record': build_record(), 'dest': str(tmp_path / 'file')})
    assert result['failed'] and result['msg'] == 'dest %s exists and is not a directory' % (tmp_path / 'file')


def test_dest_not_writable(run, tmp_path, monkeypatch):
    dest = tmp_path / 'ro'
    dest.mkdir()
    dest.chmod(0o500)
    if os.geteuid() == 0:  # root writes anywhere: make the access check see what a normal user would
        monkeypatch.setattr(report_run.os, 'access', lambda path, how: False)
    try:
        result = run({'record': build_record(), 'dest': str(dest)})
    finally:
        dest.chmod(0o700)
    assert result['failed'] and result['msg'] == 'dest %s is not writable' % dest
    assert listing(dest) == []


def test_dest_cannot_be_created(run, tmp_path, monkeypatch):
    def makedirs(path, mode):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), path)

    monkeypatch.setattr(report_run.os, 'makedirs', makedirs)
    result = run({'record': build_record(), 'dest': str(tmp_path / 'x')})
    assert result['failed'] and result['msg'].startswith('could not create dest %s: ' % (tmp_path / 'x'))


def test_write_failure_leaves_no_partial_report(run, tmp_path, monkeypatch):
    run({'record': build_record(), 'dest': str(tmp_path)})
    before = dict((n, (tmp_path / n).read_bytes()) for n in listing(tmp_path))
    calls = []
    real = os.replace

    def replace(src, dst):  # the third file of the new set hits a full disk
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(src, dst)

    monkeypatch.setattr(report_files.os, 'replace', replace)
    later = build_record()
    later['run'].update(started_at_ms=T0 + 3600000, started_at_iso=iso8601(T0 + 3600000))
    later['findings'].pop()
    result = run({'record': later, 'dest': str(tmp_path)})
    assert result['failed'] and 'No space left on device; the previous file is unchanged' in result['msg']
    assert result['msg'].startswith('could not write %s' % calls[2])
    assert dict((n, (tmp_path / n).read_bytes()) for n in listing(tmp_path)) == before
