from django.urls import reverse

from peikao.accounts.navigation import PUBLIC_LINKS, ROLE_LINKS, NavLink


def _current_section(links: list[NavLink], path: str) -> str | None:
    """The menu entry the page belongs to: the one whose address is the longest start of the
    page's, so a certificate's page lights 证书 and the forecast lights 证书到期预测."""
    best_url, best_name = "", None
    for link in links:
        url = reverse(link.url_name)
        if path.startswith(url) and len(url) > len(best_url):
            best_url, best_name = url, link.url_name
    return best_name


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "nav_links": [],
            "public_links": PUBLIC_LINKS,
            "current_section": _current_section(PUBLIC_LINKS, request.path),
        }
    membership = request.membership or None
    nav_links = ROLE_LINKS.get(membership.role, []) if membership else []
    return {
        "acting_as": membership,
        "my_memberships": request.my_memberships,
        "nav_links": nav_links,
        "public_links": PUBLIC_LINKS,
        "current_section": _current_section(
            [NavLink("工作台", "accounts:home"), *nav_links, *PUBLIC_LINKS], request.path
        ),
    }
