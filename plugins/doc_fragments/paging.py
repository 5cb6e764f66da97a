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
        goes on at the size it serves (see the notes); if it refuses the size, lower this value.
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
  allow_partial:
    description:
      - What to do with a list that cannot be proven complete, because its pages disagree with each other or with the
        totals the API announces (see the notes). By default the module fails with one line that says what disagreed
        (for example C(GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages)) and what to try.
      - V(true) returns the partial list instead, with RV(complete=false), each problem in RV(completeness.problems)
        and as a warning. The P(ncloud.wbd.webshell_audit#role) role reads its lists this way and reports the hosts
        whose verdict depends on the missing records as C(unknown).
      - A list that O(max_results) cut is not a failure. RV(complete) is V(false) and RV(truncated) V(true) then, and
        the first problem names O(max_results).
    type: bool
    default: false
    version_added: 1.1.0
notes:
  - >-
    The WBD API reference leaves three things open: whether C(pageIndex) counts from 0 or from 1 (its examples use
    both), the largest C(pageSize) a server serves, and the shape of the answer (a page object with C(content),
    C(totalCount), C(totalPages) and C(pageSize), or a bare array; numbers or numeric text). So the module proves a
    list complete instead of assuming it, and says how in RV(completeness).
  - >-
    How the walk proves completeness: it reads page 0 at O(page_size). A page shorter than asked while the totals
    (or the page size the API echoes) say more is the server's own cap: the walk goes on at the size served, so no
    record is skipped whether the server counts its offsets from the size asked or the size served. A full page
    never ends the walk, even at the announced total (a last page exactly full costs one confirming request), so a
    total lower than reality loses nothing; a hard page limit stops a server whose pages never run out. An empty page
    0 (or a page 1 that repeats page 0) while records exist means pages are numbered from 1, and page 1 is read too.
    A page with C(content) null while the totals announce records is asked for again once. If the total changes
    while the pages are read (records added or removed meanwhile), the walk starts again from page 0, once. Records
    are de-duplicated by ID throughout.
  - >-
    At the end the records delivered are compared with the totals. The list is complete when they agree, when the
    walk proved that more records exist than a low total said (noted in RV(completeness.notes)), or, for an answer
    without any total, when a short or empty page ended the walk. Anything else (fewer records than announced, an
    empty page between pages with records, pages that repeat, totals that change twice, records repeated on other
    pages) makes it incomplete: the module fails unless O(allow_partial=true).
  - >-
    Every result carries RV(complete) and RV(completeness): V(complete), V(operation), V(pages_requested),
    V(page_size_asked), V(page_size_served) (the largest page the API served), V(page_size_used) (the size the walk
    ended with), V(page_size_echoed), V(page_base) (V(0), V(1), or V(null) when one page held everything),
    V(total_announced), V(total_first_announced), V(total_pages_announced), V(records_delivered), V(passes),
    V(null_pages), V(stop_reason), V(truncated), V(problems) (one line each; empty when complete) and V(notes).
'''
