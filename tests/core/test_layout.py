"""The layout a newcomer relies on (issue 14): each sub-domain is a package that says what it owns, the
architecture doc's table of packages matches the code, app roots stay small, and no two modules import
each other, even through others."""

import grimp

from tests import layout


def test_every_package_says_what_it_owns():
    silent = [str(package) for package in layout.packages() if not layout.owns(package)]

    assert not silent, f"give these packages a docstring in __init__.py: {silent}"


def test_the_architecture_doc_lists_every_package_with_what_it_owns():
    assert layout.documented_table() == layout.render_table(), (
        "docs/architecture.md's package table is out of date: run `python -m tests.layout`"
    )


def test_no_app_root_holds_more_than_twenty_modules():
    crowded = {app: len(layout.root_modules(app)) for app in layout.APPS}

    assert all(count <= layout.MAX_ROOT_MODULES for count in crowded.values()), crowded


def test_no_three_modules_at_an_app_root_share_a_prefix():
    shared = {app: layout.shared_prefixes(app) for app in layout.APPS if layout.shared_prefixes(app)}

    assert not shared, f"a prefix shared by three modules wants to be a package: {shared}"


def test_no_module_is_over_six_hundred_lines():
    assert not layout.long_modules(), "split these by what they hold"


def test_no_import_circle_between_modules():
    graph = grimp.build_graph(*layout.APPS, "config")
    circles = [
        (importer, imported)
        for importer in sorted(graph.modules)
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(importer=imported, imported=importer)
    ]

    assert not circles, f"these imports close a circle: {circles}"
