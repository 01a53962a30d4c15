"""The 12345 category classifier (issue 7): held-out and cross-validated quality, training
time and suggestions per second, next to a keyword-matching baseline measured in the same run.
`make bench-hotline-classifier` runs it and writes bench/RESULTS-hotline-classifier.md.

What is measured, on the shipped examples (jingchu/hotline/data/training.csv) and categories
(categories.json; no database: Django is set up on an empty SQLite file, so the classifier
falls back to the shipped categories):
- held out: a stratified 20% split (seed 0), the classifier trained on the other 80%
  (`classify.evaluate`): accuracy, macro precision/recall/F1, per-category precision/recall,
  department accuracy;
- 5-fold stratified cross-validation (seed 0): mean and spread of the accuracy;
- the alternative model considered (multinomial logistic regression on the same features),
  held out and cross-validated, so the choice is on the record;
- training time on all examples (median of 3; jieba loaded beforehand);
- suggestions/s: `Model.suggest(text, top=3)` one text at a time over the held-out texts, as
  the operator's form calls it (without the two small queries `classify.suggest` adds to check
  the cache key);
- anchor: a trivial keyword matcher (the categories' `keywords` field; the category with the
  most keywords found in the text, top 3), its suggestions/s and accuracy on the same split.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS-hotline-classifier.md"
SEED, TEST_SIZE, FOLDS = 0, 0.2, 5
SPEED_SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))


def setup_django() -> None:
    folder = tempfile.mkdtemp(prefix="bench-hotline-")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "jingchu.settings", "JINGCHU_DEMO": "false",
        "JINGCHU_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "JINGCHU_SM4_KEY": "00112233445566778899aabbccddeeff",
        "JINGCHU_BLIND_INDEX_KEY": "bench-blind-index-key",
        "JINGCHU_DATABASE_URL": f"sqlite:///{folder}/empty.sqlite3",
    })
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- the baseline -------------------------------------------------------------------------


def keyword_suggest(known: dict[str, Any], text: str, top: int = 3) -> list[Any]:
    """Top categories by the number of their keywords found in the text (ties: file order)."""
    from jingchu.hotline.classify import Suggestion

    scored = [(sum(k in text for k in info.keywords.split()), i, code)
              for i, (code, info) in enumerate(known.items())]
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [Suggestion(code, known[code].name, known[code].department, float(n))
            for n, _, code in scored[:top]]


# --- measurements -------------------------------------------------------------------------


def per_second(call: Callable[[str], object], texts: Sequence[str]) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < SPEED_SECONDS:
        for text in texts:
            call(text)
        done += len(texts)
    return done / (time.perf_counter() - started)


def cross_validate(found: Sequence[Any], make: Callable[[], Any]) -> list[float]:
    from sklearn.model_selection import StratifiedKFold

    labels = [e.code for e in found]
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    scores = []
    for train_idx, test_idx in folds.split(list(found), labels):
        model = fit(make, [found[i] for i in train_idx])
        truth = [found[i].code for i in test_idx]
        predicted = model.predict([found[i].text for i in test_idx])
        scores.append(sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth))
    return scores


def fit(make: Callable[[], Any], found: Sequence[Any]) -> Any:
    from jingchu.hotline import classify

    pipeline = make()
    pipeline.fit([e.text for e in found], [e.code for e in found])
    return classify.Model(pipeline=pipeline, classes=[str(c) for c in pipeline.classes_])


def logistic_pipeline() -> Any:
    from sklearn.linear_model import LogisticRegression

    from jingchu.hotline import classify

    pipeline = classify.build_pipeline()
    pipeline.set_params(model=LogisticRegression(C=20, max_iter=3000))
    return pipeline


def held_out(found: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(list(found), test_size=TEST_SIZE, random_state=SEED,
                                   stratify=[e.code for e in found])
    return train, test


def calibration(model: Any, test: Sequence[Any]) -> dict[str, float]:
    """Expected calibration error of the top probability (10 bins), and how often the model is
    right when it says more than 0.95."""
    tops = [model.probabilities(e.text)[0] for e in test]
    right = [code == e.code for (code, _), e in zip(tops, test, strict=True)]
    probs = [p for _, p in tops]
    ece = 0.0
    for b in range(10):
        idx = [i for i, p in enumerate(probs) if b / 10 < p <= (b + 1) / 10]
        if idx:
            gap = sum(probs[i] for i in idx) / len(idx) - sum(right[i] for i in idx) / len(idx)
            ece += len(idx) / len(probs) * abs(gap)
    sure = [i for i, p in enumerate(probs) if p > 0.95]
    return {"ece": ece, "mean_top": sum(probs) / len(probs), "sure_share": len(sure) / len(probs),
            "sure_right": sum(right[i] for i in sure) / max(len(sure), 1)}


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def measure() -> dict[str, Any]:
    from jingchu.hotline import classify, segment

    segment.words("预热")  # jieba's dictionary loads outside the timings
    known = classify.categories()
    found = classify.examples(set(known), with_corrections=False)
    report = classify.evaluate(seed=SEED, test_size=TEST_SIZE, with_corrections=False)
    train, test = held_out(found)
    svm_cv = cross_validate(found, classify.build_pipeline)
    lr_model, lr_seconds = timed(lambda: fit(logistic_pipeline, train))
    lr_truth = [e.code for e in test]
    lr_report = classify.report(lr_truth, lr_model.predict([e.text for e in test]), known,
                                train_size=len(train), train_seconds=lr_seconds)
    lr_cv = cross_validate(found, logistic_pipeline)
    full_times = [timed(lambda: classify.train_examples(found))[1] for _ in range(3)]
    model = classify.train_examples(train)
    texts = [e.text for e in test]
    base_pred = [keyword_suggest(known, t, 1)[0].code for t in texts]
    base_report = classify.report(lr_truth, base_pred, known)
    return {
        "known": known, "examples": len(found), "report": report, "svm_cv": svm_cv,
        "lr_report": lr_report, "lr_cv": lr_cv, "full_train": statistics.median(full_times),
        "model_rate": per_second(lambda t: model.suggest(t, known, 3), texts),
        "base_rate": per_second(lambda t: keyword_suggest(known, t, 3), texts),
        "base_report": base_report, "calibration": calibration(model, test),
    }


# --- the results file ---------------------------------------------------------------------


def machine() -> str:
    import jieba
    import sklearn

    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (f"nproc: {os.cpu_count()}, cpu: {cpu}, python: {platform.python_version()}, "
            f"scikit-learn: {sklearn.__version__}, jieba: {jieba.__version__}, "
            f"load average at the end: {' '.join(load)}")


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def cv_text(scores: Sequence[float]) -> str:
    return f"{pct(statistics.mean(scores))} ± {pct(statistics.stdev(scores))}"


def summary_rows(r: dict[str, Any]) -> list[str]:
    rep, lr, base = r["report"], r["lr_report"], r["base_report"]
    head = ("| model | held-out accuracy | macro P | macro R | macro F1 | department accuracy "
            "| 5-fold CV accuracy | train s (80%) |")
    rows = [head, "|" + "---|" * 8]
    for name, x, cv in (("**calibrated linear SVM (shipped)**", rep, cv_text(r["svm_cv"])),
                        ("logistic regression (C=20), same features", lr, cv_text(r["lr_cv"])),
                        ("keyword baseline (anchor)", base, "–")):
        took = f"{x.train_seconds:.2f}" if x.train_seconds else "–"
        rows.append(f"| {name} | {pct(x.accuracy)} | {pct(x.macro_precision)} | "
                    f"{pct(x.macro_recall)} | {pct(x.macro_f1)} | {pct(x.department_accuracy)} "
                    f"| {cv} | {took} |")
    return rows


def category_rows(r: dict[str, Any]) -> list[str]:
    known = r["known"]
    rows = ["| category | name | department | support | precision | recall | F1 |",
            "|---|---|---|---|---|---|---|"]
    for c in sorted(r["report"].per_category, key=lambda c: c.f1):
        rows.append(f"| {c.code} | {c.name} | {known[c.code].department} | {c.support} | "
                    f"{pct(c.precision)} | {pct(c.recall)} | {pct(c.f1)} |")
    return rows


def speed_rows(r: dict[str, Any]) -> list[str]:
    ratio = r["model_rate"] / r["base_rate"]
    return ["| | suggestions/s (one text a call, top 3) | ratio to anchor |", "|---|---|---|",
            f"| keyword baseline (anchor) | {r['base_rate']:,.0f} | 1.00 |",
            f"| classifier `Model.suggest` | {r['model_rate']:,.0f} | {ratio:.3f} |",
            "", f"Training on all {r['examples']:,} examples: **{r['full_train']:.2f} s** "
            "(median of 3; budget 3 s, since a correction retrains on the next suggestion)."]


def calibration_text(r: dict[str, Any]) -> str:
    c = r["calibration"]
    return (f"Calibration of the shipped model's scores (held out): mean top probability "
            f"{pct(c['mean_top'])} against accuracy {pct(r['report'].accuracy)}, expected "
            f"calibration error {c['ece']:.3f}; {pct(c['sure_share'])} of the texts get a top "
            f"score above 0.95 and those are right {pct(c['sure_right'])} of the time (so the "
            "very top scores are somewhat overconfident).")


def write(r: dict[str, Any]) -> str:
    rep = r["report"]
    text = "\n".join([
        "# Benchmark: 12345 category classifier (issue 7)", "",
        f"Written by `make bench-hotline-classifier` (bench/hotline_classifier.py) on "
        f"{dt.date.today().isoformat()}; one run, the anchor measured in the same run. "
        "Rerun to refresh.", "", "## Machine", machine(), "",
        "## Data", f"{r['examples']:,} shipped examples (jingchu/hotline/data/training.csv) in "
        f"{len(r['known'])} categories, written for the project (not real calls). Held out: "
        f"stratified {pct(TEST_SIZE)} (seed {SEED}), {rep.test_size} texts, trained on "
        f"{rep.train_size}. Cross-validation: {FOLDS} stratified folds (seed {SEED}).", "",
        "## Quality", *summary_rows(r), "",
        "Department accuracy: the predicted category belongs to the same kind of department "
        "as the true one (e.g. 消费维权 for 食品安全 still goes to market regulation).", "",
        calibration_text(r), "",
        "### Per category (held out, worst F1 first)", *category_rows(r), "",
        "## Speed", *speed_rows(r), "",
    ])
    RESULTS.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    setup_django()
    results = measure()
    print("\n".join([*summary_rows(results), "", calibration_text(results), "",
                     *speed_rows(results)]))
    write(results)
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
