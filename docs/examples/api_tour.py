"""A tour of jalur's Python API: one question answered with each engine (run: python3 docs/examples/api_tour.py).

Does a flex-fuel car on E20 beat a battery car charged from the Java-Madura-Bali grid, in 2030 and 2045? What
tax does each pay, what does it cost to own, and what does the multiple-pathways scenario need upstream?
"""

import datetime as dt

from jalur import datasets
from jalur.pathways.model import run
from jalur.policy import VehicleSpec, assess
from jalur.policy.tco import tco
from jalur.vehicle import lifecycle, to_records

reg = datasets.load()  # the cited Indonesian data, validated (cached under $JALUR_HOME)

# 1. Life-cycle GHG per km [g CO2e/km, IPCC AR6 GWP100] of an LMPV: a flexy engine on E20 against a BEV.
ds = lifecycle("car-lmpv", ["ffv", "bev"], ["e20", "electricity"], [2030, 2045], ["jamali"], registry=reg)
totals = to_records(ds).query("stage == 'total'")[["powertrain", "fuel", "year", "value"]]
print("life-cycle g CO2e/km on the Jawa-Madura-Bali grid:")
print(totals.to_string(index=False))
bev_wins = {y: float(totals.query("powertrain == 'bev' and year == @y")["value"].iloc[0])
            < float(totals.query("powertrain == 'ffv' and year == @y")["value"].iloc[0]) for y in (2030, 2045)}
print("BEV lower than the flexy engine on E20:", bev_wins)

# 2. The luxury tax (PPnBM) of a CKD battery car at 30 % local content in 2026: below the TKDN minimum.
tax = assess(VehicleSpec("passenger-lt10", "bev", 500_000_000, dt.date(2026, 6, 1), origin="ckd", tkdn=30),
             registry=reg)
print(f"\nPPnBM {tax.ppnbm_effective_pct:g} % under {tax.rule}; {tax.lcev_status}")

# 3. Cost of ownership [Rp/km] of the scooter powertrains registered in 2030.
cost = tco("mc-scooter", 2030, registry=reg)[["powertrain", "rp_per_km", "abatement_rp_per_t"]]
print("\nscooter cost of ownership, 2030:")
print(cost.to_string(index=False))

# 4. The fleet under the multiple-pathways scenario: crude palm oil and batteries needed in 2040.
fleet = run("multiple-pathways", registry=reg, compact=True)
print(f"\nmultiple-pathways 2040: crude palm oil {fleet['Supply|Crude Palm Oil'][30]:.1f} Mt/yr, "
      f"batteries {fleet['Supply|Battery'][30]:.1f} GWh/yr")
