"""Logging for `byline serve`: uvicorn's own config plus one JSON line per Byline record
(access log: request id, method, path, status, duration)."""

from __future__ import annotations

import copy
import json
import logging
from datetime import datetime, timezone

from uvicorn.config import LOGGING_CONFIG

FIELDS = ("request_id", "method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "pid": record.process,
                "message": record.getMessage()}
        line.update({k: getattr(record, k) for k in FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def log_config(level: str = "INFO") -> dict:
    """uvicorn's logging config with the `byline` loggers writing JSON lines to stderr."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["json"] = {"()": JsonFormatter}
    config["handlers"]["json"] = {"class": "logging.StreamHandler", "formatter": "json",
                                  "stream": "ext://sys.stderr"}
    config["loggers"]["byline"] = {"handlers": ["json"], "level": level, "propagate": False}
    return config
