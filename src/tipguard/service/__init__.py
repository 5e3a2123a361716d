"""tipguard's REST service (FastAPI): analysis, review queue, cases, keys, audit, metrics.

``create_app`` is the one entry point; ``tipguard serve`` runs it with uvicorn. Only this package,
``tipguard.store`` and the CLI's ``serve``/``keys`` commands import FastAPI or SQLAlchemy.
"""

from tipguard.service.app import create_app
from tipguard.service.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]
