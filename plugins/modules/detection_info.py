#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: detection_info
short_description: List Webshell Behavior Detector detections
version_added: 1.0.0
description:
  - Lists the suspected webshell behaviour that WBD agents reported on servers registered for detection, every page
    of it. Without filters it calls the WBD API operation GetWebshell (C(GET /api/v1/detections)); with any filter
    it calls SearchWebshell (C(POST /api/v1/detections)), so the API does the filtering.
  - With O(suspicious_objects=true) each detection also gets its suspicious files from GetWebshellSuspiciousObject,
    with SHA-1, size, owner, hash scan verdict and quarantine state.
  - Read-only; returns the detections under RV(detections), never as facts.
  - Detections that an exception rule matched are not listed here; see M(ncloud.wbd.excepted_detection_info).
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.paging
  - ncloud.wbd.list_output
  - ncloud.wbd.detection_filters
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.action_group
  - ncloud.wbd.attributes.info_module
seealso:
  - module: ncloud.wbd.excepted_detection_info
  - module: ncloud.wbd.exception_rule_info
  - module: ncloud.wbd.quarantine_info
  - name: GetWebshell API reference
    description: The WBD API operation that lists detections.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-getwebshell
  - name: SearchWebshell API reference
    description: The WBD API operation that searches detections.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-searchwebshell
  - name: GetWebshellSuspiciousObject API reference
    description: The WBD API operation behind O(suspicious_objects).
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-getwebshellsuspiciousobject
'''

EXAMPLES = r'''
- name: List every detection
  ncloud.wbd.detection_info:
    access_key: "{{ ncp_access_key }}"
    secret_key: "{{ ncp_secret_key }}"
  register: wbd
  delegate_to: localhost
  run_once: true

- name: Show the unreviewed ones
  ansible.builtin.debug:
    msg: "{{ wbd.detections | selectattr('action_status', 'equalto', 'blank') | map(attribute='host_name') | list }}"

- name: Let the API filter - unreviewed detections of the last seven days
  ncloud.wbd.detection_info:
    action_status: unconfirmed
    since: 7d
  register: recent
  delegate_to: localhost
  run_once: true

- name: Detections on one server under Apache during July 2024 (times without offset are UTC)
  ncloud.wbd.detection_info:
    server_name: web-prd-001
    parent_process_name: httpd
    since: "2024-07-01"
    until: "2024-07-31T23:59:59Z"
  register: july
  delegate_to: localhost
  run_once: true

- name: The 20 newest detections from one attacker IP, with their files' hash scan verdicts
  ncloud.wbd.detection_info:
    suspicious_ip: 203.0.113.45
    max_results: 20
    suspicious_objects: true
  register: from_ip
  delegate_to: localhost
  run_once: true

- name: Name malware files that are still in place
  ansible.builtin.debug:
    msg: >-
      {{ from_ip.detections | map(attribute='suspicious_objects') | flatten
         | selectattr('hash_scan_result', 'equalto', 'malware') | rejectattr('quarantined')
         | map(attribute='file_origin_name') | list }}

- name: Export every detection to a JSON Lines file on the controller (100,000 and more; the result holds only counts)
  ncloud.wbd.detection_info:
    page_size: 1000
    concurrency: 8
    dest: /var/lib/wbd/export/detections.jsonl
  register: export
  delegate_to: localhost
  run_once: true

- name: Say how many were exported, and whether the list is proven complete
  ansible.builtin.debug:
    msg: "{{ export.records_written }} of {{ export.total_count }} detections in {{ export.dest }}, complete: {{ export.complete }}"

- name: A lean listing - only the keys needed (detection_id is always kept)
  ncloud.wbd.detection_info:
    fields: [host_name, detect_time, action_status]
  register: lean
  delegate_to: localhost
  run_once: true

- name: Set credentials once for all WBD modules, here against a local sandbox
  module_defaults:
    group/ncloud.wbd.wbd:
      endpoint: http://127.0.0.1:8080
      access_key: "{{ lookup('ansible.builtin.env', 'NCLOUD_ACCESS_KEY') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'NCLOUD_SECRET_KEY') }}"
  block:
    - name: List detections with larger pages
      ncloud.wbd.detection_info:
        page_size: 200
      register: wbd
'''

RETURN = r'''
detections:
  description:
    - Every detection, in the order the API returned them, each once (de-duplicated by RV(detections[].detection_id)).
    - Times are epoch milliseconds as the API gives them, each with an ISO 8601 UTC twin named C(<field>_iso).
    - Fields the WBD documentation does not list are kept, their names converted to snake_case.
  returned: success, unless O(dest) is set (then the records are in that file)
  type: list
  elements: dict
  contains:
    detection_id:
      description: Detection ID (a 22-digit string).
      type: str
      sample: "2024072323595700000436"
    instance_no:
      description: Instance number of the server.
      type: str
      sample: "25****97"
    host_name:
      description: Host name of the server.
      type: str
    server_name:
      description: Server name in the console.
      type: str
    container_name:
      description: Container name for Kubernetes targets, otherwise empty.
      type: str
    private_ip:
      description: Private IP of the server (the API's C(privateIPofServer)).
      type: str
    command:
      description: The command line that was executed. Attacker-controlled text.
      type: str
    process_name:
      description: Name of the process.
      type: str
    process_arg:
      description: Arguments of the process.
      type: str
    process_id:
      description: Process ID.
      type: str
    executor:
      description: Account that ran the process.
      type: str
    parent_process_id:
      description: Process ID of the parent (the API's C(processIdOfParent)).
      type: str
    parent_process_name:
      description: Name of the parent process (the API's C(processNameOfParent)), for example C(httpd) or C(w3wp.exe).
      type: str
    parent_process_arg:
      description: Arguments of the parent process (the API's C(processArgOfParent)).
      type: str
    parent_executor:
      description: Account that ran the parent process (the API's C(executorOfParent)).
      type: str
    uid:
      description: UID of the process.
      type: str
    euid:
      description: Effective UID of the process.
      type: str
    gid:
      description: GID of the process.
      type: str
    egid:
      description: Effective GID of the process.
      type: str
    action_status:
      description: Review state, V(confirmed) (reviewed) or V(blank) (not reviewed).
      type: str
      sample: blank
    memo:
      description: The user's note.
      type: str
    action_time:
      description: When the behaviour happened, epoch milliseconds.
      type: int
      sample: 1721742708822
    action_time_iso:
      description: RV(detections[].action_time) in ISO 8601 UTC.
      type: str
      sample: "2024-07-23T13:51:48.822Z"
    detect_time:
      description: When it was detected, epoch milliseconds.
      type: int
    detect_time_iso:
      description: RV(detections[].detect_time) in ISO 8601 UTC.
      type: str
    collect_time:
      description: When it was collected, epoch milliseconds.
      type: int
    collect_time_iso:
      description: RV(detections[].collect_time) in ISO 8601 UTC.
      type: str
    last_updated_time:
      description: When the record last changed, epoch milliseconds.
      type: int
    last_updated_time_iso:
      description: RV(detections[].last_updated_time) in ISO 8601 UTC.
      type: str
    is_checked:
      description: Whether the detection was reviewed.
      type: bool
    member_no:
      description: Account member number (masked by the API).
      type: str
    detection_rule_id:
      description: ID of the detection policy that fired.
      type: str
    os_type:
      description: OS type of the server, for example V(LINUX).
      type: str
    suspicion_files:
      description: Suspicious files linked to the detection.
      type: list
      elements: dict
      contains:
        suspicion_file_id:
          description: File ID, the object ID of the quarantine operations.
          type: str
        detection_id:
          description: The detection this file belongs to.
          type: str
        file_origin_name:
          description: Path of the file. Attacker-controlled text.
          type: str
        file_owner:
          description: Owner of the file (a Windows SID on Windows).
          type: str
        weight:
          description: Suspicion score; the higher, the likelier a webshell.
          type: int
          sample: 29
        access_time:
          description: Last access, epoch milliseconds (C(access_time_iso) is the ISO 8601 twin).
          type: int
        modify_time:
          description: Last modification, epoch milliseconds (C(modify_time_iso) is the ISO 8601 twin).
          type: int
        change_time:
          description: Last status change, epoch milliseconds (C(change_time_iso) is the ISO 8601 twin).
          type: int
    suspicion_ips:
      description: Suspected attacker IPs.
      type: list
      elements: dict
      contains:
        suspicion_ip_id:
          description: ID of the record.
          type: str
        detection_id:
          description: The detection this IP belongs to.
          type: str
        suspicion_ip:
          description: The IP address (masked by the API in some views).
          type: str
        country:
          description: ISO country code of the IP, for example V(KR).
          type: str
        platform:
          description: Platform, V(VPC).
          type: str
    suspicious_objects:
      description:
        - The detection's suspicious files as GetWebshellSuspiciousObject returns them.
        - Only with O(suspicious_objects=true).
      type: list
      elements: dict
      returned: when O(suspicious_objects=true)
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
          description: Name of the file after quarantine; empty when it is not quarantined.
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
        quarantined:
          description: >-
            Whether the file is quarantined. True when RV(detections[].suspicious_objects[].status) is V(quarantined) or the file has a
            RV(detections[].suspicious_objects[].quarantine_file_name), because the documentation names neither sign for certain.
          type: bool
dest:
  description: The file the records were written to (O(dest)), instead of being returned.
  returned: when O(dest) is set
  type: str
  sample: /var/lib/wbd/export/detections.jsonl
records_written:
  description:
    - How many records were written to RV(dest) (in check mode, how many would have been).
  returned: when O(dest) is set
  type: int
  sample: 100000
total_count:
  description:
    - Number of detections the API reported (C(totalCount)) for the filters given, which can exceed the length of
      RV(detections) when O(max_results) cut the list.
  returned: success
  type: int
  sample: 2500
truncated:
  description: Whether O(max_results) left out detections that matched.
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
    run_info_module('detection_info')


if __name__ == '__main__':
    main()
