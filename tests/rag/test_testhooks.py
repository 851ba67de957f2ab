"""The test-only pause point: inert unless named; it stops at the N-th pass (the stop
itself is exercised by the SIGKILL tests, which kill the paused process)."""

import subprocess
import sys

from rag.testhooks import PausePoints
from tests.conftest import REPO


def test_unset_or_other_points_pass_through():
    for spec in (None, "", "write:flipped@2"):
        p = PausePoints(spec)
        p.reach("write:added")
        p.reach("write:added")


def test_it_stops_at_the_nth_pass_only():
    code = ("from rag.testhooks import PausePoints\n"
            "p = PausePoints.from_env()\n"
            "p.reach('write:added'); print('passed once', flush=True)\n"
            "p.reach('write:added'); print('passed twice', flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={"BYLINE_TEST_PAUSE_AT": "write:added@2", "PYTHONPATH": str(REPO)})
    assert proc.stderr.readline() == "byline-test: paused at write:added@2\n"
    proc.kill()
    out, _ = proc.communicate()
    assert out == "passed once\n"
