"""The outbox delivered to the fake console: in order, later, once, and through the
agent's socket across a restart (nothing lost)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.config import Config
from agent.console_client import ConsoleClient
from agent.outbox import Outbox
from agent.outbox_sender import OutboxSender
from agent.tasks import build_agent
from agent.tray.client import TrayClient
from agent.tray.texts import ASK_MESSAGES, REPORT_MESSAGES
from tests.agent.fakes import FakeClock, FakeConsole, wait_for

SECRET = "s3cret-device-token"


@pytest.fixture
def sender(tmp_path: Path, console: FakeConsole) -> Iterator[OutboxSender]:
    problems: list[str] = []
    running = OutboxSender(Outbox(tmp_path / "outbox.json", lambda: 1.0), lambda: ConsoleClient(console.url, SECRET),
                           problems.append)  # fmt: skip
    running.problems = problems  # type: ignore[attr-defined]
    yield running
    running.stop()


def test_offline_messages_wait_and_go_in_order(sender: OutboxSender, console: FakeConsole) -> None:
    console.state.down = True
    sender.start()
    assert sender.submit("request", {"service": "youtube", "message": ASK_MESSAGES[0]}, wait=0.3) == "queued"
    assert sender.submit("incident", {"message": REPORT_MESSAGES[0]}, wait=0.3) == "queued"
    assert sender.submit("incident", {"message": REPORT_MESSAGES[1]}, wait=0.3) == "queued"
    ids = [m.id for m in sender.outbox.pending()]
    console.state.down = False
    sender.backoff.reset()
    sender._wake.set()  # as the sync loop's "online again" does (tested with the agent below)
    assert wait_for(lambda: not sender.outbox.pending())
    assert [r["client_id"] for r in console.state.requests] == ids[:1]
    assert [(r["client_id"], r["message"]) for r in console.state.incidents] == [
        (ids[1], REPORT_MESSAGES[0]),
        (ids[2], REPORT_MESSAGES[1]),
    ]


def test_online_a_message_is_sent_at_once(sender: OutboxSender, console: FakeConsole) -> None:
    sender.start()
    assert sender.submit("incident", {"message": REPORT_MESSAGES[0]}, wait=5) == "sent"
    assert [r["message"] for r in console.state.incidents] == [REPORT_MESSAGES[0]]
    assert set(console.state.incidents[0]) == {"message", "client_id", "queued_at"}


def test_a_lost_answer_is_retried_with_the_same_id(sender: OutboxSender, console: FakeConsole) -> None:
    console.state.lose_answers = 1
    sender.outbox.add("incident", {"message": REPORT_MESSAGES[0]})
    assert sender.deliver() is not None  # the console has it, the agent does not know: try again later
    assert sender.deliver() is None
    first, second = console.state.incidents
    assert first == second  # same client_id: a console that keeps ids stores it once
    assert not sender.outbox.pending()


def test_rate_limited_is_kept_refused_is_dropped(sender: OutboxSender, console: FakeConsole) -> None:
    sender.outbox.add("request", {"service": "youtube", "message": ASK_MESSAGES[0]})
    sender.outbox.add("incident", {"message": REPORT_MESSAGES[0]})
    console.state.report_status = 429
    assert sender.deliver() is not None and len(sender.outbox.pending()) == 2
    console.state.report_status = 400  # e.g. the school no longer blocks the service
    sender.deliver()
    assert not sender.outbox.pending() and len(sender.problems) == 2  # type: ignore[attr-defined]
    assert "refused a queued request; dropped" in sender.problems[0]  # type: ignore[attr-defined]


def test_asks_made_offline_reach_the_console_after_a_restart(
    enrolled: Config, console: FakeConsole, fake_clock: FakeClock
) -> None:
    console.state.down = True
    first = build_agent(enrolled, fake_clock)
    first.sync_wait = 0.3
    first.start()
    try:
        tray = TrayClient(enrolled.tray_socket)
        assert tray.call("report", message=REPORT_MESSAGES[2]) == {"ok": True, "queued": True}
    finally:
        first.stop()
    assert console.state.incidents == []
    console.state.down = False
    second = build_agent(enrolled, fake_clock)
    second.sync_wait = 0.3
    second.start()
    try:
        assert wait_for(lambda: [i["message"] for i in console.state.incidents] == [REPORT_MESSAGES[2]])
        assert wait_for(lambda: json.loads(second.paths.outbox.read_text())["messages"] == [])
    finally:
        second.stop()


def test_the_console_coming_back_delivers_without_waiting_out_the_backoff(
    enrolled: Config, console: FakeConsole, fake_clock: FakeClock
) -> None:
    agent = build_agent(enrolled, fake_clock)
    agent.sync_wait = 0.3
    agent.start()
    try:
        assert wait_for(lambda: agent.state is not None)  # a policy: youtube is a service to ask for
        console.state.down = True
        assert wait_for(lambda: agent.sync is not None and not agent.sync.online)
        agent.tick()
        sender = next(t for t in agent.tasks if isinstance(t, OutboxSender))
        for _ in range(12):  # a long back-off: minutes
            sender.backoff.next_delay()
        assert TrayClient(enrolled.tray_socket).call("ask", service="youtube", message=ASK_MESSAGES[1])["queued"]
        agent.tick()
        console.state.down = False
        assert wait_for(lambda: agent.sync is not None and agent.sync.online)
        agent.tick()  # sees the console online
        assert wait_for(lambda: len(console.state.requests) == 1, timeout=5)
    finally:
        agent.stop()
