"""The users file: who may sign in, with which role, and their password hashes.

One user a line, ``name:role:hash`` (``#`` starts a comment)::

    # written by `python -m qa users add NAME --role maintainer`
    zhangsan:maintainer:$argon2id$v=19$m=65536,t=3,p=4$…
    lisi:reader:$argon2id$v=19$m=65536,t=3,p=4$…

Passwords are hashed with Argon2id (argon2-cffi, its RFC 9106 low-memory profile) and
never stored or printed. A line of a user who signs in only through the department's
proxy may have ``-`` as its hash: it gives the role, and no password signs in as them.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from qa.errors import InputError

ROLES = ("reader", "maintainer")
ROLE_LABELS = {"reader": "读者", "maintainer": "维护人员"}
NO_PASSWORD = "-"
MIN_PASSWORD_CHARS = 8
# Names are kept printable and short; ":" separates the fields of a line.
_NAME = re.compile(r"^[^\s:#][^\s:]{0,63}$")
_hasher = PasswordHasher()
# Verified when the name is unknown, so that answering takes as long as for a known
# name: the time does not tell which part was wrong.
_DUMMY_HASH = _hasher.hash("no user has this password")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise InputError(
            f"用户名“{name}”无效。(Invalid user name.)",
            "用户名不能为空，不含空格和冒号，最多 64 个字符。",
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"角色“{role}”无效。(Invalid role.)", f"可用的角色：{' / '.join(ROLES)}。")
    return role


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(
            f"密码太短：至少 {MIN_PASSWORD_CHARS} 个字符。(Password too short.)",
            "请换一个更长的密码。",
        )
    return _hasher.hash(password)


def parse_users(text: str, source: str = "QA_USERS_FILE") -> dict[str, User]:
    users: dict[str, User] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":", 2)
        if len(parts) != 3:
            # The line itself is not quoted: it may hold a hash.
            raise InputError(
                f"{source} 第 {number} 行格式不对。(Malformed users file line.)",
                "每行应为 用户名:角色:密码哈希；请用 python -m qa users add 写入。",
            )
        name, role, password_hash = (p.strip() for p in parts)
        try:
            user = User(check_name(name), check_role(role), password_hash)
        except InputError as err:
            raise InputError(f"{source} 第 {number} 行：{err.message}", err.hint) from None
        if password_hash != NO_PASSWORD and not password_hash.startswith("$argon2"):
            raise InputError(
                f"{source} 第 {number} 行：用户 {name} 的密码不是 Argon2 哈希。(Not a password hash.)",
                "文件中不能写明文密码；请用 python -m qa users add 重新设置该用户。",
            )
        users[user.name] = user
    return users


def load_users(path: Path) -> dict[str, User]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"找不到用户文件 {path}。(Users file not found.)",
            "用 python -m qa users add NAME --role maintainer 创建它，或取消 QA_USERS_FILE。",
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(
            f"无法读取用户文件 {path}（{err}）。", "检查文件权限和编码（UTF-8）。"
        ) from None
    return parse_users(text, str(path))


def verify_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's; as slow for an unknown user as for a known one."""
    stored = user.password_hash if user and user.password_hash != NO_PASSWORD else None
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class UserDirectory:
    """The users file as the running app sees it: read again when it changes on disk,
    so a user added, demoted or removed takes effect without a restart."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._users: dict[str, User] = {}
        self.reload()

    def reload(self) -> dict[str, User]:
        with self._lock:
            stat = self.path.stat() if self.path.exists() else None
            stamp = (stat.st_mtime_ns, stat.st_size) if stat else None
            if stamp != self._stamp or stamp is None:
                self._users = load_users(self.path)
                self._stamp = stamp
            return self._users

    def users(self) -> dict[str, User]:
        try:
            return self.reload()
        except InputError:
            # A file broken while the app runs: keep the users it had (logged by the caller).
            return self._users

    def get(self, name: str | None) -> User | None:
        return self.users().get(name or "")


def write_users(path: Path, users: dict[str, User]) -> None:
    """Replace the users file atomically, keeping its comment lines, readable by its owner only."""
    path = Path(path)
    comments = []
    if path.exists():
        comments = [
            line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")
        ]
    if not comments:
        comments = ["# name:role:argon2 hash — written by `python -m qa users add`"]
    lines = [*comments, *(f"{u.name}:{u.role}:{u.password_hash}" for u in users.values())]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def set_user(path: Path, name: str, role: str, password: str | None) -> User:
    """Add or update a user (``password`` None: keep the hash, or ``-`` for a new user)."""
    name, role = check_name(name), check_role(role)
    users = load_users(path) if Path(path).exists() else {}
    old = users.get(name)
    if password is not None:
        password_hash = hash_password(password)
    else:
        password_hash = old.password_hash if old else NO_PASSWORD
    users[name] = User(name, role, password_hash)
    write_users(path, users)
    return users[name]


def remove_user(path: Path, name: str) -> bool:
    users = load_users(path)
    if users.pop(name, None) is None:
        return False
    write_users(path, users)
    return True
