"""Control endpoints that change the sandbox's data while a client polls it: new detections, as agents report them,
and agent status changes of detection targets. The event sources' tests (tests/integration/targets/eda_*) use them.

  POST /__sandbox/inject/detections    {"count": N, "detect_time_ms": MS?}  -> {"ids": [...], "detect_time_ms": MS}
  POST /__sandbox/inject/agent-status  {"instance_no": ID, "agent_status": S} -> {"instance_no", "previous", "agent_status"}

New detections are copies of the newest ones with fresh IDs (``Dataset.insert_head``), detected now (the sandbox
clock) or at ``detect_time_ms``; all of one call share that time, as a burst reported in the same millisecond would.
"""

import sandbox_data

MAX_INJECT = 1000


def _count(body):
    count = body.get('count', 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_INJECT:
        raise ValueError('count must be an integer from 1 to %d' % MAX_INJECT)
    return count


def inject_detections(server, params, body):
    """Put ``count`` new detections at the head of /api/v1/detections; all get the same detection time."""
    body = body if isinstance(body, dict) else {}
    count = _count(body)
    at = body.get('detect_time_ms')
    if at is not None and (isinstance(at, bool) or not isinstance(at, int) or at < 0):
        raise ValueError('detect_time_ms must be epoch milliseconds')
    if not server.dataset.detections:
        raise ValueError('the dataset has no detection to copy; start the sandbox with --detections 1 or more')
    now = server.now_ms() if at is None else at
    ids = server.dataset.insert_head('detections', count, now)
    return {'ids': ids, 'detect_time_ms': now}


def set_agent_status(server, params, body):
    """Change one detection target's agentStatus, as its agent going down or coming back would."""
    body = body if isinstance(body, dict) else {}
    status = body.get('agent_status')
    if status not in sandbox_data.AGENT_STATUSES:
        raise ValueError('agent_status must be one of: %s' % ', '.join(sandbox_data.AGENT_STATUSES))
    wanted = body.get('instance_no')
    for record in server.dataset.servers:
        if record['instanceNo'] == wanted:
            previous = record['agentStatus']
            record['agentStatus'] = status
            server.dataset.version += 1  # cached searches must see the change
            return {'instance_no': wanted, 'previous': previous, 'agent_status': status}
    raise ValueError('no detection target has instance_no %r' % (wanted,))


CONTROL = {
    ('POST', '/__sandbox/inject/detections'): inject_detections,
    ('POST', '/__sandbox/inject/agent-status'): set_agent_status,
}
