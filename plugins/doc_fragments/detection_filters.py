# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Search filters: of the modules that list detections (detected or excepted), and (TARGETS) of those that list
    detection targets."""

    DOCUMENTATION = r'''
options:
  action_status:
    description:
      - Only detections in this review state. V(unconfirmed) is sent as the API's C(blank).
    type: str
    choices: [confirmed, unconfirmed]
  since:
    description:
      - Only detections detected at or after this time (the API's C(detectTimeFrom)).
      - An ISO 8601 date or time such as V(2024-07-01) or V(2024-07-01T09:30:00+09:00) (UTC when no offset is given),
        a relative age counted back from now such as V(30m), V(12h), V(7d) or V(2w) (units s, m, h, d, w in lower case),
        or epoch milliseconds (13 digits; smaller numbers are refused because they look like epoch seconds).
    type: raw
  until:
    description:
      - Only detections detected at or before this time (the API's C(detectTimeTo)). Same formats as O(since).
    type: raw
  host_name:
    description: Only detections on hosts with this host name (the API's C(hostName)).
    type: str
  server_name:
    description: Only detections on servers with this server name (the API's C(serverName)).
    type: str
  private_ip:
    description: Only detections on servers with this private IP (the API's C(privateIPofServer)).
    type: str
  suspicious_ip:
    description: Only detections linked to this suspected attacker IP (the API's C(suspiciousIP)).
    type: str
  memo:
    description: Only detections whose note matches this text.
    type: str
  process_name:
    description: Only detections of processes with this name (the API's C(processName)).
    type: str
  process_arg:
    description: Only detections of processes with these arguments (the API's C(processArg)).
    type: str
  executor:
    description: Only detections of processes run by this account (the API's C(executor)).
    type: str
  parent_process_name:
    description: Only detections whose parent process has this name (the API's C(processNameOfParent)), for example V(httpd).
    type: str
  parent_process_arg:
    description: Only detections whose parent process has these arguments (the API's C(processArgOfParent)).
    type: str
  parent_executor:
    description: Only detections whose parent process ran as this account (the API's C(executorOfParent)).
    type: str
  suspicious_objects:
    description:
      - Also fetch each detection's suspicious files with their SHA-1, size, owner, hash scan verdict and quarantine
        state, returned as C(suspicious_objects) on every detection.
      - This costs one more API request per detection; up to 4 run at a time. Narrow the list with filters or
        O(max_results) first.
    type: bool
    default: false
notes:
  - Without any filter the module lists with a GET request per page. With at least one filter it sends the search
    operation, a POST per page with the filters in the JSON body; it is still read-only.
  - Filters are combined with AND. How the API compares text filters (exact or partial match) is not documented.
  - An empty string or list counts as no filter, so templated values may be left empty.
'''

    # The search filters of the detection targets: the detection_target_info module and the detection_targets inventory plugin.
    TARGETS = r'''
options:
  agent_status:
    description:
      - Only servers whose agent is in one of these states (the API's C(agentStatus)).
      - V(enable) detects, V(disable) is installed but switched off, V(notInstalled) has no agent, V(error) and
        V(down) failed, V(activating) is being switched on.
    type: list
    elements: str
    choices: [enable, disable, notInstalled, error, activating, down]
  server_name:
    description: Only servers with this name (the API's C(serverName)).
    type: str
  ip_address:
    description: Only servers with this IP address (the API's C(ipAddress)).
    type: str
  server_group_name:
    description: Only servers in this server group (the API's C(serverGroupName)).
    type: str
  server_image_name:
    description: Only servers built from this image (the API's C(serverImageName)).
    type: str
  web_root_path:
    description: Only servers with this web root configured for detection (the API's C(webRootPath)).
    type: str
  file_upload_path:
    description: Only servers with this upload directory configured for detection (the API's C(fileUploadPath)).
    type: str
  memo:
    description: Only servers whose note matches this text.
    type: str
'''
