# SPDX-License-Identifier: Apache-2.0
"""plots.py - the PPA report's charts as plain SVG (no plotting library):
stacked horizontal bars, one per row, with a legend and a value at the end.

bars_svg(path, title, unit, rows, parts, colors): rows = [(label, {part:
value})], parts = the stacking order.
"""

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def bars_svg(path, title, unit, rows, parts, colors, fmt="%.0f"):
    label_w, bar_w, row_h, top = 230, 460, 22, 56
    width = label_w + bar_w + 110
    height = top + row_h * len(rows) + 40
    vmax = max(sum(v.values()) for _, v in rows) or 1.0
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d">' % (width, height, width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="22" font-size="15" font-weight="bold" %s>%s</text>' % (FONT, _esc(title))]
    x = label_w
    for p in parts:  # legend
        out.append('<rect x="%d" y="32" width="12" height="12" fill="%s"/>' % (x, colors[p]))
        out.append('<text x="%d" y="43" font-size="12" %s>%s</text>' % (x + 16, FONT, _esc(p)))
        x += 24 + 8 * len(p)
    for i, (label, vals) in enumerate(rows):
        y = top + i * row_h
        out.append('<text x="%d" y="%d" font-size="12" text-anchor="end" %s>%s</text>'
                   % (label_w - 8, y + 15, FONT, _esc(label)))
        x = float(label_w)
        for p in parts:
            w = bar_w * vals.get(p, 0.0) / vmax
            if w > 0:
                out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>'
                           % (x, y + 3, w, row_h - 6, colors[p]))
            x += w
        out.append('<text x="%.1f" y="%d" font-size="12" %s>%s %s</text>'
                   % (x + 6, y + 15, FONT, fmt % sum(vals.values()), _esc(unit)))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
               % (label_w, top, label_w, top + row_h * len(rows)))
    out.append("</svg>\n")
    with open(path, "w") as f:
        f.write("\n".join(out))


def grouped_log_svg(path, title, unit, groups, colors):
    """Grouped horizontal bars on a log10 axis: groups = [(label, [(series,
    value)])]; each bar is labelled with its value."""
    import math
    label_w, bar_w, bar_h, top = 110, 520, 14, 70
    series = [n for n, _ in groups[0][1]]
    gap = 10
    group_h = bar_h * len(series) + gap
    vals = [v for _, lst in groups for _, v in lst if v > 0]
    lo = 10 ** math.floor(math.log10(min(vals)))
    hi = 10 ** math.ceil(math.log10(max(vals)))
    span = math.log10(hi / lo)
    width = label_w + bar_w + 90
    height = top + group_h * len(groups) + 40
    xs = lambda v: label_w + bar_w * math.log10(max(v, lo) / lo) / span  # noqa: E731
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
           % (width, height, width, height), '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="22" font-size="15" font-weight="bold" %s>%s</text>' % (FONT, _esc(title))]
    x = label_w
    for n in series:
        out.append('<rect x="%d" y="32" width="12" height="12" fill="%s"/>' % (x, colors[n]))
        out.append('<text x="%d" y="43" font-size="12" %s>%s</text>' % (x + 16, FONT, _esc(n)))
        x += 30 + 8 * len(n)
    d = lo
    while d <= hi * 1.0001:  # decade grid
        gx = xs(d)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#cccccc"/>'
                   % (gx, top - 6, gx, top + group_h * len(groups)))
        out.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle" %s>%g</text>'
                   % (gx, top + group_h * len(groups) + 14, FONT, d))
        d *= 10
    out.append('<text x="%d" y="%d" font-size="11" text-anchor="middle" %s>%s (log scale)</text>'
               % (label_w + bar_w // 2, height - 8, FONT, _esc(unit)))
    for i, (label, lst) in enumerate(groups):
        y0 = top + i * group_h
        out.append('<text x="%d" y="%d" font-size="12" text-anchor="end" %s>%s</text>'
                   % (label_w - 8, y0 + group_h // 2 + 2, FONT, _esc(label)))
        for j, (n, v) in enumerate(lst):
            y = y0 + j * bar_h
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (label_w, y, xs(v) - label_w, bar_h - 2, colors[n]))
            out.append('<text x="%.1f" y="%d" font-size="10" %s>%.3g</text>'
                       % (xs(v) + 4, y + bar_h - 4, FONT, v))
    out.append("</svg>\n")
    with open(path, "w") as f:
        f.write("\n".join(out))


def scatter_svg(path, title, xlabel, ylabel, points):
    """Labelled points (label, x, y) on linear axes starting at 0 (x) and the
    data's minimum (y)."""
    left, right, top, bottom, w, h = 70, 30, 50, 50, 560, 320
    xs_ = [p[1] for p in points]
    ys_ = [p[2] for p in points]
    xmax = max(xs_) * 1.15 or 1.0
    ylo, yhi = min(ys_), max(ys_)
    pad = (yhi - ylo) * 0.1 or 0.1
    ylo, yhi = ylo - pad, yhi + pad
    X = lambda v: left + w * v / xmax  # noqa: E731
    Y = lambda v: top + h * (yhi - v) / (yhi - ylo)  # noqa: E731
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
           % (left + w + right, top + h + bottom, left + w + right, top + h + bottom),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="22" font-size="15" font-weight="bold" %s>%s</text>' % (FONT, _esc(title)),
           '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, top + h, left + w, top + h),
           '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, top, left, top + h)]
    for i in range(6):  # ticks
        xv = xmax * i / 5
        yv = ylo + (yhi - ylo) * i / 5
        out.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle" %s>%.3g</text>'
                   % (X(xv), top + h + 14, FONT, xv))
        out.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end" %s>%.3g</text>'
                   % (left - 4, Y(yv) + 3, FONT, yv))
    out.append('<text x="%d" y="%d" font-size="12" text-anchor="middle" %s>%s</text>'
               % (left + w // 2, top + h + 36, FONT, _esc(xlabel)))
    out.append('<text x="16" y="%d" font-size="12" text-anchor="middle" transform="rotate(-90 16 %d)" %s>%s</text>'
               % (top + h // 2, top + h // 2, FONT, _esc(ylabel)))
    placed = []  # label boxes so far: a label that would overlap one goes below its point
    for label, xv, yv in points:
        px, py = X(xv) + 7, Y(yv) - 5
        if any(abs(px - qx) < 7 * max(len(label), n) and abs(py - qy) < 13 for qx, qy, n in placed):
            py = Y(yv) + 17
        placed.append((px, py, len(label)))
        out.append('<circle cx="%.1f" cy="%.1f" r="5" fill="#4477aa"/>' % (X(xv), Y(yv)))
        out.append('<text x="%.1f" y="%.1f" font-size="11" %s>%s</text>' % (px, py, FONT, _esc(label)))
    out.append("</svg>\n")
    with open(path, "w") as f:
        f.write("\n".join(out))
