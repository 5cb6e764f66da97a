# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Some report formats rendered in a child process, on another core, while this process renders the others.

Rendering is CPU-bound Python, so threads would not help; a forked child shares the prepared record without copying
it. The child writes its formats to hidden files next to the reports; the report set then takes each from there (a
copy, within ``files.write_report_set``'s all-or-nothing write), so the files are byte for byte what rendering them
here writes. A failure in the child fails the set with the child's own message, and the hidden files never outlive the
run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import signal
import tempfile

COPY_BLOCK = 1 << 20
MESSAGE_MAX = 2000


class RenderedApart(object):
    """``writers`` ({name: write(handle)}) rendered by a forked child into hidden files in ``directory``; ``copier``
    gives for each name a write(handle) that waits for the child and copies its file. Use as a context manager: on
    leaving, the child is stopped if still running and the hidden files are removed."""

    def __init__(self, writers, directory):
        self.paths, self.pid, self.outcome = {}, None, None
        for name in writers:
            fd, self.paths[name] = tempfile.mkstemp(prefix='.%s.' % name, suffix='.part', dir=directory)
            os.close(fd)
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child's exit status and message are what the tests check
            os.close(read_end)
            _child(writers, self.paths, write_end)
        os.close(write_end)
        self.pipe = read_end

    def _wait(self):
        """None when the child rendered every file, else its message (one line)."""
        if self.outcome is None:
            chunks = []
            while True:
                chunk = os.read(self.pipe, 4096)
                if not chunk:
                    break
                chunks.append(chunk)
            os.close(self.pipe)
            dummy, status = os.waitpid(self.pid, 0)
            self.pid = None
            message = b''.join(chunks).decode('utf-8', 'replace').strip()
            failed = os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0
            self.outcome = (message or 'the child process rendering the report ended with status %s' % status) if failed else ''
        return self.outcome or None

    def copier(self, name):
        def copy(handle):
            message = self._wait()
            if message:
                raise ValueError(message)
            with open(self.paths[name], 'rb') as rendered:
                shutil.copyfileobj(rendered, handle, COPY_BLOCK)

        return copy

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self._wait()
        for path in self.paths.values():
            try:
                os.unlink(path)
            except OSError:
                pass
        return False


def _child(writers, paths, pipe):  # pragma: no cover - runs in the forked child
    """Render each of ``writers`` into its file; say what failed on ``pipe``; never return (os._exit: no cleanup of
    the parent's state runs twice)."""
    code = 0
    try:
        for name, write in writers.items():
            with open(paths[name], 'wb') as handle:
                write(handle)
    except BaseException as exc:  # pylint: disable=broad-except
        os.write(pipe, ('%s' % (exc,)).replace('\n', ' ').encode('utf-8', 'replace')[:MESSAGE_MAX])
        code = 1
    finally:
        os.close(pipe)
    os._exit(code)
