"""The data map in the terminal: a table of every data asset, or one asset's full card.

Everything shown comes from scanned sources, so it goes into ``rich`` as ``Text`` (never
as markup): a dataset named ``[red]x`` prints as written.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from stackward.report.data_map import DataAssetCard, DataMap

NOT_ANALYSED = Text("not analysed", style="dim italic")


def _classes(card: DataAssetCard) -> Text:
    if card.classification == "not_analysed":
        return UNKNOWN_MARK.copy()
    if not card.classes:
        return Text("none found")
    return Text(", ".join(c.name if c.own else f"{c.name} (derived)" for c in card.classes))


def _region(card: DataAssetCard, unknown: str = "?") -> Text:
    if card.placement.region is None:
        return Text(unknown, style="dim italic")
    text = Text(card.placement.region)
    if card.placement.violations:
        text.append(f" ({len(card.placement.violations)} violation(s))", style="bold red")
    return text


UNKNOWN_MARK = Text("?", style="dim")
"""In the narrow columns of the table: the fact was not analysed (the caption says so)."""


def _access(card: DataAssetCard) -> Text:
    if card.access.status == "not_analysed":
        return UNKNOWN_MARK.copy()
    return Text(str(card.access.counts.get("total", 0)))


def _everyone(card: DataAssetCard) -> Text:
    if card.access.status == "not_analysed":
        return UNKNOWN_MARK.copy()
    return Text("yes", style="bold red") if card.access.everyone else Text("no")


def _used_by(card: DataAssetCard) -> Text:
    if card.usage.status == "not_analysed":
        return UNKNOWN_MARK.copy()
    return Text(", ".join(r.name for r in card.usage.records) or "nobody in the window")


def _lineage(card: DataAssetCard) -> Text:
    if card.lineage.status == "not_analysed":
        return UNKNOWN_MARK.copy()
    return Text(f"{len(card.lineage.upstream)}/{len(card.lineage.downstream)}")


def print_data_table(console: Console, data_map: DataMap) -> None:
    """One row per data asset: classes, region, access, usage, lineage and findings."""
    if not data_map.assets:
        console.print("No data assets found.")
        return
    table = Table(
        title=f"Data map ({len(data_map.assets)})",
        title_justify="left",
        caption="?: not analysed or unknown (nothing in this scan could tell). "
        "Up/down: assets upstream and downstream.",
        caption_justify="left",
        expand=True,
    )
    table.add_column("Asset", ratio=4, overflow="fold")
    table.add_column("Classes", ratio=2, overflow="fold")
    table.add_column("Region", overflow="fold", min_width=6)
    table.add_column("Access", justify="right", no_wrap=True)
    table.add_column("All?", no_wrap=True)
    table.add_column("Used by", ratio=2, overflow="fold", min_width=7)
    table.add_column("Up/down", justify="right", no_wrap=True)
    table.add_column("Find.", justify="right", no_wrap=True)
    for card in data_map.assets:
        name = Text(card.name, style="bold")
        name.append(f"\n{card.id}", style="dim")
        table.add_row(
            name,
            _classes(card),
            _region(card),
            _access(card),
            _everyone(card),
            _used_by(card),
            _lineage(card),
            Text(str(len(card.findings))),
        )
    console.print(table)


def print_data_card(console: Console, card: DataAssetCard, depth: int) -> None:
    """Everything the map knows about one data asset."""
    console.print(Text(f"{card.name}  ({card.kind})", style="bold"))
    console.print(Text(card.id + (f"\n{card.dataset_key}" if card.dataset_key else "")))
    console.print(Text("\nWhat", style="bold"))
    if card.classification == "not_analysed":
        console.print(NOT_ANALYSED.copy())
    elif not card.classes:
        console.print(Text("no sensitive class found"))
    for cls in card.classes:
        line = Text(f"  {cls.name}")
        if cls.own:
            line.append(" found here" + (f" ({cls.count})" if cls.count is not None else ""))
        if cls.derived_from:
            line.append(" derived from " + ", ".join(cls.derived_from))
        console.print(line)
    _print_access(console, card)
    _print_usage(console, card)
    _print_lineage(console, card, depth)
    console.print(Text("\nWhere", style="bold"))
    console.print(_region(card, unknown="region unknown"))
    if card.placement.residency == "not_analysed":
        console.print(Text("  residency: not analysed", style="dim italic"))
    for v in card.placement.violations:
        console.print(
            Text(
                f"  {v.policy}: {', '.join(v.classes)} in {v.region or 'unknown region'},"
                f" allowed {', '.join(v.allowed) or 'none'}",
                style="red",
            )
        )
    if card.findings:
        console.print(Text("\nFindings", style="bold"))
        for f in card.findings:
            console.print(Text(f"  {f.severity.upper():8} {f.rule_id}  {f.title}"))


def _print_access(console: Console, card: DataAssetCard) -> None:
    console.print(Text("\nWho has access", style="bold"))
    access = card.access
    if access.status == "not_analysed":
        console.print(NOT_ANALYSED.copy())
        return
    counts = ", ".join(f"{k}: {v}" for k, v in access.counts.items())
    console.print(Text(f"  {counts}" + (" (everyone can access)" if access.everyone else "")))
    if not access.grants:
        return
    table = Table(expand=True)
    for column in ("Principal", "Group", "Access", "Privileges", "Via", "Source"):
        table.add_column(column)
    for g in access.grants:
        table.add_row(
            Text(g.name),
            Text("everyone" if g.everyone else g.group),
            Text(", ".join(g.access) or "-"),
            Text(", ".join(g.privileges)),
            Text(" > ".join(g.via)),
            Text(g.source or "-"),
        )
    console.print(table)


def _print_usage(console: Console, card: DataAssetCard) -> None:
    console.print(Text("\nHow it is used", style="bold"))
    usage = card.usage
    if usage.status == "not_analysed":
        console.print(Text("not analysed (no access log covers it)", style="dim italic"))
        return
    console.print(Text(f"  window {usage.window_start or '?'} - {usage.window_end or '?'}"))
    for r in usage.records:
        seen = f"{r.first_seen or '?'} - {r.last_seen or '?'}"
        console.print(Text(f"  {r.name}: {r.reads} read(s), {r.writes} write(s), {seen}"))
    if not usage.records:
        console.print(Text("  no logged use in the window"))
    if usage.unused:
        console.print(Text("  access but no use: " + ", ".join(usage.unused), style="yellow"))


def _print_lineage(console: Console, card: DataAssetCard, depth: int) -> None:
    console.print(Text("\nLineage", style="bold"))
    lineage = card.lineage
    if lineage.status == "not_analysed":
        console.print(NOT_ANALYSED.copy())
        return
    for title, nodes in (
        ("upstream", lineage.upstream),
        ("downstream", lineage.downstream),
        ("through", lineage.jobs),
    ):
        names = ", ".join(f"{n.name} [{n.depth}]" for n in nodes) or "none known"
        console.print(Text(f"  {title}: {names}"))
    if lineage.truncated:
        console.print(Text(f"  cut at {depth} hops", style="dim"))
