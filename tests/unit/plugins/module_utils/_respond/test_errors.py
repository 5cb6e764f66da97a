# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Refusals of a write: one line naming the resource, its state and the operation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import (
    WbdApiError,
    WbdConnectionError,
    WbdGatewayError,
    WbdPermissionError,
    WbdRateLimitError,
    WbdTimeoutError,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.errors import WbdNotFoundError, WbdRefusedError, is_uncertain, refusal


def api_error(code, message):
    return WbdApiError('WBD API error: Op (PATCH /x) failed with code %s (%s); the request reached WBD but was refused; check.' % (code, message), 200, code)


@pytest.mark.parametrize(
    'code, message, meaning',
    [
        ('8008', 'Invalid file status.The status of file is quarantineFailed', 'quarantineFailed state'),
        ('8004', 'Invaliddata.The detection data deleted is false, excepted is false.', 'not in the state this operation needs'),
        ('5002', 'The specified path could not be found', 'no longer on the server'),
        ('5101', 'file quarantine or recovery failed', 'already handled, perhaps by someone else'),
        ('9999', 'The quarantine file name already exists', 'quarantine name already exists'),
        ('9998', 'The file has already been quarantined', 'someone else already handled it'),
    ],
)
def test_documented_refusals_are_one_line(code, message, meaning):
    err = refusal(api_error(code, message), 'suspicious file', '123', 'file status quarantineFailed', 'QuarantineWebshellSuspiciousObject')
    assert isinstance(err, WbdRefusedError) and err.code == code
    assert err.message.startswith('QuarantineWebshellSuspiciousObject refused for suspicious file 123 (file status quarantineFailed): ')
    assert meaning in err.message and message in err.message and '\n' not in err.message


def test_unknown_code_keeps_the_api_text():
    err = refusal(api_error('7000', 'odd'), 'detection', '9', None, 'DeleteWebshell')
    assert err.message.startswith('DeleteWebshell refused for detection 9. WBD API error:') and 'odd' in err.message


def test_permission_refusal_names_operation_and_resource():
    denied = WbdPermissionError('Permission denied: WBD API DeactivateAgent (PATCH /x) answered HTTP 401.', 401, '210')
    err = refusal(denied, 'detection target', '5', None, 'DeactivateAgent')
    assert isinstance(err, WbdPermissionError) and err.message.startswith('DeactivateAgent on detection target 5: Permission denied')


def test_404_on_a_write_is_not_found_in_words():
    err = refusal(WbdGatewayError('Not found: ...', 404, '300'), 'exception rule', '77', None, 'DeleteExceptionRule')
    assert isinstance(err, WbdNotFoundError) and err.message.startswith('exception rule 77 no longer exists: DeleteExceptionRule answered HTTP 404')


def test_other_errors_pass_unchanged():
    err = WbdConnectionError('x')
    assert refusal(err, 'detection', '1', None, 'Op') is err


@pytest.mark.parametrize(
    'err, uncertain',
    [
        (WbdTimeoutError('t'), True),
        (WbdConnectionError('reset'), True),
        (WbdGatewayError('503', 503), True),
        (WbdGatewayError('404', 404), False),
        (WbdRateLimitError('429', 429), False),
        (api_error('8004', 'x'), False),
    ],
)
def test_uncertain_outcomes(err, uncertain):
    assert is_uncertain(err) is uncertain
