#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: notification_interval
short_description: Set the Webshell Behavior Detector notification interval
version_added: 1.1.0
description:
  - Sets how often WBD sends a detection alert, with the WBD API operation UpdateNotificationInterval
    (C(PATCH /api/v1/alarm/interval)). One alert is sent per interval, so a long interval delays the news of a
    webshell.
  - Reads the current interval first (GetNotificationInterval, C(GET /api/v1/alarm/interval)) and writes only when it
    differs.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.action_group
  - ncloud.wbd.attributes.write_module
options:
  interval:
    description:
      - The interval, by the names UpdateNotificationInterval takes.
    type: str
    required: true
    choices: [one_min, two_min, three_min, four_min, five_min, ten_min, thirty_min, one_hour, three_hour, six_hour, twelve_hour, twenty_four_hour]
notes:
  - The API reads the interval in milliseconds and writes it by name. The module compares them with the table of
    M(ncloud.wbd.notification_interval_info) (V(one_min) is 60000, V(twenty_four_hour) 86400000), which is inferred
    from the names; the WBD documentation does not state it. An interval the table does not know counts as different.
  - In check mode the module reads the interval and reports whether it would change; it sends no write request.
  - A write whose answer is lost (a timeout, a dropped connection, a 5xx) is not sent again blindly; the interval is
    read again and the write is sent again only if it did not take.
  - The sub-account needs the permission for UpdateNotificationInterval and to read the notification settings; see the
    authentication guide.
seealso:
  - module: ncloud.wbd.notification_interval_info
  - name: UpdateNotificationInterval API reference
    description: The WBD API operation this module calls.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-notification-updatenotificationinterval
'''

EXAMPLES = r'''
- name: Alert at most every ten minutes
  ncloud.wbd.notification_interval:
    interval: ten_min

- name: What would change (no write is sent)
  ncloud.wbd.notification_interval:
    interval: one_min
  check_mode: true
  diff: true
'''

RETURN = r'''
notification_interval:
  description: The interval asked for (as read, when nothing changed).
  returned: always
  type: dict
  contains:
    interval:
      description: The interval's name, or V(null) for milliseconds the name table does not know.
      type: str
      sample: ten_min
    interval_ms:
      description: The interval in milliseconds.
      type: int
      sample: 600000
before:
  description: The interval as read, in the same form as RV(notification_interval).
  returned: always
  type: dict
  sample: {interval: one_hour, interval_ms: 3600000}
actions:
  description: The WBD API operations applied; in check mode, those that would be.
  returned: always
  type: list
  elements: str
  sample: [UpdateNotificationInterval]
diff:
  description: With C(--diff), the interval before and after, when it changes.
  returned: diff mode
  type: list
  elements: dict
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._api import resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.notification import INTERVAL_NAMES, interval_record
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.module import run_write_module
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.plan import Step, WriteOp
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.target import WriteTarget

# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-notification-updatenotificationinterval
UPDATE = WriteOp('UpdateNotificationInterval', 'PATCH', resources.NOTIFICATION_INTERVAL_PATH, 'the Change permission for notification settings')
ACCOUNT = 'account'  # the one setting of the account


class NotificationInterval(WriteTarget):
    noun = 'notification interval'
    id_field = 'setting'

    def ids(self):
        return [ACCOUNT]

    def read(self, client, ids, warn=None):
        result = client.request(
            'GET', resources.NOTIFICATION_INTERVAL_PATH, operation=resources.NOTIFICATION_INTERVAL_OP, permission=resources.NOTIFICATION_INTERVAL_PERMISSION
        )
        record = interval_record(result, warn=warn) or {}
        return {ACCOUNT: {'interval': record.get('interval_name'), 'interval_ms': record.get('interval_ms')}}

    def plan(self, ident, view):
        name = self.params['interval']
        if view['interval'] == name:
            return dict(view), []
        return {'interval': name, 'interval_ms': INTERVAL_NAMES[name]}, [Step(UPDATE, [], {'interval': name})]

    def describe(self, view):
        return 'interval %s' % (view.get('interval') or view.get('interval_ms'))

    def header(self, ident):
        return self.noun

    def result(self, entries):
        entry = entries[0]
        return {'notification_interval': entry['after'], 'before': entry['before'], 'actions': entry['actions']}


def main():
    spec = {'interval': dict(type='str', required=True, choices=list(INTERVAL_NAMES))}
    run_write_module(NotificationInterval, spec)


if __name__ == '__main__':
    main()
