# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the ncloud.wbd event sources share: options checked like the modules', a poll loop that backs off on
throttling and gateway errors and ends with one clear line on anything else, and a checkpoint file written
atomically, so a restart (even after kill -9) resumes where the last event left.

The WBD requests themselves go through the collection's client (``plugins/module_utils/_api``): signing, retries,
paging and its completeness rules are the modules', not a copy. The client blocks, so each poll runs in a thread.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json
import logging
import os
import tempfile
import uuid

from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import Connection, validate_options
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError, WbdError, clean_text
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import parse_time

# Event IDs are UUIDs derived from what the event is about, so a redelivered event carries the same meta.uuid.
EVENT_NAMESPACE = uuid.UUID('5b7c4d6e-2f1a-5c3b-9e8d-7a6b5c4d3e2f')
# The longest pause between polls after throttling or gateway errors.
MAX_BACKOFF = 300.0
# Arguments ansible-rulebook adds to every source's own.
RULEBOOK_ARGS = ('eda_feedback_queue',)


class SourceError(Exception):
    """The one line a source ends with: the cause, never a traceback or a secret.

    ansible-rulebook logs the file and line of every frame of a failed source's exception (app.py,
    log_exception_without_data); for this one the cause is the whole story, so it shows no traceback."""

    @property
    def __traceback__(self):
        return None

    @__traceback__.setter
    def __traceback__(self, value):
        """Python's own raise records frames below this attribute; assignments from Python code are dropped."""


def event_uuid(*parts):
    """A stable event ID for ``parts`` (the same detection gives the same ID on every delivery)."""
    return str(uuid.uuid5(EVENT_NAMESPACE, '\x1f'.join('%s' % (part,) for part in parts)))


def source_options(name, argument_spec, args):
    """The source's ``args`` validated as a module's options (types, defaults, environment fallbacks).

    Raises SourceError with the validator's messages, the secret key blanked out."""
    args = dict((k, v) for k, v in (args or {}).items() if k not in RULEBOOK_ARGS)
    try:
        params = validate_options(argument_spec, args)
    except WbdConfigError as err:
        raise SourceError(fail_line(name, err.redact([args.get('secret_key')])))
    if params['interval'] <= 0:
        raise SourceError('%s: interval must be positive, got %s.' % (name, params['interval']))
    return params


def duration_ms(value, option):
    """Milliseconds of a duration option given as a relative age (30s, 5m, 2h) or a number of milliseconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise WbdConfigError('%s must not be negative, got %s.' % (option, value))
        return int(value)
    anchor = 10**13
    try:
        return anchor - parse_time(value, anchor, option)
    except WbdConfigError:
        raise WbdConfigError('%s must be a duration such as 30s, 5m or 2h, or milliseconds; got "%s".' % (option, clean_text(value, 40)))


def fail_line(name, err):
    """The one line of a source that stops on ``err``."""
    return '%s: %s error: %s' % (name, getattr(err, 'kind', 'error'), clean_text(err.message if isinstance(err, WbdError) else '%s' % err, 500))


class Checkpoint(object):
    """A JSON state file, replaced atomically (temporary file, fsync, rename): a crash leaves the old or the new one."""

    def __init__(self, path, name):
        self.path = path
        self.name = name

    def load(self):
        """The saved state, or None when there is no file yet; a file that does not parse stops the source (starting
        over from now would silently skip what happened while it was down)."""
        if not self.path or not os.path.exists(self.path):
            return None
        try:
            with open(self.path) as handle:
                state = json.load(handle)
        except (OSError, ValueError) as err:
            raise SourceError('%s: the checkpoint %s cannot be read (%s); move it away to start from since.' % (self.name, self.path, clean_text(err, 200)))
        if not isinstance(state, dict) or state.get('source') != self.name:
            raise SourceError('%s: the checkpoint %s was not written by this source; give each source its own file.' % (self.name, self.path))
        return state

    def save(self, state):
        """Write ``state``; a file that cannot be written ends the source (going on would repeat events later)."""
        if not self.path:
            return
        tmp = None
        try:
            handle, tmp = tempfile.mkstemp(prefix='.checkpoint-', dir=os.path.dirname(os.path.abspath(self.path)))
            with os.fdopen(handle, 'w') as out:
                json.dump(dict(state, source=self.name), out, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except OSError as err:
            raise SourceError('%s: the checkpoint %s cannot be written (%s).' % (self.name, self.path, clean_text(err, 200)))
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


class Poller(object):
    """One source's polling state: ``fetch()`` (blocking) returns the new events, ``commit(event)`` records that
    one was handed to the rule engine. Subclasses define both; this holds the connection and its logger."""

    name = 'ncloud.wbd'

    def __init__(self, params, environ=None, client_factory=None):
        self.log = logging.getLogger(self.name)
        kwargs = {} if client_factory is None else {'client_factory': client_factory}
        self.connection = Connection(params, self.log.warning, environ=environ, **kwargs)
        self.params = params

    def list_result(self, operation, params):
        """``operation``'s work (an ``INFO_OPERATIONS`` entry, as the info module runs it) with ``params``."""
        self.connection.params = params
        try:
            return operation.work(self.connection)
        except WbdError as err:
            err.message = self.connection.redact(err.message)
            raise

    def close(self):
        client = self.connection._client
        if client is not None:
            client.close()
            self.connection._client = None


async def poll_forever(queue, poller, interval, sleep=asyncio.sleep):
    """Poll every ``interval`` seconds and put each new event on ``queue``; throttling, gateway and connection
    errors (after the client's own retries) double the pause, up to MAX_BACKOFF, and the next good poll resets it.
    Anything else ends the source with SourceError (one line)."""
    pause = interval
    try:
        while True:
            try:
                events = await asyncio.to_thread(poller.fetch)
            except WbdError as err:
                if not err.retryable:
                    raise SourceError(fail_line(poller.name, err))
                pause = min(max(pause, interval) * 2, MAX_BACKOFF)
                poller.log.warning('%s; polling again in %.0f s.', fail_line(poller.name, err), pause)
                await sleep(pause)
                continue
            pause = interval
            for event in events:
                await queue.put(event)
                poller.commit(event)
            await sleep(interval)
    finally:
        poller.close()
