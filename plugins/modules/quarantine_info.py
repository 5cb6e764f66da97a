#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: quarantine_info
short_description: List the files Webshell Behavior Detector quarantined
version_added: 1.0.0
description:
  - Lists the quarantined files, suspicious files that a user quarantined (renamed so they can no longer run) from a
    detection, every page of it. Without filters it calls the WBD API operation GetQuarantine
    (C(GET /api/v1/quarantines)); with any filter it calls SearchQuarantine (C(POST /api/v1/quarantines)).
  - The documentation describes the answer both as a plain list and as a paged object; the module accepts both. A
    plain list reports neither a total nor the page size the API served, so the module reads on until an empty page
    or one shorter than the pages before it (one request more than a paged answer needs), and RV(total_count)
    counts what was returned.
  - Read-only; returns the files under RV(quarantines), never as facts.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.paging
  - ncloud.wbd.list_output
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.action_group
  - ncloud.wbd.attributes.info_module
options:
  since:
    description:
      - Only files quarantined at or after this time (the API's C(quarantineTimeFrom)).
      - An ISO 8601 date or time such as V(2024-07-01) or V(2024-07-01T09:30:00+09:00) (UTC when no offset is given),
        a relative age counted back from now such as V(12h), V(7d) or V(2w) (units s, m, h, d, w in lower case),
        or epoch milliseconds (13 digits; smaller numbers are refused because they look like epoch seconds).
    type: raw
  until:
    description: Only files quarantined at or before this time (the API's C(quarantineTimeTo)). Same formats as O(since).
    type: raw
  file_origin_name:
    description: Only files with this original path (the API's C(fileOriginName)).
    type: str
  file_owner:
    description: Only files with this owner (the API's C(fileOwner)).
    type: str
  host_name:
    description: Only files on hosts with this host name (the API's C(hostName)).
    type: str
  server_name:
    description: Only files on servers with this name (the API's C(serverName)).
    type: str
  quarantine_file_name:
    description: Only files with this name after quarantine (the API's C(quarantineFileName)).
    type: str
  memo:
    description: Only files whose note matches this text.
    type: str
notes:
  - Filters are combined with AND. How the API compares text filters (exact or partial match) is not documented.
  - An empty string counts as no filter, so templated values may be left empty.
seealso:
  - module: ncloud.wbd.detection_info
  - name: GetQuarantine API reference
    description: The WBD API operation that lists quarantined files.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-quarantine-getquarantine
  - name: SearchQuarantine API reference
    description: The WBD API operation that searches quarantined files.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-quarantine-searchquarantine
'''

EXAMPLES = r'''
- name: List every quarantined file
  ncloud.wbd.quarantine_info:
    access_key: "{{ ncp_access_key }}"
    secret_key: "{{ ncp_secret_key }}"
  register: quarantined
  delegate_to: localhost
  run_once: true

- name: Files quarantined on one server in the last 30 days
  ncloud.wbd.quarantine_info:
    server_name: web-prd-001
    since: 30d
  register: recent
  delegate_to: localhost
  run_once: true

- name: SHA-1 of every quarantined file the hash scan called malware
  ansible.builtin.debug:
    msg: "{{ quarantined.quarantines | selectattr('hash_scan_result', 'equalto', 'malware') | map(attribute='sha1') | list }}"
'''

RETURN = r'''
quarantines:
  description:
    - Every quarantined file, in the order the API returned them, each once (de-duplicated by
      RV(quarantines[].suspicion_file_id)).
    - Times are epoch milliseconds as the API gives them, each with an ISO 8601 UTC twin named C(<field>_iso).
    - Fields the WBD documentation does not list are kept, their names converted to snake_case.
  returned: success, unless O(dest) is set (then the records are in that file)
  type: list
  elements: dict
  contains:
    suspicion_file_id:
      description: File ID, the object ID of the quarantine operations.
      type: str
      sample: "2025062710452200001234"
    detection_id:
      description: The detection the file belongs to.
      type: str
    host_name:
      description: Host name of the server.
      type: str
    server_name:
      description: Server name, when the API sends it.
      type: str
    instance_no:
      description: Instance number of the server.
      type: str
    private_ip:
      description: Private IP of the server (the API's C(privateIPofServer)).
      type: str
    os_type:
      description: OS type of the server, for example V(LINUX) or V(WINDOWS).
      type: str
    file_origin_name:
      description: Original path of the file. Attacker-controlled text.
      type: str
      sample: /var/www/html/uploads/cmd.php
    quarantine_file_name:
      description: Name the file was renamed to by the quarantine.
      type: str
    file_size:
      description: Size of the file in bytes.
      type: int
      sample: 4821
    sha1:
      description: SHA-1 of the file, hexadecimal.
      type: str
      sample: 3f786850e387550fdab836ed7e6dc881de23001b
    file_authority:
      description: Permissions of the file, for example C(-rw-r--r--) or C(FullControl).
      type: str
    file_owner:
      description: Owner of the file (a Windows SID on Windows).
      type: str
    file_group:
      description: Group of the file.
      type: str
    access_time:
      description: Last access, epoch milliseconds (C(access_time_iso) is the ISO 8601 twin).
      type: int
    modify_time:
      description: Last modification, epoch milliseconds (C(modify_time_iso) is the ISO 8601 twin).
      type: int
    change_time:
      description: Last status change, epoch milliseconds (C(change_time_iso) is the ISO 8601 twin).
      type: int
    hash_scan_result:
      description: Verdict of the hash scan, V(malware) or V(notMalware).
      type: str
      sample: malware
    weight:
      description: Suspicion score, when the API sends it.
      type: int
    status:
      description:
        - State of the file as the API reports it, for example V(detected), V(quarantined) or V(quarantineFailed).
        - The WBD documentation does not name this field or its values; it is returned as the API sends it.
      type: str
    memo:
      description: The user's note.
      type: str
    quarantine_time:
      description: When the file was quarantined, epoch milliseconds, when the API sends it.
      type: int
    quarantine_time_iso:
      description: RV(quarantines[].quarantine_time) in ISO 8601 UTC.
      type: str
dest:
  description: The file the records were written to (O(dest)), instead of being returned.
  returned: when O(dest) is set
  type: str
  sample: /var/lib/wbd/export/quarantines.jsonl
records_written:
  description:
    - How many records were written to RV(dest) (in check mode, how many would have been).
  returned: when O(dest) is set
  type: int
  sample: 100000
total_count:
  description:
    - Number of files the API reported (C(totalCount)) for the filters given, which can exceed the length of
      RV(quarantines) when O(max_results) cut the list.
    - When the API answers with a plain list it reports no total; then this counts the files returned, or is null
      if O(max_results) cut the list.
  returned: success
  type: int
  sample: 10
truncated:
  description: Whether O(max_results) left out files that matched.
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
    run_info_module('quarantine_info')


if __name__ == '__main__':
    main()
