# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A list's records normalised and written by a forked helper process while this one fetches the next pages.

Fetching and decoding pages and normalising records all need the one interpreter lock; on a second core the helper
does the normalising and writing. Batches go to it pickled (exact for every value JSON can decode to: NaN and ints
wider than 64 bits included) through a pipe, in order. It writes into the sink's file, which parent and helper share;
at the end it sends back what the parent needs to go on (the sink's count, the time notes), or its error.

The helper is forked before the first request, while this process has a single thread (forking one with threads can
deadlock), and ends with ``os._exit`` so it runs nothing of the parent's at exit. Anything it cannot do, it leaves to
the parent: ``start`` returns None (no fork on this platform, a sink that cannot share its file) and the caller
normalises in-process as before.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pickle
import signal
import struct
import threading

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError

_FRAME = struct.Struct('!Q')
_READ = 1024 * 1024


def start(sink, process, answer):
    """A running ``Helper`` that calls ``process(batch)`` in a forked child for each batch ``put`` and
    ``answer(request)`` for each ``call``; None when this cannot be done here (then process in-process)."""
    share = getattr(sink, 'share_file', None)
    if not hasattr(os, 'fork') or threading.active_count() > 1 or share is None or not share():
        return None
    helper = Helper()
    try:
        helper.fork(process, answer)
    except OSError:
        helper.abort()
        return None
    return helper


class Helper(object):
    """The parent's end of one helper process: ``put`` batches and ``call`` it, in order; then ``close`` or ``abort``.
    What fails in the helper is raised again by the parent's next ``put`` or ``call``: the helper's own exception
    (pickled), so the caller handles it as if it had been raised in-process."""

    def __init__(self):
        self.pid = None
        self.batches = self.results = None

    def fork(self, process, answer):
        batches, results = os.pipe(), os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the helper: never returns
            os.close(batches[1])
            os.close(results[0])
            _serve(batches[0], results[1], process, answer)
        os.close(batches[0])
        os.close(results[1])
        self.batches, self.results = batches[1], results[0]

    def put(self, batch):
        """Hand one batch to ``process`` in the helper."""
        self._send(('batch', batch))

    def call(self, request):
        """``answer(request)`` from the helper, once it has processed every batch put before."""
        self._send(('call', request))
        return self._reply()

    def close(self):
        """Let the helper end (it has nothing left to do) and reap it."""
        self._close_pipes()
        self._reap()

    def abort(self):
        """Stop the helper, whatever it was doing (the listing failed)."""
        self._close_pipes()
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self._reap()

    def _send(self, message):
        data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        try:
            _write_all(self.batches, _FRAME.pack(len(data)) + data)
        except OSError:  # the helper is gone: its own answer says why
            self._reply()
            raise WbdError(_GONE)

    def _reply(self):
        frame = _read_frame(self.results)
        try:
            ok, value = pickle.loads(frame)
        except Exception:  # pylint: disable=broad-exception-caught  # no answer or a cut one: the helper was killed
            self.abort()
            raise WbdError(_GONE)
        if not ok:
            self.abort()
            raise value  # the helper's own exception, as if it had been raised here
        return value

    def _close_pipes(self):
        for fd in (self.batches, self.results):
            if fd is not None:
                os.close(fd)
        self.batches = self.results = None

    def _reap(self):
        if self.pid:
            try:
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = None


_GONE = 'The helper process that normalises the records ended without an answer (killed?); run again.'


def _serve(batches, results, process, answer):
    """The helper's life: process every batch and answer every call, in order, until the parent closes its end; on
    the first failure answer (False, why) and exit."""
    code = 0
    try:
        while not code:
            frame = _read_frame(batches)
            if not frame:  # the parent closed its end (or is gone)
                break
            kind, value = pickle.loads(frame)
            try:
                if kind == 'batch':
                    process(value)
                    continue
                reply = (True, answer(value))
            except Exception as err:  # pylint: disable=broad-exception-caught  # raised again by the parent
                reply, code = (False, err), 1
            data = _pickled_reply(reply)
            _write_all(results, _FRAME.pack(len(data)) + data)
    except BaseException:  # pylint: disable=broad-exception-caught  # nothing of the parent's may run here
        code = code or 2
    finally:
        os._exit(code)  # pylint: disable=protected-access


def _pickled_reply(reply):
    """A reply as bytes; an exception that does not pickle travels as a WbdError naming it, in one line."""
    try:
        return pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
    except Exception:  # pylint: disable=broad-exception-caught  # any value: said, never lost
        if reply[0]:
            raise
        err = reply[1]
        return pickle.dumps((False, WbdError('Normalising the records failed: %s: %s' % (type(err).__name__, err))), pickle.HIGHEST_PROTOCOL)


def _read_frame(fd):
    """One length-prefixed message from ``fd``; b'' when the other end closed before sending one whole."""
    head = _read_exactly(fd, _FRAME.size)
    if len(head) < _FRAME.size:
        return b''
    size = _FRAME.unpack(head)[0]
    data = _read_exactly(fd, size)
    return data if len(data) == size else b''


def _read_exactly(fd, size):
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, _READ))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b''.join(chunks)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        sent = os.write(fd, view)
        view = view[sent:]
