"""The rule that chooses the shipped refusal threshold from a sweep (bench/bench_threshold.py), and the sweep's
early stop keeping that choice."""

from bench.bench_threshold import _safe, choose


def _rows(fr: int, ur: int, crud_fr: int) -> dict:
    return {"slot_qa": {"false_refusals": fr, "unanswerable_refused": ur},
            "crud_qa_dev": {"false_refusals": crud_fr, "unanswerable_refused": 4}}


def test_choose_takes_the_lowest_threshold_with_one_safe_step_below():
    sweep = {"0.2": _rows(1, 15, 14), "0.17": _rows(1, 15, 11), "0.15": _rows(0, 15, 9), "0.13": _rows(0, 14, 8),
             "0.12": _rows(0, 15, 7)}
    assert choose(sweep) == "0.17"  # 0.15 is safe but 0.13 below it loses an unanswerable refusal


def test_a_seed_set_losing_a_refusal_keeps_the_fitted_threshold():
    sweep = {"0.256": _rows(1, 15, 14), "0.17": _rows(1, 14, 11)}
    assert not _safe(sweep, "0.17")
    assert choose(sweep) == "0.256"


def test_stopping_at_the_first_unsafe_threshold_keeps_the_choice():
    full = {"0.2": _rows(1, 15, 14), "0.17": _rows(1, 15, 11), "0.15": _rows(1, 15, 15), "0.13": _rows(0, 15, 8)}
    first_unsafe = next(t for t in list(full)[1:] if not _safe(full, t))
    stopped = {t: full[t] for t in list(full)[: list(full).index(first_unsafe) + 1]}
    assert choose(stopped) == choose(full) == "0.2"
