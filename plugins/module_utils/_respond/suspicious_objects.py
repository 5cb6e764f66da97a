# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the state of suspicious files for the write modules suspicious_object and quarantine.

A file's state (``status``: detected, quarantined, quarantineFailed) and memo are served only per detection, by
GetWebshellSuspiciousObject (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-getwebshellsuspiciousobject)
and its excepted twin: the API has no list of files across detections. So the files are read one request per
detection (not per file), ``client.concurrency`` at a time. The detection lists carry each detection's file IDs
(``suspicionFiles``), which finds the detection of a file that has left the quarantine list.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ncloud.wbd.plugins.module_utils._api import listing, resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdIncompleteError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import SUSPICIOUS_OBJECT, is_quarantined, normalize
from ansible_collections.ncloud.wbd.plugins.module_utils._api.paging import parse_page
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.reading import shown

# Where a detection's files are read, by whether the detection is excepted.
OWNERS = {False: resources.DETECTIONS, True: resources.EXCEPTED_DETECTIONS}


def file_status(obj):
    """The state of a normalised file: its ``status`` as the API sends it, else what its quarantine name says."""
    status = obj.get('status')
    if status:
        return status
    return 'quarantined' if is_quarantined(obj) else 'detected'


def _objects_of(client, owner, detection_id):
    result = client.request('GET', owner.objects_path(detection_id), operation=owner.objects_op, permission=owner.permission)
    return [normalize(item, SUSPICIOUS_OBJECT) for item in parse_page(result, owner.objects_op)[0]]


def read_objects(client, detections):
    """{(excepted, detection_id): [normalised file]} for ``detections``, a list of (excepted, detection_id) pairs: one
    request per detection, ``client.concurrency`` in flight."""
    detections = list(dict.fromkeys(detections))
    if not detections:
        return {}
    workers = max(1, min(client.concurrency, len(detections)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [(key, pool.submit(_objects_of, client, OWNERS[key[0]], key[1])) for key in detections]
        return dict((key, future.result()) for key, future in futures)


def find_file_owners(client, file_ids, page_size, warn=None):
    """{file_id: (excepted, detection_id)} of the detections (live, then excepted) whose ``suspicionFiles`` hold
    ``file_ids``, walking their lists page by page until all are found. A list that could not be proven complete
    while files are still missing raises WbdIncompleteError."""
    missing, owners = set(file_ids), {}
    for excepted in (False, True):
        if not missing:
            break
        resource = OWNERS[excepted]
        pager = listing.walk(client, resource, page_size, warn=warn)
        records = iter(pager)
        try:
            for raw in records:
                for sfile in raw.get('suspicionFiles') or []:
                    file_id = '%s' % ((sfile or {}).get('suspicionFileId'),)
                    if file_id in missing:
                        missing.discard(file_id)
                        owners[file_id] = (excepted, '%s' % (raw.get(resource.id_key),))
                if not missing:
                    break
        finally:
            records.close()
        completeness = pager.completeness(resource.get_op)
        if missing and not completeness['complete']:
            err = WbdIncompleteError(
                '%s could not be proven complete, so the detections of %d files (%s) may be in the part not served: %s'
                % (resource.get_op, len(missing), shown(sorted(missing)), '; '.join(completeness['problems']) or 'no reason given')
            )
            err.completeness = completeness
            raise err
    return owners
