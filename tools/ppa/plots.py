# SPDX-License-Identifier: Apache-2.0
"""plots.py - the PPA report's two charts as plain SVG (no plotting library):
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
