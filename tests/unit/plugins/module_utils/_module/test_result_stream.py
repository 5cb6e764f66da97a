# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records streamed into the module output: one JSON document, no_log values masked as exit_json would."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError
from ansible_collections.ncloud.wbd.plugins.module_utils._module import result_stream
from ansible_collections.ncloud.wbd.plugins.module_utils._module.result_stream import RecordSpool, exit_with_spools

SECRET = 'sec"ret/\u00e9-value'


@pytest.fixture(params=['orjson', 'json'], autouse=True)
def serialiser(request, monkeypatch):
    """Every test runs with orjson (installed for the unit tests) and with the json module, as without orjson."""
    if request.param == 'orjson':
        assert result_stream.orjson is not None, 'orjson is in tests/unit/requirements.txt; the orjson path must be tested'
    else:
        monkeypatch.setattr(result_stream, 'orjson', None)
    return request.param


def spooled(records, no_log=(), spill_bytes=result_stream.SPILL_BYTES):
    spool = RecordSpool(set(no_log), spill_bytes=spill_bytes)
    spool.extend(records)
    out = io.StringIO()
    spool.copy_to(out)
    return out.getvalue(), spool


@pytest.mark.parametrize('spill', [10, result_stream.SPILL_BYTES], ids=['on disk', 'in memory'])
def test_a_spool_is_the_json_array_of_its_records(spill):
    records = [{'id': str(i), 'text': 'caf\u00e9 <b> "q" \u202e \x00', 'n': i, 'none': None, 'nested': [{'a': [1, 2]}]} for i in range(50)]
    text, spool = spooled(records, spill_bytes=spill)
    assert json.loads(text) == records and spool.count == 50


def test_non_ascii_text_survives_chunk_boundaries_when_copied_as_text(monkeypatch):
    # Copied to a text stream in chunks, a multi-byte character can straddle two chunks.
    monkeypatch.setattr(result_stream, 'COPY_CHUNK', 7)
    records = [{'memo': '\ud55c\uad6d\uc5b4 \u00e9\u20ac\U0001f600 %d' % i} for i in range(40)]
    text, dummy = spooled(records, spill_bytes=10)
    assert json.loads(text) == records


def test_integers_wider_than_64_bits_fall_back_to_the_json_module():
    records = [{'n': 2**70, 'id': '1'}, {'n': -(2**64), 'id': '2'}]
    text, dummy = spooled(records)
    assert json.loads(text) == records


def test_an_empty_spool_is_an_empty_array():
    assert spooled([])[0] == '[]'


def test_no_log_values_are_masked_inside_records_also_when_json_escapes_them():
    records = [{'memo': 'before %s after' % SECRET, 'other': 'clean'}, {'memo': 'clean'}]
    text, dummy = spooled(records, no_log=[SECRET])
    assert SECRET not in text and json.dumps(SECRET)[1:-1] not in text and 'sec\\"ret' not in text
    parsed = json.loads(text)
    assert parsed[0]['memo'] == 'before ******** after' and parsed[0]['other'] == 'clean' and parsed[1] == {'memo': 'clean'}


def test_a_write_failure_is_one_clear_error(monkeypatch):
    spool = RecordSpool(set())

    class Full(object):
        def write(self, data):
            raise OSError(28, 'No space left on device')

    monkeypatch.setattr(spool, '_file', Full())
    with pytest.raises(WbdError, match='No space left on device.*TMPDIR'):
        spool.append({'a': 1})


class FakeModule(object):
    """Prints its result as exit_json does (a leading newline, one JSON document) and exits."""

    def __init__(self, code=0):
        self.code = code

    def exit_json(self, **result):
        result['invocation'] = {'module_args': {'secret_key': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}}
        print('\n%s' % json.dumps(result))
        raise SystemExit(self.code)


def test_exit_with_spools_prints_one_document_with_every_record(capsys):
    first, second = RecordSpool(set()), RecordSpool(set())
    first.extend([{'id': '1'}, {'id': '2'}])
    with pytest.raises(SystemExit) as exited:
        exit_with_spools(FakeModule(), {'detections': first, 'others': second, 'total_count': 2, 'changed': False})
    assert exited.value.code == 0
    out = capsys.readouterr().out
    result = json.loads(out)
    assert result['detections'] == [{'id': '1'}, {'id': '2'}] and result['others'] == [] and result['total_count'] == 2
    assert '__ncloud_wbd_records_' not in out


def test_exit_with_spools_keeps_the_exit_code_of_exit_json(capsys):
    spool = RecordSpool(set())
    with pytest.raises(SystemExit) as exited:
        exit_with_spools(FakeModule(code=1), {'detections': spool})
    assert exited.value.code == 1 and json.loads(capsys.readouterr().out)['detections'] == []
