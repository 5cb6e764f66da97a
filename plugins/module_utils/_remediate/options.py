# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of ncloud.wbd.remediation_plan, one definition for its action plugin and its documentation module
(ansible-test compares the module's argument spec with its documentation)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

SWITCH_OPTIONS = ('enable_agents', 'quarantine_malware', 'delete_unapproved_rules', 'annotate_unreviewed')


def remediation_argument_spec():
    """The argument spec of remediation_plan."""
    spec = dict(
        record_from=dict(type='str'),
        src=dict(type='path'),
        annotate_after=dict(type='str', default='3d'),
        max_actions=dict(type='int', default=50),
        allow_incomplete=dict(type='bool', default=False),
        variable_prefix=dict(type='str', default=''),
        actions=dict(type='list', elements='dict'),
        results=dict(type='dict'),
    )
    spec.update((name, dict(type='bool', default=False)) for name in SWITCH_OPTIONS)
    return spec


MUTUALLY_EXCLUSIVE = [('record_from', 'src', 'results')]
REQUIRED_ONE_OF = [('record_from', 'src', 'results')]
REQUIRED_TOGETHER = [('actions', 'results')]
