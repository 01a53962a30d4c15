"""Suggests a ticket's category (and so the responsible department) from its text.

Features: TF-IDF of jieba words (unigrams and bigrams, `segment.words`) next to TF-IDF of
character 1–3-grams, which catch what segmentation splits badly (colloquial words, typos,
place names). Model: a linear SVM whose scores become probabilities by temperature scaling
fitted on 3-fold out-of-fold scores. On the shipped examples it is as accurate as
multinomial logistic regression on the same features and trains several times faster
(bench/RESULTS-hotline-classifier.md).

Training data: the shipped examples (data/training.csv) plus the TrainingExample rows (the
operators' corrections), for active categories only. The model is kept per process and
retrained on the next `suggest` after the examples or the categories change. See
docs/hotline-classifier.md.
"""

from __future__ import annotations

import csv
import json
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Max

from jingchu.hotline import segment
from jingchu.hotline.models import Category, TrainingExample

DATA = Path(__file__).resolve().parent / "data"
TRAINING_CSV = DATA / "training.csv"
CATEGORIES_JSON = DATA / "categories.json"
# Calibration splits each category's examples in 3; fewer and it cannot be learned yet.
MIN_EXAMPLES = 3
# An operator's correction is a real call, worth more than one written example.
CORRECTION_WEIGHT = 3.0
SVM_C = 0.5


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    department: str
    score: float


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    name: str
    department: str
    keywords: str = ""


@dataclass(frozen=True)
class Example:
    text: str
    code: str
    weight: float = 1.0


@dataclass(frozen=True)
class CategoryScore:
    code: str
    name: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    department_accuracy: float
    per_category: list[CategoryScore]
    train_size: int
    test_size: int
    train_seconds: float


@dataclass
class Model:
    pipeline: Any
    classes: list[str]

    def probabilities(self, text: str) -> list[tuple[str, float]]:
        """(code, probability) for every class, best first."""
        row = self.pipeline.predict_proba([text])[0]
        pairs = [(code, float(p)) for code, p in zip(self.classes, row, strict=True)]
        return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(code) for code in self.pipeline.predict(list(texts))]

    def suggest(self, text: str, categories: dict[str, CategoryInfo],
                top: int = 3) -> list[Suggestion]:
        found = [(code, p) for code, p in self.probabilities(text) if code in categories]
        return [Suggestion(code=code, name=categories[code].name,
                           department=categories[code].department, score=round(p, 4))
                for code, p in found[:max(top, 0)]]


# --- the data ---------------------------------------------------------------------------


def shipped_examples() -> list[Example]:
    with TRAINING_CSV.open(encoding="utf-8", newline="") as handle:
        return [Example(row["text"].strip(), row["category"].strip())
                for row in csv.DictReader(handle) if row["text"].strip()]


def json_categories() -> dict[str, CategoryInfo]:
    raw = json.loads(CATEGORIES_JSON.read_text(encoding="utf-8"))["categories"]
    return {c["code"]: CategoryInfo(c["code"], c["name"], c["department"], c.get("keywords", ""))
            for c in raw}


def db_categories() -> dict[str, CategoryInfo]:
    """The active categories of the database, by code."""
    rows = Category.objects.filter(is_active=True).values_list(
        "code", "name", "department", "keywords")
    return {code: CategoryInfo(code, name, dept, kw) for code, name, dept, kw in rows}


def categories() -> dict[str, CategoryInfo]:
    """The database's active categories when it has any, else the shipped categories.json (so
    evaluation and the benchmark work without a database)."""
    try:
        found = db_categories()
    except DatabaseError:
        found = {}
    return found or json_categories()


def correction_examples(codes: set[str]) -> list[Example]:
    rows = TrainingExample.objects.filter(category__code__in=codes).values_list(
        "text", "category__code")
    return [Example(text.strip(), code, CORRECTION_WEIGHT) for text, code in rows if text.strip()]


def examples(codes: set[str], with_corrections: bool = True) -> list[Example]:
    """Shipped examples and corrections of the given categories, without classes too small to
    learn (fewer than MIN_EXAMPLES)."""
    found = [e for e in shipped_examples() if e.code in codes]
    if with_corrections:
        found += correction_examples(codes)
    sizes = Counter(e.code for e in found)
    return [e for e in found if sizes[e.code] >= MIN_EXAMPLES]


# --- training ---------------------------------------------------------------------------


def _word_ngrams(text: str) -> list[str]:
    words = segment.words(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def build_pipeline() -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer=_word_ngrams, sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True,
                                  min_df=2)),
    ])
    # One SVM on all the examples; probabilities softmax(scores / T) with the one temperature T
    # fitted on 3-fold out-of-fold scores. Per-class sigmoids had a slightly lower log loss but
    # took ~4x longer to fit (22 optimisations) and ~1.6x as long to predict.
    model = CalibratedClassifierCV(LinearSVC(C=SVM_C), method="temperature", cv=3,
                                   ensemble=False)
    return Pipeline([("features", features), ("model", model)])


def train(texts: Sequence[str], labels: Sequence[str],
          weights: Sequence[float] | None = None) -> Model:
    """A model fitted on the texts; needs at least two categories of MIN_EXAMPLES each."""
    if len(set(labels)) < 2:
        raise ValueError("at least two categories are needed to train")
    pipeline = build_pipeline()
    fit_params = {"model__sample_weight": list(weights)} if weights is not None else {}
    pipeline.fit(list(texts), list(labels), **fit_params)
    return Model(pipeline=pipeline, classes=[str(c) for c in pipeline.classes_])


def train_examples(found: Sequence[Example]) -> Model:
    return train([e.text for e in found], [e.code for e in found], [e.weight for e in found])


# --- the per-process model ----------------------------------------------------------------

CacheKey = tuple[int, int, tuple[str, ...]]


@dataclass
class _Cached:
    key: CacheKey | None = None
    model: Model | None = None
    trained_at: float = 0.0


_lock = threading.Lock()
_cache = _Cached()


def _cache_key(codes: set[str]) -> CacheKey:
    """What the model was trained from: the corrections' count and last id, the categories."""
    stats = TrainingExample.objects.aggregate(n=Count("id"), last=Max("id"))
    return int(stats["n"] or 0), int(stats["last"] or 0), tuple(sorted(codes))


def reset() -> None:
    """Forget the trained model; the next `suggest` trains again."""
    with _lock:
        _cache.key, _cache.model = None, None


def _stale(key: CacheKey) -> bool:
    """Retrain when the categories changed, or when corrections were added and the model is
    older than HOTLINE_RETRAIN_SECONDS: a busy desk correcting all day retrains now and then,
    not on every call after every correction (training takes about a second)."""
    if _cache.key is None or _cache.key[2] != key[2]:
        return True
    if _cache.key == key:
        return False
    return time.monotonic() - _cache.trained_at >= settings.HOTLINE_RETRAIN_SECONDS


def current_model(codes: set[str]) -> Model | None:
    """The model for these categories and the current examples, trained when they changed."""
    key = _cache_key(codes)
    with _lock:
        if _stale(key):
            found = examples(codes)
            model = train_examples(found) if len({e.code for e in found}) >= 2 else None
            _cache.key, _cache.model, _cache.trained_at = key, model, time.monotonic()
        return _cache.model


def suggest(text: str, top: int = 3) -> list[Suggestion]:
    """The `top` most likely active categories of the text, best first, with probabilities;
    empty when the text is blank or there are no categories to learn from."""
    known = db_categories()
    if not text.strip() or not known:
        return []
    model = current_model(set(known))
    return model.suggest(text, known, top) if model is not None else []


# --- evaluation ---------------------------------------------------------------------------


def _scores(truth: Sequence[str], predicted: Sequence[str],
            known: dict[str, CategoryInfo]) -> tuple[list[CategoryScore], tuple[float, ...]]:
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(truth))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels,
                                                 zero_division=0)
    rows = [CategoryScore(code, known[code].name, float(p[i]), float(r[i]), float(f[i]),
                          int(s[i])) for i, code in enumerate(labels)]
    n = len(rows) or 1
    macro = (sum(x.precision for x in rows) / n, sum(x.recall for x in rows) / n,
             sum(x.f1 for x in rows) / n)
    return rows, macro


def report(truth: Sequence[str], predicted: Sequence[str], known: dict[str, CategoryInfo],
           *, train_size: int = 0, train_seconds: float = 0.0) -> Report:
    """Accuracy, macro and per-category precision/recall/F1, and department accuracy (right
    when the predicted category belongs to the same kind of department as the true one)."""
    rows, (mp, mr, mf) = _scores(truth, predicted, known)
    pairs = list(zip(truth, predicted, strict=True))
    total = len(pairs) or 1
    right = sum(t == p for t, p in pairs)
    same_dept = sum(known[t].department == known[p].department for t, p in pairs)
    return Report(accuracy=right / total, macro_precision=mp, macro_recall=mr, macro_f1=mf,
                  department_accuracy=same_dept / total, per_category=rows,
                  train_size=train_size, test_size=len(pairs), train_seconds=train_seconds)


def evaluate(seed: int = 0, test_size: float = 0.2, with_corrections: bool = True) -> Report:
    """Trains on a stratified (1 - test_size) of the examples and scores the rest."""
    from sklearn.model_selection import train_test_split

    known = categories()
    try:
        found = examples(set(known), with_corrections)
    except DatabaseError:  # no database: the shipped examples alone
        found = examples(set(known), with_corrections=False)
    train_set, test_set = train_test_split(found, test_size=test_size, random_state=seed,
                                           stratify=[e.code for e in found])
    started = time.perf_counter()
    model = train_examples(train_set)
    seconds = time.perf_counter() - started
    predicted = model.predict([e.text for e in test_set])
    return report([e.code for e in test_set], predicted, known, train_size=len(train_set),
                  train_seconds=seconds)
