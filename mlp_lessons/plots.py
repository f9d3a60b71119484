"""Plots shared by the lessons and the playground (top layer: matplotlib only here)."""

from __future__ import annotations

import numpy as np


def draw_network(ax, layer_sizes, params: dict | None = None, max_neurons: int = 12, title: str | None = None):
    """Draw a fully connected network: one column of circles per layer l = 0..L.

    Without params every connection is a thin grey line.  With params, the line
    from neuron q of layer l-1 to neuron p of layer l shows W[l]_pq: its width
    grows with |W_pq| (relative to the largest weight) and its colour gives the
    sign (orange positive, blue negative).  Layers wider than max_neurons are
    drawn with their first max_neurons neurons and a "+k" label.
    """
    sizes = list(layer_sizes)
    L = len(sizes) - 1
    shown = [min(n, max_neurons) for n in sizes]
    top = max(shown)

    def y_of(l, i):
        return (top - 1) / 2 - (shown[l] - 1) / 2 + i

    w_max = 1.0
    if params is not None:
        w_max = max(float(np.max(np.abs(params[f"W{l}"]))) for l in range(1, L + 1)) or 1.0
    for l in range(1, L + 1):
        W = params[f"W{l}"] if params is not None else None
        for p in range(shown[l]):
            for q in range(shown[l - 1]):
                if W is None:
                    ax.plot([l - 1, l], [y_of(l - 1, q), y_of(l, p)], color="0.75", lw=0.8, zorder=1)
                else:
                    w = float(W[p, q])
                    ax.plot(
                        [l - 1, l],
                        [y_of(l - 1, q), y_of(l, p)],
                        color="tab:orange" if w > 0 else "tab:blue",
                        lw=0.3 + 3.0 * abs(w) / w_max,
                        alpha=0.85,
                        zorder=1,
                    )
    for l in range(L + 1):
        ys = [y_of(l, i) for i in range(shown[l])]
        ax.scatter([l] * len(ys), ys, s=220, color="white", edgecolors="black", zorder=2)
        label = "input\n" if l == 0 else ("output\n" if l == L else "")
        ax.text(l, -1.1, f"{label}n[{l}]={sizes[l]}", ha="center", va="top", fontsize=9)
        if sizes[l] > shown[l]:
            ax.text(l, y_of(l, shown[l] - 1) + 0.7, f"+{sizes[l] - shown[l]}", ha="center", fontsize=8)
    ax.set_xlim(-0.5, L + 0.5)
    ax.set_ylim(-2.2, top + 0.3)
    ax.invert_yaxis()
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax
