from peikao.accounts.navigation import PUBLIC_LINKS, ROLE_LINKS


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "public_links": PUBLIC_LINKS}
    membership = request.membership or None
    return {
        "acting_as": membership,
        "my_memberships": request.my_memberships,
        "nav_links": ROLE_LINKS.get(membership.role, []) if membership else [],
        "public_links": PUBLIC_LINKS,
    }
