/// The report's only stylesheet, inlined in its `<head>` so the page needs no
/// other file. It holds no `<`, `>` or `&` (it is written as trusted text).
enum ReportStylesheet {
    static let css: StaticString = """

    body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1d1d1d; background: #ffffff;
           margin: 0 auto; padding: 24px 32px; max-width: 1400px; line-height: 1.4; }
    h1 { font-size: 24px; margin: 0 0 4px 0; }
    h2 { font-size: 19px; margin: 32px 0 8px 0; padding-bottom: 4px; border-bottom: 2px solid #d9d9d9; }
    h3 { font-size: 16px; margin: 0 0 8px 0; font-family: ui-monospace, Menlo, Consolas, monospace; }
    p.note { color: #555555; font-size: 13px; max-width: 900px; }
    table { border-collapse: collapse; margin: 8px 0 16px 0; font-size: 13px; }
    caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
    th, td { border: 1px solid #d0d0d0; padding: 4px 8px; }
    th { background: #f3f3f3; text-align: left; }
    td.number { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, Menlo, Consolas, monospace; }
    td.name { font-family: ui-monospace, Menlo, Consolas, monospace; }
    tr.overall td { font-weight: 600; background: #f7fbff; }
    table.confusion td { width: 80px; text-align: center; font-variant-numeric: tabular-nums; }
    table.confusion td.correct { background: #e8f4ec; }
    table.confusion td.wrong { background: #fbeaea; }
    table.confusion td span.cell-kind { display: block; font-size: 11px; color: #555555; }
    dl.summary { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; font-size: 14px; }
    dl.summary dt { font-weight: 600; }
    dl.summary dd { margin: 0; }
    .charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
    figure { margin: 0; }
    figcaption { font-size: 13px; color: #333333; max-width: 340px; }
    section.detector { border: 1px solid #dddddd; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
    svg.chart { background: #ffffff; border: 1px solid #eeeeee; }
    code { font-family: ui-monospace, Menlo, Consolas, monospace; }

    """
}
