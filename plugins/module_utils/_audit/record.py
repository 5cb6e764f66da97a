# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit record (docs/docsite/rst/guide_record_schema.rst): its schema, its summary, its digest, and how a saved one is loaded.

The audit writes records, the merge of job slices rewrites them and the reports read them; all three take the
record's shape from here, so the audit depends on no report code and the merge action loads no renderer to read
JSON. A run and a merge finish their record the same way (``seal``): the summary, completeness and scope sections
are computed from the rest, never copied.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible_collections.ncloud.wbd.plugins.module_utils._text import scrub_surrogates

SCHEMA_VERSION = 2
GENERATOR = 'ncloud.wbd.webshell_audit'
SEVERITIES = ('critical', 'high', 'medium', 'low', 'info')
# The verdicts in the order they win: unprotected > unreviewed > unknown > compliant (also the summary's key order).
STATUSES = ('unprotected', 'unreviewed', 'unknown', 'compliant')
# The lists the audit reads, in the order the record and its problems name them.
LISTS = ('detection_targets', 'detections', 'exception_rules', 'excepted_detections')
# The detection lists besides the hosts' own: no detection in the window is dropped, each lands in one place.
DETECTION_LISTS = ('unmatched_detections', 'ambiguous_detections', 'out_of_scope_detections')
# Every key of a record the audit writes, in the order it writes them (the digest and the JSON report sort them).
RECORD_KEYS = ('schema_version', 'generator', 'run', 'summary', 'completeness', 'scope', 'hosts') + DETECTION_LISTS + ('exception_rules', 'findings')
# Not part of the content digest: the run's metadata and what a report run adds (docs/docsite/rst/guide_record_schema.rst).
DIGEST_EXCLUDED = ('run', 'content_digest', 'changes', 'actions')
# What any reader may rely on: (key, the type its value must have, or None).
REQUIRED_KEYS = (
    ('schema_version', None),
    ('run', dict),
    ('summary', dict),
    ('hosts', dict),
    ('unmatched_detections', list),
    ('exception_rules', list),
    ('findings', list),
)


class RecordError(ValueError):
    """Not an audit record this collection can read; the message says which part is wrong."""


# ---- schema ------------------------------------------------------------------------------------


def validate_record(record):
    """``record``, or RecordError unless it is an audit record of SCHEMA_VERSION with every part a reader relies on."""
    if not isinstance(record, dict):
        raise RecordError('the audit record must be a mapping, got %s' % type(record).__name__)
    if 'schema_version' not in record:
        raise RecordError('the audit record has no schema_version; is this an ncloud.wbd audit record?')
    version = record['schema_version']
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        raise RecordError('unsupported audit record schema_version %r; this collection reads %d' % (version, SCHEMA_VERSION))
    for key, kind in REQUIRED_KEYS:
        if key not in record:
            raise RecordError('the audit record has no %r key' % key)
        if kind is not None and not (_is_list(record[key]) if kind is list else isinstance(record[key], kind)):
            raise RecordError('the audit record key %r must be a %s, got %s' % (key, 'mapping' if kind is dict else 'list', type(record[key]).__name__))
    for name, host in record['hosts'].items():
        if not isinstance(host, dict) or not _is_list(host.get('detections') or []):
            raise RecordError('the audit record host %r must be a mapping with a detections list' % (name,))
        _check_items(host.get('detections') or [], 'hosts.%s.detections' % name)
    for key in ('unmatched_detections', 'exception_rules', 'findings'):
        _check_items(record[key], key)
    _check_completeness(record)
    return record


def _check_completeness(record):
    """A record that does not say whether its data were complete cannot be shown as complete (nor as incomplete)."""
    section = record.get('completeness')
    if not isinstance(section, dict):
        raise RecordError('the audit record has no completeness mapping; it cannot say whether its lists were complete')
    if not isinstance(section.get('complete'), bool):
        raise RecordError('the audit record completeness.complete must be true or false, got %r' % (section.get('complete'),))
    if not isinstance(section.get('problems') if section.get('problems') is not None else [], list):
        raise RecordError('the audit record completeness.problems must be a list')
    _check_items(section.get('problems') or [], 'completeness.problems')
    if section['complete'] and section.get('problems'):
        raise RecordError('the audit record says completeness.complete is true but lists %d completeness problem(s)' % len(section['problems']))


def _is_list(value):
    """A list, or a detection list read lazily from the record file (its items are written by the audit itself)."""
    return isinstance(value, list) or hasattr(value, 'canonical_texts')


def _check_items(items, where):
    if hasattr(items, 'canonical_texts'):
        return  # each line is a detection the audit wrote; decoding them all only to check is what laziness avoids
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise RecordError('the audit record entry %s[%d] must be a mapping, got %s' % (where, index, type(item).__name__))


# ---- the computed sections ---------------------------------------------------------------------


def all_detections(record):
    """Every detection the record holds: the hosts' own, then the unmatched, ambiguous and out-of-scope ones."""
    held = [item for entry in record['hosts'].values() for item in entry.get('detections') or []]
    for key in DETECTION_LISTS:
        held.extend(record.get(key) or [])
    return held


def summarize(record, **account):
    """The record's ``summary``: counts of its hosts by status, its detections and its findings, then ``account``
    (the account-wide counts the caller knows: targets, exception_rules, active_exception_rules)."""
    hosts, findings, every = record['hosts'], record['findings'], all_detections(record)
    summary = dict((s, sum(1 for e in hosts.values() if e['status'] == s)) for s in STATUSES)
    summary.update(
        hosts=len(hosts),
        complete=not record['completeness']['problems'],
        detections=len(every),
        unreviewed_detections=sum(1 for d in every if d.get('unreviewed')),
        covered_detections=sum(1 for d in every if d.get('covered_by')),
        unmatched_detections=len(record['unmatched_detections']),
        ambiguous_detections=len(record['ambiguous_detections']),
        out_of_scope_detections=len(record['out_of_scope_detections']),
        findings=len(findings),
        findings_by_severity=dict((s, sum(1 for f in findings if f['severity'] == s)) for s in SEVERITIES),
    )
    summary.update(account)
    return summary


def completeness_section(lists, problems):
    """The record's ``completeness``: complete only when no list says otherwise and nothing was ambiguous."""
    return {'complete': not problems, 'lists': dict((n, lists[n]) for n in LISTS if lists.get(n) is not None), 'problems': problems}


def scope_section(outside):
    """``scope``: the servers and detections of inventory hosts outside the play (``--limit``): not findings."""
    servers = [outside[k] for k in sorted(outside)]
    return {
        'out_of_scope_servers': len(servers),
        'out_of_scope_detections': sum(s['detections'] for s in servers),
        'instance_nos': [s['instance_no'] for s in servers],
        'servers': servers,
    }


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode


def canonical_chunks(value, depth=3):
    """The canonical JSON of ``value`` (sorted keys, no spaces, UTF-8 text) in pieces: dicts and lists are opened
    ``depth`` levels deep, so no piece is larger than one host's entry or one detection, where one string of the
    whole record costs hundreds of MiB at 100,000 detections. Joined, the pieces are exactly ``_CANONICAL(value)``.

    A detection already written to the record file (``record_file.Kept``) and a detection list read from it
    (``record_file.DetectionLines``) give their canonical text as it is, never decoded."""
    texts = _canonical_texts(value)
    if texts is not None:
        yield '['
        for index, piece in enumerate(texts):
            yield ',' + piece if index else piece
        yield ']'
    elif depth == 1 and isinstance(value, dict) and not any(_holds_written(v) for v in value.values()):
        yield _CANONICAL(value)  # a finding, a rule: one piece, where opening it costs a call per key and value
    elif depth and isinstance(value, dict) and all(isinstance(k, str) for k in value):
        yield '{'
        for index, key in enumerate(sorted(value)):
            yield '%s%s:' % (',' if index else '', _CANONICAL(key))
            yield from canonical_chunks(value[key], depth - 1)
        yield '}'
    elif depth and isinstance(value, list):
        yield '['
        for index, item in enumerate(value):
            if index:
                yield ','
            yield from canonical_chunks(item, depth - 1)
        yield ']'
    else:
        yield _CANONICAL(value)


def _holds_written(value):
    """Whether ``value`` is a list of written detections (its canonical text is in the record file)."""
    return hasattr(value, 'canonical_texts') or (isinstance(value, list) and bool(value) and hasattr(value[0], 'canonical'))


def _canonical_texts(value):
    """The canonical texts of a list of written detections (iterator), or None for any other value."""
    if not _holds_written(value):
        return None
    if hasattr(value, 'canonical_texts'):
        return value.canonical_texts()
    return (item.canonical if hasattr(item, 'canonical') else _CANONICAL(item) for item in value)


def content_digest(record):
    """sha256 of the canonical JSON of everything but ``run``, ``content_digest`` and what a report run adds about
    itself (``changes``, ``actions``): equal when the findings are."""
    body = dict((k, v) for k, v in record.items() if k not in DIGEST_EXCLUDED)
    digest = hashlib.sha256()
    for piece in canonical_chunks(body):
        digest.update(piece.encode('utf-8'))
    return digest.hexdigest()


def seal(body, lists, problems, outside, **account):
    """The finished record, for a run and a merge alike.

    ``body``: its ``run``, ``hosts``, detection lists, ``exception_rules`` and ``findings``; ``lists`` and ``problems``
    make its completeness, ``outside`` ({instance: server}) its scope, ``account`` goes into its summary. The
    content digest comes last, over everything else.
    """
    record = dict(body, schema_version=SCHEMA_VERSION, generator=GENERATOR)
    record.update(completeness=completeness_section(lists, problems), scope=scope_section(outside))
    record['summary'] = summarize(record, **account)
    record = dict((key, record[key]) for key in RECORD_KEYS)
    try:
        record['content_digest'] = content_digest(record)
    except UnicodeEncodeError:
        # Lone surrogates (JSON can carry them as escapes) are not UTF-8: neither the digest, nor Ansible, nor a
        # report could encode the record. They become U+FFFD, as the reports' prepare_record does.
        record = scrub_surrogates(record)
        record['content_digest'] = content_digest(record)
    return record


# ---- saved records -----------------------------------------------------------------------------


def load_record(path):
    """The JSON object saved at ``path`` (a JSON report); RecordError naming the file for anything unreadable."""
    try:
        with open(path, 'rb') as handle:
            data = json.loads(handle.read().decode('utf-8'))
    except (IOError, OSError) as exc:
        raise RecordError('could not read src %s: %s' % (path, exc))
    except ValueError as exc:
        raise RecordError('src %s is not a JSON report: %s' % (path, exc))
    if not isinstance(data, dict):
        raise RecordError('src %s does not hold a JSON object but %s' % (path, type(data).__name__))
    return data
