"""A fast fake OpenAI-compatible chat endpoint for the browser tests (stdlib only).

`POST /v1/chat/completions` answers with the sentence of passage 1 of the prompt that best
matches the question, copied word for word and cited [1], so Byline's verification accepts it. With
`"stream": true` it sends one SSE chunk per word, `delay` seconds apart, so a page can be
seen receiving tokens before the final answer. Run: `python -m tests.api.web.fake_llm PORT [DELAY]`.
"""

from __future__ import annotations

import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FALLBACK = "The articles do not say."


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 3}


# Passage 1 of the prompt, as `<passage id=1 ...>\ntext\n</passage>` or as `[1] title\ntext`.
PASSAGE_1 = (re.compile(r"<passage id=\"?1\"?[^>]*>\n(.+?)\n</passage>", re.S),
             re.compile(r"^\[1\][^\n]*\n(.+?)(?:\n\n|\n\[2\]|\Z)", re.S | re.M))


def reply_for(messages: list[dict]) -> str:
    """The sentence of passage 1 that shares most words with the question, cited [1]."""
    prompt = messages[-1].get("content", "") if messages else ""
    found = next((m for m in (p.search(prompt) for p in PASSAGE_1) if m), None)
    if not found:
        return FALLBACK
    question = words(prompt.rsplit("Question:", 1)[-1])
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", found.group(1).strip()) if len(s.split()) > 3]
    best = max(sentences or [found.group(1).strip()], key=lambda s: len(words(s) & question))
    return f"{best.rstrip('.')} [1]."


def chunk(model: str, delta: dict, finish: str | None = None) -> bytes:
    body = {"id": "fake-1", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay_s = 0.05

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # readiness: the model list
        self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def do_POST(self) -> None:
        if not self.path.endswith("/chat/completions"):
            return self._json(404, {"error": {"message": "not found"}})
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        model, text = request.get("model", "fake"), reply_for(request.get("messages", []))
        if not request.get("stream"):
            return self._json(200, {"id": "fake-1", "object": "chat.completion", "created": int(time.time()),
                                    "model": model, "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": text}}],
                                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(chunk(model, {"role": "assistant", "content": ""}))
            for n, word in enumerate(text.split(" ")):
                time.sleep(self.delay_s)
                self.wfile.write(chunk(model, {"content": word if n == 0 else f" {word}"}))
                self.wfile.flush()
            self.wfile.write(chunk(model, {}, "stop") + b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(argv: list[str]) -> None:
    Handler.delay_s = float(argv[1]) if len(argv) > 1 else Handler.delay_s
    server = ThreadingHTTPServer(("127.0.0.1", int(argv[0])), Handler)
    print(f"fake LLM on http://127.0.0.1:{server.server_port}/v1", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
