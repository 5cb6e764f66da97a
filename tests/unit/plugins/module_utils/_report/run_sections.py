# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""For the _report tests (not a test module itself): a report without the sections a report run adds (``changes``,
``actions``), so the bytes run_report writes can still be held to the frozen reference renderers for everything else."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report import reference_render

_JUNIT = re.compile(r'\n  <testsuite name="webshell_audit\.(?:changes|actions)".*?</testsuite>', re.S)
_HTML = re.compile(r'<h2>(?:Changes since [^<]*|Actions)</h2>\n.*?\n(?=<h2>|<footer>)', re.S)


def without_run_sections(fmt, data):
    """``data`` (bytes of format ``fmt``) without the changes and actions sections; a JUnit actions suite goes too, but
    then the totals differ (the caller compares such reports otherwise)."""
    text = data.decode('utf-8')
    if fmt == 'json':
        record = json.loads(text)
        record.pop('changes', None)
        record.pop('actions', None)
        text = reference_render.render_json(record)
    elif fmt == 'csv':
        end = min([i for i in (text.find('\r\n,changes,'), text.find('\r\n,actions,')) if i >= 0] or [len(text) - 2]) + 2
        text = text[:end]
    elif fmt == 'junit':
        text = _JUNIT.sub('', text)
    elif fmt == 'markdown':
        at = min([i for i in (text.find('\n## Changes since'), text.find('\n## Actions\n')) if i >= 0] or [len(text)])
        text = text[:at] if at < len(text) else text
    elif fmt == 'html':
        text = _HTML.sub('', text)
    return text.encode('utf-8')


def run_section(fmt, data):
    """The text of the changes section of a report (to check what it says)."""
    text = data.decode('utf-8')
    if fmt == 'json':
        return json.dumps(json.loads(text).get('changes'))
    start = len(without_run_sections(fmt, data).decode('utf-8'))
    return text[start:] if fmt in ('csv', 'markdown') else text
