"""Command line: `python -m directory load|check|search`, for loading data and trying matches by hand."""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional, Sequence

from sqlalchemy.exc import SQLAlchemyError

from directory import places, vocab
from directory.concerns import resolve_concern
from directory.db import make_engine, session_scope
from directory.loader import load_directory
from directory.matching import MatchQuery, MatchResult, canonical_borough, find_services, professional_routes
from directory.records import DirectoryDataError, read_services


def normalise_borough(text: Optional[str]) -> Optional[str]:
    """A borough name, "Outside London" or "Not given" from whatever was typed ("hackney", "E8", "Dalston")."""
    if not text:
        return None
    for special in (vocab.OUTSIDE_LONDON, vocab.NOT_GIVEN):
        if text.strip().casefold() == special.casefold():
            return special
    exact = canonical_borough(text)
    if exact:
        return exact
    resolve = getattr(places, "resolve_place", None)
    match = resolve(text) if resolve else None
    return getattr(match, "borough", None)


def _print_result(index: int, result: MatchResult) -> None:
    print(f"{index}. {result.name}: {result.reason}")
    print(f"   {result.summary}")
    details = [f"{label}: {value}" for label, value in
               (("phone", result.phone), ("website", result.website), ("hours", result.hours)) if value]
    if details:
        print("   " + " | ".join(details))


def _search(args: argparse.Namespace) -> int:
    concerns: List[str] = []
    for text in args.concern or []:
        code = resolve_concern(text)
        if code is None:
            print(f"unknown concern {text!r}", file=sys.stderr)
            return 2
        concerns.append(code)
    borough = normalise_borough(args.borough)
    if args.borough and borough is None:
        print(f"could not place {args.borough!r}; showing national and online services only", file=sys.stderr)
    query = MatchQuery(age=args.age, borough=borough, concerns=concerns, role=args.role)
    with session_scope(make_engine(args.database_url)) as session:
        results = find_services(session, query, limit=args.limit)
        referral = professional_routes(session, query)
    print(f"borough: {borough or 'not given'} | concerns: {', '.join(concerns) or 'general'}")
    for index, result in enumerate(results, 1):
        _print_result(index, result)
    if not results:
        print("No matching services.")
    if referral:
        print("Ask your GP or school about:")
        for result in referral:
            print(f" - {result.name}: {result.reason}")
    return 0


def _load(args: argparse.Namespace) -> int:
    summary = load_directory(make_engine(args.database_url))
    print(f"loaded {summary.services} services from {summary.organisations} organisations")
    for area, count in summary.by_area.items():
        print(f"  {area}: {count}")
    return 0


def _check(_args: argparse.Namespace) -> int:
    records = read_services()
    print(f"ok: {len(records)} services")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m directory", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="validate the YAML and replace the database content (all or nothing)")
    load.add_argument("--database-url", help="default: DATABASE_URL or the SQLite file directory/directory.db")
    load.set_defaults(func=_load)
    check = sub.add_parser("check", help="validate the YAML without touching a database")
    check.set_defaults(func=_check)
    search = sub.add_parser("search", help="show the ranked matches for a person")
    search.add_argument("--age", type=int)
    search.add_argument("--borough", help='a borough in any case, a place, "Outside London" or "Not given"')
    search.add_argument("--concern", action="append", help="concern code or word, repeatable (e.g. anxiety, panic)")
    search.add_argument("--role", choices=vocab.ROLES)
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--database-url")
    search.set_defaults(func=_search)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DirectoryDataError as exc:
        print("directory data is not valid; nothing was loaded:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"database error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
