# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module's ``main()`` run in the test process as Ansible runs it in a module process (not a test module itself)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.common.text.converters import to_bytes


def module_args(args):
    """Hand ``args`` to the next AnsibleModule: a context manager since ansible-core 2.19, None (already done) before."""
    try:
        from ansible.module_utils.testing import patch_module_args  # ansible-core >= 2.19
    except ImportError:
        patch_module_args = None
    if patch_module_args is None:
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        return None
    return patch_module_args(args)


def empty_warnings(monkeypatch):
    """AnsibleModule keeps warnings in a process-wide store: an empty one for this test (a list before ansible-core
    2.19, a dict since). Once a test in the same process imports controller code (an action plugin), ansible-core
    2.19 sends module warnings to the controller's display instead of the result: the module side again here."""
    for name in ('_global_warnings', '_global_deprecations'):
        monkeypatch.setattr(ansible_warnings, name, type(getattr(ansible_warnings, name))())
    internal = getattr(ansible_warnings, '_internal', None)
    if internal is not None and hasattr(internal, 'is_controller'):
        monkeypatch.setattr(internal, 'is_controller', False)


def main_output(module, args, capsys):
    """What ``module.main()`` prints when run with ``args`` (its JSON result, failed results included)."""
    ctx = module_args(args)
    with pytest.raises(SystemExit):
        if ctx is None:
            module.main()
        else:
            with ctx:
                module.main()
    return capsys.readouterr().out
