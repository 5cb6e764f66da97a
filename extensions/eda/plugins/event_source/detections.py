# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: detections
short_description: New Webshell Behavior Detector detections as events
version_added: 1.1.0
description:
  - Polls the WBD detection search (SearchWebshell, C(POST /api/v1/detections)) by detection time and puts each new
    detection on the queue once, as M(ncloud.wbd.detection_info) returns it (same keys, same normalisation), plus
    C(meta.uuid), an event ID derived from the detection ID, so a redelivered detection carries the same ID.
  - It uses the collection's WBD client, so signing, retries on throttling (HTTP 429) and gateway errors (5xx), paging
    and its completeness checks are those of the modules.
  - When the client's retries are spent on throttling, gateway or connection errors, the source waits (twice as long
    each time, at most five minutes) and polls again. An authentication, permission or configuration error, or a
    list whose pages do not add up, ends the source with one line naming the cause (never the secret key).
  - The detection time of the newest detection handed on is the high-water mark. Each poll asks for detections from
    O(lookback) before it, so several detections with the same time, or one that the API lists a little late, are not
    lost; the IDs already handed on in that window are remembered (at most O(max_seen)) and not handed on again.
    The local clock is read once, for the default O(since); a clock jump later neither replays nor skips detections.
  - With O(checkpoint), the start, the high-water mark and the remembered IDs are written to a file (written whole,
    then renamed) when the source starts and after every event. A restart, even after C(kill -9), resumes there and
    neither repeats nor loses a detection. An event that was on the queue but not yet acted on when the process died
    is not repeated.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
options:
  access_key:
    description:
      - The NCP access key. Environment variable E(NCLOUD_ACCESS_KEY), then the credentials file, when not set.
    type: str
  secret_key:
    description:
      - The NCP secret key. Environment variable E(NCLOUD_SECRET_KEY), then the credentials file, when not set.
    type: str
  profile:
    description:
      - Section of O(credentials_file) to read the keys from.
    type: str
  credentials_file:
    description:
      - The NCP credentials file (default C(~/.ncloud/configure)), read when a key is found neither in the options
        nor in the environment; it must be readable by its owner only.
    type: path
  site:
    description:
      - The NCP site whose WBD endpoint to use (E(NCLOUD_SITE)); see the modules' O(ncloud.wbd.detection_info#module:site).
    type: str
    choices: [public, gov, fin]
  endpoint:
    description:
      - The WBD API base URL, instead of a site's (E(NCLOUD_WBD_ENDPOINT)).
    type: str
  validate_certs:
    description:
      - Whether to check the endpoint's TLS certificate.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to trust for the endpoint.
    type: path
  timeout:
    description:
      - Seconds to wait for one API answer.
    type: float
    default: 30.0
  retries:
    description:
      - Retries of one request after throttling, gateway errors, timeouts or broken connections.
    type: int
    default: 5
  page_size:
    description:
      - Detections per page.
    type: int
    default: 100
  concurrency:
    description:
      - Requests in flight at once while paging and fetching suspicious objects.
    type: int
    default: 4
  interval:
    description:
      - Seconds between polls.
    type: float
    default: 60
  since:
    description:
      - Hand on detections detected at or after this time; the default is the start of the source, so only new
        detections become events. An ISO 8601 time, a relative age such as V(2h) or V(7d), or epoch milliseconds.
      - Ignored when O(checkpoint) names an existing file: the source resumes where it stopped.
    type: raw
  lookback:
    description:
      - How far before the high-water mark each poll looks (V(30s), V(5m), V(2h) or milliseconds), for detections
        the API lists late or with the same time as the last one.
    type: raw
    default: 5m
  max_seen:
    description:
      - The most detection IDs remembered for the lookback window. When more detections than this fall in the
        window, the oldest are forgotten and detections older than those kept are no longer handed on (a warning
        says so).
    type: int
    default: 10000
  checkpoint:
    description:
      - A file that keeps the source's position across restarts. Give each source its own file.
      - A file that does not parse ends the source rather than starting over.
    type: path
  suspicious_objects:
    description:
      - Attach each detection's suspicious files (GetWebshellSuspiciousObject) with SHA-1, hash scan verdict
        (C(hash_scan_result)) and quarantine state, under C(suspicious_objects).
    type: bool
    default: false
  action_status:
    description:
      - Only detections with this review state.
    type: str
    choices: [confirmed, unconfirmed]
  host_name:
    description: Only detections whose host name contains this text (as the API matches it).
    type: str
  server_name:
    description: Only detections whose server name contains this text.
    type: str
  private_ip:
    description: Only detections on this private IP.
    type: str
  suspicious_ip:
    description: Only detections with this suspected attacker IP.
    type: str
  memo:
    description: Only detections whose memo contains this text.
    type: str
  process_name:
    description: Only detections of this process name.
    type: str
  process_arg:
    description: Only detections whose process arguments contain this text.
    type: str
  executor:
    description: Only detections of processes run by this account.
    type: str
  parent_process_name:
    description: Only detections whose parent process has this name.
    type: str
  parent_process_arg:
    description: Only detections whose parent process arguments contain this text.
    type: str
  parent_executor:
    description: Only detections whose parent process ran as this account.
    type: str
notes:
  - Runs in ansible-rulebook (a decision environment); the collection and C(ansible-core) must be installed there.
  - Each event is a detection record with the keys of M(ncloud.wbd.detection_info)'s RV(ncloud.wbd.detection_info#module:detections),
    for example C(detection_id), C(host_name), C(server_name), C(detect_time) (epoch ms), C(detect_time_iso),
    C(action_status), C(process_name), C(command) and C(suspicion_files).
seealso:
  - module: ncloud.wbd.detection_info
  - name: SearchWebshell API reference
    description: The WBD API operation the source polls.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-searchwebshell
'''

EXAMPLES = r'''
- name: Act on new WBD detections within a minute
  hosts: all
  sources:
    - ncloud.wbd.detections:
        interval: 60
        checkpoint: /var/lib/eda/wbd-detections.json
        suspicious_objects: true
  rules:
    - name: A detection with a file the hash scan calls malware
      condition: event.suspicious_objects is selectattr("hash_scan_result", "==", "malware")
      action:
        run_job_template:
          name: WBD audit of one host
          organization: Default
          job_args:
            limit: "{{ event.host_name }}"
            job_type: check

- name: Only unreviewed detections under Apache, keys from the environment
  hosts: all
  sources:
    - ncloud.wbd.detections:
        action_status: unconfirmed
        parent_process_name: httpd
        since: 1h
  rules:
    - name: Print them
      condition: event.detection_id is defined
      action:
        print_event:
          pretty: true
'''

import os
import sys


def _importable():
    """Put the directory holding ansible_collections first on sys.path: ansible-rulebook runs this file by path, and
    the collection's own code is imported from where this copy of the collection is installed."""
    root = os.path.abspath(__file__)
    for dummy in range(8):  # event_source, plugins, eda, extensions, wbd, ncloud, ansible_collections, its parent
        root = os.path.dirname(root)
    if os.path.isdir(os.path.join(root, 'ansible_collections')) and root not in sys.path:
        sys.path.insert(0, root)


_importable()

from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_detections import ARGUMENT_SPEC, DetectionPoller  # noqa: E402
from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_source import poll_forever, source_options  # noqa: E402


async def main(queue, args):
    """ansible-rulebook's entry point: poll until cancelled; a fault ends it with one line (SourceError)."""
    params = source_options(DetectionPoller.name, ARGUMENT_SPEC(), args)
    poller = DetectionPoller(params)
    await poll_forever(queue, poller, params['interval'])
