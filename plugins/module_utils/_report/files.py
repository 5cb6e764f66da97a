# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report file names and atomic writes.

A report file is either the previous version or the complete new one, never a mix: each
file is streamed by its renderer into a temporary file in the same directory, synced, and
renamed over the target; a latest file is a copy of the finished timestamped file, made the
same way (nothing is rendered twice). A report set that fails
half-way, even in the middle of rendering a file, removes the files it newly created and puts
back the files it already replaced, so a run leaves no partial evidence and no mix of two
runs' files behind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import os
import re
import shutil
import stat
import tempfile

from ansible_collections.ncloud.wbd.plugins.module_utils._text import BIDI, CONTROLS

# Format name -> file name extension; junit gets a double extension so it is recognisable next to other XML.
EXTENSIONS = {'json': 'json', 'csv': 'csv', 'html': 'html', 'junit': 'junit.xml', 'markdown': 'md'}

_ISO = re.compile(r'^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-]00:?00)?$')
_BAD_NAME = re.compile('[/\\\\%s%s]' % (CONTROLS, BIDI))


class ReportWriteError(Exception):
    """A report file could not be written; the message names the path and the OS error."""


def run_stamp(started_at_iso):
    """``2026-11-21T09:30:00.000Z`` -> ``20261121T093000Z`` (the run's UTC start, to the second)."""
    match = _ISO.match(started_at_iso if isinstance(started_at_iso, str) else '')
    if not match:
        raise ValueError('run.started_at_iso %r is not an ISO 8601 UTC time like 2026-11-21T09:30:00.000Z' % (started_at_iso,))
    return '%s%s%sT%s%s%sZ' % match.groups()


def check_basename(basename):
    """Raise ValueError unless ``basename`` is a plain file name prefix (no directories, not hidden)."""
    if not isinstance(basename, str) or not basename or basename.startswith('.') or _BAD_NAME.search(basename) or basename != basename.strip():
        raise ValueError(
            'basename %r must be a plain file name: not empty, no path separators, control characters, surrounding spaces or leading dot' % (basename,)
        )
    return basename


def report_names(basename, started_at_iso, formats):
    """{format: (timestamped_name, latest_name)}, e.g. ``webshell-audit-20261121T093000Z.junit.xml``."""
    check_basename(basename)
    stamp = run_stamp(started_at_iso)
    return dict((fmt, ('%s-%s.%s' % (basename, stamp, EXTENSIONS[fmt]), '%s-latest.%s' % (basename, EXTENSIONS[fmt]))) for fmt in formats)


def parse_mode(value):
    """File mode from an octal string (``'0640'``, ``'640'``, ``'0o640'``) or an int already converted by YAML.

    Only permission bits (at most 0777) are accepted, so an unquoted ``640`` (YAML reads the decimal 640) is
    refused instead of silently producing odd permissions.
    """
    if isinstance(value, bool):
        raise ValueError('mode must be an octal string such as \'0600\', got %r' % (value,))
    if isinstance(value, int):
        mode = value
    else:
        text = str(value).strip().lower()
        text = text[2:] if text.startswith('0o') else text
        if not text or not re.match(r'^[0-7]+$', text):
            raise ValueError('mode must be an octal string such as \'0600\', got %r' % (value,))
        mode = int(text, 8)
    if not 0 <= mode <= 0o777:
        raise ValueError('mode %r is out of range: give permission bits as a quoted octal string such as \'0640\'' % (value,))
    return mode


def atomic_write(path, data, mode):
    """Write ``data`` to ``path`` with permissions ``mode``; the old file stays intact on any failure.

    ``data`` is bytes, or a function that writes the content to the binary file handle it is given (a renderer that
    streams into the temporary file). The temporary file is removed on any failure; an exception of ``data`` other
    than an OSError propagates as it is.
    """
    directory, name = os.path.split(os.path.abspath(path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix='.' + name + '.', dir=directory)
        with os.fdopen(fd, 'wb') as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), mode)
        os.replace(tmp, path)
        tmp = None
    except (OSError, IOError) as exc:
        raise ReportWriteError('could not write %s: %s; the previous file is unchanged' % (path, exc))
    finally:
        _remove(tmp)


COPY_BLOCK = 1 << 20


def _hidden_name(path, kind):
    directory, name = os.path.split(path)
    return os.path.join(directory, '.%s.%s-%s' % (name, kind, binascii.hexlify(os.urandom(6)).decode('ascii')))


def install_copy(source, path, mode):
    """Put a copy of the finished file ``source`` at ``path``, atomically and without rendering it again: its bytes are
    copied a MiB at a time into a temporary file that is synced and renamed like any report file. A copy, not a link:
    the latest file and the run's evidence stay separate files (a chmod or edit of one leaves the other)."""

    def copy(handle):
        with open(source, 'rb') as finished:
            shutil.copyfileobj(finished, handle, COPY_BLOCK)

    atomic_write(path, copy, mode)


def _sync_dir(directory):
    """Make the renames durable; best effort (not every file system can fsync a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path):
    if path is not None:
        try:
            os.unlink(path)
        except OSError:
            pass


def _keep_previous(path):
    """A hard link to the regular file at ``path`` (a hidden name next to it), so it can be put back; None when
    there is no such file or the file system cannot link (then that one file cannot be put back)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
    except OSError:
        return None
    for _attempt in range(10):
        backup = _hidden_name(path, 'previous')
        try:
            os.link(path, backup)
            return backup
        except OSError:
            if not os.path.lexists(backup):
                return None
    return None


def _put_back(replaced):
    """Undo ``replaced`` ([(hard link to the previous file or None, path, whether it existed)]), last first."""
    for previous, path, existed in reversed(replaced):
        if previous is not None:
            try:
                os.replace(previous, path)
            except OSError:
                _remove(previous)
        elif not existed:
            _remove(path)


def write_report_set(dest, files, mode, latest=None):
    """Write ``files`` ({name: bytes or a function that writes the file to a handle}) into ``dest``, then put each at
    its latest name too (``latest``: {name: latest_name}) without writing it again.

    All timestamped files are written before any latest file, and a ``.json`` latest last of all: the JSON latest
    carries the content digest that decides ``changed``. On any failure (an OS error, or an exception of a function
    half-way through its file) every file this call replaced is put back (hard links to the previous files are kept
    while the set is written; no extra space), the files it newly created are removed, and the exception propagates
    (an OS error as ReportWriteError): the directory holds the previous report set, not a mix of two runs.
    """
    replaced = []  # (hard link to the previous file or None, path, whether it existed)
    order = sorted((latest or {}).items(), key=lambda item: (item[1].endswith('.json'), item[1]))
    steps = [(name, name) for name in sorted(files)] + order
    try:
        for name, target in steps:
            path = os.path.join(dest, target)
            existed = os.path.lexists(path)
            previous = _keep_previous(path)
            try:
                if target == name:
                    atomic_write(path, files[name], mode)
                else:
                    install_copy(os.path.join(dest, name), path, mode)
            except BaseException:
                _remove(previous)  # this file was not replaced
                raise
            replaced.append((previous, path, existed))
    except BaseException:
        _put_back(replaced)
        raise
    for previous, _path, _existed in replaced:
        _remove(previous)
    _sync_dir(dest)
