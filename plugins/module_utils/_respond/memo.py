# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Memos: the API has only a replace operation (every ``Update*Memo`` takes the whole new ``content``, for example
https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptedwebshell-updateexceptedwebshellmemo),
so ``memo_append`` reads the memo, adds its line once and writes the whole text back: an analyst's text is kept."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError


def memo_argument_spec():
    """``memo`` (replace) and ``memo_append`` (one line, added once); documented by ncloud.wbd.respond.memo."""
    return dict(memo=dict(type='str'), memo_append=dict(type='str'))


MEMO_EXCLUSIVE = ['memo', 'memo_append']


def check_memo_options(params):
    """Refuse a ``memo_append`` that is not one non-blank line: idempotence compares whole lines."""
    line = params.get('memo_append')
    if line is None:
        return
    if not line.strip():
        raise WbdConfigError('memo_append must be a non-empty line.')
    if '\n' in line or '\r' in line:
        raise WbdConfigError('memo_append adds one line; it must not contain a line break (use memo to replace the whole text).')


def current_memo(value):
    """A memo as the API sent it (a string, or null for none) as text."""
    return '' if value is None else '%s' % (value,)


def desired_memo(current, params):
    """The memo the task asks for, given the ``current`` text: ``memo`` replaces it, ``memo_append`` adds its line
    unless a line of the memo is already exactly it; neither keeps it."""
    if params.get('memo') is not None:
        return params['memo']
    line = params.get('memo_append')
    if line is None:
        return current
    if line in current.splitlines():
        return current
    if not current:
        return line
    return current + ('' if current.endswith('\n') else '\n') + line
