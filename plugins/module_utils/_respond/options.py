# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options every write module shares beyond the connection's; documented by the ncloud.wbd.respond doc
fragment (and its ``memo`` and ``wait`` parts)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._api.listing import DEFAULT_CONCURRENCY
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.memo import memo_argument_spec

DEFAULT_WAIT_TIMEOUT = 300


def write_argument_spec(id_option, ids_option, memo=True, wait=False):
    """``id_option`` (one ID) or ``ids_option`` (a list), the paging of the state reads, ``concurrency``, and the memo
    and wait options when the module has them. Pass the result's ``exclusive`` / ``one_of`` lists to the module."""
    spec = {
        id_option: dict(type='str'),
        ids_option: dict(type='list', elements='str'),
        'page_size': dict(type='int', default=100),
        'concurrency': dict(type='int', default=DEFAULT_CONCURRENCY),
    }
    if memo:
        spec.update(memo_argument_spec())
    if wait:
        spec.update(wait=dict(type='bool', default=False), wait_timeout=dict(type='int', default=DEFAULT_WAIT_TIMEOUT))
    return spec


def module_kwargs(id_option, ids_option, memo=True):
    """The AnsibleModule constraints that go with ``write_argument_spec``."""
    exclusive = [[id_option, ids_option]]
    if memo:
        exclusive.append(['memo', 'memo_append'])
    return dict(mutually_exclusive=exclusive, required_one_of=[[id_option, ids_option]])
