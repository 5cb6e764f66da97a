# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The write core of the ncloud.wbd write modules (private): every module reads, plans, applies exactly once,
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
