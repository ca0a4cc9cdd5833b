"""invokeurl and the HTTP side of connections: requests, the access policy, credential
injection, OAuth 2.0 refresh and redaction of secrets."""

from cloudburst.http.invoke import HttpService
from cloudburst.http.policy import AccessPolicy
from cloudburst.http.redact import MASK, REDACTOR, RedactingFilter, install_log_filter
from cloudburst.http.settings import HttpSettings

__all__ = ["AccessPolicy", "HttpService", "HttpSettings", "MASK", "REDACTOR", "RedactingFilter", "install_log_filter"]
