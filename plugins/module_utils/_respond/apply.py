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

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdApiError, WbdError
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


def _run_steps(client, change):
    """Send ``change``'s steps in order. Returns None, or (error, step) after which its outcome is unknown or WBD
    refused it; other errors (authentication, permission, a 404) are raised."""
    while change.steps:
        step = change.steps[0]
        try:
            send(client, step)
        except WbdApiError as err:
            return err, step
        except WbdError as err:
            if is_uncertain(err):
                return err, step
            err.failed_step = step
            raise
        change.done(step)
    return None


def _round(client, target, changes):
    """Every change's steps, ``client.concurrency`` resources at a time: {ident: (error, step)} of those left
    uncertain or refused. All started writes finish before an error is raised, so the result can say which were
    applied."""
    workers = max(1, min(client.concurrency, len(changes)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [(change, pool.submit(_run_steps, client, change)) for change in changes]
    failed, failure = {}, None
    for change, future in futures:
        try:
            outcome = future.result()
        except WbdError as err:
            if failure is None:
                failure = target.refusal(err, change, err.failed_step) if hasattr(err, 'failed_step') else err
            continue
        if outcome is not None:
            failed[change.ident] = outcome
    if failure is not None:
        raise failure
    return failed


def _settle_refusals(client, target, todo, failed, warn):
    """Read the refused resources again: one already as asked (someone else made the change meanwhile) is done,
    with a warning; otherwise the refusal is raised, naming the state now read."""
    refused = [c for c in todo if c.ident in failed and isinstance(failed[c.ident][0], WbdApiError)]
    if not refused:
        return
    views = target.read(client, [c.ident for c in refused], warn)
    for change in refused:
        err, step = failed.pop(change.ident)
        after, steps = target.plan(change.ident, views[change.ident])
        if steps:
            raise target.refusal(err, change, step, views[change.ident])
        change.after, change.steps = after, []
        warn('%s on %s %s was refused, but it is already as asked (someone else made the change meanwhile).' % (step.op.name, target.noun, change.ident))


def apply_changes(client, target, changes, warn):
    """Apply every change's steps exactly once (see the module docstring). Raises the first refusal, or the last
    uncertain error once the rounds are spent."""
    todo = [c for c in changes if c.steps]
    uncertain = {}
    for attempt in range(client.retries + 1):
        if not todo:
            return
        uncertain = _round(client, target, todo)
        _settle_refusals(client, target, todo, uncertain, warn)
        if not uncertain:
            return
        client.sleep(backoff_delay(attempt, client.rng))
        todo = [c for c in todo if c.ident in uncertain]
        _replan(client, target, todo, uncertain, warn)
        todo = [c for c in todo if c.steps]
    if todo:
        err = uncertain[todo[0].ident][0]
        err.message = '%s After %d attempts, re-reading showed the change to %s %s had still not taken; nothing more was sent.' % (
            err.message,
            client.retries + 1,
            target.noun,
            shown(c.ident for c in todo),
        )
        raise err


def _replan(client, target, todo, uncertain, warn):
    """Read the resources whose writes got no answer and plan them again from what is there."""
    views = target.read(client, [c.ident for c in todo], warn)
    for change in todo:
        change.replan(views[change.ident], target.plan)
    taken = [c.ident for c in todo if not c.steps]
    if taken:
        first = uncertain[taken[0]][0]
        warn(
            'A write to %s %s got no answer (%s error%s), but re-reading showed it had taken; it was not sent again.'
            % (target.noun, shown(taken), first.kind, '' if first.status is None else ' HTTP %s' % first.status)
        )
