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
import io
import json
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
