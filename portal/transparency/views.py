"""/transparency: the audit log's signed heads, the proofs that check them, and monthly counts of
what the office did with its powers (reveals of reporters, privileged accounts, casework)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, jsonify, render_template, request

from portal import clock
from portal.security.headers import public_cache
from portal.transparency import service

bp = Blueprint("transparency", __name__)
SHOWN_HEADS = 20
COUNTED_MONTHS = 12


def _size(name: str) -> int:
    """A tree size named in the query that is the size of a signed head (else 404)."""
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) < 12):
        abort(404)
    size = int(value)
    if size not in {found.tree_size for found in service.checkpoints()}:
        abort(404)
    return size


@bp.get("/transparency")
@public_cache(300)
def index():
    """The page: what is signed and how to check it, the latest heads, the monthly counts."""
    public = service.public_key()
    since = (clock.now() - dt.timedelta(days=31 * COUNTED_MONTHS)).replace(day=1, hour=0, minute=0, second=0,
                                                                         microsecond=0)
    return render_template("transparency/index.html", public_key=public,
                           fingerprint=service.fingerprint(public) if public else None,
                           heads=[service.head(found) for found in service.checkpoints(SHOWN_HEADS)],
                           counts=service.monthly_counts(since), kinds=KINDS)


@bp.get("/transparency/checkpoints.json")
@public_cache(300)
def checkpoints():
    """Every signed head, newest first, with the public key that signed them."""
    return jsonify({"public_key": service.public_key(),
                    "checkpoints": [service.head(found) for found in service.checkpoints()]})


@bp.get("/transparency/consistency.json")
@public_cache(3600)
def consistency():
    """The proof that the log of the `second` signed head extends that of the `first`."""
    first, second = _size("first"), _size("second")
    if first > second:
        abort(404)
    return jsonify({"first": first, "second": second, "proof": service.consistency(first, second)})


@bp.get("/transparency/inclusion.json")
@public_cache(3600)
def inclusion():
    """The proof that the record with this chain hash is in the log of a signed head."""
    size, record_hash = _size("size"), request.args.get("hash", "").lower()
    if len(record_hash) != 64 or any(ch not in "0123456789abcdef" for ch in record_hash):
        abort(404)
    found = service.inclusion(record_hash, size)
    if found is None:
        abort(404)
    index_, proof = found
    return jsonify({"leaf": record_hash, "index": index_, "tree_size": size, "proof": proof})


def _kinds():
    from portal.i18n import _l

    return {"reveal_approved": _l("Requests to see a reporter's identity approved"),
            "reveal_denied": _l("Requests to see a reporter's identity denied"),
            "identity_viewed": _l("Times a reporter's identity was opened"),
            "privilege_granted": _l("Privileged accounts and permissions approved by a second administrator"),
            "keys_rotated": _l("Encryption keys rotated"),
            "casework": _l("Casework steps on complaints")}


KINDS = _kinds()
