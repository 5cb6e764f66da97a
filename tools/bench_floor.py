"""The raw floor of `make bench`: a bare concurrent client, nothing an Ansible module adds.

Fetches pages 0..PAGES-1 of /api/v1/detections with 8 threads, each on its own keep-alive
requests.Session, signed with the collection's signer, and JSON-decodes every body. No paging
logic, retries, renaming or output: the cheapest way to move the same bytes, so the floor is low.
With --replay it sends instead exactly the requests of a file (the sandbox's request log of the
measured command: method, path, query, JSON body), all at once on the threads: the same pages,
bodies and bytes as the measured command, without its order or its work.

usage: bench_floor.py BASE_URL PAGE_SIZE PAGES [THREADS]   (keys from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY)
       bench_floor.py --replay REQUESTS.json BASE_URL [THREADS]
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


def send(base, request):
    """(records, bytes) of one logged request (``method``, ``path``, ``query``, ``body``), sent again as it was."""
    session = getattr(LOCAL, 'session', None)
    if session is None:
        session = LOCAL.session = requests.Session()
    uri = request['path'] + ('?' + request['query'] if request.get('query') else '')  # as sent, already encoded
    headers = {'X-NCP-USE_PLATFORM_TYPE': 'VPC', 'Accept': 'application/json', 'Content-Type': 'application/json'}
    headers.update(signed_headers(os.environ['NCLOUD_ACCESS_KEY'], os.environ['NCLOUD_SECRET_KEY'], request['method'], uri, timestamp_ms()))
    body = None if request.get('body') is None else json.dumps(request['body']).encode('utf-8')
    answer = session.request(request['method'], base + uri, headers=headers, data=body, timeout=60)
    answer.raise_for_status()
    result = json.loads(answer.content)['result']
    content = result.get('content') if isinstance(result, dict) else result
    return len(content) if isinstance(content, list) else 0, len(answer.content)


def replay(argv):
    with open(argv[2], encoding='utf-8') as handle:
        logged = json.load(handle)
    base, threads = argv[3].rstrip('/'), int(argv[4]) if len(argv) > 4 else 8
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda request: send(base, request), logged))


def main(argv):
    if argv[1:2] == ['--replay']:
        results = replay(argv)
        sys.stderr.write(json.dumps({'requests': len(results), 'records': sum(r for r, b in results), 'bytes': sum(b for r, b in results)}) + '\n')
        return 0
    base, size, pages = argv[1].rstrip('/'), int(argv[2]), int(argv[3])
    threads = int(argv[4]) if len(argv) > 4 else 8
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda index: fetch(base, size, index), range(pages)))
    summary = {'requests': len(results), 'records': sum(r for r, b in results), 'bytes': sum(b for r, b in results)}
    sys.stderr.write(json.dumps(summary) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
