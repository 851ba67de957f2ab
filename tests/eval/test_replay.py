from eval.replay import ReplayLLM

MESSAGES = [{"role": "user", "content": "Where?"}]


class CountingLLM:
    model = "m"

    def __init__(self, reply="Brussels [1].", fail=False):
        self.calls, self.reply, self.fail = 0, reply, fail

    def stream(self, messages, *, max_tokens, temperature, after=None):
        self.calls += 1
        yield from (self.reply[:4], self.reply[4:])
        if self.fail:
            raise RuntimeError("the model went away")


def reply(llm, messages=MESSAGES, max_tokens=200):
    return "".join(llm.stream(messages, max_tokens=max_tokens, temperature=0.0))


def test_a_reply_is_recorded_once_and_replayed_for_the_same_prompt(tmp_path):
    inner = CountingLLM()
    assert reply(ReplayLLM(inner, tmp_path)) == "Brussels [1]."
    again = ReplayLLM(CountingLLM(reply="something else"), tmp_path)  # another process, same folder
    assert reply(again) == "Brussels [1]." and again.replayed == 1 and again.inner.calls == 0


def test_another_prompt_or_limit_goes_to_the_model(tmp_path):
    llm = ReplayLLM(CountingLLM(), tmp_path)
    reply(llm)
    reply(llm, messages=[{"role": "user", "content": "When?"}])
    reply(llm, max_tokens=50)
    assert llm.inner.calls == 3 and llm.recorded == 3 and llm.replayed == 0


def test_a_reply_of_another_llama_cpp_build_is_not_replayed(tmp_path):
    def built(build, reply_text):
        llm = CountingLLM(reply=reply_text)
        llm.build = build
        return llm

    reply(ReplayLLM(built("AVX2 = 1", "Brussels [1]."), tmp_path))
    same = built("AVX2 = 1", "something else")
    assert reply(ReplayLLM(same, tmp_path)) == "Brussels [1]." and same.calls == 0
    other = built("AVX2 = 1 | AVX512 = 1", "Vilnius [1].")
    assert reply(ReplayLLM(other, tmp_path)) == "Vilnius [1]." and other.calls == 1


def test_a_follow_up_is_another_prompt(tmp_path):
    llm = ReplayLLM(CountingLLM(), tmp_path)
    reply(llm)
    follow_up = "".join(llm.stream(MESSAGES, max_tokens=200, temperature=0.0, after=[{"role": "user", "content": "X"}]))
    assert follow_up == "Brussels [1]." and llm.inner.calls == 2 and llm.recorded == 2


def test_an_unfinished_reply_is_not_recorded(tmp_path):
    llm = ReplayLLM(CountingLLM(fail=True), tmp_path)
    try:
        reply(llm)
    except RuntimeError:
        pass
    stream = ReplayLLM(CountingLLM(), tmp_path).stream(MESSAGES, max_tokens=200, temperature=0.0)
    next(stream)
    stream.close()  # the reader stopped early
    assert list(tmp_path.iterdir()) == []
