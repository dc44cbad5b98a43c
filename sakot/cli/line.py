"""`sakot line-sim`: talk to the running app as a LINE user would, through the local simulator.

    sakot line-sim --serve                  run the LINE platform simulator in the foreground
    sakot line-sim "โดนหลอกโอนเงินค่ะ"       send a text, print what the bot answered
    sakot line-sim --image slip.png         send an image (e.g. a transfer slip)
    sakot line-sim --follow                 add the bot as a friend (greeting + privacy notice)
    sakot line-sim --user U1234... "..."    be a particular LINE user (default: one per machine)

The app must point at the simulator (see channels/line/simulator.py):
    SAKOT_LINE_CHANNEL_SECRET=dev-only-line-secret
    SAKOT_LINE_CHANNEL_ACCESS_TOKEN=dev-only-line-token
    SAKOT_LINE_API_BASE=http://127.0.0.1:8090 SAKOT_LINE_DATA_API_BASE=http://127.0.0.1:8090
If no simulator answers on --sim-port, one is started for the duration of the command.
"""

from __future__ import annotations

import mimetypes
import time
from pathlib import Path

import httpx
import typer

from sakot.settings import get_settings

USER_FILE = ".line-sim-user"
SIM_PORT = 8090  # channels.line.simulator.DEFAULT_PORT (imported lazily: keeps `sakot` quick)


def _default_user(settings) -> str:
    from channels.line import simulator as sim

    path = Path(settings.var_dir) / USER_FILE
    if path.exists():
        return path.read_text().strip()
    user = sim.new_user_id()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(user)
    return user


def line_sim(
    text: str = typer.Argument(None, help="The message to send (Thai is fine)."),
    image: Path = typer.Option(None, "--image", exists=True, dir_okay=False,
                               help="Send this image file instead of text."),
    user: str = typer.Option(None, "--user", help="LINE user id (U + 32 hex)."),
    follow: bool = typer.Option(False, "--follow", help="Send a follow (add friend) event."),
    serve: bool = typer.Option(False, "--serve", help="Run only the simulator, in the foreground."),
    sim_port: int = typer.Option(SIM_PORT, help="Simulator port."),
    app_url: str = typer.Option(None, help="The app (default SAKOT_PUBLIC_BASE_URL)."),
    wait: float = typer.Option(30.0, help="Seconds to wait for the bot's answer."),
    reply_token_ttl: float = typer.Option(60.0, help="Reply-token lifetime (simulator)."),
) -> None:
    """Send a LINE message to the running app through the local LINE simulator."""
    from channels.line import simulator as sim

    settings = get_settings()
    if serve:
        import uvicorn

        typer.echo(f"LINE simulator on http://127.0.0.1:{sim_port} (reply tokens live "
                   f"{reply_token_ttl:g}s); point SAKOT_LINE_API_BASE and "
                   "SAKOT_LINE_DATA_API_BASE here")
        token = (settings.line_channel_access_token.get_secret_value()
                 if settings.line_channel_access_token else sim.DEV_ACCESS_TOKEN)
        uvicorn.run(sim.create_simulator(access_token=token, reply_token_ttl=reply_token_ttl),
                    host="127.0.0.1", port=sim_port, log_level="warning")
        return
    if not (text or image or follow):
        raise typer.BadParameter("give a message, --image FILE or --follow")
    secret = (settings.line_channel_secret.get_secret_value()
              if settings.line_channel_secret else sim.DEV_CHANNEL_SECRET)
    token = (settings.line_channel_access_token.get_secret_value()
             if settings.line_channel_access_token else sim.DEV_ACCESS_TOKEN)
    app_url = (app_url or settings.public_base_url).rstrip("/")
    sim_url = f"http://127.0.0.1:{sim_port}"
    user = user or _default_user(settings)

    server = None
    try:
        httpx.get(f"{sim_url}/_sim/health", timeout=1.0).raise_for_status()
    except httpx.HTTPError:
        server = sim.SimulatorServer(port=sim_port, access_token=token,
                                     reply_token_ttl=reply_token_ttl).start()
        typer.echo(f"(started a LINE simulator on {sim_url} for this command)")
    try:
        exit_code = _exchange(sim_url, app_url, secret, user, text, image, follow, wait)
    finally:
        if server is not None:
            server.stop()
    raise typer.Exit(exit_code)


def _exchange(sim_url, app_url, secret, user, text, image, follow, wait) -> int:
    from channels.line import simulator as sim

    with httpx.Client(timeout=10.0) as client:
        mark = client.get(f"{sim_url}/_sim/calls").json()["last_seq"]
        reply_token = client.post(f"{sim_url}/_sim/tokens", json={"user_id": user}).json()[
            "reply_token"]
        if follow:
            event = sim.follow_event(user, reply_token)
        elif image:
            content_type = mimetypes.guess_type(image.name)[0] or "image/jpeg"
            message_id = client.post(f"{sim_url}/_sim/content", content=image.read_bytes(),
                                     headers={"content-type": content_type}).json()["message_id"]
            event = sim.image_event(user, message_id, reply_token)
        else:
            event = sim.text_event(user, text, reply_token)
        body = sim.webhook_body([event])
        try:
            response = client.post(f"{app_url}/line/webhook", content=body, headers={
                "content-type": "application/json",
                "x-line-signature": sim.sign(body, secret)})
        except httpx.HTTPError as exc:
            typer.echo(f"the app at {app_url} does not answer ({type(exc).__name__}); "
                       "start it with `sakot serve`")
            return 2
        if response.status_code != 200:
            typer.echo(f"the app refused the webhook: {response.status_code} {response.text}")
            return 1
        typer.echo(f"you ({user[:9]}…): {text or (image.name if image else '[follow]')}")
        answered = _print_answers(client, sim_url, user, mark, wait)
        if not answered:
            typer.echo(f"(no answer within {wait:g}s — is the app pointed at {sim_url}?)")
            return 1
    return 0


def _print_answers(client, sim_url, user, mark, wait) -> bool:
    from channels.line import simulator as sim

    deadline = time.monotonic() + wait
    answered, quiet_until = False, None
    while time.monotonic() < deadline:
        calls = client.get(f"{sim_url}/_sim/calls", params={"after": mark, "to": user}).json()
        for call in calls["calls"]:
            mark = max(mark, call["seq"])
            if call["kind"] in ("reply", "push"):
                answered = True
                quiet_until = time.monotonic() + 1.5
                for message in call["messages"]:
                    typer.echo(f"bot ({call['kind']}): {sim.rendered_text(message)}")
        if answered and time.monotonic() > quiet_until:
            break
        time.sleep(0.2)
    return answered
