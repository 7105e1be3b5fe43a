"""The tally for people at a terminal: which rows `tally` shows, in which order, and as a rich table (ruled and
coloured on a terminal, plain columns when piped)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from schemas import TallyRow

#: `tally --sort`: the order of the rows within each wave (the rows of one wave always stay together, since the
#: figures of different waves are not comparable).
ROW_ORDERS: dict[str, Callable[[TallyRow], tuple]] = {
    # nationwide first, then the places A-Z
    "place": lambda row: (row.wave, row.place != "nationwide", row.place),
    # the largest figure first, places without a figure last
    "detained": lambda row: (row.wave, row.detained_low is None, -(row.detained_low or 0), row.place),
    "reports": lambda row: (row.wave, -row.reports, row.place),
}
#: Piped, the console is this wide so that rich never wraps a row onto a second line (grep and diff see one a line).
PIPED_WIDTH = 10_000


def is_selected(wave: str, place: str, *, only_wave: str | None = None, only_place: str | None = None) -> bool:
    """Whether a row is among those `tally --wave/--place` asked for; place names match in any case."""
    return (only_wave is None or wave == only_wave) and (only_place is None or place.casefold() == only_place.casefold())


def select_rows(rows: Iterable[TallyRow], *, wave: str | None = None, place: str | None = None,
                order: str = "place") -> list[TallyRow]:
    """The rows of that wave and place (all when None), in one of the ROW_ORDERS."""
    return sorted((row for row in rows if is_selected(row.wave, row.place, only_wave=wave, only_place=place)),
                  key=ROW_ORDERS[order])


def detained_range(row: TallyRow) -> str:
    """The headline figure: "4,000", "300-400" when its claim gives an upper bound, "-" when the row has none."""
    if row.detained_low is None:
        return "-"
    if row.detained_high and row.detained_high != row.detained_low:
        return f"{row.detained_low:,}-{row.detained_high:,}"
    return f"{row.detained_low:,}"


def tally_table(rows: list[TallyRow], *, terminal: bool) -> Table:
    """The rows as a rich table: ruled and coloured on a terminal; bare columns otherwise (no box characters)."""
    table = Table(box=box.SIMPLE_HEAD if terminal else None, pad_edge=terminal, header_style="bold")
    table.add_column("wave", style="cyan")
    table.add_column("place")
    table.add_column("reports", justify="right")
    table.add_column("detained", justify="right", style="bold red")
    table.add_column("as reported", style="italic")
    for row in rows:
        # Text cells: a bracket in a quoted figure is not rich markup, and numbers are not re-coloured.
        cells = (row.wave, row.place, str(row.reports), detained_range(row), row.detained_text or "")
        table.add_row(*map(Text, cells), style="bold" if row.place == "nationwide" else None)
    return table


def stdout_console() -> Console:
    """Rich's console on stdout: colours only on a terminal (rich's own detection, which also honours NO_COLOR),
    and piped, wide enough for any row."""
    console = Console()
    return console if console.is_terminal else Console(width=PIPED_WIDTH)


def print_tally(rows: list[TallyRow]) -> None:
    console = stdout_console()
    console.print(tally_table(rows, terminal=console.is_terminal))
