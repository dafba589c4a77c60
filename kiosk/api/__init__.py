"""HTTP clients and their models: the only code that speaks HTTP.

Import what you need from its module (`kiosk.api.ugmart`, `kiosk.api.ums`, `kiosk.api.errors`,
the `*_models` modules): this package re-exports nothing, so the flow engine can use the
errors and catalog models without loading httpx.
"""
