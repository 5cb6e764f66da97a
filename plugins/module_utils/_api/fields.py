# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explicit camelCase -> snake_case maps for WBD records, and the normaliser that applies them.

A generic converter would turn ``privateIPofServer`` into ``private_i_pof_server``,
so every documented field is named here by hand. Millisecond timestamps stay
integers and gain an ISO 8601 UTC twin (``<name>_iso``); IDs become strings (they
are 22 digits, wider than int64). A field the docs do not list is kept, named by the
generic rule, so nothing the API sends is lost.

Times are read whatever form the server sends them in (the docs promise epoch milliseconds, but servers send
seconds, numeric text or ISO 8601 too): each becomes epoch milliseconds, and a ``TimeNotes`` collector, when given,
counts every conversion and every unreadable or implausible value so the caller can say so once per field. A value
that is no time at all stays as sent, with a ``None`` ISO twin: the caller must treat it as unknown, never as absent.

``null`` where the docs promise a value: a list of records (``suspicionFiles``,
``suspicionIps``, ``wasConfigList``) becomes ``[]``, because every caller iterates it
and "none known" is what null means there; any other field stays ``None`` (never
``''`` or ``0``), so "unknown" stays distinct from "empty". Text is passed through
unchanged, control and bidi characters included: escaping is the job of whatever
displays it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import decimal
import functools
import math
import operator
import re
import time

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import clean_text
from ansible_collections.ncloud.wbd.plugins.module_utils._text import plural

_EPOCH_DATE = datetime.date(1970, 1, 1)
# Formatted parts of ISO times, reused: "YYYY-MM-DDT" per day (bounded: the API decides which days), "HH:MM:SS" per
# second of the day (at most 86,400) and ".mmmZ" per millisecond.
_ISO_DAYS = {}
_ISO_DAY_LIMIT = 100000
_ISO_CLOCK = {}
_ISO_MILLIS = ['.%03dZ' % millis for millis in range(1000)]


# What normalize does with one field: keep it, stringify an ID, add an ISO twin, recurse into records, or leave it out
# (a field the caller's ``fields`` does not want: skipped before any conversion).
_PLAIN, _ID, _TIME, _NESTED, _SKIP = range(5)
# Unknown field names are planned once and remembered, up to this many per map (they come from the API).
_PLAN_LIMIT = 1000


class FieldMap(object):
    """How one record type is renamed: ``names`` maps API name to our name."""

    def __init__(self, names, times=(), ids=(), nested=None):
        self.names = names
        self.times = frozenset(times)
        self.ids = frozenset(ids)
        self.nested = nested or {}
        self.steps = {}
        self.plans = {}
        self.projections = {}
        # Our names for documented fields and their ISO twins: an undocumented field spelled like one gets a prefix.
        self.taken = frozenset(list(names.values()) + [names.get(t, generic_snake(t)) + '_iso' for t in self.times])

    def step(self, key):
        """(our name, what to do, ISO name or nested map) for an API field; cached, since every record repeats them."""
        name = self.names.get(key)
        if name is None:
            name = generic_snake(key)
            if name in self.taken:
                name = 'api_' + name  # nothing the API sends is lost, not even a field named like one of ours
        if key in self.nested:
            step = (name, _NESTED, self.nested[key])
        elif key in self.ids:
            step = (name, _ID, None)
        elif key in self.times:
            step = (name, _TIME, name + '_iso')
        else:
            step = (name, _PLAIN, None)
        if len(self.steps) < _PLAN_LIMIT:
            self.steps[key] = step
        return step

    def projected(self, keep):
        """This map, skipping the fields none of whose output names (the field, its ISO twin) is in ``keep``: a
        field left out costs nothing, where converting it and then dropping it costs most of normalising."""
        keep = frozenset(keep)
        view = self.projections.get(keep)
        if view is None:
            view = self.projections[keep] = _Projection(self, keep)
        return view


class _Projection(object):
    """A FieldMap seen through ``fields``: the same steps, the unwanted ones skipped (see FieldMap.projected)."""

    def __init__(self, fmap, keep):
        self.fmap, self.keep, self.steps, self.plans = fmap, keep, {}, {}
        # A nested list's fields named ``list.field``: the list is kept, each of its records projected to those.
        self.inner = nested_names(keep)

    def step(self, key):
        name, kind, extra = self.fmap.steps.get(key) or self.fmap.step(key)
        if kind == _NESTED and name in self.inner:
            extra = extra.projected(self.inner[name])
        elif name not in self.keep and not (kind == _TIME and extra in self.keep):
            kind, extra = _SKIP, None
        if len(self.steps) < _PLAN_LIMIT:
            self.steps[key] = (name, kind, extra)
        return name, kind, extra


def nested_names(keep):
    """{list name: the names wanted of its records} of the ``list.field`` names in ``keep``."""
    inner = {}
    for name in keep:
        head, dot, rest = name.partition('.')
        if dot:
            inner.setdefault(head, set()).add(rest)
    return inner


def output_names(fmap):
    """The names a record normalised with ``fmap`` can carry: each documented field and each time's ISO twin, and
    ``list.field`` for each field of its nested lists' records."""
    names = set(fmap.taken)
    for key, inner in fmap.nested.items():
        names.update('%s.%s' % (fmap.names.get(key, generic_snake(key)), name) for name in inner.taken)
    return frozenset(names)


def iso8601(ms):
    """ISO 8601 UTC with milliseconds for an epoch-ms value; None when it is not a usable number."""
    if isinstance(ms, bool) or not isinstance(ms, (int, float)):
        return None
    try:
        ms = int(ms)
    except (OverflowError, ValueError):
        return None
    return _iso_int(ms)


def _iso_int(ms):
    """iso8601 for an int. The date comes from a per-day cache and the time of day from a per-second-of-day cache
    (a listing's records share a few days), so most values cost two lookups and no datetime arithmetic."""
    seconds, millis = divmod(ms, 1000)
    days, second_of_day = divmod(seconds, 86400)
    day = _ISO_DAYS.get(days)
    if day is None:
        try:
            day = (_EPOCH_DATE + datetime.timedelta(days=days)).isoformat() + 'T'
        except OverflowError:
            return None
        if len(_ISO_DAYS) >= _ISO_DAY_LIMIT:
            _ISO_DAYS.clear()
        _ISO_DAYS[days] = day
    clock = _ISO_CLOCK.get(second_of_day)
    if clock is None:
        hours, rest = divmod(second_of_day, 3600)
        clock = _ISO_CLOCK[second_of_day] = '%02d:%02d:%02d' % (hours, rest // 60, rest % 60)
    return day + clock + _ISO_MILLIS[millis]


def generic_snake(name):
    """Fallback for fields the docs do not list."""
    name = re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1_\2', '%s' % (name,))
    return re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', name).lower()


def normalize(record, fmap, notes=None):
    """A new dict with our names; nested lists of records are normalised with their own maps.

    A nested list that is null (or not a list) becomes ``[]`` and its non-object items are dropped;
    null scalars, IDs and times stay ``None`` (times get a ``None`` ISO twin). Times become epoch-ms ints
    (see ``read_time``); ``notes`` (a ``TimeNotes``) collects what was converted, unreadable or implausible.
    """
    return _normalize(record, fmap, notes, '')


def _normalize(record, fmap, notes, prefix):
    shape = tuple(record)
    return (fmap.plans.get(shape) or _plan(fmap, shape)).run(record, notes, prefix)


def _apply(plan, record, notes, prefix):
    """normalize by ``plan`` field by field: for the shapes _runner makes no function of (see _Plan)."""
    out = dict(zip(plan.names, plan.take(record)))
    for name in plan.ids:
        value = out[name]
        if value is not None and not isinstance(value, (bool, str)):
            out[name] = '%s' % (value,)
    # A plausible epoch-ms int is the common case and costs one range test; anything else takes _time.
    low, high, days, clocks = PLAUSIBLE_SINCE_MS, (_MS_MAX if notes is None else notes.until_ms), _ISO_DAYS, _ISO_CLOCK
    for key, name, twin in plan.times:
        value = out[name]
        if type(value) is int and low <= value <= high:  # pylint: disable=unidiomatic-typecheck
            second, millis = divmod(value, 1000)  # _iso_int inlined: the hottest lines of a listing
            day, clock = divmod(second, 86400)
            day, clock = days.get(day), clocks.get(clock)
            out[twin] = day + clock + _ISO_MILLIS[millis] if day is not None and clock is not None else _iso_int(value)
        elif value is None:
            out[twin] = None
        else:
            out[name], out[twin] = _time(value, notes, prefix + key)
    for key, name, inner_map in plan.nested:
        value = out[name]
        if isinstance(value, list):
            inner = prefix if notes is None else prefix + key + '[].'
            out[name] = [_normalize(v, inner_map, notes, inner) for v in value if isinstance(v, dict)]
        else:
            out[name] = []
    return out


class _Plan(object):
    """How records of one shape (the same keys in the same order, as every record of a listing has) are normalised:
    the kept fields renamed in one step, then the few that need work fixed up (IDs, times and their ISO twins, which
    come last in the record, and nested lists). Planning once per shape, not deciding per field, is most of the speed.
    ``run(record, notes, prefix)`` does it: a function made for the plan (see _runner), or _apply."""

    __slots__ = ('names', 'take', 'ids', 'times', 'nested', 'run')

    def __init__(self, fmap, shape, make=False):
        names, keys, self.ids, self.times, self.nested = [], [], [], [], []
        kinds = []
        for key in shape:
            name, kind, extra = fmap.steps.get(key) or fmap.step(key)
            if kind == _SKIP:
                continue
            names.append(name)
            keys.append(key)
            kinds.append(kind)
            if kind == _ID:
                self.ids.append(name)
            elif kind == _TIME:
                self.times.append((key, name, extra))
            elif kind == _NESTED:
                self.nested.append((key, name, extra))
        self.names = tuple(names)
        self.take = _getter(keys)
        self.run = (make and _runner(self, tuple(kinds))) or functools.partial(_apply, self)


def _getter(keys):
    """A function giving a record's values of ``keys`` as a tuple (operator.itemgetter gives a bare value for one key)."""
    if len(keys) > 1:
        return operator.itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda record: (record[key],)
    return lambda record: ()


def _plan(fmap, shape):
    """The plan of ``shape`` for ``fmap``, remembered for up to _PLAN_LIMIT shapes (the API decides how many there are)."""
    if len(fmap.plans) >= _PLAN_LIMIT:
        return _Plan(fmap, shape)
    plan = fmap.plans[shape] = _Plan(fmap, shape, make=True)
    return plan


# ---- plans as code ------------------------------------------------------------------------------------------------
# A plan's run as straight-line code (as collections.namedtuple makes its classes): the record's values unpacked into
# locals, each ID, time and nested list fixed up in place, the result built by one dict display. The source is made
# of the plan's kinds alone (counts and indexes): every name and key, which the API decides, reaches the code as a
# value (the maker's arguments), never as text, so no field name can change what the code does.
_MAKERS = {}
_MAKER_LIMIT = 1000  # makers compiled (one per sequence of kinds; past that, plans run by _apply)
_MAKE_MOST = 200  # fields: a wider record runs by _apply (the API decides how wide)
_ID_CODE = """
        if type(v@) is not str and v@ is not None and not isinstance(v@, (bool, str)):
            v@ = '%s' % (v@,)"""
_TIME_CODE = """
        if type(v@) is int and LOW <= v@ <= high:
            s, ms = divmod(v@, 1000)
            d, c = divmod(s, 86400)
            d, c = DAYS.get(d), CLOCKS.get(c)
            w# = d + c + MILLIS[ms] if d is not None and c is not None else iso_int(v@)
        elif v@ is None:
            w# = None
        else:
            v@, w# = time_(v@, notes, prefix + k#)"""
_NESTED_CODE = """
        if isinstance(v@, list):
            pre, x# = prefix + q#, []
            for x in v@:
                if isinstance(x, dict):
                    x#.append((p#.get(tuple(x)) or plan_(m#, tuple(x))).run(x, notes, pre))
            v@ = x#
        else:
            v@ = []"""


def _runner(plan, kinds):
    """``plan``'s run made as code (see above); None when _apply must run it: no fields, too many, or names that
    collide (the twin of a time named like a field, say: _apply settles that as it always has)."""
    twins = tuple(twin for key, name, twin in plan.times)
    if not 0 < len(kinds) <= _MAKE_MOST or len(set(plan.names + twins)) != len(kinds) + len(twins):
        return None
    make = _MAKERS.get(kinds)
    if make is None:
        if len(_MAKERS) >= _MAKER_LIMIT:
            return None
        make = _MAKERS[kinds] = _maker(kinds)
    inner = [extra for key, name, extra in plan.nested]
    keys = [key for key, name, extra in plan.times], [key + '[].' for key, name, extra in plan.nested]
    return make(plan.take, plan.names, twins, keys[0], inner, [fmap.plans for fmap in inner], keys[1])


def _maker(kinds):
    """A function making a plan's run from its take, names, twins, time keys, nested maps, their plans and the notes
    prefixes of their records, for plans whose fields are of ``kinds``. Its source holds indexes, never a name."""
    times = [at for at, kind in enumerate(kinds) if kind == _TIME]
    nested = [at for at, kind in enumerate(kinds) if kind == _NESTED]
    code = ['def make(take, N, T, K, M, P, Q):']
    for letter, size in (('n', len(kinds)), ('t', len(times)), ('k', len(times)), ('m', len(nested))):
        if size:
            code.append('    %s, = %s' % (_numbered(letter, size), letter.upper()))
    if nested:
        code += ['    %s, = P' % _numbered('p', len(nested)), '    %s, = Q' % _numbered('q', len(nested))]
    code += ['    def run(record, notes, prefix):', '        %s, = take(record)' % _numbered('v', len(kinds))]
    code += [_ID_CODE.replace('@', str(at)) for at, kind in enumerate(kinds) if kind == _ID]
    if times:
        code.append('        high = MS_MAX if notes is None else notes.until_ms')
    code += [_TIME_CODE.replace('@', str(at)).replace('#', str(n)) for n, at in enumerate(times)]
    code += [_NESTED_CODE.replace('@', str(at)).replace('#', str(n)) for n, at in enumerate(nested)]
    pairs = ['n%d: v%d' % (at, at) for at in range(len(kinds))] + ['t%d: w%d' % (n, n) for n in range(len(times))]
    code += ['        return {%s}' % ', '.join(pairs), '    return run']
    scope = {
        'LOW': PLAUSIBLE_SINCE_MS,
        'MS_MAX': _MS_MAX,
        'DAYS': _ISO_DAYS,
        'CLOCKS': _ISO_CLOCK,
        'MILLIS': _ISO_MILLIS,
        'iso_int': _iso_int,
        'time_': _time,
        'plan_': _plan,
    }
    # exec of source built from counts and kinds only (see above): no text the API sends is in it
    exec(compile('\n'.join(code), '<fields plan of %d fields>' % len(kinds), 'exec'), scope)  # pylint: disable=exec-used
    return scope['make']


def _numbered(letter, size):
    """'a0, a1, a2' for ('a', 3)."""
    return ', '.join('%s%d' % (letter, n) for n in range(size))


# ---- times ------------------------------------------------------------------------------------------------------

DAY_MS = 86400000
# Before this (2015-01-01T00:00:00Z) no WBD record can be: a converted time that early is a data problem.
PLAUSIBLE_SINCE_MS = 1420070400000
# Magnitudes that tell the unit of an epoch number (the docs say milliseconds; servers differ): below 1e11 is
# seconds (1e11 ms is 1973, 1e11 s the year 5138), from 1e14 microseconds, from 1e17 nanoseconds.
_SECONDS_BELOW = 10**11
_MS_BELOW = 10**14
_MS_MAX = _MS_BELOW - 1
_MICROS_BELOW = 10**17
_NO_DATE_FROM = 10**30  # no unit makes a date of it (and it bounds the arithmetic on what a server sends)
_LONGEST_TIME_TEXT = 64
_UNIT_DIVISOR = {'s': decimal.Decimal('0.001'), 'ms': 1, 'us': 1000, 'ns': 1000000}
_DECIMAL = decimal.Context(prec=60)
_INTEGER_TEXT = re.compile(r'^[+-]?[0-9]+$')
_NUMBER_TEXT = re.compile(r'^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$')
# ISO 8601 by hand (datetime.fromisoformat accepts different forms on Python 3.10 and 3.11).
_ISO_TEXT = re.compile(
    r'^([0-9]{4}-[0-9]{2}-[0-9]{2})'
    r'(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?'
    r'\s*(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?$'
)
_EPOCH_ORDINAL = _EPOCH_DATE.toordinal()
_ISO_DAY_NUMBERS = {}

UNREADABLE, EARLY, FUTURE = 'unreadable', 'early', 'future'
TIME_PROBLEMS = (UNREADABLE, EARLY, FUTURE)
_UNIT_TEXT = {'s': 'epoch seconds', 'ms': 'epoch milliseconds', 'us': 'epoch microseconds', 'ns': 'epoch nanoseconds'}
_FORM_TEXT = {'int': '%s', 'float': 'floating-point %s', 'text': 'numeric text in %s'}
_FORMS = dict(('%s-%s' % (form, unit), text % _UNIT_TEXT[unit]) for form, text in _FORM_TEXT.items() for unit in _UNIT_TEXT)
_FORMS.update({'iso': 'ISO 8601 text', 'iso-no-offset': 'ISO 8601 text without a UTC offset'})
_KIND_ORDER = dict((kind, n) for n, kind in enumerate(sorted(_FORMS) + list(TIME_PROBLEMS)))


def read_time(value):
    """``(epoch ms, form)`` for a time as a server may send it; ``form`` is None for a plain epoch-ms int.

    Accepted: numbers (int or float) and numeric text in seconds, milliseconds, microseconds or nanoseconds, told
    apart by magnitude; ISO 8601 text (offset or Z; without one it is read as UTC, form ``iso-no-offset``); the
    fraction below a millisecond is dropped (rounded down). ``(None, None)`` for null; ``(None, UNREADABLE)`` for
    anything else, booleans included, and for numbers no unit turns into a date between the years 1 and 9999.
    """
    ms, form, dummy = _read(value)
    return ms, form


def _read(value):
    """read_time, and the ISO twin of the result."""
    if value is None:
        return None, None, None
    if isinstance(value, bool):
        return None, UNREADABLE, None
    if isinstance(value, int):
        ms, form = _int_ms(value, 'int')
    elif isinstance(value, float):
        ms, form = _decimal_ms(decimal.Decimal(repr(value)), 'float') if math.isfinite(value) else (None, UNREADABLE)
    elif isinstance(value, str):
        ms, form = _text_ms(value.strip())
    else:
        return None, UNREADABLE, None
    iso = None if ms is None else _iso_int(ms)
    return (ms, form, iso) if iso is not None else (None, UNREADABLE, None)


def _unit(size):
    if size < _SECONDS_BELOW:
        return 's' if size else 'ms'  # 0 is 0 in any unit: not a conversion (and implausible anyway)
    if size < _MS_BELOW:
        return 'ms'
    return 'us' if size < _MICROS_BELOW else 'ns'


def _int_ms(number, form):
    if abs(number) >= _NO_DATE_FROM:
        return None, UNREADABLE
    unit = _unit(abs(number))
    ms = number * 1000 if unit == 's' else number // _UNIT_DIVISOR[unit]
    return ms, (None if unit == 'ms' and form == 'int' else '%s-%s' % (form, unit))


def _decimal_ms(number, form):
    if abs(number) >= _NO_DATE_FROM:
        return None, UNREADABLE
    unit = _unit(abs(number))
    ms = _DECIMAL.divide(number, _UNIT_DIVISOR[unit]).to_integral_value(rounding=decimal.ROUND_FLOOR)
    return int(ms), '%s-%s' % (form, unit)


def _text_ms(text):
    if len(text) > _LONGEST_TIME_TEXT:
        return None, UNREADABLE
    if text[4:5] == '-':
        return _iso_ms(text)
    if _INTEGER_TEXT.match(text):
        return _int_ms(int(text), 'text')
    if _NUMBER_TEXT.match(text):
        return _decimal_ms(decimal.Decimal(text), 'text')
    return None, UNREADABLE


def _iso_ms(text):
    match = _ISO_TEXT.match(text)
    if not match:
        return None, UNREADABLE
    day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    days = _iso_day(day)
    hour, minute, second = int(hour or 0), int(minute or 0), int(second or 0)
    offset = int(off_h or 0) * 60 + int(off_m or 0)
    if days is None or hour > 23 or minute > 59 or second > 59 or offset >= 24 * 60 or int(off_m or 0) > 59:
        return None, UNREADABLE
    seconds = days * 86400 + hour * 3600 + minute * 60 + second - (offset * 60 if sign == '+' else -offset * 60)
    ms = seconds * 1000 + int((fraction or '0')[:3].ljust(3, '0'))
    return ms, ('iso' if zulu or sign else 'iso-no-offset')


def _iso_day(text):
    """Days since 1970 for 'YYYY-MM-DD', None for no such day; cached (a listing's records share a few days)."""
    days = _ISO_DAY_NUMBERS.get(text)
    if days is None:
        try:
            days = datetime.date(int(text[:4]), int(text[5:7]), int(text[8:10])).toordinal() - _EPOCH_ORDINAL
        except ValueError:
            return None
        if len(_ISO_DAY_NUMBERS) >= _ISO_DAY_LIMIT:
            _ISO_DAY_NUMBERS.clear()
        _ISO_DAY_NUMBERS[text] = days
    return days


def time_problem(value, now_ms):
    """None when ``value`` is a plausible epoch-ms int (from 2015 to a day after ``now_ms``; None: no upper bound),
    else why not, in a few words: the audit must not use such a time to keep or drop a detection."""
    if value is None:
        return 'no time (null)'
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= _NO_DATE_FROM or _iso_int(value) is None:
        return 'not a readable time: %s' % _shown(value)  # (an int no date has is what normalize keeps as sent)
    if value < PLAUSIBLE_SINCE_MS:
        return 'before 2015: %s' % _iso_int(value)
    if now_ms is not None and value > now_ms + DAY_MS:
        return 'more than a day in the future: %s' % _iso_int(value)
    return None


def _shown(value):
    """A value as a message quotes it: one short line, text in quotes."""
    if isinstance(value, str):
        return "'%s'" % clean_text(value, 40)
    return clean_text('%s' % (value,), 40)


def _time(value, notes, field):
    """(value, ISO twin) for a time that is not a plausible epoch-ms int, noted in ``notes``."""
    ms, form, iso = _read(value)
    if ms is None:
        if notes is not None and form is not None:
            notes.add(field, UNREADABLE, value)
        return value, None
    if notes is not None:
        if form is not None:
            notes.add(field, form, value, iso)
        if ms < PLAUSIBLE_SINCE_MS:
            notes.add(field, EARLY, value, iso)
        elif ms > notes.until_ms:
            notes.add(field, FUTURE, value, iso)
    return ms, iso


class TimeNotes(object):
    """What ``normalize`` did to the times of one listing: per (field, kind) a count and the first example.

    ``kind`` is a conversion form (``int-s``, ``text-ms``, ``iso``, ... see ``read_time``) or a problem:
    ``unreadable`` (kept as sent), ``early`` (before 2015) or ``future`` (more than a day after ``now_ms``).
    ``now_ms`` None means the clock now. Fields are the API's names, ``suspicionFiles[].accessTime`` for nested ones.
    """

    def __init__(self, now_ms=None):
        self.now_ms = int(time.time() * 1000) if now_ms is None else int(now_ms)
        self.until_ms = self.now_ms + DAY_MS
        self.seen = {}

    def add(self, field, kind, value, iso=None):
        entry = self.seen.get((field, kind))
        if entry is None:
            self.seen[(field, kind)] = [1, value, iso]
        else:
            entry[0] += 1

    def entries(self):
        """[{'field', 'kind', 'count', 'example', 'example_iso', 'problem'}] sorted by field, conversions first."""
        return [
            {'field': field, 'kind': kind, 'count': count, 'example': example, 'example_iso': iso, 'problem': kind in TIME_PROBLEMS}
            for (field, kind), (count, example, iso) in sorted(self.seen.items(), key=lambda i: (i[0][0], _KIND_ORDER.get(i[0][1], 99)))
        ]

    def problems(self):
        """The entries that are data problems (unreadable or implausible values), not mere conversions."""
        return [entry for entry in self.entries() if entry['problem']]

    def messages(self, where=None):
        """One warning line per (field, kind), ``where`` (the operation) first."""
        lead = '%s: ' % (where,) if where else ''
        return [lead + self._message(entry) for entry in self.entries()]

    def _message(self, entry):
        field, kind, count = entry['field'], entry['kind'], plural(entry['count'], 'record')
        example = _shown(entry['example'])
        if kind == UNREADABLE:
            return (
                '%s is not a readable time in %s (e.g. %s): a data problem; the value is kept as sent, with no ISO '
                'time, so those records cannot be placed in time. Check what the server sends.' % (field, count, example)
            )
        converted = '%s -> %s' % (example, entry['example_iso'])
        if kind == EARLY:
            return '%s lies before 2015 in %s (e.g. %s): a data problem (a wrong clock or time unit on the server); such times cannot be trusted.' % (
                field,
                count,
                converted,
            )
        if kind == FUTURE:
            return (
                '%s lies more than a day in the future (after %s) in %s (e.g. %s): a data problem (a wrong clock or '
                'time unit on the server); such times cannot be trusted.' % (field, _iso_int(self.until_ms), count, converted)
            )
        how = 'read as UTC and converted' if kind == 'iso-no-offset' else 'converted'
        return '%s came as %s in %s (e.g. %s); %s to epoch milliseconds.' % (field, _FORMS.get(kind, kind), count, converted, how)


SUSPICION_FILE = FieldMap(
    names={
        'suspicionFileId': 'suspicion_file_id',
        'detectionId': 'detection_id',
        'fileOriginName': 'file_origin_name',
        'fileOwner': 'file_owner',
        'weight': 'weight',
        'accessTime': 'access_time',
        'modifyTime': 'modify_time',
        'changeTime': 'change_time',
    },
    times=('accessTime', 'modifyTime', 'changeTime'),
    ids=('suspicionFileId', 'detectionId'),
)

SUSPICION_IP = FieldMap(
    names={
        'suspicionIpId': 'suspicion_ip_id',
        'detectionId': 'detection_id',
        'suspicionIp': 'suspicion_ip',
        'country': 'country',
        'platform': 'platform',
    },
    ids=('suspicionIpId', 'detectionId'),
)

DETECTION = FieldMap(
    names={
        'detectionId': 'detection_id',
        'instanceNo': 'instance_no',
        'hostName': 'host_name',
        'serverName': 'server_name',
        'containerName': 'container_name',
        'privateIPofServer': 'private_ip',
        'command': 'command',
        'processName': 'process_name',
        'processArg': 'process_arg',
        'processId': 'process_id',
        'executor': 'executor',
        'processIdOfParent': 'parent_process_id',
        'processNameOfParent': 'parent_process_name',
        'processArgOfParent': 'parent_process_arg',
        'executorOfParent': 'parent_executor',
        'uid': 'uid',
        'euid': 'euid',
        'gid': 'gid',
        'egid': 'egid',
        'actionStatus': 'action_status',
        'memo': 'memo',
        'actionTime': 'action_time',
        'detectTime': 'detect_time',
        'collectTime': 'collect_time',
        'lastUpdatedTime': 'last_updated_time',
        'isChecked': 'is_checked',
        'memberNo': 'member_no',
        'detectionRuleId': 'detection_rule_id',
        'suspicionFiles': 'suspicion_files',
        'suspicionIps': 'suspicion_ips',
        'osType': 'os_type',
    },
    times=('actionTime', 'detectTime', 'collectTime', 'lastUpdatedTime'),
    ids=('detectionId', 'instanceNo', 'memberNo', 'detectionRuleId', 'processId', 'processIdOfParent'),
    nested={'suspicionFiles': SUSPICION_FILE, 'suspicionIps': SUSPICION_IP},
)

EXCEPTION_RULE = FieldMap(
    names={
        'disabled': 'disabled',
        'actionName': 'action_name',
        'permission': 'permission',
        'exceptedRuleId': 'excepted_rule_id',
        'exceptedRuleName': 'excepted_rule_name',
        'exceptTargetType': 'except_target_type',
        'exceptTarget': 'except_target',
        'exceptTargetName': 'except_target_name',
        'processName': 'process_name',
        'processNameCondition': 'process_name_condition',
        'processArg': 'process_arg',
        'processArgCondition': 'process_arg_condition',
        'executor': 'executor',
        'executorCondition': 'executor_condition',
        'processNameOfParent': 'parent_process_name',
        'processNameOfParentCondition': 'parent_process_name_condition',
        'processArgOfParent': 'parent_process_arg',
        'processArgOfParentCondition': 'parent_process_arg_condition',
        'executorOfParent': 'parent_executor',
        'executorOfParentCondition': 'parent_executor_condition',
        'createdTime': 'created_time',
        'deletedTime': 'deleted_time',
        'isDeleted': 'is_deleted',
        'memo': 'memo',
        'memberNo': 'member_no',
        'groupIsDeleted': 'group_is_deleted',
    },
    times=('createdTime', 'deletedTime'),
    ids=('exceptedRuleId', 'exceptTarget', 'memberNo'),
)

WAS_CONFIG = FieldMap(
    names={
        'wasType': 'was_type',
        'webRootPath': 'web_root_path',
        'fileUploadPath': 'file_upload_path',
    },
)

DETECTION_TARGET = FieldMap(
    names={
        'instanceNo': 'instance_no',
        'serverName': 'server_name',
        'serverImageName': 'server_image_name',
        'serverStatus': 'server_status',
        'serverType': 'server_type',
        'serverEnvType': 'server_env_type',
        'ipAddress': 'ip_address',
        'agentStatus': 'agent_status',
        'serverGroupId': 'server_group_id',
        'serverGroupName': 'server_group_name',
        'platform': 'platform',
        'wasConfigList': 'was_configs',
        'memo': 'memo',
    },
    ids=('instanceNo', 'serverGroupId'),
    nested={'wasConfigList': WAS_CONFIG},
)

# GetWebshellSuspiciousObject (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-getwebshellsuspiciousobject);
# GetQuarantine returns the same records plus the quarantine time.
SUSPICIOUS_OBJECT = FieldMap(
    names={
        'suspicionFileId': 'suspicion_file_id',
        'detectionId': 'detection_id',
        'hostName': 'host_name',
        'serverName': 'server_name',
        'osType': 'os_type',
        'fileOriginName': 'file_origin_name',
        'quarantineFileName': 'quarantine_file_name',
        'fileSize': 'file_size',
        'sha1': 'sha1',
        'privateIPofServer': 'private_ip',
        'fileAuthority': 'file_authority',
        'fileOwner': 'file_owner',
        'fileGroup': 'file_group',
        'accessTime': 'access_time',
        'modifyTime': 'modify_time',
        'changeTime': 'change_time',
        'instanceNo': 'instance_no',
        'hashScanResult': 'hash_scan_result',
        'memo': 'memo',
        'weight': 'weight',
        'status': 'status',
        'quarantineTime': 'quarantine_time',
    },
    times=('accessTime', 'modifyTime', 'changeTime', 'quarantineTime'),
    ids=('suspicionFileId', 'detectionId', 'instanceNo'),
)

NOTIFICATION_INTERVAL = FieldMap(
    names={
        'id': 'id',
        'memberNo': 'member_no',
        'interval': 'interval_ms',
        'lastSendNotificationTime': 'last_send_notification_time',
        'createTime': 'create_time',
        'lastUpdatedTime': 'last_updated_time',
        'platform': 'platform',
        'isDeleted': 'is_deleted',
    },
    times=('lastSendNotificationTime', 'createTime', 'lastUpdatedTime'),
    ids=('id', 'memberNo'),
)


def is_quarantined(obj):
    """Whether a normalised suspicious object is quarantined: its status says so, or it carries a quarantine name.

    The GetWebshellSuspiciousObject page does not name the status field or its values, so both signs count.
    """
    return obj.get('status') == 'quarantined' or bool(obj.get('quarantine_file_name'))
