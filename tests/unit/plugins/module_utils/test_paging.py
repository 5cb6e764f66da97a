# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The page walk gets every record exactly once, whatever the server's paging quirks, and always stops."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.ncloud.wbd.plugins.module_utils.errors import WbdMalformedResponseError
from ansible_collections.ncloud.wbd.plugins.module_utils.paging import Pager, parse_page


def records(n):
    return [{'id': '%022d' % i} for i in range(n)]


class FakeApi(object):
    """A paged list with switchable quirks; counts the pages asked for."""

    def __init__(self, items, max_size=None, one_based=False, total=None, total_pages=True):
        self.items = items
        self.max_size = max_size
        self.one_based = one_based
        self.total = total
        self.total_pages = total_pages
        self.calls = []

    def __call__(self, index, size):
        self.calls.append(index)
        size = min(size, self.max_size or size)
        page = max(index - 1, 0) if self.one_based else index
        content = self.items[page * size:(page + 1) * size]
        total = len(self.items) if self.total is None else self.total
        result = {'content': content, 'totalCount': total, 'pageSize': size, 'pageIndex': index}
        if self.total_pages:
            result['totalPages'] = -(-total // size)
        return result


def walk(api, size, **kwargs):
    warnings = []
    pager = Pager(api, 'id', size, warn=warnings.append, **kwargs)
    return [r['id'] for r in pager], pager.state, warnings


def test_exact_multiple_uses_total_and_no_extra_request():
    api = FakeApi(records(250))
    ids, state, warnings = walk(api, 50)
    assert ids == [r['id'] for r in records(250)]
    assert api.calls == [0, 1, 2, 3, 4] and state.stop_reason == 'total reached' and not warnings


def test_short_last_page_stops():
    api = FakeApi(records(101))
    ids, state, dummy = walk(api, 50)
    assert len(ids) == 101 and api.calls == [0, 1, 2]


def test_empty_list():
    ids, state, warnings = walk(FakeApi([]), 50)
    assert ids == [] and state.total == 0 and state.stop_reason == 'empty page' and not warnings


def test_server_clamps_page_size():
    api = FakeApi(records(230), max_size=20)
    ids, state, warnings = walk(api, 100)
    assert ids == [r['id'] for r in records(230)] and len(api.calls) == 12 and not warnings


def test_one_based_server_loses_nothing_and_duplicates_nothing():
    api = FakeApi(records(250), one_based=True, total_pages=False)
    ids, dummy, warnings = walk(api, 100)
    assert ids == [r['id'] for r in records(250)]
    assert api.calls == [0, 1, 2, 3] and not warnings


def test_lying_total_with_empty_pages_stops():
    api = FakeApi(records(30), total=10 ** 9)
    ids, state, warnings = walk(api, 10)
    assert len(ids) == 30 and state.stop_reason == 'empty page'
    assert any('reported 1000000000' in w for w in warnings)


def test_server_repeating_the_same_page_stops_with_a_warning():
    def api(index, size):
        return {'content': records(10), 'totalCount': 1000, 'pageSize': 10}
    ids, state, warnings = walk(api, 10)
    assert len(ids) == 10 and state.stop_reason == 'repeated pages'
    assert any('ignore pageIndex' in w for w in warnings)


def test_endless_fresh_records_hit_the_page_limit():
    calls = []

    def api(index, size):
        calls.append(index)
        return {'content': [{'id': '%d-%d' % (index, i)} for i in range(size)], 'totalCount': 20, 'pageSize': size}
    ids, state, warnings = walk(api, 10)
    assert state.stop_reason == 'total reached' and len(ids) == 20

    def growing(index, size):
        calls.append(index)
        return {'content': [{'id': '%d-%d' % (index, i)} for i in range(size)], 'totalCount': 20 + 10 * (index + 1), 'pageSize': size}
    ids, state, warnings = walk(growing, 10)
    assert state.stop_reason == 'page limit' and len(ids) == 10 * state.page_limit()
    assert any('totals look wrong' in w for w in warnings) and any('changed from' in w for w in warnings)


def test_total_change_warns_once():
    totals = iter([100, 101, 102, 102, 102])

    def api(index, size):
        return {'content': records(100)[index * 25:(index + 1) * 25], 'totalCount': next(totals), 'pageSize': size}
    ids, state, warnings = walk(api, 25)
    assert len(ids) == 100
    assert len([w for w in warnings if 'changed from' in w]) == 1


def test_max_items_truncates():
    api = FakeApi(records(500))
    ids, state, dummy = walk(api, 100, max_items=150)
    assert len(ids) == 150 and state.truncated and api.calls == [0, 1]
    ids, state, dummy = walk(FakeApi(records(100)), 100, max_items=100)
    assert len(ids) == 100 and not state.truncated


def test_bare_array_result_is_a_page():
    calls = []

    def api(index, size):
        calls.append(index)
        return {0: records(3)}.get(index, [])
    ids, state, dummy = walk(api, 10)
    # A bare array echoes no page size, so a short first page may be the server's cap: one more request settles it.
    assert len(ids) == 3 and state.total is None and state.stop_reason == 'empty page' and calls == [0, 1]


def bare_array_api(items, cap):
    """A server that answers bare arrays and serves at most ``cap`` records a page, whatever was asked."""
    calls = []

    def api(index, size):
        calls.append((index, size))
        served = min(size, cap)
        return items[index * served:(index + 1) * served]
    return api, calls


def test_bare_array_from_a_server_that_caps_the_page_size_loses_nothing():
    api, calls = bare_array_api(records(25), cap=10)
    ids, state, dummy = walk(api, 100)
    assert ids == [r['id'] for r in records(25)] and not state.truncated
    assert [i for i, dummy in calls] == [0, 1, 2] and state.stop_reason == 'short page'


def test_bare_array_max_items_equal_to_the_total_is_not_truncated():
    api, calls = bare_array_api(records(20), cap=10)
    ids, state, dummy = walk(api, 20, max_items=20)
    assert len(ids) == 20 and not state.truncated and [i for i, dummy in calls] == [0, 1, 2]


def test_bare_array_max_items_below_the_total_is_truncated():
    api, dummy = bare_array_api(records(25), cap=10)
    ids, state, dummy = walk(api, 20, max_items=20)
    assert ids == [r['id'] for r in records(20)] and state.truncated


def test_null_content_is_an_empty_page():
    assert parse_page({'content': None, 'totalCount': 0}) == ([], 0, None, None)
    assert parse_page(None) == ([], None, None, None)


@pytest.mark.parametrize('result', ['text', 5, {'content': 'x'}, {'content': [1]}])
def test_malformed_pages_raise(result):
    with pytest.raises(WbdMalformedResponseError):
        parse_page(result)


def test_records_without_ids_are_kept():
    ids = list(Pager(lambda i, s: {'content': [{'a': 1}, {'a': 2}], 'totalCount': 2}, 'id', 10))
    assert ids == [{'a': 1}, {'a': 2}]


# ---- concurrent fetching -------------------------------------------------------------------------

QUIRKS = [
    dict(),
    dict(max_size=7),
    dict(one_based=True),
    dict(total_pages=False),
    dict(total=10 ** 6),
    dict(total=5),
]


@pytest.mark.parametrize('quirks', QUIRKS, ids=[','.join(sorted(q)) or 'plain' for q in QUIRKS])
@pytest.mark.parametrize('n', [0, 1, 49, 50, 51, 333])
@pytest.mark.parametrize('concurrency', [2, 4, 8])
def test_concurrent_walk_yields_what_the_sequential_walk_does(quirks, n, concurrency):
    seq_ids, seq_state, seq_warnings = walk(FakeApi(records(n), **quirks), 50)
    ids, state, warnings = walk(FakeApi(records(n), **quirks), 50, concurrency=concurrency)
    assert ids == seq_ids and len(set(ids)) == len(ids)
    assert state.truncated == seq_state.truncated and state.total == seq_state.total
    assert bool(warnings) == bool(seq_warnings)


def test_concurrency_one_asks_for_pages_one_after_the_other():
    api = FakeApi(records(250))
    walk(api, 50, concurrency=1)
    assert api.calls == [0, 1, 2, 3, 4]


def test_concurrent_walk_asks_each_announced_page_once():
    api = FakeApi(records(1000))
    ids, state, dummy = walk(api, 50, concurrency=8)
    assert len(ids) == 1000 and sorted(api.calls) == list(range(20)) and api.calls[0] == 0


class Tracking(FakeApi):
    """Counts pages in flight at once; page ``slow`` takes longer, so the others can run ahead of it."""

    def __init__(self, items, slow=None, **kwargs):
        super(Tracking, self).__init__(items, **kwargs)
        self.lock = threading.Lock()
        self.active = self.most_active = 0
        self.slow = slow
        self.started_while_slow = []

    def __call__(self, index, size):
        with self.lock:
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            if self.slow is not None and self.slow_running:
                self.started_while_slow.append(index)
            if index == self.slow:
                self.slow_running = True
        time.sleep(0.2 if index == self.slow else 0.002)
        with self.lock:
            self.active -= 1
            if index == self.slow:
                self.slow_running = False
        return super(Tracking, self).__call__(index, size)

    slow_running = False


def test_pages_in_flight_never_exceed_the_concurrency():
    api = Tracking(records(2000))
    ids, dummy, dummy2 = walk(api, 50, concurrency=4)
    assert len(ids) == 2000 and 1 < api.most_active <= 4


def test_workers_run_at_most_two_windows_ahead_of_a_slow_page():
    api = Tracking(records(2000), slow=1)
    ids, dummy, dummy2 = walk(api, 50, concurrency=4)
    assert len(ids) == 2000
    # While page 1 is held up, only pages 2..8 (2 x 4 submitted, page 1 among them) may start.
    assert api.started_while_slow and max(api.started_while_slow) <= 8


def test_a_failing_page_stops_the_walk_and_aborts_retries_elsewhere():
    aborted = []
    asked = []

    def fetch(index, size):
        asked.append(index)
        if index == 3:
            raise WbdMalformedResponseError('page 3 is broken')
        return {'content': records(5000)[index * size:(index + 1) * size], 'totalCount': 5000, 'pageSize': size}

    pager = Pager(fetch, 'id', 50, concurrency=4, on_error=lambda: aborted.append(True))
    with pytest.raises(WbdMalformedResponseError, match='page 3'):
        list(pager)
    assert aborted == [True] and max(asked) < 3 + 2 * 4 + 1


def test_records_added_while_paging_give_no_duplicates_and_a_warning():
    items = records(200)
    newer = records(260)[200:]
    api = FakeApi(items)
    original = api.__call__

    def growing(index, size):
        if index == 2 and len(api.items) == 200:
            api.items = newer + items  # 60 newer records pushed in at the head
        return original(index, size)

    ids, state, warnings = walk(growing, 50, concurrency=4)
    # Pages fetched concurrently may straddle the insert either way, so records can be missed as well as repeated:
    # what is guaranteed is no duplicate, only real records, every page the new total announces, and the warning.
    assert len(ids) == len(set(ids)) and set(ids) <= set(r['id'] for r in newer + items)
    assert state.total == 260 and any('changed from 200 to 260' in w and 'miss or repeat' in w for w in warnings)


def test_max_items_plans_only_the_pages_it_needs():
    api = FakeApi(records(1000))
    ids, state, dummy = walk(api, 50, concurrency=8, max_items=120)
    assert len(ids) == 120 and state.truncated and sorted(api.calls) == [0, 1, 2]
