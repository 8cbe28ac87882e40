"""Matching needs to resources and the order–dispatch–accept loop (点单-派单-接单).

Scores and reasons for need–resource pairs, the exact capacity-respecting assignment,
and the dispatch loop that records each match to its outcome in the store.
"""
from graphgov._lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    'core': ('DEFAULT_WEIGHTS', 'AREA_LEVEL_SCORES', 'MatchContext', 'parse_weights', 'build_context', 'candidate_pairs', 'score_pairs', 'match_need', 'match_all', 'assign_all', 'greedy_assign', 'solve_assignment', 'text_tokens', 'LIVE_DISPATCH'),
    'lifecycle': ('DISPATCH_ACTIONS', 'NEED_ACTIONS', 'dispatch', 'dispatch_assignments', 'accept', 'decline', 'fulfil', 'withdraw', 'close_need', 'reopen_need', 'history', 'need_status'),
})
