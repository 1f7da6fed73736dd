"""Managing the 12345 platforms allowed to call the portal: an administrator with server access
adds one (its client id and secret are shown once), changes its callback address, issues a new
secret, or stops it. Every change is audited; the secret never is."""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from sqlalchemy import select

from portal.errors import Invalid, NotFound
from portal.extensions import db
from portal.hotline import signing
from portal.hotline.models import Partner
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.security import audit, crypto


class PartnerNotFound(NotFound):
    """No partner has this client id."""


class CallbackNotAllowed(Invalid):
    """A callback address must be https (plain http only to this machine, for trials)."""


class RegionNotServed(Invalid):
    """A partner serves a province, a city or a county, never the whole country."""


def _check_callback(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    local = host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host).is_loopback)
    if not host or parts.scheme not in ("https", "http") or (parts.scheme == "http" and not local) \
            or parts.username or parts.password or parts.fragment or len(url) > 300:
        raise CallbackNotAllowed(url[:40])
    return url.strip()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def add(actor: str, name: str, region_code: str, callback_url: str) -> tuple[Partner, str]:
    """A new partner and its secret (shown once to the administrator, kept only encrypted)."""
    region = regions.get(region_code)
    if region.level is RegionLevel.COUNTRY:
        raise RegionNotServed(region_code)
    secret = signing.new_secret()
    partner = Partner(client_id=signing.new_client_id(), name=name.strip()[:100], region_code=region.code,
                      secret_encrypted=crypto.encrypt_text(secret), callback_url=_check_callback(callback_url))
    db.session.add(partner)
    db.session.flush()
    audit.record(actor, "hotline.partner_added", "hotline_partner", partner.id,
                 after={"client_id": partner.client_id, "name": partner.name, "region": partner.region_code,
                        "callback_url": partner.callback_url})
    return partner, secret


def get(client_id: str) -> Partner:
    """The partner with this client id, active or not."""
    partner = db.session.scalar(select(Partner).where(Partner.client_id == client_id))
    if partner is None:
        raise PartnerNotFound(client_id[:40])
    return partner


def listed() -> list[Partner]:
    """Every partner, in the order they were added."""
    return list(db.session.scalars(select(Partner).order_by(Partner.id)))


def new_secret(actor: str, client_id: str) -> str:
    """Replace the partner's secret; the old one stops working at once (requests and callbacks)."""
    partner = get(client_id)
    secret = signing.new_secret()
    partner.secret_encrypted = crypto.encrypt_text(secret)
    db.session.flush()
    audit.record(actor, "hotline.partner_secret_replaced", "hotline_partner", partner.id,
                 after={"client_id": partner.client_id})
    return secret


def set_callback(actor: str, client_id: str, callback_url: str) -> Partner:
    """Send the partner's callbacks to another address (those already queued go there too)."""
    partner = get(client_id)
    before = partner.callback_url
    partner.callback_url = _check_callback(callback_url)
    db.session.flush()
    audit.record(actor, "hotline.partner_callback_changed", "hotline_partner", partner.id,
                 before={"callback_url": before}, after={"callback_url": partner.callback_url})
    return partner


def set_active(actor: str, client_id: str, active: bool, reason: str) -> Partner:
    """Stop a partner (its requests are refused, its callbacks give up) or let it in again."""
    partner = get(client_id)
    if not reason.strip():
        raise Invalid("reason")
    before, partner.active = partner.active, active
    db.session.flush()
    audit.record(actor, "hotline.partner_enabled" if active else "hotline.partner_disabled", "hotline_partner",
                 partner.id, before={"active": before}, after={"active": active}, reason=reason.strip()[:500])
    return partner


def secret_of(partner: Partner) -> str:
    """The partner's secret, for checking or making a signature."""
    return crypto.decrypt_text(partner.secret_encrypted)
