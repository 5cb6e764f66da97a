# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event sources against the sandbox on loopback: events exactly once, ties and late listings at the high-water
mark, checkpoints, bounded memory, clock jumps, throttling, one-line failures, agent status changes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json
import logging
import os
import sys
import time

import pytest
from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils import wbd_source
from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_agents import ARGUMENT_SPEC as AGENT_SPEC
from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_agents import AgentStatusPoller
from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_detections import ARGUMENT_SPEC as DETECTION_SPEC
from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_detections import DetectionPoller
from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils.wbd_source import SourceError, poll_forever, source_options
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import Connection, validate_options
from ansible_collections.ncloud.wbd.plugins.module_utils._api.info_operations import INFO_OPERATIONS

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
SOURCES = os.path.join(REPO, 'extensions', 'eda', 'plugins', 'event_source')
sys.path.insert(0, os.path.join(REPO, 'tests', 'sandbox'))

import wbd_sandbox  # noqa: E402  pylint: disable=wrong-import-position

ACCESS = 'SANDBOXACCESSKEY00001'
SECRET = 'sandbox-secret-DO-NOT-LEAK-7f3a9c'


@pytest.fixture
def sandbox():
    server, base_url = wbd_sandbox.start_in_thread(quiet=True, lifetime=120, detections=30, servers=8)
    yield server, base_url
    server.stop()


def options(spec, base_url, **extra):
    args = dict(endpoint=base_url, access_key=ACCESS, secret_key=SECRET, interval=1, retries=1, **extra)
    return source_options('test', spec, args)


def detections(server, base_url, **extra):
    return DetectionPoller(options(DETECTION_SPEC(), base_url, **extra), environ={}, now_ms=server.now_ms())


def drain(poller):
    """One poll, each event committed as the source does once it is on the queue."""
    events = poller.fetch()
    for event in events:
        poller.commit(event)
    return events


def ids(events):
    return [e['detection_id'] for e in events]


def test_only_new_detections_each_once_as_detection_info_lists_them(sandbox):
    server, base_url = sandbox
    poller = detections(server, base_url, suspicious_objects=True)
    assert drain(poller) == []  # since defaults to now: the 30 older detections are not events
    new = server.dataset.insert_head('detections', 3, server.now_ms())
    events = drain(poller)
    assert sorted(ids(events)) == sorted(new)
    assert drain(poller) == [] and drain(poller) == []
    # the records are detection_info's, plus meta.uuid derived from the detection ID
    params = validate_options(INFO_OPERATIONS['detection_info'].argument_spec(), dict(endpoint=base_url, access_key=ACCESS, secret_key=SECRET))
    params.update(since='30d', suspicious_objects=True)
    listed = dict((r['detection_id'], r) for r in Connection(params, lambda m: None, environ={}).run(INFO_OPERATIONS['detection_info'].work)['detections'])
    for event in events:
        meta = event.pop('meta')
        assert event == listed[event['detection_id']]
        assert meta == {'uuid': wbd_source.event_uuid('ncloud.wbd.detections', event['detection_id'])}
        assert event['suspicious_objects'] and all('hash_scan_result' in o for o in event['suspicious_objects'])


def test_ties_at_the_high_water_mark_and_late_listings_are_not_lost(sandbox):
    server, base_url = sandbox
    poller = detections(server, base_url)
    first = server.dataset.insert_head('detections', 3, server.now_ms() + 5000)
    mark = poller.state()['floor'] + 5000
    assert sorted(ids(drain(poller))) == sorted(first)
    tied = server.dataset.insert_head('detections', 2, mark)  # same ms as the mark, listed on a later poll
    late = server.dataset.insert_head('detections', 1, mark - 2000)  # before the mark, after the start
    before = server.dataset.insert_head('detections', 1, poller.state()['floor'] - 1)  # before the start
    events = drain(poller)
    assert sorted(ids(events)) == sorted(tied + late)
    assert before[0] not in ids(events)
    assert [e['detect_time'] for e in events] == sorted(e['detect_time'] for e in events)  # oldest first
    assert drain(poller) == []


def test_a_restart_from_the_checkpoint_repeats_and_loses_nothing(sandbox, tmp_path):
    server, base_url = sandbox
    checkpoint = str(tmp_path / 'wbd.json')
    poller = detections(server, base_url, checkpoint=checkpoint)
    first = server.dataset.insert_head('detections', 4, server.now_ms())
    events = poller.fetch()
    for event in events[:2]:  # the process dies after two events reached the queue
        poller.commit(event)
    poller.close()
    while_down = server.dataset.insert_head('detections', 2, server.now_ms() + 1)
    again = detections(server, base_url, checkpoint=checkpoint, since='30d')  # since is ignored: the file wins
    assert sorted(ids(drain(again))) == sorted(set(first) - set(ids(events[:2])) | set(while_down))
    assert drain(again) == []
    with open(checkpoint) as handle:
        assert json.load(handle)['source'] == 'ncloud.wbd.detections'


@pytest.mark.parametrize('content', ['{not json', '[]', '{"source": "ncloud.wbd.detections", "floor": "x", "high": 1, "seen": {}}'])
def test_a_bad_checkpoint_ends_the_source_with_one_line(sandbox, tmp_path, content):
    server, base_url = sandbox
    path = tmp_path / 'wbd.json'
    path.write_text(content)
    with pytest.raises(SourceError) as err:
        detections(server, base_url, checkpoint=str(path))
    assert str(err.value).startswith('ncloud.wbd.detections: the checkpoint ') and '\n' not in str(err.value)


def test_the_start_is_saved_at_once_and_an_unwritable_checkpoint_ends_the_source(sandbox, tmp_path):
    server, base_url = sandbox
    checkpoint = str(tmp_path / 'wbd.json')
    first = detections(server, base_url, checkpoint=checkpoint)
    first.close()  # restarted before any event: the start it saved still holds
    made = server.dataset.insert_head('detections', 1, first.state()['floor'] + 1)
    again = DetectionPoller(options(DETECTION_SPEC(), base_url, checkpoint=checkpoint), environ={}, now_ms=server.now_ms() + 60000)
    assert ids(drain(again)) == made
    with pytest.raises(SourceError) as err:
        detections(server, base_url, checkpoint=str(tmp_path / 'missing' / 'wbd.json'))
    assert 'cannot be written' in str(err.value) and '\n' not in str(err.value)


def test_memory_of_seen_ids_is_bounded(sandbox, caplog):
    server, base_url = sandbox
    poller = detections(server, base_url, max_seen=3)
    start = poller.state()['floor']
    made = [server.dataset.insert_head('detections', 1, start + 1000 * n)[0] for n in range(1, 7)]
    with caplog.at_level(logging.WARNING):
        assert ids(drain(poller)) == made
    assert len(poller.state()['seen']) <= 3
    assert poller.state()['floor'] == start + 4000  # the oldest kept
    assert 'max_seen=3' in caplog.text
    assert drain(poller) == []


@pytest.mark.parametrize('jump_s', [-240, 240])
def test_a_clock_jump_neither_replays_nor_skips(sandbox, monkeypatch, jump_s):
    """The local clock steps by four minutes (an NTP step; more and the gateway refuses the signatures anyway)."""
    server, base_url = sandbox
    poller = detections(server, base_url)
    first = server.dataset.insert_head('detections', 2, server.now_ms())
    assert sorted(ids(drain(poller))) == sorted(first)
    real_time = time.time
    monkeypatch.setattr(time, 'time', lambda: real_time() + jump_s)
    server.faults.replace({'clock_skew_ms': -jump_s * 1000})  # the sandbox shares this process's clock: keep it right
    later = server.dataset.insert_head('detections', 2, server.now_ms() + 10)
    assert sorted(ids(drain(poller))) == sorted(later)
    assert drain(poller) == []


@pytest.mark.parametrize('args, expected', [({'nope': 1}, 'nope'), ({'until': '1h'}, 'until'), ({'interval': 0}, 'interval must be positive')])
def test_bad_options_end_with_one_line(args, expected):
    with pytest.raises(SourceError) as err:
        source_options('ncloud.wbd.detections', DETECTION_SPEC(), dict(dict(endpoint='http://127.0.0.1:9', secret_key=SECRET), **args))
    assert expected in str(err.value) and '\n' not in str(err.value) and SECRET not in str(err.value)


def test_bad_lookback_and_since_end_with_one_line(sandbox):
    server, base_url = sandbox
    for extra, expected in (({'lookback': 'soon'}, 'lookback must be a duration'), ({'since': 'yesterday'}, 'since must be')):
        with pytest.raises(SourceError) as err:
            detections(server, base_url, **extra)
        assert str(err.value).startswith('ncloud.wbd.detections: configuration error: ' + expected)


def run_main(source, args, until, sleep=None):
    """The source's main() as ansible-rulebook runs it (by path, with a queue) until ``until(events)``."""
    path = os.path.join(SOURCES, source + '.py')
    # ansible-rulebook uses runpy.run_path; ansible-test's collection loader claims the path as a package, so the
    # file is run here the way run_path runs it: its code, under its own __file__, in a fresh namespace.
    module = {'__file__': path, '__name__': 'event_source_' + source}
    with open(path) as handle:
        exec(compile(handle.read(), path, 'exec'), module)  # pylint: disable=exec-used
    events = []

    async def go():
        queue = asyncio.Queue()
        task = asyncio.create_task(module['main'](queue, args))
        for dummy in range(400):
            while not queue.empty():
                events.append(queue.get_nowait())
            if until(events) or task.done():
                break
            await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    asyncio.run(go())
    return events


def test_main_puts_new_detections_on_the_queue_and_a_429_storm_recovers(sandbox):
    server, base_url = sandbox
    new = []
    server.faults.replace({'queue': [{'kind': '429', 'count': 3, 'match': 'POST /api/v1/detections', 'after': 1}]})

    def until(events):
        if not new and server.stats.snapshot(False)['by_operation'].get('POST /api/v1/detections', 0) >= 1:
            new.extend(server.dataset.insert_head('detections', 2, server.now_ms()))
        return len(events) >= 2

    args = dict(endpoint=base_url, access_key=ACCESS, secret_key=SECRET, interval=0.1, retries=0)
    events = run_main('detections', args, until)
    assert sorted(ids(events)) == sorted(new)
    assert server.stats.snapshot(False)['faults_injected'] == 3


def test_main_ends_on_a_wrong_key_with_one_line_and_no_secret(sandbox):
    server, base_url = sandbox
    wrong = 'wrong-secret-9d8c7b6a'
    with pytest.raises(SourceError) as err:
        run_main('detections', dict(endpoint=base_url, access_key=ACCESS, secret_key=wrong, interval=0.1), lambda events: False)
    message = str(err.value)
    assert message.startswith('ncloud.wbd.detections: authentication error: ') and '\n' not in message and wrong not in message
    assert err.value.__traceback__ is None  # ansible-rulebook would log each frame


def test_backoff_doubles_up_to_the_ceiling_and_resets(monkeypatch):
    class Throttled(object):
        name = 'ncloud.wbd.test'
        log = logging.getLogger('test')

        def __init__(self):
            self.calls = 0

        def fetch(self):
            self.calls += 1
            if self.calls <= 12:
                raise _throttle()
            if self.calls == 13:
                return [{'n': 1}]
            raise SourceError('stop')

        def commit(self, event):
            pass

        def close(self):
            pass

    pauses = []

    async def sleep(seconds):
        pauses.append(seconds)

    with pytest.raises(SourceError):
        asyncio.run(poll_forever(asyncio.Queue(), Throttled(), 10, sleep=sleep))
    assert pauses[:12] == [20, 40, 80, 160, 300, 300, 300, 300, 300, 300, 300, 300] and pauses[12] == 10


def _throttle():
    from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdRateLimitError

    return WbdRateLimitError('throttled')


def agents(base_url, **extra):
    return AgentStatusPoller(options(AGENT_SPEC(), base_url, **extra), environ={})


def test_an_agent_status_change_is_one_event_with_both_statuses(sandbox):
    server, base_url = sandbox
    poller = agents(base_url)
    assert drain(poller) == []  # the first poll learns the statuses
    target = next(s for s in server.dataset.servers if s['agentStatus'] == 'enable')
    target['agentStatus'] = 'down'
    server.dataset.version += 1
    events = drain(poller)
    assert len(events) == 1
    event = events[0]
    assert (event['instance_no'], event['previous_agent_status'], event['agent_status']) == (target['instanceNo'], 'enable', 'down')
    assert event['meta']['uuid'] == wbd_source.event_uuid('ncloud.wbd.agent_status', target['instanceNo'], 'enable', 'down', 1)
    assert drain(poller) == []


def test_a_new_target_and_changes_while_down_from_the_checkpoint(sandbox, tmp_path):
    server, base_url = sandbox
    checkpoint = str(tmp_path / 'agents.json')
    drain(agents(base_url, checkpoint=checkpoint))
    target = next(s for s in server.dataset.servers if s['agentStatus'] == 'enable')
    target['agentStatus'] = 'error'
    newcomer = dict(server.dataset.servers[0], instanceNo='99990001', agentStatus='notInstalled')
    server.dataset.servers.append(newcomer)
    server.dataset.version += 1
    events = drain(agents(base_url, checkpoint=checkpoint))  # a new process, from the file
    got = sorted((e['instance_no'], e['previous_agent_status'], e['agent_status']) for e in events)
    assert got == sorted([(target['instanceNo'], 'enable', 'error'), ('99990001', None, 'notInstalled')])


def test_statuses_limits_the_events_but_not_what_is_followed(sandbox):
    server, base_url = sandbox
    poller = agents(base_url, statuses=['down'])
    drain(poller)
    target = next(s for s in server.dataset.servers if s['agentStatus'] == 'enable')
    for status, expected in (('activating', []), ('down', [('activating', 'down')])):
        target['agentStatus'] = status
        server.dataset.version += 1
        assert [(e['previous_agent_status'], e['agent_status']) for e in drain(poller)] == expected
