# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit record kept on the controller as a private file, so it never travels through Ansible's variables.

A record of tens of thousands of detections held in a task result or a fact is copied and inspected by
ansible-core after the task, again by every template that touches the variable, and shipped to every callback;
that cost grows with the record and dwarfs the audit itself. The audit action writes the record here and hands
on only its path and what is small; the report action reads it back in the same playbook run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import SCHEMA_VERSION

PREFIX = 'webshell-audit-record-'
# Compact JSON, as the C encoder writes it: one value at a time so no single string holds the whole record.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(',', ':')).encode


class RecordFileError(Exception):
    """The record could not be kept or read back; the message says where and what to do."""


def _chunks(record):
    """The record's compact JSON in pieces: the top level and each host's entry separately (the bulk of a record)."""
    yield '{'
    for index, (key, value) in enumerate(record.items()):
        yield ('%s%s:' % (',' if index else '', _ENCODE(key)))
        if key == 'hosts' and isinstance(value, dict):
            yield '{'
            for number, (name, entry) in enumerate(value.items()):
                yield '%s%s:%s' % (',' if number else '', _ENCODE(name), _ENCODE(entry))
            yield '}'
        else:
            yield _ENCODE(value)
    yield '}'


def keep_record(record, directory):
    """Write ``record`` to a new file (0600) in ``directory`` (created 0700); its path.

    On any failure (a full disk, a directory that cannot be made) the partial file is removed and
    RecordFileError says so in one line.
    """
    path = None
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o700)
        fd, path = tempfile.mkstemp(prefix=PREFIX, suffix='.json', dir=directory)
        with os.fdopen(fd, 'wb') as handle:
            for chunk in _chunks(record):
                handle.write(chunk.encode('utf-8'))
    except (IOError, OSError, UnicodeEncodeError) as exc:
        if path is not None:
            try:
                os.unlink(path)
            except OSError:
                pass
        raise RecordFileError(
            'could not keep the audit record in %s: %s; free space there, or set record_dir to a writable directory on the controller' % (directory, exc)
        )
    return path


def read_record(path):
    """The record kept at ``path`` by keep_record; RecordFileError when it is gone or is not a record."""
    try:
        with open(path, 'rb') as handle:
            record = json.loads(handle.read().decode('utf-8'))
    except (IOError, OSError) as exc:
        raise RecordFileError(
            'the audit record file %s cannot be read (%s): it lives only during the ansible-playbook run that made it '
            'unless record_dir was set; run the audit in the same playbook, or give the saved JSON report as src' % (path, exc.strerror or exc)
        )
    except ValueError as exc:
        raise RecordFileError('the audit record file %s is not a whole JSON record (%s); run the audit again' % (path, exc))
    if not isinstance(record, dict) or record.get('schema_version') != SCHEMA_VERSION:
        raise RecordFileError('the file %s holds no audit record of schema version %s' % (path, SCHEMA_VERSION))
    return record
