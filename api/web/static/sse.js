// Server-Sent Events from a fetch() response (EventSource cannot POST): a line parser
// following the HTML spec's rules (CRLF/CR/LF, "field: value", blank line dispatches).

export function sseParser(onEvent) {
  let buffer = '';
  let event = '';
  let data = [];
  function line(text) {
    if (text === '') {
      if (data.length) onEvent({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return; // comment / keep-alive
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return function feed(chunk) {
    buffer += chunk;
    // a CR at the very end may be the first half of a CRLF: keep it for the next chunk
    const cut = buffer.endsWith('\r') ? buffer.length - 1 : buffer.length;
    const lines = buffer.slice(0, cut).split(/\r\n|\r|\n/);
    buffer = lines.pop() + buffer.slice(cut);
    lines.forEach(line);
  };
}

/** Yields {event, data} from a streaming response body until it ends. */
export async function* sseEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const queue = [];
  const feed = sseParser((e) => queue.push(e));
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      feed(value);
      while (queue.length) yield queue.shift();
    }
  } finally {
    reader.cancel().catch(() => {}); // stopped early (done, or the reader went away): close it
  }
}
