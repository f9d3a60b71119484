"""Plots draw what the numbers say: counted artists and checked arrays, no image comparison."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import mlp_lessons as ml
from mlp_lessons.plots import (
    BLUE,
    ORANGE,
    boundary_grid,
    draw_network,
    plot_decision_boundary,
    plot_loss_curves,
    weight_styles,
)


def new_ax():
    fig = Figure(figsize=(4, 3), dpi=50)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def test_draw_network_one_line_per_weight_and_circles_per_neuron():
    fig, ax = new_ax()
    draw_network(ax, [2, 3, 1])
    lines = ax.collections[0]
    assert len(lines.get_segments()) == 2 * 3 + 3 * 1
    assert len(ax.collections[1].get_offsets()) == 2 + 3 + 1
    fig.canvas.draw()


def test_draw_network_caps_wide_layers_and_says_how_many_are_hidden():
    fig, ax = new_ax()
    draw_network(ax, [64, 20, 10], max_neurons=12)
    assert len(ax.collections[0].get_segments()) == 12 * 12 + 10 * 12
    texts = [t.get_text() for t in ax.texts]
    assert "+52" in texts and "+8" in texts


def test_weight_styles_show_sign_by_colour_and_size_by_width():
    params = {"W1": np.array([[2.0, -1.0]]), "b1": np.zeros((1, 1))}
    colors, widths = weight_styles([2, 1], params)
    assert [to_hex(c) for c in colors] == [ORANGE, BLUE]
    assert widths[0] > widths[1] and np.isclose(widths[0], 3.3)
    colors, widths = weight_styles([2, 1], {"W1": np.array([[np.nan, np.inf]]), "b1": np.zeros((1, 1))})
    assert len(colors) == 2 and all(np.isfinite(widths))


def test_boundary_grid_covers_the_points():
    X = np.array([[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0]])
    G, extent = boundary_grid(X, resolution=5, pad=0.5)
    assert G.shape == (2, 25)
    assert extent == (-0.5, 2.5, -1.5, 1.5)


def test_decision_boundary_shades_the_network_output():
    X, Y = ml.moons(m=40, noise=0.1, seed=0)
    params = ml.init_params([2, 4, 1], seed=0)
    acts = ["tanh", "sigmoid"]
    fig, ax = new_ax()
    P = plot_decision_boundary(ax, params, acts, X, Y, X, Y, title="moons", resolution=20)
    assert P.shape == (20, 20) and 0 <= P.min() <= P.max() <= 1
    G, _ = boundary_grid(np.hstack([X, X]), 20)
    np.testing.assert_allclose(P.ravel(), ml.predict(params, G, acts)[0])
    assert len(ax.collections) >= 2  # train and test points (and the a = 0.5 contour)
    fig.canvas.draw()


def test_loss_curves_plot_one_point_per_epoch():
    fig, ax = new_ax()
    plot_loss_curves(ax, [1.0, 0.5, 0.25], [1.1, 0.6, 0.3])
    train, test = ax.lines
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(test.get_ydata(), [1.1, 0.6, 0.3])
    assert ax.get_yscale() == "log"
    fig, ax = new_ax()
    plot_loss_curves(ax, [])  # nothing trained yet: an empty plot, no error
    fig.canvas.draw()
