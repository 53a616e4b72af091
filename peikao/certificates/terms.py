"""The rule values in force for a certificate: its validity, its review interval, the window
before its date and the grace after it (catalog's rule values, so a province or city can set
them)."""

from datetime import date

from peikao.catalog.models import PostCategory
from peikao.catalog.selectors import rule_values
from peikao.certificates import rules


def subject_of(kind: str) -> str:
    return "special_operator" if kind == rules.SPECIAL_OPERATION else "principal_manager"


def kind_of(post_category_code: str) -> str:
    if post_category_code == PostCategory.SPECIAL_OPERATOR:
        return rules.SPECIAL_OPERATION
    return rules.SAFETY_COMPETENCE


def terms_for(
    kind: str, *, region_code: str, on_date: date, interval_years: int | None = None
) -> rules.Terms:
    subject = subject_of(kind)
    values = rule_values(
        "certificate_validity_years",
        "review_window_days",
        subject=subject,
        region_code=region_code,
        on_date=on_date,
    )
    grace = rule_values("review_grace_days", region_code=region_code, on_date=on_date)
    if interval_years is None:
        interval_years = (
            int(
                rule_values(
                    "review_interval_years",
                    subject=subject,
                    region_code=region_code,
                    on_date=on_date,
                )["review_interval_years"]
            )
            if kind == rules.SPECIAL_OPERATION
            else 0
        )
    return rules.Terms(
        validity_years=int(values["certificate_validity_years"]),
        review_interval_years=interval_years,
        window_days=int(values["review_window_days"]),
        grace_days=int(grace["review_grace_days"]),
    )


def terms_of(certificate) -> rules.Terms:
    """The terms of an issued certificate: its own interval, the rule values of its region."""
    return terms_for(
        certificate.kind,
        region_code=certificate.issuer_region_id,
        on_date=certificate.valid_from,
        interval_years=certificate.review_interval_years,
    )


def dates_of(certificate) -> rules.Dates:
    return rules.Dates(
        first_issued=certificate.first_issued_on,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        review_due=certificate.review_due_on,
        reviewed_on=certificate.reviewed_on,
    )
