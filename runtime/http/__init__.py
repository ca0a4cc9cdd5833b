"""invokeurl and the HTTP side of connections: requests, credential injection, OAuth 2.0
refresh and redaction of secrets."""

from cloudburst.http.redact import MASK, REDACTOR, RedactingFilter, install_log_filter
from cloudburst.http.service import HttpService, default_client, invoke, service_for
from cloudburst.http.settings import HttpSettings

__all__ = ["HttpService", "HttpSettings", "MASK", "REDACTOR", "RedactingFilter", "default_client",
           "install_log_filter", "invoke", "service_for"]
