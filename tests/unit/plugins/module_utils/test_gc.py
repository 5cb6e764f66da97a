# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""paused_gc: the cyclic collector off inside, as it was after, on errors too."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._gc import paused_gc


def test_paused_inside_and_running_again_after():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves it as the outer one set it
    assert gc.isenabled()


def test_running_again_after_an_error():
    with pytest.raises(KeyError):
        with paused_gc():
            raise KeyError('x')
    assert gc.isenabled()


def test_a_caller_that_paused_it_keeps_it_paused():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
