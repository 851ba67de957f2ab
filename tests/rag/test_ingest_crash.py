"""SIGKILL a real `byline ingest` at many points, then rerun it: after every kill readers
see only whole articles (each record points to one whole generation of verbatim chunks),
and after every rerun the store holds exactly the corpus, one generation per article,
nothing lost, duplicated or stale.

Kill points: the test-only pause points inside ChromaStore.write/delete (the process
stops there and is killed) and random moments of a run (within the length of the last
rerun that did a trial's work; most land before or after the short store writes, which
is what the pause points are for). Each trial first edits, adds or
removes some articles, so kills land in replacements, not only in first writes.
`BYLINE_CRASH_TRIALS` (default 8) sets the number of trials; the trial log is printed.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time

import pytest

from rag.corpus import read_file, scan
from tests.processes import BIN, byline_env, check_store_in_a_process

# trial 0 ingests the corpus into an empty store (two store writes); later trials replace
# edited articles (one write), remove one (a delete) and add one back
FIRST_POINT = "write:flipped@2"
POINTS = ["write:added@1", "write:flipped@1", "random", "delete:removed@1", "random"]


def start_ingest(corpus, data_dir, log, pause_at=None) -> subprocess.Popen:
    extra = {"BYLINE_TEST_PAUSE_AT": pause_at} if pause_at else {}
    with log.open("wb") as out:
        return subprocess.Popen([str(BIN / "byline"), "ingest", "--prune", str(corpus)], stdout=out,
                                stderr=subprocess.STDOUT, env=byline_env(data_dir, **extra))


def kill_when_paused(proc, log, timeout_s=300) -> bool:
    """SIGKILL once the process says it paused; False if it finished first (point not reached)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if b"byline-test: paused at" in log.read_bytes():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"ingest neither paused nor finished in {timeout_s} s: {log.read_text()[-2000:]}")


def kill_after(proc, delay_s) -> bool:
    try:
        proc.wait(timeout=delay_s)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def bodies(corpus) -> dict[str, str]:
    return {a.doc_id: a.body for path, root in scan([corpus]) for a in read_file(path, root)}


def change_corpus(corpus, spare, rng, trial) -> None:
    """Edit some articles (new text, so new chunks), bring back the one removed last time,
    remove another."""
    files = sorted(corpus.rglob("*.txt"))
    for path in rng.sample(files, 6):
        text = path.read_text(encoding="utf-8")
        path.write_text(text + f"\nUpdate {trial}: officials gave a further statement on {path.stem}. "
                        f"They said more details would follow in the coming weeks.\n", encoding="utf-8")
    for back in sorted(spare.iterdir()):
        topic, name = back.name.split("-", 1)
        shutil.move(back, corpus / topic / name)
    gone = rng.choice(files)
    shutil.move(gone, spare / f"{gone.parent.name}-{gone.name}")


@pytest.fixture
def small_bbc(bbc, tmp_path):
    corpus = tmp_path / "corpus"
    for topic in ("business", "entertainment", "politics", "sport", "tech"):
        (corpus / topic).mkdir(parents=True)
        for path in sorted((bbc / topic).glob("*.txt"))[:7]:
            shutil.copy(path, corpus / topic)
    return corpus


def test_sigkilled_ingest_leaves_whole_articles_and_a_rerun_finishes(small_bbc, tmp_path):
    n_trials = int(os.environ.get("BYLINE_CRASH_TRIALS", "5"))
    rng = random.Random(10)
    data_dir, spare, log = tmp_path / "data", tmp_path / "spare", tmp_path / "ingest.log"
    spare.mkdir()
    trials, full_run_s = [], 12.0  # a rerun's length that did the trial's work: random kills fall within it
    for trial in range(n_trials):
        if trial:
            change_corpus(small_bbc, spare, rng, trial)
        point = POINTS[(trial - 1) % len(POINTS)] if trial else FIRST_POINT
        started = time.monotonic()
        proc = start_ingest(small_bbc, data_dir, log, None if point == "random" else point)
        if point == "random":
            delay = rng.uniform(0.4, 1.0) * full_run_s
            killed, point = kill_after(proc, delay), f"random {delay:.1f} s"
        else:
            killed = kill_when_paused(proc, log)
            assert killed, (trial, point, "the pause point was never reached", log.read_text()[-3000:])
        assert killed or proc.returncode == 0, log.read_text()[-3000:]
        run_s = time.monotonic() - started
        seen = check_store_in_a_process(data_dir, tmp_path) if killed else None
        if seen is not None:
            assert seen["ok"], (trial, point, seen)  # readers see no partial or mixed article
        rerun_started = time.monotonic()
        rerun = subprocess.run([str(BIN / "byline"), "ingest", "--prune", str(small_bbc)], capture_output=True,
                               text=True, env=byline_env(data_dir), timeout=900)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        if trial and "updated 0" not in rerun.stdout:
            full_run_s = time.monotonic() - rerun_started
        after = check_store_in_a_process(data_dir, tmp_path, bodies(small_bbc))
        assert after["clean"], (trial, point, after)
        trials.append((killed, f"trial {trial}: kill at {point}: {'killed' if killed else 'finished first'} "
                       f"after {run_s:.1f} s; after the kill: {seen and {k: seen[k] for k in ('articles', 'chunks', 'stale_chunks')}}; "
                       f"rerun: {rerun.stdout.strip()}"))
    print("\n".join(line for _, line in trials))
    print(f"{n_trials} trials, {sum(k for k, _ in trials)} killed mid-run; each consistent after the kill, "
          f"clean and complete after the rerun")
