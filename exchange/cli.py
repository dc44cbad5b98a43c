"""``python -m exchange …``: run the AOC exchange service, manage its keys, act as a bank.

The exchange is its own service with its own entry point; `sakot up` starts it by module name.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

app = typer.Typer(help="The AOC exchange service (port 8100): serve, keys, bank demo.",
                  no_args_is_help=True, add_completion=False)

ACK_STATUSES = ("held", "not_found", "insufficient_funds", "released")


def _settings():
    from pydantic import ValidationError

    from exchange.settings import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            typer.echo(f"error: {error['msg']}", err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default SAKOT_EXCHANGE_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="Default SAKOT_EXCHANGE_PORT (8100)")] = None,
) -> None:
    """Run the exchange (migrates its database first; seeds dev keys in development)."""
    import uvicorn

    from servicekit.logging import configure_logging

    settings = _settings()
    # The same identifier-masking log handler as every Sakot process.
    configure_logging(level="INFO", json_output=settings.env == "production")
    uvicorn.run("exchange.app:create_app", factory=True, host=host or settings.host,
                port=port or settings.port, log_config=None)


@app.command()
def migrate() -> None:
    """Bring the exchange database (SAKOT_EXCHANGE_DATABASE_URL) to the newest schema."""
    from exchange.db import migrate as run

    settings = _settings()
    run(settings.database_url)
    typer.echo("exchange database is up to date")


def _session():
    from exchange.db import make_engine, make_session_factory

    settings = _settings()
    return make_session_factory(make_engine(settings.database_url))()


@app.command("create-key")
def create_key(
    agency: Annotated[str, typer.Option(help="Agency code, e.g. KBANK, SAKOT, CCIB")],
    role: Annotated[str, typer.Option(
        help="reporter | bank | police | dsi | amlo | nbtc | aoc")],
    name: Annotated[str | None, typer.Option(help="Display name for a new agency")] = None,
    bank_code: Annotated[str | None, typer.Option(help="3-digit code for a new bank")] = None,
    days: Annotated[int | None, typer.Option(
        help="Lifetime in days (default SAKOT_EXCHANGE_DEFAULT_KEY_LIFETIME_DAYS; 0 = never)"
    )] = None,
    label: Annotated[str, typer.Option(help="Free text, e.g. who holds the key")] = "",
) -> None:
    """Issue a new key (the agency is created if needed). The secret is printed once.

    Rotation: create a second key, move the client to it, then `revoke-key` the old one.
    """
    from exchange.db import migrate as run_migrations
    from exchange.keys import KeyError_, create_key as issue, get_or_create_agency
    from exchange.schemas import Role

    settings = _settings()
    run_migrations(settings.database_url)
    try:
        role_enum = Role(role)
    except ValueError:
        raise typer.BadParameter(f"unknown role {role!r}", param_hint="--role") from None
    lifetime = settings.default_key_lifetime_days if days is None else (days or None)
    with _session() as session:
        try:
            agency_row = get_or_create_agency(session, code=agency, role=role_enum, name=name,
                                              bank_code=bank_code)
            issued = issue(session, agency=agency_row, lifetime_days=lifetime, label=label,
                           master_secret=settings.master_secret.get_secret_value())
        except KeyError_ as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        session.commit()
    typer.echo(f"agency:  {issued.agency_code} ({issued.role})")
    typer.echo(f"key id:  {issued.key_id}")
    typer.echo(f"secret:  {issued.secret}")
    typer.echo(f"expires: {issued.expires_at.isoformat() if issued.expires_at else 'never'}")
    typer.echo("Store the secret now; the exchange cannot show it again without the master "
               "secret.", err=True)


@app.command("revoke-key")
def revoke_key(key_id: Annotated[str, typer.Argument(help="The key id to revoke")]) -> None:
    """Revoke a key at once (its agency's other keys keep working)."""
    from exchange.keys import KeyError_, revoke_key as revoke

    with _session() as session:
        try:
            key = revoke(session, key_id)
        except KeyError_ as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        session.commit()
        typer.echo(f"revoked {key.key_id} at {key.revoked_at.isoformat()}")


@app.command("list-keys")
def list_keys(agency: Annotated[str | None, typer.Option()] = None) -> None:
    """List keys (never secrets) with their state."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from exchange.keys import key_is_active
    from exchange.models import Agency, ApiKey

    with _session() as session:
        query = select(ApiKey).options(selectinload(ApiKey.agency)).order_by(ApiKey.id)
        if agency:
            query = query.join(Agency).where(Agency.code == agency.upper())
        for key in session.scalars(query):
            state = "active" if key_is_active(key) else (
                "revoked" if key.revoked_at else "expired")
            expires = key.expires_at.date().isoformat() if key.expires_at else "never"
            typer.echo(f"{key.agency.code:8} {key.agency.role:9} {key.key_id:28} {state:8} "
                       f"expires {expires}  {key.secret_mode}")


def _bank_client(code: str, url: str | None, key_id: str | None, secret: str | None):
    from exchange.client import AgencyClient

    settings = _settings()
    key_id = key_id or os.environ.get("SAKOT_EXCHANGE_BANK_KEY_ID")
    secret = secret or os.environ.get("SAKOT_EXCHANGE_BANK_SECRET")
    if not (key_id and secret):
        if not settings.is_development:
            typer.echo("error: pass --key-id and --secret (or SAKOT_EXCHANGE_BANK_KEY_ID / "
                       "SAKOT_EXCHANGE_BANK_SECRET)", err=True)
            raise typer.Exit(2)
        from exchange.seed import dev_key_for

        try:
            key_id, secret = dev_key_for(code)
        except LookupError:
            typer.echo(f"error: no development key for {code}; pass --key-id/--secret",
                       err=True)
            raise typer.Exit(2) from None
        typer.echo(f"(development) using the public dev key {key_id}", err=True)
    base = url or os.environ.get("SAKOT_EXCHANGE_URL") or f"http://127.0.0.1:{settings.port}"
    return AgencyClient(base, key_id=key_id, secret=secret)


def _show(items: list[dict]) -> None:
    if not items:
        typer.echo("no requests")
        return
    for n, fr in enumerate(items, 1):
        dest = fr["destination"]
        where = dest.get("account_no") or f"PromptPay {dest.get('promptpay_id')}"
        held = f" held {fr['amount_held']}" if fr.get("amount_held") else ""
        amount = f"{fr['requested_amount']} THB" if fr.get("requested_amount") \
            else "amount unknown"
        typer.echo(f"{n:3}. {fr['effective_priority']} {fr['id']}  {where}  "
                   f"{amount}  cluster {fr['cluster_size']}  "
                   f"{fr['status']}{held}")
        for t in fr.get("transfers", []):
            typer.echo(f"       {t.get('transfer_date') or 'date ?'} "
                       f"{t.get('transfer_time') or ''} {t.get('transfer_amount') or 'amount ?'}"
                       f" ref {t.get('transfer_ref') or '-'}")


@app.command()
def bank(
    code: Annotated[str, typer.Option(help="Bank agency code, e.g. KBANK")],
    url: Annotated[str | None, typer.Option(help="Exchange base URL")] = None,
    key_id: Annotated[str | None, typer.Option(help="Bank key id")] = None,
    secret: Annotated[str | None, typer.Option(help="Bank key secret")] = None,
    show: Annotated[str, typer.Option(help="Which requests to list: a status or 'all'")] =
        "pending",
    ack: Annotated[str | None, typer.Option(help="Acknowledge this freeze request id")] = None,
    status: Annotated[str | None, typer.Option(
        help="With --ack: held | not_found | insufficient_funds | released")] = None,
    amount: Annotated[str | None, typer.Option(help="With --ack: amount held (THB)")] = None,
    bank_case_id: Annotated[str | None, typer.Option(help="With --ack: your case id")] = None,
    note: Annotated[str | None, typer.Option(help="With --ack: free text")] = None,
    interactive: Annotated[bool, typer.Option(
        "--interactive/--no-interactive", help="Prompt to acknowledge listed requests")] = True,
) -> None:
    """Act as a bank: list the queue and acknowledge (with flags, or interactively)."""
    client = _bank_client(code, url, key_id, secret)
    try:
        if ack:
            if status not in ACK_STATUSES:
                raise typer.BadParameter(f"--status must be one of {', '.join(ACK_STATUSES)}")
            _send_ack(client, ack, status, amount, bank_case_id, note)
            return
        response = client.bank_queue(code, None if show == "all" else show)
        if response.status_code != 200:
            typer.echo(f"error {response.status_code}: {response.text}", err=True)
            raise typer.Exit(1)
        items = response.json()["items"]
        _show(items)
        while interactive and items:
            choice = typer.prompt("acknowledge which number (empty to quit)", default="",
                                  show_default=False)
            if not choice.strip():
                break
            if not choice.isdigit() or not 1 <= int(choice) <= len(items):
                typer.echo("pick a number from the list")
                continue
            fr = items[int(choice) - 1]
            st = typer.prompt(f"status ({'/'.join(ACK_STATUSES)})", default="held")
            if st not in ACK_STATUSES:
                typer.echo("unknown status")
                continue
            amt = typer.prompt("amount held", default=fr.get("requested_amount") or "") \
                if st in ("held", "insufficient_funds") else None
            case_id = typer.prompt("bank case id", default="", show_default=False) or None
            _send_ack(client, fr["id"], st, amt, case_id, None)
    finally:
        client.close()


def _send_ack(client, fr_id: str, status: str, amount: str | None, bank_case_id: str | None,
              note: str | None) -> None:
    body = {"status": status}
    if amount:
        body["amount_held"] = amount.replace(",", "")
    if bank_case_id:
        body["bank_case_id"] = bank_case_id
    if note:
        body["note"] = note
    response = client.ack(fr_id, **body)
    if response.status_code != 200:
        typer.echo(f"error {response.status_code}: {response.text}", err=True)
        raise typer.Exit(1)
    result = response.json()
    fr = result["freeze_request"]
    typer.echo(f"{fr_id}: {result['outcome']} -> {fr['status']}"
               + (f" held {fr['amount_held']}" if fr.get("amount_held") else ""))


@app.command()
def outbox(
    retry_dead: Annotated[bool, typer.Option(
        "--retry-dead", help="Give deliveries that gave up a fresh set of attempts")] = False,
) -> None:
    """Show callback/webhook deliveries by state; optionally re-queue the dead ones."""
    from sqlalchemy import func, select, update

    from exchange.models import Delivery, utcnow

    with _session() as session:
        if retry_dead:
            result = session.execute(update(Delivery).where(Delivery.status == "dead").values(
                status="pending", attempts=0, next_attempt_at=utcnow(), lease_until=None))
            session.commit()
            typer.echo(f"re-queued {result.rowcount} dead deliveries")
        rows = session.execute(select(Delivery.kind, Delivery.status, func.count())
                               .group_by(Delivery.kind, Delivery.status)
                               .order_by(Delivery.kind, Delivery.status)).all()
        for kind, status, count in rows:
            typer.echo(f"{kind:9} {status:10} {count}")
        for d in session.scalars(select(Delivery).where(Delivery.status != "delivered")
                                 .order_by(Delivery.id).limit(20)):
            typer.echo(f"  {d.event_id} {d.kind} {d.status} attempts={d.attempts} "
                       f"next={d.next_attempt_at.isoformat(timespec='seconds')} "
                       f"error={d.last_error or '-'}")
