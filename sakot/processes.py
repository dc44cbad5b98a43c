"""The product's processes and a small supervisor that runs them together (`sakot up`).

Each process is a row in `product_processes()`: a name, a command, and a readiness check that
says whether what it needs has been built yet. The supervisor starts the ready ones, prefixes
their output, and stops all of them when one dies or on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sakot.rasa_env import rasa_env
from sakot.settings import PROJECT_ROOT, Settings

RASA_VENV = PROJECT_ROOT / ".venv-rasa"

# Runs stock `rasa` with its HTTP API behind the sidecar token. The token comes from the
# environment (rasa_env), not the command line, which every user of the host can read in ps.
RASA_LAUNCHER = (
    "import os, sys; from rasa.__main__ import main; "
    "sys.argv = ['rasa', *sys.argv[1:], '--auth-token', os.environ['SAKOT_SIDECAR_TOKEN']]; "
    "sys.exit(main())"
)


def rasa_argv(settings: Settings, *, port: int, model_dir: Path) -> list[str]:
    """`rasa run` with the API on and token-protected, bound to SAKOT_SIDECAR_HOST; no CORS."""
    if not settings.sidecar_token.get_secret_value():
        raise ValueError("SAKOT_SIDECAR_TOKEN is empty: Rasa's API would be open")
    return [str(RASA_VENV / "bin" / "python"), "-c", RASA_LAUNCHER, "run", "--enable-api",
            "--model", str(model_dir),
            "--endpoints", str(PROJECT_ROOT / "dialogue" / "endpoints.yml"),
            "--credentials", str(PROJECT_ROOT / "dialogue" / "credentials.yml"),
            "--port", str(port), "--interface", settings.sidecar_host]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    missing: Callable[[], str | None] = lambda: None  # why it can't start yet, or None
    env: dict[str, str] = field(default_factory=dict)


def _sakot(*args: str) -> list[str]:
    return [sys.executable, "-m", "sakot", *args]


def _needs(path: Path, hint: str) -> Callable[[], str | None]:
    return lambda: None if path.exists() else f"{path.relative_to(PROJECT_ROOT)} missing ({hint})"


def product_processes(settings: Settings) -> list[ProcessSpec]:
    rasa_model_dir = settings.models_dir / "rasa"
    return [
        ProcessSpec("app", _sakot("serve")),
        # Its own service: started by module name, never imported by Sakot.
        ProcessSpec("exchange", [sys.executable, "-m", "exchange", "serve"],
                    missing=_needs(PROJECT_ROOT / "exchange" / "app.py", "exchange service"),
                    # Status callbacks come back to this app unless configured otherwise.
                    env={"SAKOT_EXCHANGE_CALLBACK_URL": os.environ.get(
                        "SAKOT_EXCHANGE_CALLBACK_URL",
                        f"http://127.0.0.1:{settings.port}/exchange/callback")}),
        ProcessSpec("nlu", _sakot("models", "serve-nlu"),
                    missing=_needs(settings.models_dir / "classifier", "run `make setup`")),
        ProcessSpec("actions", _sakot("actions"),
                    missing=_needs(PROJECT_ROOT / "actions" / "actions.py", "action server")),
        ProcessSpec(
            "rasa",
            rasa_argv(settings, port=settings.rasa_port, model_dir=rasa_model_dir),
            missing=_needs(rasa_model_dir, "run `make setup` to train the dialogue model"),
            env=rasa_env(settings),
        ),
        ProcessSpec("worker", _sakot("worker"),
                    missing=_needs(PROJECT_ROOT / "bot" / "outbox" / "worker.py", "outbox worker")),
    ]


class Supervisor:
    """Runs processes in the foreground, streams their output, stops them together."""

    def __init__(self, specs: list[ProcessSpec], out=sys.stdout) -> None:
        self.specs = specs
        self.out = out
        self.procs: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()

    def _pump(self, name: str, stream) -> None:
        width = max(len(s.name) for s in self.specs)
        for line in iter(stream.readline, ""):
            with self._lock:
                self.out.write(f"{name:<{width}} | {line}")
                self.out.flush()

    def start(self) -> None:
        for spec in self.specs:
            env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **spec.env}
            proc = subprocess.Popen(
                spec.argv, cwd=PROJECT_ROOT, env=env, text=True, bufsize=1,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
            )
            self.procs[spec.name] = proc
            threading.Thread(target=self._pump, args=(spec.name, proc.stdout), daemon=True).start()

    def wait(self) -> int:
        """Block until Ctrl-C / SIGTERM or until any process exits; then stop the rest."""
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        exit_code = 0
        while not stop.is_set():
            for name, proc in self.procs.items():
                code = proc.poll()
                if code is not None:
                    self.out.write(f"[sakot] {name} exited with code {code}; stopping the rest\n")
                    exit_code = code or 1
                    stop.set()
                    break
            stop.wait(0.5)
        self.stop()
        return exit_code

    def stop(self, grace_seconds: float = 10.0) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
