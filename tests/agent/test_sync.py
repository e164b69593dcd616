from __future__ import annotations

import random

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agent.backoff import Backoff
from agent.cache import SyncState
from agent.console_client import ConsoleClient
from agent.sync import SyncLoop
from agent.timekeeping import TrustedTime
from policies.bundle import sign_bundle
from policies.keys import key_id
from tests.agent.fakes import FakeClock, FakeConsole
from tests.conftest import BASIC_POLICY


class Recorder:
    def __init__(self) -> None:
        self.applied: list[SyncState] = []
        self.problems: list[str] = []


def make_loop(console: FakeConsole, clock: FakeClock, recorder: Recorder, secret: str | None = None) -> SyncLoop:
    key = console.state.key.public_key()
    client = ConsoleClient(console.url, secret or console.state.secret, timeout=5)
    return SyncLoop(
        client,
        {key_id(key): key},
        TrustedTime(clock),
        recorder.applied.append,
        recorder.problems.append,
        backoff=Backoff(rng=random.Random(3)),
        wait=1,
    )


def test_a_sync_is_verified_applied_and_anchors_time(console: FakeConsole) -> None:
    clock = FakeClock(console.state.server_time + 600)  # the laptop runs 10 minutes ahead
    recorder = Recorder()
    loop = make_loop(console, clock, recorder)
    token = console.state.token()
    console.state.tokens = [token]
    assert loop.once() == 0.0
    assert loop.online and loop.last_sync == console.state.server_time
    assert [s.version for s in recorder.applied] == [1]
    assert recorder.applied[0].overrides.overrides.tokens[0].raw == token
    assert loop.time.report().skewed


def test_nothing_new_is_not_applied_again_but_a_new_token_is(console: FakeConsole) -> None:
    recorder = Recorder()
    loop = make_loop(console, FakeClock(console.state.server_time), recorder)
    loop.once()
    loop.once()  # long-poll returns the same after its wait
    assert len(recorder.applied) == 1
    console.publish(tokens=[console.state.token()])
    loop.once()
    assert len(recorder.applied) == 2


def test_a_bundle_from_another_key_is_refused(console: FakeConsole) -> None:
    recorder = Recorder()
    loop = make_loop(console, FakeClock(), recorder)
    console.state.raw_policy = sign_bundle(
        Ed25519PrivateKey.generate(), version=5, policy_text=BASIC_POLICY, files={}, now=1
    )
    delay = loop.once()
    assert recorder.applied == [] and delay > 0
    assert "does not verify" in recorder.problems[0] and "not trusted" in recorder.problems[0]


def test_an_older_version_is_refused(console: FakeConsole) -> None:
    recorder = Recorder()
    loop = make_loop(console, FakeClock(), recorder)
    console.state.version = 7
    loop.once()
    console.state.version = 3  # a replayed old bundle
    loop.once()
    assert [s.version for s in recorder.applied] == [7]
    assert "older than the one in force (7)" in recorder.problems[-1]


def test_a_forged_token_is_dropped_and_reported_the_others_apply(console: FakeConsole) -> None:
    recorder = Recorder()
    loop = make_loop(console, FakeClock(), recorder)
    good = console.state.token()
    forged = console.state.token()[:-4] + "AAAA"
    console.state.tokens = [good, forged]
    loop.once()
    assert [t.raw for t in recorder.applied[0].overrides.overrides.tokens] == [good]
    assert recorder.problems and "1 token(s) rejected" in recorder.problems[0]


def test_a_down_console_backs_off_and_goes_offline(console: FakeConsole) -> None:
    recorder = Recorder()
    loop = make_loop(console, FakeClock(), recorder)
    console.state.down = True
    delays = [loop.once() for _ in range(4)]
    assert not loop.online and all(d > 0 for d in delays)
    assert delays[3] > delays[0] / 10 and loop.backoff.failures == 4
    console.state.down = False
    assert loop.once() == 0.0 and loop.online and loop.backoff.failures == 0


def test_a_wrong_secret_is_offline_not_fatal(console: FakeConsole) -> None:
    recorder = Recorder()
    loop = make_loop(console, FakeClock(), recorder, secret="stolen?")
    assert loop.once() > 0 and loop.once() > 0
    assert loop.last_error is not None and "401" in loop.last_error
    assert recorder.problems == ["the console does not accept this device: the console refused (401): unknown device"]


def test_a_console_that_sends_junk_is_not_hammered(console: FakeConsole) -> None:
    recorder = Recorder()
    loop = make_loop(console, FakeClock(), recorder)
    console.state.raw_policy = "not-a-jws"
    delays = [loop.once() for _ in range(5)]
    assert loop.backoff.failures == 5 and delays[-1] >= 1.6  # 2^4 / 10
    assert loop.online  # reachable, but what it sends is refused


def test_keys_and_groups_are_taken_only_over_an_authenticated_channel() -> None:
    from agent.sync import _trusted_channel

    assert _trusted_channel("https://console.school.example")
    assert _trusted_channel("http://127.0.0.1:8000") and _trusted_channel("http://localhost:8000")
    assert not _trusted_channel("http://console.school.example")
    assert not _trusted_channel("http://10.0.0.5")
