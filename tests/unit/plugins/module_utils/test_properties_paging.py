# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of the page walk (``paging.PageState``, driven the way ``Pager`` drives it) against a model server.

The model holds a list of rows and answers ``(pageIndex, pageSize)`` with one slice of it. Its quirks are drawn
at random: a clamp on the page size, a bare array or a paged object, 0- or 1-based page indexes, duplicate rows,
records without an ID, and totals, page counts and page size echoes that are honest, absent or lies. Whatever it
does, the walk ends within ``page_limit()`` pages, never yields a record twice, yields the rows in their order,
and cuts at ``max_items`` exactly. From an honest server it yields exactly the rows; a lie that loses records is
warned about unless the server's answers are consistent with what it delivered (then no client could tell).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.ncloud.wbd.plugins.module_utils import paging
from ansible_collections.ncloud.wbd.plugins.module_utils.paging import Pager, PageState
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.property_strategies import examples, regression_examples

WHERE = 'GetWebshell'
ENOUGH = 5000  # pages: a walk of a finite model server that gets here does not terminate


class Server(object):
    """A WBD list endpoint with configurable quirks. Every answer is a pure function of (index, size)."""

    def __init__(self, rows, shape='paged', base=0, clamp=None, total='honest', total_delta=0, pages='honest',
                 pages_delta=0, echo='served', ignore_index=False, null_empty=False, numbers_as_text=False):
        self.rows = rows
        self.shape = shape              # 'paged' object or 'bare' array
        self.base = base                # 1: pageIndex 0 and 1 both mean the first page
        self.clamp = clamp              # the largest page the server serves, whatever was asked
        self.total = total              # totalCount: 'honest' | 'none' | 'offset' (off by total_delta) | 'changing'
        self.total_delta = total_delta
        self.pages = pages              # totalPages: 'honest' | 'none' | 'offset' (off by pages_delta)
        self.pages_delta = pages_delta
        self.echo = echo                # pageSize: 'served' | 'requested' | 'none' | 'zero'
        self.ignore_index = ignore_index
        self.null_empty = null_empty    # an empty page is null instead of []
        self.numbers_as_text = numbers_as_text

    def __repr__(self):
        options = ('shape', 'base', 'clamp', 'total', 'total_delta', 'pages', 'pages_delta', 'echo', 'ignore_index',
                   'null_empty', 'numbers_as_text')
        return 'Server(%r, %s)' % (self.rows if len(self.rows) <= 40 else '<%d rows>' % len(self.rows),
                                   ', '.join('%s=%r' % (o, getattr(self, o)) for o in options))

    def served(self, size):
        return min(size, self.clamp or size)

    def honest(self, size):
        return (self.total in ('honest', 'none') and self.pages in ('honest', 'none') and not self.ignore_index
                and self.echo_is_true(size) and len(set(key(r) for r in self.rows)) == len(self.rows))

    def echo_is_true(self, size):
        """Whether the echoed page size (if any) is the size served (a paged answer without one is no lie)."""
        return self.shape == 'bare' or self.echo in ('served', 'none') or (self.echo == 'requested' and self.served(size) == size)

    def _number(self, value):
        return '%d' % value if self.numbers_as_text else value

    def __call__(self, index, size):
        served = self.served(size)
        page = 0 if self.ignore_index else max(index - self.base, 0)
        content = self.rows[page * served:(page + 1) * served]
        if self.shape == 'bare':
            return None if self.null_empty and not content else content
        result = {'content': None if self.null_empty and not content else content, 'pageIndex': index}
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
    """Drive PageState exactly as Pager does with one page at a time: pages 0, 1, 2, ... until done."""
    warnings = []
    state = PageState(page_size, 'id', max_items=max_items, warn=warnings.append)
    out, index = [], 0
    while not state.done:
        assert index < ENOUGH, 'the walk does not end (stop reason %r after %d pages)' % (state.stop_reason, index)
        out.extend(state.add(index, server(index, page_size), WHERE))
        index += 1
    state.finish(WHERE)
    return out, state, warnings, index


# ---- strategies -----------------------------------------------------------------------------------

# Strategies are built once, here: building them inside a composite costs more than drawing from them.
BOOLS = st.booleans()
NUMBERS = st.integers(0, 10 ** 6)  # taken modulo what is needed
ROW_COUNTS = st.integers(0, 120)
IDLESS = st.lists(NUMBERS, max_size=4)
COPIES = st.lists(st.tuples(NUMBERS, st.integers(1, 12)), max_size=6)
SHAPES = st.sampled_from(['paged', 'paged', 'bare'])
BASES = st.sampled_from([0, 0, 1])
CLAMPS = st.one_of(st.none(), st.integers(1, 30))
ONE_IN_TEN = st.integers(0, 9).map(lambda n: n == 0)
HONEST_TOTALS = st.sampled_from(['honest', 'none'])
HONEST_ECHOES = st.sampled_from(['served', 'none'])
TOTALS = st.sampled_from(['honest', 'none', 'offset', 'changing'])
TOTAL_DELTAS = st.integers(-40, 40).filter(bool)
PAGE_COUNTS = st.sampled_from(['honest', 'none', 'offset'])
PAGE_DELTAS = st.integers(-5, 5).filter(bool)
ECHOES = st.sampled_from(['served', 'requested', 'none', 'zero'])


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
def servers(draw, honest=False, **fixed):
    rows = draw(datasets())
    kwargs = dict(shape=draw(SHAPES), base=draw(BASES), clamp=draw(CLAMPS), null_empty=draw(BOOLS),
                  numbers_as_text=draw(ONE_IN_TEN))
    if honest:
        kwargs.update(total=draw(HONEST_TOTALS), pages=draw(HONEST_TOTALS), echo=draw(HONEST_ECHOES))
    else:
        if draw(BOOLS):
            rows = with_duplicates(rows, draw(COPIES))
        kwargs.update(total=draw(TOTALS), total_delta=draw(TOTAL_DELTAS), pages=draw(PAGE_COUNTS),
                      pages_delta=draw(PAGE_DELTAS), echo=draw(ECHOES), ignore_index=draw(ONE_IN_TEN))
    kwargs.update(fixed)
    return Server(rows, **kwargs)


PAGE_SIZES = st.integers(1, 30)
MAX_ITEMS = st.one_of(st.none(), st.none(), st.integers(0, 130))


# ---- properties ---------------------------------------------------------------------------------------

def check_any_server(server, page_size, max_items, out, state, warnings, pages):
    """What holds whatever the server does."""
    wanted = distinct(server.rows)
    # ends, within the page limit, and without asking for pages far past the data
    assert pages <= state.page_limit()
    assert pages <= paging.ceil_div(len(server.rows), server.served(page_size)) + 2, (pages, state.stop_reason)
    # each record once, in the server's order: a prefix of the distinct rows
    assert len(set(key(r) for r in out)) == len(out)
    assert out == wanted[:len(out)]
    assert state.count == len(out)
    # max_items is a hard cap, and the truncated flag means it cut the list
    if max_items is not None:
        assert len(out) <= max_items
    if state.truncated:
        assert max_items is not None and len(out) == max_items
    expected = len(wanted) if max_items is None else min(len(wanted), max_items)
    if len(out) < expected and not warnings:
        # records lost without a word: only when every answer agreed with what was delivered
        consistent_total = state.stop_reason == 'total reached' and len(state.seen) == state.total
        lying_page_count = state.stop_reason == 'last page' and server.pages == 'offset'
        lying_page_size = state.stop_reason == 'short page' and not server.echo_is_true(page_size)
        assert consistent_total or lying_page_count or lying_page_size, (
            'lost %d of %d records silently (stop reason %r)' % (expected - len(out), expected, state.stop_reason))


@examples(1500)
@given(server=servers().filter(lambda s: not repeats_with_page_count(s)), page_size=PAGE_SIZES, max_items=MAX_ITEMS)
@example(server=Server([{'id': str(i)} for i in range(30)], total='offset', total_delta=10 ** 6), page_size=10, max_items=None)
@example(server=Server([{'id': str(i)} for i in range(30)], ignore_index=True), page_size=10, max_items=None)
@example(server=Server([{'id': str(i)} for i in range(25)], clamp=10, echo='requested', total='none'), page_size=20,
         max_items=None)
def test_the_walk_ends_and_yields_each_record_once_in_order(server, page_size, max_items):
    out, state, warnings, pages = walk(server, page_size, max_items)
    check_any_server(server, page_size, max_items, out, state, warnings, pages)


def honest_walk_is_exact(server, page_size, max_items):
    out, state, warnings, pages = walk(server, page_size, max_items)
    check_any_server(server, page_size, max_items, out, state, warnings, pages)
    expected = server.rows if max_items is None else server.rows[:max_items]
    assert out == expected, (len(out), len(expected), state.stop_reason)
    assert state.truncated == (max_items is not None and len(server.rows) > max_items)
    assert not warnings, warnings
    if server.total == 'honest' and server.shape == 'paged':
        assert state.total == len(server.rows)


# ---- two bugs these properties found (fixed); kept out of the properties above, with regression tests below ----

def repeats_with_page_count(server):
    """Page 1 repeats page 0 (1-based indexes, or pageIndex ignored), and totalPages is given but no totalCount:
    see test_a_repeated_first_page_with_only_a_page_count."""
    return (server.shape == 'paged' and (server.base == 1 or server.ignore_index) and server.pages == 'honest'
            and server.total == 'none')


def clamped_past_page_limit(server, page_size):
    """A total is announced and the server serves pages so much smaller than asked that the pages it needs exceed
    twice the pages the requested size would need, plus 10: see test_a_server_clamping_the_page_size_hard."""
    rows, served = len(server.rows), server.served(page_size)
    return (server.shape == 'paged' and server.total != 'none' and served < page_size
            and paging.ceil_div(rows, served) + 2 > 2 * paging.ceil_div(max(rows, 1), page_size) + 10)


@examples(1500)
@given(server=servers(honest=True).filter(lambda s: not repeats_with_page_count(s)), page_size=PAGE_SIZES, max_items=MAX_ITEMS)
@example(server=Server([{'id': str(i)} for i in range(25)], shape='bare', clamp=10), page_size=20, max_items=20)
@example(server=Server([{'id': str(i)} for i in range(20)], shape='bare', clamp=10), page_size=20, max_items=20)
@example(server=Server([{'id': str(i)} for i in range(250)], base=1, pages='none'), page_size=100, max_items=None)
def test_an_honest_server_gives_exactly_its_records(server, page_size, max_items):
    if not clamped_past_page_limit(server, page_size):
        honest_walk_is_exact(server, page_size, max_items)


@regression_examples(300)
@given(server=servers(honest=True, shape='paged', pages='honest', total='none'), ignore_index=st.booleans(),
       page_size=PAGE_SIZES, max_items=MAX_ITEMS)
@example(server=Server([{'id': str(i)} for i in range(25)], base=1, total='none'), ignore_index=False, page_size=10,
         max_items=None)
def test_a_repeated_first_page_with_only_a_page_count(server, ignore_index, page_size, max_items):
    server.base, server.ignore_index = (0, True) if ignore_index else (1, False)
    if ignore_index:
        out, state, warnings, pages = walk(server, page_size, max_items)
        check_any_server(server, page_size, max_items, out, state, warnings, pages)
    else:
        honest_walk_is_exact(server, page_size, max_items)


@regression_examples(300)
@given(server=servers(honest=True, shape='paged', total='honest', base=0), page_size=st.integers(10, 30),
       max_items=st.none(), data=st.data())
@example(server=Server([{'id': str(i)} for i in range(1000)], clamp=20), page_size=100, max_items=None, data=None)
def test_a_server_clamping_the_page_size_hard(server, page_size, max_items, data):
    if data is not None:
        server.clamp = data.draw(st.integers(1, 3))
        server.rows = [{'id': str(i)} for i in range(data.draw(st.integers(60, 200)))]
    if clamped_past_page_limit(server, page_size):
        honest_walk_is_exact(server, page_size, max_items)


@examples(500)
@given(server=servers(), page_size=PAGE_SIZES, max_items=MAX_ITEMS)
def test_pager_yields_what_the_page_state_walk_yields(server, page_size, max_items):
    warnings = []
    pager = Pager(server, 'id', page_size, max_items=max_items, warn=warnings.append, where=WHERE)
    out = list(pager)
    expected, state, expected_warnings, dummy = walk(server, page_size, max_items)
    assert out == expected
    assert (pager.state.truncated, pager.state.stop_reason, pager.state.total) == (state.truncated, state.stop_reason, state.total)
    assert warnings == expected_warnings


@examples(300)
@given(page_size=PAGE_SIZES, first_total=st.integers(0, 200), growth=st.integers(1, 50), paged=st.booleans(),
       max_items=st.one_of(st.none(), st.integers(0, 10000)))
def test_a_server_that_never_runs_out_is_stopped_at_the_page_limit(page_size, first_total, growth, paged, max_items):
    """Fresh records on every page and a total that keeps growing: the walk stops after page_limit() pages."""
    def endless(index, size):
        content = [{'id': '%d-%d' % (index, i)} for i in range(size)]
        if not paged:
            return content
        return {'content': content, 'totalCount': first_total + growth * index * size + (size if index else 0), 'pageSize': size}

    limit = 40  # the hard limit when no total is ever announced, lowered so the example stays quick
    original, paging.HARD_PAGE_LIMIT = paging.HARD_PAGE_LIMIT, limit
    try:
        out, state, warnings, pages = walk(endless, page_size, max_items)
        page_limit = state.page_limit()
    finally:
        paging.HARD_PAGE_LIMIT = original
    assert pages <= page_limit <= limit
    assert len(set(r['id'] for r in out)) == len(out)
    if state.stop_reason == 'max_items':
        assert len(out) == max_items and state.truncated
    elif state.stop_reason == 'page limit':
        assert pages == page_limit and any('totals look wrong' in w for w in warnings)
    else:
        # only an announced total that the records met may end it otherwise
        assert state.stop_reason == 'total reached' and len(state.seen) >= state.total
