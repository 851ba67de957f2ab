"""POST /v1/answer: a cited answer as JSON, or as Server-Sent Events while it is written.

Both run as a ThreadedAnswer that owns its answer slot. Until the first token (streams)
or the answer (JSON), the request also watches its client: one that hangs up while
queued gives up its place, and one that hangs up while the model is still reading the
prompt cancels the job, which frees the slot at the model's first word."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response

from api.deps import AnswererDep, GateDep, SettingsDep, StoreDep
from api.disconnect import CLIENT_GONE, unless_gone
from api.limits import AnswerGate
from api.schemas import AnswerOut, AnswerRequest, error_responses
from api.sse import OPENAPI_CONTENT, AnswerStream, Event, ThreadedAnswer
from api.undated import OPENAPI_HEADERS, undated_header
from api.validation import check_text, check_top_k, to_filters

router = APIRouter(tags=["answer"])


def wants_stream(body: AnswerRequest, request: Request) -> bool:
    if body.stream is not None:
        return body.stream
    return "text/event-stream" in request.headers.get("accept", "")


@router.post("/answer", response_model=AnswerOut, summary="Answer a question with verbatim citations",
             responses={200: {"content": OPENAPI_CONTENT, "headers": OPENAPI_HEADERS,
                              "description": "The answer JSON, or an SSE stream of `token` events, "
                              "`checking` when the model reads the passages again to check what it wrote "
                              "(the text streamed so far may then be replaced or withheld), one `answer` "
                              "event (the answer JSON) and `done`; a failure after the stream began "
                              "arrives as an `error` event."},
                        **error_responses(400, 401, 413, 422, 429, 503, 504)})
async def answer(body: AnswerRequest, request: Request, response: Response, answerer: AnswererDep,
                 gate: GateDep, store: StoreDep, settings: SettingsDep):
    question, top_k = check_text(body.question, settings), check_top_k(body.top_k, settings)
    filters = to_filters(body.filters)
    run = partial(answerer.run, question, top_k=top_k, filters=filters)
    stream = wants_stream(body, request)
    headers = await undated_header(store, filters)
    started = await unless_gone(request, partial(start, gate, run, stream))
    if started is None:
        return Response(status_code=CLIENT_GONE)
    job, (kind, value) = started
    if kind == "error":  # before the first token: a real status code, even for a stream
        raise value
    if not stream:
        response.headers.update(headers)
        return value.to_dict()
    sse = AnswerStream(job, (kind, value), request.state.request_id)
    sse.headers.update(headers)
    return sse


async def start(gate: AnswerGate, run, stream: bool) -> tuple[ThreadedAnswer, Event]:
    """Take a slot (queued if need be), start the job, and wait for its first token (streams)
    or its outcome; cancelled on the way, it cancels the job."""
    release = await gate.acquire()
    try:
        job = ThreadedAnswer(lambda on_token, on_check: run(on_token=on_token, on_check=on_check))
        job.start(release)  # from here the job owns the slot
    except BaseException:
        release()
        raise
    try:
        return job, await (job.next() if stream else job.outcome())
    except BaseException:
        job.cancel()
        raise
