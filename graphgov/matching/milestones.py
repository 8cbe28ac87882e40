"""A need's milestone dates and satisfaction rating, as the dispatch loop keeps them.

Every step of :mod:`graphgov.matching.lifecycle` records a NeedEvent; it also keeps on
the need itself the date of the first dispatch, the first acceptance, the fulfilment and
the closing (``dispatched_on`` … ``closed_on``, the same columns a list may carry when
it is imported with its history) and, on fulfilling or closing, the raising unit's
rating. Trends (:mod:`graphgov.analysis.trends`) and the Cypher reports read them there.
"""
from __future__ import annotations

import datetime as dt

from graphgov.dataset import vocab
from graphgov.errors import OptionError

__all__ = ["milestones", "rating_code"]

# the need's own milestone dates, the first of each kept (trends and reports read them)
MILESTONE_STATEMENTS = {
    "dispatch": "MATCH (n:Need {id: $id}) SET n.dispatched_on = coalesce(n.dispatched_on, $day)",
    "accept": "MATCH (n:Need {id: $id}) SET n.accepted_on = coalesce(n.accepted_on, $day)",
    "fulfilled": "MATCH (n:Need {id: $id}) SET n.fulfilled_on = coalesce(n.fulfilled_on, $day)",
    "close": "MATCH (n:Need {id: $id}) SET n.closed_on = $day",
    "reopen": "MATCH (n:Need {id: $id}) SET n.closed_on = NULL",
}
RATING_STATEMENT = "MATCH (n:Need {id: $id}) SET n.rating = $rating"


def rating_code(rating) -> str | None:
    """The satisfaction code of a rating (满意 / 基本满意 / 不满意, a score 1–5, or the code); None for none.

    Raises OptionError for anything else.
    """
    if rating is None:
        return None
    code = vocab.normalise("satisfaction", str(rating))
    if code is None:
        raise OptionError(f"rating {rating!r} is not one of 满意, 基本满意, 不满意 (or a score 1–5)")
    return code


def milestones(store, need_id: str, step: str, after: str, on: dt.date, rating: str | None = None) -> None:
    """Write the need's milestone dates (dispatched_on … closed_on) and its rating for one step."""
    if step in MILESTONE_STATEMENTS:
        store.query(MILESTONE_STATEMENTS[step], {"id": need_id, "day": on} if step != "reopen" else {"id": need_id})
    if after == "fulfilled":
        store.query(MILESTONE_STATEMENTS["fulfilled"], {"id": need_id, "day": on})
    if rating is not None:
        store.query(RATING_STATEMENT, {"id": need_id, "rating": rating})
