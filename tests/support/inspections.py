"""Building draws for tests: prepared through the service, with a known seed when asked."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.inspections import algorithm, items, service
from portal.inspections.models import InspectionDraw, InspectionItem
from portal.security import crypto
from tests.support.accounts import staff_user

FIXED_SEED = "5eed" * 16


def city_items() -> list[int]:
    """The demo item list of Hangzhou (usable by a Xihu District draw)."""
    return list(db.session.scalars(select(InspectionItem.id).where(InspectionItem.region_code == "330100")
                                   .order_by(InspectionItem.id)))


def handler(username: str = "insp.handler", region: str = "330106") -> User:
    """The handler of that name, created the first time it is asked for."""
    found = db.session.scalar(select(User).where(User.username == username))
    return found or staff_user(username, region=region, display_name=f"{username} 测试")


def prepare_draw(user: User, **overrides) -> InspectionDraw:
    """A prepared draw of the user's jurisdiction (used by the staff access matrix too)."""
    values = dict(title="测试抽查", item_ids=city_items()[:2], ratio_percent=20, inspectors_per_target=2)
    values.update(overrides)
    return service.create_draw(user, service.DrawData(**values))


def with_seed(draw: InspectionDraw, seed: str = FIXED_SEED) -> InspectionDraw:
    """Replace a committed draw's sealed seed by a known one (and its commitment)."""
    draw.sealed_seed, draw.seed_commitment = crypto.encrypt_text(seed), algorithm.commitment(seed)
    db.session.flush()
    return draw


def item(user: User, name: str = "测试事项") -> InspectionItem:
    """An inspection item of the user's jurisdiction."""
    return items.save_item(user, items.ItemData(name, "《测试依据》", 10, "每年一次", items.Method.ON_SITE))
