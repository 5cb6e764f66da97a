# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list modules with ``dest`` and ``fields``, run as modules: the file holds what the output would have held."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
from ansible_collections.ncloud.wbd.plugins.modules import detection_info, detection_target_info
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules import test_info_modules
from ansible_collections.ncloud.wbd.tests.unit.plugins.modules.test_info_modules import AUTH, DETECTIONS_PATH, SECRET, detections, run

env = test_info_modules.env  # the fixture: a module process's clean environment and warnings


@pytest.fixture
def out(tmp_path):
    """A directory of its own for the files (``wbd_env`` puts a HOME in out)."""
    path = tmp_path / 'out'
    path.mkdir()
    return path


def lines_of(path):
    with open(str(path), 'rb') as handle:
        return [json.loads(line) for line in handle.read().splitlines()]


@pytest.mark.parametrize('dest_format', ['jsonl', 'json'])
def test_dest_holds_what_the_module_would_have_returned(env, capsys, fakes, out, dest_format):
    session = fakes.Api(lists={DETECTIONS_PATH: detections(250)})
    full = run(detection_info, dict(AUTH, page_size=100), session, env, capsys)
    dest = out / 'detections.out'
    result = run(detection_info, dict(AUTH, page_size=100, dest=str(dest), dest_format=dest_format), session, env, capsys)
    assert 'detections' not in result and result['dest'] == str(dest) and result['records_written'] == 250
    assert result['changed'] is True and result['total_count'] == 250 and result['complete'] is True and result['truncated'] is False
    assert result['completeness']['records_delivered'] == 250
    written = json.loads(dest.read_text(encoding='utf-8')) if dest_format == 'json' else lines_of(dest)
    assert written == full['detections']
    again = run(detection_info, dict(AUTH, page_size=100, dest=str(dest), dest_format=dest_format), session, env, capsys)
    assert again['changed'] is False and again['records_written'] == 250


def test_dest_with_fields_and_check_mode(env, capsys, fakes, out):
    session = fakes.Api(lists={'/api/v1/servers': [{'instanceNo': 1, 'serverName': 'a', 'memo': 'x'}, {'instanceNo': 2, 'serverName': 'b'}]})
    dest = out / 'targets.jsonl'
    args = dict(AUTH, dest=str(dest), fields=['server_name'])
    result = run(detection_target_info, dict(args, _ansible_check_mode=True), session, env, capsys)
    assert result['changed'] is True and result['records_written'] == 2 and os.listdir(str(out)) == []
    run(detection_target_info, args, session, env, capsys)
    assert lines_of(dest) == [{'instance_no': '1', 'server_name': 'a'}, {'instance_no': '2', 'server_name': 'b'}]
    assert run(detection_target_info, dict(args, _ansible_check_mode=True), session, env, capsys)['changed'] is False


def test_a_no_log_value_is_masked_in_the_file(env, capsys, fakes, out):
    items = detections(3)
    items[1]['memo'] = 'contains %s here' % SECRET
    dest = out / 'd.jsonl'
    run(detection_info, dict(AUTH, dest=str(dest)), fakes.Api(lists={DETECTIONS_PATH: items}), env, capsys)
    data = dest.read_text(encoding='utf-8')
    assert SECRET not in data and lines_of(dest)[1]['memo'] == 'contains ******** here'


def test_an_incomplete_list_leaves_no_file_and_the_old_one_intact(env, capsys, fakes, out):
    session = fakes.Api(lists={DETECTIONS_PATH: detections(237)}, total_pages=True, null_pages={1, 2, 3, 4, 5})
    dest = out / 'd.jsonl'
    dest.write_text('old\n')
    result = run(detection_info, dict(AUTH, page_size=100, dest=str(dest)), session, env, capsys)
    assert result['failed'] is True and result['error']['kind'] == 'incomplete' and 'records_written' not in result
    assert os.listdir(str(out)) == ['d.jsonl'] and dest.read_text() == 'old\n'


def test_an_unwritable_dest_fails_in_one_line(env, capsys, fakes, out):
    dest = out / 'missing' / 'd.jsonl'
    result = run(detection_info, dict(AUTH, dest=str(dest)), fakes.Api(lists={DETECTIONS_PATH: detections(3)}), env, capsys)
    assert result['failed'] is True and result['msg'] == 'Could not write dest %s: No such file or directory.' % dest
