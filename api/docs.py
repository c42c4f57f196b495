"""``/openapi.json`` and ``/docs``: the API description and a page that renders it, with nothing from the internet."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from api.base import APIHandler
from api.operations import Operation


@cache
def _document() -> str:
    from api.openapi import build_openapi

    return json.dumps(build_openapi())


class OpenAPIHandler(APIHandler):
    operations: dict[str, Operation] = {}

    def prepare(self) -> None:
        """The description is public, like Jupyter's: it holds no data."""

    def get(self) -> None:
        self.finish(_document())


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LEAN workbench API</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#1d2430;line-height:1.4}
h1{font-size:1.6rem} h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccd}
.op{border:1px solid #dde;border-radius:6px;margin:.6rem 0;padding:.4rem .8rem}
.op summary{cursor:pointer} .m{display:inline-block;width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0a6} .post{color:#06c} .delete{color:#c33} code,pre{background:#f4f5f8;border-radius:4px}
pre{padding:.6rem;overflow:auto;max-height:24rem;font-size:.8rem}
</style></head><body>
<h1>LEAN backtest workbench API</h1>
<p>Generated from <a href="/openapi.json">/openapi.json</a>.
WebSocket: <code>/api/v2/backtest/monitor/{backtest_id}</code> (frames <code>connected</code>,
<code>progress_update</code>, <code>backtest_completed</code>, <code>backtest_failed</code>,
<code>backtest_cancelled</code>). Examples for every endpoint: <code>docs/api.md</code>.</p>
<div id="ops">Loading…</div>
<script>
const esc = s => String(s).replace(/[&<>]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
fetch('/openapi.json').then(r => r.json()).then(doc => {
  const schemas = doc.components.schemas, byTag = {};
  const deref = s => s && s.$ref ? schemas[s.$ref.split('/').pop()] || s : s;
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods))
      (byTag[op.tags[0] || 'other'] ||= []).push([path, method, op]);
  let html = '';
  for (const [tag, ops] of Object.entries(byTag)) {
    html += `<h2>${esc(tag)}</h2>`;
    for (const [path, method, op] of ops) {
      const body = op.requestBody ? deref(op.requestBody.content['application/json'].schema) : null;
      const codes = Object.keys(op.responses).join(', ');
      html += `<details class="op"><summary><span class="m ${method}">${method}</span><code>${esc(path)}</code>
        — ${esc(op.summary)}</summary><p>${esc(op.description || '')}</p><p>Responses: ${codes}</p>` +
        (body ? `<p>Body:</p><pre>${esc(JSON.stringify(body, null, 2))}</pre>` : '') + `</details>`;
    }
  }
  document.getElementById('ops').innerHTML = html;
});
</script></body></html>
"""


class DocsPageHandler(APIHandler):
    operations: dict[str, Operation] = {}

    def prepare(self) -> None:
        """Public, like /openapi.json."""

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")

    def get(self, *args: Any) -> None:
        self.finish(_PAGE)
