"""Who may change the corpus: the access mode, who a request comes from, and the gate.

Two roles: a **reader** asks, browses figures, documents and duties, exports briefings
and runs evaluations (within limits); a **maintainer** may also upload and remove
documents (and read the audit log). The mode is decided once, at start
(``decide_mode``):

- ``open``: a loopback address, no users, no proxy configured: everyone maintains, as
  on a laptop (a request carrying proxy headers is served as a reader all the same).
- ``read-only``: any other address with no users: everyone reads, nobody changes the
  corpus; said in the log and on the page.
- ``password``: a users file (``QA_USERS_FILE``): everyone signs in (Gradio's sign-in
  page; API clients ``Client(url, auth=(name, password))``); the role is the file's.
- ``proxy``: the department's single-sign-on proxy names the user in
  ``QA_TRUSTED_USER_HEADER``, honoured only from ``QA_TRUSTED_PROXIES``; other requests
  are refused (401). The role comes from the users file, else ``QA_DEFAULT_ROLE``.

Every handler that changes the corpus is wrapped in ``qa.web.gate.maintainer_action``
(listed in ``MAINTAINER_ACTIONS``): the check runs in the handler on the server, whichever route
called it (the page, ``gradio_client``, ``/gradio_api/queue/join`` with any
``fn_index``, ``/call``, ``/run``), and every attempt is appended to the audit log.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import gradio as gr
from starlette.requests import cookie_parser

from qa.audit import AuditLog, audit_path
from qa.config import Settings
from qa.errors import InputError
from qa.users import ROLE_LABELS, ROLES, UserDirectory, verify_password
from qa.web.limits import Limiter, Scope, rates

log = logging.getLogger("qa.access")

OPEN, READ_ONLY, PASSWORD, PROXY = "open", "read-only", "password", "proxy"
READER, MAINTAINER = ROLES
REFUSED_TITLE = "没有权限"
REFUSED = "只有维护人员可以更改文件库（添加或删除文件）。请联系管理员。"
REFUSED_READ_ONLY = (
    "服务器处于只读模式（对网络开放且没有配置用户），任何人都不能添加或删除文件。"
    "如需维护文件库，请管理员配置 QA_USERS_FILE 后重启。"
)
READ_ONLY_NOTICE = (
    "只读模式：本服务对网络开放且没有配置用户，可以提问、浏览和导出，但不能添加或删除文件。"
)
SIGN_IN_MESSAGE = (
    "<p>质量强市政策文件问答：请用管理员分配的用户名和密码登录。</p>"
    "<p>连续多次登录失败后，请等一分钟再试。</p>"
)
_PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
_MAX_USER_CHARS = 128


class Refused(gr.Error):
    """A maintainer action refused to this caller (the page shows it as a toast)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, title=REFUSED_TITLE, print_exception=False)


@dataclass(frozen=True)
class Identity:
    user: str  # "" when nobody signed in
    role: str | None  # None: signed in but not (or no longer) in the users file
    via: str  # the mode that knew them, or "cli" / "script" for direct calls
    client: str  # the client's address (behind a trusted proxy: the forwarded one)

    @property
    def is_maintainer(self) -> bool:
        return self.role == MAINTAINER

    @property
    def key(self) -> str:
        """Whose buckets the limits take from: the user, else the address."""
        return f"user:{self.user}" if self.user else f"ip:{self.client}"

    @property
    def label(self) -> str:
        role = ROLE_LABELS.get(self.role or "", "无权限")
        return f"{self.user}（{role}）" if self.user else f"未登录（{self.client}，{role}）"


def is_loopback_host(host: str) -> bool:
    """Whether the app listens on loopback only (a name counts if all its addresses do)."""
    host = host.strip().strip("[]")
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False  # unknown: assume the network
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def decide_mode(host: str, has_users: bool, trusted_header: str, has_proxies: bool) -> str:
    """The access mode (module docstring): safe by default, the laptop case unchanged."""
    if trusted_header:
        return PROXY
    if has_users:
        return PASSWORD
    if is_loopback_host(host) and not has_proxies:
        return OPEN
    return READ_ONLY


def parse_networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for item in (t.strip() for t in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise InputError(
                f"QA_TRUSTED_PROXIES 中的“{item}”不是 IP 地址或网段。(Invalid proxy address.)",
                "写成逗号分隔的地址或网段，例如 10.0.0.5,10.1.0.0/24。",
            ) from None
    return tuple(networks)


class AccessPolicy:
    """The mode, the users, the limits and the audit log of one running app."""

    def __init__(
        self,
        mode: str,
        *,
        audit: AuditLog | None = None,
        limiter: Limiter | None = None,
        users: UserDirectory | None = None,
        default_role: str = READER,
        trusted_header: str = "",
        trusted_proxies: str = "",
        host: str = "127.0.0.1",
    ) -> None:
        if default_role not in ROLES:
            raise InputError(
                f"QA_DEFAULT_ROLE={default_role!r} 无效。(Invalid role.)",
                f"可用的角色：{' / '.join(ROLES)}。",
            )
        self.mode = mode
        self.audit = audit
        # The laptop case keeps no limits, as before; a served network has them.
        self.limiter = limiter or Limiter(rates(Settings()), enabled=mode != OPEN)
        self.users = users
        self.default_role = default_role
        self.trusted_header = trusted_header.strip().lower()
        self.proxies = parse_networks(trusted_proxies)
        self.host = host
        if mode == PROXY and not self.proxies:
            raise InputError(
                "设置了 QA_TRUSTED_USER_HEADER，但没有设置 QA_TRUSTED_PROXIES。(No trusted proxy.)",
                "写明单点登录代理的地址（QA_TRUSTED_PROXIES），否则任何人都能伪造这个请求头。",
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessPolicy:
        users = UserDirectory(Path(settings.users_file)) if settings.users_file else None
        has_users = bool(users and users.users())
        mode = decide_mode(
            settings.host,
            has_users,
            settings.trusted_user_header,
            bool(parse_networks(settings.trusted_proxies)),
        )
        return cls(
            mode,
            audit=AuditLog(audit_path(settings)),
            limiter=Limiter(rates(settings), enabled=mode != OPEN),
            users=users if has_users else None,
            default_role=settings.default_role,
            trusted_header=settings.trusted_user_header,
            trusted_proxies=settings.trusted_proxies,
            host=settings.host,
        )

    @classmethod
    def local(cls, settings: Settings) -> AccessPolicy:
        """As a laptop app (tests, scripts): everyone maintains; changes are still audited."""
        return cls(OPEN, audit=AuditLog(audit_path(settings)))

    # -- who a request comes from ---------------------------------------------------------

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.proxies)

    def client_address(self, peer: str, headers: Mapping[str, str]) -> str:
        """The peer, or behind a trusted proxy the last address it forwarded for."""
        if not self._trusted(peer):
            return peer
        hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return hop
        return peer

    def proxy_user(self, peer: str, headers: Mapping[str, str]) -> str | None:
        """The single-sign-on user, only when the request comes from a trusted proxy."""
        if self.mode != PROXY or not self._trusted(peer):
            return None
        user = unquote(headers.get(self.trusted_header, "")).strip()
        if not user or len(user) > _MAX_USER_CHARS or not user.isprintable():
            return None
        return user

    def _role(self, user: str) -> str | None:
        if self.mode == PASSWORD:
            found = self.users.get(user) if self.users else None
            return found.role if found else None
        found = self.users.get(user) if self.users else None
        return found.role if found else self.default_role

    def identify(self, request: gr.Request | None) -> Identity:
        if request is None:
            # A direct call (a test, a script on the server), never a web request.
            return Identity("", MAINTAINER if self.mode == OPEN else None, "script", "local")
        headers = {k.lower(): v for k, v in dict(request.headers or {}).items()}
        peer = getattr(getattr(request, "client", None), "host", None) or ""
        client = self.client_address(peer, headers)
        if self.mode == OPEN:
            proxied = any(h in headers for h in _PROXY_HEADERS)
            return Identity("", READER if proxied else MAINTAINER, OPEN, client)
        if self.mode == READ_ONLY:
            return Identity("", READER, READ_ONLY, client)
        if self.mode == PROXY:
            user = self.proxy_user(peer, headers) or ""
        else:
            user = request.username or ""
        return Identity(user, self._role(user) if user else None, self.mode, client)

    def scope_key(self, scope: Scope) -> str:
        """``Identity.key`` for a raw HTTP request (the limit middleware)."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        peer = (scope.get("client") or ("", 0))[0]
        user = ""
        if self.mode == PROXY:
            user = self.proxy_user(peer, headers) or ""
        elif self.mode == PASSWORD:
            app = scope.get("app")
            cookies = cookie_parser(headers.get("cookie", ""))
            cookie_id = getattr(app, "cookie_id", "")
            token = cookies.get(f"access-token-{cookie_id}") or cookies.get(
                f"access-token-unsecure-{cookie_id}"
            )
            user = getattr(app, "tokens", {}).get(token, "") if token else ""
        return f"user:{user}" if user else f"ip:{self.client_address(peer, headers)}"

    def check_rate(self, kind: str, request: gr.Request | None, cost: float = 1.0) -> None:
        self.limiter.check(kind, self.identify(request).key, cost)

    # -- signing in (Gradio's launch) -----------------------------------------------------

    async def sign_in(self, name: str, password: str) -> bool:
        """Gradio's ``auth``: the hash is checked off the event loop (it takes ~0.1 s)."""
        import anyio

        user = self.users.get(name) if self.users else None
        ok = await anyio.to_thread.run_sync(verify_password, user, password)
        # A refused name is not logged: people type their password into it by mistake.
        if ok:
            log.info("sign-in accepted for %r", name)
        else:
            log.info("a sign-in was refused")
        return ok

    def request_user(self, request: Any) -> str | None:
        """Gradio's ``auth_dependency`` in proxy mode."""
        peer = request.client.host if request.client else ""
        return self.proxy_user(peer, {k.lower(): v for k, v in request.headers.items()})

    def launch_options(self, max_file_size: int | None = None) -> dict[str, Any]:
        """What ``Blocks.launch`` needs for this mode (sign-in, limits, upload size)."""
        from starlette.middleware import Middleware

        from qa.web.limits import LimitMiddleware

        options: dict[str, Any] = {
            # A Node front (SSR) would hide the clients' addresses from the limits.
            "ssr_mode": False,
            # Nothing else answers requests: no MCP tools, no monitoring dashboard.
            "mcp_server": False,
            "enable_monitoring": False,
            "max_file_size": max_file_size,
            "app_kwargs": {
                "middleware": [
                    Middleware(LimitMiddleware, limiter=self.limiter, client_key=self.scope_key)
                ]
            },
        }
        if self.mode == PASSWORD:
            options |= {"auth": self.sign_in, "auth_message": SIGN_IN_MESSAGE}
        elif self.mode == PROXY:
            options["auth_dependency"] = self.request_user
        return options

    def describe(self) -> str:
        """One line for the server log at start (no secrets: names and counts only)."""
        if self.mode == OPEN:
            return (
                f"access: open ({self.host} is loopback, no users): everyone may change the corpus"
            )
        if self.mode == READ_ONLY:
            return (
                f"access: READ-ONLY: serving {self.host} with no users configured, so nobody "
                "can upload or remove documents; set QA_USERS_FILE (python -m qa users add "
                "NAME --role maintainer) to allow maintainers"
            )
        count = len(self.users.users()) if self.users else 0
        if self.mode == PASSWORD:
            return f"access: sign-in required ({count} users in {self.users.path if self.users else ''})"
        return (
            f"access: single sign-on through header {self.trusted_header!r} from "
            f"{', '.join(map(str, self.proxies))}; {count} users listed, others are {self.default_role}s"
        )

    def refusal(self) -> str:
        return REFUSED_READ_ONLY if self.mode == READ_ONLY else REFUSED

    def record(self, identity: Identity, action: str, **fields: Any) -> None:
        if self.audit is None:
            return
        try:
            self.audit.append(
                user=identity.user, role=identity.role or "", via=identity.via,
                client=identity.client, action=action, **fields,
            )  # fmt: skip
        except OSError:
            # The change has happened (or was refused); the page must not fail for it.
            log.exception("the audit log %s cannot be written", self.audit.path)
