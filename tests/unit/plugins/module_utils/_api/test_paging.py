# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The page walk gets every record exactly once, whatever the server's paging quirks, and always stops."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdMalformedResponseError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.paging import Pager, parse_page


def records(n):
    return [{'id': '%022d' % i} for i in range(n)]


class FakeApi(object):
    """A paged list with switchable quirks; counts the pages asked for.

    ``max_size``: the largest page served; ``offsets``: 'served' (page * served) or 'asked' (page * asked, so a capped
    page skips the records between the served count and the asked size); ``echo``: the pageSize echoed ('served',
    'asked' or 'none'); ``one_based``: 'dup' (page 0 is page 1) or 'empty' (page 0 is empty); ``total``: the
    totalCount announced (None: honest); ``null_pages`` / ``null_once``: page indexes answered with content null
    always / the first time only; ``text``: numbers as text; ``bare``: a bare array.
    """

    def __init__(
        self,
        items,
        max_size=None,
        one_based=False,
        total=None,
        total_pages=True,
        offsets='served',
        echo='served',
        null_pages=(),
        null_once=(),
        text=False,
        bare=False,
    ):
        self.items = items
        self.max_size = max_size
        self.one_based = 'dup' if one_based is True else one_based
        self.total = total
        self.total_pages = total_pages
        self.offsets = offsets
        self.echo = echo
        self.null_pages = set(null_pages)
        self.null_once = set(null_once)
        self.text = text
        self.bare = bare
        self.calls = []

    def _number(self, value):
        return '%d' % value if self.text else value

    def __call__(self, index, size):
        self.calls.append(index)
        served = min(size, self.max_size or size)
        page = index
        if self.one_based:
            page = max(index - 1, 0)
            if self.one_based == 'empty' and index == 0:
                page = None
        start = None if page is None else page * (served if self.offsets == 'served' else size)
        content = [] if start is None else self.items[start : start + served]
        if index in self.null_pages or index in self.null_once:
            self.null_once.discard(index)
            content = None
        if self.bare:
            return content
        total = len(self.items) if self.total is None else self.total
        result = {'content': content, 'totalCount': self._number(total), 'pageIndex': index}
        if self.echo != 'none':
            result['pageSize'] = self._number(served if self.echo == 'served' else size)
        if self.total_pages:
            pages_of = len(self.items) if self.total_pages == 'real' else total
            result['totalPages'] = self._number(-(-pages_of // served))
        return result


def walk(api, size, **kwargs):
    warnings = []
    pager = Pager(api, 'id', size, warn=warnings.append, where='GetWebshell', **kwargs)
    ids = [r['id'] for r in pager]
    return ids, pager.state, warnings


def ids_of(n):
    return [r['id'] for r in records(n)]


def evidence(state):
    return state.completeness('GetWebshell')


def test_exact_multiple_takes_one_confirming_page():
    # A last page exactly full proves nothing: the total may be low. One more (empty) page proves the end.
    api = FakeApi(records(250))
    ids, state, warnings = walk(api, 50)
    assert ids == ids_of(250)
    assert api.calls == [0, 1, 2, 3, 4, 5] and state.stop_reason == 'empty page' and not warnings
    assert state.complete and evidence(state)['problems'] == []


def test_short_last_page_stops_without_an_extra_request():
    api = FakeApi(records(101))
    ids, state, dummy = walk(api, 50)
    assert len(ids) == 101 and api.calls == [0, 1, 2] and state.complete


def test_empty_list():
    api = FakeApi([])
    ids, state, warnings = walk(api, 50)
    assert ids == [] and state.total == 0 and state.stop_reason == 'empty page' and not warnings
    assert api.calls == [0] and state.complete


def test_server_clamps_page_size():
    api = FakeApi(records(230), max_size=20)
    ids, state, warnings = walk(api, 100)
    assert ids == ids_of(230) and len(api.calls) == 12 and not warnings and state.complete
    assert evidence(state)['page_size_used'] == 20 and evidence(state)['page_size_served'] == 20


@pytest.mark.parametrize('offsets', ['served', 'asked'])
@pytest.mark.parametrize('echo', ['served', 'asked', 'none'])
@pytest.mark.parametrize('n', [237, 240, 20, 21])
def test_short_pages_are_re_paged_at_the_served_size(offsets, echo, n):
    # The server serves 20 of the 100 asked; with offsets from the asked size, page 1 at 100 would start at record
    # 100 and skip 20..99: the walk asks at 20 from page 1 on, so both conventions give every record.
    api = FakeApi(records(n), max_size=20, offsets=offsets, echo=echo)
    ids, state, warnings = walk(api, 100)
    assert ids == ids_of(n) and state.complete, evidence(state)
    assert len(api.calls) <= -(-n // 20) + 1


@pytest.mark.parametrize('one_based', ['dup', 'empty'])
@pytest.mark.parametrize('n', [1, 100, 250])
def test_one_based_server_loses_nothing_and_duplicates_nothing(one_based, n):
    api = FakeApi(records(n), one_based=one_based, total_pages=False)
    ids, state, warnings = walk(api, 100)
    assert ids == ids_of(n) and state.complete, evidence(state)
    assert evidence(state)['page_base'] == (1 if n > 100 or one_based == 'empty' or n == 100 else None)


def test_one_based_server_with_page_0_empty_is_read_from_page_1():
    # Issue 14: only page 0 was requested although totalPages was 3.
    api = FakeApi(records(237), one_based='empty')
    ids, state, dummy = walk(api, 100)
    assert ids == ids_of(237) and state.complete and api.calls == [0, 1, 2, 3]
    assert evidence(state)['page_base'] == 1 and any('from 1' in n for n in evidence(state)['notes'])


def test_one_based_and_capped_together():
    for one_based in ('dup', 'empty'):
        for offsets in ('served', 'asked'):
            api = FakeApi(records(237), one_based=one_based, max_size=50, offsets=offsets, echo='asked')
            ids, state, dummy = walk(api, 100)
            assert ids == ids_of(237) and state.complete, (one_based, offsets, evidence(state))


def test_null_content_once_is_asked_again():
    api = FakeApi(records(237), null_once={1})
    ids, state, dummy = walk(api, 100)
    assert ids == ids_of(237) and state.complete and api.calls == [0, 1, 1, 2]


def test_null_content_that_persists_makes_the_list_incomplete():
    api = FakeApi(records(237), null_pages={1})
    ids, state, dummy = walk(api, 100)
    assert ids == ids_of(100) + ids_of(237)[200:] and not state.complete
    problems = evidence(state)['problems']
    assert any('page 1 came back empty (content null, twice)' in p for p in problems), problems
    assert any('announced 237 records in 3 pages but delivered 137' in p for p in problems), problems
    assert evidence(state)['null_pages'] == [1]


def test_null_content_on_the_last_page_is_incomplete():
    api = FakeApi(records(237), null_pages={2})
    ids, state, dummy = walk(api, 100)
    assert ids == ids_of(200) and not state.complete and api.calls == [0, 1, 2, 2, 3]
    assert any('delivered 200' in p and 'content null' in p for p in evidence(state)['problems'])


def test_null_end_of_list_within_the_totals_is_complete():
    # content null is asked once more even where the totals say the list ended: null is no answer
    api = FakeApi(records(200), null_pages={2})
    ids, state, dummy = walk(api, 100)
    assert ids == ids_of(200) and state.complete and api.calls == [0, 1, 2, 2] and evidence(state)['null_pages'] == []


def test_inflated_total_is_incomplete():
    api = FakeApi(records(30), total=10**9)
    ids, state, warnings = walk(api, 10)
    assert ids == ids_of(30) and state.stop_reason == 'empty page' and not state.complete
    assert any('announced 1000000000 records' in p and 'delivered 30' in p for p in evidence(state)['problems'])


@pytest.mark.parametrize('total', [200, 199, 100, 1])
def test_low_total_does_not_stop_a_walk_while_pages_come_full(total):
    # Issue 14: 200 of 237 delivered; the audit saw 100 of 166.
    api = FakeApi(records(237), total=total)
    ids, state, dummy = walk(api, 50)
    assert ids == ids_of(237) and state.complete, evidence(state)
    assert any('the total was low' in n for n in evidence(state)['notes'])


def test_low_total_equal_to_a_page_echoed_as_served():
    api = FakeApi(records(237), total=20, max_size=20, echo='served')
    ids, state, dummy = walk(api, 100)
    assert ids == ids_of(237) and state.complete


def test_total_pages_announcing_more_continue_past_a_short_page():
    # a low total that equals the cap: only totalPages (12, from the real count) tells the list goes on
    api = FakeApi(records(237), max_size=20, echo='asked', offsets='asked', total=20, total_pages='real')
    ids, state, dummy = walk(api, 100)
    assert ids == ids_of(237) and state.complete


def test_totals_as_text_are_numbers():
    api = FakeApi(records(237), text=True)
    ids, state, dummy = walk(api, 100)
    assert ids == ids_of(237) and state.complete and state.total == 237 and api.calls == [0, 1, 2]
    assert any('as text' in n for n in evidence(state)['notes'])


def test_unreadable_total_is_a_problem():
    def api(index, size):
        return {'content': records(5)[index * size : (index + 1) * size], 'totalCount': 'many', 'pageSize': size}

    ids, state, dummy = walk(api, 10)
    assert len(ids) == 5 and not state.complete
    assert any('totalCount was not a number' in p for p in evidence(state)['problems'])


def test_server_repeating_the_same_page_stops_incomplete():
    def api(index, size):
        return {'content': records(10), 'totalCount': 1000, 'pageSize': 10}

    ids, state, warnings = walk(api, 10)
    assert len(ids) == 10 and state.stop_reason == 'repeated pages' and not state.complete
    assert any('ignore pageIndex' in p for p in evidence(state)['problems'])


def test_endless_fresh_records_hit_the_page_limit():
    def api(index, size):
        return {'content': [{'id': '%d-%d' % (index, i)} for i in range(size)], 'totalCount': 20, 'pageSize': size}

    ids, state, warnings = walk(api, 10)
    # pages keep coming full: the low total does not stop the walk, the page limit does
    assert state.stop_reason == 'page limit' and len(ids) == 10 * state.page_limit() and not state.complete
    assert any('totals look wrong' in p for p in evidence(state)['problems'])

    def growing(index, size):
        return {'content': [{'id': '%d-%d' % (index, i)} for i in range(size)], 'totalCount': 20 + 10 * (index + 1), 'pageSize': size}

    ids, state, warnings = walk(growing, 10)
    assert state.stop_reason == 'page limit' and not state.complete
    assert any('changed from' in w for w in warnings)
    assert any('changed again' in p for p in evidence(state)['problems'])


def test_total_change_restarts_once_and_then_is_a_problem():
    totals = iter([100, 101, 102, 102, 102, 102, 102, 102])

    def api(index, size):
        return {'content': records(100)[index * 25 : (index + 1) * 25], 'totalCount': next(totals), 'pageSize': size}

    ids, state, warnings = walk(api, 25)
    assert ids == ids_of(100)
    assert len([w for w in warnings if 'changed from' in w]) == 1 and not state.complete
    assert evidence(state)['passes'] == 2


def test_records_added_once_while_paging_are_read_in_the_second_pass():
    api = FakeApi(records(200))
    original = api.__call__
    newer = [{'id': 'new-%d' % i} for i in range(60)]

    def growing(index, size):
        if len(api.calls) == 2:
            api.items = newer + records(200)  # 60 newer records pushed in at the head before the third request
        return original(index, size)

    ids, state, warnings = walk(growing, 50)
    assert sorted(ids) == sorted(r['id'] for r in newer + records(200)) and len(set(ids)) == len(ids)
    assert state.complete and state.total == 260 and any('changed from 200 to 260' in w for w in warnings)


def test_max_items_truncates():
    api = FakeApi(records(500))
    ids, state, dummy = walk(api, 100, max_items=150)
    assert len(ids) == 150 and state.truncated and api.calls == [0, 1] and not state.complete
    assert evidence(state)['problems'] == ['max_results 150 cut the list: 150 records of the 500 GetWebshell announced.']
    ids, state, dummy = walk(FakeApi(records(100)), 100, max_items=100)
    assert len(ids) == 100 and not state.truncated and state.complete


def test_max_items_at_a_low_total_still_looks_for_more():
    ids, state, dummy = walk(FakeApi(records(150), total=100), 100, max_items=100)
    assert len(ids) == 100 and state.truncated


def test_bare_array_result_is_a_page():
    calls = []

    def api(index, size):
        calls.append((index, size))
        return {0: records(3)}.get(index, [])

    ids, state, dummy = walk(api, 10)
    # A bare array echoes no page size, so a short first page may be the server's cap: one more request, at the size
    # served, settles it.
    assert len(ids) == 3 and state.total is None and state.stop_reason == 'empty page' and calls == [(0, 10), (1, 3)]
    assert state.complete and any('announced no total' in n for n in evidence(state)['notes'])


def test_bare_array_empty_list_asks_page_1_too():
    calls = []

    def api(index, size):
        calls.append(index)
        return []

    ids, state, dummy = walk(api, 10)
    assert ids == [] and calls == [0, 1] and state.complete


def test_bare_array_from_a_one_based_server():
    api = FakeApi(records(25), bare=True, one_based='empty')
    ids, state, dummy = walk(api, 10)
    assert ids == ids_of(25) and state.complete
    api = FakeApi(records(25), bare=True, one_based='dup', max_size=7, offsets='asked')
    ids, state, dummy = walk(api, 10)
    assert ids == ids_of(25) and state.complete


def bare_array_api(items, cap):
    """A server that answers bare arrays and serves at most ``cap`` records a page, whatever was asked."""
    calls = []

    def api(index, size):
        calls.append((index, size))
        served = min(size, cap)
        return items[index * served : (index + 1) * served]

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
    assert parse_page({'content': [], 'totalCount': '237', 'totalPages': ' 3 ', 'pageSize': 100.0}) == ([], 237, 3, 100)
    assert parse_page({'content': [], 'totalCount': -1, 'totalPages': 'x', 'pageSize': True}) == ([], None, None, None)


@pytest.mark.parametrize('result', ['text', 5, {'content': 'x'}, {'content': [1]}])
def test_malformed_pages_raise(result):
    with pytest.raises(WbdMalformedResponseError):
        parse_page(result)


def test_records_without_ids_are_kept():
    pager = Pager(lambda i, s: {'content': [{'a': 1}, {'a': 2}], 'totalCount': 2}, 'id', 10)
    assert list(pager) == [{'a': 1}, {'a': 2}] and pager.state.complete


# ---- concurrent fetching -------------------------------------------------------------------------

QUIRKS = [
    dict(),
    dict(max_size=7),
    dict(one_based=True),
    dict(total_pages=False),
    dict(total=10**6),
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
    assert api.calls == [0, 1, 2, 3, 4, 5]  # 5: the confirming page after an exactly full last page


def test_concurrent_walk_asks_each_announced_page_once():
    api = FakeApi(records(1000))
    ids, state, dummy = walk(api, 50, concurrency=8)
    # pages 0..19 and the confirming page 20, each once
    assert len(ids) == 1000 and sorted(api.calls) == list(range(21)) and api.calls[0] == 0


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
        return {'content': records(5000)[index * size : (index + 1) * size], 'totalCount': 5000, 'pageSize': size}

    pager = Pager(fetch, 'id', 50, concurrency=4, on_error=lambda: aborted.append(True))
    with pytest.raises(WbdMalformedResponseError, match='page 3'):
        list(pager)
    assert aborted == [True] and max(asked) < 3 + 2 * 4 + 1


def test_records_added_while_paging_give_no_duplicates_and_a_second_pass():
    items = records(200)
    newer = records(260)[200:]
    api = FakeApi(items)
    original = api.__call__

    def growing(index, size):
        if index == 2 and len(api.items) == 200:
            api.items = newer + items  # 60 newer records pushed in at the head
        return original(index, size)

    ids, state, warnings = walk(growing, 50, concurrency=4)
    # The total changed (200 -> 260): the walk reads the list again from page 0, so every record is there, once.
    assert len(ids) == len(set(ids)) and set(ids) == set(r['id'] for r in newer + items)
    assert state.total == 260 and any('changed from 200 to 260' in w for w in warnings) and state.complete


@pytest.mark.parametrize(
    'quirks',
    [
        dict(max_size=7, offsets='asked', echo='asked'),
        dict(one_based='empty'),
        dict(one_based='dup', max_size=20),
        dict(total=40),
        dict(null_once={2}),
        dict(total=10**4),
        dict(text=True, max_size=9, echo='none'),
    ],
    ids=['capped-asked', 'one-based-empty', 'one-based-dup-capped', 'low', 'null-once', 'inflated', 'text'],
)
@pytest.mark.parametrize('concurrency', [1, 3, 8])
def test_concurrent_walk_of_quirky_servers_matches_the_sequential_one(quirks, concurrency):
    seq_ids, seq_state, dummy = walk(FakeApi(records(333), **quirks), 50)
    ids, state, dummy = walk(FakeApi(records(333), **quirks), 50, concurrency=concurrency)
    assert ids == seq_ids and evidence(state)['problems'] == evidence(seq_state)['problems']
    assert state.complete == seq_state.complete == ('total' not in quirks or quirks['total'] < 333)
    if state.complete:
        assert ids == ids_of(333)


def test_max_items_plans_only_the_pages_it_needs():
    api = FakeApi(records(1000))
    ids, state, dummy = walk(api, 50, concurrency=8, max_items=120)
    assert len(ids) == 120 and state.truncated and sorted(api.calls) == [0, 1, 2]


# ---- combinations the property tests found (issue 14) -------------------------------------------------------------


def test_a_page_count_that_changes_at_the_same_size_restarts_the_walk():
    # A record added at the head while the total stays put (clamped at 0 by a lying server): totalPages still tells.
    rows = records(1)
    asked = []

    def api(index, size):
        asked.append(index)
        if len(asked) == 2:
            rows.insert(0, {'id': 'new'})
        content = rows[index * size : (index + 1) * size]
        return {'content': content, 'totalCount': 0, 'totalPages': -(-len(rows) // size), 'pageSize': size}

    ids, state, warnings = walk(api, 1)
    assert 'new' in ids and any('page count changed from 1 to 2' in w for w in warnings)


def test_null_and_empty_list_answers_for_empty_pages_disagree():
    calls = []

    def api(index, size):
        calls.append(index)
        return {0: records(10), 1: None}.get(index, [])

    ids, state, dummy = walk(api, 10)
    assert len(ids) == 10 and not state.complete
    assert any('content null but page 2 as an empty list' in p for p in evidence(state)['problems'])


def test_a_page_count_the_pages_proved_low_is_ignored():
    def api(index, size):
        return {'content': records(13)[index * size : index * size + 12], 'totalCount': 12, 'totalPages': 0, 'pageSize': size}

    # The total (12) equals the short page, but totalPages 0 is proved wrong by page 0: no total is trusted, and the
    # next page, asked at the size served, finds the 13th record.
    ids, state, dummy = walk(api, 13)
    assert ids == ids_of(13)


def test_a_low_total_with_a_lost_null_page_is_incomplete():
    api = FakeApi(records(50), null_pages={0}, total=20)
    ids, state, dummy = walk(api, 10)
    assert not state.complete and any('null page may have lost records' in p for p in evidence(state)['problems'])
