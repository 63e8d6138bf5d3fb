"""Response headers that every page gets."""

import base64
import hashlib

from flask import request

# The GOV.UK Frontend scripts are the only inline scripts: allowed by hash, not 'unsafe-inline'.
JS_ENABLED_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype "
    "? ' govuk-frontend-supported' : '');"
)
INIT_SCRIPT = "import { initAll } from '/assets/govuk-frontend.min.js'; initAll()"


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


CSP = "; ".join([
    "default-src 'self'",
    f"script-src 'self' {_sha256(JS_ENABLED_SCRIPT)} {_sha256(INIT_SCRIPT)}",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
])


HSTS = "max-age=31536000; includeSubDomains"


def init_app(app):
    @app.after_request
    def headers(response):
        if request.is_secure:
            # Only over HTTPS: a browser ignores it over HTTP, and local HTTP must keep working.
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":
            # Pages, downloads and exports may hold personal data: never kept in a cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
