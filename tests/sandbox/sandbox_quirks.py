# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real-API behaviour modes ("quirks") of the WBD sandbox.

The API docs leave paging base, page-size limits, envelope shape and value types open (their examples disagree:
GetWebshell pages from 1, the others from 0; no maximum pageSize; "Integer" IDs with 22 digits). A quirk is one
plausible reading of that gap, switched on per sandbox (``--quirk NAME``, repeatable, or ``POST /__sandbox/quirks``),
so the collection is tested against servers that are not ours. The dataset stays the quirk-free one: quirks change
how records are paged, counted and written, never which records exist (except the ``rule-*`` quirks, which add
exactly one exception rule). ``python wbd_sandbox.py quirks`` lists them.
"""

import datetime
import math
import threading

from sandbox_data import TIME_FIELDS

# name -> (group, description). Quirks of one group exclude each other; quirks of different groups combine.
QUIRKS = (
    (
        'short-echo-asked-offset-asked',
        'short',
        'serve at most K records a page; echo the asked pageSize; page N starts at N x asked size '
        '(the records between K and the asked size are never served at that size)',
    ),
    ('short-echo-asked-offset-served', 'short', 'serve at most K records a page; echo the asked pageSize; page N starts at N x K'),
    ('short-echo-served-offset-served', 'short', 'serve at most K records a page; echo K as pageSize; page N starts at N x K'),
    ('short-echo-served-offset-asked', 'short', 'serve at most K records a page; echo K as pageSize; page N starts at N x asked size'),
    ('short-noecho-offset-asked', 'short', 'serve at most K records a page; no pageSize in the page; page N starts at N x asked size'),
    ('short-noecho-offset-served', 'short', 'serve at most K records a page; no pageSize in the page; page N starts at N x K'),
    ('one-based', 'base', 'pageIndex 1 is the first page; pageIndex 0 is empty with the real totals'),
    ('one-based-zero-is-first', 'base', 'pageIndex 1 is the first page; pageIndex 0 is the same page as 1'),
    ('content-null', 'null', 'page N (--quirk-null-page, 0 = first) always comes back with "content": null and the real totals'),
    ('content-null-once', 'null', 'page N comes back with "content": null and the real totals the first time it is asked for only'),
    ('totals-low', 'totals', 'totalCount is D (--quirk-total-deficit) lower than the real count, totalPages consistent with it'),
    ('totals-half', 'totals', 'totalCount is half the real count (rounded down), totalPages consistent with it'),
    ('totals-missing', 'totals', 'no totalCount and no totalPages in the page'),
    ('totals-strings', 'strings', 'totalCount, totalPages, pageSize and pageIndex as numeric strings ("300")'),
    ('times-seconds', 'times', 'every time field (detectTime, createdTime, ...) as epoch seconds (an int, rounded down)'),
    ('times-ms-strings', 'times', 'every time field as a numeric string of epoch milliseconds ("1733300000123")'),
    ('times-iso-z', 'times', 'every time field as ISO 8601 in UTC with milliseconds ("2026-12-04T18:43:58.123Z")'),
    ('times-iso-offset', 'times', 'every time field as ISO 8601 at +09:00 (KST), whole seconds ("2026-12-05T03:43:58+09:00")'),
    ('time-filter-ignored', 'filter', 'searches ignore the *From / *To time bounds (every record matches them)'),
    ('rule-null-start', 'rule-null-start', 'one more exception rule: everyServer, processNameCondition START with processName null'),
    ('rule-empty-end', 'rule-empty-end', 'one more exception rule: everyServer, processArgCondition END with processArg ""'),
    ('rule-blank-equal', 'rule-blank-equal', 'one more exception rule: everyServer, executorCondition EQUAL with executor "  "'),
    ('bare-array', 'shape', 'every list answers "result": [records of the page] (no content, no totals)'),
    ('order-oldest-first', 'order', 'every list in the reverse of the documented order: oldest detectTime / createdTime / ... first'),
)
NAMES = tuple(name for name, group, text in QUIRKS)
GROUPS = dict((name, group) for name, group, text in QUIRKS)
DESCRIPTIONS = dict((name, text) for name, group, text in QUIRKS)
OPTION_DEFAULTS = {'quirk_page_cap': 37, 'quirk_null_page': 1, 'quirk_total_deficit': 37}
KST = datetime.timezone(datetime.timedelta(hours=9))
# The added rule: its value, condition field, condition and ID (22 digits, like every rule ID; fixed so runs agree).
RULE_QUIRKS = {
    'rule-null-start': ('processName', 'START', None, '2015010100000000000001'),
    'rule-empty-end': ('processArg', 'END', '', '2015010100000000000002'),
    'rule-blank-equal': ('executor', 'EQUAL', '  ', '2015010100000000000003'),
}
RULE_FIELDS = ('processName', 'processArg', 'processNameOfParent', 'executor', 'executorOfParent', 'processArgOfParent')
RULE_AGE_MS = 45 * 86400000  # older than every generated detection (30 days), so it would apply to all of them


class QuirkError(ValueError):
    """An unknown quirk name, two quirks that exclude each other, or a bad quirk option."""


def check(names, options=None):
    """The quirk names, de-duplicated in order, after checking them; raise QuirkError with the reason."""
    seen = []
    for name in names or ():
        if name not in GROUPS:
            raise QuirkError('unknown quirk %r; known: %s' % (name, ', '.join(NAMES)))
        if name not in seen:
            seen.append(name)
    by_group = {}
    for name in seen:
        other = by_group.setdefault(GROUPS[name], name)
        if other != name:
            raise QuirkError('quirks %s and %s exclude each other (both set the %s behaviour)' % (other, name, GROUPS[name]))
    for key, value in (options or {}).items():
        if key in OPTION_DEFAULTS and (isinstance(value, bool) or not isinstance(value, int) or value < (0 if key != 'quirk_page_cap' else 1)):
            raise QuirkError('%s must be an integer of at least %d' % (key, 0 if key != 'quirk_page_cap' else 1))
    return seen


def iso_ms(value, zone):
    """ISO 8601 text of an epoch-ms time: UTC with milliseconds and Z, or at ``zone`` in whole seconds."""
    if zone is None:
        moment = datetime.datetime.fromtimestamp(value / 1000.0, datetime.timezone.utc)
        return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (value % 1000)
    return datetime.datetime.fromtimestamp(value // 1000, zone).isoformat()


TIME_FORMS = {
    'times-seconds': lambda ms: ms // 1000,
    'times-ms-strings': lambda ms: '%d' % ms,
    'times-iso-z': lambda ms: iso_ms(ms, None),
    'times-iso-offset': lambda ms: iso_ms(ms, KST),
}


def _convert_times(value, form):
    """A copy of ``value`` (records, pages, lists) with every time field written by ``form``; null stays null."""
    if isinstance(value, list):
        return [_convert_times(item, form) for item in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in TIME_FIELDS and isinstance(item, int) and not isinstance(item, bool):
                out[key] = form(item)
            else:
                out[key] = _convert_times(item, form)
        return out
    return value


def _ceil(total, size):
    return int(math.ceil(total / float(size))) if total > 0 else 0


class QuirkSet(object):
    """The active quirks of one sandbox and their state (content-null-once remembers which pages it nulled)."""

    def __init__(self, names=(), options=None):
        self.lock = threading.Lock()
        self.replace(names, options)

    def replace(self, names, options=None):
        """Switch to these quirks (and options; missing ones get their defaults); forgets the once-state."""
        options = dict(options or {})
        self.names = check(names, options)
        self.options = dict((key, int(options.get(key, default))) for key, default in OPTION_DEFAULTS.items())
        with self.lock:
            self.nulled = set()
        self.version = getattr(self, 'version', 0) + 1

    def snapshot(self):
        return dict(self.options, quirks=list(self.names))

    def has(self, name):
        return name in self.names

    def _group(self, group):
        for name in self.names:
            if GROUPS[name] == group:
                return name
        return None

    @property
    def active(self):
        return bool(self.names)

    @property
    def ignores_time_filter(self):
        return self.has('time-filter-ignored')

    def records(self, resource, records, dataset):
        """The records a list serves: the dataset's, plus the added rule of each rule-* quirk (newest first)."""
        if resource != 'exception-rules':
            return records
        added = [self._rule(name, dataset.anchor_ms, dataset.member_no) for name in self.names if name in RULE_QUIRKS]
        if not added:
            return records
        return sorted(list(records) + added, key=lambda rule: -rule['createdTime'])

    @staticmethod
    def _rule(name, anchor_ms, member_no):
        field, condition, value, rule_id = RULE_QUIRKS[name]
        rule = {
            'disabled': False,
            'actionName': None,
            'permission': None,
            'exceptedRuleId': rule_id,
            'exceptedRuleName': 'quirk-%s' % name,
            'exceptTargetType': 'everyServer',
            'exceptTarget': '',
            'exceptTargetName': '',
            'createdTime': anchor_ms - RULE_AGE_MS,
            'deletedTime': None,
            'isDeleted': False,
            'memo': 'added by the sandbox quirk %s' % name,
            'memberNo': member_no,
            'groupIsDeleted': None,
        }
        for other in RULE_FIELDS:
            rule[other] = ''
            rule[other + 'Condition'] = 'NOT_USE'
        rule[field] = value
        rule[field + 'Condition'] = condition
        return rule

    def page(self, key, records, index, size):
        """The ``result`` of page ``index`` (as asked) of ``records`` at the asked (already clamped) ``size``.

        ``key`` names the list (resource and method) for content-null-once. Order of effects: order, paging base,
        short pages, content null, low totals, echo, missing totals, strings, bare array.
        """
        if self.has('order-oldest-first'):
            records = records[::-1]
        total = len(records)
        short = self._group('short')
        cap = min(size, self.options['quirk_page_cap']) if short else size
        step = size if short and short.endswith('offset-asked') else cap
        base = self._group('base')
        effective = index
        if base:
            effective = index - 1 if index > 0 else (0 if base == 'one-based-zero-is-first' else None)
        content = [] if effective is None else records[effective * step : effective * step + cap]
        announced = total
        if self.has('totals-low'):
            announced = max(0, total - self.options['quirk_total_deficit'])
        elif self.has('totals-half'):
            announced = total // 2
        if self._nulls(key, effective):
            content = None
        result = {'content': content, 'totalCount': announced, 'pageSize': size, 'pageIndex': index, 'totalPages': _ceil(announced, step)}
        if short and '-echo-served-' in short:
            result['pageSize'] = cap
        elif short and '-noecho-' in short:
            del result['pageSize']
        if self.has('totals-missing'):
            del result['totalCount'], result['totalPages']
        if self.has('totals-strings'):
            for name in ('totalCount', 'totalPages', 'pageSize', 'pageIndex'):
                if name in result:
                    result[name] = '%d' % result[name]
        if self.has('bare-array'):
            return content
        return result

    def _nulls(self, key, effective):
        """Whether this page's content is null: always (content-null) or at its first request (content-null-once)."""
        if effective is None or effective != self.options['quirk_null_page']:
            return False
        if self.has('content-null'):
            return True
        if self.has('content-null-once'):
            with self.lock:
                if (key, effective) in self.nulled:
                    return False
                self.nulled.add((key, effective))
            return True
        return False

    def present(self, result):
        """``result`` as the server writes it: time fields in the form of the times-* quirk (a copy), else as is."""
        form = self._group('times')
        if not form:
            return result
        return _convert_times(result, TIME_FORMS[form])


def describe():
    """The ``quirks`` command's text: one line per quirk, then the options."""
    width = max(len(name) for name in NAMES)
    lines = ['%-*s  %s' % (width, name, DESCRIPTIONS[name]) for name in NAMES]
    lines.append('')
    lines.append('Quirks of one kind exclude each other (short-*, one-based*, content-null*, totals-low/half/missing, times-*);')
    lines.append('others combine. Options: --quirk-page-cap K (default 37), --quirk-null-page N (default 1, 0-based),')
    lines.append('--quirk-total-deficit D (default 37).')
    return '\n'.join(lines)
