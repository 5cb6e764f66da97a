# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a write task will do to each resource: the documented write operations (``WriteOp``), one call of one
(``Step``), and per resource the state before, the state asked for and the steps between (``Change``), from which
``changed``, the diff and the module's per-resource result come."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover
    from urllib import quote  # type: ignore[attr-defined,no-redef]


class WriteOp(object):
    """One documented WBD write operation. ``path`` has one ``%s`` per path parameter (quoted when filled);
    ``asynchronous``: its effect shows in the state later (ActivateAgent passes through ``activating``)."""

    def __init__(self, name, method, path, permission=None, asynchronous=False):
        self.name = name
        self.method = method
        self.path = path
        self.permission = permission
        self.asynchronous = asynchronous

    def path_for(self, args):
        # IDs come from the task: never let one add path segments or a query.
        return self.path % tuple(quote('%s' % (arg,), safe='') for arg in args)

    def __repr__(self):
        return 'WriteOp(%s)' % self.name


class Step(object):
    """One call of ``op`` with path parameters ``args`` and JSON ``body`` (None: no body)."""

    def __init__(self, op, args, body=None):
        self.op = op
        self.args = tuple(args)
        self.body = body

    def __repr__(self):
        return 'Step(%s, %r, %r)' % (self.op.name, self.args, self.body)


class Change(object):
    """One resource of a task: ``before`` (its state as read), ``after`` (the state asked for), ``steps`` (the writes
    that get it there, in order). ``sent`` names the writes that were applied; ``moved`` is set when a re-read found
    the state no longer ``before`` (a write whose answer was lost took effect). ``pending``: an asynchronous effect
    has not shown yet."""

    def __init__(self, ident, before, after, steps):
        self.ident = ident
        self.before = before
        self.after = after
        self.steps = list(steps)
        self.sent = []
        self.sent_ops = []
        self.moved = False
        self.pending = False

    @property
    def planned(self):
        """The operations the plan calls, in order (what check mode reports)."""
        return [step.op.name for step in self.steps]

    def done(self, step):
        """``step`` was applied: it leaves the plan and joins ``sent``."""
        self.sent.append(step.op.name)
        self.sent_ops.append(step.op)
        self.steps.remove(step)

    def replan(self, view, plan):
        """After a write whose outcome is unknown: the state re-read as ``view`` and the steps still needed from it."""
        self.moved = self.moved or view != self.before
        self.after, steps = plan(self.ident, view)
        self.steps = list(steps)

    def changed(self, check_mode):
        if check_mode:
            return bool(self.steps)
        return bool(self.sent) or self.moved

    def entry(self, id_field, check_mode):
        """The per-resource result: its ID, ``changed``, ``before``, ``after``, the ``actions`` called (in check mode:
        that would be called) and ``pending``."""
        return {
            id_field: self.ident,
            'changed': self.changed(check_mode),
            'before': self.before,
            'after': self.after,
            'actions': self.planned if check_mode else list(self.sent),
            'pending': self.pending,
        }

    def diff(self, header):
        """The Ansible diff of this resource (``header`` names it), or None when nothing changes."""
        if self.before == self.after:
            return None
        return {'before': self.before, 'after': self.after, 'before_header': header, 'after_header': header}
