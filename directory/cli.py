"""Command line: `python -m directory load|import|export|check|search|serve`.

load/import replace the database content (YAML seed data, or an Open Referral UK feed), all or nothing;
export writes the database as an Open Referral UK feed; check prints the data-quality report (exit 1 on
errors, 2 when the data does not even validate); search tries a match by hand; serve runs the HTTP API.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import List, Optional, Sequence

from sqlalchemy.exc import SQLAlchemyError

from directory import vocab
from directory.concerns import resolve_concern
from directory.db import make_engine, session_scope
from directory.loader import LoadSummary, load_directory, load_feed
from directory.matching import MatchQuery, MatchResult, find_services, normalise_borough, professional_routes
from directory.records import SERVICES_DIR, DirectoryDataError, read_services


def _print_result(index: int, result: MatchResult) -> None:
    print(f"{index}. {result.name}: {result.reason}")
    print(f"   {result.summary}")
    details = [
        f"{label}: {value}"
        for label, value in (("phone", result.phone), ("website", result.website), ("hours", result.hours))
        if value
    ]
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


def _print_summary(summary: LoadSummary) -> None:
    print(f"loaded {summary.services} services from {summary.organisations} organisations")
    for area, count in summary.by_area.items():
        print(f"  {area}: {count}")


def _load(args: argparse.Namespace) -> int:
    _print_summary(load_directory(make_engine(args.database_url)))
    return 0


def _import(args: argparse.Namespace) -> int:
    if args.dry_run:
        from directory.oruk.import3 import read_any_file

        feed = read_any_file(args.feed)
        print(
            f"ok: Open Referral UK {feed.version} feed, {len(feed.published)} services in {args.feed.name}; "
            "nothing was loaded (--dry-run)"
        )
    else:
        summary, feed = load_feed(make_engine(args.database_url), args.feed)
        print(
            f"Open Referral UK {feed.version} feed: {summary.added} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {len(feed.skipped)} refused, {summary.removed} removed (one transaction)"
        )
        _print_summary(summary)
    for line in feed.not_in_chat:
        print(f"published, but not offered in the chat: {line}")
    if feed.skipped:
        print(
            f"left out as not running (status inactive, defunct or temporarily closed): {', '.join(feed.skipped)}"
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    """3.0 (default): every published service as stored; 1.0: the services the chat uses, as ORUK v1."""
    from directory.oruk import read as oruk_read
    from directory.oruk import v3
    from directory.oruk.export import feed_json
    from directory.store import read_records

    with session_scope(make_engine(args.database_url)) as session:
        if args.format == "1.0":
            document = feed_json(read_records(session))
        else:
            document = v3.feed_json(
                [json.loads(text) for text in oruk_read.all_documents(session.connection())]
            )
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        count = document.get("total_items", document.get("totalElements"))
        print(f"wrote {count} services to {args.out} (Open Referral UK {args.format})", file=sys.stderr)
    else:
        print(text)
    return 0


def _check(args: argparse.Namespace) -> int:
    from directory.quality import check_records

    if args.oruk:
        from directory.oruk.import3 import read_any_file

        records = read_any_file(args.oruk).records
    else:
        records = read_services(args.services_dir)
    report = check_records(records, today=args.today, reach=not args.no_reach)
    print("\n".join(report.lines()))
    return report.exit_code


def _serve(args: argparse.Namespace) -> int:
    from directory.api import serve

    serve(host=args.host, port=args.port, database_url=args.database_url)
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date like 2026-11-25: {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m directory", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    database_help = "default: DATABASE_URL or the SQLite file directory/directory.db"
    load = sub.add_parser("load", help="validate the YAML and replace the database content (all or nothing)")
    load.add_argument("--database-url", help=database_help)
    load.set_defaults(func=_load)
    feed = sub.add_parser(
        "import",
        help="validate an Open Referral UK feed (JSON) and replace the database "
        "content with it (all or nothing)",
    )
    feed.add_argument(
        "feed",
        type=Path,
        help='Open Referral UK 3.0 (a page {"contents": [...]}, a list of services '
        'or one service) or HSDS-UK 1.0 (a page {"content": [...]})',
    )
    feed.add_argument("--dry-run", action="store_true", help="validate only; do not touch the database")
    feed.add_argument("--database-url", help=database_help)
    feed.set_defaults(func=_import)
    export = sub.add_parser("export", help="write the database as an Open Referral UK feed (JSON)")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument(
        "--format",
        choices=("3.0", "1.0"),
        default="3.0",
        help="Open Referral UK 3.0 (default) or HSDS-UK 1.0 for older consumers",
    )
    export.add_argument("--database-url", help=database_help)
    export.set_defaults(func=_export)
    check = sub.add_parser(
        "check",
        help="data-quality report: exit 1 on errors, 2 when the data is invalid "
        "(see directory/quality.py for what is an error)",
    )
    check.add_argument("--today", type=_date, help="the date to measure staleness from (default: today)")
    check.add_argument("--oruk", type=Path, help="check an Open Referral UK feed instead of the YAML")
    check.add_argument(
        "--services-dir", type=Path, default=SERVICES_DIR, help="YAML folder (default: the seed data)"
    )
    check.add_argument(
        "--no-reach", action="store_true", help="skip the never-shown check (it runs matching)"
    )
    check.set_defaults(func=_check)
    search = sub.add_parser("search", help="show the ranked matches for a person")
    search.add_argument("--age", type=int)
    search.add_argument("--borough", help='a borough in any case, a place, "Outside London" or "Not given"')
    search.add_argument(
        "--concern", action="append", help="concern code or word, repeatable (e.g. anxiety, panic)"
    )
    search.add_argument("--role", choices=vocab.ROLES)
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--database-url")
    search.set_defaults(func=_search)
    serve = sub.add_parser("serve", help="run the HTTP API (Open Referral UK shaped JSON)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8081)
    serve.add_argument("--database-url", help=database_help)
    serve.set_defaults(func=_serve)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except DirectoryDataError as exc:
        print("directory data is not valid; nothing was loaded:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"database error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
