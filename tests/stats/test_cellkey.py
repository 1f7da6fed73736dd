"""The perturbation table's promises, which the page states and the audit relies on."""
from __future__ import annotations

from portal import cellkey


def test_every_count_gets_an_unbiased_noise_within_the_bound_and_zero_stays_zero():
    bound = cellkey.NOISE_BOUND
    for count in range(1, 12):
        table = cellkey.PERTURBATION_TABLE[min(count, bound)]
        noises = [n for n, _cumulative in table]
        # Every value within the bound is possible (never below zero): a published p could come
        # from any count within the bound of it, which is what the page lets an outsider assume.
        assert noises == list(range(max(-count, -bound), bound + 1))
        points = [0] + [cumulative for _n, cumulative in table]
        assert all(later > earlier for earlier, later in zip(points, points[1:])) and points[-1] == 2**32
        mean = sum(n * (points[i + 1] - points[i]) for i, n in enumerate(noises)) / 2**32
        assert abs(mean) < 0.005
    keys = [point << 32 for point in range(0, 2**32, 2**20)] + [2**64 - 1]  # the whole range, evenly
    assert all(cellkey.perturb(0, key) == 0 for key in keys)
    for count in (1, 2, 3, 7, 40):
        published = {cellkey.perturb(count, key) for key in keys}
        assert min(published) == max(0, count - bound) and max(published) == count + bound


def test_a_cell_key_is_its_records_keys_in_any_order(ctx):
    keys = cellkey.RecordKeys()
    assert keys.cell("complaint", [3, 1, 2]) == keys.cell("complaint", [2, 3, 1])
    assert keys.cell("complaint", [1]) != keys.cell("disclosure", [1])  # kinds are told apart
    assert keys.cell("complaint", []) == 0
    assert cellkey.RecordKeys()("complaint", 5) == keys("complaint", 5)  # fixed, not drawn per use
