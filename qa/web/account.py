"""Who is using the page: the line naming the user and role (with 退出登录), the
read-only notice, the tabs each role sees, and the 变更记录 tab (the audit log,
maintainers only).

The page is one configuration shared by everyone, so nothing role-specific is in it at
build time: on load, ``session_view`` shows the maintainers' tabs to maintainers, and
``audit_table`` (itself a maintainer action) fills the record. Hiding a tab is for
people; the handlers check the role themselves (``qa.web.access``).
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from qa.present.html import esc
from qa.users import ROLE_LABELS
from qa.web.access import (
    OPEN,
    PASSWORD,
    READ_ONLY,
    READ_ONLY_NOTICE,
    AccessPolicy,
)
from qa.web.gate import maintainer_action, policy_of

AUDIT_COLUMNS = ["时间", "用户", "角色", "方式", "地址", "操作", "文件", "SHA-256", "结果", "说明"]
RESULTS = {"ok": "完成", "refused": "拒绝", "failed": "失败"}
ACTIONS = {
    "UploadHandlers.add_upload": "上传并加入索引",
    "UploadHandlers.preview_upload": "预览上传",
    "DocumentHandlers.remove_document": "删除文件",
    "AccountHandlers.audit_table": "查看变更记录",
    "build": "重建索引（命令行）",
}
AUDIT_ROWS = 200


def audit_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        [
            r.get("time", ""),
            r.get("user", "") or "（未登录）",
            ROLE_LABELS.get(r.get("role", ""), r.get("role", "")),
            r.get("via", ""),
            r.get("client", ""),
            ACTIONS.get(r.get("action", ""), r.get("action", "")),
            r.get("file", ""),
            (r.get("sha256", "") or "")[:16],
            RESULTS.get(r.get("result", ""), r.get("result", "")),
            r.get("detail", ""),
        ]
        for r in records
    ]
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


class AccountHandlers:
    access: AccessPolicy

    def session_view(self, request: gr.Request | None = None) -> tuple[str, Any, Any, Any]:
        """The header line, the visibility of the 添加文件 and 变更记录 tabs, and the
        record (empty but for maintainers: the role is checked here, on the server)."""
        policy = policy_of(self)
        identity = policy.identify(request)
        maintainer = identity.is_maintainer
        parts = []
        if policy.mode == READ_ONLY:
            parts.append(f'<div class="qa-status qa-status-error">{esc(READ_ONLY_NOTICE)}</div>')
        if identity.user:
            who = f"已登录：{esc(identity.label)}"
            if policy.mode == PASSWORD:
                who += '　<a href="logout" class="qa-logout">退出登录</a>'
            if identity.role is None:
                who += "　（该用户已不在用户名单中，只能阅读；请联系管理员。）"
            parts.append(f'<div class="qa-account">{who}</div>')
        elif policy.mode == OPEN and not maintainer:
            parts.append(
                '<div class="qa-account">经代理访问本机服务：只能阅读，不能添加或删除文件。</div>'
            )
        audit = policy.audit if maintainer else None
        records = audit_frame(audit.recent(AUDIT_ROWS) if audit else [])
        shown = gr.update(visible=maintainer)
        return "".join(parts), shown, shown, records

    @maintainer_action("查看变更记录", changes_corpus=False)
    def audit_table(self, request: gr.Request | None = None) -> pd.DataFrame:
        audit = policy_of(self).audit
        return audit_frame(audit.recent(AUDIT_ROWS) if audit else [])


def build_audit_tab(h: AccountHandlers) -> dict[str, Any]:
    audit = policy_of(h).audit
    where = f"（文件：{audit.path.name}，只追加、不改写）" if audit else ""
    gr.Markdown(
        f"对文件库的每次更改和每次被拒绝的尝试：谁、何时、哪个文件（SHA-256）、结果{where}。"
        f"显示最近 {AUDIT_ROWS} 条，最新的在前。"
    )
    refresh = gr.Button("刷新", elem_id="audit-refresh")
    # Empty at build time: the configuration is served to everyone.
    table = gr.Dataframe(
        pd.DataFrame(columns=AUDIT_COLUMNS), interactive=False, wrap=True, elem_id="audit-table"
    )
    return {"refresh": refresh, "table": table}


def wire_audit(h: AccountHandlers, c: dict[str, Any], private: dict[str, Any]) -> None:
    c["refresh"].click(h.audit_table, None, c["table"], **private)
