"""Fleet kernels: pure numpy functions that know nothing of scenarios, data files or names.

- :mod:`~jalur.fleet.survival` -- survival of vehicles with age, and its fit to sales and stock history.
- :mod:`~jalur.fleet.ownership` -- vehicle ownership against income (Gompertz) and its fit.
- :mod:`~jalur.fleet.cohorts` -- vintages surviving year by year, and the stock they make up.
- :mod:`~jalur.fleet.sales` -- sales that bring the stock to a target within a yearly step limit.
- :mod:`~jalur.fleet.mix` -- the powertrain mix of new sales: paths toward targets and a logit choice.
- :mod:`~jalur.fleet.activity` -- km per vehicle by age, and the share of lifetime km in each year of use.

The scenario model that ties them to the catalogue and the data is :mod:`jalur.pathways`.
"""
