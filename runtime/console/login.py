"""First start (choose the admin password with the setup code ``serve`` printed), log in and
log out. The console always asks for the password, on loopback too: any local user or any
web page the admin visits can reach a loopback port, and the console holds every secret."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from cloudburst.console.admin_password import MIN_LENGTH, PasswordRejected
from cloudburst.console.web import Console, Page

__all__ = ["routes"]


def _safe_next(target: str) -> str:
    """Only a path on this console (never ``//host`` or a full URL) is followed after login."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _home(page: Page) -> Response:
    return RedirectResponse("/connectors", 303)


def _setup(page: Page) -> Response:
    admin = page.console.admin
    if admin.is_set():
        return page.redirect("/login")
    code = page.field("code") if page.form is not None else page.request.query_params.get("code", "")
    errors: dict[str, str] = {}
    if page.form is not None:
        password = str(page.form.get("password") or "")
        if not admin.setup_code_matches(code):
            errors["code"] = "does not match the setup code `cloudburst serve` printed"
        elif password != str(page.form.get("confirm") or ""):
            errors["confirm"] = "does not match the password"
        else:
            try:
                admin.set(password)
            except PasswordRejected as exc:
                errors["password"] = str(exc)
        if not errors:
            page.log_in()
            return page.redirect("/connectors", "Admin password set; you are logged in.")
    return page.render("setup.html", 400 if errors else 200, title="Set up the console", code=code,
                       errors=errors, min_length=MIN_LENGTH)


def _login(page: Page) -> Response:
    admin = page.console.admin
    if not admin.is_set():
        return page.redirect("/setup")
    target = _safe_next(page.field("next") if page.form is not None else page.request.query_params.get("next", "/"))
    error = None
    status = 200
    if page.form is not None:
        if admin.throttled():
            error, status = "too many wrong passwords; wait a minute and try again", 429
        elif admin.check(str(page.form.get("password") or "")):
            page.log_in()
            return page.redirect(target)
        else:
            error, status = "wrong password", 400
    return page.render("login.html", status, title="Log in", next=target, error=error)


def _logout(page: Page) -> Response:
    page.log_out()
    return page.redirect("/login", "Logged out.")


def routes(console: Console) -> list[BaseRoute]:
    return [
        Route("/", console.page(_home)),
        Route("/setup", console.page(_setup, public=True), methods=["GET", "POST"]),
        Route("/login", console.page(_login, public=True), methods=["GET", "POST"]),
        Route("/logout", console.page(_logout, public=True), methods=["POST"]),
    ]
