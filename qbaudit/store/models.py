"""The audit record as tables (SQLAlchemy 2): institutions, inspectors, audits with their occupation and
levels, check runs with the inputs' fingerprints and the findings, suggestions per line, revisions with
the inspector's decisions and veto decisions, every change of a decision, and the report exports.

Item texts are not stored: inputs are named by SHA-256 and row counts, and the findings' evidence is
kept without item excerpts unless the audit was opened with ``keep_item_text``.
The schema is created and changed only by the Alembic migrations in ``qbaudit/store/migrations``; a
test builds it from nothing with them and compares it with these models.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, the same on SQLite and PostgreSQL, so migrations can name them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SCORE = Numeric(6, 2)


class UTCDateTime(TypeDecorator):
    """A point in time stored in UTC and read back as an aware datetime on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def now() -> dt.datetime:
    """The current time in UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Base of all tables."""

    metadata = MetaData(naming_convention=NAMING)


class Institution(Base):
    """被督导机构: the institution whose bank is audited."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    registration_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)


class Inspector(Base):
    """督导员: a person who audits, with the card code when there is one."""

    __tablename__ = "inspectors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    card_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    card_kind: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)


class Audit(Base):
    """One audit of one institution's bank for one occupation, scored on one sheet."""

    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    occupation: Mapped[str] = mapped_column(String(100))
    sheet_id: Mapped[str] = mapped_column(String(64))
    sheet_name: Mapped[str] = mapped_column(String(200))
    sheet_sha256: Mapped[str] = mapped_column(String(64))
    sheet_text: Mapped[str] = mapped_column(Text)  # the sheet as scored, so the record reads the same later
    keep_item_text: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    # The supervision itself, as the sheet's header and the documents name it (all optional):
    supervision_kind: Mapped[str | None] = mapped_column(String(10))  # "daily" 日常督导 / "special" 专项督导
    batch_number: Mapped[str | None] = mapped_column(String(64))  # 批次编号 of the evaluation batch supervised
    place: Mapped[str | None] = mapped_column(String(200))  # 督导地点
    head_count: Mapped[int | None] = mapped_column(Integer)  # 督导人数
    supervision_date: Mapped[dt.date | None] = mapped_column(Date)  # 督导日期 (None: the day the audit was opened)
    supervision_time: Mapped[str | None] = mapped_column(String(50))  # 时间, as written (9:00—11:30)
    # The province's review (``qbaudit batch``) the audit belongs to: its name and date, and the fingerprint of the
    # row's inputs, profile, sheet and tool version its run was recorded with (a later run skips it while unchanged).
    batch_name: Mapped[str | None] = mapped_column(String(200), index=True)
    batch_date: Mapped[dt.date | None] = mapped_column(Date)
    batch_key: Mapped[str | None] = mapped_column(String(64))

    institution: Mapped[Institution] = relationship()
    levels: Mapped[list[AuditLevel]] = relationship(cascade="all, delete-orphan", order_by="AuditLevel.level.desc()")
    inspectors: Mapped[list[AuditInspector]] = relationship(cascade="all, delete-orphan",
                                                            order_by="AuditInspector.position")
    revisions: Mapped[list[Revision]] = relationship(back_populates="audit", order_by="Revision.number",
                                                     foreign_keys="Revision.audit_id")
    runs: Mapped[list[Run]] = relationship(back_populates="audit", order_by="Run.id")


class AuditLevel(Base):
    """A level (等级) the audit covers."""

    __tablename__ = "audit_levels"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class AuditInspector(Base):
    """An inspector taking part in an audit, with the role there (组长, 组员 …)."""

    __tablename__ = "audit_inspectors"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("inspectors.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer, default=0)

    inspector: Mapped[Inspector] = relationship()


class Run(Base):
    """One run of the checks for an audit: the profile, the date, the inputs and the findings."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    profile_id: Mapped[str] = mapped_column(String(64))
    profile_name: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[dt.date] = mapped_column(Date)
    qbaudit_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("inspectors.id"))
    # The profile as loaded: every threshold with its basis, and the waivers (None for runs recorded before 0005).
    profile_document: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    audit: Mapped[Audit] = relationship(back_populates="runs")
    inputs: Mapped[list[InputRecord]] = relationship(cascade="all, delete-orphan", order_by="InputRecord.id")
    findings: Mapped[list[FindingRecord]] = relationship(cascade="all, delete-orphan", order_by="FindingRecord.position")
    suggestions: Mapped[list[SuggestionRecord]] = relationship(cascade="all, delete-orphan",
                                                               order_by="SuggestionRecord.id")


class InputRecord(Base):
    """An input file of a run, named by its fingerprint (never its content)."""

    __tablename__ = "inputs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    rows_taken: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str | None] = mapped_column(String(32))
    sheets: Mapped[list[str]] = mapped_column(JSON, default=list)


class FindingRecord(Base):
    """A finding of a run, with its measured value, threshold and evidence."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(8))
    level: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    measured: Mapped[Any] = mapped_column(JSON)
    threshold: Mapped[Any] = mapped_column(JSON)
    comparator: Mapped[str] = mapped_column(String(8), default="")
    unit: Mapped[str] = mapped_column(String(16), default="")
    sheet_line: Mapped[str] = mapped_column(String(50), default="")
    clause: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    waiver_reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The thresholds applied with their basis, whether it is an advisory 提示, the numbers a waiver set.
    basis: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SuggestionRecord(Base):
    """What a run's findings suggest for one line of the audit's sheet."""

    __tablename__ = "suggestions"
    __table_args__ = (UniqueConstraint("run_id", "line_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    line_id: Mapped[str] = mapped_column(String(32))
    basis: Mapped[str] = mapped_column(String(10))
    verdict: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[Decimal | None] = mapped_column(SCORE)
    explanation: Mapped[str] = mapped_column(Text)
    finding_positions: Mapped[list[int]] = mapped_column(JSON, default=list)
    checklist: Mapped[list[str]] = mapped_column(JSON, default=list)


class Revision(Base):
    """A version of the audit's decisions. Signing freezes it; a later change opens the next revision."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("audit_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("inspectors.id"))
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("inspectors.id"))
    signed_total: Mapped[Decimal | None] = mapped_column(SCORE)
    signed_grade: Mapped[str | None] = mapped_column(String(20))
    signed_sha256: Mapped[str | None] = mapped_column(String(64))
    assessment: Mapped[str | None] = mapped_column(Text)  # 总体评价 the inspector writes; signed with the revision

    audit: Mapped[Audit] = relationship(back_populates="revisions", foreign_keys=[audit_id])
    run: Mapped[Run | None] = relationship()
    signed_by: Mapped[Inspector | None] = relationship(foreign_keys=[signed_by_id])
    decisions: Mapped[list[DecisionRecord]] = relationship(back_populates="revision", cascade="all, delete-orphan",
                                                           order_by="DecisionRecord.id")
    vetoes: Mapped[list[VetoRecord]] = relationship(back_populates="revision", cascade="all, delete-orphan",
                                                    order_by="VetoRecord.id")
    changes: Mapped[list[ChangeRecord]] = relationship(back_populates="revision", cascade="all, delete-orphan",
                                                       order_by="ChangeRecord.id")
    exports: Mapped[list[ExportRecord]] = relationship(back_populates="revision", order_by="ExportRecord.id")

    @property
    def signed(self) -> bool:
        """True once the revision is signed (and so frozen)."""
        return self.signed_at is not None


class DecisionRecord(Base):
    """The inspector's current decision on one line in one revision."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("revision_id", "line_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    line_id: Mapped[str] = mapped_column(String(32))
    verdict: Mapped[str] = mapped_column(String(10))
    score: Mapped[Decimal | None] = mapped_column(SCORE)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("inspectors.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)

    revision: Mapped[Revision] = relationship(back_populates="decisions")
    decided_by: Mapped[Inspector] = relationship()


class VetoRecord(Base):
    """The inspector's decision on one veto item in one revision."""

    __tablename__ = "veto_decisions"
    __table_args__ = (UniqueConstraint("revision_id", "veto_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    veto_id: Mapped[str] = mapped_column(String(32))
    occurred: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("inspectors.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)

    revision: Mapped[Revision] = relationship(back_populates="vetoes")
    decided_by: Mapped[Inspector] = relationship()


class ChangeRecord(Base):
    """One change of a decision: who, when, the old and the new verdict and score, and why."""

    __tablename__ = "decision_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    target: Mapped[str] = mapped_column(String(10))  # "line" or "veto"
    target_id: Mapped[str] = mapped_column(String(32))
    old_verdict: Mapped[str | None] = mapped_column(String(10))
    old_score: Mapped[Decimal | None] = mapped_column(SCORE)
    new_verdict: Mapped[str] = mapped_column(String(10))
    new_score: Mapped[Decimal | None] = mapped_column(SCORE)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("inspectors.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)

    revision: Mapped[Revision] = relationship(back_populates="changes")
    changed_by: Mapped[Inspector] = relationship()


class ExportRecord(Base):
    """A report exported from a revision: the file's name and fingerprint, and when."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("inspectors.id"))

    revision: Mapped[Revision] = relationship(back_populates="exports")


class DismissalRecord(Base):
    """A pair of similar items the inspector dismissed (R11): remembered for the audit and applied to
    every later check run; undoing it keeps the record with who undid it and when."""

    __tablename__ = "dismissed_pairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    first_item: Mapped[str] = mapped_column(String(100))
    second_item: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    dismissed_by_id: Mapped[int] = mapped_column(ForeignKey("inspectors.id"))
    dismissed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("inspectors.id"))
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    dismissed_by: Mapped[Inspector] = relationship(foreign_keys=[dismissed_by_id])
    undone_by: Mapped[Inspector | None] = relationship(foreign_keys=[undone_by_id])


class InputSourceRecord(Base):
    """Where an audit's inputs were read from on this computer, and how (sheets, column mapping), so the
    window can read them again when the audit is reopened. Paths and options only, never file content."""

    __tablename__ = "input_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    paths: Mapped[list[str]] = mapped_column(JSON, default=list)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sha256: Mapped[list[str]] = mapped_column(JSON, default=list)  # of each path when it was imported
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)


class NoticeDecisionRecord(Base):
    """What the notice of an audit rests on beyond the grade, and what was decided (Shandong 第二十二条):
    the behaviours found (ids of ``resources/report/notice.toml`` [[grounds]], each with a note) and the
    consequences — 暂停评价活动 (and for how many months), 列入监管档案, 对社会公布. One per audit; it may
    change after signing (the department decides), so it keeps who decided last and when."""

    __tablename__ = "notice_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    grounds: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"id": "7", "note": "…"}]
    suspend: Mapped[bool | None] = mapped_column(Boolean)  # None: not decided
    suspension_months: Mapped[int | None] = mapped_column(Integer)
    supervision_file: Mapped[bool | None] = mapped_column(Boolean)  # 列入监管档案
    publish: Mapped[bool | None] = mapped_column(Boolean)  # 对社会公布
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("inspectors.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)

    decided_by: Mapped[Inspector] = relationship()
