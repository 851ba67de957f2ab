"""POST /v1/answer: a cited answer as JSON, or as Server-Sent Events while it is written."""

from __future__ import annotations

from functools import partial

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from api.deps import AnswererDep, GateDep, SettingsDep
from api.schemas import AnswerOut, AnswerRequest, error_responses
from api.sse import OPENAPI_CONTENT, ThreadedAnswer, answer_events
from api.validation import check_text, check_top_k, to_filters

router = APIRouter(tags=["answer"])


def wants_stream(body: AnswerRequest, request: Request) -> bool:
    if body.stream is not None:
        return body.stream
    return "text/event-stream" in request.headers.get("accept", "")


@router.post("/answer", response_model=AnswerOut, summary="Answer a question with verbatim citations",
             responses={200: {"content": OPENAPI_CONTENT,
                              "description": "The answer JSON, or an SSE stream of `token` events, one "
                              "`answer` event (the answer JSON) and `done`; a failure after the stream "
                              "began arrives as an `error` event."},
                        **error_responses(400, 401, 413, 422, 429, 503, 504)})
async def answer(body: AnswerRequest, request: Request, answerer: AnswererDep, gate: GateDep,
                 settings: SettingsDep):
    run = partial(answerer.run, check_text(body.question, settings),
                  top_k=check_top_k(body.top_k, settings), filters=to_filters(body.filters))
    if not wants_stream(body, request):
        async with gate.slot():
            result = await anyio.to_thread.run_sync(run)
        return result.to_dict()
    release = await gate.acquire()
    try:
        job = ThreadedAnswer(lambda on_token: run(on_token=on_token))
        job.start(release)  # from here the job owns the slot
    except BaseException:
        release()
        raise
    first = await job.next()  # errors before the first token still get a real status code
    if first[0] == "error":
        raise first[1]
    return StreamingResponse(answer_events(job, first, request.state.request_id),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
