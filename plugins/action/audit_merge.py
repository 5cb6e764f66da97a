# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""audit_merge: read the slices' JSON reports on the controller and merge them into one audit record.

The merged record leaves as the task result (``record``), so ``ncloud.wbd.audit_report`` with ``record_from``
(the ``ncloud.wbd.webshell_report`` role's default reads the registered ``webshell_audit_evaluated``) renders it
without templating it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.merge import MergeError, account_digest, merge_argument_spec, merge_records
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import RecordError, load_record
from ansible_collections.ncloud.wbd.plugins.module_utils._text import one_line

_GLOB = re.compile(r'[*?[]')


def expand_src(items):
    """The report files ``items`` name (paths or glob patterns), each once, in the order given (a pattern's matches
    sorted). A path that exists is taken as it is, even with glob characters in its name."""
    paths, seen = [], set()
    for item in items:
        item = os.path.abspath(os.path.expanduser(item))
        if os.path.lexists(item):
            found = [item]
        elif _GLOB.search(item):
            found = sorted(glob.glob(item))
            if not found:
                raise AnsibleActionFail('audit_merge: src pattern %s matches no file.' % item)
        else:
            raise AnsibleActionFail('audit_merge: src %s does not exist.' % item)
        for path in found:
            if os.path.isdir(path):
                raise AnsibleActionFail(
                    'audit_merge: src %s is a directory; name the JSON reports in it (for example %s).'
                    % (path, os.path.join(path, 'webshell-audit-latest.json'))
                )
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                paths.append(path)
    if not paths:
        raise AnsibleActionFail('audit_merge: src names no file; give the JSON reports of the slices.')
    return paths


def merge_files(paths, expect=None):
    """(merged record, per-slice summary) for the JSON reports at ``paths``; AnsibleActionFail with one clear line."""
    try:
        records = [load_record(path) for path in paths]
        record = merge_records(records, labels=paths, expect=expect)
    except (RecordError, MergeError) as err:
        # Host names and IDs in the message come from the slice files: one line, no control or bidi characters.
        raise AnsibleActionFail('audit_merge: %s' % one_line(err, 2000))
    slices = []
    for path, slice_record in zip(paths, records):
        run = slice_record['run']
        slices.append(
            dict(
                src=path,
                hosts=len(slice_record['hosts']),
                started_at_iso=run.get('started_at_iso'),
                limit=(run.get('inventory_scope') or {}).get('limit'),
                content_digest=slice_record.get('content_digest'),
                account_digest=account_digest(slice_record),
            )
        )
    return record, slices


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars or {})
        dummy, args = self.validate_argument_spec(argument_spec=merge_argument_spec())
        if args['slices'] is not None and args['slices'] < 1:
            raise AnsibleActionFail('audit_merge: slices must be 1 or more, got %d.' % args['slices'])
        record, slices = merge_files(expand_src(args['src']), args['slices'])
        result.update(changed=False, record=record, summary=record['summary'], content_digest=record['content_digest'], slices=slices)
        return result
