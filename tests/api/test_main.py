"""The uvicorn factory reads its settings from the environment."""

from api.main import app_from_env


def test_app_from_env_uses_byline_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("BYLINE_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("BYLINE_MAX_TOP_K", "7")
    monkeypatch.setenv("BYLINE_ANSWER_QUEUE", "0")
    app = app_from_env()
    assert app.state.settings.max_top_k == 7 and app.state.settings.data_dir == tmp_path / "d"
    assert app.state.gate.queue == 0
