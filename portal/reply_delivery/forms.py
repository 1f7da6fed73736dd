"""The delivery of a written reply by post or in person, as staff record it."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from portal.forms import PlainDateField
from portal.i18n import _l
from portal.reply_delivery.service import BY_HAND


class DeliveryForm(FlaskForm):
    how = RadioField(_l("How the reply was delivered"), choices=[SelectChoice(m.value, m.label) for m in BY_HAND],
                     validators=[InputRequired(_l("Choose how the reply was delivered."))])
    day = PlainDateField(_l("Day the reporter received it"),
                         validators=[InputRequired(_l("Give the day the reporter received the reply."))],
                         description=_l("As on the postal return receipt (回执) or the signed acknowledgement, "
                                        "for example 2026-12-01."))
