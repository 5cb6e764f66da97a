#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: notification_interval_info
short_description: Read the Webshell Behavior Detector notification interval
version_added: 1.0.0
description:
  - Reads how often WBD sends a detection alert (the WBD API operation GetNotificationInterval,
    C(GET /api/v1/alarm/interval)). One alert is sent per interval, so a long interval delays the news of a webshell.
  - Returns the interval in milliseconds, as the API reads it, and by the name the API's update operation takes
    (V(ten_min), V(one_hour), ...).
  - The documentation describes the answer both as one object and as an array; the module accepts both.
  - One cheap request, so it also makes a good credential and connectivity check.
  - Read-only; returns the setting under RV(notification_interval), never as facts.
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.attributes
  - ncloud.wbd.attributes.action_group
  - ncloud.wbd.attributes.info_module
notes:
  - The mapping between names and milliseconds is inferred from the names (V(one_min) is 60000, V(twenty_four_hour)
    is 86400000); the WBD documentation does not state it.
seealso:
  - module: ncloud.wbd.detection_info
  - name: GetNotificationInterval API reference
    description: The WBD API operation this module calls.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-notification-getnotificationinterval
'''

EXAMPLES = r'''
- name: Read the notification interval
  ncloud.wbd.notification_interval_info:
    access_key: "{{ ncp_access_key }}"
    secret_key: "{{ ncp_secret_key }}"
  register: alarm
  delegate_to: localhost
  run_once: true

- name: Fail when alerts may be delayed by more than an hour
  ansible.builtin.assert:
    that: alarm.notification_interval.interval_ms <= 3600000
    fail_msg: "WBD alerts are sent every {{ alarm.notification_interval.interval_name }}; policy allows one_hour at most."
'''

RETURN = r'''
notification_interval:
  description:
    - The account's notification setting, or null when the API returned none.
    - Times are epoch milliseconds as the API gives them, each with an ISO 8601 UTC twin named C(<field>_iso).
  returned: success
  type: dict
  contains:
    interval_ms:
      description: The interval in milliseconds (the API's C(interval)).
      type: int
      sample: 600000
    interval_name:
      description:
        - The interval by the name the update operation takes, V(one_min), V(two_min), V(three_min), V(four_min),
          V(five_min), V(ten_min), V(thirty_min), V(one_hour), V(three_hour), V(six_hour), V(twelve_hour) or
          V(twenty_four_hour).
        - Null when RV(notification_interval.interval_ms) matches none of them.
      type: str
      sample: ten_min
    id:
      description: ID of the setting.
      type: str
    member_no:
      description: Account member number (masked by the API).
      type: str
    last_send_notification_time:
      description: When the last alert was sent, epoch milliseconds.
      type: int
    last_send_notification_time_iso:
      description: RV(notification_interval.last_send_notification_time) in ISO 8601 UTC.
      type: str
    create_time:
      description: When the setting was created, epoch milliseconds.
      type: int
    create_time_iso:
      description: RV(notification_interval.create_time) in ISO 8601 UTC.
      type: str
    last_updated_time:
      description: When the setting last changed, epoch milliseconds.
      type: int
    last_updated_time_iso:
      description: RV(notification_interval.last_updated_time) in ISO 8601 UTC.
      type: str
    platform:
      description: Platform, V(VPC) or V(CLASSIC).
      type: str
    is_deleted:
      description: Whether the setting was deleted.
      type: bool
'''

from ansible_collections.ncloud.wbd.plugins.module_utils._module.wbd_module import run_info_module


def main():
    run_info_module('notification_interval_info')


if __name__ == '__main__':
    main()
