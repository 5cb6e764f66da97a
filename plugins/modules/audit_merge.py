#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: audit_merge
short_description: Merge the audit records of job slices into the record of one unsliced run
version_added: 1.0.0
description:
  - Reads the JSON reports that the slices of one sliced audit wrote (AWX job slicing, or C(ansible-playbook
    ncloud.wbd.audit) run once per C(--limit) partition of one inventory) and returns the audit record one run over
    all their hosts would have written, so that M(ncloud.wbd.audit_report) writes one report set for the whole
    inventory.
  - Each slice fetched the same account-wide lists and evaluated only its own hosts. The merge takes each host from its
    slice, keeps a detection unmatched (or ambiguous, or out of scope) only when no slice matched it, and recomputes
    the summary, the findings about unmatched servers, the C(completeness) problems, the C(scope) and the content
    digest. The merged record is complete only when every slice's is; a list one slice saw incomplete is incomplete in
    the merge, and its V(unknown) hosts stay unknown. The merged record equals the unsliced run's but for C(run), which is the
    earliest slice's (its start time and look-back window) with the hosts of all slices in C(inventory_scope), the
    slices' common C(--limit) (or null when they differ) and a C(merged_slices) list.
  - Refuses, with one line saying why, records that are not slices of one audit run - a different endpoint, policy,
    collection or schema version, different account-wide data (detections in the window, exception rules, counts), or
    one host with two different results - and slices whose hosts both matched one WBD server or detection, because an
    unsliced run would find that match ambiguous and no merge can know its result.
  - Also refuses slices where one slice left a server or detection to hosts sharing a match value (an ambiguous
    match) and another slice's host matched it, since the unsliced run's answer cannot be known.
  - An action plugin that runs on the controller; this page documents its options. It reads files and calls no API.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.no_action_group
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Read-only; it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: controller
options:
  src:
    description:
      - The slices' JSON reports on the controller, as paths or glob patterns (C(*), C(?), C([...])); a pattern's
        matches are taken in sorted order, and a file named twice is read once.
      - Relative paths are relative to the directory C(ansible-playbook) runs in.
      - Give one record per slice, for example each slice's C(webshell-audit-latest.json). A pattern that also matches
        older runs' reports makes the merge refuse, unless they hold exactly the same data.
    type: list
    elements: path
    required: true
  slices:
    description:
      - How many slices the sliced run had (in AWX, the job template's C(job_slice_count)).
      - When set, the merge refuses any other number of distinct slice records, so that a slice that failed before it
        wrote its report, or a record of another run, cannot go unnoticed. The same record read twice counts once; a
        merged record counts as the slices it was merged from.
    type: int
seealso:
  - module: ncloud.wbd.audit_report
  - ref: ansible_collections.ncloud.wbd.docsite.guide_job_slicing
    description: How AWX job slicing interacts with the audit, and how to merge the slices' reports.
'''

EXAMPLES = r'''
- name: Merge the records of the slices of one sliced audit run
  ncloud.wbd.audit_merge:
    src:
      - /srv/wbd-audit/slices/*/webshell-audit-latest.json
    slices: 4
  register: webshell_audit_evaluated  # the name the ncloud.wbd.webshell_report role reads the record from

- name: Write one report set for the whole inventory
  ansible.builtin.import_role:
    name: ncloud.wbd.webshell_report
  vars:
    webshell_report_dir: /srv/wbd-audit/merged

- name: Or write it with the module, reading the registered result on the controller as it is
  ncloud.wbd.audit_report:
    record_from: webshell_audit_evaluated
    dest: /srv/wbd-audit/merged
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
record:
  description:
    - The merged audit record (see R(the audit record guide,ansible_collections.ncloud.wbd.docsite.guide_record_schema)), with
      C(run.merged_slices) naming the slices it was merged from.
  returned: success
  type: dict
summary:
  description: The merged record's summary counts.
  returned: success
  type: dict
  sample:
    hosts: 40
    unprotected: 17
    unreviewed: 9
    compliant: 14
content_digest:
  description: SHA-256 (hex) of the merged record without its run metadata; equal to the unsliced run's.
  returned: success
  type: str
slices:
  description: One entry per report read, in the order read.
  returned: success
  type: list
  elements: dict
  contains:
    src:
      description: The file.
      type: str
    hosts:
      description: How many hosts the slice audited.
      type: int
    started_at_iso:
      description: When the slice's run started.
      type: str
    limit:
      description: The slice's C(--limit), if any.
      type: str
    content_digest:
      description: The slice record's own content digest.
      type: str
    account_digest:
      description: SHA-256 of the slice's account-wide parts (policy, endpoint, rules, detections); equal for every slice of one run.
      type: str
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.merge import merge_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._module.wbd_module import action_only


def main():
    action_only('ncloud.wbd.audit_merge', merge_argument_spec())


if __name__ == '__main__':
    main()
