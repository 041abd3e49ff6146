"""Browser UI for the policy-document assistant: builds the page (``qa.web``) and serves it.

Run ``python app.py``: serves http://127.0.0.1:7860 (QA_HOST / QA_PORT override it).
The model and the index load once at start-up; a missing or broken index stops the
app with a message and exit status 2.

API: the endpoint ``/ask`` takes a question, a document filter ("" for all documents;
otherwise a doc id, region or title fragment, "A|B" for several) and the earlier
questions of the conversation, and returns the same JSON as ``python -m qa ask --json``
(``qa.present.records.answer_to_record``)::

    from gradio_client import Client
    client = Client("http://127.0.0.1:7860")
    record = client.predict("厦门到2018年森林覆盖率要达到多少?", "", [], api_name="/ask")

Who may change the corpus is decided at start (``qa.web.access``): on 127.0.0.1 with no
users, everyone (as before); on another address with no users, nobody (read-only); with
``QA_USERS_FILE``, everyone signs in (API: ``Client(url, auth=(name, password))``), and
only maintainers upload or remove; with ``QA_TRUSTED_USER_HEADER``, the department's
single-sign-on proxy names the user.
"""

from __future__ import annotations

import logging
import os
import sys

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import QAError
from qa.ingest.readers import formats
from qa.redact import SecretFilter, secret_values
from qa.web import MAINTAINER_ACTIONS, AccessPolicy, Handlers, build_app
from qa.web.common import ALL

__all__ = ["ALL", "MAINTAINER_ACTIONS", "AccessPolicy", "Handlers", "build_app", "main"]
# Asking streams from several users at once; evaluation runs and corpus changes have
# their own queues of one (qa.web), so neither blocks questions.
CONCURRENCY = 4


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Keys, tokens and URL credentials never reach the log, whoever logs them.
    hidden = SecretFilter(secret_values(os.environ))
    for handler in logging.getLogger().handlers:
        handler.addFilter(hidden)
    try:
        # A server encodes several questions at once: one thread each (see Settings.threads).
        settings = Settings.from_env(threads=int(os.environ.get("QA_THREADS") or 1))
        access = AccessPolicy.from_settings(settings)
        print(f"loading the model and the index from {settings.index_dir} …", flush=True)
        assistant = Assistant.open(settings)
    except QAError as err:
        print(f"error: the app cannot start: {err}", file=sys.stderr)
        return 2
    # Said in the log (a warning when read-only) and, per visitor, on the page.
    log = logging.getLogger("qa.access")
    log.log(logging.WARNING if access.mode == "read-only" else logging.INFO, access.describe())
    demo = build_app(assistant, access)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        show_error=True,
        # No file larger than the largest format's own limit reaches the server's disk.
        **access.launch_options(max_file_size=max(f.max_bytes for f in formats())),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
