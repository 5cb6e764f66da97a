#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: detection_target_info
short_description: List the servers registered for Webshell Behavior Detector detection and their agent status
version_added: 1.0.0
description:
  - Lists the detection targets, the servers registered for webshell behaviour detection, with the state of each
    server's WBD agent, every page of it. Without filters it calls the WBD API operation GetDetectionTarget
    (C(GET /api/v1/servers)); with any filter it calls SearchDetectionTarget (C(POST /api/v1/servers)).
  - Only servers whose agent is V(enable) detect anything. A server that is not registered does not appear at all;
    compare the list with your inventory to find those.
  - Read-only; returns the servers under RV(detection_targets), never as facts.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.paging
  - ncloud.wbd.list_output
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.action_group
  - ncloud.wbd.attributes.info_module
  - ncloud.wbd.detection_filters.targets
notes:
  - Filters are combined with AND; the agent states in O(agent_status) are alternatives. How the API compares text
    filters (exact or partial match) is not documented.
  - An empty string or list counts as no filter, so templated values may be left empty.
seealso:
  - module: ncloud.wbd.detection_info
  - name: GetDetectionTarget API reference
    description: The WBD API operation that lists detection targets.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-detectionsetting-getdetectiontarget
  - name: SearchDetectionTarget API reference
    description: The WBD API operation that searches detection targets.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-detectionsetting-searchdetectiontarget
'''

EXAMPLES = r'''
- name: List every server registered for detection
  ncloud.wbd.detection_target_info:
    access_key: "{{ ncp_access_key }}"
    secret_key: "{{ ncp_secret_key }}"
  register: targets
  delegate_to: localhost
  run_once: true

- name: Servers whose agent does not protect them
  ncloud.wbd.detection_target_info:
    agent_status: [disable, notInstalled, error, down, activating]
  register: unprotected
  delegate_to: localhost
  run_once: true

- name: Name them
  ansible.builtin.debug:
    msg: "{{ unprotected.detection_targets | items2dict(key_name='server_name', value_name='agent_status') }}"

- name: Inventory hosts that are not registered at all, matched by IP
  ansible.builtin.debug:
    msg: >-
      {{ groups['web'] | map('extract', hostvars, 'ansible_host')
         | difference(targets.detection_targets | map(attribute='ip_address')) }}
'''

RETURN = r'''
detection_targets:
  description:
    - Every server registered for detection, in the order the API returned them, each once (de-duplicated by
      RV(detection_targets[].instance_no)).
    - Fields the WBD documentation does not list are kept, their names converted to snake_case.
  returned: success, unless O(dest) is set (then the records are in that file)
  type: list
  elements: dict
  contains:
    instance_no:
      description: Instance number of the server, the server ID of the agent operations.
      type: str
      sample: "25123497"
    server_name:
      description: Server name.
      type: str
      sample: web-prd-001
    server_image_name:
      description: Image the server was built from.
      type: str
    server_status:
      description: State of the server, for example V(running) (values undocumented).
      type: str
    server_type:
      description: Server type.
      type: str
    server_env_type:
      description: Environment type of the server, for example V(VM) or V(KUBERNETES).
      type: str
    ip_address:
      description: IP address of the server.
      type: str
      sample: 10.0.1.15
    agent_status:
      description: >-
        State of the WBD agent, V(enable), V(disable), V(notInstalled), V(error), V(activating) or V(down).
        Only V(enable) detects anything.
      type: str
      sample: enable
    server_group_id:
      description: ID of the server group.
      type: str
    server_group_name:
      description: Name of the server group.
      type: str
    platform:
      description: Platform, V(VPC) or V(CLASSIC).
      type: str
    was_configs:
      description: Web server settings of the detection (the API's C(wasConfigList)).
      type: list
      elements: dict
      contains:
        was_type:
          description: Web or application server type, for example V(apache), V(tomcat), V(nginx) or V(iis).
          type: str
        web_root_path:
          description: Web root watched by the agent.
          type: str
        file_upload_path:
          description: Upload directory watched by the agent.
          type: str
    memo:
      description: The user's note.
      type: str
dest:
  description: The file the records were written to (O(dest)), instead of being returned.
  returned: when O(dest) is set
  type: str
  sample: /var/lib/wbd/export/detection_targets.jsonl
records_written:
  description:
    - How many records were written to RV(dest) (in check mode, how many would have been).
  returned: when O(dest) is set
  type: int
  sample: 100000
total_count:
  description:
    - Number of servers the API reported (C(totalCount)) for the filters given, which can exceed the length of
      RV(detection_targets) when O(max_results) cut the list.
  returned: success
  type: int
  sample: 30
truncated:
  description: Whether O(max_results) left out servers that matched.
  returned: success
  type: bool
  sample: false
complete:
  description:
    - Whether the list is proven complete, its pages agreeing with each other and with the totals the API announced
      (see the notes of O(allow_partial)). V(false) when O(max_results) cut the list, or, with O(allow_partial=true),
      when the pages could not be made to agree; then RV(completeness.problems) says why.
  returned: success
  type: bool
  sample: true
completeness:
  description:
    - The evidence of the page walk behind RV(complete).
  returned: success
  type: dict
  contains:
    complete:
      description: The same as RV(complete).
      type: bool
    operation:
      description: The WBD API operation that was paged, for example V(GetWebshell) or V(SearchWebshell).
      type: str
      sample: GetWebshell
    pages_requested:
      description: Pages requested from the API, repeated and confirming requests included.
      type: int
      sample: 3
    page_size_asked:
      description: The page size asked for first (O(page_size), or less with O(max_results)).
      type: int
      sample: 100
    page_size_served:
      description: The most records the API served on one page; V(null) when it served none.
      type: int
      sample: 100
    page_size_used:
      description: The page size the walk asked for last; smaller than RV(completeness.page_size_asked) when the API caps pages.
      type: int
      sample: 100
    page_size_echoed:
      description: The last C(pageSize) the API echoed; V(null) when it echoed none.
      type: int
    page_base:
      description: >-
        V(0) or V(1): the number of the API's first page, as the walk found it; V(null) when one page held the whole
        list, so it did not matter.
      type: int
      sample: 0
    total_announced:
      description: The last C(totalCount) the API announced (numeric text read as a number); V(null) when it announced none.
      type: int
      sample: 237
    total_first_announced:
      description: The first C(totalCount) the API announced; different from RV(completeness.total_announced) when the total changed meanwhile.
      type: int
    total_pages_announced:
      description: The last C(totalPages) the API announced; V(null) when it announced none.
      type: int
      sample: 3
    records_delivered:
      description: Records in the result, each once.
      type: int
      sample: 237
    passes:
      description: How many times the walk read the list from page 0 (more than V(1) when the total changed meanwhile or page sizes varied).
      type: int
      sample: 1
    null_pages:
      description: Pages that came back with C(content) null twice although the totals announced records.
      type: list
      elements: int
    stop_reason:
      description: >-
        What ended the walk: V(short page), V(empty page), V(max_results), V(page limit) (the pages never ran out) or
        V(repeated pages) (the API seems to ignore C(pageIndex)).
      type: str
      sample: short page
    truncated:
      description: The same as RV(truncated).
      type: bool
    problems:
      description: >-
        One line per disagreement that makes the list incomplete, each naming the operation and what disagreed; the
        first names O(max_results) when it cut the list. Empty when the list is complete.
      type: list
      elements: str
      sample: ["GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages."]
    notes:
      description: >-
        What the walk learned on the way without a doubt on the result, for example that pages are numbered from 1,
        that the API served smaller pages than asked, or that the total was lower than the records delivered.
      type: list
      elements: str
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._module.wbd_module import run_info_module


def main():
    run_info_module('detection_target_info')


if __name__ == '__main__':
    main()
