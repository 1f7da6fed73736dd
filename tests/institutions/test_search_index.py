"""Search through the name index: one and two characters, longer fragments checked against the
name, the index following renames, common fragments counted up to a cap, the reindex command and
the migration that indexes institutions registered before it."""
from sqlalchemy import delete, func, select, text

from portal.extensions import db
from portal.institutions import service
from portal.institutions.models import GRAM_KIND, Institution
from portal.search import grams, pages
from portal.search.models import NameGram
from tests.support import institutions as factories

Q = service.InstitutionQuery


def found(text: str, **query) -> set[int]:
    return {i.id for i in service.search(Q.from_input(text, **query), 1, 500).items}


def test_one_and_two_characters_find_a_new_institution_at_once(ctx):
    whale = factories.institution(name="西湖区鲸鱼座艺术培训学校")
    assert whale.id in found("鲸") and whale.id in found("鱼座")
    assert whale.id in found("鲸 鱼")  # spaces are ignored, as in the index
    assert all("鲸" in i.name for i in service.search(Q.from_input("鲸"), 1, 500).items)


def test_longer_fragments_match_the_name_not_just_its_trigrams(ctx):
    whale = factories.institution(name="西湖区鲸鱼座艺术培训学校")
    assert whale.id in found("鲸鱼座艺术") and whale.id in found("座艺术培训学")
    assert whale.id not in found("鲸鱼座舞蹈")
    assert whale.id not in found("培训学校鲸鱼")  # every trigram of a name part, but not in this order


def test_the_index_follows_a_rename(ctx):
    whale = factories.institution(name="西湖区鲸鱼座艺术培训学校")
    whale.name = "西湖区海豚湾艺术培训学校"
    db.session.flush()
    assert whale.id in found("海豚") and whale.id not in found("鲸鱼")
    stored = set(db.session.scalars(select(NameGram.gram).where(NameGram.kind == GRAM_KIND,
                                                               NameGram.ref_id == whale.id)))
    assert stored == grams.grams_of("西湖区海豚湾艺术培训学校")


def test_common_fragments_are_counted_up_to_a_cap(ctx, monkeypatch):
    monkeypatch.setattr(grams, "DENSE", 20)  # the demo's 240 names then behave like 100,000
    monkeypatch.setattr(pages, "COUNT_CAP", 50)
    common = service.search(Q.from_input("培训"), 1, 20)
    assert common.more and common.total == 50 and common.pages == 3
    assert [i.name for i in common.items] == sorted(i.name for i in common.items)
    assert all("培训" in i.name for i in common.items)
    rare = service.search(Q.from_input("鲸"), 1, 20)
    assert not rare.more


def test_a_dense_fragment_lists_the_same_names_as_a_selective_one(ctx, monkeypatch):
    selective = [i.id for i in service.search(Q.from_input("艺术"), 1, 500).items]
    monkeypatch.setattr(grams, "DENSE", 5)
    dense = [i.id for i in service.search(Q.from_input("艺术"), 1, 500).items]
    assert selective == dense and len(dense) > 5


def test_every_fragment_lists_exactly_the_names_containing_it_in_name_order(ctx):
    factories.institution(name="西湖区鲸鱼座艺术培训学校")
    factories.institution(name="杭州市西湖区海豚湾艺术培训学校")
    everyone = db.session.execute(select(Institution.id, Institution.name)).all()
    for fragment in ("艺", "艺术", "西湖区", "湖区海豚", "艺术培训学校", "杭州市西湖", "鲸鱼座艺"):
        expected = [i for i, name in sorted(everyone, key=lambda row: (row[1], row[0]))
                    if grams.normalise(fragment) in grams.normalise(name)]
        page = service.search(Q.from_input(fragment), 1, 500)
        assert [i.id for i in page.items] == expected, fragment
        assert page.total == min(len(expected), pages.COUNT_CAP) and expected


def test_the_name_order_follows_a_rename(ctx):
    whale = factories.institution(name="西湖区鲸鱼座艺术培训学校")
    dolphin = factories.institution(name="西湖区海豚湾艺术培训学校")
    assert [i.id for i in service.search(Q.from_input("湖区"), 1, 500).items].index(dolphin.id) < \
        [i.id for i in service.search(Q.from_input("湖区"), 1, 500).items].index(whale.id)
    dolphin.name = "西湖区鲸鱼座艺术培训学校（二部）"  # now after the whale in name order
    db.session.flush()
    listed = [i.id for i in service.search(Q.from_input("湖区"), 1, 500).items]
    assert listed.index(whale.id) < listed.index(dolphin.id)
    assert set(db.session.scalars(select(NameGram.sort_key).where(NameGram.kind == GRAM_KIND,
                                                                  NameGram.ref_id == dolphin.id))) == {dolphin.name}


def test_uscc_prefix_and_full_code(ctx):
    whale = factories.institution()
    assert whale.id in found(whale.uscc) and whale.id in found(whale.uscc[:8].lower())


def test_a_code_fragment_finds_names_holding_it_as_well_as_codes(ctx):
    coded = factories.institution()
    named = factories.institution(name=f"西湖区{coded.uscc[:8]}培训部", uscc=None)
    assert {coded.id, named.id} <= found(coded.uscc[:8])  # both indexes, as the name holds the digits
    assert found(coded.uscc) == {coded.id}  # no name holds the whole code: its range alone


def test_codes_no_name_holds_are_listed_in_code_order(ctx):
    names = ("西湖区甲培训", "西湖区乙培训", "西湖区丙培训")  # in name order the last comes first
    made = [factories.institution(name=name) for name in names]
    prefix = made[0].uscc[:9]  # the factories' codes share it; no demo code does
    listed = [i.uscc for i in service.search(Q.from_input(prefix), 1, 500).items]
    assert listed == sorted(i.uscc for i in made)


def test_reindex_command_rebuilds_the_index(runner, app):
    with app.app_context():
        db.session.execute(delete(NameGram))
        db.session.commit()
        assert not found("培训")
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Institution))
        assert f"{total} institutions" in result.output and "blacklist entries" in result.output
        assert len(found("培训")) > 150


def test_the_migration_indexes_institutions_already_registered(tmp_path, database_url):
    from flask_migrate import upgrade

    from portal.config import PROJECT_ROOT
    from tests.support.apps import make_app
    from tests.support.databases import isolated_database

    migrations = str(PROJECT_ROOT / "migrations")
    with isolated_database(database_url, "gram_backfill", tmp_path) as url:
        app = make_app(tmp_path, url)
        with app.app_context():
            upgrade(migrations, "84b134ccd29d")  # the revision before the name index
            with db.engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO regions (code, name_zh, name_en, level, parent_code, path_zh, path_en, \"current\")"
                    " VALUES ('330106', '西湖区', 'Xihu', 'county', NULL, '西湖区', 'Xihu', true)"))
                connection.execute(text(
                    "INSERT INTO institutions (name, region_code, address, kind, licence_status, registration_type,"
                    " on_national_platform, created_at, updated_at) VALUES ('西湖区Ａ鲸鱼 座培训', '330106', '',"
                    " 'arts', 'none', 'none', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            upgrade(migrations)
            stored = set(db.session.scalars(select(NameGram.gram).where(NameGram.kind == GRAM_KIND)))
            assert stored == grams.grams_of("西湖区Ａ鲸鱼 座培训") and "a鲸鱼" in stored
            keys = set(db.session.scalars(select(NameGram.sort_key).where(NameGram.kind == GRAM_KIND)))
            assert keys == {"西湖区Ａ鲸鱼 座培训"}  # the names, as listed, for the order of a search
            db.session.remove()
            db.engine.dispose()
