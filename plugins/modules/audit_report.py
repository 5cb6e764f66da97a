#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: audit_report
short_description: Write webshell audit report files from an audit record
version_added: 1.0.0
description:
  - Turns a webshell audit record (schema version 2, as the C(ncloud.wbd) audit produces it) into report files in
    O(dest) - the canonical JSON record, a CSV of findings, a self-contained HTML page, JUnit XML and Markdown.
  - "A record whose data were incomplete or ambiguous (its C(completeness.complete) is V(false): a list the API did not
    deliver completely, an unreadable time, two hosts matching one server) says so at the top of every format: a banner
    listing each problem in the HTML page and the Markdown summary, a test suite C(webshell_audit.completeness) with an
    erroring test case per problem in the JUnit XML, and a row per problem (scope C(completeness), severity C(high),
    before the findings) in the CSV. Hosts whose status is V(unknown) (their verdict depends on such data) are errors,
    not passes, in the JUnit XML, and are counted and listed in every format. A complete record shows no banner."
  - Every format is streamed straight into a temporary file in O(dest) (no format is held in memory whole), which is
    renamed over the target once it is complete, so a failed run never leaves a half-written report. If one file of
    a run cannot be rendered or written, the files this run newly created are removed again and the files it already
    replaced are put back, so O(dest) holds the previous report set, not a mix of two runs.
  - Each run writes a timestamped set, C(<basename>-<YYYYmmddTHHMMSSZ>.<ext>), named after the run's start time (UTC);
    it is the run's evidence and is written on every run, whether or not the findings changed. With O(latest=true)
    each file is also copied (not linked) to C(<basename>-latest.<ext>).
  - RV(ignore:changed) tells whether the audit content changed, not whether files were written. It is V(true) when the
    record's content digest (a SHA-256 of everything but the run metadata) differs from the one in
    C(<basename>-latest.json) in O(dest), or when that file is missing or unreadable. A re-run with unchanged findings
    reports V(false), although it writes its timestamped set and refreshes the latest files. Without a JSON latest file
    (O(latest=false) or C(json) not in O(formats)) every run reports V(true) unless an earlier one is still there.
    In check mode nothing is written and RV(ignore:changed) is always V(false).
  - "The extensions are C(json), C(csv), C(html), C(junit.xml) and C(md). The CSV has one row per finding; a cell
    whose first character is C(=), C(+), C(-), C(@), a tab or a carriage return is prefixed with C(') so no
    spreadsheet evaluates it."
  - "The JUnit XML has a test suite C(webshell_audit.hosts) with a test case per host, failing with one C(failure) per
    finding of that host (compliant hosts pass; an V(unknown) host has an C(error) per reason), and a test suite
    C(webshell_audit.account) with a failing test case per account finding, named by the finding ID. A failure's C(type)
    is the finding kind, its C(message) the finding message, and its text adds severity, finding ID and subject.
    C(failures) counts failed test cases and C(errors) the test cases with an error (an errored case is not also
    counted as failed)."
  - The HTML page loads nothing from anywhere; its Content-Security-Policy allows only its own inline sorting script.
    Text the monitored servers control is escaped in every format; characters XML or HTML forbid are replaced
    with U+FFFD there.
  - "Every report has a section C(Changes since <previous run start>): the record is compared with the previous JSON
    report in O(dest) (C(<basename>-latest.json), else the newest timestamped one) - findings new and resolved (by
    finding ID), hosts whose status changed, exception rules added, removed or changed (with the sub-account
    C(action_name) where the rule records have it), detections new since the previous run. The previous report is
    read whole only when it is an audit_report JSON report of the same C(run.endpoint) and the same inventory scope
    (C(run.inventory_scope.hosts)); otherwise, and on the first run, the section says why nothing was compared. In the
    JSON report it is the top-level key C(changes); in the CSV rows of scope C(changes) after the findings; in the JUnit
    XML a test suite C(webshell_audit.changes) without test cases whose C(system-out) lists them. Rendering the same
    record again keeps the changes its first report had."
  - With O(actions), an C(Actions) section lists what a remediation planned or did (top-level C(actions) in the JSON,
    rows of scope C(actions) in the CSV, a test suite C(webshell_audit.actions) in the JUnit XML where a V(failed)
    action is a failed test case). C(changes) and C(actions) are not part of the content digest.
  - Runs on the controller; call it with C(delegate_to=localhost) and C(run_once=true).
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.no_action_group
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: partial
    details:
      - Renders every format, so errors surface, and returns the paths it would write, but writes nothing.
      - Reports C(changed=false) (nothing was written) with RV(written=false) and a message saying so;
        RV(would_change) tells whether a real run would change the latest report.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: controller
options:
  record:
    description:
      - The audit record, a dictionary with C(schema_version=2).
      - Exactly one of O(record), O(src) and O(record_from) is required.
    type: dict
  src:
    description:
      - Path on the controller of a saved JSON report to render again, for example an earlier C(<basename>-latest.json).
      - Exactly one of O(record), O(src) and O(record_from) is required.
    type: path
  record_from:
    description:
      - Name of a variable of the task's host that holds the record, or the registered result of
        M(ncloud.wbd.audit_evaluate) (as the P(ncloud.wbd.webshell_audit#role) role leaves it in C(webshell_audit_evaluated))
        or of M(ncloud.wbd.audit_merge).
      - A registered result of M(ncloud.wbd.audit_evaluate) names the file on the controller that holds the record
        (its C(record_path)); the record is read from that file. The file lives as long as the C(ansible-playbook) run
        that made it, unless its C(record_dir) was set.
      - The action plugin reads the variable as it is and renders on the controller. A record of tens of thousands of
        detections given to O(record) is templated and sent as a module argument, which costs ansible-core 2.19 many
        times the rendering itself.
      - Exactly one of O(record), O(src) and O(record_from) is required.
    type: str
  dest:
    description:
      - Directory to write the reports to. Created with mode C(0700) when it does not exist.
    type: path
    required: true
  formats:
    description: The formats to write.
    type: list
    elements: str
    choices: [json, csv, html, junit, markdown]
    default: [json, csv, html, junit, markdown]
  mode:
    description:
      - Permissions of the report files, as a quoted octal string such as V('0640'). Only permission bits (up to
        V('0777')) are accepted.
      - Reports name hosts and their weaknesses; keep them private.
    type: raw
    default: '0600'
  basename:
    description: Start of every file name. A plain name - no path separators and no leading dot.
    type: str
    default: webshell-audit
  latest:
    description: Also write each file as C(<basename>-latest.<ext>), replacing the previous one.
    type: bool
    default: true
  html_max_detections:
    description:
      - Most detections the HTML page lists, newest first; the page says how many it left out. The charts and the
        other formats always count every detection.
    type: int
    default: 2000
  actions:
    description:
      - What a remediation of this run planned (check mode) or did, rendered as the C(Actions) section of every format.
      - Each item has C(kind) and C(resource) (non-empty strings), C(status) (V(planned), V(done), V(failed) or
        V(skipped)), C(reason) and C(message); another status, or a missing C(kind) or C(resource), fails the task
        with one line. Other keys are left out of the reports.
      - Omitted (the default), no C(Actions) section is written; an empty list writes one that says V(None.).
    type: list
    elements: dict
seealso:
  - name: OWASP CSV injection
    description: Why CSV cells that start with formula characters are prefixed.
    link: https://owasp.org/www-community/attacks/CSV_Injection
'''

EXAMPLES = r'''
- name: Write every report format for the record the ncloud.wbd.webshell_audit role left in this play
  ncloud.wbd.audit_report:
    record_from: webshell_audit_evaluated  # read on the controller as it is; record= would template it first
    dest: /var/lib/wbd-audit/reports
  delegate_to: localhost
  run_once: true
  register: report

- name: Show where the HTML report is
  ansible.builtin.debug:
    msg: "{{ report.latest.html }} ({{ report.summary.unprotected }} unprotected hosts)"

- name: Render a saved report again, as Markdown and JUnit XML only, readable by the group
  ncloud.wbd.audit_report:
    src: /var/lib/wbd-audit/reports/webshell-audit-latest.json
    dest: /srv/ci/reports
    formats: [markdown, junit]
    mode: '0640'
    latest: false
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
files:
  description: Path of each timestamped file written (or, in check mode, that would be written), by format.
  returned: success
  type: dict
  sample:
    json: /var/lib/wbd-audit/reports/webshell-audit-20261121T093000Z.json
    junit: /var/lib/wbd-audit/reports/webshell-audit-20261121T093000Z.junit.xml
latest:
  description: Path of each C(<basename>-latest.<ext>) file, by format; empty with O(latest=false).
  returned: success
  type: dict
  sample:
    html: /var/lib/wbd-audit/reports/webshell-audit-latest.html
content_digest:
  description: SHA-256 (hex) of the record without its run metadata; equal for runs with the same findings.
  returned: success
  type: str
  sample: 3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855e
previous_digest:
  description: The content digest in the previous C(<basename>-latest.json), or null when there was none.
  returned: success
  type: str
summary:
  description: The record's summary counts (hosts per status, detections, findings by severity).
  returned: success
  type: dict
  sample:
    hosts: 4
    unprotected: 1
    unknown: 1
    unreviewed: 1
    compliant: 1
    complete: false
dest:
  description: Absolute path of the report directory.
  returned: success
  type: str
  sample: /var/lib/wbd-audit/reports
written:
  description: Whether the files were written; V(false) in check mode, which writes nothing.
  returned: success
  type: bool
  sample: true
would_change:
  description: In check mode, whether a real run would change the latest report (what RV(ignore:changed) would be).
  returned: check mode
  type: bool
  sample: true
msg:
  description: In check mode, a line saying that no report was written and how many files a real run writes where.
  returned: check mode
  type: str
  sample: "check mode: no report written; a real run writes 10 files to /var/lib/wbd-audit/reports"
complete:
  description:
    - Whether the record says every list the audit read was complete and unambiguous (its C(completeness.complete)).
    - When V(false), every report is flagged incomplete, and a host's status cannot be taken as proof of compliance.
  returned: success
  type: bool
  sample: true
completeness_problems:
  description: One line per completeness problem of the record; empty when it is complete.
  returned: success
  type: list
  elements: str
  sample:
    - GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages
changes:
  description:
    - Counts of the changes since the previous run (see the description), whether the run compared anything and why
      not, and the previous run's start.
  returned: success
  type: dict
  sample:
    compared: true
    reason: null
    previous: '2026-11-20T09:30:00.000Z'
    findings_new: 1
    findings_resolved: 2
    hosts_changed: 1
    rules_added: 0
    rules_removed: 1
    rules_changed: 0
    detections_new: 1
actions:
  description: How many of O(actions) have each status (all V(0) without O(actions)).
  returned: success
  type: dict
  sample: {planned: 0, done: 3, failed: 0, skipped: 0}
unknown_hosts:
  description: The hosts whose status is V(unknown) (their verdict depends on incomplete or ambiguous data), sorted.
  returned: success
  type: list
  elements: str
  sample: [web-2]
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ncloud.wbd.plugins.module_utils._report.run import ReportRunError, report_argument_spec, run_report


def main():
    module = AnsibleModule(
        argument_spec=report_argument_spec(),
        mutually_exclusive=[('record', 'src', 'record_from')],
        required_one_of=[('record', 'src', 'record_from')],
        supports_check_mode=True,
    )
    if module.params['record_from']:
        module.fail_json(
            msg='record_from works only when the task runs through the ncloud.wbd.audit_report action, which reads the variable on the controller.'
        )
    try:
        result = run_report(module.params, module.check_mode, module.warn)
    except ReportRunError as err:
        module.fail_json(msg=str(err), **err.extra)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
