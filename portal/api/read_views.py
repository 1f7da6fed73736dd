"""The public lists as JSON: regions, the registry, the blacklist and the penalty disclosures,
through the services the pages call."""
from __future__ import annotations

from flask import current_app

from portal import clock
from portal.api import serialize
from portal.api.blueprint import PREFIX, answer, bp, json_response
from portal.api.params import bad, date_arg, enum_arg, flag_arg, listing, page_arg, region_arg, text_arg
from portal.blacklist import queries as blacklist
from portal.blacklist.models import BlacklistReason
from portal.casework.models import Category
from portal.disclosures import queries as disclosures
from portal.disclosures.models import PenaltyCategory
from portal.i18n import _, _l
from portal.institutions import service as institutions
from portal.institutions.models import InstitutionKind
from portal.regions import service as regions
from portal.security.headers import public_cache

answer(institutions.InstitutionNotFound, "not_found", _l("No institution has this id."), 404)
answer(blacklist.EntryNotFound, "not_found", _l("No blacklist entry has this id."), 404)
answer(disclosures.DisclosureNotFound, "not_found", _l("No published penalty decision has this id."), 404)


@bp.get(f"{PREFIX}/regions")
@public_cache(3600)
def list_regions():
    """Administrative divisions: a search, the children of one, or the provinces."""
    q = text_arg()
    parent = region_arg("parent")
    if q:
        rows = regions.search(q, limit=20)
    else:
        rows = regions.children(parent.code if parent else None)
    return json_response({"items": [serialize.region(row) for row in rows]})


@bp.get(f"{PREFIX}/institutions")
@public_cache(300)
def list_institutions():
    """The registry: search by name fragment or USCC, filtered by area and kind."""
    q, region, kind, number = text_arg(), region_arg(), enum_arg("kind", InstitutionKind), page_arg()
    whitelisted = flag_arg("whitelisted")
    query = institutions.InstitutionQuery(q, region.scope_prefix if region else None, kind, whitelisted == "true")
    page = institutions.search(query, number, current_app.config["PAGE_SIZE"])
    return listing(page, [serialize.institution(row) for row in page.items], "api.list_institutions",
                   q=q, region=region.code if region else None, kind=kind.value if kind else None,
                   whitelisted=whitelisted)


@bp.get(f"{PREFIX}/institutions/<int:institution_id>")
@public_cache(300)
def get_institution(institution_id: int):
    """One institution of the registry."""
    return json_response(serialize.institution(institutions.get(institution_id)))


@bp.get(f"{PREFIX}/blacklist")
@public_cache(300)
def list_blacklist():
    """The blacklist, as on /blacklist: listed entries, and removed ones with removed=true."""
    q, region, reason, number = text_arg(), region_arg(), enum_arg("reason", BlacklistReason), page_arg()
    removed = flag_arg("removed")
    query = blacklist.BlacklistQuery(q, region.scope_prefix if region else None, reason, removed == "true")
    page = blacklist.search(query, number, current_app.config["PAGE_SIZE"])
    return listing(page, [serialize.blacklist_entry(row) for row in page.items], "api.list_blacklist",
                   q=q, region=region.code if region else None, reason=reason.value if reason else None,
                   removed=removed)


@bp.get(f"{PREFIX}/blacklist/<int:entry_id>")
@public_cache(300)
def get_blacklist_entry(entry_id: int):
    """One public blacklist entry, with its public history and the disclosures it rests on."""
    row = blacklist.get_public(entry_id)
    return json_response(serialize.blacklist_entry(row, blacklist.public_history(row),
                                                   blacklist.linked_disclosures(row, clock.today())))


@bp.get(f"{PREFIX}/disclosures")
@public_cache(300)
def list_disclosures():
    """Penalty decisions within their publication period, as on /disclosures."""
    q, region, number = text_arg(), region_arg(), page_arg()
    violation, penalty = enum_arg("violation", Category), enum_arg("penalty", PenaltyCategory)
    decided_from, decided_to = date_arg("decided_from"), date_arg("decided_to")
    if decided_from and decided_to and decided_to < decided_from:
        raise bad("decided_to", _("This date is before the first one."))
    query = disclosures.DisclosureQuery(q, region.scope_prefix if region else None, violation, penalty,
                                        decided_from, decided_to)
    page = disclosures.search(query, number, current_app.config["PAGE_SIZE"], clock.today())
    return listing(page, [serialize.disclosure(row) for row in page.items], "api.list_disclosures",
                   q=q, region=region.code if region else None, violation=violation.value if violation else None,
                   penalty=penalty.value if penalty else None,
                   decided_from=decided_from.isoformat() if decided_from else None,
                   decided_to=decided_to.isoformat() if decided_to else None)


@bp.get(f"{PREFIX}/disclosures/<int:disclosure_id>")
@public_cache(300)
def get_disclosure(disclosure_id: int):
    """One penalty decision within its publication period."""
    return json_response(serialize.disclosure(disclosures.get_public(disclosure_id, clock.today())))
