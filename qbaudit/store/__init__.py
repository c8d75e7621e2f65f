"""The audit record: SQLAlchemy models, sessions and Alembic migrations; SQLite by default, PostgreSQL by URL.

No Qt here. Open a store with :meth:`AuditStore.open`; its schema is migrated on open.
"""

from qbaudit.store.audits import (
    AuditStore,
    AuditSummary,
    AuditView,
    BatchMark,
    Change,
    DismissalInfo,
    ExportInfo,
    InputInfo,
    InspectorInput,
    NoticeDecision,
    RevisionInfo,
    RunInfo,
    SourceInfo,
    SupervisionFacts,
)
from qbaudit.store.database import ENV_URL, StoreError, default_url, migrate, normalise_url, resolve_url

__all__ = ["ENV_URL", "AuditStore", "AuditSummary", "BatchMark", "AuditView", "Change", "DismissalInfo", "ExportInfo", "InputInfo", "InspectorInput",
           "NoticeDecision", "RevisionInfo", "RunInfo", "SourceInfo", "SupervisionFacts", "StoreError", "default_url", "migrate", "normalise_url", "resolve_url"]
