"""Loads regions, regulators, exam centers, the Yuncheng institutions and every exam point."""

from peikao.core.seed_files import read_seed_file
from peikao.orgs.models import Organization, Region

Kind = Organization.Kind

SEED_CITIES = ("140800", "140900")  # Yuncheng and Xinzhou, the two cities of the notices

# Jurisdictions without a bureau of their own name (忻应急发〔2024〕26号, addressees).
REGULATOR_NAMES = {
    "1409A1": "忻州经济开发区管委会安全生产监督运行部",
    "1409A2": "五台山风景名胜区应急管理局",
}


def load_regions() -> None:
    data = read_seed_file("regions.json")
    province = data["province"]
    Region.objects.update_or_create(
        code=province["code"], defaults={"name": province["name"], "level": Region.Level.PROVINCE}
    )
    for city in data["cities"]:
        Region.objects.update_or_create(
            code=city["code"],
            defaults={
                "name": city["name"],
                "level": Region.Level.CITY,
                "parent_id": province["code"],
            },
        )
    for county in data["counties"]:
        Region.objects.update_or_create(
            code=county["code"],
            defaults={
                "name": county["name"],
                "level": Region.Level.COUNTY,
                "parent_id": county["parent"],
                "official_code": county.get("official_code", True),
            },
        )


def _organization(kind: str, name: str, **fields) -> Organization:
    """Created from the notices once; later changes go through the services and are kept."""
    organization, _ = Organization.objects.get_or_create(kind=kind, name=name, defaults=fields)
    return organization


def load_regulators() -> None:
    """The province's department, every city's bureau, and the two seed cities' counties."""
    _organization(Kind.REGULATOR, "山西省应急管理厅", region_id="140000")
    for city in Region.objects.filter(level=Region.Level.CITY):
        _organization(Kind.REGULATOR, f"{city.name}应急管理局", region=city)
    for county in Region.objects.filter(parent_id__in=SEED_CITIES).select_related("parent"):
        city_name = county.parent.name if county.parent else ""
        name = REGULATOR_NAMES.get(county.code, f"{city_name}{county.name}应急管理局")
        _organization(Kind.REGULATOR, name, region=county)
    for city in Region.objects.filter(code__in=SEED_CITIES):
        _organization(Kind.EXAM_CENTER, f"{city.name}应急管理考试中心", region=city)


def load_institutions() -> None:
    """The seven institutions of annex 4 of the Yuncheng notice, each with its exam point."""
    for entry in read_seed_file("institutions.json")["institutions"]:
        institution = _organization(
            Kind.INSTITUTION,
            entry["name"],
            region_id=entry["region"],
            address=entry["address"],
            phones=entry["phones"],
            person_in_charge=entry["person_in_charge"],
            scope_text=entry["scope_text"],
            aliases=entry["aliases"] + entry.get("timetable_names", []),
        )
        if not institution.training_items.exists():
            institution.training_items.set(entry["items"])
            institution.training_posts.set(entry["post_categories"])
            institution.training_industries.set(entry["industries_for_posts"])
        point = entry["exam_point"]
        _organization(
            Kind.EXAM_POINT,
            point["name"],
            region_id=entry["region"],
            address=point["address"],
            parent=institution,
            phones=entry["phones"],
            aliases=entry.get("timetable_names", []),
        )


def load_xinzhou_exam_points() -> None:
    """Exam points of the Xinzhou timetable; the notice gives no address or host organisation,
    so each sits at the city level until its county is registered."""
    data = read_seed_file("xinzhou_timetable.json")
    county_by_name = {r.name: r.code for r in Region.objects.filter(parent_id=data["city"])}
    for point in data["exam_points"]:
        county = next(
            (code for name, code in county_by_name.items() if point["name"].startswith(name)),
            data["city"],
        )
        _organization(Kind.EXAM_POINT, point["name"], region_id=county)
