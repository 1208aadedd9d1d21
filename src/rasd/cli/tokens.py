"""`rasd tokens add|list|revoke`: one write token per analyst; what an analyst writes through
the API (corrections, review decisions) carries the token's name as its author."""
from __future__ import annotations

import typer

from . import common, output

tokens_app = typer.Typer(help="Analysts' tokens: each analyst writes with a token of their own, and "
                              "corrections and review decisions carry its name. Only hashes are stored.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    tokens_app.command("add")(add)
    tokens_app.command("list")(list_tokens)
    tokens_app.command("revoke")(revoke)
    app.add_typer(tokens_app, name="tokens")


def add(ctx: typer.Context, name: str = typer.Argument(..., help="The analyst's name (the author shown in "
                                                                  "each event's history).")) -> None:
    """Make a token for an analyst and print it once (the store keeps only its hash)."""
    from ..analysts import check_name, hash_token, new_token

    try:
        check_name(name)
    except ValueError as exc:
        typer.echo(f"rasd: {exc}", err=True)
        raise typer.Exit(2)
    token = new_token()
    with common.store(ctx) as st:
        try:
            st.add_token(name, hash_token(token))
        except ValueError as exc:
            typer.echo(f"rasd: {exc}", err=True)
            raise typer.Exit(1)
    typer.echo(token)
    typer.echo(f"rasd: the token of {name!r} is above; it is shown only now (send it as "
               "'Authorization: Bearer <token>'; 'rasd tokens revoke' stops it)", err=True)


def list_tokens(ctx: typer.Context, fmt: str = output.FormatOption) -> None:
    """Every analyst's token: name, when made, when revoked (the tokens themselves are not kept)."""
    output.check_format(fmt)
    with common.store(ctx) as st:
        rows = [{"name": t.name, "created_at": t.created_at, "revoked_at": t.revoked_at,
                 "state": "revoked" if t.revoked_at else "working"} for t in st.list_tokens()]
    output.print_rows(rows, [("name", "NAME"), ("state", "STATE"), ("created_at", "CREATED"),
                             ("revoked_at", "REVOKED")], fmt, empty="rasd: no analyst tokens (rasd tokens add NAME)")


def revoke(ctx: typer.Context, name: str = typer.Argument(..., help="The analyst whose token stops working.")) -> None:
    """Stop an analyst's token working (the name stays, with what it wrote, and is not given again)."""
    with common.store(ctx) as st:
        done = st.revoke_token(name)
    if not done:
        typer.echo(f"rasd: no working token named {name!r} (rasd tokens list)", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked the token of {name!r}")
