# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: webshell_audit_window
short_description: The look-back window of a webshell audit, fixed once per run
version_added: 1.0.0
author: ncloud.wbd maintainers
description:
  - Turns a look-back setting into the run time and the window start, both as epoch milliseconds and ISO 8601 UTC.
  - The M(ncloud.wbd.audit_evaluate) action, which the P(ncloud.wbd.webshell_audit#role) role calls, computes its
    window with the same code, once per run, from its C(policy.lookback), and uses the start both to search the
    detections and to evaluate them.
  - For a playbook that runs the steps itself, fix the window once with this filter and pass the same start to the
    detection search (O(ncloud.wbd.detection_info#module:since)) and to the
    P(ncloud.wbd.webshell_audit_evaluate#filter) filter, so both agree on which detections are in scope.
options:
  _input:
    description:
      - An age such as V(7d), V(12h) or V(2w), an ISO 8601 date or time, or epoch milliseconds.
    type: raw
    required: true
  now_ms:
    description: The run time as epoch milliseconds; the controller's clock when not set.
    type: int
'''

EXAMPLES = r'''
- name: Fix the window of this run
  ansible.builtin.set_fact:
    audit_window: "{{ '7d' | ncloud.wbd.webshell_audit_window }}"
'''

RETURN = r'''
_value:
  description: The window.
  type: dict
  contains:
    now_ms:
      description: The run time (epoch ms).
      type: int
    now_iso:
      description: The run time, ISO 8601 UTC.
      type: str
    window_start_ms:
      description: The first moment in the window (epoch ms).
      type: int
    window_start_iso:
      description: The window start, ISO 8601 UTC.
      type: str
'''

import time

from ansible.errors import AnsibleFilterError
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import AuditInputError, window


def audit_window(lookback, now_ms=None):
    """The run time and window start, computed once per run."""
    try:
        return window(lookback, int(time.time() * 1000) if now_ms is None else int(now_ms))
    except (AuditInputError, TypeError, ValueError) as err:
        raise AnsibleFilterError('webshell_audit_window: %s' % (err,))


class FilterModule(object):
    def filters(self):
        return {'webshell_audit_window': audit_window}
