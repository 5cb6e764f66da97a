# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""listing: the paging options, the rule for incomplete lists and the result of one list, without AnsibleModule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import listing
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import WbdClient
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdIncompleteError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.resources import DETECTIONS, QUARANTINES

PARAMS = {'page_size': 10, 'max_results': None, 'allow_partial': False}


def client(api):
    return WbdClient('http://127.0.0.1:1', 'AK', 'SK', session=api)


def evidence(problems, **extra):
    return dict({'operation': 'GetWebshell', 'problems': problems, 'page_size_asked': 100}, **extra)


def test_list_argument_specs():
    spec = listing.detection_argument_spec()
    assert spec['page_size'] == {'type': 'int', 'default': 100} and spec['max_results'] == {'type': 'int'}
    assert spec['suspicious_objects'] == {'type': 'bool', 'default': False}
    assert spec['since'] == {'type': 'raw'} and spec['action_status']['choices'] == ['confirmed', 'unconfirmed']
    assert 'suspicious_objects' not in listing.list_argument_spec()
    assert sorted(listing.list_argument_spec()) == ['allow_partial', 'concurrency', 'max_results', 'page_size']
    assert spec['allow_partial'] == {'type': 'bool', 'default': False}
    assert spec['concurrency'] == {'type': 'int', 'default': listing.DEFAULT_CONCURRENCY}


def test_incomplete_message_names_the_first_problem_and_what_to_try():
    completeness = evidence(['max_results 5 cut the list.', 'GetWebshell announced 9 records.', 'page 2 came back empty.'], page_size_served=50)
    assert listing.incomplete_message(completeness) == (
        'GetWebshell announced 9 records (and 1 more problem): the list is incomplete. To go on, set allow_partial: true to '
        'accept partial data, or page_size: 50 (the most the API served per page).'
    )
    changing = evidence(['the total changed again.'], passes=2)
    assert listing.incomplete_message(changing, hint='do x').endswith('To go on, do x, or run again when the records stop changing.')


def test_a_cut_asked_for_is_not_a_problem():
    listing.accept_completeness(evidence(['max_results 5 cut the list.']), False, None)


def test_accept_completeness_refuses_or_warns():
    completeness = evidence(['GetWebshell announced 9 records.'])
    with pytest.raises(WbdIncompleteError) as caught:
        listing.accept_completeness(completeness, False, None, hint='set it')
    assert caught.value.completeness is completeness and 'To go on, set it.' in str(caught.value)
    warnings = []
    listing.accept_completeness(completeness, True, warnings.append)
    assert warnings == ['GetWebshell announced 9 records. The list is used as it is (allow_partial).']


def test_list_result_keeps_the_records_in_a_record_list_by_default(fakes):
    api = fakes.Api(lists={'/api/v1/detections': [{'detectionId': str(i), 'detectTime': 1721740066} for i in range(25)]})
    warnings = []
    result = listing.list_result(client(api), PARAMS, warnings.append, 'detections', DETECTIONS)
    assert [r['detection_id'] for r in result['detections']] == [str(i) for i in range(25)]
    assert result['total_count'] == 25 and result['truncated'] is False and result['complete'] is True
    assert [c.paging for c in api.calls] == [(0, 10), (1, 10), (2, 10)]
    assert len(warnings) == 1 and 'detectTime came as epoch seconds in 25 records' in warnings[0]  # once, after the walk


def test_list_result_searches_with_the_filters_and_asks_small_pages_for_a_cap(fakes):
    api = fakes.Api(lists={'/api/v1/quarantines': [{'suspicionFileId': str(i)} for i in range(25)]})
    params = dict(PARAMS, max_results=3, file_owner='apache')
    result = listing.list_result(client(api), params, [].append, 'quarantines', QUARANTINES)
    assert len(result['quarantines']) == 3 and result['truncated'] is True and result['complete'] is False
    assert [(c.method, c.body) for c in api.calls] == [('POST', {'fileOwner': 'apache', 'pageIndex': 0, 'pageSize': 3})]


def test_a_bare_array_complete_walk_counts_its_total(fakes):
    api = fakes.Api(lists={'/api/v1/quarantines': [{'suspicionFileId': str(i)} for i in range(5)]}, shape='array')
    assert listing.list_result(client(api), PARAMS, [].append, 'quarantines', QUARANTINES)['total_count'] == 5


class Sink(listing.RecordList):
    closed = False

    def close(self):
        self.closed = True


def test_an_incomplete_list_releases_the_sink(fakes):
    api = fakes.Api(lists={'/api/v1/detections': [{'detectionId': str(i)} for i in range(5)]}, total=9, total_pages=True)
    sink = Sink()
    with pytest.raises(WbdIncompleteError):
        listing.list_result(client(api), PARAMS, [].append, 'detections', DETECTIONS, sink=sink)
    assert sink.closed and sink.count == 5


def test_suspicious_objects_are_attached_in_order(fakes):
    objects = dict(('/api/v1/detections/D%d/suspicious-objects' % n, [{'suspicionFileId': 'F%d' % n, 'status': 'quarantined'}]) for n in range(3))
    api = fakes.Api(results=objects)
    records = listing.attach_objects(client(api), [{'detection_id': 'D%d' % n} for n in range(3)], DETECTIONS)
    assert [r['suspicious_objects'] for r in records] == [[{'suspicion_file_id': 'F%d' % n, 'status': 'quarantined', 'quarantined': True}] for n in range(3)]
