"""Drive oidc-provider's dev login and consent pages headlessly (connectors.md §5.3)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx2

from cloudburst.http import oauth


def authorize(authorize_url: str, client_id: str, redirect_uri: str, scopes: list[str], delimiter: str = " ",
              login: str = "alice") -> tuple[str, str]:
    """Return (code, code_verifier) after logging in and consenting like a browser would."""
    verifier, challenge = oauth.new_pkce_pair()
    url = oauth.build_authorization_url(authorize_url, client_id, redirect_uri, scopes, delimiter, "st-1",
                                        challenge, extra={"prompt": "consent"})
    with httpx2.Client(follow_redirects=False, timeout=10) as browser:  # keeps the interaction cookies
        for form in ({"prompt": "login", "login": login}, {"prompt": "consent"}, None):
            while not url.startswith(redirect_uri):
                r = browser.get(url)
                if r.status_code not in (302, 303):
                    break  # an interaction page
                url = str(httpx2.URL(url).join(r.headers["location"]))
            if url.startswith(redirect_uri):
                query = parse_qs(urlsplit(url).query)
                assert query["state"] == ["st-1"]
                return query["code"][0], verifier
            if form is None:
                break
            r = browser.post(url, data=form)
            url = str(httpx2.URL(url).join(r.headers["location"]))
    raise AssertionError(f"the provider did not redirect back with a code (last URL {url})")
