"""`agreementkit serve`: the interview in a browser, with the draft MOU beside it.

The same interview spec as `agreementkit new`, walked by the same engine and
saved to the same draft file, presented as one web page per section on the
advisor's own machine. `open_draft` picks the draft, `start` binds the socket
and builds the app, and `Server.run` serves until Ctrl-C.

- `forms`: a page of the interview as a form, and a posted form back as answers;
- `session`: the draft shared by every tab, versions and conflicts between tabs;
- `preview`: the draft MOU through the HTML writer, kept warm;
- `security`: the token, CSRF and cross-site refusal;
- `app`: the routes and the downloads; `server`: opening the draft, the socket and uvicorn.

Finishing (the answers file and the documents) is `interview.finish`, shared
with the terminal.
"""

from __future__ import annotations

from .server import Opened, Server, open_draft, start

__all__ = ["Opened", "Server", "open_draft", "start"]
