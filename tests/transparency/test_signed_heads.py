"""Signed heads of the audit log: someone with write access to the database deletes a record and
recomputes the hash chain; `audit verify` and the standalone script still catch it against the
heads signed before. The proofs the portal serves are the ones RFC 9162 verification accepts."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import random

import pytest
from sqlalchemy import select, text

from portal.config import PROJECT_ROOT
from portal.db import utcnow
from portal.extensions import db
from portal.security import audit
from portal.security.audit import AuditHead, AuditRecord
from portal.transparency import merkle, service

SCRIPT = PROJECT_ROOT / "scripts" / "verify-audit-head"


def load_script():
    loader = importlib.machinery.SourceFileLoader("verify_audit_head", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


@pytest.fixture
def signing(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY_FILE", tmp_path / "audit_signing_key")
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_PUBLIC_KEY_FILE", tmp_path / "audit_signing_key.pub")
    with app.app_context():
        service.generate_key()
    assert os.stat(tmp_path / "audit_signing_key").st_mode & 0o077 == 0
    return tmp_path


def test_the_served_proofs_are_what_the_standalone_verifier_accepts():
    script = load_script()
    rng = random.Random(9162)
    for size in range(1, 18):
        leaves = [rng.randbytes(32) for _ in range(size)]
        root = merkle.root(leaves)
        for index in range(size):
            proof = merkle.inclusion_proof(leaves, index)
            assert script.included(leaves[index], index, size, root, proof)
            assert not script.included(rng.randbytes(32), index, size, root, proof)
        for first in range(1, size + 1):
            old_root = merkle.root(leaves[:first])
            proof = merkle.consistency_proof(leaves, first)
            assert script.consistent(first, size, old_root, root, proof), (first, size)
            if first < size:
                changed = leaves[:first - 1] + [rng.randbytes(32)] + leaves[first:]
                assert not script.consistent(first, size, old_root, merkle.root(changed), proof)


def append(count: int) -> list[AuditRecord]:
    records = [audit.record("user:7", "complaint.accept", "complaint", 500 + i, after={"status": "accepted"})
               for i in range(count)]
    audit.sequence()
    return records


def rewrite_without(removed: AuditRecord) -> None:
    """What someone with write access to the database could do: delete a record and recompute the
    hash chain after it, head included, so the chain alone looks intact."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only"))
        connection.execute(text("ALTER TABLE audit_records DISABLE TRIGGER audit_records_sequence_once"))
    else:
        connection.execute(text("DROP TRIGGER audit_records_no_update"))
        connection.execute(text("DROP TRIGGER audit_records_no_delete"))
    db.session.execute(text("DELETE FROM audit_records WHERE id = :id"), {"id": removed.id})
    db.session.expire_all()
    previous = audit.GENESIS
    for place, entry in enumerate(db.session.scalars(select(AuditRecord).where(AuditRecord.seq.is_not(None))
                                                      .order_by(AuditRecord.seq)), start=1):
        entry.prev_hash, entry.seq = previous, place
        entry.hash = previous = audit.record_hash(entry)
    head = db.session.get(AuditHead, 1)
    head.last_hash, head.count = previous, head.count - 1
    db.session.flush()


def fetch(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_json()


def test_a_rewritten_log_is_caught_by_verify_and_by_the_script(app, client, runner, signing):
    script = load_script()
    with app.app_context():
        records = append(5)
        db.session.commit()
    assert "signed head of" in runner.invoke(args=["audit", "checkpoint"]).output
    with app.app_context():
        append(2)
        db.session.commit()
    runner.invoke(args=["audit", "checkpoint"])
    assert "nothing recorded" in runner.invoke(args=["audit", "checkpoint"]).output
    published = fetch(client, "/transparency/checkpoints.json")
    public_key = published["public_key"]
    new, old = published["checkpoints"][:2]
    (signing / "old.json").write_text(json.dumps(old))
    (signing / "new.json").write_text(json.dumps(new))
    proof = fetch(client, f"/transparency/consistency.json?first={old['tree_size']}&second={new['tree_size']}")
    (signing / "proof.json").write_text(json.dumps(proof))
    heads = [str(signing / "old.json"), str(signing / "new.json")]
    assert script.main(heads + ["--public-key", public_key, "--proof", str(signing / "proof.json")]) == 0
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output

    with app.app_context():
        rewrite_without(db.session.get(AuditRecord, records[2].id))
        db.session.commit()
        assert audit.verify()[1] is None  # the chain alone looks intact
    caught = runner.invoke(args=["audit", "verify"])
    assert caught.exit_code == 1 and "records before this signed head were changed or removed" in caught.output

    # The signing host, unaware, signs the rewritten log: an outsider's copy of the old head shows it.
    with app.app_context():
        append(1)
        db.session.commit()
    runner.invoke(args=["audit", "checkpoint"])
    latest = fetch(client, "/transparency/checkpoints.json")["checkpoints"][0]
    (signing / "latest.json").write_text(json.dumps(latest))
    proof = fetch(client, f"/transparency/consistency.json?first={old['tree_size']}&second={latest['tree_size']}")
    (signing / "proof2.json").write_text(json.dumps(proof))
    assert script.main([str(signing / "old.json"), str(signing / "latest.json"), "--public-key", public_key,
                        "--proof", str(signing / "proof2.json")]) == 1
    forged = dict(old, root_hash="00" * 32)
    (signing / "forged.json").write_text(json.dumps(forged))
    assert script.main([str(signing / "forged.json"), "--public-key", public_key]) == 1


def test_an_inclusion_proof_for_a_record(app, client, runner, signing):
    with app.app_context():
        records = append(3)
        db.session.commit()
        wanted = records[1].hash
    runner.invoke(args=["audit", "checkpoint"])
    head = fetch(client, "/transparency/checkpoints.json")["checkpoints"][0]
    proof = fetch(client, f"/transparency/inclusion.json?hash={wanted}&size={head['tree_size']}")
    script = load_script()
    assert script.included(bytes.fromhex(proof["leaf"]), proof["index"], head["tree_size"],
                           bytes.fromhex(head["root_hash"]), [bytes.fromhex(node) for node in proof["proof"]])
    assert client.get(f"/transparency/inclusion.json?hash={'0' * 64}&size={head['tree_size']}").status_code == 404
    assert client.get(f"/transparency/inclusion.json?hash={wanted}&size=2").status_code == 404  # no head of 2
    assert client.get("/transparency/consistency.json?first=1&second=999999").status_code == 404


def test_a_host_without_the_signing_key_signs_nothing(app, runner, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY_FILE", tmp_path / "absent")
    refused = runner.invoke(args=["audit", "checkpoint"])
    assert refused.exit_code == 1 and "No audit signing key" in refused.output


def test_the_page_counts_what_was_done_by_month_in_both_languages(app, client, runner, signing):
    with app.app_context():
        audit.record("user:3", "identity.approve", "complaint", 1)
        audit.record("user:4", "identity.viewed", "complaint", 1)
        audit.record("user:5", "grant.approved", "user", 9)
        db.session.commit()
    runner.invoke(args=["audit", "checkpoint"])
    english = client.get("/transparency?lang=en")
    page = english.get_data(as_text=True)
    assert english.status_code == 200 and "<title>Transparency" in page
    assert "Requests to see a reporter&#39;s identity approved" in page or \
        "Requests to see a reporter's identity approved" in page
    assert (signing / "audit_signing_key.pub").read_text().strip() in page  # the key to check heads with
    chinese = client.get("/transparency?lang=zh_CN").get_data(as_text=True)
    assert "信息透明" in chinese and "审计日志签名树头" in chinese
    with app.app_context():
        counts = service.monthly_counts(utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0))
    month = next(iter(counts.values()))
    assert month["reveal_approved"] >= 1 and month["identity_viewed"] >= 1 and month["privilege_granted"] >= 1
