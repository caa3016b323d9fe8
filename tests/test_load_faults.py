"""The short load-and-faults run (about a minute) against gunicorn with 4 workers on
PostgreSQL: 40 tablets and 10 boards, PostgreSQL restarted and a worker killed with
SIGKILL mid-run; no reading acknowledged to a client may be lost or stored twice.
The full five-minute run: `.venv/bin/python -m bench.load_faults` (README)."""

from __future__ import annotations

import os
import shutil

import pytest

from bench.load_faults import run
from tests.conftest import POSTGRES_URL


# It restarts PostgreSQL under every other test that uses it: never in the parallel run.
@pytest.mark.serial
@pytest.mark.skipif(not POSTGRES_URL, reason="MONITOR_TEST_POSTGRES_URL not set")
@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("pg_ctlcluster") or not os.path.isdir("/etc/postgresql"),
    reason="restarting PostgreSQL needs root and a local cluster",
)
def test_short_load_with_faults() -> None:
    assert POSTGRES_URL
    result = run(POSTGRES_URL, duration=45, faults=True)
    assert result["faults"][0].startswith("PostgreSQL restarted (exit 0)")
    assert "killed with SIGKILL" in result["faults"][1]
    assert result["readings_sent"] >= 150
    assert result["readings_acknowledged"] == result["readings_sent"]
    assert result["readings_lost"] == 0 and result["readings_duplicated"] == 0
    assert result["readings_stored"] == result["readings_acknowledged"]
    assert result["errors"] < result["requests"] * 0.2
