"""gunicorn's settings for the web service, from the environment:

    gunicorn -c python:carers.core.gunicorn_conf 'carers:create_app()'

``WEB_BIND``     where to listen (default 127.0.0.1:8000, behind a proxy on the same machine)
``WEB_WORKERS``  worker processes (default 2 x CPU cores + 1, at most 8)
``WEB_THREADS``  threads per worker (default 4); size DATABASE_POOL_SIZE to it
``WEB_TIMEOUT``  seconds a request may take before its worker is restarted (default 60)

Access lines go nowhere: the service writes its own line per request, without personal data,
to standard error (the ``carers.requests`` logger, see carers/core/requestlog.py)."""

import multiprocessing
import os

MAX_DEFAULT_WORKERS = 8


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def default_workers(cores: int) -> int:
    return max(1, min(2 * cores + 1, MAX_DEFAULT_WORKERS))


bind = os.environ.get("WEB_BIND", "").strip() or "127.0.0.1:8000"
workers = _int("WEB_WORKERS", default_workers(multiprocessing.cpu_count()))
threads = _int("WEB_THREADS", 4)
worker_class = "gthread"
timeout = _int("WEB_TIMEOUT", 60)
graceful_timeout = 30
wsgi_app = "carers:create_app()"
proc_name = "carers-web"
# gunicorn's access log would show each path and query string: it stays off.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
                    "datefmt": "[%Y-%m-%d %H:%M:%S %z]"},
        "line": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "generic",
                          "stream": "ext://sys.stderr"},
        "requests": {"class": "logging.StreamHandler", "formatter": "line",
                     "stream": "ext://sys.stderr"},
    },
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False,
                           "qualname": "gunicorn.error"},
        "carers.requests": {"level": "INFO", "handlers": ["requests"], "propagate": False},
    },
}
