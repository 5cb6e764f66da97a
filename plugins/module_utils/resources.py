# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WBD list resources: path, operation names, record ID field, field map, and the
sub-account permission the error messages name when the gateway answers code 210."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils import fields


class ListResource(object):
    """One paged WBD collection, listed with GET and searched with POST on the same path."""

    def __init__(self, path, get_op, search_op, id_key, field_map, permission=None):
        self.path = path
        self.get_op = get_op
        self.search_op = search_op
        self.id_key = id_key
        self.field_map = field_map
        self.permission = permission


# Permission names come from the old-format gov/fin pages (wbd-api.md section 0) and may be dated.
DETECTIONS = ListResource('/api/v1/detections', 'GetWebshell', 'SearchWebshell', 'detectionId',
                          fields.DETECTION, permission='View/getWebShellEvents')
EXCEPTION_RULES = ListResource('/api/v1/exception-rules', 'GetExceptionRule', 'SearchExceptionRule', 'exceptedRuleId',
                               fields.EXCEPTION_RULE, permission='the View permission for exception rules')
