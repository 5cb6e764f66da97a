# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``dest``: records written to a file as they arrive, atomically, masked like the output, changed only when it did."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import os
import stat

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError
from ansible_collections.ncloud.wbd.plugins.module_utils._module import result_stream
from ansible_collections.ncloud.wbd.plugins.module_utils._module.result_stream import RecordFile, RecordSpool

SECRET = 'sec"ret/\u00e9-value'
RECORDS = [{'detection_id': str(i), 'memo': 'caf\u00e9 "q" %d' % i, 'n': i, 'none': None} for i in range(450)]


@pytest.fixture(params=['orjson', 'json'], autouse=True)
def serialiser(request, monkeypatch):
    if request.param == 'json':
        monkeypatch.setattr(result_stream, 'orjson', None)
    return request.param


def written(dest, records, dest_format='jsonl', no_log=(), check_mode=False, batch=200):
    record_file = RecordFile(set(no_log), str(dest), dest_format, check_mode)
    for start in range(0, len(records), batch):
        record_file.extend(records[start : start + batch])
    return record_file.commit()


def spooled(records, no_log=(), batch=200):
    """What the module output would hold under the list's key, fed the same batches."""
    spool = RecordSpool(set(no_log))
    for start in range(0, len(records), batch):
        spool.extend(records[start : start + batch])
    out = io.StringIO()
    spool.copy_to(out)
    return out.getvalue()


def no_temp_files(directory):
    return [name for name in os.listdir(str(directory)) if name.endswith('.tmp')] == []


def test_jsonl_holds_one_record_a_line(tmp_path):
    dest = tmp_path / 'out.jsonl'
    assert written(dest, RECORDS) == {'dest': str(dest), 'records_written': 450, 'changed': True}
    assert [json.loads(line) for line in dest.read_text(encoding='utf-8').splitlines()] == RECORDS
    assert stat.S_IMODE(os.stat(str(dest)).st_mode) == 0o600 and no_temp_files(tmp_path)


def test_json_is_byte_for_byte_what_the_output_would_hold(tmp_path):
    dest = tmp_path / 'out.json'
    written(dest, RECORDS, 'json')
    assert dest.read_text(encoding='utf-8') == spooled(RECORDS) and json.loads(dest.read_text(encoding='utf-8')) == RECORDS


@pytest.mark.parametrize('dest_format, empty', [('json', '[]'), ('jsonl', '')])
def test_an_empty_list(tmp_path, dest_format, empty):
    dest = tmp_path / 'out'
    assert written(dest, [], dest_format)['records_written'] == 0 and dest.read_text() == empty


@pytest.mark.parametrize('dest_format', ['json', 'jsonl'])
def test_no_log_values_are_masked_as_in_the_output(tmp_path, dest_format):
    records = [{'memo': 'before %s after' % SECRET}, {'memo': 'clean'}]
    dest = tmp_path / 'out'
    written(dest, records, dest_format, no_log=[SECRET])
    data = dest.read_bytes()
    assert SECRET.encode('utf-8') not in data and b'sec\\"ret' not in data
    parsed = json.loads(data) if dest_format == 'json' else [json.loads(line) for line in data.splitlines()]
    assert parsed == json.loads(spooled(records, no_log=[SECRET])) and parsed[0]['memo'] == 'before ******** after'


def test_a_second_identical_run_changes_nothing_and_a_different_one_does(tmp_path):
    dest = tmp_path / 'out.jsonl'
    assert written(dest, RECORDS)['changed'] is True
    inode = os.stat(str(dest)).st_ino
    assert written(dest, RECORDS)['changed'] is False
    assert os.stat(str(dest)).st_ino == inode and no_temp_files(tmp_path)  # the old file left in place
    assert written(dest, RECORDS[:-1])['changed'] is True
    assert len(dest.read_text(encoding='utf-8').splitlines()) == 449


def test_a_failure_mid_walk_leaves_no_file_and_the_old_one_intact(tmp_path):
    dest = tmp_path / 'out.jsonl'
    dest.write_text('old\n')
    record_file = RecordFile(set(), str(dest), 'jsonl')
    record_file.extend(RECORDS[:10])
    record_file.close()  # what list_result does when the walk raises
    assert dest.read_text() == 'old\n' and no_temp_files(tmp_path)
    fresh = tmp_path / 'new.jsonl'
    record_file = RecordFile(set(), str(fresh), 'jsonl')
    record_file.extend(RECORDS[:10])
    record_file.close()
    assert not fresh.exists() and no_temp_files(tmp_path)


def test_check_mode_writes_nothing_and_says_whether_it_would_change(tmp_path):
    dest = tmp_path / 'out.jsonl'
    assert written(dest, RECORDS, check_mode=True) == {'dest': str(dest), 'records_written': 450, 'changed': True}
    assert os.listdir(str(tmp_path)) == []
    written(dest, RECORDS)
    assert written(dest, RECORDS, check_mode=True)['changed'] is False
    assert written(dest, RECORDS[:3], check_mode=True)['changed'] is True and len(dest.read_text().splitlines()) == 450


def test_a_missing_directory_is_one_clear_line(tmp_path):
    dest = tmp_path / 'nowhere' / 'out.jsonl'
    with pytest.raises(WbdError, match=r'^Could not write dest .*nowhere/out.jsonl: No such file or directory\.$'):
        RecordFile(set(), str(dest))
    with pytest.raises(WbdError, match='is missing or not writable'):
        RecordFile(set(), str(dest), check_mode=True)


def test_a_directory_as_dest_is_refused(tmp_path):
    with pytest.raises(WbdError, match='is a directory'):
        RecordFile(set(), str(tmp_path))


def test_a_full_disk_is_one_clear_line_and_leaves_no_temp_file(tmp_path, monkeypatch):
    dest = tmp_path / 'out.jsonl'
    record_file = RecordFile(set(), str(dest))

    class Full(object):
        def write(self, data):
            raise OSError(28, 'No space left on device')

        def close(self):
            pass

    monkeypatch.setattr(record_file, '_file', Full())
    with pytest.raises(WbdError, match=r'^Could not write dest .*out.jsonl: No space left on device\.$'):
        record_file.extend(RECORDS[:5])
    assert os.listdir(str(tmp_path)) == []
