"""The simulator's HTML report (模拟报告): one self-contained file that opens offline.

Inline CSS, inline SVG charts drawn here, no script and nothing fetched from the internet. It is
rendered from the JSON summary (:mod:`summary`), so its figures are the summary's, character for
character; every figure carries ``data-key`` with its path in the summary (``by_rule.direct``,
``compare.gini``) so that tests and tools can read them back.
"""

from __future__ import annotations

from html import escape
from typing import Any

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569")

CSS = """
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",Helvetica,Arial,sans-serif;margin:0;
color:#1f2937;background:#f8fafc}
main{max-width:980px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .6rem;border-bottom:1px solid #e5e7eb}
.meta{color:#6b7280;font-size:.9rem}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:1.25rem}.card span{color:#6b7280;font-size:.8rem}
table{border-collapse:collapse;background:#fff;margin:.5rem 0;font-size:.9rem;width:100%}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:right}th{background:#f1f5f9}
td:first-child,th:first-child{text-align:left}
svg{background:#fff;border:1px solid #e5e7eb;border-radius:8px;max-width:100%;height:auto}
.sev-error{color:#b91c1c;font-weight:bold}.sev-warning{color:#b45309}
.legend span{display:inline-block;margin-right:12px;font-size:.85rem}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.ok{color:#15803d}
"""


def _fig(key: str, value: object, tag: str = "td") -> str:
    return f'<{tag} data-key="{escape(key)}">{escape(str(value))}</{tag}>'


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _legend(labels: list[str]) -> str:
    items = "".join(
        f'<span><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{escape(label)}</span>'
        for i, label in enumerate(labels)
    )
    return f'<div class="legend">{items}</div>'


def _stacked_month_chart(summary: dict[str, Any]) -> str:
    """Payout ratio by month, one bar a month stacked by rule."""
    months = summary["by_month"]
    labels = list(summary["by_rule"])
    width, height, left, bottom, top = 640, 260, 48, 28, 12
    ratios = []
    for month in months:
        base = float(month["base"])
        ratios.append([float(month["by_rule"][label]) / base if base else 0.0 for label in labels])
    peak = max([sum(r) for r in ratios] + [0.05])
    plot_h = height - bottom - top
    slot = (width - left - 10) / max(len(months), 1)
    bar_w = max(slot * 0.7, 1)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="payout ratio by month">']
    for tick in range(5):
        value = peak * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{_pct(value)}</text>')
    for i, (month, values) in enumerate(zip(months, ratios, strict=True)):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for j, value in enumerate(values):
            h = plot_h * value / peak
            if h > 0:
                y -= h
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                             f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(labels[j])}: {_pct(value)}'
                             f'</title></rect>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 10}" font-size="10" '
                     f'text-anchor="middle">{month["month"]}</text>')
    parts.append("</svg>")
    return "".join(parts) + _legend(labels)


def _lorenz_chart(curves: list[tuple[str, list[list[float]]]]) -> str:
    """Lorenz curves (share of promoters → share of earnings) against the line of equality."""
    size, pad = 300, 36
    plot = size - 2 * pad

    def xy(point: list[float]) -> str:
        return f"{pad + point[0] * plot:.1f},{pad + plot - point[1] * plot:.1f}"

    parts = [f'<svg viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" aria-label="Lorenz curve">',
             f'<rect x="{pad}" y="{pad}" width="{plot}" height="{plot}" fill="none" stroke="#cbd5e1"/>',
             f'<line x1="{pad}" y1="{pad + plot}" x2="{pad + plot}" y2="{pad}" stroke="#94a3b8" '
             f'stroke-dasharray="4 3"/>']
    for tick in (0, 0.5, 1):
        parts.append(f'<text x="{pad + tick * plot:.1f}" y="{size - 16}" font-size="10" '
                     f'text-anchor="middle">{tick:.0%}</text>')
        parts.append(f'<text x="{pad - 4}" y="{pad + plot - tick * plot + 4:.1f}" font-size="10" '
                     f'text-anchor="end">{tick:.0%}</text>')
    for i, (_name, points) in enumerate(curves):
        path = " ".join(xy(p) for p in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[i % len(PALETTE)]}" '
                     f'stroke-width="2"/>')
    parts.append(f'<text x="{size / 2}" y="{size - 2}" font-size="10" text-anchor="middle">share of promoters</text>')
    parts.append("</svg>")
    return "".join(parts) + _legend([name for name, _ in curves])


def _share_bar(parts_: list[tuple[str, float]]) -> str:
    """One horizontal bar split into shares (own sales / downline sales / period rules)."""
    width, height = 640, 36
    total = sum(v for _, v in parts_)
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="earnings by source">']
    x = 0.0
    for i, (label, value) in enumerate(parts_):
        w = width * value / total if total else 0
        if w > 0:
            out.append(f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="28" fill="{PALETTE[i % len(PALETTE)]}">'
                       f'<title>{escape(label)}: {_pct(value / total)}</title></rect>')
            x += w
    out.append("</svg>")
    return "".join(out) + _legend([label for label, _ in parts_])


def _key_figures(summary: dict[str, Any], prefix: str = "") -> str:
    cards = [
        ("promoters", "promoters 推手"), ("months", "months"), ("orders", "orders 订单"),
        ("base_total", "commission base B"), ("payout_total", "paid out 拨出"), ("payout_ratio", "payout ratio 拨出比"),
        ("gini", "Gini"), ("zero_earner_share", "zero earners 零收入占比"),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card">{_fig(prefix + key, summary[key], "b")}<span>{escape(label)}</span></div>'
        for key, label in cards
    ) + "</div>"


def _months_table(summary: dict[str, Any], prefix: str) -> str:
    rows = "".join(
        f"<tr><td>{m['month']}</td>{_fig(f'{prefix}by_month.{i}.orders', m['orders'])}"
        f"{_fig(f'{prefix}by_month.{i}.base', m['base'])}{_fig(f'{prefix}by_month.{i}.payout', m['payout'])}"
        f"{_fig(f'{prefix}by_month.{i}.payout_ratio', m['payout_ratio'])}</tr>"
        for i, m in enumerate(summary["by_month"])
    )
    return ("<table><tr><th>month</th><th>orders</th><th>base B</th><th>paid out</th><th>payout ratio</th></tr>"
            f"{rows}</table>")


def _rules_table(summary: dict[str, Any], prefix: str) -> str:
    rows = "".join(
        f"<tr><td>{escape(label)}</td>{_fig(f'{prefix}by_rule.{label}', amount)}"
        f"{_fig(f'{prefix}payout_ratio_by_rule.{label}', summary['payout_ratio_by_rule'][label])}</tr>"
        for label, amount in summary["by_rule"].items()
    )
    total = (f"<tr><th>total</th>{_fig(prefix + 'payout_total', summary['payout_total'], 'th')}"
             f"{_fig(prefix + 'payout_ratio', summary['payout_ratio'], 'th')}</tr>")
    return f"<table><tr><th>rule</th><th>paid out</th><th>payout ratio</th></tr>{rows}{total}</table>"


def _disclosure_table(summary: dict[str, Any], prefix: str) -> str:
    rows = "".join(
        f"<tr><td>{escape(row['rank'])}</td>"
        + "".join(_fig(f"{prefix}disclosure.{i}.{key}", row[key]) for key in ("count", "median", "mean", "p90"))
        + "</tr>"
        for i, row in enumerate(summary["disclosure"])
    )
    return ("<table><tr><th>rank</th><th>promoters</th><th>median</th><th>mean</th><th>90th percentile</th></tr>"
            f"{rows}</table>")


def _sources(summary: dict[str, Any], prefix: str) -> str:
    source = summary["earnings_source"]
    names = {"own_sales": "own sales 自己的销售", "downline_sales": "downline sales 下级的销售",
             "period_rules": "period rules (team volume, pools)", "recruiting": "recruiting 拉人头"}
    rows = "".join(f"<tr><td>{escape(names[key])}</td>{_fig(f'{prefix}earnings_source.{key}', value)}</tr>"
                   for key, value in source.items())
    bar = _share_bar([(names[key], float(value)) for key, value in source.items()])
    return f"{bar}<table><tr><th>earned from</th><th>amount</th></tr>{rows}</table>"


def _findings(summary: dict[str, Any], prefix: str) -> str:
    findings = summary["findings"]
    if not findings:
        return '<p class="ok">No finding: the plan passes its compliance profile.</p>'
    rows = "".join(
        f"<tr><td>{_fig_inline(f'{prefix}findings.{i}.code', f['code'])}</td>"
        f"<td class=\"sev-{escape(str(f['severity']))}\">{escape(str(f['severity']))}</td>"
        f"<td>{escape(str(f.get('rule') or '—'))}</td>"
        f"<td style=\"text-align:left\">{escape(str(f['message']))}</td></tr>"
        for i, f in enumerate(findings)
    )
    return f"<table><tr><th>code</th><th>severity</th><th>rule</th><th>finding</th></tr>{rows}</table>"


def _fig_inline(key: str, value: object) -> str:
    return f'<span data-key="{escape(key)}">{escape(str(value))}</span>'


def _plan_sections(summary: dict[str, Any], prefix: str = "") -> str:
    gini_line = (f"<p>Gini coefficient {_fig_inline(prefix + 'gini', summary['gini'])}; "
                 f"share of promoters who earned nothing "
                 f"{_fig_inline(prefix + 'zero_earner_share', summary['zero_earner_share'])}.</p>")
    return "".join([
        _key_figures(summary, prefix),
        "<h2>Payout ratio by month 每月拨出比</h2>", _stacked_month_chart(summary), _months_table(summary, prefix),
        "<h2>Payout by rule 各规则拨出</h2>", _rules_table(summary, prefix),
        "<h2>Earnings distribution 收入分布</h2>",
        _lorenz_chart([(f"{summary['plan']} (Gini {summary['gini']})", summary["lorenz"])]), gini_line,
        "<h2>Income disclosure by rank 按等级收入披露</h2>", _disclosure_table(summary, prefix),
        "<h2>Own sales vs downline sales 自销与团队</h2>", _sources(summary, prefix),
        "<h2>Compliance findings 合规检查</h2>", _findings(summary, prefix),
    ])


def _comparison(first: dict[str, Any], second: dict[str, Any]) -> str:
    keys = ("orders", "base_total", "payout_total", "payout_ratio", "gini", "zero_earner_share")
    rows = "".join(
        f"<tr><td>{escape(key)}</td>{_fig(key, first[key])}{_fig('compare.' + key, second[key])}</tr>" for key in keys
    )
    labels = list(dict.fromkeys([*first["by_rule"], *second["by_rule"]]))
    rule_rows = "".join(
        f"<tr><td>{escape(label)}</td><td>{escape(first['by_rule'].get(label, '—'))}</td>"
        f"<td>{escape(second['by_rule'].get(label, '—'))}</td></tr>" for label in labels
    )
    head = f"<tr><th></th><th>{escape(first['plan'])}</th><th>{escape(second['plan'])}</th></tr>"
    errors = [sum(1 for f in s["findings"] if f["severity"] == "error") for s in (first, second)]
    return "".join([
        "<h2>Comparison 方案对比</h2>",
        "<p>Both plans priced on the same synthetic network and the same orders.</p>",
        f"<table>{head}{rows}<tr><td>compliance errors</td><td>{errors[0]}</td><td>{errors[1]}</td></tr></table>",
        f"<table>{head}{rule_rows}</table>",
        _lorenz_chart([(f"{first['plan']} (Gini {first['gini']})", first["lorenz"]),
                       (f"{second['plan']} (Gini {second['gini']})", second["lorenz"])]),
        f"<h2>Plan {escape(second['plan'])} in detail</h2>", _plan_sections(second, "compare."),
    ])


def render_report(summary: dict[str, Any]) -> str:
    """The whole report as an HTML string; with ``summary["compare"]``, a comparison section follows."""
    other = summary.get("compare")
    body = _plan_sections(summary)
    if other:
        body += _comparison(summary, other)
    title = f"Plan simulation 方案模拟 — {summary['plan']}"
    meta = (f"{summary['promoters']} synthetic promoters over {summary['months']} months, seed {summary['seed']}; "
            f"{summary['refunded_orders']} of {summary['orders']} orders refunded. Amounts in {summary['currency']}; "
            f"payout ratio = paid out / commission base B. Compliance profile {summary['profile']}.")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{escape(title)}</h1><p class=\"meta\">{escape(meta)}</p>{body}</main></body></html>\n"
    )
