"""Loads the catalogue, the rule values and the document checklists from peikao/seed_data/."""

from peikao.catalog.models import (
    DocumentRequirement,
    Industry,
    OperationCategory,
    OperationItem,
    PostCategory,
    RuleValue,
)
from peikao.core.seed_files import read_seed_file


def load_catalog() -> None:
    data = read_seed_file("catalog.json")
    for industry in data["industries"]:
        Industry.objects.update_or_create(
            code=industry["code"],
            defaults={
                "name": industry["name"],
                "high_risk": industry["high_risk"],
                "assessed_by_emergency_management": industry["assessed_by_emergency_management"],
            },
        )
    for post in data["post_categories"]:
        PostCategory.objects.update_or_create(code=post["code"], defaults={"name": post["name"]})
    order = 0
    for category_order, category in enumerate(data["categories"], start=1):
        OperationCategory.objects.update_or_create(
            code=category["code"], defaults={"name": category["name"], "sort_key": category_order}
        )
        for item in category["items"]:
            order += 1
            OperationItem.objects.update_or_create(
                code=item["code"],
                defaults={
                    "category_id": category["code"],
                    "name": item["name"],
                    "aliases": item.get("aliases", []),
                    "issued_by_city": item.get("issued_by_city", True),
                    "note": item.get("note", ""),
                    "sort_key": order,
                },
            )


def load_rule_values() -> None:
    for row in read_seed_file("rules.json")["values"]:
        RuleValue.objects.get_or_create(
            key=row["key"],
            subject=row["subject"],
            scope=row["scope"],
            region_id=row.get("region"),
            effective_from=row["effective_from"],
            defaults={"value": row["value"], "source": row["source"]},
        )


def load_document_requirements() -> None:
    data = read_seed_file("documents.json")
    for group in DocumentRequirement.Group:
        for item in data[group.value]:
            DocumentRequirement.objects.update_or_create(
                group=group.value,
                seq=item["seq"],
                defaults={"name": item["name"], "renewal_only": item["renewal_only"]},
            )
