"""``sakot data …``: commands about the NLU training data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Training data (nlu_data/): quality checks.", no_args_is_help=True)

_MAX_LISTED = 25


def _table(title: str, header: list[str], rows: list[list[object]]) -> str:
    cells = [header, *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [title]
    for k, r in enumerate(cells):
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
        if k == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render(report) -> str:  # report: tooling.data_check.Report
    out: list[str] = []
    out.append(
        f"examples: {report.train_examples} train, {report.heldout_examples} heldout"
    )
    for title, counts in (("Scam types", report.scam_types), ("Intents", report.intents)):
        rows = [
            [c.label, c.train, c.heldout, c.minimum or "-",
             "LOW" if c.minimum and c.train < c.minimum else "ok"]
            for c in counts
        ]
        out.append(_table(title, ["label", "train", "heldout", "min", ""], rows))
    div = {d.label: d for d in report.diversity}
    out.append(
        _table(
            "Lexical diversity (train, distinct word n-grams / all)",
            ["label", "n", "d1", "d2", "d3"],
            [[d.label, d.examples, d.distinct_1, d.distinct_2, d.distinct_3]
             for d in div.values()],
        )
    )
    out.append(
        f"exact duplicate groups: {len(report.exact_duplicates)}; "
        f"train near-duplicate pairs (J>=0.8): {len(report.near_duplicates)}; "
        f"leaked heldout examples (J>=0.6): {len(report.leaks)}; "
        f"annotation problems: {len(report.annotation_errors)}"
    )
    low = [p for p in report.problems if p.code == "too_few_train"]
    if low:
        out.append(f"too few train examples ({len(low)} labels):")
        out.append("  " + "; ".join(p.message.replace(" train examples, need ", "/") for p in low))
    errors = [p for p in report.problems if p.severity == "error" and p.code != "too_few_train"]
    warnings = [p for p in report.problems if p.severity != "error"]
    for name, items in (("ERRORS", errors), ("warnings", warnings)):
        if not items:
            continue
        out.append(f"{name} ({len(items)}):")
        for p in items[:_MAX_LISTED]:
            where = f" [{', '.join(p.sources)}]" if p.sources else ""
            out.append(f"  - {p.code}: {p.message}{where}")
        if len(items) > _MAX_LISTED:
            out.append(f"  … {len(items) - _MAX_LISTED} more (use --json for all)")
    out.append("OK" if report.ok else "NOT OK")
    return "\n".join(out)


@app.command()
def check(
    root: Annotated[Path, typer.Option(help="Data root holding train/ and heldout/.")] = Path(
        "nlu_data"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Count, de-duplicate and lint the NLU data; exit 1 when a hard problem is found."""
    from tooling.data_check import check_data
    from tooling.nlu_data import NluDataError

    try:
        report = check_data(root)
    except (NluDataError, FileNotFoundError) as exc:
        if as_json:
            typer.echo(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
        else:
            typer.echo(f"cannot read data: {exc}", err=True)
        raise typer.Exit(code=1) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        typer.echo(render(report))
    raise typer.Exit(code=0 if report.ok else 1)
