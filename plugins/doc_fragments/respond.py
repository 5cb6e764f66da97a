# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Options and behaviour of the modules that change WBD (the write core, module_utils/_respond); MEMO for those
    that set memos, WAIT for those with an asynchronous effect."""

    DOCUMENTATION = r'''
options:
  page_size:
    description:
      - Records requested per API page when the module reads the current state. The API has no operation that reads
        one resource by ID, so the module reads the resource's list page by page (the same paging as the info
        modules) and stops as soon as every named resource is found. A task on hundreds of resources costs a few
        pages, not one request each.
    type: int
    default: 100
  concurrency:
    description:
      - API requests in flight at once, for the reads and for the writes of a task on several resources. Each
        resource's own writes are sent in order; different resources are written by this many workers through the
        same gate that halves the number in flight when the API throttles (HTTP 429).
      - Between V(1) and V(32).
    type: int
    default: 4
notes:
  - >-
    Idempotent: the module reads the current state first and sends only the writes that make a difference;
    C(changed) is exact and a second run sends no write. In check mode it reads and reports what would change
    (C(changed), the diff, each resource's C(actions)) and sends no write request at all.
  - >-
    Writes are applied exactly once. A write is retried only after HTTP 429, which proves the API gateway refused it.
    After a timeout, a dropped connection or a 5xx answer the write may have taken or not: the module reads the
    resources concerned again and sends the write again only to those where it did not take (at most O(retries)
    times). A write that took although its answer was lost counts as a change, with a warning.
  - >-
    Refusals are one line that names the resource, its state and the operation: WBD code 8004 (the resource is not
    in the state the operation needs), 8008 (a suspicious file in C(quarantineFailed)), the console's quarantine
    failures (file gone, name taken, already handled by someone else), and a permission refusal, which names the
    operation the key may not call. A resource that does not exist is an error that says so, listing the IDs.
  - >-
    On a refusal or an error after some writes were applied, the failed result still holds the per-resource entries
    (their C(actions) say what was applied) and C(changed).
'''

    MEMO = r'''
options:
  memo:
    description:
      - The memo, replacing the text that is there. V("") clears it.
      - The WBD API only has a replace operation for memos, so this overwrites what an analyst wrote; use
        O(memo_append) to keep it.
      - Mutually exclusive with O(memo_append). Without either, the memo is left alone.
    type: str
  memo_append:
    description:
      - One line to add to the memo, once. The module reads the memo and, unless one of its lines is exactly this
        text, writes it back with the line added at the end; everything already there is kept. A second run changes
        nothing.
      - The API can only replace the whole memo, so an edit made by someone else between the module's read and its
        write (a moment) would be lost; run it when no one is editing the same memo.
      - A single line without line breaks. Mutually exclusive with O(memo).
    type: str
'''

    WAIT = r'''
options:
  wait:
    description:
      - Whether to wait until an asynchronous change has shown in the state (an agent passes through V(activating)
        before it is V(enable)). The module reads the state again, at growing intervals up to 5 seconds, until it
        settles or O(wait_timeout) passes, which fails the task.
      - With V(false) the module returns at once and the resource's C(pending) is V(true).
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait with O(wait=true).
    type: int
    default: 300
'''
