# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging for every WBD list operation, GET or POST search alike.

The docs disagree on whether ``pageIndex`` is 0- or 1-based and never state a
maximum ``pageSize`` (wbd-api.md section 8), so the walk is defensive: start at 0,
de-duplicate by record ID, read the page size the server echoes (it may clamp
ours), and stop on the first of: an empty page, a short page, the reported total
reached, two pages in a row that bring nothing new, or a hard page limit. The
stop logic lives in ``PageState`` (pure, fed pages in order); fetching lives in
``Pager``, which may fetch the pages the first one announces concurrently.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ncloud.wbd.plugins.module_utils.errors import WbdMalformedResponseError

HARD_PAGE_LIMIT = 100000


def _as_int(value):
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def ceil_div(total, size):
    return (total + size - 1) // size


def parse_page(result, where='the list'):
    """(items, total_count, total_pages, page_size) of one page.

    Accepts the documented paged object and a bare array (GetQuarantine is
    documented both ways); ``None`` is an empty page.
    """
    if result is None:
        return [], None, None, None
    if isinstance(result, list):
        content, total, pages, size = result, None, None, None
    elif isinstance(result, dict):
        content = result.get('content')
        if content is None:
            content = []
        total = _as_int(result.get('totalCount'))
        pages = _as_int(result.get('totalPages'))
        size = _as_int(result.get('pageSize'))
    else:
        raise WbdMalformedResponseError('WBD API answered %s with a result of type %s; expected a page object or a list.'
                                        % (where, type(result).__name__))
    if not isinstance(content, list):
        raise WbdMalformedResponseError('WBD API answered %s with "content" of type %s; expected a list.' % (where, type(content).__name__))
    for item in content:
        if not isinstance(item, dict):
            raise WbdMalformedResponseError('WBD API answered %s with a record of type %s; expected objects.' % (where, type(item).__name__))
    return content, total, pages, size


class PageState(object):
    """What the walk has seen so far and whether it must stop. Pure: fed one page at a time, in order."""

    def __init__(self, page_size, id_key, max_items=None, warn=None):
        self.page_size = page_size
        self.id_key = id_key
        self.max_items = max_items
        self.warn = warn or (lambda msg: None)
        self.seen = set()
        self.count = 0
        self.first_total = None
        self.total = None
        self.stop_reason = None
        self.truncated = False
        self._fruitless = 0
        self._total_changed = False
        self._largest = 0
        self.served_size = page_size
        self._repeated = False

    @property
    def done(self):
        return self.stop_reason is not None

    def _key(self, item):
        value = item.get(self.id_key)
        if value is None:
            return 'record:' + json.dumps(item, sort_keys=True, default=str)
        return '%s' % (value,)

    def add(self, index, result, where='the list'):
        """Take page ``index``; return its records not seen before (at most up to max_items)."""
        items, total, pages, echoed = parse_page(result, where)
        if total is not None:
            if self.first_total is None:
                self.first_total = total
            elif total != self.total and not self._total_changed:
                self._total_changed = True
                self.warn('The total of %s changed from %d to %d while paging: records were added or removed during the '
                          'listing, so the result may miss or repeat changes made meanwhile.' % (where, self.total, total))
            self.total = total
        new = []
        for item in items:
            key = self._key(item)
            if key in self.seen:
                continue
            self.seen.add(key)
            if self.max_items is not None and self.count >= self.max_items:
                self.truncated = True
                break
            new.append(item)
            self.count += 1
        self._decide(index, items, new, pages, echoed)
        return new

    def _decide(self, index, items, new, pages, echoed):
        # Without an echoed page size (a bare array), a page shorter than asked for may be the server's own cap,
        # not the end: then only a page shorter than the largest one seen so far, or an empty one, ends the walk.
        self._largest = max(self._largest, len(items))
        if echoed and 0 < echoed <= self.page_size:
            size = echoed
        elif echoed is None:
            size = min(self.page_size, self._largest)
        else:
            size = self.page_size
        self.served_size = size
        self._fruitless = 0 if new else self._fruitless + 1
        self._repeated = self._repeated or (bool(items) and not new)
        if self.truncated:
            self.stop_reason = 'max_items'
        elif not items:
            self.stop_reason = 'empty page'
        elif len(items) < size:
            self.stop_reason = 'short page'
        elif self.total is not None and len(self.seen) >= self.total:
            self.stop_reason = 'total reached'
        elif self.max_items is not None and self.count >= self.max_items and self.total is not None:
            self.truncated = True  # the page was full and the total says more records exist
            self.stop_reason = 'max_items'
        elif self.total is None and pages is not None and not self._repeated and index + 1 >= pages:
            # Not once a page repeated: a 1-based server (or one ignoring pageIndex) counts its pages differently.
            self.stop_reason = 'last page'
        elif self._fruitless >= 2:
            self.stop_reason = 'repeated pages'
            self.warn('Pages %d and %d brought no new records: the API seems to ignore pageIndex, so paging stopped '
                      'after %d records.' % (index - 1, index, self.count))
        elif index + 1 >= self.page_limit():
            self.stop_reason = 'page limit'
            self.warn('Stopped after %d pages although the API keeps announcing more (total %s): its totals look wrong.'
                      % (index + 1, self.total))

    def page_limit(self):
        """Pages the walk may take at most: the first announced total twice over, plus slack, but never unbounded."""
        if self.first_total is None:
            return HARD_PAGE_LIMIT
        # The size the server serves, when it caps ours: an honest server serving 20 of 100 asked needs 5x the pages.
        size = max(1, min(self.page_size, self._largest or self.page_size))
        planned = ceil_div(max(self.first_total, 1), size)
        return min(HARD_PAGE_LIMIT, planned * 2 + 10)

    def finish(self, where='the list'):
        """Warn when the API's own total and what it actually delivered disagree."""
        if self.total is not None and not self.truncated and self.stop_reason != 'page limit' and len(self.seen) != self.total:
            self.warn('The API reported %d records in %s but delivered %d distinct ones.' % (self.total, where, len(self.seen)))


class Pager(object):
    """Iterate the records of one list operation, in page order.

    ``fetch_page(index, size)`` returns the envelope's ``result`` for that page; it must be
    thread-safe when ``concurrency`` > 1. Page 0 is always fetched alone; with a total known,
    the pages it announces are then fetched by up to ``concurrency`` workers, still handed to
    ``PageState`` in order, at most ``2 * concurrency`` pages ahead of it (memory stays bounded
    when one page is slow). Pages past the announced total (records added meanwhile) or of a
    list without a total are fetched one at a time, exactly as with ``concurrency`` 1.
    """

    def __init__(self, fetch_page, id_key, page_size, max_items=None, warn=None, where='the list', concurrency=1,
                 on_error=None):
        self.fetch_page = fetch_page
        self.on_error = on_error
        self.where = where
        self.concurrency = max(1, int(concurrency))
        self.state = PageState(page_size, id_key, max_items=max_items, warn=warn)
        self.pages_fetched = 0

    def _fetch(self, index):
        self.pages_fetched += 1
        return self.fetch_page(index, self.state.page_size)

    def planned_pages(self):
        """Pages the announced total (capped by max_items and the page limit) says exist, or None when unknown."""
        state = self.state
        if state.total is None:
            return None
        wanted = state.total if state.max_items is None else min(state.total, state.max_items)
        return min(ceil_div(max(wanted, 0), max(state.served_size, 1)), state.page_limit())

    def _take(self, index, result):
        return self.state.add(index, result, self.where)

    def _concurrent(self, start, stop, pool):
        """Yield the records of pages [start, stop) fetched by the pool, in order; stop early when the state is done."""
        ahead = deque()
        next_index = start
        try:
            while next_index < stop or ahead:
                while next_index < stop and len(ahead) < 2 * self.concurrency:
                    ahead.append((next_index, pool.submit(self._fetch, next_index)))
                    next_index += 1
                index, future = ahead.popleft()
                try:
                    result = future.result()
                except Exception:
                    if self.on_error is not None:
                        self.on_error()  # the pages still in flight need not finish their retries
                    raise
                yield from self._take(index, result)
                if self.state.done:
                    return
        finally:
            for dummy, future in ahead:
                future.cancel()

    def __iter__(self):
        index = 0
        pool = None
        try:
            while not self.state.done:
                planned = self.planned_pages() if self.concurrency > 1 and index > 0 else None
                if planned is not None and planned - index > 1:
                    if pool is None:
                        pool = ThreadPoolExecutor(max_workers=self.concurrency)
                    yield from self._concurrent(index, planned, pool)
                    index = planned
                    continue
                yield from self._take(index, self._fetch(index))
                index += 1
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
        self.state.finish(self.where)
