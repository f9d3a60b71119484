"""Lesson 2's figures and tables: the scalar chain, the backward pass drawn as it flows, gradient checks, timing."""

from __future__ import annotations

import time

import matplotlib.pyplot as plt
import numpy as np

from ..activations import get_activation
from ..losses import half_squared_error
from .threads import one_at_a_time
from .common import (DPI, WIDTH, HALF_WIDTH, col, error_text)

def _num(v) -> str:
    """A number as few digits as it needs, never '-0': 3.5, -5.25, 0."""
    return f"{float(v) + 0.0:.4g}"


def _factor(v) -> str:
    """A number as a factor of a product, a negative one in brackets: '(-1.5)'."""
    text = _num(v)
    return f"({text})" if text.startswith("-") else text


def _product(u, v) -> str:
    """'u × v = uv', e.g. '(-1.5) × 3.5 = -5.25'."""
    return f"{_factor(u)} \u00d7 {_factor(v)} = {_num(u * v)}"


def _sum(terms, sep: str = " ") -> str:
    """'-1.5' for one term, '-1.5 + 0.5 = -1' for more: the messages that arrive at a neuron, added."""
    total = _num(sum(terms))
    if len(terms) == 1:
        return total
    return " + ".join(_factor(t) if i else _num(t) for i, t in enumerate(terms)) + f"{sep}= {total}"


def _sub(p: int, q: int) -> str:
    """The subscript pq of W_pq in Unicode subscript digits: (2, 1) -> '₂₁'."""
    return f"{p}{q}".translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def backward_messages(W, dZ) -> np.ndarray:
    """What travels back along each edge of layer l, for one example: M_pq = W[l]_pq dJ/dz[l]_p.

    The edge from neuron q of layer l-1 to neuron p of layer l carries this
    message backwards.  Boxed equation 4 is their sum over the paths out of q:
    dJ/da[l-1]_q = sum_p M_pq, so M.sum(axis=0) is (W[l].T @ dJ/dz[l]).T.
    Shapes: W (n[l], n[l-1]), dZ (n[l], 1) -> (n[l], n[l-1]), the shape of W.
    """
    W, dZ = np.asarray(W, dtype=float), np.asarray(dZ, dtype=float)
    if W.ndim != 2 or dZ.shape != (W.shape[0], 1):
        rows = W.shape[0] if W.ndim == 2 else "n[l]"
        raise ValueError(f"backward_messages(W, dZ): dZ must be one example's dJ/dz[l], a column of shape "
                         f"({rows}, 1) for W of shape {W.shape}; got {dZ.shape}. "
                         "W is (n[l], n[l-1]) and dJ/dz[l] has one entry per row of W.")
    return W * dZ


MESSAGE_INK, WEIGHT_INK = "tab:red", "tab:blue"  # the backward figure's two quantities


def draw_hand_network(ax, params, activations, x, y, caches, back=None, panel: str = "messages") -> None:
    """A small network with its numbers on it: the forward pass, or (with back) one panel of the backward pass.

    Forward (back=None): x on the inputs, W[l]_pq on the edge from neuron q to
    neuron p, z, a and b on each neuron, y and J = 1/2 (a[L] - y)^2 on the right.
    Backward: back[l] = {"dA", "dZ", "dW", "db"} as the boxed equations gave them for layer l.
      panel="messages" (red): what travels right to left.  Each edge of layer
        l >= 2 carries W_pq dJ/dz_p (backward_messages); the messages into a
        neuron add up to its dJ/da (equation 4), which becomes dJ/dz = dJ/da phi'(z)
        (equation 1).  Nothing is sent to the inputs (equation 4 is skipped at layer 1).
      panel="weights" (blue): what each parameter keeps.  dJ/dW_pq = dJ/dz_p a_q on
        each edge (equation 2) and dJ/db = dJ/dz under each neuron (equation 3); plain
        lines, since nothing travels along them.
    One example (x is (n[0], 1)); the numbers are the lesson's, with few digits.
    """
    if back is not None and panel not in ("messages", "weights"):
        raise ValueError(f"draw_hand_network: panel must be 'messages' or 'weights', got {panel!r}")
    L = len(activations)
    sizes = [x.shape[0]] + [params[f"W{l}"].shape[0] for l in range(1, L + 1)]
    a = [x] + [get_activation(activations[l - 1]).phi(caches[l - 1].Z) for l in range(1, L + 1)]
    top = max(sizes)
    step = 2.2 if back is None else 3.4  # distance between layers: the backward labels are longer

    gap = 1.0 if back is None else 1.2  # between the neurons of a layer: room for the backward labels

    def pos(l, i):
        return l * step, gap * ((top - 1) / 2 - (sizes[l] - 1) / 2 + i)

    forward, messages = back is None, back is not None and panel == "messages"
    yL, xJ = gap * (top - 1) / 2, (L + 0.95) * step if forward else L * step + 2.0
    ax.set_xlim(-0.7, xJ + 1.25)  # first: the labels near an edge's end are placed in pixels
    ax.set_ylim(gap * (top - 1) + 0.7, -0.85)
    ink = "black" if forward else MESSAGE_INK if messages else WEIGHT_INK
    fill = "white" if forward else "#fdecea" if messages else "#e8f1fa"
    faint = "0.6"

    def node(xy, text, edge, fill="white", color="black", style="round"):
        return ax.text(*xy, text, ha="center", va="center", fontsize=10, color=color, zorder=3,
                       bbox=dict(boxstyle=f"{style},pad=0.4", fc=fill, ec=edge, lw=1))

    def arrow(source, target, color, head=True, lw=1.3):
        """An arrow (or a plain line) from box to box, clipped to their outlines."""
        source.draw(ax.figure.canvas.get_renderer())  # lays out the boxes, so the arrow can be clipped
        target.draw(ax.figure.canvas.get_renderer())
        ax.annotate("", xy=target.get_position(), xytext=source.get_position(), zorder=1,
                    arrowprops=dict(arrowstyle="-|>" if head else "-", mutation_scale=12, color=color, lw=lw,
                                    shrinkA=1, shrinkB=1,
                                    patchA=source.get_bbox_patch(), patchB=target.get_bbox_patch()))

    def label(xy, text, color):
        ax.text(*xy, text, ha="center", va="center", fontsize=9, color=color, zorder=2,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))

    def end_label(receiver, other, text, color, fontsize=8):
        """text on the line from box `other` to box `receiver`, just outside `receiver` (past an arrowhead).

        Near its own end a label cannot be mistaken for the label of an edge that crosses
        this one in the middle; a slanted edge's label moves out along its line until it
        clears the level of the straight edge into the same box.
        """
        renderer = ax.figure.canvas.get_renderer()
        to_pixels, points = ax.transData, ax.figure.dpi / 72
        (rx, ry), (ox, oy) = to_pixels.transform(receiver.get_position()), to_pixels.transform(other.get_position())
        box = receiver.get_bbox_patch().get_window_extent(renderer)
        dx, dy = ox - rx, oy - ry
        t = min(box.width / 2 / abs(dx) if dx else np.inf, box.height / 2 / abs(dy) if dy else np.inf)
        t += 10 * points / np.hypot(dx, dy)  # clear of the box and of an arrowhead
        if dy:
            t = max(t, 1.6 * fontsize * points / abs(dy))  # a slanted edge's label clears the straight one's
        xy = ax.transData.inverted().transform((rx + t * dx, ry + t * dy))
        ax.text(*xy, text, ha="left" if dx > 0 else "right", va="center", fontsize=fontsize, color=color, zorder=2,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))

    in_ink = faint if messages else "black"
    boxes = {(0, q): node(pos(0, q), f"x{q + 1} = {_num(x[q, 0])}", in_ink, color=in_ink) for q in range(sizes[0])}
    ax.text(0, -0.7, "layer 0: input", ha="center", va="bottom", fontsize=10)
    if messages:
        ax.text(0, pos(0, sizes[0] - 1)[1] + 0.3, "nothing is sent\nback to x", ha="center", va="top",
                fontsize=9, color=faint)
    for l in range(1, L + 1):
        Z, slope, b = caches[l - 1].Z, get_activation(activations[l - 1]).phi_prime(caches[l - 1].Z), params[f"b{l}"]
        arriving = backward_messages(params[f"W{l + 1}"], back[l + 1]["dZ"]) if messages and l < L else None
        for p in range(sizes[l]):
            xp, yp = pos(l, p)
            if forward:
                text, under = f"z = {_num(Z[p, 0])}\na = {_num(a[l][p, 0])}", f"b = {_num(b[p, 0])}"
            elif messages:
                dA = _num(back[l]["dA"][p, 0]) if arriving is None else _sum(arriving[:, p], sep="\n")
                text, under = f"dJ/da = {dA}\n\u03c6'(z) = {_num(slope[p, 0])}\ndJ/dz = {_num(back[l]['dZ'][p, 0])}", ""
            else:
                text, under = (f"a = {_num(a[l][p, 0])}\ndJ/dz = {_num(back[l]['dZ'][p, 0])}"
                               f"\ndJ/db = {_num(back[l]['db'][p, 0])}"), ""
            boxes[l, p] = node((xp, yp), text, ink, fill=fill)
            if under:
                ax.text(xp, yp + 0.34, under, ha="center", va="top", fontsize=9, color=ink)
        ax.text(pos(l, 0)[0], -0.7, f"layer {l}: {activations[l - 1]}", ha="center", va="bottom", fontsize=10)

    for l in range(1, L + 1):
        sent = backward_messages(params[f"W{l}"], back[l]["dZ"]) if messages and l > 1 else None
        for p in range(sizes[l]):
            for q in range(sizes[l - 1]):
                (x0, y0), (x1, y1) = pos(l - 1, q), pos(l, p)
                # forward: edges that cross get their short labels nearer the input end, the others in the middle
                t = 0.3 if y0 != y1 and min(sizes[l], sizes[l - 1]) > 1 else 0.5
                mid = (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                if forward:
                    arrow(boxes[l - 1, q], boxes[l, p], "0.3")
                    label(mid, f"W = {_num(params[f'W{l}'][p, q])}", "black")
                elif not messages:  # dJ/dW_pq belongs to neuron p's row of W: labelled at p's end
                    arrow(boxes[l - 1, q], boxes[l, p], ink, head=False, lw=1.0)
                    end_label(boxes[l, p], boxes[l - 1, q],
                              f"dJ/dW{_sub(p + 1, q + 1)} = {_product(back[l]['dZ'][p, 0], a[l - 1][q, 0])}", ink)
                elif sent is None:  # layer 1: the connection is there, but no message is sent
                    arrow(boxes[l, p], boxes[l - 1, q], faint, head=False, lw=0.6)
                else:  # the message is labelled where it arrives, at q
                    arrow(boxes[l, p], boxes[l - 1, q], ink)
                    end_label(boxes[l - 1, q], boxes[l, p], _product(params[f"W{l}"][p, q], back[l]["dZ"][p, 0]), ink)

    J = half_squared_error(a[L], y)[0]
    one = sizes[L] == 1
    vec = (lambda v: _num(v[0, 0])) if one else col
    squares = "(a - y)\u00b2 / 2" if one else "\u03a3 (a - y)\u00b2 / 2"
    if forward:
        loss = node((xJ, yL), f"y = {vec(y)}\nJ = {squares} = {_num(J)}", ink, "#f3f3f3", style="square")
        for p in range(sizes[L]):
            arrow(boxes[L, p], loss, "0.3")
    elif messages:
        loss = node((xJ, yL), f"J = {_num(J)}\ndJ/da[{L}] = a - y = {vec(back[L]['dA'])}", ink, "#f3f3f3",
                    style="square")
        for p in range(sizes[L]):
            arrow(loss, boxes[L, p], ink)
    ax.axis("off")


BACKWARD_PANEL_TITLES = {
    "messages": "red, sent back: each arrow carries W_pq \u00d7 dJ/dz_p (equation 4); "
                "the arrows into a neuron add up to its dJ/da",
    "weights": "blue, kept by each parameter: dJ/dW_pq = dJ/dz_p \u00d7 a_q on each line (equation 2), "
               "dJ/db = dJ/dz (equation 3)",
}


@one_at_a_time
def plot_hand_network(params, activations, x, y, caches, back=None) -> None:
    """draw_hand_network in a figure of its own: the forward pass, or the backward pass in two panels.

    The backward panels: what travels back (red, the messages of equation 4) above
    what each weight and bias keeps (blue, equations 2 and 3).
    """
    if back is None:
        fig, ax = plt.subplots(figsize=(WIDTH, 3.1))
        draw_hand_network(ax, params, activations, x, y, caches)
        ax.set_title("forward pass: left to right", loc="left")
    else:
        fig, axes = plt.subplots(2, 1, figsize=(WIDTH, 6.8))
        for ax, panel in zip(axes, ("messages", "weights")):
            draw_hand_network(ax, params, activations, x, y, caches, back, panel)
            ax.set_title(BACKWARD_PANEL_TITLES[panel], loc="left",
                         color=MESSAGE_INK if panel == "messages" else WEIGHT_INK)
    fig.tight_layout()
    plt.show()


def print_hand_backward(params, back) -> None:
    """The backward figure's numbers as text: each message sent back and their sum, then each dJ/dW and dJ/db."""
    L = len(back)
    print("red, sent back: W_pq \u00d7 dJ/dz_p along the edge from neuron p of layer l to neuron q of layer l-1")
    for l in range(L, 1, -1):
        sent = backward_messages(params[f"W{l}"], back[l]["dZ"])
        for q in range(sent.shape[1]):
            edges = ", ".join(f"{_product(params[f'W{l}'][p, q], back[l]['dZ'][p, 0])} from layer {l}'s neuron {p + 1}"
                              for p in range(sent.shape[0]))
            print(f"  layer {l - 1}, neuron {q + 1} receives {edges}; dJ/da = {_sum(sent[:, q])}")
    print("  layer 0 (the inputs x) receives nothing")
    print("blue, kept: dJ/dW_pq = dJ/dz_p \u00d7 a_q on each edge, dJ/db_p = dJ/dz_p")
    for l in range(L, 0, -1):
        dW = back[l]["dW"]
        for p in range(dW.shape[0]):
            print(f"  layer {l}, neuron {p + 1}: dJ/dW = {col(dW[p])}, dJ/db = {_num(back[l]['db'][p, 0])}")


def scalar_chain(w: float, x: float, b: float, y: float, activation: str = "sigmoid") -> dict:
    """One neuron, one input, one example, every number a float: the chain rule before the vectors.

    Forward: z = w x + b, a = phi(z), J = 1/2 (a - y)^2.
    Local derivatives, one per edge: dz/dw = x, dz/dx = w, dz/db = 1, da/dz = phi'(z), dJ/da = a - y.
    Chain rule, their products: dJ/dz = dJ/da da/dz (boxed equation 1 with n = 1),
    dJ/dw = dJ/dz x (equation 2), dJ/db = dJ/dz (equation 3), dJ/dx = dJ/dz w (equation 4).
    """
    act = get_activation(activation)
    z = w * x + b
    a = float(act.phi(np.array([[z]]))[0, 0])
    local = {"dz/dw": x, "dz/dx": w, "dz/db": 1.0, "da/dz": float(act.phi_prime(np.array([[z]]))[0, 0]),
             "dJ/da": a - y}
    dJ_dz = local["dJ/da"] * local["da/dz"]
    return {"w": w, "x": x, "b": b, "y": y, "activation": activation, "z": z, "a": a, "J": 0.5 * (a - y) ** 2,
            **local, "dJ/dz": dJ_dz, "dJ/dw": dJ_dz * x, "dJ/db": dJ_dz, "dJ/dx": dJ_dz * w}


def scalar_chain_lines(chain: dict) -> list[str]:
    """The chain rule of scalar_chain, one product of local derivatives per line (3 significant digits)."""
    def g(v):
        return f"{v + 0.0:.3g}"

    up = f"{g(chain['dJ/da'])} \u00d7 {g(chain['da/dz'])}"
    lines = [f"dJ/dz = dJ/da \u00d7 da/dz         = {up} = {g(chain['dJ/dz'])}"]
    for name, value in (("w", chain["x"]), ("b", 1.0), ("x", chain["w"])):
        lines.append(f"dJ/d{name} = dJ/da \u00d7 da/dz \u00d7 dz/d{name} = {up} \u00d7 {g(value)} = {g(chain['dJ/d' + name])}")
    return lines


LOCAL_INK = "tab:purple"  # the scalar chain's local derivatives, beside MESSAGE_INK for the gradients of J


def draw_scalar_chain(ax, chain: dict) -> None:
    """scalar_chain as a chain of boxes: values in the boxes, local derivatives on the edges, dJ/d(box) under each."""
    def g(v):
        return f"{v + 0.0:.3g}"

    def node(xy, text, grad, fill="white", pad=0.4):
        ax.text(xy[0], xy[1] + 0.32 + 0.4 * (pad - 0.4), grad, ha="center", va="top", fontsize=9, color=MESSAGE_INK)
        return ax.text(*xy, text, ha="center", va="center", fontsize=10, zorder=3,
                       bbox=dict(boxstyle=f"round,pad={pad}", fc=fill, ec="black", lw=1))

    def edge(source, target, text, t=0.5, dy=-0.22):
        source.draw(ax.figure.canvas.get_renderer())  # lays out the boxes, so the arrow can be clipped
        target.draw(ax.figure.canvas.get_renderer())
        ax.annotate("", xy=target.get_position(), xytext=source.get_position(), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", mutation_scale=12, color="0.3", lw=1.2, shrinkA=1, shrinkB=1,
                                    patchA=source.get_bbox_patch(), patchB=target.get_bbox_patch()))
        (x0, y0), (x1, y1) = source.get_position(), target.get_position()
        ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0) + dy, text, ha="center", va="center", fontsize=9,
                color=LOCAL_INK, zorder=2, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))

    w = node((0, 0), f"w = {g(chain['w'])}", f"dJ/dw = {g(chain['dJ/dw'])}")
    x = node((0, 1.2), f"x = {g(chain['x'])}", f"dJ/dx = {g(chain['dJ/dx'])}")
    b = node((0, 2.4), f"b = {g(chain['b'])}", f"dJ/db = {g(chain['dJ/db'])}")
    z = node((2.8, 1.2), f"z = wx + b\n= {g(chain['z'])}", f"dJ/dz = {g(chain['dJ/dz'])}")
    a = node((5.2, 1.2), f"a = {chain['activation']}(z)\n= {g(chain['a'])}", f"dJ/da = {g(chain['dJ/da'])}")
    J = node((7.7, 1.2), f"J = (a - y)\u00b2 / 2\ny = {g(chain['y'])}, J = {g(chain['J'])}", "dJ/dJ = 1", fill="#f3f3f3",
             pad=0.6)  # more room: in the relu chain its widest line is (a - y)², which touched the frame
    edge(w, z, f"dz/dw = x = {g(chain['dz/dw'])}", dy=-0.2)
    edge(x, z, f"dz/dx = w = {g(chain['dz/dx'])}")
    edge(b, z, "dz/db = 1", dy=0.2)
    edge(z, a, f"da/dz = {chain['activation']}'(z)\n= {g(chain['da/dz'])}", dy=-0.35)
    edge(a, J, f"dJ/da = a - y\n= {g(chain['dJ/da'])}", dy=-0.35)
    ax.text(1.9, 2.25, "the chain rule multiplies the local derivatives from J back to each box:\n"
            + "\n".join(scalar_chain_lines(chain)), ha="left", va="top", fontsize=9, color=MESSAGE_INK,
            family="monospace")
    ax.set_xlim(-0.7, 8.9)
    ax.set_ylim(3.5, -0.5)
    ax.axis("off")


@one_at_a_time
def plot_scalar_chain(chain: dict) -> None:
    """draw_scalar_chain in a figure of its own."""
    fig, ax = plt.subplots(figsize=(WIDTH, 3.8))
    draw_scalar_chain(ax, chain)
    ax.set_title("one neuron: values in the boxes (black), local derivatives on the edges (purple), "
                 "dJ/d(box) under each box (red)", loc="left")
    fig.tight_layout()
    plt.show()


def best_time(f, repeats: int = 3, number: int = 1) -> float:
    """Seconds per call of f(): the fastest of `repeats` runs of `number` calls each (the least disturbed by other work).

    A fast f is timed over many calls (number), so that it is averaged over a loop as
    long as a slow one's, the same way.
    """
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            f()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def print_grad_check_table(errors: dict, params: dict, bound: float = 1e-9) -> None:
    """One line per parameter: its shape and the relative error of backprop against finite differences."""
    print(f"{'parameter':>9}  {'shape':>8}  relative error")
    for name, err in errors.items():
        shape = "(" + ", ".join(str(s) for s in params[name].shape) + ")"
        print(f"{name:>9}  {shape:>8}  {error_text(err, bound)}")


@one_at_a_time
def plot_losses(losses, title="J after each update", xlabel="update") -> None:
    """The loss after each step of gradient descent."""
    fig, ax = plt.subplots(figsize=(HALF_WIDTH, 3.0), dpi=DPI)
    ax.plot(range(len(losses)), losses, "o-", ms=4)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("J")
    ax.set_title(title)
    fig.tight_layout()
    plt.show()


