"""A SQLite corpus open in a store, of this process or another, cannot be restored under it: the
restore refuses in one line and changes nothing; once the store is closed, or its process is
killed, the restore goes ahead; a store opened during a restore waits for its end."""

from __future__ import annotations

import gc
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.document import Document
from annotator.errors import AnnotatorError
from corpus import in_use
from corpus.backup import backup, restore
from corpus.store import Store
from tests.conftest import close_bound_database, read_store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no fcntl: no in-use mark")

ROOT = Path(__file__).resolve().parents[2]

# A child process that opens the corpus, says so, and stays until it is killed.
CHILD = """
import sys, time
from corpus.store import Store
store = Store.open(sys.argv[1])
print("open", flush=True)
time.sleep(600)
"""


def titles(url: str) -> list[str | None]:
    return read_store(url, lambda s: [d.title for d in s.documents()])


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[str, Path]:
    """A closed corpus file holding "first" and "second", and a backup holding "first" only."""
    url = str(tmp_path / "corpus.db")
    close_bound_database()
    store = Store.open(url)
    store.add_document(Document(text="Shelling near the bridge at dawn.", title="first"))
    made = backup(store, tmp_path / "first.bak")
    store.add_document(Document(text="Floods in the valley after the storm.", title="second"))
    store.close()
    return url, made


def refused(url: str, made: Path) -> str:
    """The one-line refusal of restoring ``made`` over ``url``, which must change nothing."""
    before = sorted(p.name for p in Path(url).parent.iterdir())
    with pytest.raises(AnnotatorError) as caught:
        restore(url, made)
    assert sorted(p.name for p in Path(url).parent.iterdir()) == before  # no before-restore copy
    return str(caught.value)


def test_a_restore_is_refused_while_a_store_of_this_process_has_the_corpus_open(corpus):
    url, made = corpus
    close_bound_database()
    store = Store.open(url)
    try:
        message = refused(url, made)
        assert message == (
            f"{url}: the corpus is open in another annotator window or command; close it and "
            "restore again"
        )
        assert [d.title for d in store.documents()] == ["first", "second"]
    finally:
        store.close()
    restore(url, made)
    assert titles(url) == ["first"]


def test_a_restore_is_refused_while_another_process_has_the_corpus_open_until_it_is_killed(
    corpus,
):
    url, made = corpus
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "open\n"
        assert "the corpus is open in another annotator window or command" in refused(url, made)
        assert titles(url) == ["first", "second"]
    finally:
        child.send_signal(signal.SIGKILL)  # no chance to clean up: the OS drops its lock
        child.wait(30)
        child.stdout.close()
    restore(url, made)
    assert titles(url) == ["first"]


def test_the_mark_belongs_to_each_store_not_to_a_thread_until_it_is_closed_or_dropped(corpus):
    url, made = corpus
    close_bound_database()
    first, second = Store.open(url), Store.open(url)
    worker = Store(first.db, first.url)  # as a GUI worker makes one on its own thread
    thread = threading.Thread(target=worker.close)
    thread.start()
    thread.join()
    first.close()
    first.close()  # a second close gives up nothing more
    assert "is open in another" in refused(url, made)  # the second store still has it
    del second  # dropped without a close (a leak): its mark goes with it
    close_bound_database()
    gc.collect()
    restore(url, made)
    assert titles(url) == ["first"]


def test_a_store_opened_during_a_restore_waits_for_its_end(corpus, monkeypatch):
    url, _ = corpus
    locked, released = threading.Event(), threading.Event()

    def restoring() -> None:
        with in_use.exclusive(Path(url)):
            locked.set()
            time.sleep(0.5)
            released.set()

    thread = threading.Thread(target=restoring)
    thread.start()
    assert locked.wait(30)
    close_bound_database()
    store = Store.open(url)
    try:
        assert released.is_set()
    finally:
        store.close()
        thread.join()

    monkeypatch.setattr(in_use, "OPEN_WAIT", 0.2)
    close_bound_database()
    with in_use.exclusive(Path(url)), pytest.raises(AnnotatorError) as caught:
        Store.open(url)
    assert str(caught.value) == (
        f"{url}: the corpus is being restored from a backup; open it again when the restore is done"
    )
