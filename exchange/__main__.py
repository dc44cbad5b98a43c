"""`python -m exchange …`: the exchange's own command line (exchange/cli.py)."""

from exchange.cli import app

if __name__ == "__main__":
    app(prog_name="python -m exchange")
