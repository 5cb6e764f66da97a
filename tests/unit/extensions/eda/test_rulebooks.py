# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The example rulebooks pass ansible-rulebook's own schema and parser and name the collection's sources.

ansible-rulebook is installed in the venv of requirements/eda.txt (the eda step of tools/test.sh); other venvs skip."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os

import pytest
import yaml

rulebook = pytest.importorskip('ansible_rulebook.rules_parser', reason='ansible-rulebook runs in the eda step (requirements/eda.txt)')
validators = pytest.importorskip('ansible_rulebook.validators')

HERE = os.path.dirname(os.path.abspath(__file__))
RULEBOOKS = sorted(glob.glob(os.path.join(HERE, '..', '..', '..', '..', 'extensions', 'eda', 'rulebooks', '*.yml')))
SOURCES = {'ncloud.wbd.detections', 'ncloud.wbd.agent_status'}


def test_there_are_three_examples():
    assert sorted(os.path.basename(p) for p in RULEBOOKS) == ['agent_down.yml', 'malware_detection.yml', 'unreviewed_notification.yml']


@pytest.mark.parametrize('path', RULEBOOKS, ids=os.path.basename)
def test_example_rulebook_is_valid(path):
    with open(path) as handle:
        data = yaml.safe_load(handle)
    validators.Validate.rulebook(data)
    rule_sets = rulebook.parse_rule_sets(data, {'wbd_webhook_url': 'https://chat.example/hook', 'wbd_checkpoint_dir': '/var/lib/eda'})
    names = set(source.source_name for rule_set in rule_sets for source in rule_set.sources)
    assert names and names <= SOURCES
    assert all(rule.actions for rule_set in rule_sets for rule in rule_set.rules)
