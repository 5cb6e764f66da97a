# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many requests of one client may be in flight at once, adapting to throttling.

Workers that each back off on their own after a 429 keep the gateway's rate limit
tripping: the others go on sending. ``AdaptiveLimit`` makes them back off as a whole:
a 429 halves the number of requests allowed in flight and holds every new request
until the retry delay has passed; each run of successes as long as the current limit
raises it by one again, up to the configured concurrency (additive increase,
multiplicative decrease, as TCP does).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time


class AdaptiveLimit(object):
    """A counting gate whose size shrinks on throttling and recovers on success."""

    def __init__(self, maximum, clock=None):
        self.maximum = max(1, int(maximum))
        self.limit = self.maximum
        self.clock = clock or time.monotonic
        self.lowest = self.maximum
        self.throttled = 0
        self._active = 0
        self._successes = 0
        self._resume_at = 0.0
        self._cond = threading.Condition()

    def acquire(self):
        """Wait for a free slot under the current limit and for any collective pause to end."""
        with self._cond:
            while True:
                wait = self._resume_at - self.clock()
                if wait <= 0 and self._active < self.limit:
                    self._active += 1
                    return
                self._cond.wait(wait if wait > 0 else None)

    def release(self, outcome='ok', delay=0.0):
        """Free the slot. ``outcome`` 'throttled' (a 429) shrinks the limit and pauses everyone for ``delay`` seconds;
        'ok' counts towards recovery; anything else ('failed') neither."""
        with self._cond:
            self._active -= 1
            if outcome == 'throttled':
                self.throttled += 1
                self.limit = max(1, self.limit // 2)
                self.lowest = min(self.lowest, self.limit)
                self._successes = 0
                self._resume_at = max(self._resume_at, self.clock() + max(0.0, delay or 0.0))
            elif outcome == 'ok':
                self._successes += 1
                if self.limit < self.maximum and self._successes >= self.limit:
                    self.limit += 1
                    self._successes = 0
            self._cond.notify_all()
