"""The form administrators enter a year's official holiday schedule with."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal.forms import clean_text
from portal.i18n import _l


class ScheduleForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Give the year the schedule is for.")),
                                                NumberRange(2000, 2100, _l("Give a year between 2000 and 2100."))])
    source = StringField(_l("Source"), filters=[clean_text],
                         validators=[DataRequired(_l("Name the notice the schedule comes from.")), Length(max=200)],
                         description=_l("For example 国务院办公厅关于2027年部分节假日安排的通知"))
    rows = TextAreaField(_l("Days"), validators=[DataRequired(_l("Enter the days of the schedule.")),
                                                 Length(max=20000)],
                         description=_l("One day per line: date,kind,name. Kind is holiday (a day off) or "
                                        "workday (an adjusted working weekend). Example: 2027-10-09,workday,国庆节"))
