"""Demo accounts for `make run`: one per role, with a password and authenticator key printed
on the console. Never created in production (seed-demo refuses to run there)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.accounts import passwords
from portal.accounts.models import Role, User
from portal.db import utcnow
from portal.extensions import db
from portal.security import crypto

DEMO_PASSWORD = "xihu-demo-lantern-2026"
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"  # base32; any authenticator app accepts it
DEMO_EMAIL_DOMAIN = "example.invalid"  # reserved: mail to it can never reach anyone
DEMO_ACCOUNTS = (
    # Province level: manages every demo account and may enter the national holiday schedule.
    ("demo.admin", "演示管理员", Role.ADMIN, "330000", None),
    ("demo.handler", "演示执法人员", Role.HANDLER, "330106", "浙杭执字（演示）0001"),
    ("demo.reviewer", "演示法制审核", Role.REVIEWER, "330100", "浙杭审字（演示）0001"),
    ("demo.custodian", "演示举报人信息保管员", Role.CUSTODIAN, "330100", None),
    ("demo.supervisor", "演示社会监督员", Role.SUPERVISOR, "330106", None),
)


def seed() -> int:
    """Add the demo accounts that are missing, ready to sign in; returns how many."""
    existing = set(db.session.scalars(select(User.username)))
    added = 0
    for username, name, role, region, certificate in DEMO_ACCOUNTS:
        if username in existing:
            continue
        db.session.add(User(
            username=username, display_name=name, role=role, region_code=region,
            certificate_number=certificate, email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            password_hash=passwords.hash_password(DEMO_PASSWORD),
            must_change_password=False, totp_secret=crypto.encrypt_text(DEMO_TOTP_SECRET),
            totp_enrolled_at=utcnow(), privileged_since=utcnow() - dt.timedelta(days=365),
            # Two registry officers, so that one checks an import and the other applies it.
            registry_officer=role in (Role.ADMIN, Role.HANDLER)))
        added += 1
    db.session.flush()
    return added


# The area each demo account covers: its jurisdiction and everything inside it.
AREAS = {
    "330000": "Zhejiang province (浙江省, 330000): every city and county in it",
    "330100": "Hangzhou (杭州市, 330100): the city and its districts and counties",
    "330106": "Xihu district, Hangzhou (杭州市西湖区, 330106)",
}


def credentials() -> list[str]:
    """The lines `make run` prints: each account with its role and area, then the shared secrets."""
    lines = ["Demo sign-in at /login; each account sees its area and everything inside it:"]
    lines += [f"  {username:<16} {role.value:<10} {AREAS[region]}"
              for username, _name, role, region, _certificate in DEMO_ACCOUNTS]
    return lines + [
            "  (the demo institutions and blacklist entries in Chaoyang, Liaoning and in Xining are in no "
            "account's area: they show on the public pages)",
            f"  password: {DEMO_PASSWORD}",
            f"  authenticator key: {DEMO_TOTP_SECRET} (add it to any TOTP app, or: "
            f".venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\")"]
