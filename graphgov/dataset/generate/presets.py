"""The presets: how big a generated dataset is (areas, units, list lengths, unit mix).

>>> PRESETS["district"].units
1300
"""
from __future__ import annotations

from dataclasses import dataclass, field

from graphgov.dataset.generate.names import DISTRICTS, UNIVERSITIES

__all__ = ["PRESETS", "Preset"]


@dataclass(frozen=True)
class Preset:
    """The size of a generated dataset. ``districts`` are (name, streets) pairs."""

    name: str
    districts: tuple[tuple[str, int], ...]
    communities: int
    units: int
    needs: int
    resources: int
    projects: int
    agreements: int
    city: bool = True
    bureaus_per_district: int = 20
    community_committee_share: float = 0.5
    alliances: int = 0
    description: str = ""
    # counts of the unit types that are not tied one-to-one to an area (the rest are
    # private enterprises)
    mix: dict[str, int] = field(default_factory=dict)


PRESETS: dict[str, Preset] = {
    "station": Preset(
        "station", (("朝阳区", 3),), communities=9, units=55, needs=50, resources=40, projects=30, agreements=24,
        city=False, bureaus_per_district=32,
        description="one key station area like Beijing Chaoyang station: 16 member units, "
                    "32 district bureaus and 7 universities",
    ),
    "district": Preset(
        "district", (("丰台区", 20),), communities=200, units=1300, needs=800, resources=600, projects=600,
        agreements=700, city=False, bureaus_per_district=30, alliances=12,
        description="one district (丰台区 with 20 streets and three key station areas)",
        mix={"hospital": 15, "school": 70, "university": 4, "research_institute": 8, "military": 3,
             "state_enterprise": 140, "social_org": 120},
    ),
    "beijing": Preset(
        "beijing", DISTRICTS, communities=3400, units=17000, needs=13500, resources=10000, projects=9800,
        agreements=8500, city=True, bureaus_per_district=20, alliances=180,
        description="the whole city: 16 districts, 343 streets, 3,400 communities, 7 key station areas",
        mix={"hospital": 160, "school": 700, "university": len(UNIVERSITIES) + 40, "research_institute": 120,
             "military": 30, "state_enterprise": 1300, "social_org": 1500},
    ),
}
