# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Options of the modules that list a paged WBD resource."""

    DOCUMENTATION = r'''
options:
  page_size:
    description:
      - Records requested per API page. The module fetches every page and returns one list.
      - The WBD documentation gives no maximum page size. If the API serves smaller pages than asked for, the module
        follows the page size the API reports; if it refuses the size, lower this value.
    type: int
    default: 100
  max_results:
    description:
      - Return at most this many records and stop paging once they are in. The result's C(truncated) says whether
        more records matched, and C(total_count) how many the API reported.
      - V(0) returns no records, only the count. Without this option every record is returned.
    type: int
  concurrency:
    description:
      - API requests in flight at once. After the first page reveals the total, the remaining pages (and, with
        C(suspicious_objects), the per-record lookups) are fetched by this many workers over one pooled connection each;
        records still come back in API order, de-duplicated.
      - When the API throttles (HTTP 429), all workers pause for the retry delay and the number in flight halves, then
        grows back by one after each run of successful requests.
      - V(1) fetches one page after the other. Between V(1) and V(32).
    type: int
    default: 4
notes:
  - The documentation disagrees on whether pages are numbered from 0 or 1. The module starts at 0, de-duplicates
    records by ID, and stops on an empty or short page, on the reported total, or when pages repeat, so either
    numbering yields every record exactly once.
  - If the total the API reports changes while the pages are read, the module warns, because records were added or
    removed during the listing.
'''
