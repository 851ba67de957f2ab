"""JSON log lines for `byline serve`."""

import json
import logging
import logging.config

from api.logs import JsonFormatter, log_config


def test_access_record_becomes_one_json_line():
    record = logging.LogRecord("byline.access", logging.INFO, __file__, 1, "GET /healthz 200", None, None)
    for k, v in {"request_id": "r1", "method": "GET", "path": "/healthz", "status": 200, "duration_ms": 1.5}.items():
        setattr(record, k, v)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    got = json.loads(line)
    assert {k: got[k] for k in ("request_id", "method", "path", "status", "duration_ms")} == {
        "request_id": "r1", "method": "GET", "path": "/healthz", "status": 200, "duration_ms": 1.5}
    assert got["level"] == "info" and got["logger"] == "byline.access" and got["time"].endswith("+00:00")


def test_log_config_keeps_uvicorn_and_adds_byline():
    config = log_config()
    assert {"uvicorn", "uvicorn.error", "byline"} <= set(config["loggers"])
    logging.config.dictConfig(config)  # it is a valid config
    assert logging.getLogger("byline").handlers[0].formatter.__class__ is JsonFormatter
