"""jalur over HTTP: the dashboard and API (``jalur serve``), over the run store (:mod:`jalur.store`).

Needs the ``web`` extra: ``pip install "jalur[web]"``.
"""
