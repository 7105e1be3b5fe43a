"""What a figure in a detention sentence counts when it is not detainees: a measure ('40 cities'), a year, a
gathering's size, a condition, a court's outcome, a threshold, others' arrests (spies, officials, gangs) or those
handed summonses among the detained. Each rule looks at the tagged tokens around the figure only."""

from __future__ import annotations

from worker.text.attach import COMMA_CLAUSE_MARKS, clause_bounds
from worker.text.lexicon import Token
from worker.text.numbers import Figure


#: Words before a figure that make it a condition ('if at least one detention was confirmed').
_CONDITIONS = frozenset({"if", "unless", "whether"})


def is_vetoed(tokens: list[Token], at: int) -> bool:
    """What the figure measures is not people: '40 cities', 'dozens of cities', a year, a rally's size."""
    figure = tokens[at].figure
    following = tokens[at + 1] if at + 1 < len(tokens) else None
    if following is not None and following.has("NON_PERSON_UNIT"):
        return True
    if following is not None and following.text == "of" and at + 2 < len(tokens) and tokens[at + 2].has("NON_PERSON_UNIT"):
        return True
    if at >= 2 and tokens[at - 1].text == "of" and tokens[at - 2].has("GATHERING"):
        return True  # 'rallies of several hundred people each were held': the size of a gathering
    if at >= 1 and tokens[at - 1].text in _CONDITIONS:
        return True  # 'we count a city if at least one detention was confirmed': a condition, not a count
    return figure is not None and (is_year(figure) or is_threshold(tokens, at) or is_court_outcome(tokens, at))


def is_court_outcome(tokens: list[Token], at: int) -> bool:
    """'sentenced 19 people detained on Saturday', 'fined a further 30': what a court did, not a count of detentions."""
    before = at - 1
    while before >= 0 and tokens[before].has("DETERMINER"):
        before -= 1
    return before >= 0 and tokens[before].has("COURT_VERB")


def is_threshold(tokens: list[Token], at: int) -> bool:
    """'cities with at least 10 detentions' (on a map or in a table): a cut-off for what is shown, not a count."""
    qualified = tokens[at].figure.qualifier in ("at_least", "more_than")
    return qualified and at >= 2 and tokens[at - 1].text == "with" and tokens[at - 2].has("NON_PERSON_UNIT")


def is_year(figure: Figure) -> bool:
    text = figure.text.strip()
    return figure.qualifier == "exact" and len(text) == 4 and text.isdigit() and 1900 <= int(text) <= 2099


#: How near a figure a word about spies or saboteurs must be to make its arrests not a protest's.
OTHER_ARREST_WINDOW = 8
#: Words after a comma that go on with the clause before it rather than end an aside.
_CLAUSE_JOINERS = frozenset({"and", "but", "or", "while"})


def is_about_other_arrests(tokens: list[Token], at: int) -> bool:
    """Spies, saboteurs, officials: arrests that are not of protesters. Before the figure, the words are looked at
    back to the comma that ends an aside only: 'In Khabarovsk, where people have protested since the arrest of its
    governor, at least 40 people were detained' is not about the governor's arrest ('..., and OVD-Info says over 1,000'
    goes on with the clause before it)."""
    start = max(0, at - OTHER_ARREST_WINDOW)
    for position in range(at - 1, start - 1, -1):
        if tokens[position].has("COMMA") and tokens[position + 1].text not in _CLAUSE_JOINERS:
            start = position + 1
            break
    return any(t.has("NON_PROTEST_ARREST") for t in tokens[start: at + OTHER_ARREST_WINDOW])


def counts_the_summoned(tokens: list[Token], at: int) -> bool:
    """'at least 17 detainees ... were handed summonses', 'Detainees handed summonses: at least 140': the figure's
    clause (between commas) counts those handed call-up papers, a part of the detained."""
    return any(t.has("SUMMONSES") for t in _clause(tokens, at))


#: Words right after a figure that make it a part of those detained ("220 of the people detained").
_PARTITIVE = frozenset({"the", "those", "them"})


def counts_the_harmed(tokens: list[Token], at: int) -> bool:
    """'82 detainees were taken to hospital', 'more than 220 of the people detained reported being beaten': a count of
    the detained (not of people detained and beaten: '40 people were detained and beaten' is a detention figure) whose
    clause tells what befell them."""
    following = tokens[at + 1: at + 3]
    partitive = len(following) > 1 and following[0].text == "of" and following[1].text in _PARTITIVE
    counts_the_detained = bool(following) and (following[0].has("DETAIN_NOUN") or partitive)
    return counts_the_detained and any(t.has("HARM_IN_DETENTION") for t in _clause(tokens, at))


def _clause(tokens: list[Token], at: int) -> list[Token]:
    """The tokens between the commas, semicolons or stops around the figure."""
    start, end = clause_bounds(tokens, at, COMMA_CLAUSE_MARKS)
    return tokens[start:end]


def is_retracted(tokens: list[Token]) -> bool:
    """'An earlier version of this article said that more than 500 people were detained': a correction quotes the
    figure it withdraws."""
    return any(t.has("RETRACTION") for t in tokens)
