"""Who may use which staff page. Views ask here rather than checking roles themselves."""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user


def roles_required(*roles):
    """Signed-in staff holding at least one of these roles; others get 403 (or sign in)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator
