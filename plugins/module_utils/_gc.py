# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cyclic garbage collector paused while a run builds records that all live until its end.

A list of 100,000 detections is millions of containers, and each new one counts towards the collector's next pass,
which walks every container alive: the passes grow with the list and took about a third of fetching and evaluating
it. The records hold no reference cycles, so the pause frees nothing later than it would have been freed; reference
counting still frees everything at once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import gc


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic collector for the block; it runs again after, as it was (a caller that paused it keeps it so)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
