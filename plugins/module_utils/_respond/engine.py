# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One write task from start to end: read the state, plan, (unless check mode) apply exactly once, wait for
asynchronous effects, and the result with ``changed``, the per-resource entries and the diff."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError, WbdTimeoutError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.apply import apply_changes
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.errors import WbdRefusedError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.plan import Change
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.reading import shown

POLL_FIRST = 1.0
POLL_MAX = 5.0


def plan_changes(target, client, warn):
    """Read the named resources and plan each one: [Change] in the order named."""
    ids = target.ids()
    views = target.read(client, ids, warn)
    changes = []
    for ident in ids:
        after, steps = target.plan(ident, views[ident])
        changes.append(Change(ident, views[ident], after, steps))
    return changes


def run_writes(connection, target, check_mode=False, diff=False):
    """The result of a write task on ``connection`` for ``target`` (a WriteTarget holding the task's params).

    Check mode reads and plans but sends no write. A refusal or a failure after some writes were applied raises
    the error with ``result_fields`` set: the entries so far, so the task's output says what was applied."""
    client = connection.client
    changes = plan_changes(target, client, connection.warn)
    if not check_mode:
        try:
            apply_changes(client, target, changes, connection.warn)
            _settle(client, target, changes, connection.warn)
        except WbdError as err:
            _recheck(client, target, changes, connection.warn)
            err.result_fields = _result(target, changes, check_mode, diff)
            raise
    else:
        for change in changes:
            change.pending = target.settling(change.before, change.after)
    return _result(target, changes, check_mode, diff)


def _recheck(client, target, changes, warn):
    """After a failure: read once more the resources whose writes did not all complete, so that ``changed`` also
    counts a write whose answer was lost. Best effort: the failure is what the task reports."""
    unsure = [c for c in changes if c.steps]
    if not unsure:
        return
    try:
        views = target.read(client, [c.ident for c in unsure], warn)
    except WbdError:
        return
    for change in unsure:
        change.moved = change.moved or views[change.ident] != change.before


def _result(target, changes, check_mode, diff):
    result = target.result([c.entry(target.id_field, check_mode) for c in changes])
    result['changed'] = any(c.changed(check_mode) for c in changes)
    if diff:
        result['diff'] = [d for d in (c.diff(target.header(c.ident)) for c in changes) if d is not None]
    return result


def _settle(client, target, changes, warn):
    """Mark the changes whose asynchronous effect has not shown; with the ``wait`` option, read them again until it
    has (or ``wait_timeout`` passes: an error)."""
    waiting = [c for c in changes if any(op.asynchronous for op in c.sent_ops) or target.settling(c.before, c.after)]
    for change in waiting:
        change.pending = True
    if not waiting or not target.params.get('wait'):
        return
    timeout = float(target.params.get('wait_timeout') or 0)
    deadline = client.clock() + timeout
    delay, views = POLL_FIRST, {}
    while waiting:
        if client.clock() >= deadline:
            view = views.get(waiting[0].ident)
            state = (target.describe(view) or 'not yet as asked') if view else 'not read again'
            raise WbdTimeoutError(
                '%s %s had not settled after wait_timeout (%g s; %s): raise wait_timeout, or set wait: false to report it as pending.'
                % (target.noun, shown(c.ident for c in waiting), timeout, state)
            )
        client.sleep(min(delay, max(deadline - client.clock(), 0)))
        delay = min(delay * 2, POLL_MAX)
        views = target.read(client, [c.ident for c in waiting], warn)
        waiting = _still_settling(target, waiting, views)


def _still_settling(target, waiting, views):
    """The changes of ``waiting`` still settling in ``views``; one that settled elsewhere than asked is an error."""
    left = []
    for change in waiting:
        view = views[change.ident]
        if target.settling(view, change.after):
            left.append(change)
            continue
        change.pending = False
        if target.plan(change.ident, view)[1]:
            raise WbdRefusedError(
                '%s %s did not reach the state asked for: it is now %s after %s.'
                % (target.noun, change.ident, target.describe(view) or view, ', '.join(change.sent) or 'waiting')
            )
        change.after = view
    return left
