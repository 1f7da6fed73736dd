"""Merkle trees over the audit records, as Certificate Transparency builds them (RFC 9162 §2.1):
the tree head (MTH) of the first n records, and the proofs that a record is in a tree
(inclusion) and that a later tree extends an earlier one (consistency).

A leaf is a record's chain hash (32 bytes). Verifying proofs is left to whoever holds them:
`scripts/verify-audit-head` does it with the standard library alone.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY = hashlib.sha256(b"").digest()


class Frontier:
    """The roots of the perfect subtrees a growing tree is made of: adds a leaf in O(log n) and
    gives the head of the tree so far, so one pass over the records yields every checkpoint's root.

    It also keeps the last leaf's audit path inside the smallest subtree (`edge`), so a stored
    frontier proves which record the tree ends with: kept beside a signed head, it lets the next
    check or head start from there instead of reading every record again."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (height, root), tallest first
        self.last: bytes | None = None  # the last leaf's data
        self._edge: list[bytes] = []  # its audit path inside the last subtree, lowest first

    def add(self, data: bytes) -> None:
        node, height = leaf_hash(data), 0
        self._edge = []
        while self._stack and self._stack[-1][0] == height:
            _, left = self._stack.pop()
            self._edge.append(left)
            node, height = node_hash(left, node), height + 1
        self._stack.append((height, node))
        self.size += 1
        self.last = data

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY
        acc = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            acc = node_hash(left, acc)
        return acc

    def ends_with(self, data: bytes) -> bool:
        """Whether `data` is the last leaf of this tree (its path leads to the last subtree's root)."""
        if not self._stack:
            return False
        node = leaf_hash(data)
        for left in self._edge:
            node = node_hash(left, node)
        return node == self._stack[-1][1]

    def state(self) -> dict:
        """What to store: enough to go on adding leaves and to prove the last one."""
        return {"size": self.size, "stack": [[height, node.hex()] for height, node in self._stack],
                "edge": [node.hex() for node in self._edge], "last": self.last.hex() if self.last else None}

    @classmethod
    def from_state(cls, state: dict) -> "Frontier":
        frontier = cls()
        frontier.size = state["size"]
        frontier._stack = [(height, bytes.fromhex(node)) for height, node in state["stack"]]
        frontier._edge = [bytes.fromhex(node) for node in state["edge"]]
        frontier.last = bytes.fromhex(state["last"]) if state["last"] else None
        return frontier


def root(leaves: Iterable[bytes]) -> bytes:
    """MTH of the leaves."""
    frontier = Frontier()
    for data in leaves:
        frontier.add(data)
    return frontier.root()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(hashes: list[bytes]) -> bytes:
    if not hashes:
        return EMPTY
    if len(hashes) == 1:
        return hashes[0]
    k = _split(len(hashes))
    return node_hash(_mth(hashes[:k]), _mth(hashes[k:]))


def inclusion_proof(leaves: list[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]): the audit path of leaf `index` in the tree of all `leaves`."""
    hashes = [leaf_hash(data) for data in leaves]

    def path(m: int, nodes: list[bytes]) -> list[bytes]:
        if len(nodes) <= 1:
            return []
        k = _split(len(nodes))
        if m < k:
            return path(m, nodes[:k]) + [_mth(nodes[k:])]
        return path(m - k, nodes[k:]) + [_mth(nodes[:k])]

    return path(index, hashes)


def consistency_proof(leaves: list[bytes], first: int) -> list[bytes]:
    """PROOF(first, D[n]): that the tree of the first `first` leaves is a prefix of the tree of all."""
    hashes = [leaf_hash(data) for data in leaves]

    def subproof(m: int, nodes: list[bytes], whole: bool) -> list[bytes]:
        if m == len(nodes):
            return [] if whole else [_mth(nodes)]
        k = _split(len(nodes))
        if m <= k:
            return subproof(m, nodes[:k], whole) + [_mth(nodes[k:])]
        return subproof(m - k, nodes[k:], False) + [_mth(nodes[:k])]

    if first <= 0 or first > len(hashes):
        return []
    return subproof(first, hashes, True)
