# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging for every WBD list operation, GET or POST search alike, with completeness proven, not assumed.

The API reference leaves open whether ``pageIndex`` is 0- or 1-based (its GetWebshell example sends 1, the others
0), the largest ``pageSize`` a server serves, and the envelope's shape and value types (a bare array for
GetQuarantine, totals as numbers or text). So the walk trusts no single answer: a list is complete only when its
pages agree with each other and with the totals.

- A page shorter than asked while the totals (or the server's echoed page size) say more is the server's cap: the
  walk re-pages at the size it serves, so no record between the served count and the asked size is skipped, whether
  the server computes offsets from the asked size or from the served one.
- A full page never ends the walk, whatever the total says; a short or empty page does, once the totals agree.
- An empty page 0 (or a page 1 that repeats page 0) while records exist is a 1-based server: page 1 is read too.
- ``content: null`` with real totals is asked again once; totals that change meanwhile restart the walk once.
- What was delivered is compared with the totals at the end; every disagreement becomes a one-line problem.

``PageState`` is pure: it says which page to ask next (``next_request``) and takes pages in order. ``Pager``
fetches, concurrently when the totals announce the pages to come, and always hands pages to the state in order.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdMalformedResponseError
from ansible_collections.ncloud.wbd.plugins.module_utils._text import plural

HARD_PAGE_LIMIT = 100000
# Walks started again from page 0: once when the total changed meanwhile, once when page sizes proved unstable.
MAX_TOTAL_RESTARTS = 1
MAX_SIZE_RESTARTS = 1
STOP_MAX_RESULTS = 'max_results'
_NUMBER = re.compile(r'^\s*\+?(\d+)(?:\.0*)?\s*$')


def _as_int(value):
    """A count as the API sent it (int, integral float or numeric text such as "237"), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str):
        match = _NUMBER.match(value)
        return int(match.group(1)) if match else None
    return None


def ceil_div(total, size):
    return (total + size - 1) // size


class Page(object):
    """One answer of a list operation: its records and what it says about the list."""

    __slots__ = ('items', 'total', 'pages', 'echo', 'null', 'text_numbers', 'unreadable')

    def __init__(self, items, total=None, pages=None, echo=None, null=False, text_numbers=False, unreadable=()):
        self.items = items
        self.total = total
        self.pages = pages
        self.echo = echo
        self.null = null
        self.text_numbers = text_numbers
        self.unreadable = unreadable


def read_page(result, where='the list'):
    """The ``Page`` of one envelope ``result``: the documented paged object, or a bare array (GetQuarantine is
    documented both ways). ``null`` (the result or its ``content``) is an empty page marked ``null``."""
    if result is None:
        return Page([], null=True)
    if isinstance(result, list):
        content, page = result, Page(result)
    elif isinstance(result, dict):
        content = result.get('content')
        numbers = dict((name, result.get(name)) for name in ('totalCount', 'totalPages', 'pageSize'))
        values = dict((name, _as_int(value)) for name, value in numbers.items())
        page = Page(
            [] if content is None else content,
            values['totalCount'],
            values['totalPages'],
            values['pageSize'],
            null=content is None,
            text_numbers=any(isinstance(v, str) and values[k] is not None for k, v in numbers.items()),
            unreadable=tuple(k for k, v in sorted(numbers.items()) if v is not None and values[k] is None),
        )
    else:
        raise WbdMalformedResponseError('WBD API answered %s with a result of type %s; expected a page object or a list.' % (where, type(result).__name__))
    if not isinstance(page.items, list):
        raise WbdMalformedResponseError('WBD API answered %s with "content" of type %s; expected a list.' % (where, type(content).__name__))
    for item in page.items:
        if not isinstance(item, dict):
            raise WbdMalformedResponseError('WBD API answered %s with a record of type %s; expected objects.' % (where, type(item).__name__))
    return page


def parse_page(result, where='the list'):
    """(items, total_count, total_pages, page_size) of one page; see ``read_page``."""
    page = read_page(result, where)
    return page.items, page.total, page.pages, page.echo


class PageState(object):
    """What the walk has seen, which page it needs next, and whether the list is complete.

    Pure: ``next_request()`` names the page (index, size) to ask for, ``add`` takes its answer. A *pass* reads the
    list from page 0; ``pass_seen`` holds the IDs of the current pass (what the totals are checked against), ``seen``
    those handed out (each record once, whatever the passes).
    """

    def __init__(self, page_size, id_key, max_items=None, warn=None, where='the list'):
        self.page_size = page_size
        self.size = page_size
        self.id_key = id_key
        self.max_items = max_items
        self.warn = warn or (lambda msg: None)
        self.where = where
        self.seen = set()
        self.count = 0
        self.total = None
        self.first_total = None
        self.total_pages = None
        self.echoed = None
        self.largest = 0
        self.page_base = None
        self.stop_reason = None
        self.truncated = False
        self.pages_taken = 0
        self.problems = []
        self.notes = []
        self.null_pages = []
        self.generation = 0
        self.total_restarts = 0
        self.size_restarts = 0
        self._pages_before_pass = 0
        self._text_numbers = False
        self._unreadable = set()
        self._refetched = None
        self._changed_again = False
        self._finished = False
        self._pages_at = (None, None)
        self._start_pass()

    # ---- the pass ------------------------------------------------------------------------------------------

    def _start_pass(self):
        self.generation += 1
        self.pass_seen = set()
        self.index = 0
        self._base = None
        self._pass_first_total = self.total
        self._pending = None  # (kind, index, records): a page that may end the list, waiting for the next one
        self._last_position = -1  # position (index - base) of the last page that brought records
        self._repeats = 0  # records that came again on another page of this pass
        self._pass_nulls = []  # pages of this pass that came back with content null twice
        self._pass_empties = {}  # True (null) / False ([]): the last page of this pass that came back so
        self._mixed = False
        self._pages_before_pass = self.pages_taken

    def _restart(self, note):
        self.notes.append(note)
        self.warn(note)
        self._start_pass()

    @property
    def done(self):
        return self.stop_reason is not None

    @property
    def served_size(self):
        return self.size

    def next_request(self):
        """(pageIndex, pageSize) to ask for next, or None when the walk is over."""
        return None if self.done else (self.index, self.size)

    def _key(self, item):
        value = item.get(self.id_key)
        if value is None:
            return 'record:' + json.dumps(item, sort_keys=True, default=str)
        return '%s' % (value,)

    # ---- what the totals say ---------------------------------------------------------------------------------

    def _total_low(self):
        return self.total is not None and len(self.pass_seen) > self.total

    def _pages_low(self):
        return self.total_pages is not None and self._last_position >= self.total_pages

    def _says_more(self, position):
        """True when a total announces records or pages past ``position``, False when all totals say no more,
        None when the server announced none (a bare array)."""
        if self._total_low() or self._pages_low():
            return None  # a total the pages proved wrong says nothing about the rest either
        votes = []
        if self.total is not None:
            votes.append(len(self.pass_seen) < self.total)
        if self.total_pages is not None:
            votes.append(position + 1 < self.total_pages)
        if not votes:
            return None
        return any(votes)

    def page_limit(self):
        """Pages the walk may take at most: per pass, the pass's first total twice over at the size asked, plus slack."""
        total = self._pass_first_total if self._pass_first_total is not None else self.first_total
        if total is None:
            return HARD_PAGE_LIMIT
        planned = ceil_div(max(total, 1), max(self.size, 1))
        return min(HARD_PAGE_LIMIT, self._pages_before_pass + planned * 2 + 10)

    # ---- taking a page ---------------------------------------------------------------------------------------

    def add(self, index, result, where=None, size=None):
        """Take the answer for page ``index`` (asked at ``size``, by default the size asked now); return its records
        not handed out before (at most up to max_items)."""
        where = where or self.where
        size = self.size if size is None else size
        page = read_page(result, where)
        self.pages_taken += 1
        self._text_numbers = self._text_numbers or page.text_numbers
        self._unreadable.update(name for name in page.unreadable if name != 'pageSize')
        changed = page.total is not None and self.total is not None and page.total != self.total
        previous, what = self.total, 'total'
        if not changed and page.pages is not None and self._pages_at == (self.total_pages, size) and page.pages != self.total_pages:
            changed, previous, what = True, self.total_pages, 'page count'  # the same size asked, another page count
        self._pages_at = (page.pages, size)
        if page.total is not None:
            self.total = page.total
            if self.first_total is None:
                self.first_total = page.total
            if self._pass_first_total is None:
                self._pass_first_total = page.total
        if page.pages is not None:
            self.total_pages = page.pages
        if page.echo is not None:
            self.echoed = page.echo
        before = len(self.pass_seen)
        new, pass_new, repeats = self._take_items(page.items)
        self.largest = max(self.largest, len(page.items))
        if changed and self._total_changed(what, previous, page.total if what == 'total' else page.pages):
            return new
        self._decide(index, size, page, before, pass_new, repeats)
        if not self.done and self.pages_taken >= self.page_limit():
            self.stop_reason = 'page limit'
            self.problems.append(
                '%s: stopped after %s although pages kept coming (announced total %s): the totals look '
                'wrong.' % (self.where, plural(self.pages_taken, 'page'), self.total)
            )
        return new

    def _take_items(self, items):
        new, pass_new, repeats = [], 0, 0
        for item in items:
            key = self._key(item)
            if key in self.pass_seen:
                repeats += 1
            else:
                self.pass_seen.add(key)
                pass_new += 1
            if key in self.seen:
                continue
            if self.max_items is not None and self.count >= self.max_items:
                self.truncated = True
                break
            self.seen.add(key)
            new.append(item)
            self.count += 1
        return new, pass_new, repeats

    def _total_changed(self, what, previous, total):
        """Records were added or removed while paging: start the pass again once; the second time it is a problem."""
        if self.total_restarts < MAX_TOTAL_RESTARTS and not self.truncated:
            self.total_restarts += 1
            self._restart(
                '%s: the %s changed from %d to %d while paging (records added or removed meanwhile); '
                'reading the list again from page 0.' % (self.where, what, previous, total)
            )
            return True
        if not self._changed_again:
            self._changed_again = True
            self.problems.append(
                '%s: the %s changed again, from %d to %d, while paging: records are being added or '
                'removed during the listing.' % (self.where, what, previous, total)
            )
        return False

    def _stop(self, reason):
        self.stop_reason = reason

    def _decide(self, index, size, page, before, pass_new, repeats):
        items = page.items
        if self.truncated:
            return self._stop(STOP_MAX_RESULTS)
        if page.null:
            # content null is no answer: an empty page that may disagree with the totals. Ask once more; if it stays
            # null, it is an empty page, and where the totals announce records the next page tells an end from a loss.
            if self._refetched != (self.generation, index, size):
                self._refetched = (self.generation, index, size)
                return None  # the same page again: index and size unchanged
            if self._says_more(self._last_position) is not False:
                self.null_pages.append(index)
                self._pass_nulls.append(index)
        if not items:
            return self._empty(index, page.null)
        pending, self._pending = self._pending, None
        if self._base is None and index >= 1 and before:
            if pass_new == 0:
                # Page 1 repeats page 0: the server numbers pages from 1 and reads 0 as 1.
                self._set_base(1, 'page 1 repeated page 0')
                self.index = index + 1
                return None
            self._set_base(0, None)
        elif self._base is None and index >= 1 and pending is not None and pending[0] == 'base':
            self._set_base(1, 'page 0 was empty')
        position = index - (self._base or 0)
        if pass_new == 0:
            self.problems.append(
                '%s: page %d brought only records already listed: the API seems to ignore pageIndex, so '
                'paging stopped after %s.' % (self.where, index, plural(self.count, 'record'))
            )
            return self._stop('repeated pages')
        self._repeats += repeats
        if pending is not None and pending[0] == 'gap':
            self.problems.append(
                '%s: page %d came back empty%s although page %d has records: the records of page %d '
                'are missing.' % (self.where, pending[1], ' (content null, twice)' if pending[1] in self._pass_nulls else '', index, pending[1])
            )
        elif pending is not None and pending[0] == 'hole':
            if self._hole(pending):
                return None
        self._last_position = position
        if self.max_items is not None and self.count >= self.max_items and self._says_more(position):
            self.truncated = True  # the list holds more than max_items: no need to read them
            return self._stop(STOP_MAX_RESULTS)
        if len(items) >= size:
            self.index = index + 1
            return None
        return self._short(index, size, page, before, position)

    def _set_base(self, base, why):
        self._base = base
        if self.page_base is None or base == 1:
            if base == 1 and self.page_base != 1:
                self.notes.append('%s numbers its pages from 1 (%s); page 1 was read too.' % (self.where, why))
            self.page_base = base

    def _empty(self, index, null):
        """An empty page: the end, unless the totals say more (then the next page decides) or it is page 0."""
        pending, self._pending = self._pending, None
        more = self._says_more(self._last_position)
        if (not null) in self._pass_empties and not self._mixed:
            # An honest server answers every empty page the same way; null on one and [] on another means the null
            # page may have lost its records.
            self._mixed = True
            null_page, list_page = (index, self._pass_empties[False]) if null else (self._pass_empties[True], index)
            self.problems.append(
                '%s: page %d came back with content null but page %d as an empty list: the null page '
                'may have lost records.' % (self.where, null_page, list_page)
            )
        self._pass_empties[null] = index
        if pending is not None:
            return self._stop('empty page')
        if self._base is None and index == 0 and not self.pass_seen and self._says_more(-1) is not False:
            self._pending = ('base', index, 0)  # a 1-based server's page 0, or the end of an empty list
            self.index = index + 1
            return None
        if (self.pass_seen and more) or (null and more is None):
            self._pending = ('gap', index, 0)
            self.index = index + 1
            return None
        return self._stop('empty page')

    def _short(self, index, size, page, before, position):
        """A page with fewer records than asked: the server's cap (re-page at what it serves) or the end."""
        served = len(page.items)
        capped = page.echo is not None and 0 < page.echo < size and served >= page.echo
        more = self._says_more(position)
        if not before:
            # The first records of the pass: both offset conventions agree on page 0, so the next page, asked at the
            # size served, starts right after them. Without totals this one request tells a cap from the end.
            if capped or more is not False:
                self._repage(size, served, page.echo)
                self.index = index + 1
                return None
            return self._stop('short page')
        if more:
            self._pending = ('hole', index, served)  # an early end, or pages of varying size: the next page decides
            self.index = index + 1
            return None
        return self._stop('short page')

    def _repage(self, size, served, echo):
        if served < self.size:
            self.size = served
            self.notes.append(
                '%s served %d records for a page of %d%s; paging on at %d.'
                % (self.where, served, size, '' if echo is None else ' (pageSize %d echoed)' % echo, served)
            )

    def _hole(self, pending):
        """A short page followed by more records: records between them may have been skipped. Read the list again
        from page 0 at the smaller size (once); otherwise it is a problem."""
        dummy, index, served = pending
        if self.size_restarts < MAX_SIZE_RESTARTS and 0 < served < self.size:
            self.size_restarts += 1
            old = self.size
            self.size = served
            self._restart(
                '%s: page %d had only %d of %d records but more followed; reading the list again from page 0 '
                'at %d per page.' % (self.where, index, served, old, served)
            )
            return True
        self.problems.append(
            '%s: page %d had only %d records but more followed: the page sizes the API serves vary, so '
            'records may have been skipped.' % (self.where, index, served)
        )
        return False

    # ---- the verdict -----------------------------------------------------------------------------------------

    def finish(self, where=None):
        """Compare what was delivered with the totals; record each disagreement as a problem."""
        if self._finished:
            return
        self._finished = True
        where = where or self.where
        if self._text_numbers:
            self.notes.append('%s sent its totals or page size as text; read as numbers.' % (where,))
        for name in sorted(self._unreadable):
            self.problems.append('%s: %s was not a number; it was ignored.' % (where, name))
        if self.truncated or self.stop_reason not in ('short page', 'empty page'):
            return  # a walk cut short has nothing to compare: its reason is said already
        delivered = len(self.pass_seen)
        pages = self.pages_taken - self._pages_before_pass
        nulls = self._nulls_text()
        if self.total is not None:
            self._total_verdict(where, delivered, pages, nulls)
            if delivered < self.total or self.total_pages is None or self._last_position + 1 >= self.total_pages:
                return
        if self.total_pages is not None and self._page_count_verdict(where, nulls):
            return
        self._verdict_without_total(where, pages)  # only a walk without a total gets here

    def _nulls_text(self):
        """The pages that came back with content null twice, as a message names them (or nothing)."""
        if not self.null_pages:
            return ''
        return ' (page%s %s came back with content null twice)' % ('s' if len(self.null_pages) > 1 else '', ', '.join('%d' % i for i in self.null_pages))

    def _total_verdict(self, where, delivered, pages, nulls):
        """The records delivered against the announced total: too few is a problem; too many is one only when
        repeated or null pages may hide records, else the total was merely low."""
        if delivered < self.total:
            self.problems.append(
                '%s announced %s%s but delivered %d after %s%s.'
                % (
                    where,
                    plural(self.total, 'record'),
                    '' if self.total_pages is None else ' in %s' % plural(self.total_pages, 'page'),
                    delivered,
                    plural(pages, 'page'),
                    nulls,
                )
            )
        elif delivered > self.total and self._repeats:
            self.problems.append(
                '%s announced %d records and delivered %d, with %d repeated on other pages: the '
                'order is not stable between pages, so records may be missing.' % (where, self.total, delivered, self._repeats)
            )
        elif delivered > self.total and self._pass_nulls:
            self.problems.append(
                '%s announced %d records and delivered %d%s: with a wrong total, the null page may have lost records.' % (where, self.total, delivered, nulls)
            )
        elif delivered > self.total:
            self.notes.append(
                '%s announced %d records but delivered %d, and pages ended with a short or empty one: the total was low.' % (where, self.total, delivered)
            )

    def _page_count_verdict(self, where, nulls):
        """The pages that brought records against the announced page count; True when they disagree (said here)."""
        came = self._last_position + 1
        if came > self.total_pages and (self._pass_nulls or self._repeats):
            self.problems.append(
                '%s announced %s but records came on %d%s: with a wrong page count, %s.'
                % (
                    where,
                    plural(self.total_pages, 'page'),
                    came,
                    nulls,
                    'the null page may have lost records' if self._pass_nulls else 'repeated records hide others',
                )
            )
        elif came > self.total_pages:
            self.notes.append(
                '%s announced %s but records came on %d, and pages ended with a short or empty one: '
                'the page count was low.' % (where, plural(self.total_pages, 'page'), came)
            )
        elif came < self.total_pages:
            self.problems.append('%s announced %s but only %d came with records%s.' % (where, plural(self.total_pages, 'page'), came, nulls))
        return came != self.total_pages

    def _verdict_without_total(self, where, pages):
        """No total to compare with: repeated records are a problem; otherwise, without a page count either, note it."""
        if self._repeats:
            self.problems.append(
                '%s repeated %d records on other pages and announced no total: the order is not stable '
                'between pages, so records may be missing.' % (where, self._repeats)
            )
        elif self.total_pages is None:
            self.notes.append('%s announced no total; the list ended with a %s after %s.' % (where, self.stop_reason, plural(pages, 'page')))

    @property
    def complete(self):
        return self.done and not self.truncated and not self.problems

    def truncation(self):
        """The sentence that says max_results cut the list, or None."""
        if not self.truncated:
            return None
        announced = '' if self.total is None else ' of the %d %s announced' % (self.total, self.where)
        return 'max_results %s cut the list: %s%s.' % (self.max_items, plural(self.count, 'record'), announced)

    def completeness(self, operation=None, pages_requested=None):
        """The evidence of the walk, as every list result carries it."""
        problems = list(self.problems)
        truncation = self.truncation()
        if truncation:
            problems.insert(0, truncation)
        return {
            'complete': self.complete,
            'operation': operation or self.where,
            'pages_requested': self.pages_taken if pages_requested is None else pages_requested,
            'page_size_asked': self.page_size,
            'page_size_served': self.largest or None,
            'page_size_used': self.size,
            'page_size_echoed': self.echoed,
            'page_base': self.page_base,
            'total_announced': self.total,
            'total_first_announced': self.first_total,
            'total_pages_announced': self.total_pages,
            'records_delivered': self.count,
            'passes': self.generation,
            'null_pages': list(self.null_pages),
            'stop_reason': self.stop_reason,
            'truncated': self.truncated,
            'problems': problems,
            'notes': list(self.notes),
        }

    def plan(self):
        """(first index, stop index, size) of the pages the totals say come next (the next request first), for
        fetching ahead; a single page while the next answer may change the plan."""
        request = self.next_request()
        if request is None:
            return None
        index, size = request
        single = (index, index + 1, size)
        if self.pages_taken == 0 or self._pending is not None or self._refetched == (self.generation, index, size):
            return single
        if self.total is None or self._total_low() or self._pages_low():
            return single
        remaining = self.total - len(self.pass_seen)
        confirm = 1  # a last page exactly full needs one more page to prove the end
        if self.max_items is not None and self.max_items - self.count < remaining:
            remaining, confirm = max(self.max_items - self.count, 0), 0
        if remaining <= 0:
            return single
        pages = ceil_div(remaining, size) + (confirm if remaining % size == 0 else 0)
        stop = min(index + pages, index + max(self.page_limit() - self.pages_taken, 1))
        return (index, max(stop, index + 1), size)


class Pager(object):
    """Iterate the records of one list operation, in page order.

    ``fetch_page(index, size)`` returns the envelope's ``result`` for that page; it must be thread-safe when
    ``concurrency`` > 1. Page 0 is always fetched alone; once the totals announce the pages to come, up to
    ``concurrency`` workers fetch them, at most ``2 * concurrency`` ahead of the page ``PageState`` takes next.
    Pages are still taken in order, and only the page the state asks for: a prefetched page the state no longer
    wants (it re-paged, restarted or stopped) is dropped, so a concurrent walk takes exactly the pages a sequential
    one takes.
    """

    def __init__(self, fetch_page, id_key, page_size, max_items=None, warn=None, where='the list', concurrency=1, on_error=None):
        self.fetch_page = fetch_page
        self.on_error = on_error
        self.where = where
        self.concurrency = max(1, int(concurrency))
        self.state = PageState(page_size, id_key, max_items=max_items, warn=warn, where=where)
        self.pages_fetched = 0
        self._lock = threading.Lock()

    def _fetch(self, index, size):
        with self._lock:
            self.pages_fetched += 1
        return self.fetch_page(index, size)

    def completeness(self, operation=None):
        return self.state.completeness(operation or self.where, self.pages_fetched)

    def _prefetch(self, pool, ahead):
        """Keep the planned pages in flight (at most 2 x concurrency); drop those the state no longer plans."""
        state = self.state
        plan = state.plan()
        if plan is None:
            return pool
        start, stop, size = plan
        wanted = set((state.generation, i, size) for i in range(start, min(stop, start + 2 * self.concurrency)))
        for key in [k for k in ahead if k not in wanted]:
            ahead.pop(key).cancel()
        if stop - start <= 1 and not ahead:
            return pool
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=self.concurrency)
        for key in sorted(wanted):
            if len(ahead) >= 2 * self.concurrency:
                break
            if key not in ahead:
                ahead[key] = pool.submit(self._fetch, key[1], key[2])
        return pool

    def __iter__(self):
        state = self.state
        pool = None
        ahead = {}
        try:
            while True:
                request = state.next_request()
                if request is None:
                    break
                if self.concurrency > 1:
                    pool = self._prefetch(pool, ahead)
                future = ahead.pop((state.generation,) + request, None)
                if future is None:
                    result = self._fetch(*request)
                else:
                    try:
                        result = future.result()
                    except Exception:
                        if self.on_error is not None:
                            self.on_error()  # the pages still in flight need not finish their retries
                        raise
                yield from state.add(request[0], result, self.where, size=request[1])
        finally:
            for future in ahead.values():
                future.cancel()
            if pool is not None:
                pool.shutdown(wait=True)
        state.finish(self.where)
