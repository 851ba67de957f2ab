"""Per-document locks: one writer per document at a time, batches never deadlock."""

import threading
import time

from rag.doclocks import DocLocks


def test_a_second_writer_of_the_same_document_waits():
    locks, order = DocLocks(), []

    def second():
        with locks.holding(["b.txt", "a.txt"]):
            order.append("second")

    with locks.holding(["a.txt"]):
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.2)
        order.append("first done")
    t.join(5)
    assert order == ["first done", "second"]


def test_other_documents_do_not_wait():
    locks = DocLocks(stripes=1024)
    a = next(f"d{i}" for i in range(2000) if hash(f"d{i}") % 1024 != hash("a.txt") % 1024)
    done = threading.Event()

    def other():
        with locks.holding([a]):
            done.set()
    with locks.holding(["a.txt"]):
        threading.Thread(target=other).start()
        assert done.wait(5)


def test_overlapping_batches_in_any_order_do_not_deadlock():
    locks, ids = DocLocks(stripes=8), [f"doc{i}" for i in range(20)]

    def write(batch):
        for _ in range(200):
            with locks.holding(batch):
                pass
    threads = [threading.Thread(target=write, args=(ids[::step],)) for step in (1, -1, 2, -3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
