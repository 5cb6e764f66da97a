"""The raw floor of `make bench`: a bare concurrent client, nothing an Ansible module adds.

Fetches pages 0..PAGES-1 of /api/v1/detections with 8 threads, each on its own keep-alive
requests.Session, signed with the collection's signer, and JSON-decodes every body. No paging
logic, retries, renaming or output: the cheapest way to move the same bytes, so the floor is low.

usage: bench_floor.py BASE_URL PAGE_SIZE PAGES [THREADS]   (keys from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY)
stderr gets one JSON line: {"requests": n, "records": n, "bytes": n}
"""

import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from ansible_collections.ncloud.wbd.plugins.module_utils._api.signing import request_target, signed_headers, timestamp_ms

LOCAL = threading.local()


def fetch(base, size, index):
    """(records, bytes) of one page, on this thread's keep-alive session."""
    session = getattr(LOCAL, 'session', None)
    if session is None:
        session = LOCAL.session = requests.Session()
    uri = request_target('/api/v1/detections', [('pageIndex', index), ('pageSize', size)])
    headers = {'X-NCP-USE_PLATFORM_TYPE': 'VPC', 'Accept': 'application/json'}
    headers.update(signed_headers(os.environ['NCLOUD_ACCESS_KEY'], os.environ['NCLOUD_SECRET_KEY'], 'GET', uri, timestamp_ms()))
    answer = session.get(base + uri, headers=headers, timeout=60)
    answer.raise_for_status()
    return len(json.loads(answer.content)['result']['content']), len(answer.content)


def main(argv):
    base, size, pages = argv[1].rstrip('/'), int(argv[2]), int(argv[3])
    threads = int(argv[4]) if len(argv) > 4 else 8
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda index: fetch(base, size, index), range(pages)))
    summary = {'requests': len(results), 'records': sum(r for r, b in results), 'bytes': sum(b for r, b in results)}
    sys.stderr.write(json.dumps(summary) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
