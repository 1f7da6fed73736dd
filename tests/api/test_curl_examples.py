"""The curl examples on /api work as written, run by curl against a live test server."""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import urllib.request

import pytest

pytestmark = [pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed"),
              pytest.mark.slow]  # a live server and a curl process per example

EXAMPLE_RECEIPT = "7K2M-9QXD-4HTB-PW3N"


def examples(live_server, live_app) -> list[str]:
    """The commands as the page shows them, pointed at the test server instead of BASE_URL."""
    page = urllib.request.urlopen(f"{live_server.url}/api?lang=zh_CN").read().decode()
    commands = [html.unescape(code) for code in re.findall(r'<pre class="code"><code>(.*?)</code></pre>', page, re.S)]
    base = live_app.config["BASE_URL"].rstrip("/")
    assert commands and all(base in command for command in commands)
    return [command.replace(base, live_server.url) for command in commands]


def run(command: str) -> dict:
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_example_runs_and_answers_json(live_server, live_app):
    commands = examples(live_server, live_app)
    answers: list[dict] = []
    filed: dict = {}
    for command in commands:
        if EXAMPLE_RECEIPT in command:  # the reader is told to put in their own receipt
            command = command.replace(EXAMPLE_RECEIPT, filed["receipt"])
        answer = run(command)
        assert "error" not in answer, (command, answer)
        if "receipt" in answer:
            filed.update(answer)
        answers.append(answer)
    institutions, blacklist, disclosures, districts, filed_answer, status = answers
    assert institutions["total"] > 0 and all("艺术" in item["name"] for item in institutions["items"])
    assert blacklist["total"] > 0 and all(item["region_code"].startswith("6301") for item in blacklist["items"])
    assert disclosures["total"] > 0 and all(item["region_code"] == "330106" for item in disclosures["items"])
    assert "330106" in [item["code"] for item in districts["items"]]
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", filed_answer["receipt"])
    assert status["case_number"] == filed_answer["case_number"]
