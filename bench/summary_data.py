"""Training data of the summary model: CRUD summaries_dev articles with their candidate sentences and clauses,
the shared unit features, and labels from the references (summaries_test is never read here).

Labels:
  * sentences: a greedy ROUGE-L oracle (repeatedly add the sentence that most raises ROUGE-L F of the
    article-ordered concatenation against the reference, until none does): 1 = picked;
  * clauses: the share of the clause's character bigrams found in the reference (a soft label in [0, 1]).
Prepared documents are cached under .rag/ (gitignored), keyed by the feature names and the package's code.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.answering.editorial import editorial_flags
from rag.answering.features import FEATURE_NAMES, article_index, unit_features, unit_vectors
from rag.answering.selection import candidate_sentences
from rag.evaluate import read_jsonl
from rag.ingest.articles import load_corpus
from rag.lang.script import to_simplified

ROOT = Path(__file__).resolve().parents[1]
CRUD = ROOT.parent / "shared" / "crud"
CACHE = ROOT / ".rag" / "summary_docs"
_SPACE = re.compile(r"\s+")


@dataclass
class Doc:
    id: str
    article: object
    ref: str  # as given
    ref_key: str  # Simplified, no whitespace
    sentences: list
    X: np.ndarray  # shared unit features: sentences, then all clauses in order
    clause_bags: np.ndarray  # unnormalised IDF bags of the clauses
    ys: np.ndarray  # sentence oracle labels
    keep: np.ndarray  # clause soft labels
    gain: np.ndarray  # per sentence: LCS(sentence, reference) / len(sentence) (a soft sentence label)
    ix: object  # the article's index (rag.answering.features.ArticleIndex), for survival features
    units: list  # spans: sentences, then all clauses in order
    rule_drop: np.ndarray
    rule_clause: list

    @property
    def n_sent(self) -> int:
        return len(self.sentences)


def lcs_f(c: str, r: str) -> float:
    from rapidfuzz.distance import LCSseq

    if not c or not r:
        return 0.0
    lcs = LCSseq.similarity(c, r)
    if not lcs:
        return 0.0
    p, q = lcs / len(c), lcs / len(r)
    return 2 * p * q / (p + q)


def greedy_oracle(texts: list[str], ref: str, max_steps: int = 12) -> list[int]:
    """Greedy ROUGE-L oracle over non-overlapping units given in article order."""
    texts = [_SPACE.sub("", t) for t in texts]
    chosen: list[int] = []
    best = 0.0
    for _ in range(max_steps):
        pick = None
        for i in range(len(texts)):
            if i in chosen:
                continue
            sc = lcs_f("".join(texts[k] for k in sorted(chosen + [i])), ref)
            if sc > best + 1e-9:
                best, pick = sc, i
        if pick is None:
            break
        chosen.append(pick)
    return sorted(chosen)


def bigrams(text: str) -> set:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _code_key() -> str:
    h = hashlib.sha256("\n".join(FEATURE_NAMES).encode())
    for name in ("features.py", "cues.py", "clauses.py", "editorial.py", "data/unit_cues.tsv"):
        h.update((ROOT / "rag" / "answering" / name).read_bytes())
    h.update((ROOT / "rag" / "lang" / "sentences.py").read_bytes())
    h.update((ROOT / "rag" / "lang" / "data" / "speech_verbs.tsv").read_bytes())
    return h.hexdigest()[:12]


def load_docs(split: str = "summaries_dev", limit: int | None = None) -> list[Doc]:
    if split != "summaries_dev":
        raise ValueError("the model is fitted on summaries_dev only")
    path = CACHE / f"{split}-{_code_key()}.pkl"
    if path.exists():
        docs = pickle.loads(path.read_bytes())
    else:
        docs = _prepare(split)
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(docs))
    return docs[:limit]


def _prepare(split: str) -> list[Doc]:
    from rapidfuzz.distance import LCSseq

    arts = {a.id: a for a in load_corpus([CRUD / "articles.jsonl"]).articles}
    docs = []
    for r in read_jsonl(CRUD / f"{split}.jsonl"):
        a = arts.get(r["id"])
        if a is None:
            continue
        ix = article_index(a)
        sents = candidate_sentences(ix)
        if not sents:
            continue
        clause_spans = [(s.paragraph, x, y) for s in sents for x, y in s.clauses]
        units = [s.span for s in sents] + clause_spans
        ref_key = _SPACE.sub("", to_simplified(r["reference_summary"]))
        sent_texts = [_SPACE.sub("", ix.joined[ix.base[s.paragraph - 1] + s.start: ix.base[s.paragraph - 1] + s.end]) for s in sents]
        ys = np.zeros(len(sents), dtype=np.int8)
        ys[greedy_oracle(sent_texts, ref_key)] = 1
        gain = np.asarray([LCSseq.similarity(t, ref_key) / max(1, len(t)) for t in sent_texts])
        texts = [ix.joined[ix.base[p - 1] + x: ix.base[p - 1] + y] for p, x, y in units]
        rb = bigrams(ref_key)
        keep = np.asarray([len(bigrams(_SPACE.sub("", t)) & rb) / max(1, len(bigrams(_SPACE.sub("", t))))
                           for t in texts[len(sents):]])
        drop, cdrop = editorial_flags(sents, ix.paragraphs)
        docs.append(Doc(
            r["id"], a, r["reference_summary"], ref_key, sents, unit_features(ix, units),
            unit_vectors(ix, clause_spans, normalise=False).astype(np.float32), ys, keep, gain,
            ix, units, drop, cdrop,
        ))
    return docs
