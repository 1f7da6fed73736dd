#!/usr/bin/env python3
"""Recompute a random inspection draw (双随机、一公开) from its published inputs.

Usage:
    python verify_draw.py DRAW.json
    python verify_draw.py DRAW.json --targets-sha256 HEX --inspectors-sha256 HEX --commitment HEX

DRAW.json is the file the portal offers on the draw's public page (/inspections/<id>.json).
The optional hashes are the ones you noted from that page *before* the draw: given, they must
match too. Prints "OK" and exits 0 when everything matches; otherwise prints every difference
and exits 1 (2 when the file cannot be read). Needs Python 3.8+ and nothing else.

The portal itself draws with these same functions (it loads this file), and
`flask --app portal inspections verify ID` runs them on the stored draw.

The algorithm (version "hmac-sha256-es/1")
------------------------------------------
1. Canonical JSON: json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
   encoded as UTF-8. Only integers, strings, booleans, lists and objects appear: no floats.
2. Before the draw the portal freezes two directories and publishes the SHA-256 (hex) of each
   one's canonical JSON:
   - the targets directory: {"draw", "region", "items", "ratio_percent", "weighting",
     "targets": [{"id", "name", "weight"}, ...]} (institutions of the jurisdiction, by id);
   - the inspectors directory: {"draw", "inspectors_per_target", "inspectors": [{"id", "name"}],
     "observers": [{"id", "name"}]} (enforcement officers; observers are not drawn).
   It also publishes the commitment SHA-256(seed), where the seed is 64 lower-case hex
   characters (256 random bits) and is hashed as its ASCII text.
3. At the draw the seed is revealed. With key = seed as ASCII bytes:
   - Targets. For each target, h = HMAC-SHA256(key, "target:<id>") read as a big-endian
     integer and u = (h + 1) / 2^256, so 0 < u <= 1. Its sorting key is u^(1/weight)
     (Efraimidis–Spirakis weighted sampling: a weight above 1 raises the chance). Keys are
     compared exactly, in integers: key_a > key_b exactly when
     (h_a + 1)^w_b * 2^(256*w_a) > (h_b + 1)^w_a * 2^(256*w_b). Ties (practically impossible)
     go to the smaller id. The first ceil(N * ratio_percent / 100) targets are drawn, in that
     order; N is the number of targets.
   - Inspectors. For each drawn target t, every inspector i gets
     HMAC-SHA256(key, "inspector:<t>:<i>") as an integer; inspectors are ranked by it, highest
     first (ties to the smaller id). The first inspectors_per_target of that ranking who are
     not recused from t inspect it. A recusal therefore brings in the next inspector of the same
     ranking: the replacement is fixed by the seed, not chosen by anyone.
   Nothing uses floating point, so every platform and language computes the same draw.
4. A public value. So that nobody at the office can know the draw before it is made (someone
   holding the database and its keys could read the sealed seed), the commitment also names a
   public value that does not exist yet: "public_value_source" (for example a named lottery
   draw's official numbers) and "public_value_date" (after the commitment). At the draw staff
   enter that value, and the key of step 3 is not the seed but
   HMAC-SHA256(seed, "public-value:" + value) as 64 lower-case hex characters, where the value
   is normalised: Unicode NFKC, each run of whitespace one space, no space at either end. Check
   "public_value" against the official source yourself: the script cannot.
   Draws committed without a public value use the seed itself.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import unicodedata
from functools import cmp_to_key

ALGORITHM = "hmac-sha256-es/1"
SEED_HEX_LENGTH = 64


def canonical(obj: object) -> bytes:
    """The canonical JSON bytes of an object (sorted keys, no spaces, UTF-8)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(data: bytes) -> str:
    """SHA-256 of bytes, in lower-case hex."""
    return hashlib.sha256(data).hexdigest()


def commitment(seed: str) -> str:
    """The published commitment to a seed: SHA-256 of its ASCII text."""
    return digest(seed.encode("ascii"))


def score(seed: str, message: str) -> int:
    """HMAC-SHA256(seed, message) as a big-endian integer."""
    return int.from_bytes(hmac.new(seed.encode("ascii"), message.encode("utf-8"), hashlib.sha256).digest(), "big")


def _compare_targets(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    """Order (id, h + 1, weight) by the key u^(1/weight), largest first, exactly."""
    (id_a, h_a, w_a), (id_b, h_b, w_b) = a, b
    left = h_a ** w_b << (256 * w_a)
    right = h_b ** w_a << (256 * w_b)
    if left != right:
        return -1 if left > right else 1
    return -1 if id_a < id_b else (1 if id_a > id_b else 0)


def target_count(total: int, ratio_percent: int) -> int:
    """How many of `total` targets a ratio draws: ceil(total * ratio / 100)."""
    return -(-total * ratio_percent // 100)


def draw_targets(seed: str, targets: list[dict], ratio_percent: int) -> list[int]:
    """The drawn target ids, in draw order."""
    if any(not isinstance(t["weight"], int) or isinstance(t["weight"], bool) or t["weight"] < 1 for t in targets):
        raise ValueError("every weight must be a whole number of at least 1")
    keyed = [(t["id"], score(seed, f"target:{t['id']}") + 1, t["weight"]) for t in targets]
    ranked = sorted(keyed, key=cmp_to_key(_compare_targets))
    return [target_id for target_id, _h, _w in ranked[:target_count(len(targets), ratio_percent)]]


def inspector_ranking(seed: str, target_id: int, inspector_ids: list[int]) -> list[int]:
    """Every inspector for one target, in the seed's order (the first ones inspect it)."""
    return sorted(inspector_ids, key=lambda i: (-score(seed, f"inspector:{target_id}:{i}"), i))


def team(seed: str, target_id: int, inspector_ids: list[int], per_target: int,
         recused: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """The inspectors of one target: the first `per_target` of its ranking not recused."""
    chosen = [i for i in inspector_ranking(seed, target_id, inspector_ids) if i not in recused]
    if len(chosen) < per_target:
        raise ValueError(f"target {target_id}: fewer than {per_target} inspectors are left after recusals")
    return chosen[:per_target]


def normalise_public_value(value: str) -> str:
    """The public value as it enters the key: NFKC, whitespace runs as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def draw_key(seed: str, public_value: str | None) -> str:
    """The key the draw ranks by: the seed mixed with the public value (step 4), or the seed."""
    if public_value is None:
        return seed
    message = ("public-value:" + normalise_public_value(public_value)).encode("utf-8")
    return hmac.new(seed.encode("ascii"), message, hashlib.sha256).hexdigest()


def compute(seed: str, targets_directory: dict, inspectors_directory: dict,
            recusals: list[dict]) -> dict:
    """The whole outcome: {"targets": [ids], "assignments": [{"target", "inspectors"}]}."""
    drawn = draw_targets(seed, targets_directory["targets"], targets_directory["ratio_percent"])
    inspector_ids = [i["id"] for i in inspectors_directory["inspectors"]]
    per_target = inspectors_directory["inspectors_per_target"]
    assignments = []
    for target_id in drawn:
        recused = {r["inspector"] for r in recusals if r["target"] == target_id}
        assignments.append({"target": target_id,
                            "inspectors": team(seed, target_id, inspector_ids, per_target, recused)})
    return {"targets": drawn, "assignments": assignments}


def _check_directories(document: dict, expected: dict) -> list[str]:
    problems = []
    for name in ("targets", "inspectors"):
        computed = digest(canonical(document[f"{name}_directory"]))
        if computed != document[f"{name}_sha256"]:
            problems.append(f"the {name} directory does not match its published hash: "
                            f"it hashes to {computed}, the published hash is {document[f'{name}_sha256']}")
        if expected.get(name) and computed != expected[name].lower():
            problems.append(f"the {name} directory hashes to {computed}, not to the {expected[name]} you gave")
    return problems


def is_seed(seed: object) -> bool:
    """A seed is 64 lower-case hex characters."""
    return isinstance(seed, str) and len(seed) == SEED_HEX_LENGTH and all(c in "0123456789abcdef" for c in seed)


def _check_seed(document: dict, expected: dict) -> list[str]:
    seed = document.get("seed")
    if not is_seed(seed):
        return ["the seed has not been revealed yet, or is not 64 lower-case hex characters"]
    problems = []
    if commitment(seed) != document["seed_commitment"]:
        problems.append(f"the seed does not match the commitment: SHA-256 of the seed is {commitment(seed)}, "
                        f"the published commitment is {document['seed_commitment']}")
    if expected.get("commitment") and document["seed_commitment"] != expected["commitment"].lower():
        problems.append(f"the published commitment {document['seed_commitment']} is not the "
                        f"{expected['commitment']} you gave")
    return problems


def _compare_outcome(computed: dict, published: dict) -> list[str]:
    problems = []
    if computed["targets"] != published.get("targets"):
        missing = [t for t in computed["targets"] if t not in (published.get("targets") or [])]
        extra = [t for t in (published.get("targets") or []) if t not in computed["targets"]]
        problems.append(f"the drawn targets differ: the seed draws {computed['targets']}, the file says "
                        f"{published.get('targets')} (missing {missing}, not drawn {extra})")
    published_teams = {a["target"]: a["inspectors"] for a in published.get("assignments") or []}
    for assignment in computed["assignments"]:
        shown = published_teams.get(assignment["target"])
        if shown != assignment["inspectors"]:
            problems.append(f"the inspectors of target {assignment['target']} differ: the seed gives "
                            f"{assignment['inspectors']}, the file says {shown}")
    return problems


def verify(document: dict, expected: dict | None = None) -> list[str]:
    """Every difference between the published draw and its recomputation; empty when it holds.
    `expected` may carry "targets", "inspectors" and "commitment" hashes noted before the draw."""
    expected = expected or {}
    try:
        if document.get("algorithm") != ALGORITHM:
            return [f"unknown algorithm {document.get('algorithm')!r}: this script computes {ALGORITHM}"]
        problems = _check_directories(document, expected) + _check_seed(document, expected)
        if not is_seed(document.get("seed")):
            return problems  # nothing to recompute with
        public_value = document.get("public_value")
        if document.get("public_value_source") and not public_value:
            return problems + ["the commitment named a public value, but the file gives none"]
        computed = compute(draw_key(document["seed"], public_value), document["targets_directory"],
                           document["inspectors_directory"], document.get("recusals") or [])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [f"the file is incomplete or malformed: {exc!r}"]
    return problems + _compare_outcome(computed, document.get("outcome") or {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Recompute a published random inspection draw.")
    parser.add_argument("file", help="the draw's JSON file from /inspections/<id>.json")
    parser.add_argument("--targets-sha256", help="the targets directory hash published before the draw")
    parser.add_argument("--inspectors-sha256", help="the inspectors directory hash published before the draw")
    parser.add_argument("--commitment", help="the seed commitment published before the draw")
    args = parser.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    problems = verify(document, {"targets": args.targets_sha256, "inspectors": args.inspectors_sha256,
                                 "commitment": args.commitment})
    if problems:
        for problem in problems:
            print(f"MISMATCH: {problem}")
        return 1
    print(f"OK: draw {document.get('draw_id')} recomputed from its published inputs "
          f"({len(document['outcome']['targets'])} targets; targets directory {document['targets_sha256']}, "
          f"inspectors directory {document['inspectors_sha256']}, commitment {document['seed_commitment']})")
    if document.get("public_value"):
        print(f"Now check the public value yourself: {document['public_value_source']} "
              f"({document.get('public_value_date')}) must be {document['public_value']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
