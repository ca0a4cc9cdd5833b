"""A small web hook handler: each POSTed JSON body runs a Deluge script, and the script's
result comes back as JSON.

    python examples/webhook_handler.py --request examples/webhook_request.json   # one request, no server
    python examples/webhook_handler.py --port 8080
    curl -s localhost:8080 -d '{"event": "order.created", "customerId": "C1",
                                "lines": [{"qty": 2, "price": 9.95}]}'

One Runtime and one compiled Script serve every request; each request is its own run with
its own limits, so a slow or broken request cannot hold up or disturb the others.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cloudburst

HERE = Path(__file__).resolve().parent

CUSTOMERS = {
    "C1": {"name": "Ada Lovelace", "vip": True},
    "C2": {"name": "Charles Babbage", "vip": False},
}

LIMITS = cloudburst.Limits(max_statements=5000, timeout=5)


def lookup_customer(customer_id: Any) -> dict[str, Any] | None:
    """Host function the script calls as ``lookupCustomer(id)``: plain values in and out."""
    return CUSTOMERS.get(str(customer_id))


def to_json(value: Any) -> Any:
    """JSON for what a script returns: exact decimals as text, dates in ISO form."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, cloudburst.DelugeFile):
        return {"name": value.name, "base64": base64.b64encode(value.content).decode("ascii")}
    raise TypeError(f"{type(value).__name__} is not JSON")


def build_script(path: Path) -> cloudburst.Script:
    runtime = cloudburst.Runtime(network=False)
    runtime.register_function("lookupCustomer", lookup_customer)
    return runtime.compile(path.read_text(encoding="utf-8"), name=path.name)


def make_handler(script: cloudburst.Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"null", parse_float=Decimal)
            except ValueError as exc:
                self.reply(400, {"ok": False, "error": f"invalid JSON: {exc}"})
                return
            try:
                result = script.run({"input": body}, limits=LIMITS)
            except cloudburst.CloudburstError as exc:
                status = 422 if isinstance(exc, (cloudburst.InputError, cloudburst.DelugeRuntimeError)) else 500
                self.reply(status, {"ok": False, "error": str(exc), "kind": type(exc).__name__})
                return
            self.reply(200, {"ok": True, "result": result.python_value(), "info": result.info,
                             "statements": result.statements})

        def reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, default=to_json).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def answer_once(script: cloudburst.Script, body_file: Path) -> None:
    """What the server would answer for one POSTed body, printed instead of sent."""
    body = json.loads(body_file.read_text(encoding="utf-8"), parse_float=Decimal)
    result = script.run({"input": body}, limits=LIMITS)
    print(json.dumps({"ok": True, "result": result.python_value(), "info": result.info}, default=to_json, indent=2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--script", type=Path, default=HERE / "webhook.dg")
    parser.add_argument("--request", type=Path, metavar="BODY.json",
                        help="answer this one request body and exit (prints the JSON reply)")
    args = parser.parse_args(argv)
    if args.request is not None:
        answer_once(build_script(args.script), args.request)
        return
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(build_script(args.script)))
    print(f"listening on http://127.0.0.1:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
