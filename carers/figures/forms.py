"""The figures' filters: a period, a pathway, a team and a worker; and the return's year."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import Optional

from carers.core.forms import GovDateField, GovForm, submit_button
from carers.figures.periods import PERIOD_KINDS
from carers.pipeline.stages import Pathway


class FiguresFilterForm(GovForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    period = SelectField("Period", widget=GovSelect(), validators=[Optional()],
                         choices=list(PERIOD_KINDS.items()), default="year")
    start = GovDateField("From", validators=[Optional()], subject="The start date",
                         description="For dates of your own. For example, 1 4 2026")
    end = GovDateField("To", validators=[Optional()], subject="The end date",
                       description="For example, 31 3 2027")
    pathway = SelectField("Pathway", widget=GovSelect(), validators=[Optional()],
                          choices=[("", "Both")] + [(p.value, p.label) for p in Pathway])
    team = SelectField("Team", widget=GovSelect(), validators=[Optional()])
    worker = SelectField("Worker", widget=GovSelect(), validators=[Optional()])
    submit = submit_button("Show figures")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.period.data == "custom":
            for field in (self.start, self.end):
                if field.data is None and not field.errors:
                    field.errors = [f"Enter {field.subject.lower()}, or choose another period"]
                    valid = False
        return valid


class YearForm(GovForm):
    class Meta:
        csrf = False

    year = SelectField("Year (1 April to 31 March)", widget=GovSelect(),
                       validators=[Optional()])
    submit = submit_button("Show the return")
