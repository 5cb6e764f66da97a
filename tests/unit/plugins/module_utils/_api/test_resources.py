# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list resources: paths and the per-record suspicious-object path."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import resources


@pytest.mark.parametrize(
    'resource, path',
    [
        (resources.DETECTIONS, '/api/v1/detections'),
        (resources.EXCEPTED_DETECTIONS, '/api/v1/exceptions'),
        (resources.EXCEPTION_RULES, '/api/v1/exception-rules'),
        (resources.DELETED_EXCEPTION_RULES, '/api/v1/deleted-exception-rules'),
        (resources.DETECTION_TARGETS, '/api/v1/servers'),
        (resources.QUARANTINES, '/api/v1/quarantines'),
    ],
)
def test_paths_follow_the_api_notes(resource, path):
    assert resource.path == path


def test_object_path_of_a_normal_id():
    assert resources.DETECTIONS.objects_path('2024072323595700000436') == '/api/v1/detections/2024072323595700000436/suspicious-objects'
    assert resources.EXCEPTED_DETECTIONS.objects_path(7) == '/api/v1/exceptions/7/suspicious-objects'


def test_an_id_from_the_api_cannot_add_path_segments_or_a_query():
    assert resources.DETECTIONS.objects_path('../servers?x=1') == '/api/v1/detections/..%2Fservers%3Fx%3D1/suspicious-objects'
