"""Who may ask whether the service is healthy: anyone (load balancers and monitors, which
do not sign in). The answer names no host, address or error."""

from carers.auth.policy import public

ROUTES = {
    "health.healthz": public(),
}
