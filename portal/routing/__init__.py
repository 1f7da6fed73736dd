"""Where a case goes when it is not this office's: 转办 (a complaint sent to another office or
department) and 移送 (an enforcement matter or a suspected crime handed to the authority; a
suspected crime to 公安机关, with a copy to the procuratorate, 国务院令第310号). The steps are
casework's; this feature gives them their destinations and forms."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Give casework's transfer and referral steps their forms."""
    from portal import case_panels as panels
    from portal.routing.forms import ReferForm, TransferForm

    panels.add_step_form(app, "transfer", TransferForm)
    panels.add_step_form(app, "refer", ReferForm)
