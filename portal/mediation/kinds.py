"""The written mediation result (SAMR 暂行办法 arts. 16–22): issued by the notices listener when
mediation ends with an agreement or without one; the failure names the other routes (arbitration,
the courts, 12315). The text is Chinese, as the office issues it."""
from __future__ import annotations

from portal.extensions import db
from portal.i18n import _l
from portal.institutions.models import Institution
from portal.mediation import clocks
from portal.mediation.models import EndReason, PaidHow
from portal.notices.kinds import Facts, Kind, cn_date, paragraphs

BASIS = "《市场监督管理投诉举报处理暂行办法》第十六条至第二十二条"
PAID_HOW = {PaidHow.BANK_TRANSFER: "银行转账", PaidHow.ORIGINAL_ROUTE: "按原支付渠道退回",
            PaidHow.SUPERVISED_ACCOUNT: "从预收费监管账户退付", PaidHow.CASH: "现金支付并出具收据"}
WHY = {EndReason.PARENT_REFUSED: "您拒绝调解或者撤回调解申请",
       EndReason.INSTITUTION_REFUSED: "被投诉机构拒绝调解或者拒绝达成调解协议",
       EndReason.NO_AGREEMENT: "经组织调解，双方无法达成调解协议",
       EndReason.LIMIT_PASSED: "自决定调解之日起{days}个工作日内双方未能达成调解协议"}
_OPENING = ("　　本机关于{received_on}收到您反映的与{institution}之间的争议，您申请调解。"
            "本机关于{taken_on}决定组织调解。")


def _institution(f: Facts) -> str:
    complaint = f.complaint
    if complaint.institution_id:
        found = db.session.get(Institution, complaint.institution_id)
        if found is not None:
            return found.name
    return complaint.institution_name or "被投诉机构"


def _common(f: Facts) -> dict:
    return {"received_on": cn_date(f.complaint.received_on), "institution": _institution(f),
            "taken_on": cn_date(f.record.decided_on), "ended_on": cn_date(f.record.ended_on),
            "summary": paragraphs(f.record.summary) or "　　（无）"}


def _agreed(f: Facts) -> dict:
    amount = f.record.amount
    return {**_common(f), "amount": f"{amount:,.2f}", "pay_by": cn_date(f.record.pay_by),
            "paid_how": PAID_HOW[f.record.paid_how]}


def _failed(f: Facts) -> dict:
    days = clocks.conclusion_rule(f.record.region_code, f.record.decided_on).days
    return {**_common(f), "why": WHY[f.record.end_reason].format(days=days)}


KINDS = [
    Kind("mediation_agreed", "调解结果告知书", _l("Written mediation result: agreement"), "调",
         ("mediation_case", "agree"),
         ("received_on", "institution", "taken_on", "ended_on", "amount", "pay_by", "paid_how", "summary"),
         _OPENING + "经调解，您与{institution}于{ended_on}自愿达成调解协议：{institution}向您退还人民币{amount}元，"
         "于{pay_by}前以{paid_how}的方式支付。协议的其他内容如下：\n{summary}\n"
         "　　款项到账后，请凭查询码在本平台确认；到期未收到的，也请在本平台告知，本机关将重新处理，并记入该机构"
         "履行调解协议的情况。本告知依据" + BASIS + "作出。",
         _agreed, closing="特此告知。"),
    Kind("mediation_failed", "终止调解告知书", _l("Written mediation result: no agreement"), "终调",
         ("mediation_case", "end"), ("received_on", "institution", "taken_on", "ended_on", "why", "summary"),
         _OPENING + "因{why}，本机关于{ended_on}终止调解。情况如下：\n{summary}\n"
         "　　调解遵循自愿原则，未达成调解协议的，您可以通过以下途径解决：您与{institution}订有仲裁协议的，可以"
         "向约定的仲裁机构申请仲裁；可以依法向人民法院提起诉讼；也可以通过全国12315平台或者拨打12315热线向市场"
         "监督管理部门投诉。责令退还费用只能随行政处罚决定作出；您反映的事项涉嫌违法的，本机关将依法另行处理。"
         "本告知依据" + BASIS + "作出。",
         _failed, closing="特此告知。"),
]
