"""Demo random inspections for `make run`: the city's item list, three enforcement officers to
draw from in Xihu District, one draw with published results and one committed but not drawn."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.extensions import db
from portal.inspections import service
from portal.inspections.models import InspectionDraw, InspectionItem, Method, Outcome
from portal.security import audit

REGULATIONS = "《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）；"
ITEMS = (
    ("办学许可与登记", REGULATIONS + "《民办教育促进法》第十二条", 20, "每年一次", Method.DOCUMENTS),
    ("消防安全", REGULATIONS + "《消防法》第十六条", 20, "每半年一次", Method.ON_SITE),
    ("收费与预收费资金监管", REGULATIONS + "《关于加强校外培训机构预收费监管工作的通知》", 15, "每季度一次",
     Method.DOCUMENTS),
    ("培训内容与时间", REGULATIONS + "《校外培训行政处罚暂行办法》（教育部令第53号）", 15, "每学期一次",
     Method.ON_SITE),
    ("广告宣传", REGULATIONS + "《广告法》第三十九条", 10, "每年一次", Method.ONLINE),
)
INSPECTORS = (("demo.inspector1", "王磊（演示）", "浙杭执字（演示）0101"),
              ("demo.inspector2", "李娜（演示）", "浙杭执字（演示）0102"),
              ("demo.inspector3", "陈刚（演示）", "浙杭执字（演示）0103"))
CITY = "330100"
DONE = "2026年第三季度西湖区校外培训机构双随机抽查（演示）"
WAITING = "2026年第四季度西湖区校外培训机构双随机抽查（演示）"
NOTES = {Outcome.NO_PROBLEM: "", Outcome.RECTIFY: "消防通道堆放杂物，已责令三日内整改（演示数据）。",
         Outcome.OTHER: "机构已停业，现场无人（演示数据）。"}
OUTCOMES = (Outcome.NO_PROBLEM, Outcome.RECTIFY, Outcome.NO_PROBLEM, Outcome.OTHER)


def _seed_items(region_code: str) -> list[InspectionItem]:
    """The city bureau's item list (county draws use the lists of the offices above them too)."""
    existing = {item.name: item for item in db.session.scalars(
        select(InspectionItem).where(InspectionItem.region_code == region_code))}
    for name, basis, ratio, frequency, method in ITEMS:
        if name not in existing:
            item = InspectionItem(region_code=region_code, name=name, legal_basis=basis, ratio_percent=ratio,
                                  frequency=frequency, method=method, active=True)
            db.session.add(item)
            db.session.flush()
            audit.record("demo", "inspection_item.added", "inspection_item", item.id,
                         after={"name": name, "region": region_code})
            existing[name] = item
    return [existing[name] for name, *_rest in ITEMS]


def _seed_inspectors() -> None:
    taken = set(db.session.scalars(select(User.username)))
    for username, name, certificate in INSPECTORS:
        if username not in taken:
            accounts.create_user(username, name, Role.HANDLER, "330106", certificate, actor="demo")


def _finished_draw(handler: User, item_ids: list[int], now: dt.datetime) -> None:
    data = service.DrawData(DONE, item_ids, ratio_percent=20, inspectors_per_target=2, weighting=True)
    draw = service.create_draw(handler, data, now=now - dt.timedelta(days=30))
    service.commit(draw, handler, now=now - dt.timedelta(days=29))
    assignments = service.reveal(draw, handler, now=now - dt.timedelta(days=28))
    first = assignments[0]
    proposed = service.recuse(draw, first, handler, first.inspector_id_list[0], "与该机构负责人系近亲属（演示数据）",
                              now=now - dt.timedelta(days=27))
    second = db.session.scalar(select(User).where(User.username == "demo.admin"))
    if second is not None and proposed.replacement_id is None:  # someone else's recusal: a second person
        service.confirm_recusal(draw, proposed, second, now=now - dt.timedelta(days=27))
    for index, assignment in enumerate(assignments):
        outcome = OUTCOMES[index % len(OUTCOMES)]
        service.record_result(draw, assignment, handler, outcome, NOTES[outcome], now=now - dt.timedelta(days=10))
    service.publish(draw, handler, now=now - dt.timedelta(days=9))


def seed() -> int:
    """Add the demo item list, inspectors and draws that are missing; returns how many draws."""
    handler = db.session.scalar(select(User).where(User.username == "demo.handler"))
    if handler is None:
        return 0
    item_ids = [item.id for item in _seed_items(CITY)]
    _seed_inspectors()
    titles = set(db.session.scalars(select(InspectionDraw.title)))
    now, added = clock.now(), 0
    if DONE not in titles:
        _finished_draw(handler, item_ids, now)
        added += 1
    if WAITING not in titles:
        draw = service.create_draw(handler, service.DrawData(WAITING, item_ids[1:4], ratio_percent=10,
                                                             inspectors_per_target=2), now=now)
        service.commit(draw, handler, now=now)
        added += 1
    db.session.flush()
    return added
