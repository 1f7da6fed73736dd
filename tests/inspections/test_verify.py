"""Anyone can recompute a draw: the downloaded JSON verifies with the standalone script (run as
a separate Python process, standard library only) and with `flask --app portal inspections
verify`; a tampered directory, seed, team or target list fails with a message saying what."""
import json
import subprocess
import sys

import pytest

from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.inspections import published, service
from portal.inspections.models import Assignment
from tests.support.inspections import handler, prepare_draw, with_seed

SCRIPT = PROJECT_ROOT / "scripts" / "verify_draw.py"


@pytest.fixture
def draw_id(app):
    with app.app_context():
        officer = handler()
        draw = prepare_draw(officer, weighting=True, ratio_percent=30)
        service.commit(draw, officer)
        with_seed(draw)
        service.reveal(draw, officer)
        first = published.assignments_of(draw)[0]
        someone_else = next(i for i in first.inspector_id_list if i != officer.id)  # not the officer's own
        proposal = service.recuse(draw, first, officer, someone_else, "利益冲突")
        service.confirm_recusal(draw, proposal, handler("verify.second"))
        db.session.commit()
        return draw.id


def run_script(path, *args):
    # -I: isolated mode, nothing from the project or its virtualenv's site-packages is importable.
    return subprocess.run([sys.executable, "-I", str(SCRIPT), str(path), *args], capture_output=True, text=True,
                          cwd="/", timeout=60)


def download(client, draw_id, tmp_path, change=None):
    response = client.get(f"/inspections/{draw_id}.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    if change:
        change(document)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_downloaded_draw_verifies_with_the_standalone_script(client, draw_id, tmp_path):
    result = run_script(download(client, draw_id, tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"OK: draw {draw_id} recomputed")


def test_the_hashes_noted_before_the_draw_can_be_checked_too(client, draw_id, tmp_path):
    path = download(client, draw_id, tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert run_script(path, "--commitment", document["seed_commitment"],
                      "--targets-sha256", document["targets_sha256"]).returncode == 0
    result = run_script(path, "--commitment", "0" * 64)
    assert result.returncode == 1 and "not the " + "0" * 64 in result.stdout


def _drop_a_target(document):
    document["targets_directory"]["targets"].pop()


def _raise_a_weight(document):
    document["targets_directory"]["targets"][0]["weight"] += 1


def _rename_an_inspector(document):
    document["inspectors_directory"]["inspectors"][0]["name"] = "冒名顶替"


def _another_seed(document):
    document["seed"] = "f" * 64


def _swap_a_team(document):
    team = document["outcome"]["assignments"][1]["inspectors"]
    document["outcome"]["assignments"][1]["inspectors"] = list(reversed(team))


def _forget_the_recusal(document):
    document["recusals"] = []


@pytest.mark.parametrize(("change", "message"), [
    (_drop_a_target, "the targets directory does not match its published hash"),
    (_raise_a_weight, "the targets directory does not match its published hash"),
    (_rename_an_inspector, "the inspectors directory does not match its published hash"),
    (_another_seed, "the seed does not match the commitment"),
    (_swap_a_team, "the inspectors of target"),
    (_forget_the_recusal, "the inspectors of target"),
])
def test_a_tampered_copy_fails_verification(client, draw_id, tmp_path, change, message):
    result = run_script(download(client, draw_id, tmp_path, change))
    assert result.returncode == 1, result.stdout
    assert f"MISMATCH: {message}" in result.stdout
    assert "OK" not in result.stdout


def test_a_tampered_target_list_names_the_difference(client, draw_id, tmp_path):
    def change(document):
        document["outcome"]["targets"][0] = 999999
    result = run_script(download(client, draw_id, tmp_path, change))
    assert result.returncode == 1
    assert "the drawn targets differ" in result.stdout and "999999" in result.stdout


def test_an_unreadable_file_exits_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    assert run_script(path).returncode == 2


def test_the_command_verifies_a_stored_draw_and_finds_tampering(app, runner, draw_id):
    result = runner.invoke(args=["inspections", "verify", str(draw_id)])
    assert result.exit_code == 0 and result.output.startswith(f"OK: draw {draw_id}")
    with app.app_context():
        assignment = db.session.query(Assignment).filter_by(draw_id=draw_id, rank=2).one()
        assignment.inspector_ids = ",".join(reversed(assignment.inspector_ids.split(",")))
        db.session.commit()
    result = runner.invoke(args=["inspections", "verify", str(draw_id)])
    assert result.exit_code == 1 and "MISMATCH: the inspectors of target" in result.output


def test_the_command_refuses_an_undrawn_or_unknown_draw(app, runner):
    with app.app_context():
        officer = handler()
        draw = prepare_draw(officer)
        service.commit(draw, officer)
        db.session.commit()
        committed = draw.id
    assert "not drawn yet" in runner.invoke(args=["inspections", "verify", str(committed)]).output
    assert "no committed draw" in runner.invoke(args=["inspections", "verify", "999999"]).output


def test_the_public_can_download_the_script_itself(client):
    response = client.get("/inspections/verify_draw.py")
    assert response.status_code == 200 and response.get_data() == SCRIPT.read_bytes()
