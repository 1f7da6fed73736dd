"""Demo data for `make run`: every feature adds its own through its `demo.seed`."""
from __future__ import annotations

from collections.abc import Iterator


def seed() -> Iterator[str]:
    """Seed each feature in dependency order, yielding one line of report per feature."""
    from portal.accounts import demo as accounts_demo
    from portal.complaints import demo as complaints_demo
    from portal.disclosures import demo as disclosures_demo
    from portal.institutions import demo as institutions_demo
    from portal.regions import service as regions
    from portal.workdays import service as workdays

    added, changed, _retired = regions.load()
    yield f"regions: {added} added, {changed} changed"
    years = workdays.import_package()
    yield f"holiday calendar: {len(years)} years entered"
    yield f"institutions: {institutions_demo.seed()} added"
    yield f"demo accounts: {accounts_demo.seed()} added"
    yield f"demo cases: {complaints_demo.seed()} added"
    yield f"demo penalty disclosures: {disclosures_demo.seed()} added"
    from portal.blacklist import demo as blacklist_demo

    yield f"demo blacklist entries: {blacklist_demo.seed()} added"
    from portal.typical import demo as typical_demo

    yield f"demo typical cases: {typical_demo.seed()} added"
    from portal.supervisors import demo as supervisors_demo

    yield f"demo social supervisors: {supervisors_demo.seed()} added"
    from portal.inspections import demo as inspections_demo

    yield f"demo inspection draws: {inspections_demo.seed()} added"
