"""The plan simulator (方案模拟): a plan run over a synthetic network and order stream.

Pure Python with numpy: no Django import. ``network`` grows the sponsor tree, ``orders`` draws the
order stream, ``runner`` prices it month by month with the batch engine, ``stats``/``summary``/
``report`` turn the result into figures, ``compare`` runs two plans on the same data, ``cli`` is
``tuishou plan simulate``.
"""
