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
