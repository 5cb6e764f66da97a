# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``WriteTarget``: what one write module manages, and how a write module uses the write core (this package).

The write core of the ncloud.wbd write modules (private): every module reads, plans, applies exactly once,
waits and reports the same way.

How a write module uses it (``plugins/modules/detection_target.py`` is the worked example):

1. Describe the documented write operations as ``plan.WriteOp(name, method, path_with_%s, permission,
   asynchronous=False)``; cite the API page in a comment.
2. Subclass ``target.WriteTarget``: class attributes ``noun`` ("detection target"), ``key`` (the result's list),
   ``id_field``, ``id_option`` / ``ids_option`` (single and list option), ``resources`` (the ``_api.resources``
   ListResources the state is read from, in lookup order: a later list is walked only for IDs the earlier lacked).
   Implement ``view(resource, record)``: the managed state of a normalised record, a small dict shown as the diff's
   before/after (use ``memo.current_memo`` for a memo) and ``plan(ident, view)``: ``(after, [plan.Step(op, args,
   body)])``, no steps when nothing differs. ``plan`` must depend only on the view and ``self.params``: after a write
   whose answer was lost, the engine re-reads and plans again, which is what makes writes exactly-once. Use
   ``memo.desired_memo(view['memo'], self.params)`` for ``memo`` / ``memo_append``. Optionally ``describe(view)``
   (the state as a phrase for refusals, "file status quarantineFailed"), ``settling(view, after)`` (an asynchronous
   effect under way), ``read`` (when the state is not in a paged list: one request per ID is then unavoidable;
   raise ``errors.WbdNotFoundError`` for a missing one), ``result(entries)``.
3. ``main()``: ``options.write_argument_spec(id_option, ids_option, memo=True, wait=False)`` plus the module's own
   options, and ``module.run_write_module(TargetClass, spec, **options.module_kwargs(id_option, ids_option))``.
   Document with the fragments ``ncloud.wbd.auth``, ``ncloud.wbd.respond`` (+ ``.memo``, ``.wait``),
   ``ncloud.wbd.attributes``, ``ncloud.wbd.attributes.action_group``, ``ncloud.wbd.attributes.write_module``.

What the engine does (``engine.run_writes``): reads the named resources' lists page by page and stops when all are
found (``reading.find_records``; missing IDs are an error in their own words, an unprovable list an incomplete-data
error); plans; in check mode sends nothing. Otherwise ``apply.apply_changes`` sends each resource's steps in order,
``concurrency`` resources at a time through the client's gate, retrying a write only after a 429; after a timeout,
a reset or a 5xx it re-reads those resources and re-plans, so a write that took is never sent again.
``errors.refusal`` turns WBD 8004/8008, the console's quarantine failures, a permission refusal and a 404 into one
line naming the resource, its state and the operation. ``wait``/``wait_timeout`` poll ``settling`` resources.

The result: ``changed`` (exact), ``<key>``: one entry per resource, in the order named (``<id_field>``, ``changed``,
``before``, ``after``, ``actions`` (applied, or in check mode planned), ``pending``), and in diff mode ``diff``: a
list with one before/after per changed resource. A failure after some writes carries the same fields.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.errors import refusal
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.reading import find_records, require_all


def ids_from(params, id_option, ids_option):
    """The IDs a task names, by the single option or the list one (the module makes them exclusive), in order, each
    once; blank IDs are refused."""
    values = params.get(ids_option)
    if values is None:
        values = [] if params.get(id_option) is None else [params[id_option]]
        option = id_option
    else:
        option = ids_option
    ids = []
    for value in values:
        text = ('%s' % (value,)).strip()
        if not text:
            raise WbdConfigError('%s must not hold an empty ID.' % option)
        if text not in ids:
            ids.append(text)
    return ids


class WriteTarget(object):
    """One write module's resources. Class attributes: ``noun`` (how messages name one: "detection target"),
    ``key`` (the result's list), ``id_field`` (the ID's name in each entry), ``id_option`` / ``ids_option`` (the
    single and the list option), ``resources`` (the ListResources its state is read from, in lookup order).

    An instance holds the task's ``params``. Override ``view`` and ``plan``; ``describe``, ``settling`` and
    ``result`` when the default does not fit; ``read`` when the state is not in ``resources`` (the notification
    interval)."""

    noun = 'resource'
    key = 'resources'
    id_field = 'id'
    id_option = 'id'
    ids_option = 'ids'
    resources = ()

    def __init__(self, params):
        self.params = params

    def ids(self):
        return ids_from(self.params, self.id_option, self.ids_option)

    def read(self, client, ids, warn=None):
        """{id: view} of ``ids``; a missing one raises WbdNotFoundError naming the lists read."""
        found = find_records(client, self.resources, ids, self.params.get('page_size') or 100, warn)
        require_all(found, ids, self.noun, self.id_option, [r.get_op for r in self.resources])
        return dict((ident, self.view(resource, record)) for ident, (resource, record) in found.items())

    def view(self, resource, record):
        """The managed state of one normalised ``record`` found in ``resource``: the dict shown as before/after."""
        raise NotImplementedError

    def plan(self, ident, view):
        """(the view asked for, [Step]) that turn ``view`` into it; no steps when it is already so."""
        raise NotImplementedError

    def describe(self, view):
        """The state as a phrase for refusals ("agent status notInstalled"), or None."""
        return None

    def settling(self, view, after):
        """Whether ``view`` is on its way to ``after`` by itself (an asynchronous effect not shown yet)."""
        return False

    def refusal(self, err, change, step, view=None):
        """The error a task shows when ``step`` on ``change`` was refused; ``view``: the state read after it."""
        return refusal(err, self.noun, change.ident, self.describe(change.before if view is None else view), step.op.name)

    def header(self, ident):
        return '%s %s' % (self.noun, ident)

    def result(self, entries):
        """The module's result (beyond ``changed`` and ``diff``) from the per-resource entries."""
        return {self.key: entries}
