# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the state of named resources: pages, not IDs; later lists only for what is missing; a list that cannot be
proven complete is not taken as proof that an ID is missing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import WbdClient
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdIncompleteError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.errors import WbdNotFoundError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.reading import find_records, require_all, shown
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._respond.write_api import DELETED_RULES, RULES, rules

BOTH = (resources.EXCEPTION_RULES, resources.DELETED_EXCEPTION_RULES)


def client(api, concurrency=1):
    return WbdClient('http://127.0.0.1:1', 'AK', 'SK', retries=0, session=api, sleep=lambda s: None, concurrency=concurrency)


def paths(api):
    return [c.path for c in api.calls]


def test_stops_at_the_page_holding_the_last_id(fakes):
    api = fakes.Api(lists={RULES: rules(1000), DELETED_RULES: rules(5, start=5000)})
    found = find_records(client(api), BOTH, ['%022d' % 5, '%022d' % 250], 100)
    assert sorted(found) == ['%022d' % 5, '%022d' % 250] and paths(api) == [RULES] * 3
    resource, record = found['%022d' % 250]
    assert resource is resources.EXCEPTION_RULES and record['excepted_rule_name'] == 'rule-250'


def test_the_second_list_is_read_only_for_missing_ids(fakes):
    api = fakes.Api(lists={RULES: rules(150), DELETED_RULES: rules(5, start=5000)})
    found = find_records(client(api, concurrency=4), BOTH, ['%022d' % 1, '%022d' % 5003, '77'], 100)
    assert sorted(found) == ['%022d' % 1, '%022d' % 5003]
    assert found['%022d' % 5003][0] is resources.DELETED_EXCEPTION_RULES
    assert paths(api).count(RULES) == 2 and paths(api).count(DELETED_RULES) == 1


def test_an_unprovable_list_is_not_proof_of_absence(fakes):
    api = fakes.Api(lists={RULES: rules(50)}, total=500)  # 500 announced, 50 served
    with pytest.raises(WbdIncompleteError, match='could not be proven complete, so 1 of the named IDs') as caught:
        find_records(client(api), BOTH[:1], ['77'], 100)
    assert caught.value.completeness['complete'] is False


def test_require_all_names_the_missing_and_the_lists():
    with pytest.raises(WbdNotFoundError) as caught:
        require_all({'1': None}, ['1', '2', '3'], 'exception rule', 'rule_id', ['GetExceptionRule', 'GetDeletedExceptionRule'])
    assert str(caught.value) == 'No exception rule with rule_id 2, 3: neither GetExceptionRule nor GetDeletedExceptionRule lists them.'
    require_all({'1': None}, ['1'], 'exception rule', 'rule_id', ['GetExceptionRule'])


def test_shown_bounds_long_lists():
    assert shown(str(i) for i in range(12)) == '0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more'
