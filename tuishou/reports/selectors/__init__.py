"""The reports' reads: the operator's dashboard (``dashboard``) and the income disclosure (``income``), each over a
scope and a period parsed by ``scope``. Reports only read: they write nothing and call no service."""
