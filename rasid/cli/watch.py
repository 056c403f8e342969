"""`rasid watch`: follow feeds, sitemaps and folders, and analyse and store each new article as it appears."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from rasid.cli.changes import LogOption, WebhookOption, make_alerter
from rasid.cli.common import (
    DEFAULT_DB,
    DbOption,
    err_console,
    exit_interrupted,
    fail,
    install_signal_handlers,
    signals_done,
)

if TYPE_CHECKING:
    from rasid.watch.follower import Source

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _sources(locations: list[str], outlets: str | None) -> list[Source]:
    from rasid.knowledge.schema import KnowledgeDataError
    from rasid.watch.follower import Source
    from rasid.watch.outlets import load_feeds

    chosen = [Source(loc) for loc in locations]
    if outlets:
        try:
            listed = load_feeds()
            feeds = [o for name in outlets.split(",") if name.strip() for o in listed.select(name.strip())]
        except (KeyError, KnowledgeDataError) as exc:
            fail(str(exc.args[0]) if isinstance(exc, KeyError) else str(exc))
        chosen += [Source(url, o.name) for o in feeds for url in o.urls]
    if not chosen:
        fail("nothing to watch: give feed or sitemap URLs, folders, or --outlets GROUP (e.g. --outlets syria)")
    unique: dict[str, Source] = {}
    for s in sorted(chosen, key=lambda s: s.outlet is None):  # a URL also in the outlets list keeps its outlet
        unique.setdefault(s.location, s)
    return list(unique.values())


def watch(
    sources: Annotated[
        list[str] | None, typer.Argument(help="RSS/Atom feed or sitemap URLs, or folders where .txt/.html/.jsonl files appear.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    outlets: Annotated[
        str | None, typer.Option("--outlets", help="Also follow groups of the shipped outlets list, comma-separated: syria, arab, international, monitors, all, or outlet ids.")
    ] = None,
    interval: Annotated[float, typer.Option(min=1, help="Seconds between the starts of two polling rounds.")] = 600.0,
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron and tests).")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Processes analysing articles; 1 analyses in this process.")] = 1,
    rate_per_host: Annotated[
        float, typer.Option("--rate-per-host", min=0, help="Least seconds between two requests to one host.")
    ] = 1.0,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for a server (connect, each read).")] = 20.0,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1024, help="Largest page or feed read; a larger one is refused.")
    ] = DEFAULT_MAX_BYTES,
    user_agent: Annotated[str | None, typer.Option("--user-agent", help="User-Agent sent (and matched in robots.txt).")] = None,
    retries: Annotated[int, typer.Option(min=0, help="Further tries after a timeout, 5xx or 429 (with backoff).")] = 2,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Items analysed and committed together (an interruption loses at most one batch).")
    ] = 20,
    alert_rules: Annotated[
        str | None, typer.Option("--alert-rules", help="Evaluate these alert rules (YAML; `default`: the shipped ones) after each round.")
    ] = None,
    alerts_log: LogOption = None,
    webhook: WebhookOption = None,
) -> None:
    """Follow outlets: poll feeds, sitemaps and folders every --interval seconds, fetch each new item
    politely (robots.txt, conditional requests, a pace per host), analyse and store it, group stories.

    What was seen is kept in the database: a restarted watch resumes and never stores an item twice.
    Each round prints "N sources, M new items, K stored, E errors" on stderr. Ctrl-C or SIGTERM roll
    back the batch being stored and exit 130 / 143. See docs/WATCH.md.
    """
    install_signal_handlers()
    try:
        alerts = (alert_rules, alerts_log, webhook) if alert_rules or alerts_log or webhook else None
        _watch(sources or [], db, outlets, interval, once, workers, rate_per_host, timeout, max_bytes,
               user_agent, retries, batch_size, alerts)
    except KeyboardInterrupt:
        exit_interrupted()
    signals_done()


def _watch(
    locations: list[str], db: str, outlets: str | None, interval: float, once: bool, workers: int,
    rate_per_host: float, timeout: float, max_bytes: int, user_agent: str | None, retries: int, batch_size: int,
    alerts: tuple[str | None, str | None, str | None] | None = None,
) -> None:
    from rasid.stages import default_pipeline
    from rasid.store import StoreError, open_store
    from rasid.watch.fetch import DEFAULT_USER_AGENT, Fetcher, FetchSettings
    from rasid.watch.follower import Follower, RoundReport, StoredItem, WatchSettings
    from rasid.watch.memtrace import ENV, MemoryTrace, every_from_env

    chosen = _sources(locations, outlets)
    try:
        trace = MemoryTrace(every_from_env(), lambda line: err_console.print(line, highlight=False, markup=False))
    except ValueError:
        fail(f"{ENV}: give a whole number of rounds between memory reports (0 or unset: off)", 2)
    try:
        store = open_store(db)
    except StoreError as exc:
        fail(str(exc))
    alerter = None
    if alerts is not None:  # rules and URL checked before the first round: a bad file is one line, at once
        rules, log, hook = alerts
        alerter = make_alerter(store, None if rules in (None, "default") else rules, log, hook)
        try:  # what a crash or a dead endpoint held back last time (the outbox), before the first round
            alerter.deliver()
        except StoreError as exc:
            err_console.print(f"[yellow]problem[/yellow] {exc}; held-back alerts are sent after the next round",
                              highlight=False, markup=True)
    fetcher = Fetcher(FetchSettings(user_agent=user_agent or DEFAULT_USER_AGENT, timeout=timeout, max_bytes=max_bytes,
                                    per_host_delay=rate_per_host, retries=retries))
    pipeline = default_pipeline()
    pool: Any = None
    runner = None
    if workers > 1:
        from rasid.ingest.parallel import AnalysisPool, Parallel

        pool = AnalysisPool(pipeline, workers)
        runner = Parallel(workers, pool)
    rounds = [0]

    def on_round(report: RoundReport) -> None:
        rounds[0] += 1
        err_console.print(f"round {rounds[0]}: {report.line()}", highlight=False)
        trace.round_done()
        if alerter is not None:
            try:
                raised = alerter.run()
            except StoreError as exc:  # (a database locked past its timeout): judged next round
                on_problem(f"{exc}; alerts are evaluated again next round")
                return
            for alert in raised:
                err_console.print(f"alert [{alert['rule']}] {alert['message']}", highlight=False, markup=False)

    def on_problem(message: str) -> None:
        err_console.print(f"[yellow]problem[/yellow] {message}", highlight=False, markup=True)

    def on_stored(item: StoredItem) -> None:
        again = f" (new version of #{item.previous_article_id})" if item.previous_article_id else ""
        err_console.print(f"stored #{item.article_id} {item.link}{again}", highlight=False, markup=False)

    follower = Follower(store, pipeline, fetcher, chosen, settings=WatchSettings(max_bytes=max_bytes, batch_size=batch_size),
                        on_stored=on_stored, on_problem=on_problem, runner=runner)
    err_console.print(f"watching {len(chosen)} sources into {db}" + ("" if once else f" every {interval:g} s"),
                      highlight=False)
    try:
        follower.run(interval, once=once, on_round=on_round)
    finally:
        if pool is not None:
            pool.close()
        store.close()
