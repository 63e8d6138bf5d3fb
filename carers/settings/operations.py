from carers.audit.operations import record as audit
from carers.core.database import transaction
from carers.extensions import db
from carers.settings.models import AgencySetting
from carers.settings.registry import BY_KEY, load_settings


def save_settings(values: dict, user) -> list[str]:
    """Store the settings that differ from before, audited, in one transaction; returns the
    keys that changed."""
    with transaction():
        current = load_settings()
        changed = [key for key, value in values.items()
                   if key in BY_KEY and current[key] != value]
        for key in changed:
            row = db.session.get(AgencySetting, key)
            if values[key] == BY_KEY[key].default:
                if row is not None:
                    db.session.delete(row)
            elif row is None:
                db.session.add(AgencySetting(key=key, value=values[key]))
            else:
                row.value = values[key]
        if changed:
            audit("update", "agency_setting", None,
                  {key: {"from": current[key], "to": values[key]} for key in changed},
                  user=user)
    return changed
