"""One physics: a fleet of one vehicle of each case reproduces the vehicle engine, stage by stage.

Every powertrain of every segment, on the shipped data: a grid that changes year by year (history, then the
current-policies pathway) and blends that change (B20 in 2016-2019, B30, B35, B40 ...). The engine averages the
calendar-year quantities over the years of use weighted by the km driven in each; the fleet drives the km year
by year. The fleet stops in 2060: the test shortens the in-use survival of every class (scale 16 years) so that
less than 1e-5 of a 2015 vehicle's km fall after it (trucks are kept some 30 years in the shipped data): tolerance
1e-4. It also sets the fleet's historical km trend to zero: the engine drives today's (2025) km in every year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jalur import datasets
from jalur.catalog import STAGES, catalog
from jalur.pathways.context import YEARS, context
from jalur.pathways.levers import share_tables
from jalur.pathways.model import run
from jalur.vehicle import lifecycle

SOLD = 2015


@pytest.fixture(scope="module")
def short_lived(registry, tmp_path_factory):
    rows = "\n".join(f"    - {{parameter: weibull_scale, class: {k}, value: 16, unit: year, source_id: est-fm-survival-priors}}\n"
                     f"    - {{parameter: km_trend_history, class: {k}, value: 0, unit: 1/year, source_id: est-fm-km-trend}}"
                     for k in context(registry).classes)
    path = tmp_path_factory.mktemp("one") / "short.yaml"
    path.write_text("tables:\n  fleet-parameters:\n" + rows + "\n")
    return datasets.apply_override(registry, path)


@pytest.fixture(scope="module")
def both(short_lived):
    registry = short_lived
    ctx = context(registry)
    idx = pd.MultiIndex.from_frame(ctx.cases[["segment", "powertrain"]])
    sales = pd.DataFrame(0.0, index=idx, columns=list(YEARS))
    sales[SOLD] = 1.0
    fleet = run("bau", registry=registry, sales=sales, initial_stock="none")
    regions = list(catalog(registry).grid_regions)
    engine = lifecycle(fuels="default", years=SOLD, regions=regions, registry=registry)
    return ctx, fleet, engine, regions


def test_fleet_of_one_vehicle_per_case_is_the_vehicle_engine_stage_by_stage(short_lived, both):
    registry = short_lived
    ctx, fleet, engine, regions = both
    _, share = share_tables(registry)
    em = fleet["emissions_case"].sum("year")                                      # g per vehicle, by stage
    km = fleet["vkm"].sum("year")
    checked = 0
    for seg, pt, k in ctx.cases[["segment", "powertrain", "class"]].itertuples(index=False):
        case = f"{seg}/{pt}"
        e = engine["emissions"].sel(segment=seg, powertrain=pt).squeeze()        # (region, stage) g/km
        life_km = float(engine["lifetime_km"].sel(segment=seg, powertrain=pt).squeeze())
        assert float(km.sel(case=case)) == pytest.approx(life_km, rel=1e-4), case
        w = np.array([share[k].get(r, 0.0) for r in regions])
        for s in STAGES:
            want = float((e.sel(stage=s).values * w).sum()) * life_km                # the grid of where it is driven
            got = float(em.sel(case=case, stage=s))
            assert got == pytest.approx(want, rel=1e-4, abs=1e-6 * life_km), (case, s)
            checked += 1
    assert checked == len(ctx.cases) * len(STAGES)


def test_one_vehicle_sees_changing_grids_and_blends(registry, both):
    """The identity above is not trivial: the grid and the biodiesel blend change over the vehicle's life."""
    ctx, fleet, engine, regions = both
    e = engine["emissions"].sel(segment="truck-heavy", powertrain="ice-diesel").squeeze()
    assert float(e.sel(stage="land-use-change").isel(region=0)) > 0                  # FAME blended in
    g = fleet["final_energy"]
    fame = (g.sel(carrier="biodiesel") / (g.sel(carrier="biodiesel") + g.sel(carrier="diesel"))).sel(year=[2016, 2024])
    assert float(fame[1]) > float(fame[0]) > 0                                       # B20 -> B35/B40
    bev = engine["emissions"].sel(segment="car-lmpv", powertrain="bev", stage="electricity-supply").squeeze()
    assert float(bev.max()) > float(bev.min())                                       # regions differ
