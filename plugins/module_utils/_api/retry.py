# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retry policy as pure functions: which answers to retry and how long to wait.

Exponential backoff with full jitter (sleep = random(0, min(cap, base * 2**n))),
so many clients throttled together spread out instead of retrying in step; a
server's Retry-After wins when it is given.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import email.utils

RETRY_STATUSES = frozenset([429, 500, 502, 503, 504])
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
DEFAULT_DEADLINE = 300.0


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parsed = email.utils.parsedate(value)
    if parsed is None or now is None:
        return None
    try:
        return max(0.0, calendar.timegm(parsed) - now)
    except (ValueError, OverflowError):  # a year past 9999: not a usable date
        return None


def backoff_delay(attempt, rng, base=BACKOFF_BASE, cap=BACKOFF_CAP):
    """Full-jitter delay before retry number ``attempt`` (0 for the first retry)."""
    return rng.uniform(0, min(cap, base * (2**attempt)))


def next_delay(attempt, retries, elapsed, deadline, rng, retry_after=None):
    """How long to sleep before the next attempt, or None when the budget is spent.

    ``attempt`` counts retries already made. The budget is ``retries`` extra
    attempts and ``deadline`` seconds in all; a Retry-After that would cross the
    deadline ends the retries at once rather than sleeping in vain.
    """
    if attempt >= retries:
        return None
    delay = retry_after if retry_after is not None else backoff_delay(attempt, rng)
    if elapsed + delay > deadline:
        return None
    return delay
