"""Delivers the outbox to the console, oldest first, on its own thread.

A message leaves the outbox only once the console has answered 2xx for it. The console
being down, slow, rate-limiting (429) or not knowing the device (401) stops the round
and it is tried again after a back-off, or at once when the sync loop sees the console
come back; a message the console refuses for good (another 4xx, e.g. a service the
policy no longer blocks) is dropped and reported, so one bad message cannot hold up the
ones behind it. A retry after a lost answer sends the same `client_id` again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Final, Literal

from agent.backoff import Backoff
from agent.console_client import ConsoleClient, ConsoleOffline, ConsoleRejected
from agent.outbox import Message, Outbox

log = logging.getLogger(__name__)
RETRY_LATER: Final = frozenset({401, 408, 425, 429})  # the message is fine; the moment is not
NO_CLIENT_RETRY_S: Final = 1.0

Delivery = Literal["sent", "queued"]


class OutboxSender:
    def __init__(
        self,
        outbox: Outbox,
        client: Callable[[], ConsoleClient | None],
        report: Callable[[str], None],
        *,
        backoff: Backoff | None = None,
    ) -> None:
        self.outbox = outbox
        self.client = client  # the agent makes its client at start; asked for it each round
        self.report = report
        self.backoff = backoff or Backoff()
        self.delivered = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._progress = threading.Condition()
        self._thread: threading.Thread | None = None
        self._was_online = False

    # -- the agent's task interface --------------------------------------------
    def start(self) -> None:
        for problem in self.outbox.problems:
            self.report(problem)
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=20)

    def tick(self, agent: Any) -> None:
        """When the sync loop finds the console again, deliver now, not after the back-off."""
        online = bool(agent.sync is not None and agent.sync.online)
        if online and not self._was_online and self.outbox.pending():
            self.backoff.reset()
            self._wake.set()
        self._was_online = online

    # -- the tray's side --------------------------------------------------------
    def submit(self, kind: str, body: dict[str, str], wait: float) -> Delivery:
        """Queue a message (on disk before this returns; OutboxFull or OSError if it
        cannot be) and wait up to `wait` seconds to see it delivered."""
        message = self.outbox.add(kind, body)
        self._wake.set()
        with self._progress:
            self._progress.wait_for(lambda: message.id not in self.outbox, timeout=wait)
        return "queued" if message.id in self.outbox else "sent"

    # -- delivery -----------------------------------------------------------------
    def _run(self) -> None:
        delay: float | None = 0.0 if self.outbox.pending() else None
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                return
            delay = self.deliver()

    def deliver(self) -> float | None:
        """One round, oldest first; the wait before the next (None: until woken)."""
        client = self.client()
        if client is None:
            return NO_CLIENT_RETRY_S if self.outbox.pending() else None
        for message in self.outbox.pending():
            try:
                _send(client, message)
            except ConsoleOffline as exc:
                log.info("outbox: %d message(s) wait for the console (%s)", len(self.outbox.pending()), exc)
                return self.backoff.next_delay()
            except ConsoleRejected as exc:
                if exc.status in RETRY_LATER or exc.status >= 500:
                    log.info("outbox: the console asks to wait (%d)", exc.status)
                    return self.backoff.next_delay()
                self.report(f"the console refused a queued {message.kind}; dropped: {exc}")
            self._done(message)
        self.backoff.reset()
        return None

    def _done(self, message: Message) -> None:
        try:
            self.outbox.remove(message.id)
        except OSError as exc:  # delivered but still on disk: sent again later, same client_id
            self.report(f"the outbox could not be updated: {exc}")
            return
        self.delivered += 1
        with self._progress:
            self._progress.notify_all()


def _send(client: ConsoleClient, message: Message) -> None:
    extra = {"client_id": message.id, "queued_at": message.queued_at}
    if message.kind == "request":
        client.ask_exception(message.body["service"], message.body["message"], **extra)
    else:
        client.report_incident(message.body["message"], **extra)
