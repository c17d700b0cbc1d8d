"""The data-quality report behind `python -m directory check`: what a council's information team should fix.

Errors (exit code 1) are facts the bot would pass on to a child that are no longer trustworthy or cannot be
used in a crisis; they must be fixed before the data is published:
- stale: last_verified more than 12 months before today (every fact must be checked again);
- future-date: last_verified after today (a typo, so nobody knows when it was checked);
- urgent-no-phone: open 24/7 for an urgent concern (listed first to someone who may be at risk) but with no
  phone or text number to call.
Warnings (exit code 0) are gaps or oddities a person should look at; the directory still works:
- no-contact: no phone, text, email or website (the seed sources often give none; never made up);
- age: a range that looks wrong for its audience (a young people's service ending before 10 or starting
  after 18, an all-ages service for young people only, a parents' service whose child ages start at 18);
- never-shown: for every concern it lists, people it is meant for get five better matches first (or, for
  referral-only services, three), so the bot never offers it. Found by running the real matching on a
  throwaway in-memory copy of the directory.
Invalid data (the validator's errors, exit code 2) is reported by the CLI before any of this runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

from directory import vocab
from directory.records import ServiceRecord

ERROR, WARNING = "error", "warning"
#: What a check yields: (level, kind, message); check() adds the service and its file.
Problem = Tuple[str, str, str]
SHOWN, SHOWN_REFERRAL_ONLY = 5, 3  # results the bot shows: matches, and "ask your GP or school about"


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning
    kind: str
    service_id: str
    file: str
    message: str


@dataclass
class Report:
    services: int
    today: dt.date
    findings: List[Finding] = field(default_factory=list)

    @property
    def errors(self) -> List[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> List[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def lines(self) -> List[str]:
        """The printed report: a summary line, then errors, then warnings, grouped by kind."""
        out = [
            f"checked {self.services} services (today {self.today.isoformat()}): "
            f"{len(self.errors)} errors, {len(self.warnings)} warnings"
        ]
        for level in (ERROR, WARNING):
            for f in sorted((f for f in self.findings if f.level == level), key=lambda f: (f.kind, f.file)):
                out.append(f"{level.upper():7} {f.kind:15} {f.file}: {f.service_id}: {f.message}")
        return out


def one_year_before(today: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def _dates(record: ServiceRecord, today: dt.date) -> Iterable[Problem]:
    if record.last_verified > today:
        yield ERROR, "future-date", f"last verified {record.last_verified} is after today: fix the date"
    elif record.last_verified < one_year_before(today):
        days = (today - record.last_verified).days
        yield (
            ERROR,
            "stale",
            (
                f"last verified {record.last_verified}, {days} days ago (over 12 months): "
                "check every fact again and update last_verified"
            ),
        )


def _contact(record: ServiceRecord) -> Iterable[Problem]:
    kinds = {c.kind for c in record.contacts}
    if not kinds:
        direct = set(record.how_to_refer) & vocab.DIRECT_ROUTES
        detail = (
            "people are told they can get in touch but not how" if direct else "people are only told its name"
        )
        yield (
            WARNING,
            "no-contact",
            f"no phone, text, email or website ({detail}): add one from a checked source",
        )
    from directory.concerns import load_concerns

    urgent = [c for c in record.concerns if load_concerns()[c].urgent]
    if record.is_24_7 and urgent and not kinds & {"phone", "text"}:
        yield (
            ERROR,
            "urgent-no-phone",
            (
                f"open 24/7 for {', '.join(urgent)} (listed first to someone at risk) "
                "but has no phone or text number"
            ),
        )


def _ages(record: ServiceRecord) -> Iterable[Problem]:
    audiences = set(record.audiences)
    low, high = record.age_min, record.age_max
    if "young_person" in audiences and high is not None and high < 10:
        yield WARNING, "age", f"a young people's service that ends at {high}: check the ages"
    if "young_person" in audiences and low is not None and low > 18:
        yield WARNING, "age", f"a young people's service that starts at {low}: check the ages"
    if audiences == {"young_person"} and high is not None and high >= vocab.ALL_AGES_MAX:
        yield WARNING, "age", "all ages (to 120) but for young people only: check the audience or the ages"
    if audiences == {"parent"} and low is not None and low >= 18:
        yield (
            WARNING,
            "age",
            (
                f"a parents' service for children from {low}: parent services store the "
                "child's ages, not the parent's"
            ),
        )


def _probe_ages(record: ServiceRecord) -> Sequence[Optional[int]]:
    """Ages inside the service's range that a bot user could have (None when the range is not stated)."""
    if record.age_min is None and record.age_max is None:
        return [None]
    low = max(record.age_min or 0, 0)
    high = min(record.age_max if record.age_max is not None else vocab.OLDEST_SERVED, vocab.OLDEST_SERVED)
    return sorted({low, (low + high) // 2, high}) if low <= high else [low]


def never_shown(records: Sequence[ServiceRecord]) -> List[ServiceRecord]:
    """Services the real matching never offers to the people they are for, asking about any one of their
    concerns, at a few ages in their range, in their first area (a throwaway in-memory database)."""
    from directory.db import make_engine, session_scope
    from directory.loader import load_records
    from directory.matching import MatchQuery, find_services, professional_routes

    engine = make_engine("sqlite://")
    try:
        load_records(engine, list(records))
        hidden = []
        with session_scope(engine) as session:
            for record in records:
                borough = record.areas[0] if record.scope in (vocab.SCOPE_LOCAL, vocab.SCOPE_LONDON) else None
                queries = (
                    MatchQuery(age=age, borough=borough, concerns=[concern], role=role)
                    for concern in record.concerns
                    for role in record.audiences
                    for age in _probe_ages(record)
                )
                if not any(
                    record.id in {r.id for r in find_services(session, q, limit=SHOWN)}
                    or record.id in {r.id for r in professional_routes(session, q, limit=SHOWN_REFERRAL_ONLY)}
                    for q in queries
                ):
                    hidden.append(record)
        return hidden
    finally:
        engine.dispose()


def check_records(
    records: Sequence[ServiceRecord],
    today: Optional[dt.date] = None,
    reach: bool = True,
    hidden: Callable[[Sequence[ServiceRecord]], List[ServiceRecord]] = never_shown,
) -> Report:
    """Every finding for these validated records; `today` is injectable so tests do not age."""
    today = today or dt.date.today()
    report = Report(services=len(records), today=today)
    for record in records:
        for level, kind, message in (*_dates(record, today), *_contact(record), *_ages(record)):
            report.findings.append(Finding(level, kind, record.id, record.source_file, message))
    if reach:
        for record in hidden(records):
            report.findings.append(
                Finding(
                    WARNING,
                    "never-shown",
                    record.id,
                    record.source_file,
                    "for each of its concerns the people it is for get better matches first, so the bot never "
                    "offers it: check its concerns, audiences, ages and referral routes",
                )
            )
    return report
