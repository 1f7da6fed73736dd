"""The draw's algorithm on its own: fixed seed vectors (the same on every database and platform,
since nothing here touches the database or floating point), weighting, the target count and
recusal replacements."""
import hashlib

import pytest

from portal.inspections import algorithm

SEED = "5eed" * 16
TARGETS = [{"id": i, "name": f"机构{i}", "weight": 1} for i in range(1, 21)]
INSPECTORS = [11, 12, 13, 14, 15]


def seeds(count: int) -> list[str]:
    return [hashlib.sha256(str(n).encode()).hexdigest() for n in range(count)]


def test_canonical_json_and_commitment_are_the_documented_ones():
    assert algorithm.canonical({"b": 1, "a": "西湖"}) == '{"a":"西湖","b":1}'.encode("utf-8")
    assert algorithm.commitment(SEED) == hashlib.sha256(SEED.encode("ascii")).hexdigest()
    assert algorithm.commitment(SEED) == "9619e2c3275e1e8be9ca29f0d7e0668cfdc675efcac99dbfa3ed48872c69809f"


def test_fixed_seed_vectors():
    """Literal outcomes: a change to the algorithm, or a platform that computes differently, fails here."""
    directory = {"ratio_percent": 20, "targets": TARGETS}
    people = {"inspectors_per_target": 2, "inspectors": [{"id": i, "name": str(i)} for i in INSPECTORS]}
    outcome = algorithm.compute(SEED, directory, people, [])
    assert outcome["targets"] == [16, 12, 13, 20]
    assert algorithm.inspector_ranking(SEED, 16, INSPECTORS) == [12, 14, 11, 13, 15]
    assert outcome["assignments"][0] == {"target": 16, "inspectors": [12, 14]}
    weighted = [dict(t, weight=5 if t["id"] <= 4 else 1) for t in TARGETS]
    assert algorithm.compute(SEED, dict(directory, targets=weighted), people, [])["targets"] == [4, 16, 12, 13]


def test_the_same_seed_gives_the_same_draw_and_another_seed_another():
    directory = {"ratio_percent": 30, "targets": TARGETS}
    people = {"inspectors_per_target": 2, "inspectors": [{"id": i, "name": str(i)} for i in INSPECTORS]}
    first = algorithm.compute(SEED, directory, people, [])
    assert algorithm.compute(SEED, directory, people, []) == first
    assert algorithm.compute("0" * 64, directory, people, []) != first


@pytest.mark.parametrize(("total", "ratio", "count"), [(15, 20, 3), (15, 10, 2), (1, 1, 1), (20, 100, 20), (0, 50, 0)])
def test_the_ratio_is_rounded_up(total, ratio, count):
    assert algorithm.target_count(total, ratio) == count


def test_a_heavier_weight_raises_the_chance_as_efraimidis_spirakis_says():
    """One institution of ten with weight 5, one drawn: its chance is 5/14 ≈ 0.36, the others' 1/14."""
    targets = [{"id": i, "name": "", "weight": 5 if i == 1 else 1} for i in range(1, 11)]
    drawn = [algorithm._script.draw_targets(seed, targets, 10)[0] for seed in seeds(3000)]
    heavy, light = drawn.count(1) / 3000, drawn.count(2) / 3000
    assert 0.32 < heavy < 0.40
    assert 0.05 < light < 0.095


def test_integer_comparison_orders_like_the_floating_point_keys():
    targets = [{"id": i, "name": "", "weight": 1 + i % 4} for i in range(1, 30)]
    for seed in seeds(50):
        exact = algorithm._script.draw_targets(seed, targets, 100)
        keys = {t["id"]: ((algorithm._script.score(seed, f"target:{t['id']}") + 1) / 2**256) ** (1 / t["weight"])
                for t in targets}
        assert exact == sorted(keys, key=lambda i: (-keys[i], i))


def test_a_recusal_brings_in_the_next_inspector_of_the_same_ranking():
    ranking = algorithm.inspector_ranking(SEED, 16, INSPECTORS)
    assert algorithm.team(SEED, 16, INSPECTORS, 2, {ranking[0]}) == [ranking[1], ranking[2]]
    assert algorithm.team(SEED, 16, INSPECTORS, 2, {ranking[1], ranking[2]}) == [ranking[0], ranking[3]]
    with pytest.raises(ValueError, match="fewer than 2"):
        algorithm.team(SEED, 16, INSPECTORS, 2, set(ranking[:4]))


def test_weights_must_be_whole_numbers_of_at_least_one():
    with pytest.raises(ValueError):
        algorithm._script.draw_targets(SEED, [{"id": 1, "name": "", "weight": 0}], 100)
    with pytest.raises(ValueError):
        algorithm._script.draw_targets(SEED, [{"id": 1, "name": "", "weight": 1.5}], 100)
