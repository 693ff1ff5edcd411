"""Pure CFDI 4.0 verification library (no Django imports) with its own CLI.

Entry points: ``mantto.cfdi.validate.validate`` and ``python -m mantto.cfdi``.
"""
