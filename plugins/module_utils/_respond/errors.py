# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The refusals of a write, in one line that names the resource, its state and the operation.

WBD refuses a write with HTTP 200, ``success: false`` and a code (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector):
8004 when the resource is not in the state the operation needs, 8008 when a suspicious file is in
``quarantineFailed``. The console guide's quarantine failures (file gone, name taken, already handled by someone
else) may surface as codes 5002 / 5101 or only as message text, so both are matched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdApiError, WbdError, WbdGatewayError, WbdPermissionError, clean_text

# What a refusal means, by WBD code; the first match wins.
REFUSALS = (
    ('8008', None, 'the file is in quarantineFailed state: a failed quarantine must be cleared on the server before the file can be quarantined or recovered'),
    (None, re.compile(r'already\s*exist|name\s*(is\s*)?(already\s*)?(taken|in use)', re.I), 'a file with the quarantine name already exists on the server'),
    (None, re.compile(r'already\s*(been\s*)?(handled|processed|quarantined|recovered)', re.I), 'someone else already handled it'),
    ('8004', None, 'it is not in the state this operation needs'),
    ('5002', None, 'the file is no longer on the server (the path could not be found)'),
    ('5101', None, 'there is no file to quarantine or recover: it was already handled, perhaps by someone else'),
    (None, re.compile(r'no\s*such\s*file|file\s*(is\s*)?(not\s*found|gone|missing)', re.I), 'the file is no longer on the server'),
    ('8001', None, 'it does not exist (any more)'),
)


class WbdNotFoundError(WbdError):
    """A resource the task names does not exist (in the lists the API serves, or any more when written)."""

    kind = 'not_found'


class WbdRefusedError(WbdError):
    """The API refused a write because of the resource's state."""

    kind = 'refused'


def _meaning(err):
    text = '%s' % (err,)
    for code, pattern, meaning in REFUSALS:
        if (code is not None and err.code == code) or (pattern is not None and pattern.search(text)):
            return meaning
    return None


def refusal(err, noun, ident, state, operation):
    """``err`` (raised by ``operation`` on ``noun`` ``ident`` in ``state``) as the error a task shows, or ``err``.

    ``state`` is the resource's state as one phrase (``agent status notInstalled``), or None.
    """
    where = '%s %s%s' % (noun, clean_text(ident, 60), (' (%s)' % state) if state else '')
    if isinstance(err, WbdApiError):
        meaning = _meaning(err)
        if meaning:
            return WbdRefusedError(
                '%s refused for %s: %s. WBD answered code %s: %s' % (operation, where, meaning, err.code, _api_message(err)), status=err.status, code=err.code
            )
        return WbdRefusedError('%s refused for %s. %s' % (operation, where, err), status=err.status, code=err.code)
    if isinstance(err, WbdPermissionError):
        err.message = '%s on %s: %s' % (operation, where, err.message)
        return err
    if isinstance(err, WbdGatewayError) and err.status == 404:
        return WbdNotFoundError(
            '%s %s no longer exists: %s answered HTTP 404 (it was removed after this task read it).' % (noun, clean_text(ident, 60), operation),
            status=404,
            code=err.code,
        )
    return err


def _api_message(err):
    """The server's message out of the client's WbdApiError text ("... failed with code 8004 (message); hint.")."""
    match = re.search(r'with code [^ ]+ \((.*)\); ', err.message)
    return match.group(1) if match else clean_text(err.message, 160)


def is_uncertain(err):
    """Whether a failed write may still have been applied: a timeout, a dropped connection, a 5xx, a cut-off answer.

    A 429 proves the gateway refused it before the backend saw it (the client retries those)."""
    return bool(getattr(err, 'retryable', False)) and err.status != 429
