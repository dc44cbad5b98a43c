"""`sakot line-sim` against the running app and the LINE simulator, and the simulator's
LINE-shaped answers."""

from __future__ import annotations

import httpx
import pytest
from channel_fakes import CASE_NUMBER, ThreadedServer, free_port
from conftest import slip_png
from typer.testing import CliRunner

from channels.line import simulator as sim
from sakot.app import create_app
from sakot.cli import app as cli
from sakot.settings import Settings, get_settings


@pytest.fixture
def running(tmp_path, fake_rasa, monkeypatch):
    simulator = sim.SimulatorServer(port=free_port()).start()
    env = {"SAKOT_LINE_CHANNEL_SECRET": sim.DEV_CHANNEL_SECRET,
           "SAKOT_LINE_CHANNEL_ACCESS_TOKEN": sim.DEV_ACCESS_TOKEN,
           "SAKOT_LINE_API_BASE": simulator.url, "SAKOT_LINE_DATA_API_BASE": simulator.url,
           "SAKOT_VAR_DIR": str(tmp_path), "SAKOT_RASA_URL": fake_rasa.url,
           "SAKOT_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "SAKOT_REDIS_URL": ""}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    settings = Settings()
    app = ThreadedServer(create_app(settings)).start()
    yield simulator, app
    app.stop()
    simulator.stop()
    get_settings.cache_clear()


def test_line_sim_sends_text_and_prints_the_answer(running):
    simulator, app = running
    port = simulator.url.rsplit(":", 1)[1]
    result = CliRunner().invoke(cli, ["line-sim", "โดนหลอกโอนเงินค่ะ", "--sim-port", port,
                                      "--app-url", app.url, "--wait", "10"])
    assert result.exit_code == 0, result.output
    assert "bot (reply): เสียใจด้วยนะคะ" in result.output
    assert "[ใช่ โอนไปแล้ว]" in result.output and CASE_NUMBER in result.output

    follow = CliRunner().invoke(cli, ["line-sim", "--follow", "--sim-port", port,
                                      "--app-url", app.url, "--wait", "10"])
    assert follow.exit_code == 0 and "/privacy" in follow.output


def test_line_sim_sends_a_slip_image(running, tmp_path):
    simulator, app = running
    image = tmp_path / "slip.png"
    image.write_bytes(slip_png("014", "REF0000123"))
    result = CliRunner().invoke(cli, ["line-sim", "--image", str(image), "--sim-port",
                                      simulator.url.rsplit(":", 1)[1], "--app-url", app.url,
                                      "--wait", "10"])
    assert result.exit_code == 0, result.output
    assert "ได้รับสลิปแล้วค่ะ เลขอ้างอิง REF0000123" in result.output


def test_line_sim_reports_an_app_that_is_not_running(running):
    simulator, _ = running
    result = CliRunner().invoke(cli, ["line-sim", "สวัสดี", "--sim-port",
                                      simulator.url.rsplit(":", 1)[1],
                                      "--app-url", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 2 and "sakot serve" in result.output


def test_simulator_speaks_lines_error_shapes():
    with sim.SimulatorServer(port=free_port()) as s:
        auth = {"authorization": f"Bearer {sim.DEV_ACCESS_TOKEN}"}
        too_many = httpx.post(f"{s.url}/v2/bot/message/push", headers=auth, json={
            "to": "U1", "messages": [{"type": "text", "text": "x"}] * 6})
        assert too_many.status_code == 400
        assert too_many.json()["details"][0] == {"message": "Size must be between 1 and 5",
                                                 "property": "messages"}
        key = {"x-line-retry-key": "123e4567-e89b-12d3-a456-426614174000", **auth}
        body = {"to": "U1", "messages": [{"type": "text", "text": "x"}]}
        first = httpx.post(f"{s.url}/v2/bot/message/push", headers=key, json=body)
        again = httpx.post(f"{s.url}/v2/bot/message/push", headers=key, json=body)
        assert first.status_code == 200 and again.status_code == 409
        assert again.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
        assert len(s.state.calls) == 1
        missing = httpx.get(f"{s.url}/v2/bot/message/123/content", headers=auth)
        assert missing.status_code == 404
        loading = httpx.post(f"{s.url}/v2/bot/chat/loading/start", headers=auth,
                             json={"chatId": "U1", "loadingSeconds": 7})
        assert loading.status_code == 400
