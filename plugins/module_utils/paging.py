# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging for every WBD list operation, GET or POST search alike.

The docs disagree on whether ``pageIndex`` is 0- or 1-based and never state a
maximum ``pageSize`` (wbd-api.md section 8), so the walk is defensive: start at 0,
de-duplicate by record ID, read the page size the server echoes (it may clamp
ours), and stop on the first of: an empty page, a short page, the reported total
reached, two pages in a row that bring nothing new, or a hard page limit. The
stop logic lives in ``PageState`` (pure); fetching lives in ``Pager.fetch_batch``
so that later pages can be fetched concurrently without touching the logic.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

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
        self._fruitless = 0 if new else self._fruitless + 1
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
        elif self.total is None and pages is not None and index + 1 >= pages:
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
        planned = ceil_div(max(self.first_total, 1), self.page_size)
        return min(HARD_PAGE_LIMIT, planned * 2 + 10)

    def finish(self, where='the list'):
        """Warn when the API's own total and what it actually delivered disagree."""
        if self.total is not None and not self.truncated and self.stop_reason != 'page limit' and len(self.seen) != self.total:
            self.warn('The API reported %d records in %s but delivered %d distinct ones.' % (self.total, where, len(self.seen)))


class Pager(object):
    """Iterate the records of one list operation.

    ``fetch_page(index, size)`` returns the envelope's ``result`` for that page.
    """

    def __init__(self, fetch_page, id_key, page_size, max_items=None, warn=None, where='the list'):
        self.fetch_page = fetch_page
        self.where = where
        self.state = PageState(page_size, id_key, max_items=max_items, warn=warn)

    def fetch_batch(self, indexes):
        """Fetch pages in order. The single place a concurrent strategy would replace."""
        return [self.fetch_page(index, self.state.page_size) for index in indexes]

    def __iter__(self):
        index = 0
        while not self.state.done:
            result = self.fetch_batch([index])[0]
            yield from self.state.add(index, result, self.where)
            index += 1
        self.state.finish(self.where)
