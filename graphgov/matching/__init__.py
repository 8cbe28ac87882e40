"""Matching needs to resources and the order–dispatch–accept loop (点单-派单-接单).

Scores and reasons for need–resource pairs, the exact capacity-respecting assignment,
and the dispatch loop that records each match to its outcome in the store.
"""
from graphgov._lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    'scoring': ('DEFAULT_WEIGHTS', 'PARTS', 'AREA_LEVEL_SCORES', 'LIVE_DISPATCH', 'IN_PROGRESS_NEED', 'MAX_TRUST_STEPS', 'MatchContext', 'parse_weights', 'text_tokens', 'dispatch_usage', 'build_context', 'score_pairs'),
    'candidates': ('category_relations', 'candidate_pairs'),
    'reasons': ('present_pairs',),
    'solvers': ('solve_assignment', 'greedy_assign'),
    'assign': ('match_need', 'match_all', 'waiting_needs', 'in_progress_by_list', 'assign_all'),
    'lifecycle': ('DISPATCH_ACTIONS', 'NEED_ACTIONS', 'dispatch', 'dispatch_assignments', 'accept', 'decline', 'fulfil', 'withdraw', 'close_need', 'reopen_need', 'history', 'need_status'),
    'milestones': ('rating_code',),
})
