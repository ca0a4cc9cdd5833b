"""A task key given several comma-separated values (`to: zoho.adminuserid, r.get("Email")`)
passes them as a list, as Zoho does."""

from __future__ import annotations

from cloudburst.engine import Runtime
from cloudburst.mail import OutboxMailer

SCRIPT = """owner = {"Email":"owner@zylker.test"};
sendmail
[
	from :zoho.adminuserid
	to :zoho.adminuserid, owner.get("Email"), "sales@zylker.test"
	cc :"audit@zylker.test",
	subject :"Deal won"
	message :"Congratulations"
]
"""


def test_several_values_for_one_key_reach_every_recipient() -> None:
    outbox = OutboxMailer()
    rt = Runtime(network=False, mailer=outbox, system={"adminuserid": "admin@zylker.test"})
    rt.run(SCRIPT)
    (message,) = outbox.messages
    assert message["To"] == "admin@zylker.test, owner@zylker.test, sales@zylker.test"
    assert message["Cc"] == "audit@zylker.test"
    assert message["Subject"] == "Deal won"
