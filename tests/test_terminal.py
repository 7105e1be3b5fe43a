"""What people see in a terminal: the tally table (selection, order, plain when piped), the replay's progress bar,
the demo's dashboard port and every command's --help."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from schemas import TallyRow
from tests.conftest import ROOT
from worker.commands import dashboard_port
from worker.feed import replay_progress
from worker.terminal import detained_range, print_tally, select_rows

SEEN = datetime(2022, 3, 6, 12, 0, tzinfo=timezone.utc)
COMMANDS = ("broker", "replay", "tally", "analyze", "demo", "export-schemas", "synth")


def row(wave: str, place: str, reports: int, low: int | None = None, high: int | None = None, text: str | None = None) -> TallyRow:
    return TallyRow(wave=wave, place=place, reports=reports, detained_low=low, detained_high=high, detained_text=text,
                    distinct_claims=0 if low is None else 1, first_seen=SEEN, last_updated=SEEN, version=1)


ROWS = [
    row("navalny-2021", "Omsk", 2, 12, text="a dozen"),
    row("anti-war-2022", "Moscow", 3, 1700, 1800, "1,700 to 1,800"),
    row("anti-war-2022", "nationwide", 2, 4000, text="more than 4,000"),
    row("anti-war-2022", "Kazan", 5),
    row("anti-war-2022", "Irkutsk", 1, 40, text="about 40"),
    row("navalny-2021", "nationwide", 1, 3000, text="over 3,000"),
]


def places(rows: list[TallyRow]) -> list[tuple[str, str]]:
    return [(r.wave, r.place) for r in rows]


def test_the_place_order_puts_nationwide_first_then_the_places_a_to_z_within_each_wave():
    assert places(select_rows(ROWS)) == [
        ("anti-war-2022", "nationwide"), ("anti-war-2022", "Irkutsk"), ("anti-war-2022", "Kazan"), ("anti-war-2022", "Moscow"),
        ("navalny-2021", "nationwide"), ("navalny-2021", "Omsk")]


def test_sorting_by_detained_puts_the_largest_figure_first_and_places_without_one_last():
    assert places(select_rows(ROWS, order="detained")) == [
        ("anti-war-2022", "nationwide"), ("anti-war-2022", "Moscow"), ("anti-war-2022", "Irkutsk"), ("anti-war-2022", "Kazan"),
        ("navalny-2021", "nationwide"), ("navalny-2021", "Omsk")]


def test_sorting_by_reports_puts_the_most_reported_place_first():
    assert places(select_rows(ROWS, order="reports")) == [
        ("anti-war-2022", "Kazan"), ("anti-war-2022", "Moscow"), ("anti-war-2022", "nationwide"), ("anti-war-2022", "Irkutsk"),
        ("navalny-2021", "Omsk"), ("navalny-2021", "nationwide")]


def test_wave_and_place_keep_only_their_rows_and_the_place_matches_in_any_case():
    assert places(select_rows(ROWS, wave="navalny-2021")) == [("navalny-2021", "nationwide"), ("navalny-2021", "Omsk")]
    assert places(select_rows(ROWS, place="NATIONWIDE")) == [("anti-war-2022", "nationwide"), ("navalny-2021", "nationwide")]
    assert places(select_rows(ROWS, wave="anti-war-2022", place="moscow")) == [("anti-war-2022", "Moscow")]
    assert select_rows(ROWS, wave="mobilisation-2022") == []
    assert select_rows(ROWS, place="Mosc") == [], "a place is a whole name, not a prefix"


def test_the_detained_column_shows_the_range_of_the_headline_claim():
    assert [detained_range(r) for r in ROWS[:4]] == ["12", "1,700-1,800", "4,000", "-"]


def test_piped_the_table_is_plain_text_one_row_a_line(capsys, monkeypatch):
    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(variable, raising=False)
    long_wording = "more than 4,000 people in more than fifty cities, according to the monitors' running count"
    print_tally(select_rows([*ROWS, row("anti-war-2022", "Saint Petersburg", 4, 1000, text=long_wording)]))
    out = capsys.readouterr().out
    assert "\x1b" not in out, "no ANSI escape codes"
    assert not set(out) & set("─━│┃┏┓┗┛╇╸"), "no box-drawing characters"
    columns = [re.split(r" {2,}", line.strip()) for line in out.splitlines()]  # plain columns: 2+ spaces apart
    assert columns[0] == ["wave", "place", "reports", "detained", "as reported"]
    assert ["anti-war-2022", "Saint Petersburg", "4", "1,000", long_wording] in columns, "a long row stays on one line"
    assert ["navalny-2021", "Omsk", "2", "12", "a dozen"] in columns
    assert ["anti-war-2022", "Kazan", "5", "-"] in columns
    assert len(columns) == 1 + len(ROWS) + 1


def test_on_a_terminal_the_table_has_colours(capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich's way to treat stdout as a terminal
    monkeypatch.delenv("NO_COLOR", raising=False)
    print_tally(select_rows(ROWS))
    assert "\x1b[" in capsys.readouterr().out


def test_the_replay_progress_bar_shows_items_rate_and_time_left(capsys):
    now = [0.0]
    with replay_progress(shown=True) as bar:
        bar.get_time = lambda: now[0]  # a clock of our own: 2 items a second
        task = bar.add_task("replay", total=10)
        for _ in range(7):
            now[0] += 0.5
            bar.advance(task)
    drawn = capsys.readouterr().err
    assert "7/10" in drawn
    assert "2 items/s" in drawn
    assert "0:00:02" in drawn, "3 items left at 2 a second: 1.5 s, shown rounded up"


def test_the_replay_progress_bar_stays_off_when_not_shown(capsys):
    with replay_progress(shown=False) as bar:
        bar.advance(bar.add_task("replay", total=3), 3)
    assert capsys.readouterr().err == ""


def held_port() -> socket.socket:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder


def test_the_dashboard_port_is_the_configured_one_unless_the_default_is_taken():
    with held_port() as holder:
        taken = holder.getsockname()[1]
        assert dashboard_port("127.0.0.1", taken, chosen_by_the_user=True) == taken, "the user's own choice is kept"
        fallback = dashboard_port("127.0.0.1", taken, chosen_by_the_user=False)
        assert fallback != taken
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", fallback))  # the fallback is free
    assert dashboard_port("127.0.0.1", taken, chosen_by_the_user=False) == taken, "free again: the default is used"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_explains_its_options_with_an_example(command):
    result = subprocess.run([sys.executable, "-m", "worker", command, "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Example" in result.stdout
    assert f"python -m worker {command}" in result.stdout.split("Example", 1)[1]


def test_every_option_of_our_commands_has_a_help_text():
    from faust.cli.faust import cli

    import worker.commands  # noqa: F401  (registers the commands)

    for command in COMMANDS:
        options = [p for p in cli.commands[command].params if p.param_type_name == "option" and p.name != "help"]
        assert all(option.help for option in options), command
