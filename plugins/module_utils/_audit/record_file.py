# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit record kept on the controller as a private file, so it never travels through Ansible's variables, and
its detections are never all held decoded at once.

A record of tens of thousands of detections held in a task result or a fact is copied and inspected by ansible-core
after the task, again by every template that touches the variable, and shipped to every callback. Held as Python dicts
it takes several times the API's JSON in memory. So the audit writes each detection to this file as it places it,
and the report reads each back only while it renders it.

The file is JSON Lines (every line one JSON value, UTF-8):

- line 1, the header: ``{"ncloud.wbd.audit_record": 1}``;
- then one line per detection: its canonical JSON (sorted keys, no spaces), in the order the audit read them;
- then the record itself, where each detection list is ``{"$lines": [[offset, length], ...]}``: where its detections'
  lines are, in the record's order;
- last, the byte offset of that record line.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import os
import sys
import tempfile

try:
    from collections.abc import Sequence
except ImportError:  # pragma: no cover - Python 2 is not a controller Python
    Sequence = object

try:
    import orjson  # several times faster than the json module for the canonical text of each detection
except ImportError:
    orjson = None

from ansible_collections.ncloud.wbd.plugins.module_utils import _json
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import DETECTION_LISTS, SCHEMA_VERSION
from ansible_collections.ncloud.wbd.plugins.module_utils._text import scrub_surrogates

PREFIX = 'webshell-audit-record-'
HEADER = {'ncloud.wbd.audit_record': 1}
LINES = '$lines'
# The canonical JSON of a detection (record.canonical_chunks and the content digest use the same form).
CANONICAL = json.JSONEncoder(sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(',', ':')).encode
BUFFER = 1 << 20  # bytes gathered before a write to the file
# How much of the file's end to read for the trailer (the record line's offset).
TRAILER_MAX = 64


class RecordFileError(Exception):
    """The record could not be kept or read back; the message says where and what to do."""


def canonical_text(detection):
    """(canonical JSON text, the detection it encodes): lone surrogates become U+FFFD, as the record's digest needs
    UTF-8 (record.seal does the same for a record held whole)."""
    if orjson is not None and _plain_values(detection):
        try:
            return orjson.dumps(detection, option=orjson.OPT_SORT_KEYS).decode('utf-8'), detection
        except TypeError:  # orjson.JSONEncodeError: an int wider than 64 bits, a lone surrogate
            pass
    text = CANONICAL(detection)
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        detection = scrub_surrogates(detection)
        text = CANONICAL(detection)
    return text, detection


# A record line read back exactly as the json module reads it (orjson where it reads the same).
decode = _json.loads


def _plain_values(detection):
    """Whether ``detection`` holds only what orjson writes exactly as ``CANONICAL`` does: text, ints, booleans and
    nulls, in lists of them or of flat dicts of them (a float can be written otherwise: 1e+16 against 1e16, NaN
    against null). Exact classes first, as cheaply as Python allows (this runs once per detection), then text of any
    str class: both write a subclass as its text, and ansible-core 2.19 hands host names and match keys over as one."""
    for value in detection.values():
        if value is None or value.__class__ in _SCALARS or isinstance(value, str):
            continue
        if value.__class__ is not list:
            return False
        for item in value:
            if item.__class__ is dict:
                if not all(inner is None or inner.__class__ in _SCALARS or isinstance(inner, str) for inner in item.values()):
                    return False
            elif item is not None and item.__class__ not in _SCALARS and not isinstance(item, str):
                return False
    return True


_SCALARS = frozenset([str, int, bool])


def keep_error(directory, exc):
    return RecordFileError(
        'could not keep the audit record in %s: %s; free space there, or set record_dir to a writable directory on the controller' % (directory, exc)
    )


class Kept(object):
    """A detection already written to the record file: what the audit still reads of it, and where its line is.

    The audit places a detection once and afterwards only sorts, counts and names it, so this keeps those fields;
    any other field is read back from the file (``get``), which only a few findings need.
    """

    FIELDS = (
        'detection_id',
        'detect_time',
        'time_problem',
        'before_window',
        'unreviewed',
        'covered_by',
        'host',
        'ambiguous_hosts',
        'action_status',
        'instance_no',
    )
    __slots__ = FIELDS + ('writer', 'offset', 'length')

    def __init__(self, detection, writer, offset, length):
        get = detection.get
        self.detection_id, self.detect_time, self.time_problem = get('detection_id'), get('detect_time'), get('time_problem')
        self.before_window, self.unreviewed, self.covered_by = get('before_window'), get('unreviewed'), get('covered_by')
        self.host, self.ambiguous_hosts = get('host'), get('ambiguous_hosts')
        self.action_status, self.instance_no = _shared(get('action_status')), _shared(get('instance_no'))
        self.writer, self.offset, self.length = writer, offset, length

    def get(self, key, default=None):
        if key in self.FIELDS:
            value = getattr(self, key)
            return default if value is None else value
        return self.decoded().get(key, default)

    def __getitem__(self, key):
        if key in self.FIELDS:
            return getattr(self, key)
        return self.decoded()[key]

    def __contains__(self, key):
        return key in self.FIELDS or key in self.decoded()

    @property
    def canonical(self):
        """The detection's canonical JSON text, as written."""
        return self.writer.read(self.offset, self.length)

    def decoded(self):
        return decode(self.canonical)


def _shared(value):
    """One string object for the values many detections repeat (their host, server, status)."""
    return sys.intern(value) if isinstance(value, str) and len(value) < 200 else value


class RecordWriter(object):
    """A new record file (0600, in ``directory`` made 0700): ``keep`` each detection as the audit places it, then
    ``finish`` with the record. Any failure removes the partial file and raises RecordFileError in one line."""

    def __init__(self, directory):
        self.directory = directory
        self.path = self.handle = None
        self.reader = None
        self.written = self.flushed = 0
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory, 0o700)
            fd, self.path = tempfile.mkstemp(prefix=PREFIX, suffix='.jsonl', dir=directory)
            self.handle = os.fdopen(fd, 'wb', BUFFER)
            self._write(_COMPACT(HEADER))
        except (IOError, OSError) as exc:
            self.abort()
            raise keep_error(directory, exc)

    def _write(self, text):
        data = text.encode('utf-8') + b'\n'
        offset = self.written
        self.handle.write(data)
        self.written += len(data)
        return offset, len(data) - 1

    def share_file(self):
        """Flush what is buffered, so that a forked helper (``_api/offload``) goes on writing this file; True."""
        try:
            self.handle.flush()
        except (IOError, OSError) as exc:
            self.abort()
            raise keep_error(self.directory, exc)
        self.flushed = self.written
        return True

    def keep(self, detection):
        """Write ``detection`` (a dict in the record's form) as its line; a ``Kept`` of it."""
        text, detection = canonical_text(detection)
        try:
            offset, length = self._write(text)
        except (IOError, OSError) as exc:
            self.abort()
            raise keep_error(self.directory, exc)
        return Kept(detection, self, offset, length)

    def read(self, offset, length):
        """The text of the line at ``offset`` (written by this writer)."""
        if offset + length > self.flushed:
            try:
                self.handle.flush()
            except (IOError, OSError) as exc:  # the buffered lines reach the disk only now (a full disk, a size limit)
                self.abort()
                raise keep_error(self.directory, exc)
            self.flushed = self.written
        if self.reader is None:
            self.reader = os.open(self.path, os.O_RDONLY)
        return os.pread(self.reader, length, offset).decode('utf-8')

    def finish(self, record):
        """Write the record line (detection lists as line references) and the trailer; the file's path."""
        skeleton = _with_references(record, self)
        try:
            start = self.written
            for chunk in _skeleton_chunks(skeleton):
                self.handle.write(chunk.encode('utf-8'))
            self.handle.write(('\n%d\n' % start).encode('ascii'))
            self.handle.close()
            self.handle = None
        except (IOError, OSError, UnicodeEncodeError) as exc:
            self.abort()
            raise keep_error(self.directory, exc)
        self._close_reader()
        return self.path

    def handed_over(self):
        """A helper process finished this file (see ``share_file``): close this process's handle, which holds nothing."""
        self._close_reader()
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def _close_reader(self):
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None

    def abort(self):
        """Close and remove the partial file (nothing half-written is left behind)."""
        self._close_reader()
        if self.handle is not None:
            try:
                self.handle.close()
            except (IOError, OSError):
                pass
            self.handle = None
        if self.path is not None:
            try:
                os.unlink(self.path)
            except OSError:
                pass


def _references(items, writer):
    """``{"$lines": [[offset, length, detection_id, detect_time, flags], ...]}`` for a detection list (``flags``: 1 when
    unreviewed, 2 when covered), so a reader can count and pick detections without decoding them; a detection not
    written yet is written now. Its JSON text: orjson writes 100,000 references several times faster, and exactly
    when they hold no float (an unreadable time is kept as the server sent it)."""
    lines, plain = [], True
    for item in items:
        if not isinstance(item, Kept) or item.writer is not writer:
            item = writer.keep(item if not isinstance(item, Kept) else item.decoded())
        flags = (1 if item.unreviewed else 0) | (2 if item.covered_by else 0)
        plain = plain and item.detect_time.__class__ is not float
        lines.append([item.offset, item.length, item.detection_id, item.detect_time, flags])
    return _References(lines, plain)


class _References(object):
    """A detection list's line references and their compact JSON text."""

    def __init__(self, lines, plain):
        self.lines, self.plain = lines, plain

    def text(self):
        value = {LINES: self.lines}
        if orjson is not None and self.plain:
            try:
                return orjson.dumps(value).decode('utf-8')
            except TypeError:  # an ID or time orjson cannot write exactly (a lone surrogate, an int wider than 64 bits)
                pass
        return _COMPACT(value)


def _with_references(record, writer):
    """A shallow copy of ``record`` whose detection lists are line references (writing any detection not written yet)."""
    out = dict(record)
    if isinstance(out.get('hosts'), dict):
        out['hosts'] = dict((name, dict(entry, detections=_references(entry.get('detections') or [], writer))) for name, entry in out['hosts'].items())
    for key in DETECTION_LISTS:
        if isinstance(out.get(key), (list, Sequence)) and not isinstance(out[key], str):
            out[key] = _references(out[key], writer)
    return out


def _skeleton_chunks(record):
    """The record line in pieces: the top level, then each host's entry (its detections' references spliced in)."""
    yield '{'
    for index, (key, value) in enumerate(record.items()):
        yield '%s%s:' % (',' if index else '', _COMPACT(key))
        if key == 'hosts' and isinstance(value, dict):
            yield '{'
            for number, (name, entry) in enumerate(value.items()):
                yield '%s%s:%s' % (',' if number else '', _COMPACT(name), _entry_text(entry))
            yield '}'
        else:
            yield value.text() if isinstance(value, _References) else _COMPACT(value)
    yield '}'


def _entry_text(entry):
    """A host's entry as compact JSON, its ``detections`` (line references) last."""
    rest = _COMPACT(dict((k, v) for k, v in entry.items() if k != 'detections'))
    return '%s%s"detections":%s}' % (rest[:-1], ',' if len(rest) > 2 else '', entry['detections'].text())


def keep_record(record, directory):
    """Write ``record`` (held whole) to a new record file in ``directory``; its path."""
    writer = RecordWriter(directory)
    return writer.finish(record)


# ---- reading -----------------------------------------------------------------------------------


class _Source(object):
    """The record file, opened once for every detection list of a record read from it."""

    def __init__(self, path):
        self.path = path
        self.fd = None

    def read(self, offset, length):
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDONLY)
        data = os.pread(self.fd, length, offset)
        if len(data) != length:
            raise RecordFileError('the audit record file %s was cut short; run the audit again' % self.path)
        return data.decode('utf-8')

    def __del__(self):
        if self.fd is not None:
            os.close(self.fd)


class DetectionLines(Sequence):
    """A detection list of a record read from its file: each detection is decoded from its line when read, so a
    report walks 100,000 detections holding one at a time. ``canonical_texts`` gives the lines as they are."""

    def __init__(self, source, lines):
        self.source = source
        self.lines = lines

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        line = self.lines[index]
        return decode(self.source.read(line[0], line[1]))

    def __iter__(self):
        for line in self.lines:
            yield decode(self.source.read(line[0], line[1]))

    def field_values(self, names):
        """The values of ``names`` of each detection, in order: decoded exactly (see ``_json.loads_values``), and
        only these are checked, so reading a few fields costs less than reading the detections whole."""
        for line in self.lines:
            yield _json.loads_values(self.source.read(line[0], line[1]), names)

    def summaries(self):
        """(position, detection_id, detect_time, unreviewed, covered) of each detection, in order, from the record
        line alone: what counting and choosing need, without decoding any detection."""
        for position, line in enumerate(self.lines):
            yield position, line[2], line[3], bool(line[4] & 1), bool(line[4] & 2)

    def __eq__(self, other):
        return isinstance(other, (list, DetectionLines)) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __ne__(self, other):
        return not self == other

    __hash__ = None

    def __repr__(self):
        return 'DetectionLines(%d)' % len(self)

    def canonical_texts(self):
        """Each detection's canonical JSON text, in order (what the content digest and the JSON report write)."""
        for line in self.lines:
            yield self.source.read(line[0], line[1])


def field_values(items, names):
    """The values of ``names`` of each detection of a detection list, lazy (``DetectionLines.field_values``) or not."""
    lazy = getattr(items, 'field_values', None)
    if lazy is not None:
        return lazy(names)
    return (tuple(d.get(name) for name in names) for d in items or [])


def summarized(items):
    """(detection_id, detect_time, unreviewed, covered, load) of each detection of a detection list, lazy or not:
    from a ``DetectionLines``' summaries (nothing decoded; ``load()`` decodes the one detection), else from the
    detections themselves (``load()`` gives the detection back)."""
    summaries = getattr(items, 'summaries', None)
    if summaries is not None:
        for position, did, when, unreviewed, covered in summaries():
            yield did, when, unreviewed, covered, functools.partial(items.__getitem__, position)
        return
    for detection in items or []:
        yield (
            detection.get('detection_id'),
            detection.get('detect_time'),
            bool(detection.get('unreviewed')),
            bool(detection.get('covered_by')),
            (lambda held=detection: held),
        )


def _unreadable(path, exc):
    return RecordFileError(
        'the audit record file %s cannot be read (%s): it lives only during the ansible-playbook run that made it '
        'unless record_dir was set; run the audit in the same playbook, or give the saved JSON report as src' % (path, exc)
    )


def _record_line(path):
    """The record line's text, found through the trailer; RecordFileError when the file is not a record file."""
    try:
        with open(path, 'rb') as handle:
            if json.loads(handle.readline().decode('utf-8') or 'null') != HEADER:
                raise ValueError('no record file header')
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - TRAILER_MAX))
            tail = handle.read().rstrip(b'\n').rsplit(b'\n', 1)[-1]
            handle.seek(int(tail))
            return handle.read(size - int(tail)).rstrip(b'\n').rsplit(b'\n', 1)[0].decode('utf-8')
    except (IOError, OSError) as exc:
        raise _unreadable(path, exc.strerror or exc)
    except ValueError as exc:
        raise RecordFileError('the file %s is not a whole audit record file (%s); run the audit again' % (path, exc))


def _lazy(value, source):
    """A detection list read from the file: its ``DetectionLines``."""
    if isinstance(value, dict) and isinstance(value.get(LINES), list):
        return DetectionLines(source, value[LINES])
    return value


def read_record(path):
    """The record kept at ``path`` by this module, its detection lists read lazily (``DetectionLines``);
    RecordFileError when it is gone or is not a record file."""
    text = _record_line(path)
    try:
        record = json.loads(text)
    except ValueError as exc:
        raise RecordFileError('the file %s is not a whole audit record file (%s); run the audit again' % (path, exc))
    if not isinstance(record, dict) or record.get('schema_version') != SCHEMA_VERSION:
        raise RecordFileError('the file %s holds no audit record of schema version %s' % (path, SCHEMA_VERSION))
    source = _Source(path)
    for entry in (record.get('hosts') or {}).values():
        if isinstance(entry, dict):
            entry['detections'] = _lazy(entry.get('detections'), source)
    for key in DETECTION_LISTS:
        if key in record:
            record[key] = _lazy(record[key], source)
    return record


def materialized(record):
    """``record`` with every detection list a plain list of dicts (for a variable or a module argument)."""
    record = dict(record)
    record['hosts'] = dict((name, dict(entry, detections=[_plain(d) for d in entry.get('detections') or []])) for name, entry in record['hosts'].items())
    for key in DETECTION_LISTS:
        if key in record:
            record[key] = [_plain(d) for d in record[key] or []]
    return record


def _plain(item):
    return item.decoded() if isinstance(item, Kept) else item
