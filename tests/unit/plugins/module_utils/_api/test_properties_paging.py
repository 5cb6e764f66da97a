# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of the page walk (``paging.PageState``, driven the way ``Pager`` drives it) against model servers.

The model holds a list of rows and answers ``(pageIndex, pageSize)`` with one slice of it. Its behaviours are drawn
at random, alone and combined, one class per behaviour the API docs leave open (issue 14): a cap on the page size
with offsets computed from the served or from the asked size; the page size echoed as served, as asked, as zero or
not at all; a bare array or a paged object; 0- or 1-based page indexes (page 0 empty or repeating page 1);
``content: null`` for empty pages, once for a page with records, or always for one; totals that are honest, absent,
low, inflated, text or changing; records added while the walk runs; duplicate rows; pageIndex ignored.

The property that matters: the walk either delivers exactly the server's records, or says ``complete: False`` with
a problem. Never ``complete: True`` with a record missing, unless every answer the walk got is the answer an honest
server holding only the delivered records would have given (then no client can tell). From a server whose
behaviours are benign it delivers every record, in order, complete, with few requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

from ansible_collections.ncloud.wbd.plugins.module_utils._api import paging
from ansible_collections.ncloud.wbd.plugins.module_utils._api.paging import Pager, PageState
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.property_strategies import examples, regression_examples
from hypothesis import example, given
from hypothesis import strategies as st

WHERE = 'GetWebshell'
ENOUGH = 5000  # pages: a walk of a finite model server that gets here does not terminate


class Server(object):
    """A WBD list endpoint with configurable behaviours. Every answer is a pure function of (index, size), except
    with ``null_once`` (a page answered null the first time only) or ``grow_after`` (rows added at the head after
    that many requests)."""

    OPTIONS = (
        'shape',
        'base',
        'base_mode',
        'clamp',
        'offsets',
        'total',
        'total_delta',
        'pages',
        'pages_delta',
        'echo',
        'ignore_index',
        'null_empty',
        'null_once',
        'null_always',
        'numbers_as_text',
        'grow_after',
        'grow_by',
    )

    def __init__(
        self,
        rows,
        shape='paged',
        base=0,
        base_mode='dup',
        clamp=None,
        offsets='served',
        total='honest',
        total_delta=0,
        pages='honest',
        pages_delta=0,
        echo='served',
        ignore_index=False,
        null_empty=False,
        null_once=(),
        null_always=(),
        numbers_as_text=False,
        grow_after=None,
        grow_by=0,
    ):
        self.rows = rows
        self.shape = shape  # 'paged' object or 'bare' array
        self.base = base  # 1: pages numbered from 1
        self.base_mode = base_mode  # with base 1, pageIndex 0 is 'dup' (page 1 again) or 'empty'
        self.clamp = clamp  # the largest page the server serves, whatever was asked
        self.offsets = offsets  # a page starts at page * 'served' size or page * 'asked' size
        self.total = total  # totalCount: 'honest' | 'none' | 'offset' (off by total_delta) | 'changing'
        self.total_delta = total_delta
        self.pages = pages  # totalPages: 'honest' | 'none' | 'offset' (off by pages_delta)
        self.pages_delta = pages_delta
        self.echo = echo  # pageSize: 'served' | 'requested' | 'none' | 'zero'
        self.ignore_index = ignore_index
        self.null_empty = null_empty  # an empty page is null instead of []
        self.null_once = set(null_once)  # these pageIndex values answer content null the first time
        self.null_always = set(null_always)  # these pageIndex values always answer content null (records lost)
        self.numbers_as_text = numbers_as_text
        self.grow_after = grow_after  # after this many requests, grow_by new rows appear at the head
        self.grow_by = grow_by
        self.requests = 0

    def __repr__(self):
        return 'Server(%r, %s)' % (
            self.rows if len(self.rows) <= 40 else '<%d rows>' % len(self.rows),
            ', '.join('%s=%r' % (o, getattr(self, o)) for o in self.OPTIONS),
        )

    def served(self, size):
        return min(size, self.clamp or size)

    def _number(self, value):
        return '%d' % value if self.numbers_as_text else value

    def _content(self, index, size):
        served = self.served(size)
        if self.ignore_index:
            page = 0
        elif self.base == 1 and index == 0 and self.base_mode == 'empty':
            return []
        else:
            page = max(index - self.base, 0)
        start = page * (served if self.offsets == 'served' else size)
        return self.rows[start : start + served]

    def __call__(self, index, size):
        self.requests += 1
        if self.grow_after is not None and self.requests == self.grow_after + 1:
            self.rows = [{'id': 'new-%d' % i, 'n': -1 - i} for i in range(self.grow_by)] + self.rows
        served = self.served(size)
        content = self._content(index, size)
        if index in self.null_always or index in self.null_once or (self.null_empty and not content):
            self.null_once.discard(index)
            content = None
        if self.shape == 'bare':
            return content
        result = {'content': content, 'pageIndex': index}
        if self.total != 'none':
            count = len(self.rows)
            if self.total == 'offset':
                count = max(count + self.total_delta, 0)
            elif self.total == 'changing':
                count += index % 3
            result['totalCount'] = self._number(count)
        if self.pages != 'none':
            pages = paging.ceil_div(len(self.rows), served) + (self.pages_delta if self.pages == 'offset' else 0)
            result['totalPages'] = self._number(max(pages, 0))
        if self.echo != 'none':
            result['pageSize'] = self._number({'served': served, 'requested': size, 'zero': 0}[self.echo])
        return result

    def honest_twin(self, rows):
        """The same server, holding ``rows``, with honest totals and no lost or ignored pages."""
        twin = copy.copy(self)
        twin.rows = list(rows)
        twin.total = 'none' if self.total == 'none' else 'honest'
        twin.pages = 'none' if self.pages == 'none' else 'honest'
        twin.ignore_index, twin.null_once, twin.null_always, twin.grow_after = False, set(), set(), None
        return twin


def key(record):
    """How the walk tells records apart: the ID, or the whole record when it has none."""
    return '%s' % (record['id'],) if record.get('id') is not None else 'record:' + json.dumps(record, sort_keys=True)


def distinct(rows):
    seen, out = set(), []
    for row in rows:
        if key(row) not in seen:
            seen.add(key(row))
            out.append(row)
    return out


def walk(server, page_size, max_items=None):
    """Drive PageState exactly as Pager does with one page at a time: the page it asks for, until done."""
    warnings = []
    state = PageState(page_size, 'id', max_items=max_items, warn=warnings.append, where=WHERE)
    out, asked = [], []
    while not state.done:
        assert len(asked) < ENOUGH, 'the walk does not end (stop reason %r after %d pages)' % (state.stop_reason, len(asked))
        index, size = state.next_request()
        answer = server(index, size)
        asked.append((index, size, answer))  # answers are fresh dicts; the walk never changes them
        out.extend(state.add(index, answer, WHERE, size=size))
    state.finish(WHERE)
    return out, state, warnings, asked


# ---- strategies -----------------------------------------------------------------------------------

BOOLS = st.booleans()
NUMBERS = st.integers(0, 10**6)  # taken modulo what is needed
ROW_COUNTS = st.integers(0, 120)
IDLESS = st.lists(NUMBERS, max_size=4)
COPIES = st.lists(st.tuples(NUMBERS, st.integers(1, 12)), max_size=6)
SHAPES = st.sampled_from(['paged', 'paged', 'bare'])
BASES = st.sampled_from([0, 0, 1])
BASE_MODES = st.sampled_from(['dup', 'empty'])
CLAMPS = st.one_of(st.none(), st.integers(1, 30))
OFFSETS = st.sampled_from(['served', 'asked'])
ONE_IN_TEN = st.integers(0, 9).map(lambda n: n == 0)
HONEST_TOTALS = st.sampled_from(['honest', 'none'])
HONEST_ECHOES = st.sampled_from(['served', 'requested', 'none'])
TOTALS = st.sampled_from(['honest', 'none', 'offset', 'offset', 'changing'])
TOTAL_DELTAS = st.integers(-40, 40).filter(bool)
PAGE_COUNTS = st.sampled_from(['honest', 'none', 'offset'])
PAGE_DELTAS = st.integers(-5, 5).filter(bool)
ECHOES = st.sampled_from(['served', 'requested', 'none', 'zero'])
PAGE_SETS = st.one_of(st.just(()), st.lists(st.integers(0, 8), max_size=2))
GROWTH = st.one_of(st.none(), st.none(), st.integers(0, 6))


@st.composite
def datasets(draw):
    """Rows with distinct IDs (text or numbers; a few records without an ID, keyed by content kept distinct by 'n')."""
    n = draw(ROW_COUNTS)
    numeric = draw(BOOLS)
    rows = [{'id': (i * 7 + 3 if numeric else '2024%018d' % (i * 7 + 3)), 'n': i} for i in range(n)]
    for i in draw(IDLESS) if n else []:
        rows[i % n].pop('id', None)
    return rows


def with_duplicates(rows, copies):
    """Some rows served twice, the copy right after or a little later (a listing that shifted)."""
    rows = list(rows)
    for i, later in copies if rows else []:
        i %= len(rows)
        rows.insert(min(len(rows), i + later), dict(rows[i]))
    return rows


@st.composite
def servers(draw, benign=False, **fixed):
    """A model server; ``benign``: behaviours that lose nothing (cap, either offset convention, honest echoes,
    either base, null for empty pages or once, text numbers, bare arrays, honest or absent totals)."""
    rows = draw(datasets())
    kwargs = dict(
        shape=draw(SHAPES),
        base=draw(BASES),
        base_mode=draw(BASE_MODES),
        clamp=draw(CLAMPS),
        offsets=draw(OFFSETS),
        null_empty=draw(BOOLS),
        null_once=draw(PAGE_SETS),
        numbers_as_text=draw(ONE_IN_TEN),
    )
    if benign:
        kwargs.update(total=draw(HONEST_TOTALS), pages=draw(HONEST_TOTALS), echo=draw(HONEST_ECHOES))
    else:
        if draw(BOOLS):
            rows = with_duplicates(rows, draw(COPIES))
        grow_after = draw(GROWTH)
        kwargs.update(
            total=draw(TOTALS),
            total_delta=draw(TOTAL_DELTAS),
            pages=draw(PAGE_COUNTS),
            pages_delta=draw(PAGE_DELTAS),
            echo=draw(ECHOES),
            ignore_index=draw(ONE_IN_TEN),
            null_always=draw(PAGE_SETS) if draw(ONE_IN_TEN) else (),
            grow_after=grow_after,
            grow_by=draw(st.integers(1, 15)) if grow_after is not None else 0,
        )
    kwargs.update(fixed)
    return Server(rows, **kwargs)


PAGE_SIZES = st.integers(1, 30)
MAX_ITEMS = st.one_of(st.none(), st.none(), st.integers(0, 130))


# ---- properties ---------------------------------------------------------------------------------------


def indistinguishable(server, out, asked):
    """Whether every answer the walk got is what an honest server holding only ``out`` would have answered."""
    # An honest server may answer empty pages with null, and number its pages from 0 or from 1. A page asked twice
    # counts with its last answer: a transient null that the second request corrected is no lie about the list.
    last = dict(((index, size), answer) for index, size, answer in asked)
    asked = [(index, size, answer) for (index, size), answer in last.items()]
    for null_empty in (False, True):
        for base, base_mode in ((0, 'dup'), (1, 'dup'), (1, 'empty')):
            twin = server.honest_twin(out)
            twin.null_empty, twin.base, twin.base_mode = null_empty, base, base_mode
            if all(twin(index, size) == answer for index, size, answer in asked):
                return True
    return False


def check_any_server(server, page_size, max_items, out, state, warnings, asked):
    """What holds whatever the server does."""
    final = distinct(server.rows)
    ever = set(key(r) for r in final)
    if server.grow_after is not None and (server.shape == 'bare' or server.total == 'none'):
        # Records added while a list without totals is read cannot be told from records added after: what must be
        # there are the records that were there all along.
        final = distinct(state_rows_before_growth(server))
    evidence = state.completeness(WHERE)
    # ends, within the page limit
    assert len(asked) <= state.page_limit()
    # each record once, and only records the server had
    keys = [key(r) for r in out]
    assert len(set(keys)) == len(keys)
    assert set(keys) <= ever
    assert state.count == len(out) == evidence['records_delivered']
    # max_items is a hard cap, and the truncated flag means it cut the list
    if max_items is not None:
        assert len(out) <= max_items
    if state.truncated:
        assert max_items is not None and len(out) == max_items and not state.complete
        assert evidence['problems'][0].startswith('max_results %d cut the list' % max_items)
    # the verdict is never wrong: complete means every record, else a problem says why
    assert evidence['complete'] == state.complete == (not evidence['problems'] and not state.truncated)
    if state.complete:
        if not set(key(r) for r in final) <= set(keys):
            assert indistinguishable(server, out, asked), 'complete=True but %d of %d records missing (stop reason %r, evidence %r)' % (
                len(set(key(r) for r in final) - set(keys)),
                len(final),
                state.stop_reason,
                evidence,
            )
        elif state.generation == 1 and server.grow_after is None:
            assert out == final  # in the server's order
    for problem in evidence['problems']:
        assert isinstance(problem, str) and '\n' not in problem and problem


def state_rows_before_growth(server):
    return [r for r in server.rows if not ('%s' % r.get('id', '')).startswith('new-')]


@examples(1500)
@given(server=servers(), page_size=PAGE_SIZES, max_items=MAX_ITEMS)
@example(server=Server([{'id': str(i)} for i in range(30)], total='offset', total_delta=10**6), page_size=10, max_items=None)
@example(server=Server([{'id': str(i)} for i in range(30)], ignore_index=True), page_size=10, max_items=None)
@example(server=Server([{'id': str(i)} for i in range(25)], clamp=10, echo='requested', total='none'), page_size=20, max_items=None)
@example(
    server=Server([{'id': str(i)} for i in range(237)], clamp=20, offsets='asked', echo='requested', total='offset', total_delta=-217, pages='none'),
    page_size=100,
    max_items=None,
)
@example(server=Server([{'id': str(i)} for i in range(60)], null_always={1}, total='offset', total_delta=-10), page_size=10, max_items=None)
@example(server=Server([{'id': str(i)} for i in range(60)], grow_after=2, grow_by=5), page_size=10, max_items=None)
def test_the_walk_delivers_every_record_or_says_it_did_not(server, page_size, max_items):
    out, state, warnings, asked = walk(server, page_size, max_items)
    check_any_server(server, page_size, max_items, out, state, warnings, asked)


def benign_walk_is_exact(server, page_size, max_items):
    out, state, warnings, asked = walk(server, page_size, max_items)
    check_any_server(server, page_size, max_items, out, state, warnings, asked)
    expected = distinct(server.rows) if max_items is None else distinct(server.rows)[:max_items]
    assert out == expected, (len(out), len(expected), state.stop_reason, state.completeness())
    assert state.truncated == (max_items is not None and len(distinct(server.rows)) > max_items)
    assert state.complete == (not state.truncated), state.completeness()
    assert not warnings, warnings
    if server.total == 'honest' and server.shape == 'paged':
        assert state.total == len(server.rows)
    return asked


@examples(1500)
@given(server=servers(benign=True), page_size=PAGE_SIZES, max_items=MAX_ITEMS)
@example(server=Server([{'id': str(i)} for i in range(25)], shape='bare', clamp=10), page_size=20, max_items=20)
@example(server=Server([{'id': str(i)} for i in range(20)], shape='bare', clamp=10), page_size=20, max_items=20)
@example(server=Server([{'id': str(i)} for i in range(250)], base=1, pages='none'), page_size=100, max_items=None)
@example(
    server=Server([{'id': str(i)} for i in range(237)], base=1, base_mode='empty', clamp=20, offsets='asked', echo='requested'), page_size=100, max_items=None
)
@example(server=Server([{'id': str(i)} for i in range(25)], base=1, total='none'), page_size=10, max_items=None)
def test_a_benign_server_gives_exactly_its_records(server, page_size, max_items):
    benign_walk_is_exact(server, page_size, max_items)


@examples(600)
@given(server=servers(benign=True, shape='paged', base=0, null_empty=False, null_once=(), total='honest'), page_size=PAGE_SIZES)
def test_an_honest_server_costs_at_most_one_extra_request(server, page_size):
    """Today's count: the pages the records fill at the size served; one more only when the last is exactly full."""
    asked = benign_walk_is_exact(server, page_size, None)
    served = server.served(page_size)
    rows = len(server.rows)
    needed = max(paging.ceil_div(rows, served), 1)
    extra = 1 if rows % served == 0 or (served < page_size and rows <= served) else 0
    assert len(asked) <= needed + extra, (len(asked), needed, extra)


@regression_examples(300)
@given(server=servers(benign=True, shape='paged', total='honest', base=0), page_size=st.integers(10, 30), data=st.data())
@example(server=Server([{'id': str(i)} for i in range(1000)], clamp=20), page_size=100, data=None)
def test_a_server_clamping_the_page_size_hard(server, page_size, data):
    if data is not None:
        server.clamp = data.draw(st.integers(1, 3))
        server.rows = [{'id': str(i)} for i in range(data.draw(st.integers(60, 200)))]
    benign_walk_is_exact(server, page_size, None)


@examples(500)
@given(server=servers(), page_size=PAGE_SIZES, max_items=MAX_ITEMS, concurrency=st.integers(1, 6))
def test_pager_yields_what_the_page_state_walk_yields(server, page_size, max_items, concurrency):
    twin = copy.deepcopy(server)
    warnings = []
    pager = Pager(
        server,
        'id',
        page_size,
        max_items=max_items,
        warn=warnings.append,
        where=WHERE,
        concurrency=1 if server.null_once or server.grow_after is not None else concurrency,
    )
    out = list(pager)
    expected, state, expected_warnings, dummy = walk(twin, page_size, max_items)
    assert out == expected
    assert pager.completeness()['problems'] == state.completeness()['problems']
    assert (pager.state.truncated, pager.state.stop_reason, pager.state.total, pager.state.complete) == (
        state.truncated,
        state.stop_reason,
        state.total,
        state.complete,
    )
    assert warnings == expected_warnings


@examples(300)
@given(
    page_size=PAGE_SIZES, first_total=st.integers(0, 200), growth=st.integers(0, 50), paged=st.booleans(), max_items=st.one_of(st.none(), st.integers(0, 10000))
)
def test_a_server_that_never_runs_out_is_stopped_at_the_page_limit(page_size, first_total, growth, paged, max_items):
    """Fresh records on every page and a total that stays or keeps growing: the walk stops, incomplete."""

    def endless(index, size):
        content = [{'id': '%d-%d' % (index, i)} for i in range(size)]
        if not paged:
            return content
        return {'content': content, 'totalCount': first_total + growth * index * size, 'pageSize': size}

    limit = 40  # the hard limit when no total is ever announced, lowered so the example stays quick
    original, paging.HARD_PAGE_LIMIT = paging.HARD_PAGE_LIMIT, limit
    try:
        out, state, warnings, asked = walk(endless, page_size, max_items)
        page_limit = state.page_limit()
    finally:
        paging.HARD_PAGE_LIMIT = original
    assert len(asked) <= page_limit <= limit * 3
    assert len(set(r['id'] for r in out)) == len(out)
    assert not state.complete
    if state.stop_reason == 'max_results':
        assert len(out) == max_items and state.truncated
    else:
        assert state.stop_reason == 'page limit' and any('totals look wrong' in p for p in state.problems)
