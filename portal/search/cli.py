"""`flask --app portal search …`: maintaining the name index."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import delete, inspect, select

from portal.extensions import db

search_cli = AppGroup("search", help="The name index behind search by any fragment.")


def reindex() -> dict[str, int]:
    """Rebuild the grams of every institution and, where its table exists, every blacklist
    entry; returns how many records of each kind were indexed."""
    from portal.institutions.service import reindex_names
    from portal.search import grams
    from portal.search.models import NameGram

    counts = {"institutions": reindex_names()}
    if inspect(db.session.connection()).has_table("blacklist_entries"):
        from portal.blacklist.models import BlacklistEntry
        from portal.blacklist.service import GRAM_KIND

        records = list(db.session.execute(select(BlacklistEntry.id, BlacklistEntry.name)))
        db.session.execute(delete(NameGram).where(NameGram.kind == GRAM_KIND))
        grams.index(GRAM_KIND, records)
        counts["blacklist entries"] = len(records)
    return counts


@search_cli.command("reindex")
def search_reindex() -> None:
    """Rebuild the name index from the names themselves (after a bulk import or a restore)."""
    counts = reindex()
    db.session.commit()
    click.echo("search index rebuilt: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
