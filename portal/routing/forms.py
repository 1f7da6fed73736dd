"""The destinations of 转办 and 移送, and their step forms. The record keeps the destination in
Chinese, the official language of the file."""
from __future__ import annotations

from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from portal.forms import TOO_LONG
from portal.i18n import LabelledEnum, _l, _lp
from portal.text import clean_text

TEXT_MAX = 5000


class Department(LabelledEnum):
    """Where a complaint is transferred (转办): another education office or the department
    responsible. Never a kind of training: "Sports" here is the department (its own context)."""
    EDUCATION = "education", _l("Another jurisdiction's education office")
    MARKET = "market", _l("Market regulation")
    CIVIL = "civil", _l("Civil affairs")
    CULTURE = "culture", _l("Culture and tourism")
    SPORTS = "sports", _lp("department", "Sports")
    CYBERSPACE = "cyberspace", _l("Cyberspace affairs (网信)")
    SCIENCE = "science", _lp("department", "Science and technology")
    COMPREHENSIVE = "comprehensive", _lp("department", "Comprehensive administrative law enforcement")
    FIRE = "fire", _l("Fire and rescue")


class Authority(LabelledEnum):
    """Where an enforcement matter or a suspected crime is referred (移送)."""
    POLICE = "police", _l("Public security (suspected crime; a copy goes to the procuratorate)")
    MARKET = "market", _l("Market regulation (enforcement)")
    COMPREHENSIVE = "comprehensive", _lp("enforcement authority", "Comprehensive administrative law enforcement")
    CULTURE = "culture", _l("Culture market enforcement")
    FIRE = "fire", _l("Fire and rescue (fire safety enforcement)")
    EDUCATION = "education", _l("Another jurisdiction's education office (enforcement)")


def _destination(label) -> StringField:
    return StringField(label, filters=[clean_text],
                       validators=[InputRequired(_l("Name the office the case goes to.")),
                                   Length(max=150, message=TOO_LONG)],
                       description=_l("For example 西湖区市场监督管理局. Shown to the reporter."))


def _reason(message) -> TextAreaField:
    return TextAreaField(_l("Reason (shown to the reporter)"), filters=[clean_text],
                         validators=[InputRequired(message), Length(max=TEXT_MAX, message=TOO_LONG)])


class TransferForm(FlaskForm):
    department = SelectField(_l("Transfer to"), choices=[SelectChoice(d.value, d.label) for d in Department])
    destination = _destination(_l("Name of the office"))
    text = _reason(_l("Give the reason for the transfer."))

    def destination_text(self) -> str:
        with force_locale("zh_CN"):
            return f"{Department(self.department.data).label}：{self.destination.data}"


class ReferForm(FlaskForm):
    authority = SelectField(_l("Refer to"), choices=[SelectChoice(a.value, a.label) for a in Authority])
    destination = _destination(_l("Name of the authority"))
    procuratorate = StringField(
        _l("Procuratorate receiving the copy"), filters=[clean_text], validators=[Length(max=100, message=TOO_LONG)],
        description=_l("Required for a suspected crime: the people's procuratorate at the same level, for example "
                       "西湖区人民检察院."))
    text = _reason(_l("Give the reason for the referral."))

    def validate_procuratorate(self, field) -> None:
        if self.authority.data == Authority.POLICE.value and not field.data:
            raise ValidationError(_l("A suspected crime goes to the police with a copy to the procuratorate: "
                                     "name it."))

    def destination_text(self) -> str:
        with force_locale("zh_CN"):
            text = f"{Authority(self.authority.data).label}：{self.destination.data}"
            return f"{text}（抄送：{self.procuratorate.data}）" if self.authority.data == Authority.POLICE.value \
                else text
