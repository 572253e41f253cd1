"""Physics: the one place that turns vehicles and energy into emissions, for the vehicle engine and the fleet.

- :mod:`~jalur.physics.sampled` — the data tables as sampled arrays (deterministic, Monte Carlo, one-at-a-time);
- :mod:`~jalur.physics.series` — the calendar-year axis, interpolation, km-weighted averages over years of use;
- :mod:`~jalur.physics.grid` — grid electricity at the plug by region and year;
- :mod:`~jalur.physics.blends` — blends by year: a fuel's energy shares by carrier;
- :mod:`~jalur.physics.fuels` — per-MJ factors of each carrier by stage;
- :mod:`~jalur.physics.vehicles` — per-vehicle inputs: energy use by registration year, production, battery;
- :mod:`~jalur.physics.use` — energy use to emissions by stage.
"""
