# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Attributes of the read-only modules that list WBD data."""

    DOCUMENTATION = r'''
options: {}
'''

    INFO_MODULE = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return the same data as without it.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module only reads data and never changes anything.
  action_group:
    description: Use C(group/ncloud.wbd.wbd) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - ncloud.wbd.wbd
'''
