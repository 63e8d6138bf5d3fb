from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import Optional

from carers.core.forms import GovForm
from carers.pipeline import Pathway
from carers.register.rules import Status


class RegisterFilterForm(GovForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    pathway = SelectField("Pathway", widget=GovSelect(), validators=[Optional()],
                          choices=[("", "Both")] + [(p.value, p.label) for p in Pathway])
    status = SelectField("Status", widget=GovSelect(), validators=[Optional()],
                         choices=[("", "Any")] + [(s.value, s.label) for s in Status])
