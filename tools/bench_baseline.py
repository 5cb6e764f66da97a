"""The baseline of `make bench`: what a user would hand-roll instead of ncloud.wbd.detection_info.

Sequential pages, a new connection for every request (as ansible.builtin.uri and open_url do),
signed the same way (the collection's signing code), all records printed as one JSON document.
No retries, no de-duplication, no renaming: the cheapest correct loop, so the comparison flatters it.

usage: bench_baseline.py BASE_URL PAGE_SIZE [MAX_RECORDS]   (keys from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY)
stderr gets one JSON line: {"requests": n, "bytes": n} (bytes = the API's JSON bodies, summed)
"""

import json
import os
import sys
import urllib.request

from ansible_collections.ncloud.wbd.plugins.module_utils._api.signing import request_target, signed_headers, timestamp_ms


def main(argv):
    base, size = argv[1].rstrip('/'), int(argv[2])
    limit = int(argv[3]) if len(argv) > 3 else None
    access, secret = os.environ['NCLOUD_ACCESS_KEY'], os.environ['NCLOUD_SECRET_KEY']
    records, requests, received, index = [], 0, 0, 0
    while True:
        uri = request_target('/api/v1/detections', [('pageIndex', index), ('pageSize', size)])
        headers = {'X-NCP-USE_PLATFORM_TYPE': 'VPC', 'Accept': 'application/json'}
        headers.update(signed_headers(access, secret, 'GET', uri, timestamp_ms()))
        with urllib.request.urlopen(urllib.request.Request(base + uri, headers=headers), timeout=60) as answer:
            body = answer.read()
        requests += 1
        received += len(body)
        page = json.loads(body)['result']
        records.extend(page['content'])
        index += 1
        if len(page['content']) < size or len(records) >= page['totalCount'] or (limit and len(records) >= limit):
            break
    sys.stdout.write(json.dumps({'detections': records[:limit] if limit else records}))
    sys.stderr.write(json.dumps({'requests': requests, 'bytes': received}) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
