# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One run of audit_report: load and prepare the record once, stream every format into its file, write the set atomically.

Shared by the module and its action plugin (the action renders on the controller when the record comes from a
variable, so a large record is never templated or shipped as a module argument).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import load_record
from ansible_collections.ncloud.wbd.plugins.module_utils._report import changes as report_changes
from ansible_collections.ncloud.wbd.plugins.module_utils._report.apart import RenderedApart
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import (
    FORMATS,
    ReportView,
    as_view,
    is_complete,
    prepare_record,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._report.files import (
    ReportWriteError,
    check_basename,
    parse_mode,
    report_names,
    write_report_set,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._report.render import report_writers
from ansible_collections.ncloud.wbd.plugins.module_utils._text import scrub_surrogates


class ReportRunError(Exception):
    """The run failed; ``extra`` goes into the failure result."""

    def __init__(self, message, **extra):
        super(ReportRunError, self).__init__(message)
        self.extra = extra


def report_argument_spec():
    return dict(
        record=dict(type='dict'),
        src=dict(type='path'),
        record_from=dict(type='str'),
        dest=dict(type='path', required=True),
        formats=dict(type='list', elements='str', choices=list(FORMATS), default=list(FORMATS)),
        mode=dict(type='raw', default='0600'),
        basename=dict(type='str', default='webshell-audit'),
        latest=dict(type='bool', default=True),
        html_max_detections=dict(type='int', default=2000),
        actions=dict(type='list', elements='dict'),
    )


# render_json writes the record with sorted keys and a two-space indent: every top-level key starts a line with
# exactly two spaces, and ``content_digest`` is the second key (after ``completeness``), near the top of the file.
_TOP_KEY = re.compile(rb'^  "((?:[^"\\]|\\.)*)": ')
_DIGEST_KEY = b'content_digest'


def previous_digest(path):
    """The content digest of the latest JSON report at ``path``; None when there is none or it cannot be read.

    Our own report is read only down to its digest line (at 100,000 detections it is over 100 MiB, and all that is
    needed is one key); any other file is parsed whole, so it gives what it always gave: its top-level
    ``content_digest`` when it is a JSON object that has one as text, else None.
    """
    try:
        with open(path, 'rb') as handle:
            found, digest = _head_digest(handle)
            if not found:
                handle.seek(0)
                digest = json.loads(handle.read().decode('utf-8')).get('content_digest')
    except (IOError, OSError, ValueError, AttributeError):
        return None
    return digest if isinstance(digest, str) else None


def _head_digest(handle):
    """(True, the digest's JSON value) from a file laid out as render_json lays out a report; (False, None) when
    the file is not laid out so (the caller then parses it whole).

    Only a file that opens with ``{`` on a line of its own, reaches the digest line before any later top-level key
    and ends with ``}`` is taken as laid out so: a truncated or reformatted file is parsed whole instead.
    """
    if handle.readline() != b'{\n':
        return False, None
    for line in handle:
        key = _TOP_KEY.match(line)
        if key is None:
            continue
        if key.group(1) != _DIGEST_KEY:
            if key.group(1) > _DIGEST_KEY:
                return False, None
            continue
        start = key.end()
        rest = line[start:]
        value = json.loads(rest.rstrip(b'\r\n').rstrip(b',').decode('utf-8'))
        handle.seek(-2, os.SEEK_END)
        return handle.read() == b'}\n', value
    return False, None


def check_dest(dest, check_mode):
    """Create ``dest`` (0700) unless in check mode; fail when it is not a writable directory."""
    if not os.path.lexists(dest):
        if check_mode:
            return
        try:
            os.makedirs(dest, 0o700)
            os.chmod(dest, 0o700)
        except OSError as exc:
            raise ReportRunError('could not create dest %s: %s' % (dest, exc))
    if not os.path.isdir(dest):
        raise ReportRunError('dest %s exists and is not a directory' % dest)
    if not os.access(dest, os.W_OK | os.X_OK):
        raise ReportRunError('dest %s is not writable' % dest)


def run_report(params, check_mode, warn):
    """The module result for ``params`` (the module's options, with the record already in ``record`` or ``src``)."""
    if params.get('record') is None and not params.get('src'):
        raise ReportRunError('one of record, src or record_from is required')
    formats = [fmt for fmt in FORMATS if fmt in params['formats']]
    dest = os.path.abspath(os.path.expanduser(params['dest']))
    try:
        mode = parse_mode(params['mode'])
        check_basename(params['basename'])
        if params['html_max_detections'] < 0:
            raise ValueError('html_max_detections must be 0 or more, got %d' % params['html_max_detections'])
        actions = report_changes.check_actions(params.get('actions'))
        record = load_record(params['src']) if params.get('src') else params['record']
        record, claimed = prepare_record(record, sealed=bool(params.get('sealed')))
        names = report_names(params['basename'], (record['run'] or {}).get('started_at_iso'), formats)
    except ValueError as exc:  # RecordError is a ValueError
        raise ReportRunError(str(exc))
    record = run_parts(record, dest, params, actions)
    digest = record['content_digest']
    if claimed not in (None, digest):
        warn('the record says its content_digest is %s but its content gives %s; the reports carry the latter' % (claimed, digest))

    check_dest(dest, check_mode)
    latest_names = dict((fmt, names[fmt][1]) for fmt in formats) if params['latest'] else {}
    # Read before the set is written (it replaces this file), and only down to the digest line.
    previous = previous_digest(os.path.join(dest, '%s-latest.json' % params['basename']))
    view = ReportView(record)
    write_reports(view, dest, names, latest_names, mode, params['html_max_detections'], check_mode)
    result = dict(record_outcome(view), written=not check_mode)
    if check_mode:
        # Nothing was written, so nothing changed; would_change says whether a real run would change the latest report.
        result.update(
            changed=False,
            would_change=previous != digest,
            msg='check mode: no report written; a real run writes %d file%s to %s'
            % (len(formats) + len(latest_names), '' if len(formats) + len(latest_names) == 1 else 's', dest),
        )
    else:
        result.update(changed=previous != digest)
    result.update(
        files=dict((fmt, os.path.join(dest, names[fmt][0])) for fmt in formats),
        latest=dict((fmt, os.path.join(dest, name)) for fmt, name in latest_names.items()),
        content_digest=digest,
        previous_digest=previous,
        changes=report_changes.change_counts(record['changes']),
        actions=report_changes.action_counts(actions),
        summary=record.get('summary'),
        dest=dest,
    )
    return result


def previous_path(dest, basename):
    """The previous JSON report in ``dest``: ``<basename>-latest.json``, else (``latest: false``) the newest
    timestamped one (their names sort by time); a path that does not exist when there is none."""
    latest = os.path.join(dest, '%s-latest.json' % basename)
    if os.path.exists(latest) or not os.path.isdir(dest):
        return latest
    stamped = re.compile(re.escape(basename) + r'-\d{8}T\d{6}Z\.json$')
    found = sorted(name for name in os.listdir(dest) if stamped.match(name))
    return os.path.join(dest, found[-1]) if found else latest


def run_parts(record, dest, params, actions):
    """The record with what this report run adds (never what a saved report's run added): ``changes`` against the
    previous JSON report in ``dest`` and, when given, ``actions``."""
    record = dict((k, v) for k, v in record.items() if k not in ('changes', 'actions'))
    record['changes'] = report_changes.changes_since(previous_path(dest, params['basename']), record)
    if actions is not None:
        record['actions'] = scrub_surrogates(actions)
    return record


def write_reports(view, dest, names, latest_names, mode, html_max_detections, check_mode):
    """Stream each format of ``names`` ({format: (timestamped, latest)}) once, straight into its file, then copy the
    finished files to their latest names (``latest_names``); in check mode render each into nothing (so errors
    surface) and write nothing. A large record has some formats rendered in a child process meanwhile (``APART``)."""
    writers = report_writers(view, list(names), html_max_detections)
    try:
        if check_mode:
            with open(os.devnull, 'wb') as nowhere:
                for write in writers.values():
                    write(nowhere)
            return
        files = dict((names[fmt][0], write) for fmt, write in writers.items())
        apart = dict((names[fmt][0], writers[fmt]) for fmt in APART if fmt in writers) if rendered_apart(view) else {}
        with RenderedApart(apart, dest) if apart else _Here() as rendered:
            files.update((name, rendered.copier(name)) for name in apart)
            write_report_set(dest, files, mode, dict((names[fmt][0], name) for fmt, name in latest_names.items()))
    except (ReportWriteError, ValueError) as exc:
        raise ReportRunError(str(exc), content_digest=view.record['content_digest'])


# Rendered in a child process, on a second core, for a record of APART_FROM detections or more: the formats that come
# after the HTML in the set's order (files.write_report_set), so this process renders CSV and HTML meanwhile.
APART = ('json', 'junit')
APART_FROM = 2000


def rendered_apart(view):
    """Whether to render APART in a child: a record large enough for it to pay, where the system can fork."""
    return hasattr(os, 'fork') and len(view.detections) >= APART_FROM


class _Here(object):
    """No child: every format is rendered in this process."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def record_outcome(record):
    """What the play needs to decide about the record (or its ReportView): whether it is complete, its problems (one
    line each) and the hosts it could not decide."""
    view = as_view(record)
    return dict(complete=is_complete(view.record), completeness_problems=[p['message'] for p in view.problems], unknown_hosts=list(view.unknown_hosts))
