import threading
import time

from console.notifier import MemoryNotifier


def test_wait_returns_when_published():
    notifier = MemoryNotifier()
    seen = notifier.generation()
    threading.Timer(0.1, notifier.publish).start()
    started = time.monotonic()
    assert notifier.wait(seen, 5) == seen + 1
    assert time.monotonic() - started < 2


def test_wait_times_out_without_a_change():
    notifier = MemoryNotifier()
    started = time.monotonic()
    assert notifier.wait(notifier.generation(), 0.1) == 0
    assert time.monotonic() - started >= 0.1


def test_a_change_before_the_wait_is_not_missed():
    notifier = MemoryNotifier()
    seen = notifier.generation()
    notifier.publish()  # between reading the version and starting to wait
    started = time.monotonic()
    assert notifier.wait(seen, 5) == seen + 1
    assert time.monotonic() - started < 0.5


def test_polling_notifier_wakes_on_a_change_made_elsewhere():
    from console.notifier import PollingNotifier

    latest = [7]
    notifier = PollingNotifier(lambda: latest[0], interval=0.05)
    seen = notifier.generation()
    threading.Timer(0.2, lambda: latest.__setitem__(0, 8)).start()
    started = time.monotonic()
    assert notifier.wait(seen, 5) == seen + 1
    assert 0.15 < time.monotonic() - started < 2
    notifier.close()


def test_a_grant_from_another_process_wakes_a_waiting_sync(console):
    """The CLI commits in its own app (its own notifier): the watcher must notice."""
    secret = console.enrol()["device_secret"]
    version = console.api("GET", "/sync", secret).json["version"]
    result = {}

    def poll():
        answer = console.app.test_client().get(
            f"/api/v1/sync?since={version}&wait=10", headers={"Authorization": f"Bearer {secret}"}
        )
        result["ended"], result["body"] = time.monotonic(), answer.json

    waiter = threading.Thread(target=poll)
    waiter.start()
    time.sleep(0.3)
    assert console.cli("grant", "--teacher", "juf-anna", "--group", "groep-7", "--service", "youtube",
                       "--minutes", "10", "--reason", "x") == 0  # fmt: skip
    committed = time.monotonic()  # the CLI commits just before it returns
    waiter.join(timeout=5)
    assert result["body"]["version"] > version
    assert result["ended"] - committed < 1.0
