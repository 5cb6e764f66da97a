# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the report renderers share: the record made ready to render, its parts in report order, text clean-up.

The audit record's schema, digest and loader live in ``_audit/record.py`` (docs/docsite/rst/guide_record_schema.rst). Detection fields
are attacker-controlled, so the helpers here make text safe to embed with the classes of ``_text.py``: ``clean``
replaces characters XML 1.0 and HTML forbid with U+FFFD (the reader sees that something was there), ``display``
also makes bidirectional controls visible and truncates.

The reports are streamed: each renderer writes its text through a ``Sink`` (UTF-8, in pieces of about ``CHUNK``
characters) to a binary file handle, and every renderer of a run reads one ``ReportView`` of the prepared record, so
what several of them derive from it (the completeness problems, the sorted host names, the findings by host) is
derived once. The detections are the exception: the record's detection lists may be lazy sequences (each access
decodes a detection from a file), so they are iterated again by whoever needs them and never gathered in one list.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import SEVERITIES, RecordError, content_digest, validate_record
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import summarized
from ansible_collections.ncloud.wbd.plugins.module_utils._text import BIDI_RE, XML_FORBIDDEN_RE, scrub_surrogates
from ansible_collections.ncloud.wbd.plugins.module_utils._text import truncate as _truncate

FORMATS = ('json', 'csv', 'html', 'junit', 'markdown')
# Worst first: the sort order of every host table. ``unknown`` (a verdict that depends on incomplete or ambiguous data)
# comes right after ``unprotected`` so that nobody scrolls past it.
STATUS_ORDER = ('unprotected', 'unknown', 'unreviewed', 'compliant')


def text(value):
    """The text of a record value: '' for None, true/false for booleans, comma-joined lists."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return ', '.join(text(item) for item in value)
    return value if isinstance(value, str) else str(value)


def clean(value):
    """``text(value)`` with every character XML 1.0 or HTML forbids replaced by U+FFFD."""
    value = text(value)
    if value.isascii() and value.isprintable():  # the common case, tested in C: nothing forbidden can be in it
        return value
    return XML_FORBIDDEN_RE.sub('\ufffd', value)


def truncate(value, limit):
    """At most ``limit`` characters, ending in an ellipsis when cut."""
    return _truncate(value, limit)


def display(value, limit=None):
    """Text for a human reader: cleaned, bidi controls made visible, truncated."""
    shown = clean(value)
    if not shown.isascii():  # bidi controls are not ASCII
        shown = BIDI_RE.sub(lambda m: '[U+%04X]' % ord(m.group()), shown)
    return truncate(shown, limit)


def is_complete(record):
    """Whether the record says every list it read was complete and unambiguous."""
    return (record.get('completeness') or {}).get('complete') is True


def completeness_problems(record):
    """The completeness problems, each {'kind', 'message', 'hosts', 'evidence'}; one stand-in problem when the record
    says it is incomplete but names none, so no report can show an incomplete record without a reason."""
    if is_complete(record):
        return []
    problems = [p for p in (record.get('completeness') or {}).get('problems') or [] if isinstance(p, dict)]
    if not problems:
        problems = [{'kind': 'incomplete', 'message': 'the audit record says its data are incomplete but names no problem', 'hosts': [], 'evidence': {}}]
    return [
        dict(
            kind=p.get('kind') or 'incomplete',
            message=p.get('message') or '',
            hosts=_names(p.get('hosts')),
            evidence=p.get('evidence') if isinstance(p.get('evidence'), dict) else {},
        )
        for p in problems
    ]


def _names(value):
    if isinstance(value, (list, tuple)):
        return [text(item) for item in value]
    return [] if value in (None, '') else [text(value)]


def unknown_hosts(record):
    """The names of the hosts whose status is ``unknown``, sorted."""
    return sorted(name for name, host in (record.get('hosts') or {}).items() if host.get('status') == 'unknown')


def evidence_text(evidence, limit=None):
    """``key=value; ...`` of a problem's evidence (sorted keys), for a report line or cell."""
    return truncate('; '.join('%s=%s' % (k, text(evidence[k])) for k in sorted(evidence, key=text)), limit)


def iter_detections(record, names=None):
    """(host name or None, detection) for every detection: the hosts' (by host name; ``names``: the sorted host names
    when already known) then the unmatched ones."""
    hosts = record.get('hosts') or {}
    for name in sorted(hosts) if names is None else names:
        for detection in hosts[name].get('detections') or []:
            yield detection.get('host') or name, detection
    for detection in record.get('unmatched_detections') or []:
        yield None, detection


def detection_state(detection):
    """unreviewed | covered | other: the chart category of a detection (the audit never marks a covered one unreviewed)."""
    if detection.get('unreviewed'):
        return 'unreviewed'
    if detection.get('covered_by'):
        return 'covered'
    return 'other'


def severity_rank(severity):
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def status_rank(status):
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


class Detections(object):
    """``iter_detections(record, names)`` that can be iterated again and has a length, holding no detection: the
    record's detection lists may be lazy sequences that decode a detection on each access, and a list of them all
    would hold every one at once (hundreds of MiB at 100,000 detections)."""

    def __init__(self, record, names):
        self.record = record
        self.names = names

    def __iter__(self):
        return iter_detections(self.record, self.names)

    def summaries(self):
        """(host name or None, detect_time, state, load) of every detection in the same order, read from the lists'
        summaries where they have them (``record_file.summarized``): ``load()`` decodes a detection only when called."""
        hosts = self.record.get('hosts') or {}
        lists = [(name, hosts[name].get('detections') or []) for name in self.names] + [(None, self.record.get('unmatched_detections') or [])]
        for host, items in lists:
            for dummy, when, unreviewed, covered, load in summarized(items):
                yield host, when, 'unreviewed' if unreviewed else 'covered' if covered else 'other', load

    def __len__(self):
        hosts = self.record.get('hosts') or {}
        return sum(len(hosts[name].get('detections') or []) for name in self.names) + len(self.record.get('unmatched_detections') or [])


CHUNK = 1 << 16  # characters a Sink gathers before it writes them to its handle


class Sink(object):
    """A text stream over a binary handle: ``write`` gathers text, which goes to the handle as UTF-8 whenever about
    CHUNK characters are gathered, and on ``flush`` (a renderer's last call)."""

    def __init__(self, handle):
        self.handle = handle
        self.parts = []
        self.size = 0

    def write(self, part):
        self.parts.append(part)
        self.size += len(part)
        if self.size >= CHUNK:
            self.flush()

    def flush(self):
        if self.parts:
            self.handle.write(''.join(self.parts).encode('utf-8'))
            self.parts = []
            self.size = 0


class ReportView(object):
    """A prepared record and what more than one renderer derives from it, each derived once, on first use.

    The renderers only read these (lists and dicts shared between them): none may change one. The detections are
    not kept: each renderer that reads them iterates the record's lists again.
    """

    def __init__(self, record):
        self.record = record
        self._cache = {}

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def problems(self):
        """``completeness_problems(record)``."""
        return self._once('problems', lambda: completeness_problems(self.record))

    @property
    def unknown_hosts(self):
        """``unknown_hosts(record)``."""
        return self._once('unknown', lambda: unknown_hosts(self.record))

    @property
    def host_names(self):
        """The record's host names (its ``hosts`` keys), sorted."""
        return self._once('names', lambda: sorted(self.record.get('hosts') or {}))

    @property
    def hosts_by_status(self):
        """(name, host) of every host, worst status first, then by name."""
        hosts = self.record.get('hosts') or {}
        return self._once('by_status', lambda: sorted(((name, hosts[name]) for name in self.host_names), key=lambda item: status_rank(item[1].get('status'))))

    @property
    def detections(self):
        """(host name or None, detection) of every detection, the hosts' by name, then the unmatched: re-iterable, each
        pass reading the record's lists again (never a list of them all: they may be decoded on demand)."""
        return self._once('detections', lambda: Detections(self.record, self.host_names))

    @property
    def findings_by_host(self):
        """{text(host): [finding]} of the findings with scope ``host``, in record order."""
        return self._once('by_host', self._split_findings)[0]

    @property
    def account_findings(self):
        """The findings whose scope is not ``host``, in record order."""
        return self._once('by_host', self._split_findings)[1]

    def _split_findings(self):
        by_host, account = {}, []
        for finding in self.record.get('findings') or []:
            if finding.get('scope') == 'host':
                by_host.setdefault(text(finding.get('host')), []).append(finding)
            else:
                account.append(finding)
        return by_host, account


def as_view(record):
    """``record`` when it is a ReportView already, else a new ReportView of it."""
    return record if isinstance(record, ReportView) else ReportView(record)


def prepare_record(record, sealed=False):
    """Validate, make UTF-8 safe and set ``content_digest``; returns (record, digest the record claimed or None).

    The digest is recomputed, so a hand-edited saved report cannot make an unchanged run look changed or the reverse;
    the caller can warn when the claimed one differs. ``sealed``: the record was read back from the audit's own record
    file of this run (``record_file.read_record``), whose digest was computed from exactly the lines written, which
    were made UTF-8 safe then; hashing 100,000 detections again would only give the same digest.
    """
    validate_record(record)
    claimed = record.get('content_digest')
    if sealed and isinstance(claimed, str):
        return dict(record), claimed
    try:
        # The digest serialises all but ``run``; encoding ``run`` too proves the whole record is UTF-8 safe.
        digest = content_digest(record)
        json.dumps(record['run'], ensure_ascii=False).encode('utf-8')
    except UnicodeEncodeError:
        record = scrub_surrogates(record)
        digest = content_digest(record)
    except (TypeError, ValueError) as exc:
        raise RecordError('the audit record cannot be written as JSON: %s' % exc)
    return dict(record, content_digest=digest), claimed
