# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""offload: a list's records normalised and written by a forked helper give exactly what the parent would have
written, and every way the helper can fail is one error, never a partial list."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import os

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import listing, offload
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import WbdClient
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.resources import DETECTIONS
from ansible_collections.ncloud.wbd.plugins.module_utils._module.result_stream import RecordFile, RecordSpool

PARAMS = {'page_size': 50, 'max_results': None, 'allow_partial': False}
# Times in seconds (a noted conversion), a NaN and an int wider than 64 bits (pickled exactly), text to mask.
RECORDS = [
    {'detectionId': str(n), 'detectTime': 1721740066 + n, 'processName': float('nan'), 'maxWeight': 2**70 + n, 'memo': 'has s3cret'}
    for n in range(5 * listing.BATCH + 7)
]


@pytest.fixture
def single_thread(monkeypatch):
    """The listing forks its helper only in a process of one thread; pytest-xdist's workers run a second one."""
    monkeypatch.setattr(offload.threading, 'active_count', lambda: 1)


def listed(fakes, records, forked, monkeypatch, params=None):
    """(the spool's JSON text, the warnings, whether a helper was forked) of listing ``records`` into a RecordSpool."""
    started = []
    real_start = offload.start
    monkeypatch.setattr(offload.threading, 'active_count', lambda: 1 if forked else 2)
    monkeypatch.setattr(offload, 'start', lambda *a: started.append(real_start(*a)) or started[-1])
    api = fakes.Api(lists={'/api/v1/detections': records})
    spool, warnings = RecordSpool({'s3cret'}, spill_bytes=1024), []
    result = listing.list_result(
        WbdClient('http://127.0.0.1:1', 'AK', 'SK', session=api), params or PARAMS, warnings.append, 'detections', DETECTIONS, sink=spool
    )
    out = io.TextIOWrapper(io.BytesIO(), encoding='utf-8')
    result['detections'].copy_to(out)
    out.flush()
    return out.buffer.getvalue().decode('utf-8'), warnings, any(started), result


def test_a_helper_writes_what_the_parent_would_have_written(fakes, monkeypatch):
    here, here_warnings, forked_here, dummy = listed(fakes, RECORDS, False, monkeypatch)
    there, there_warnings, forked, result = listed(fakes, RECORDS, True, monkeypatch)
    assert forked and not forked_here
    assert there == here and there_warnings == here_warnings  # the time notes came back from the helper
    assert len(there_warnings) == 1 and 'detectTime came as epoch seconds in %d records' % len(RECORDS) in there_warnings[0]
    assert result['detections'].count == len(RECORDS) and len(json.loads(there)) == len(RECORDS)
    assert "s3cret" not in there
    assert json.loads(there)[-1]['max_weight'] == 2**70 + len(RECORDS) - 1


def test_a_short_capped_list_is_normalised_here(fakes, monkeypatch):
    dummy, dummy_warnings, forked, result = listed(fakes, RECORDS, True, monkeypatch, dict(PARAMS, max_results=listing.OFFLOAD_FROM))
    assert not forked and result['detections'].count == listing.OFFLOAD_FROM


def test_a_projection_is_normalised_here_unless_the_sink_works_hard(fakes, monkeypatch):
    dummy, dummy_warnings, forked, result = listed(fakes, RECORDS, True, monkeypatch, dict(PARAMS, fields=['detect_time']))
    assert not forked and result['detections'].count == len(RECORDS)
    monkeypatch.setattr(RecordSpool, 'costly_extend', True, raising=False)
    dummy, dummy_warnings, forked, result = listed(fakes, RECORDS, True, monkeypatch, dict(PARAMS, fields=['detect_time']))
    assert forked and result['detections'].count == len(RECORDS)


def test_no_helper_where_the_sink_cannot_share_its_file_or_threads_run(tmp_path, monkeypatch):
    assert offload.start(listing.RecordList(), None, None) is None
    record_file = RecordFile(set(), str(tmp_path / 'out.jsonl'))
    assert offload.start(record_file, None, None) is None
    record_file.close()
    monkeypatch.setattr(offload.threading, 'active_count', lambda: 2)
    assert offload.start(RecordSpool(set()), None, None) is None


def helper_doing(process):
    spool = RecordSpool(set(), spill_bytes=1)
    helper = offload.start(spool, process, spool.answer)
    assert helper is not None and helper.pid > 0
    return helper


def gone(pid):
    with pytest.raises(OSError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child
    return True


def test_a_helper_answers_in_order_after_the_batches_before(single_thread):
    seen = []
    helper = helper_doing(seen.extend)
    helper.put([1, 2])
    assert helper.call('count') == 0  # the spool's count: process here only kept them in the helper's list
    pid = helper.pid
    helper.close()
    assert gone(pid) and seen == []  # what the helper did stayed in the helper


def test_a_failing_helper_raises_its_own_error_in_the_parent(single_thread):
    def process(batch):
        err = WbdError('Could not buffer the result in the temporary directory (/tmp): No space left on device.', status=507)
        err.completeness = {'complete': False}
        raise err

    helper = helper_doing(process)
    pid = helper.pid
    helper.put([{'a': 1}])
    with pytest.raises(WbdError, match=r'^Could not buffer the result .*No space left on device\.$') as caught:
        helper.call('count')
    assert caught.value.status == 507 and caught.value.completeness == {'complete': False} and gone(pid)


def test_a_bug_in_the_helper_is_raised_as_it_was(single_thread):
    helper = helper_doing(lambda batch: batch['not a list index'])
    helper.put([1])
    with pytest.raises(TypeError, match=r'list indices must be integers'):
        helper.call('count')


def test_an_error_that_does_not_pickle_is_one_line(single_thread):
    class Local(Exception):  # a class pickle cannot find again
        pass

    def process(batch):
        raise Local('what went wrong')

    helper = helper_doing(process)
    helper.put([1])
    with pytest.raises(WbdError, match=r'^Normalising the records failed: Local: what went wrong$'):
        helper.call('count')


def test_a_helper_that_dies_is_an_error_not_a_shorter_list(single_thread):
    helper = helper_doing(lambda batch: os._exit(9))  # pylint: disable=protected-access
    pid = helper.pid
    with pytest.raises(WbdError, match=r'ended without an answer'):
        for dummy in range(200):  # its end of the pipe closes: a put fails, or the call finds no answer
            helper.put([{'a': 'x' * 1000}])
        helper.call('count')
    assert gone(pid)


def test_abort_stops_the_helper_mid_list(single_thread):
    helper = helper_doing(lambda batch: None)
    pid = helper.pid
    helper.put([{'a': 1}])
    helper.abort()
    assert helper.pid is None and gone(pid)
