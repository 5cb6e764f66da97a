# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """What the list modules return, and where: O(fields) and O(dest)."""

    DOCUMENTATION = r'''
options:
  fields:
    description:
      - Return only these keys of each record, plus its ID (for example C(detection_id), C(excepted_rule_id),
        C(instance_no) or C(suspicion_file_id)), which is always kept. The records are cut before they are serialised,
        so a lean listing costs less both in the module and in ansible-core, which copies every byte of a result.
      - Names are the documented keys of the returned records. An ISO twin such as C(detect_time_iso) is returned only
        when it is named itself; naming C(detect_time) returns the epoch milliseconds alone.
      - A field of a nested list's records is named C(list.field), for example C(suspicion_files.weight); the list is
        then kept with only those fields of its records (no ID is added there). Naming the list itself keeps its records whole.
      - C(suspicious_objects) keeps each record's suspicious objects whole, with their IDs; it needs
        O(ncloud.wbd.detection_info#module:suspicious_objects=true).
      - A name that is no field of the listed records fails before any request, in one line that lists the valid
        names. Fields the WBD documentation does not list cannot be selected.
      - Without this option every key is returned.
    type: list
    elements: str
    version_added: 1.1.0
  dest:
    description:
      - Write the records to this file instead of returning them, as they arrive, never holding the whole list in
        memory. The result then holds no records (the records key is absent) but RV(dest), RV(records_written) and
        the counts and completeness evidence as usual. This is how to export 100,000 or more records without paying
        for them in ansible-core.
      - The file is written on the host the module runs on, normally the controller, with C(delegate_to) set to C(localhost).
      - It is written atomically, with mode C(0600) since the records are sensitive. The records go to a temporary file in the same
        directory, synced and renamed over O(dest) only when its content differs. A run that fails (a failed request,
        a list that is incomplete without O(allow_partial=true), a full disk) leaves no file and any previous one as
        it was. The directory must exist.
      - Values marked C(no_log) are masked in the file as in the module output.
      - C(changed) is V(true) when the file's content changed (compared by digest), V(false) otherwise. In check mode
        nothing is written; the result says how many records would be written and whether the file would change.
    type: path
    version_added: 1.1.0
  dest_format:
    description:
      - The format of O(dest). V(jsonl) writes one JSON object per line (JSON Lines), V(json) one JSON array, exactly
        what the module would have returned under its records key.
    type: str
    choices: [jsonl, json]
    default: jsonl
    version_added: 1.1.0
'''
