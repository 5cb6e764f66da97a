# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: agent_status
short_description: Changes of the WBD agent status of detection targets as events
version_added: 1.1.0
description:
  - Polls the WBD detection targets (GetDetectionTarget / SearchDetectionTarget, C(/api/v1/servers)) and puts an event
    on the queue when a target's agent status changes, for example from C(enable) to C(down), or when a new target
    appears (then the previous status is null), with the previous and the new status.
  - The first poll only learns the statuses (no events), unless O(checkpoint) holds those of an earlier run; then the
    changes made while the source was down become events at its first poll.
  - It lists the targets with the collection's WBD client, as M(ncloud.wbd.detection_target_info) returns them; a
    list whose pages do not add up ends the source (a target missing from it would look removed).
  - Throttling (HTTP 429), gateway and connection errors are retried by the client, then the source waits (twice as
    long each time, at most five minutes) and polls again. Authentication, permission and configuration errors end
    the source with one line naming the cause (never the secret key).
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
      - The NCP site whose WBD endpoint to use (E(NCLOUD_SITE)).
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
      - Targets per page.
    type: int
    default: 100
  concurrency:
    description:
      - Requests in flight at once while paging.
    type: int
    default: 4
  interval:
    description:
      - Seconds between polls.
    type: float
    default: 60
  statuses:
    description:
      - Only changes to one of these statuses become events (all changes when not set). The statuses of every
        target are still followed, so the previous status is always the real one.
    type: list
    elements: str
    choices: [enable, disable, notInstalled, error, activating, down]
  checkpoint:
    description:
      - A file that keeps the last known statuses across restarts. Give each source its own file.
      - A file that does not parse ends the source rather than starting over.
    type: path
  server_name:
    description: Only targets whose server name contains this text (as the API matches it).
    type: str
  ip_address:
    description: Only targets with this IP address.
    type: str
  server_group_name:
    description: Only targets of this server group.
    type: str
  server_image_name:
    description: Only targets of this server image.
    type: str
  web_root_path:
    description: Only targets with this web root.
    type: str
  file_upload_path:
    description: Only targets with this upload directory.
    type: str
  memo:
    description: Only targets whose memo contains this text.
    type: str
notes:
  - Runs in ansible-rulebook (a decision environment); the collection and C(ansible-core) must be installed there.
  - Each event is the target as M(ncloud.wbd.detection_target_info) returns it (C(instance_no), C(server_name),
    C(ip_address), C(agent_status), C(server_group_name), ...) plus C(previous_agent_status) (null for a new target)
    and C(meta.uuid), derived from the target, both statuses and the number of its changes seen.
seealso:
  - module: ncloud.wbd.detection_target_info
  - name: SearchDetectionTarget API reference
    description: The WBD API operation the source polls when filters are set.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-detectionsetting-searchdetectiontarget
'''

EXAMPLES = r'''
- name: Audit a host whose WBD agent went down
  hosts: all
  sources:
    - ncloud.wbd.agent_status:
        interval: 120
        statuses: [down, error]
        checkpoint: /var/lib/eda/wbd-agents.json
  rules:
    - name: Agent down
      condition: event.agent_status == "down" and event.previous_agent_status == "enable"
      action:
        run_playbook:
          name: ncloud.wbd.audit
          extra_vars:
            wbd_audit_hosts: "{{ event.server_name }}"
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

from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_agents import ARGUMENT_SPEC, AgentStatusPoller  # noqa: E402
from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_source import poll_forever, source_options  # noqa: E402


async def main(queue, args):
    """ansible-rulebook's entry point: poll until cancelled; a fault ends it with one line (SourceError)."""
    params = source_options(AgentStatusPoller.name, ARGUMENT_SPEC(), args)
    poller = AgentStatusPoller(params)
    await poll_forever(queue, poller, params['interval'])
