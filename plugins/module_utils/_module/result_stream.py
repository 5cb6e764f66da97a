# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Large list results, serialised record by record instead of all at once.

``AnsibleModule.exit_json`` copies the whole result while it masks no_log values
in every string, then serialises it in one piece: for 100,000 detections that is
most of the run time and several times the memory of the API's own JSON. A
``RecordSpool`` serialises each record as it arrives, masking no_log values the
way exit_json would when one occurs (a substring search tells), into a spooled
temporary file. ``exit_with_spools`` has exit_json write the small rest of the
result with a placeholder for each spool, then copies each spool into its place,
so the module still prints exactly one JSON document.

Records are serialised with orjson when it is installed (several times faster than the
json module for large lists; optional, see the collection's requirements), and with the
json module otherwise or whenever orjson refuses a value (an integer wider than 64 bits).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import codecs
import hashlib
import io
import json
import os
import sys
import tempfile
import uuid

try:
    import orjson
except ImportError:
    orjson = None

from ansible.module_utils.common.parameters import remove_values
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError

# Results smaller than this stay in memory; larger ones go to a temporary file.
SPILL_BYTES = 16 * 1024 * 1024
COPY_CHUNK = 1024 * 1024


def dumps_bytes(value):
    """``value`` as JSON bytes (UTF-8): orjson when installed and able, else the json module (ASCII)."""
    if orjson is not None:
        try:
            return orjson.dumps(value)
        except TypeError:  # orjson.JSONEncodeError: an int wider than 64 bits, a lone surrogate, a non-str key
            pass
    return json.dumps(value).encode('ascii')


def _mask_forms(value):
    """How a no_log value can appear in the serialised records: raw UTF-8 and JSON-escaped by either serialiser."""
    forms = set([value.encode('utf-8', 'surrogatepass'), json.dumps(value)[1:-1].encode('ascii')])
    if orjson is not None:
        try:
            forms.add(orjson.dumps(value)[1:-1])
        except TypeError:
            pass
    return forms


class RecordSpool(object):
    """A JSON array written one record at a time; ``no_log_values`` is the module's live set."""

    def __init__(self, no_log_values, spill_bytes=SPILL_BYTES):
        self.no_log_values = no_log_values
        self.count = 0
        self._masks = None
        self._file = tempfile.SpooledTemporaryFile(max_size=spill_bytes, mode='w+b')

    def _needs_masking(self, data):
        if self._masks is None:
            masks = set()
            for value in self.no_log_values:
                if value:
                    masks.update(_mask_forms(value))
            self._masks = [mask for mask in masks if mask]
        return any(mask in data for mask in self._masks)

    def _write(self, data, count):
        try:
            self._file.write((b', ' if self.count else b'[') + data)
        except OSError as exc:
            raise WbdError(
                'Could not buffer the result in the temporary directory (%s): %s. Free space there, point '
                'TMPDIR elsewhere, or narrow the query (filters, max_results).' % (tempfile.gettempdir(), exc.strerror or exc)
            )
        self.count += count

    def append(self, record):
        data = dumps_bytes(record)
        if self._needs_masking(data):
            data = dumps_bytes(remove_values(record, self.no_log_values))
        self._write(data, 1)

    def extend(self, records):
        """Append a batch: one serialiser call for all of them (much faster), record by record only to mask."""
        if not records:
            return
        data = dumps_bytes(records)[1:-1]  # "{...},{...}": the array without its brackets
        if self._needs_masking(data):
            for record in records:
                self.append(record)
            return
        self._write(data, len(records))

    def share_file(self):
        """Make the spool a file that a forked helper can write into (``_api/offload``); True when it is one."""
        try:
            self._file.rollover()
        except (IOError, OSError):
            return False
        return True

    def answer(self, request):
        """In the helper, once every batch is written: what it wrote flushed into the shared file, and its count."""
        self._file.flush()
        return self.count

    def walked(self, helper):
        """In the parent, after the walk: the helper's records are in the file, which goes on at its end."""
        self.count = helper.call('count')
        helper.close()
        self._file.seek(0, os.SEEK_END)

    @property
    def value(self):
        """What the list result holds under its key: the spool itself, streamed in by ``exit_with_spools``."""
        return self

    def copy_to(self, stream):
        """Write the whole array to ``stream`` (text; its binary buffer when it has one) and release the buffer."""
        self._file.write(b']' if self.count else b'[]')
        self._file.seek(0)
        raw = getattr(stream, 'buffer', None)
        if raw is not None:
            stream.flush()  # what was written as text goes first
        decoder = codecs.getincrementaldecoder('utf-8')()  # a chunk may end inside a character
        while True:
            chunk = self._file.read(COPY_CHUNK)
            if not chunk:
                break
            if raw is not None:
                raw.write(chunk)
            else:
                stream.write(decoder.decode(chunk))
        if raw is not None:
            raw.flush()
        self._file.close()

    def close(self):
        self._file.close()


class RecordFile(RecordSpool):
    """The records of a list written to ``dest`` as they arrive (``dest_format`` ``jsonl``: one JSON object a line;
    ``json``: the array the module would have returned), no_log values masked as in a ``RecordSpool``.

    They go to a temporary file next to ``dest`` (mode 0600) that ``commit`` flushes, syncs and renames over ``dest``
    only when its content differs (a SHA-256 digest taken while writing, against one of the old file read in chunks);
    ``close`` before ``commit`` removes it, so a failed walk leaves ``dest`` as it was. ``check_mode`` writes nothing
    and only takes the digest."""

    def __init__(self, no_log_values, dest, dest_format='jsonl', check_mode=False):
        self.no_log_values = no_log_values
        self.count = 0
        self._masks = None
        self.dest = dest
        self.lines = dest_format == 'jsonl'
        self._digest = hashlib.sha256()
        self._file = self._temp = None
        directory = os.path.dirname(os.path.abspath(dest))
        if os.path.isdir(dest):
            raise WbdError('dest %s is a directory; name the file to write.' % dest)
        if check_mode:
            if not os.access(directory, os.W_OK | os.X_OK):
                raise WbdError('Could not write dest %s: the directory %s is missing or not writable.' % (dest, directory))
            return
        try:
            fd, self._temp = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(dest), suffix='.tmp')
        except OSError as exc:
            self._fail(exc)
        self._file = os.fdopen(fd, 'wb')

    def _fail(self, exc):
        self.close()
        raise WbdError('Could not write dest %s: %s.' % (self.dest, exc.strerror or exc))

    def _put(self, data):
        self._digest.update(data)
        if self._file is not None:
            try:
                self._file.write(data)
            except (IOError, OSError) as exc:
                self._fail(exc)

    def _write(self, data, count):
        if self.lines:
            self._put(data + b'\n')
        else:
            self._put((b', ' if self.count else b'[') + data)
        self.count += count

    def extend(self, records):
        if self.lines:
            for record in records:
                self.append(record)
        else:
            RecordSpool.extend(self, records)

    def _unchanged(self):
        """Whether ``dest`` already holds exactly what was written (compared by digest, read in chunks)."""
        old = hashlib.sha256()
        try:
            with open(self.dest, 'rb') as existing:
                for chunk in iter(lambda: existing.read(COPY_CHUNK), b''):
                    old.update(chunk)
        except (IOError, OSError):
            return False
        return old.digest() == self._digest.digest()

    def commit(self):
        """Finish the file and put it in place when its content changed: ``dest``, ``records_written``, ``changed``."""
        if not self.lines:
            self._put(b']' if self.count else b'[]')
        changed = not self._unchanged()
        if self._file is not None and changed:
            try:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
                os.rename(self._temp, self.dest)
            except (IOError, OSError) as exc:
                self._fail(exc)
            self._temp = None
        self.close()
        return {'dest': self.dest, 'records_written': self.count, 'changed': changed}

    def share_file(self):
        """A file's digest is taken as it is written, in one process: no helper writes it."""
        return False

    def copy_to(self, stream):
        raise TypeError('the records of a RecordFile are in its dest, not in the output')

    def close(self):
        """Release the temporary file and remove it unless ``commit`` put it in place."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._temp is not None:
            try:
                os.unlink(self._temp)
            except OSError:
                pass
            self._temp = None


def exit_with_spools(module, result):
    """``module.exit_json(**result)``, with each RecordSpool value of ``result`` streamed into the output."""
    spools = {}
    for key, value in list(result.items()):
        if isinstance(value, RecordSpool):
            token = '__ncloud_wbd_records_%s__' % uuid.uuid4().hex
            spools[json.dumps(token)] = value
            result[key] = token
    if not spools:
        module.exit_json(**result)
    captured = io.StringIO()
    saved = sys.stdout
    sys.stdout = captured
    code = 0
    try:
        module.exit_json(**result)
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdout = saved
    text = captured.getvalue()
    places = sorted((text.find(token), token) for token in spools if token in text)
    position = 0
    for place, token in places:
        sys.stdout.write(text[position:place])
        spools.pop(token).copy_to(sys.stdout)
        position = place + len(token)
    sys.stdout.write(text[position:])
    sys.stdout.flush()
    for spool in spools.values():
        spool.close()
    raise SystemExit(code)  # as exit_json would have
