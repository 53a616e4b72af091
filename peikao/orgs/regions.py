"""The region tree, read once per process and kept until a region changes."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from peikao.orgs.models import Region

TREE_CACHE_KEY = "orgs:region-tree"


def _children_by_parent() -> dict[str | None, tuple[str, ...]]:
    tree = cache.get(TREE_CACHE_KEY)
    if tree is None:
        grouped: dict[str | None, list[str]] = {}
        for code, parent in Region.objects.values_list("code", "parent_id"):
            grouped.setdefault(parent, []).append(code)
        tree = {parent: tuple(codes) for parent, codes in grouped.items()}
        cache.set(TREE_CACHE_KEY, tree, timeout=None)
    return tree


def region_subtree(code: str) -> frozenset[str]:
    """The region and every region below it."""
    tree = _children_by_parent()
    found, pending = {code}, [code]
    while pending:
        for child in tree.get(pending.pop(), ()):
            found.add(child)
            pending.append(child)
    return frozenset(found)


def forget_region_tree(**_kwargs) -> None:
    cache.delete(TREE_CACHE_KEY)


def connect_invalidation() -> None:
    # A cache, not business logic: any saved or removed region makes the tree be read again.
    post_save.connect(forget_region_tree, sender=Region, dispatch_uid="region-tree-save")
    post_delete.connect(forget_region_tree, sender=Region, dispatch_uid="region-tree-delete")
