# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The page walk gets every record exactly once, whatever the server's paging quirks, and always stops."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

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
