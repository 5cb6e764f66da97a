# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Attributes: of the read-only modules that list WBD data (INFO_MODULE), of the modules that change WBD
    (WRITE_MODULE), and action group membership.

    ACTION_GROUP is for the members of the action group ncloud.wbd.wbd in meta/runtime.yml, and only for them (the
    extra-checks session of antsibull-nox.toml and tests/unit/plugins/test_collection_metadata.py check both ways);
    NO_ACTION_GROUP for the other modules.
    """

    DOCUMENTATION = r'''
options: {}
'''

    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return the same data as without it.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module only reads data and never changes anything.
'''

    WRITE_MODULE = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Check mode reads the current state and reports what would change; it sends no write request at all.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: One before/after per resource that changes, with the managed fields only.
'''

    ACTION_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/ncloud.wbd.wbd) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - ncloud.wbd.wbd
'''

    NO_ACTION_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/ncloud.wbd.wbd) in C(module_defaults) to set defaults for the modules of that group.
    support: none
    membership: []
    details:
      - Not in the action group C(ncloud.wbd.wbd). It calls no API and takes no connection options, so the connection
        options that C(module_defaults) sets for that group would be rejected as unsupported parameters.
'''
