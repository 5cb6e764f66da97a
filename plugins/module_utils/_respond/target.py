# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``WriteTarget``: what one write module manages. A module subclasses it and fills in how to read its resources'
state (``read``), what to call to reach the state asked for (``plan``) and how to name a state in messages; the
engine (``engine.run_writes``) does the rest the same way for every module."""

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
