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

import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.ncloud.wbd.plugins.action.audit_report import record_in
from ansible_collections.ncloud.wbd.plugins.module_utils._audit import record_file
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
    assert read_record(path) == RECORD
    with open(path, 'rb') as handle:
        assert json.loads(handle.read().decode('utf-8')) == RECORD  # plain JSON, readable by anything


def test_two_runs_keep_two_files(tmp_path):
    assert keep_record(RECORD, str(tmp_path)) != keep_record(dict(RECORD, findings=[]), str(tmp_path))
    assert len(os.listdir(str(tmp_path))) == 2


def test_a_full_disk_leaves_no_partial_file_and_says_what_to_do(tmp_path, monkeypatch):
    written = []

    def chunks(record):
        yield '{"schema_version":2'
        written.append(True)
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(record_file, '_chunks', chunks)
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


@pytest.mark.parametrize(
    'content, expected',
    [
        (None, 'cannot be read .* lives only during the ansible-playbook run'),
        (b'{"schema_version": 2, "hosts": {', 'is not a whole JSON record'),
        (b'{"schema_version": 1}', 'holds no audit record of schema version 2'),
        (b'[1, 2]', 'holds no audit record'),
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
