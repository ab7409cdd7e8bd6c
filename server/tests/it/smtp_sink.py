"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py PORT DIR. Accepts mail on 127.0.0.1:PORT and writes each message as JSON
(recipients, decoded subject and text body, whether an HTML part is present) into DIR.
Recipients starting with "reject" are refused with 550, like an unknown mailbox.
"""
import email
import email.policy
import json
import os
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        plain = msg.get_body(("plain",))
        record = {
            "rcpt": envelope.rcpt_tos,
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "subject": str(msg["subject"]),
            "text": plain.get_content() if plain else "",
            "html": msg.get_body(("html",)) is not None,
        }
        self.n += 1
        path = os.path.join(self.out, f"{os.getpid()}-{self.n}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        return "250 Message accepted"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
