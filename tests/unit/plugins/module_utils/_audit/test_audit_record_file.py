# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit record kept on the controller as a private file, and read back by the report action."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import json
import os
import stat

import hypothesis
import hypothesis.strategies as st
import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.ncloud.wbd.plugins.action.audit_report import record_in
from ansible_collections.ncloud.wbd.plugins.module_utils._audit import record_file
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import content_digest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import RecordFileError, keep_record, read_record

RECORD = {
    'schema_version': 2,
    'generator': 'ncloud.wbd.webshell_audit',
    'run': {'endpoint': 'https://wbd.apigw.ntruss.com'},
    'hosts': {
        'web-1': {'status': 'unreviewed', 'detections': [{'detection_id': '1', 'process_arg': 'sh -c "echo \u2028 \u202e"'}]},
        'db "2"': {'status': 'compliant', 'detections': []},
    },
    'findings': [{'severity': 'high', 'message': 'line\nbreak'}],
    'content_digest': 'abc',
}


def test_kept_record_reads_back_equal_in_a_private_file(tmp_path):
    directory = str(tmp_path / 'run' / 'records')
    path = keep_record(RECORD, directory)
    assert os.path.dirname(path) == directory and os.path.basename(path).startswith(record_file.PREFIX)
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    back = read_record(path)
    assert back == RECORD and isinstance(back['hosts']['web-1']['detections'], record_file.DetectionLines)
    with open(path, 'rb') as handle:
        lines = [json.loads(line.decode('utf-8')) for line in handle]  # JSON Lines: each line one JSON value
    assert lines[0] == record_file.HEADER and lines[1] == RECORD['hosts']['web-1']['detections'][0]
    assert lines[2]['hosts']['web-1']['detections'] == {
        '$lines': [[len(json.dumps(record_file.HEADER).replace(' ', '')) + 1, len(record_file.CANONICAL(lines[1]).encode('utf-8')), '1', None, 0]]
    }
    assert isinstance(lines[3], int) and lines[3] > 0  # the offset of the record line


def test_detection_lines_are_read_one_at_a_time_and_digest_as_written(tmp_path):
    record = dict(RECORD, hosts={'web-1': {'status': 'unreviewed', 'detections': [{'detection_id': str(n), 'n': n} for n in range(5)]}})
    back = read_record(keep_record(record, str(tmp_path)))
    lines = back['hosts']['web-1']['detections']
    assert len(lines) == 5 and lines[3] == {'detection_id': '3', 'n': 3} and lines[1:3] == [{'detection_id': '1', 'n': 1}, {'detection_id': '2', 'n': 2}]
    assert lines[0] is not lines[0]  # decoded afresh on each read: nothing is held
    assert list(lines.summaries())[2] == (2, '2', None, False, False)
    assert list(lines.canonical_texts())[4] == '{"detection_id":"4","n":4}'
    assert content_digest(back) == content_digest(record)


def test_a_streamed_detection_with_lone_surrogates_is_kept_as_the_whole_record_would_be(tmp_path):
    writer = record_file.RecordWriter(str(tmp_path))
    kept = writer.keep({'detection_id': 'd\ud800', 'host': 'h'})
    assert kept['detection_id'] == 'd\ufffd' and json.loads(kept.canonical) == {'detection_id': 'd\ufffd', 'host': 'h'}
    assert kept.get('memo', 'none') == 'none' and kept.get('host') == 'h'
    writer.abort()
    assert os.listdir(str(tmp_path)) == []


def test_two_runs_keep_two_files(tmp_path):
    assert keep_record(RECORD, str(tmp_path)) != keep_record(dict(RECORD, findings=[]), str(tmp_path))
    assert len(os.listdir(str(tmp_path))) == 2


def test_a_full_disk_leaves_no_partial_file_and_says_what_to_do(tmp_path, monkeypatch):
    written = []

    def chunks(record):
        yield '{"schema_version":2'
        written.append(True)
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(record_file, '_skeleton_chunks', chunks)
    with pytest.raises(RecordFileError) as err:
        keep_record(RECORD, str(tmp_path))
    assert written and os.listdir(str(tmp_path)) == []
    message = str(err.value)
    assert 'No space left on device' in message and 'record_dir' in message and '\n' not in message


def test_a_directory_that_cannot_be_made_is_one_line(tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('x')
    with pytest.raises(RecordFileError, match='could not keep the audit record in .*file/sub'):
        keep_record(RECORD, str(blocker / 'sub'))


def record_lines(*values):
    """A file's bytes: the header, then ``values`` as JSON lines, then the offset of the last of them."""
    text = json.dumps(record_file.HEADER) + '\n'
    for value in values:
        offset = len(text.encode('utf-8'))
        text += json.dumps(value) + '\n'
    return (text + '%d\n' % offset).encode('utf-8')


@pytest.mark.parametrize(
    'content, expected',
    [
        (None, 'cannot be read .* lives only during the ansible-playbook run'),
        (b'{"schema_version": 2, "hosts": {', 'is not a whole audit record file'),
        (record_lines({'schema_version': 1}), 'holds no audit record of schema version 2'),
        (record_lines([1, 2]), 'holds no audit record'),
        (record_lines({'schema_version': 2})[:-3] + b'\n', 'is not a whole audit record file'),
        (b'[1, 2]', 'is not a whole audit record file'),
    ],
)
def test_a_missing_or_foreign_record_file_is_refused(tmp_path, content, expected):
    path = tmp_path / 'record.json'
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RecordFileError, match=expected):
        read_record(str(path))


def test_the_report_action_reads_the_record_the_audit_result_names(tmp_path):
    path = keep_record(RECORD, str(tmp_path))
    assert record_in({'changed': False, 'record_path': path, 'summary': {}}, 'webshell_audit_evaluated') == RECORD
    os.unlink(path)
    with pytest.raises(AnsibleActionFail, match='^audit_report: the audit record file .* cannot be read'):
        record_in({'changed': False, 'record_path': path}, 'webshell_audit_evaluated')


def test_a_record_read_from_its_file_is_sealed_and_its_digest_is_not_recomputed(tmp_path, monkeypatch):
    from ansible_collections.ncloud.wbd.plugins.action.audit_report import sealed_record_in
    from ansible_collections.ncloud.wbd.plugins.module_utils._report import common

    record = dict(RECORD, content_digest=content_digest(RECORD))
    path = keep_record(record, str(tmp_path))
    held, sealed = sealed_record_in({'changed': False, 'record_path': path}, 'v')
    assert sealed is True and sealed_record_in(record, 'v')[1] is False
    monkeypatch.setattr(common, 'validate_record', lambda r: r)
    monkeypatch.setattr(common, 'content_digest', lambda r: 'recomputed')
    assert common.prepare_record(held, sealed=True) == (held, record['content_digest'])
    assert common.prepare_record(held)[0]['content_digest'] == 'recomputed'  # any other record: recomputed


TEXTS = st.text(alphabet=st.characters(blacklist_categories=('Cs',)), max_size=20) | st.sampled_from(['\x00', '\x7f', '\u2028', '"\\/', '\b\f\n\r\t'])
SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | TEXTS | st.floats(allow_nan=True, allow_infinity=True)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXTS, inner, max_size=3), max_leaves=12)


@hypothesis.given(st.dictionaries(TEXTS, VALUES, max_size=8))
@hypothesis.settings(max_examples=300, deadline=None)
def test_the_canonical_text_of_a_detection_is_the_json_modules_whatever_writes_it(detection):
    text, kept = record_file.canonical_text(detection)
    assert kept is detection and text == record_file.CANONICAL(detection)


@hypothesis.given(VALUES | st.dictionaries(TEXTS, VALUES, max_size=8), st.sampled_from(['', '\ud800', '\udfff x']))
@hypothesis.settings(max_examples=300, deadline=None)
def test_a_line_decodes_as_the_json_module_reads_it_whoever_reads_it(value, lone):
    text = json.dumps([value, lone], sort_keys=True, separators=(',', ':'), ensure_ascii=False)
    assert json.dumps(record_file.decode(text)) == json.dumps(json.loads(text))


def test_text_of_a_str_subclass_is_written_by_orjson_as_json_writes_it(monkeypatch):
    class Tagged(str):  # as ansible-core 2.19 hands over host names and match keys
        def __str__(self):
            return 'not what either encoder writes'

    detection = {'host': Tagged('web-1 \u2028"'), 'matched_by': Tagged('instance_no'), 'files': [{'name': Tagged('a.php')}]}
    expected = record_file.CANONICAL(detection)
    if record_file.orjson is not None:
        monkeypatch.setattr(record_file, 'CANONICAL', None)  # the json module's path would fail: orjson must write it
    assert record_file.canonical_text(detection) == (expected, detection)


def test_the_canonical_text_is_the_json_modules_without_orjson(monkeypatch):
    detection = {'b': 'x\u2028', 'a': [1, {'w': 2.5e16}], 'big': 2**80}
    monkeypatch.setattr(record_file, 'orjson', None)
    assert record_file.canonical_text(detection)[0] == record_file.CANONICAL(detection)


@pytest.mark.parametrize('when', [1.5e16, float('nan'), 2**70, 1764979200000, None, 'yesterday'])
def test_line_references_keep_any_time_exactly(tmp_path, when):
    record = dict(RECORD, hosts={'h': {'status': 'x', 'detections': [{'detection_id': 'd', 'detect_time': when}]}})
    back = read_record(keep_record(record, str(tmp_path)))
    summary = list(back['hosts']['h']['detections'].summaries())[0]
    assert json.dumps(summary[2]) == json.dumps(when) and json.dumps(back['hosts']['h']['detections'][0]['detect_time']) == json.dumps(when)


def test_a_size_limit_met_while_reading_back_is_one_line_and_leaves_no_file(tmp_path):
    writer = record_file.RecordWriter(str(tmp_path))
    kept = writer.keep({'detection_id': 'd1', 'host': 'h'})
    handle = writer.handle

    class Limited(object):
        def write(self, data):
            return handle.write(data)

        def flush(self):
            raise OSError(errno.EFBIG, 'File too large')

        def close(self):
            handle.close()

    writer.handle = Limited()
    with pytest.raises(RecordFileError, match=r'could not keep the audit record in .*: \[Errno 27\] File too large; free space there'):
        kept.decoded()  # the digest reads each detection back: the buffered lines reach the disk only then
    assert os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize('text', ['{"a":[{"b":{"c":[123456789012345678901]}}]}', '[-99999999999999999999]', '{"id":"1234567890123456789012","n":1.5}'])
def test_a_wide_int_or_a_float_at_any_depth_reads_as_the_json_module_reads_it(text):
    assert json.dumps(record_file.decode(text)) == json.dumps(json.loads(text))
