"""The HTTP side of ``cloudburst serve``: an ASGI app (Starlette) with Zoho-style webhooks
and a JSON API over functions, schedules and runs. Route groups are separate modules, each
offering ``routes()``, so the console adds its pages, templates and static files beside them."""
