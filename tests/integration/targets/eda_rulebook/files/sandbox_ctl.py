"""The sandbox's control plane for runme.sh: polls made, detections injected, agent statuses changed, faults set.

sandbox_ctl.py URL polls OPERATION          -> how many requests of OPERATION (e.g. "POST /api/v1/detections")
sandbox_ctl.py URL inject COUNT [AT_MS]     -> the new detection IDs, one a line (stderr: their detection time)
sandbox_ctl.py URL agent INSTANCE STATUS    -> "INSTANCE PREVIOUS STATUS"
sandbox_ctl.py URL enabled-target           -> the instance number of a target whose agent is enabled
sandbox_ctl.py URL faults JSON              -> replaces the fault plan
sandbox_ctl.py URL injected-faults          -> how many faults the sandbox answered with
"""

import json
import sys
import urllib.request


def call(url, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def main(url, command, *args):
    if command == 'polls':
        print(call(url, 'GET', '/__sandbox/stats?log=0')['by_operation'].get(args[0], 0))
    elif command == 'injected-faults':
        print(call(url, 'GET', '/__sandbox/stats?log=0')['faults_injected'])
    elif command == 'inject':
        body = {'count': int(args[0])}
        if len(args) > 1:
            body['detect_time_ms'] = int(args[1])
        answer = call(url, 'POST', '/__sandbox/inject/detections', body)
        print('\n'.join(answer['ids']))
        sys.stderr.write('%d\n' % answer['detect_time_ms'])
    elif command == 'agent':
        answer = call(url, 'POST', '/__sandbox/inject/agent-status', {'instance_no': args[0], 'agent_status': args[1]})
        print('%s %s %s' % (answer['instance_no'], answer['previous'], answer['agent_status']))
    elif command == 'enabled-target':
        servers = call(url, 'GET', '/__sandbox/dataset?resource=servers')['records']
        print(next(s['instanceNo'] for s in servers if s['agentStatus'] == 'enable'))
    elif command == 'faults':
        call(url, 'POST', '/__sandbox/faults', json.loads(args[0]))
    else:
        raise SystemExit('unknown command %s' % command)


if __name__ == '__main__':
    main(*sys.argv[1:])
