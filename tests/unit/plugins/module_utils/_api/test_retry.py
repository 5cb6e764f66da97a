# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random

from ansible_collections.ncloud.wbd.plugins.module_utils._api.retry import backoff_delay, next_delay, parse_retry_after


def test_parse_retry_after_seconds_and_dates():
    assert parse_retry_after('3') == 3.0
    assert parse_retry_after(' 0 ') == 0.0
    assert parse_retry_after('-5') == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after('') is None
    assert parse_retry_after('soon') is None
    assert parse_retry_after('Wed, 21 Oct 2015 07:28:10 GMT', now=1445412480) == 10
    assert parse_retry_after('Wed, 21 Oct 2015 07:28:10 GMT') is None  # a date needs a clock


def test_full_jitter_stays_within_exponential_cap():
    rng = random.Random(7)
    for attempt in range(8):
        for dummy in range(200):
            delay = backoff_delay(attempt, rng)
            assert 0 <= delay <= min(30.0, 2**attempt)


def test_jitter_spreads_out():
    rng = random.Random(1)
    delays = set(round(backoff_delay(3, rng), 3) for dummy in range(50))
    assert len(delays) > 40


def test_next_delay_budget():
    rng = random.Random(0)
    assert next_delay(0, 0, 0, 300, rng) is None  # retries disabled
    assert next_delay(2, 2, 0, 300, rng) is None  # count spent
    assert next_delay(0, 5, 0, 300, rng, retry_after=4) == 4  # server's word wins
    assert next_delay(0, 5, 299, 300, rng, retry_after=4) is None  # would cross the deadline
    delay = next_delay(1, 5, 0, 300, rng)
    assert 0 <= delay <= 2
