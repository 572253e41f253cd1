"""Multiple-pathway scenarios: scenario files, the fleet projection and its outputs.

One year-by-year projection (:func:`jalur.pathways.model.run`) goes through these stages, each its own module:
:mod:`~jalur.pathways.context` (data on the model's axes), :mod:`~jalur.pathways.levers` (scenario levers as
arrays), :mod:`~jalur.pathways.mix` and :mod:`~jalur.pathways.choice` (the sales mix),
:mod:`~jalur.pathways.turnover` (stock and sales), :mod:`~jalur.pathways.energy` (energy and emissions),
:mod:`~jalur.pathways.upstream` (feedstock, batteries, electricity, imports). Outputs:
:mod:`~jalur.pathways.iamc` (IAMC variables named in ``variables.yaml``), :mod:`~jalur.pathways.outputs`
(files), :mod:`~jalur.pathways.charts`, :mod:`~jalur.pathways.compare`, :mod:`~jalur.pathways.calibration`
and :mod:`~jalur.pathways.batch`.
"""
