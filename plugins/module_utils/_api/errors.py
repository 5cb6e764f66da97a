# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the WBD client.

Every error carries a complete one-line message that says what happened and what
to do. Modules turn them into ``fail_json`` in exactly one place
(``_module.wbd_module.WbdModule.run``; actions and the inventory plugin have their own).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._text import one_line


def clean_text(value, limit=200):
    """Server text made safe for a one-line message: no control or bidi characters, bounded length."""
    return one_line(value, limit)


class WbdError(Exception):
    """Base class. ``retryable`` tells the client whether another attempt may help."""

    kind = 'error'
    retryable = False

    def __init__(self, message, status=None, code=None, retry_after=None):
        super(WbdError, self).__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after

    def __str__(self):
        return self.message

    def redact(self, secrets):
        """Blank out values (signatures a server might echo back) from the message; returns self."""
        for secret in secrets:
            if secret:
                self.message = self.message.replace(secret, '********')
        return self

    def after_retries(self, attempts, elapsed):
        """The same error, reworded once the retry budget is spent."""
        if attempts > 1:
            self.message = '%s Gave up after %d attempts in %.1f s.' % (self.message, attempts, elapsed)
        return self


class WbdConfigError(WbdError):
    kind = 'configuration'


class WbdAuthError(WbdError):
    kind = 'authentication'


class WbdPermissionError(WbdError):
    kind = 'permission'


class WbdRateLimitError(WbdError):
    kind = 'rate_limit'
    retryable = True


class WbdGatewayError(WbdError):
    kind = 'gateway'

    def __init__(self, message, status=None, code=None, retry_after=None):
        super(WbdGatewayError, self).__init__(message, status, code, retry_after)
        self.retryable = status in (500, 502, 503, 504)


class WbdApiError(WbdError):
    kind = 'api'


class WbdMalformedResponseError(WbdError):
    kind = 'malformed_response'


class WbdConnectionError(WbdError):
    kind = 'connection'
    retryable = True


class WbdTimeoutError(WbdConnectionError):
    kind = 'timeout'


class WbdTlsError(WbdError):
    kind = 'tls'


class WbdIncompleteError(WbdError):
    """A list whose pages disagree with each other or with the totals: the result would be partial.

    Raised unless the caller opts into partial data (``allow_partial``); never retryable as such,
    because the same server would answer the same way.
    """

    kind = 'incomplete'
