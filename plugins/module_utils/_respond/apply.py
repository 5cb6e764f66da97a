# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Applying the planned writes exactly once.

A write is never retried blindly: the client retries it only after a 429 (the gateway refused it before WBD saw
it). After a timeout, a dropped connection, a 5xx or a cut-off answer the write may or may not have taken, so the
resources concerned are read again (their lists, one walk for all of them) and planned again from what is there:
a write that took is not sent again, one that did not is sent once more. Up to ``retries`` such rounds, with
backoff. Each resource's steps run in order; different resources run on ``concurrency`` workers, every request
through the client's shared concurrency gate.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.retry import backoff_delay
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.errors import is_uncertain
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.reading import shown


def _only_throttled(err):
    """The retries a write allows: only a 429, which proves it was not applied."""
    return err.status == 429


def send(client, step):
    """One write through the signed client, retried only after a 429."""
    op = step.op
    return client.request(op.method, op.path_for(step.args), body=step.body, operation=op.name, permission=op.permission, retry_if=_only_throttled)


def _run_steps(client, target, change):
    """Send ``change``'s steps in order. Returns None, or the error after which its outcome is unknown; a refusal
    is raised as the target words it."""
    while change.steps:
        step = change.steps[0]
        try:
            send(client, step)
        except WbdError as err:
            if is_uncertain(err):
                return err
            raise target.refusal(err, change, step)
        change.done(step)
    return None


def _round(client, target, changes):
    """Every change's steps, ``client.concurrency`` resources at a time: {ident: error} of those left uncertain.
    All started writes finish before a refusal is raised, so the result can say which were applied."""
    workers = max(1, min(client.concurrency, len(changes)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [(change, pool.submit(_run_steps, client, target, change)) for change in changes]
    uncertain, failure = {}, None
    for change, future in futures:
        try:
            err = future.result()
        except WbdError as refused:
            failure = failure or refused
            continue
        if err is not None:
            uncertain[change.ident] = err
    if failure is not None:
        raise failure
    return uncertain


def apply_changes(client, target, changes, warn):
    """Apply every change's steps exactly once (see the module docstring). Raises the first refusal, or the last
    uncertain error once the rounds are spent."""
    todo = [c for c in changes if c.steps]
    for attempt in range(client.retries + 1):
        if not todo:
            return
        uncertain = _round(client, target, todo)
        if not uncertain:
            return
        client.sleep(backoff_delay(attempt, client.rng))
        todo = [c for c in todo if c.ident in uncertain]
        views = target.read(client, [c.ident for c in todo], warn)
        for change in todo:
            change.replan(views[change.ident], target.plan)
        if any(not c.steps for c in todo):
            warn(
                'A write to %s %s got no answer (%s), but re-reading showed it had taken; it was not sent again.'
                % (target.noun, shown(c.ident for c in todo if not c.steps), _short(uncertain))
            )
        todo = [c for c in todo if c.steps]
    if todo:
        err = uncertain[todo[0].ident]
        err.message = '%s After %d attempts, re-reading showed the change to %s %s had still not taken; nothing more was sent.' % (
            err.message,
            client.retries + 1,
            target.noun,
            shown(c.ident for c in todo),
        )
        raise err


def _short(errors):
    first = list(errors.values())[0]
    return '%s error%s' % (first.kind, '' if first.status is None else ' HTTP %s' % first.status)
