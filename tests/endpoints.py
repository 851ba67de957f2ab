"""Tiny misbehaving OpenAI-compatible endpoints on loopback, in a thread of the test process
(stdlib only): one that answers every chat request 429 with a Retry-After, and one that
streams a few words and then drops the connection, and one that streams slowly and notices
when its client hangs up. A real model server runs in
tests/api/test_openai_endpoint.py; these are the failures it cannot be made to produce."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Respond = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def endpoint(respond: Respond) -> Iterator[tuple[str, list[dict]]]:
    """Serve `respond` for every POST; yields (base URL ending in /v1, the JSON bodies received)."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 (http.server's naming)
            received.append(json.loads(self.rfile.read(int(self.headers.get("content-length", 0)))))
            respond(self)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", received
    finally:
        server.shutdown()
        server.server_close()


def rate_limited(retry_after: str) -> Respond:
    """Every request: 429 with `Retry-After: retry_after` and an OpenAI-style error body."""
    def respond(h: BaseHTTPRequestHandler) -> None:
        body = json.dumps({"error": {"message": "Rate limit reached", "type": "rate_limit_error",
                                     "code": "rate_limit_exceeded"}}).encode()
        h.send_response(429)
        h.send_header("Content-Type", "application/json")
        h.send_header("Retry-After", retry_after)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return respond


def chunk(text: str) -> bytes:
    """One `chat.completion.chunk` SSE event carrying `text`."""
    data = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
    return f"data: {json.dumps(data)}\n\n".encode()


def drops_mid_stream(words: list[str]) -> Respond:
    """A streamed 200 that sends `words` (one chunk each) and then closes the connection
    without finishing the chunked body or sending `data: [DONE]` (a server that died)."""
    def respond(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for word in words:
            event = chunk(word)
            h.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
            h.wfile.flush()
        h.close_connection = True
        h.connection.shutdown(2)  # SHUT_RDWR: no terminating chunk
    return respond


def context_too_small(window: int = 2048) -> Respond:
    """Every request: the 400 llama.cpp's server (and OpenAI) send for a prompt over the context."""
    def respond(h: BaseHTTPRequestHandler) -> None:
        body = json.dumps({"error": {
            "message": f"This model's maximum context length is {window} tokens. However, you requested 2407 "
                       "tokens (2207 in the messages, 200 in the completion). Please reduce the length of the "
                       "messages or completion.",
            "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}).encode()
        h.send_response(400)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return respond


def slow_stream(words: int, delay_s: float, gone: threading.Event) -> Respond:
    """A streamed 200 sending `words` words `delay_s` apart; sets `gone` when a write fails
    because the client closed the connection (a model server would stop generating there)."""
    def respond(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        try:
            for n in range(words):
                event = chunk(f" w{n}")
                h.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
                h.wfile.flush()
                time.sleep(delay_s)
            h.wfile.write(b"0\r\n\r\n")
        except OSError:  # broken pipe, connection reset
            gone.set()
            h.close_connection = True
    return respond


def streams(words: list[str], finish_reason: str | None = "stop") -> Respond:
    """A streamed 200 sending `words`, then a chunk with `finish_reason` (none when None: how
    llama.cpp's server cuts a stream short when another request arrives), then [DONE]."""
    def respond(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        events = [chunk(w) for w in words] + [b"data: [DONE]\n\n"]
        if finish_reason:
            done = json.loads(chunk("")[6:])
            done["choices"][0].update(delta={}, finish_reason=finish_reason)
            events.insert(-1, f"data: {json.dumps(done)}\n\n".encode())
        for event in events:
            h.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")
        h.wfile.flush()
    return respond
