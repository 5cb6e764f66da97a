# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The adaptive gate: halves on throttling, pauses every worker, recovers on success."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

from ansible_collections.ncloud.wbd.plugins.module_utils._api.throttle import AdaptiveLimit


def test_throttling_halves_the_limit_down_to_one():
    gate = AdaptiveLimit(8)
    for expected in (4, 2, 1, 1):
        gate.acquire()
        gate.release('throttled', 0)
        assert gate.limit == expected
    assert gate.lowest == 1 and gate.throttled == 4


def test_successes_raise_the_limit_one_step_per_round_up_to_the_maximum():
    gate = AdaptiveLimit(4)
    gate.acquire()
    gate.release('throttled', 0)
    assert gate.limit == 2
    seen = []
    for dummy in range(20):
        gate.acquire()
        gate.release('ok')
        seen.append(gate.limit)
    assert seen[:2] == [2, 3] and max(seen) == 4 and seen[-1] == 4


def test_failures_other_than_throttling_neither_shrink_nor_recover():
    gate = AdaptiveLimit(4)
    gate.acquire()
    gate.release('throttled', 0)
    for dummy in range(10):
        gate.acquire()
        gate.release('failed')
    assert gate.limit == 2


def test_at_most_limit_holders_at_once():
    gate = AdaptiveLimit(3)
    state = {'active': 0, 'most': 0}
    lock = threading.Lock()

    def work():
        gate.acquire()
        with lock:
            state['active'] += 1
            state['most'] = max(state['most'], state['active'])
        time.sleep(0.01)
        with lock:
            state['active'] -= 1
        gate.release('ok')

    threads = [threading.Thread(target=work) for dummy in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert state['most'] == 3


def test_a_throttled_release_holds_every_new_acquire_until_the_pause_ends():
    gate = AdaptiveLimit(4)
    gate.acquire()
    released_at = time.monotonic()
    gate.release('throttled', 0.05)
    gate.acquire()  # a different worker: must wait for the collective pause
    assert time.monotonic() >= released_at + 0.05
    gate.release('ok')
