"""The `dargah` command line: index, serve, search, analyze, the admin's generations, rollback,
rollforward, audit and token (and `python -m dargah`)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import orjson

EXIT_USAGE = 2
EXIT_FAILED = 1


def version() -> str:
    """The installed package's version; from a source checkout that was never installed, pyproject's."""
    from store.versions import code_version

    return code_version()


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    print(f"dargah: error: {message}", file=sys.stderr)
    return code


def _progress(total: int):
    """A progress line on a terminal, occasional plain lines otherwise."""
    started = time.monotonic()
    tty = sys.stderr.isatty()
    step = max(1, total // 10)

    def report(done: int) -> None:
        if tty:
            elapsed = max(time.monotonic() - started, 1e-6)
            rate = done / elapsed
            eta = (total - done) / rate if rate else 0
            width = 30
            filled = int(width * done / max(total, 1))
            print(
                f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} cards, {rate:.0f}/s, ETA {eta:.0f}s",
                end="",
                file=sys.stderr,
            )
            if done == total:
                print(file=sys.stderr)
        elif done % step == 0 or done == total:
            print(f"  indexed {done}/{total} cards", file=sys.stderr)

    return report


def cmd_index(args) -> int:
    from indexer import build, plan
    from indexer.corpus import read_corpus
    from store.errors import StoreError

    source = Path(args.corpus)
    try:
        corpus = read_corpus(source)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as e:
        return _fail(str(e))
    for problem in corpus.problems:
        print(problem, file=sys.stderr)
    if args.dry_run:
        return _dry_run(Path(args.index), corpus)
    if corpus.problems and not args.skip_invalid:
        return _fail(
            f"{len(corpus.problems)} invalid card(s); nothing was indexed (use --skip-invalid to index the valid ones)"
        )
    if not corpus.cards:
        return _fail("the corpus holds no valid cards")
    folder = source if source.is_dir() else source.parent
    beside = build.extras_beside(folder)
    extras = {name: Path(getattr(args, name.split(".")[0]) or beside[name]) for name in build.EXTRA_FILES}
    for name, path in extras.items():
        if path.is_file() and path.parent != folder and not getattr(args, name.split(".")[0]):
            print(f"dargah: {name}: none beside the corpus, using {path}", file=sys.stderr)
    print(f"dargah: indexing {len(corpus.cards)} cards from {source} into {args.index}", file=sys.stderr)
    try:
        result = build.build(
            Path(args.index),
            corpus.cards,
            extras=extras,
            source=str(source),
            progress=_progress(len(corpus.cards)),
            max_removed_share=args.max_removed_share,
            force=args.force,
            audit={"actor": os.environ.get("USER") or "cli"},
        )
    except plan.TooManyRemoved as e:
        return _fail(f"refused, the serving index is untouched: {e} (--force)")
    except (StoreError, build.BuildCheckFailed, OSError) as e:
        return _fail(f"build failed, the serving index is untouched: {e}")
    for event, ids in sorted(result.unknown_life_events.items()):
        print(
            f"dargah: warning: life event «{event}» is not in life_events.json (cards: {', '.join(ids)})",
            file=sys.stderr,
        )
    print(
        f"dargah: generation {result.generation.name}: {result.cards} cards, {result.agencies} agencies, "
        f"{result.clusters} clusters in {result.seconds:.1f} s"
    )
    return 0


def _dry_run(index: Path, corpus) -> int:
    """Print what a build would change (and every problem, printed above); publish nothing."""
    from indexer import build

    diff = build.dry_run(index, corpus.cards)
    print(
        f"dargah: dry run: {len(corpus.cards)} valid cards, {len({p.line for p in corpus.problems})} invalid; "
        f"{diff.live} served now, {diff.total} after: {len(diff.added)} added, {len(diff.changed)} changed, "
        f"{len(diff.removed)} removed"
    )
    for label, ids in (("added", diff.added), ("changed", diff.changed), ("removed", diff.removed)):
        for card_id in ids:
            print(f"  {label:8} {card_id}")
    return EXIT_FAILED if corpus.problems else 0


def _engine(index: str):
    from search import Engine
    from store.errors import IndexUnavailable

    engine = Engine(index)
    try:
        engine.load()
    except IndexUnavailable as e:
        raise SystemExit(_fail(str(e))) from None
    return engine


def _admin_token(args) -> str | None:
    if args.admin_token_file:
        try:
            token = Path(args.admin_token_file).read_text("utf-8").strip()
        except OSError as e:
            raise SystemExit(_fail(f"cannot read the admin token file: {e.strerror}")) from None
        if not token:
            raise SystemExit(_fail("the admin token file is empty"))
        return token
    return os.environ.get("DARGAH_ADMIN_TOKEN", "").strip() or None


def _admin_tokens(args) -> tuple:
    from api import tokens

    if not args.admin_tokens:
        return ()
    try:
        return tokens.load(Path(args.admin_tokens))
    except OSError as e:
        raise SystemExit(_fail(f"cannot read the admin tokens file: {e.strerror}")) from None
    except tokens.TokenFileError as e:
        raise SystemExit(_fail(f"the admin tokens file is not valid: {e}")) from None


def cmd_serve(args) -> int:
    from api.app import Settings
    from api.server import serve
    from indexer import jobs, writes
    from store import layout
    from store.errors import IndexUnavailable
    from store.layout import current as current_generation

    index = Path(args.index)
    if args.prune_grace is not None:
        os.environ[layout.GRACE_ENV] = str(args.prune_grace)  # the job processes inherit it
    try:
        current_generation(index)
    except IndexUnavailable as e:
        return _fail(str(e))
    # Only with the write lock: on a shared volume another host may be writing right now.
    lock = layout.try_lock(index, "start-up")
    if lock is not None:
        try:
            outcome = writes.recover(index)
            if outcome:
                print(f"dargah: an interrupted write was {outcome} (the audit log says which)", file=sys.stderr)
            for name in layout.cleanup_partial(index):
                print(f"dargah: removed {name}, a build left behind by a crash", file=sys.stderr)
            jobs.remove_orphan_uploads(index)
        except OSError as e:
            print(f"dargah: cannot tidy the index directory: {e.strerror}", file=sys.stderr)
        finally:
            layout.release(lock)
    settings = Settings(
        index_dir=index,
        admin_token=_admin_token(args),
        admin_tokens=_admin_tokens(args),
        corpus_path=Path(args.corpus) if args.corpus else None,
        max_body=args.max_body_mb * 1024 * 1024,
        cors_origins=tuple(args.cors_origin or ["*"]),
        analytics_dir=Path(args.analytics_dir) if args.analytics_dir else None,
        search_timeout=args.search_timeout,
        max_concurrent=args.max_concurrent,
        rate_limit=args.rate_limit,
        trusted_proxies=tuple(args.trusted_proxy or ()),
        keepalive_timeout=args.keepalive_timeout,
        max_removed_share=args.max_removed_share,
    )
    access_log = None if args.access_log == "off" else (args.access_log_file or "-")
    if access_log not in (None, "-"):
        try:  # here, once, rather than in every worker, which would die on it over and over
            os.close(os.open(access_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640))
        except OSError as e:
            return _fail(f"cannot append to the access log {access_log}: {e.strerror}")
    return serve(settings, args.host, args.port, args.workers, access_log=access_log)


def cmd_generations(args) -> int:
    from store import layout

    root = Path(args.index)
    gens = layout.list_generations(root)
    if not gens:
        return _fail(f"no index generations in {root}")
    serving = layout.current_name(root)
    for g in gens:
        meta = g.meta()
        mark = "*" if g.name == serving else " "
        cards, built = meta.get("cards", "?"), meta.get("built_at", "?")
        versions = f"Dargah {meta.get('code_version', '?')}, analyzer {meta.get('analyzer_version', '?')}"
        print(f"{mark} {g.name}  {cards} cards  built {built} by {versions}  {meta.get('source', '')}")
    return 0


def cmd_rollback(args) -> int:
    from indexer import writes
    from store.errors import StoreError

    try:
        gen = writes.rollback(Path(args.index), os.environ.get("USER") or "cli", args.to)
    except StoreError as e:
        return _fail(str(e))
    print(f"dargah: now serving {gen.name}")
    return 0


def cmd_rollforward(args) -> int:
    from indexer import writes
    from store.errors import StoreError

    try:
        gen = writes.rollforward(Path(args.index), os.environ.get("USER") or "cli")
    except StoreError as e:
        return _fail(str(e))
    print(f"dargah: now serving {gen.name}")
    return 0


def cmd_audit(args) -> int:
    from indexer import audit

    rows = audit.query(Path(args.index), card_id=args.id, actor=args.actor, limit=args.limit)
    if args.since:
        rows = [r for r in rows if (r.get("time") or "") >= args.since]
    for row in rows:
        if args.json:
            sys.stdout.buffer.write(orjson.dumps(row) + b"\n")
            continue
        what = row.get("action", "?") + (f" {row['id']}" if row.get("id") else "")
        changed = f"  fields: {', '.join(row['changed'])}" if row.get("changed") else ""
        print(
            f"{row.get('time', '?')}  {row.get('actor', '?'):12} {what:40} "
            f"{row.get('generation_before')} → {row.get('generation_after')}{changed}"
        )
    return 0


def cmd_token(args) -> int:
    from api import tokens

    agencies = None if args.central else args.agency
    if not agencies and not args.central:
        return _fail("name the agencies the token may write (--agency, repeatable) or give --central", EXIT_USAGE)
    try:
        token = tokens.add(Path(args.file), args.name, agencies)
    except (OSError, tokens.TokenFileError) as e:
        return _fail(f"cannot add the token to {args.file}: {getattr(e, 'strerror', None) or e}")
    print(token)
    print(f"dargah: token {args.name!r} added to {args.file} (only its hash is kept: copy it now)", file=sys.stderr)
    return 0


def cmd_search(args) -> int:
    from api.presenters import search_json
    from search import SearchRequest

    engine = _engine(args.index)
    result = search_json(engine.search(SearchRequest(q=" ".join(args.query), size=args.size)))
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(result) + b"\n")
        return 0
    print(f"{result['total']} services match «{result['query']['q']}» ({result['took_ms']} ms)")
    for n, hit in enumerate(result["hits"], start=1):
        print(f"{n:2}. {hit['title']}  [{hit['id']}]")
        print(f"    {hit['agency']} · {hit['cluster']} · score {hit['score']}")
    return 0


def cmd_analyze(args) -> int:
    from search import Engine

    out = Engine.analyze(" ".join(args.text))
    print(f"normalized: {out['normalized']}")
    print("tokens: " + " ".join(out["tokens"]))
    return 0


def cmd_report(args) -> int:
    """The national e-readiness report of the serving generation, computed from its cards as the
    server computes it (no search index is opened)."""
    from search import report as views
    from store import layout, report
    from store.card_files import CardStore
    from store.errors import StoreError

    try:
        gen = layout.current(Path(args.index))
        built = report.build(CardStore(gen.path).cards(), gen.name)
    except StoreError as e:
        return _fail(str(e))
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(built.national) + b"\n")
    elif args.format == "csv":
        sys.stdout.buffer.write(views.csv_text(built, args.by).encode("utf-8"))
    else:
        print(_report_table(built.national, args.by))
    return 0


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _report_table(national: dict, by: str) -> str:
    from search.report import TABLES

    n = national
    lines = [
        f"generation {n['generation']}, published {n['published_at']}",
        f"{n['services']} services, {n['agencies']} agencies, {n['parents']} parent ministries "
        f"or agencies standing alone, {n['clusters']} clusters",
        f"e-readiness {_pct(n['e_readiness'])}, fully electronic {_pct(n['fully_electronic'])}, "
        f"information only {_pct(n['information_only'])}, complete cards {_pct(n['complete_share'])}",
        "electronic at each stage: " + ", ".join(f"{s} {_pct(v)}" for s, v in n["stages"].items()),
        "",
        f"{'rank':>4} {'services':>8} {'e-ready':>7} {'info':>6} {'apply':>6} {'process':>7} {'deliver':>7} "
        f"{'full':>6} {'complete':>8}  {by}",
    ]
    for row in n[TABLES[by]]:
        st = row["stages"]
        lines.append(
            f"{row['rank']:>4} {row['count']:>8} {_pct(row['e_readiness']):>7} {_pct(st['information']):>6} "
            f"{_pct(st['application']):>6} {_pct(st['processing']):>7} {_pct(st['delivery']):>7} "
            f"{_pct(row['fully_electronic']):>6} {_pct(row['complete_share']):>8}  {row['value']}"
        )
    return "\n".join(lines)


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least 1")
    return n


def _number(low: float, high: float, unit: str = "", *, low_open: bool = False):
    """An argparse type: a number of `unit` from `low` to `high` (above `low` when `low_open`)."""

    def parse(value: str) -> float:
        try:
            n = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number" + (f" of {unit}" if unit else "")) from None
        if not (low < n if low_open else low <= n) or n > high:
            raise argparse.ArgumentTypeError(
                f"{value!r} must be between {low:g} and {high:g}" + (f" {unit}" if unit else "")
            )
        return n

    return parse


_seconds = _number(0, 3600, "seconds", low_open=True)
_share = _number(0, 1)
_grace = _number(0, 86400, "seconds")


def _rate(value: str) -> float:
    from api.ratelimit import parse_rate

    try:
        return parse_rate(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _trusted(value: str) -> str:
    import ipaddress

    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an address or CIDR") from None
    return value


def _port(value: str) -> int:
    n = _positive(value)
    if n > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a TCP port")
    return n


class _PrintVersion(argparse.Action):
    """argparse's own version action, but the version is looked up only when asked for (a package
    metadata scan costs tens of milliseconds on every other command otherwise)."""

    def __init__(self, option_strings, dest, help=None):
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {version()}")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dargah", description="Persian search for a national portal of government services."
    )
    p.add_argument("--version", action=_PrintVersion, help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("index", help="build and publish an index generation from a corpus of cards")
    s.add_argument("corpus", metavar="CORPUS", help="a JSON Lines file of cards, or a folder of them (e.g. corpus/)")
    s.add_argument("--index", required=True, metavar="DIR", help="index directory")
    mode = s.add_mutually_exclusive_group()
    mode.add_argument(
        "--strict", action="store_true", default=True, help="refuse the whole build on any invalid card (default)"
    )
    mode.add_argument("--skip-invalid", action="store_true", help="index the valid cards and report the rest")
    s.add_argument(
        "--synonyms",
        metavar="FILE",
        help="synonyms TSV (default: synonyms.tsv beside the corpus, else the bundled one)",
    )
    s.add_argument(
        "--best-bets", dest="best_bets", metavar="FILE", help="best bets TSV (default: best_bets.tsv beside the corpus)"
    )
    s.add_argument(
        "--life-events",
        dest="life_events",
        metavar="FILE",
        help="life events JSON (default: life_events.json beside the corpus, else the bundled one)",
    )
    s.add_argument("--dry-run", action="store_true", help="report what would change and every problem; publish nothing")
    s.add_argument("--force", action="store_true", help="publish even if the build removes many of the live cards")
    s.add_argument(
        "--max-removed-share",
        type=_share,
        default=0.10,
        metavar="F",
        help="refuse a build removing more than this share of the live cards unless --force (default 0.10)",
    )
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("serve", help="serve the HTTP API and the search page")
    s.add_argument("--index", required=True, metavar="DIR")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=_port, default=8080)
    s.add_argument("--workers", type=_positive, default=1, metavar="N")
    s.add_argument("--admin-token-file", metavar="FILE", help="enables the admin API (or set DARGAH_ADMIN_TOKEN)")
    s.add_argument(
        "--admin-tokens",
        metavar="FILE",
        help="per-agency and central admin tokens, hashed (JSON or TOML; see `dargah token create`)",
    )
    s.add_argument(
        "--max-removed-share",
        type=_share,
        default=0.10,
        metavar="F",
        help="an admin rebuild removing more than this share of the live cards is refused unless forced (default 0.10)",
    )
    s.add_argument(
        "--prune-grace",
        type=_grace,
        metavar="S",
        help="seconds a superseded generation is kept at least (default 120)",
    )
    s.add_argument("--corpus", metavar="PATH", help="what an admin rebuild with an empty body rebuilds from")
    s.add_argument(
        "--max-body-mb",
        type=_positive,
        default=64,
        metavar="MB",
        help="largest corpus an admin may upload (default 64)",
    )
    s.add_argument(
        "--cors-origin",
        action="append",
        metavar="ORIGIN",
        help="allowed origin for the public API (repeatable; default *)",
    )
    s.add_argument("--analytics-dir", metavar="DIR", help="where the query log is kept (default INDEX/analytics)")
    s.add_argument(
        "--search-timeout", type=_seconds, default=2.0, metavar="S", help="a slower search answers 503 (default 2)"
    )
    s.add_argument(
        "--max-concurrent",
        type=_positive,
        default=64,
        metavar="N",
        help="searches in flight per worker before 503 (default 64)",
    )
    s.add_argument("--rate-limit", type=_rate, metavar="N/s", help="per client address; 429 past it (default: off)")
    s.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDR",
        type=_trusted,
        help="proxy address or CIDR whose X-Forwarded-For is believed (repeatable)",
    )
    s.add_argument(
        "--keepalive-timeout",
        type=_seconds,
        default=15.0,
        metavar="S",
        help="idle keep-alive connections close after this (default 15)",
    )
    s.add_argument(
        "--access-log",
        choices=("json", "off"),
        default="off",
        help="json: a JSON line per request (method, path without the query, status, duration, worker); "
        "default off (nginx in front keeps one)",
    )
    s.add_argument("--access-log-file", metavar="FILE", help="append the access log to FILE instead of standard error")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("generations", help="list the index generations, * marks the serving one")
    s.add_argument("--index", required=True, metavar="DIR")
    s.set_defaults(func=cmd_generations)

    s = sub.add_parser("rollback", help="serve the generation the current one was made from (or --to NAME)")
    s.add_argument("--index", required=True, metavar="DIR")
    s.add_argument("--to", metavar="GENERATION", help="serve this generation (as `dargah generations` lists it)")
    s.set_defaults(func=cmd_rollback)

    s = sub.add_parser("rollforward", help="undo the last rollback")
    s.add_argument("--index", required=True, metavar="DIR")
    s.set_defaults(func=cmd_rollforward)

    s = sub.add_parser("audit", help="print the audit log of every write to the index")
    s.add_argument("--index", required=True, metavar="DIR")
    s.add_argument("--since", metavar="TIME", help="entries from this UTC time on (2025-01-31 or 2025-01-31T08:00:00Z)")
    s.add_argument("--id", metavar="CARD", help="only writes of this card")
    s.add_argument("--actor", metavar="NAME", help="only writes by this token's name")
    s.add_argument("--limit", type=_positive, default=1000, metavar="N", help="the newest N entries (default 1000)")
    s.add_argument("--json", action="store_true", help="one JSON object a line")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("token", help="create admin tokens")
    token_sub = s.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    t = token_sub.add_parser("create", help="create a token, add its hash to FILE and print it once")
    t.add_argument("--name", required=True, help="who holds it (what the audit log records)")
    t.add_argument("--agency", action="append", metavar="AGENCY", help="an agency whose cards it writes (repeatable)")
    t.add_argument("--central", action="store_true", help="a central-office token: every card, rebuilds, rollbacks")
    t.add_argument("--file", required=True, metavar="FILE", help="the token file (.json, or TOML otherwise)")
    t.set_defaults(func=cmd_token)

    s = sub.add_parser("search", help="search from the command line")
    s.add_argument("--index", required=True, metavar="DIR")
    s.add_argument("--json", action="store_true", help="print the HTTP API's JSON response")
    s.add_argument("--size", type=_positive, default=10, metavar="N")
    s.add_argument("query", nargs="+", metavar="QUERY")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("report", help="the national e-readiness report of the serving generation")
    s.add_argument("--index", required=True, metavar="DIR")
    s.add_argument("--by", choices=("agency", "parent", "cluster"), default="agency", help="which table (table, csv)")
    s.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="json: the HTTP API's /api/v1/report"
    )
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("analyze", help="show the analyzer's normalized text and tokens")
    s.add_argument("text", nargs="+", metavar="TEXT")
    s.set_defaults(func=cmd_analyze)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
