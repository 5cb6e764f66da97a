# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""main() of a write module: ``WbdModule`` (the one AnsibleModule adapter: connection options, errors to
fail_json) running ``engine.run_writes`` with the module's check and diff mode."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._module.wbd_module import WbdModule
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.engine import run_writes
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.memo import check_memo_options


def check_write_options(params):
    """Refuse option values the engine cannot work with, before any request."""
    check_memo_options(params)
    if params.get('wait_timeout') is not None and params['wait_timeout'] < 0:
        raise WbdConfigError('wait_timeout must be zero or more, got %s.' % params['wait_timeout'])


def run_write_module(target_class, argument_spec, **module_kwargs):
    """Run the write module whose resources ``target_class`` (a WriteTarget) describes."""
    wbd = WbdModule(argument_spec=argument_spec, **module_kwargs)
    check_mode, diff = wbd.module.check_mode, wbd.module._diff

    def work(connection):
        check_write_options(connection.params)
        return run_writes(connection, target_class(connection.params), check_mode=check_mode, diff=diff)

    wbd.run(work)
