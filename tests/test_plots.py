"""Plots draw what the numbers say: counted artists and checked arrays, no image comparison."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import mlp_lessons as ml
from mlp_lessons import figures as fg
from mlp_lessons.figures.plots import (
    BLUE,
    ORANGE,
    boundary_grid,
    draw_network,
    plot_confusion,
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
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
    fig.canvas.draw()


def test_decision_boundary_of_one_input_labels_x1_and_y():
    X, Y = ml.sine(m=20, seed=0)
    fig, ax = new_ax()
    plot_decision_boundary(ax, ml.init_params([1, 3, 1], seed=0), ["tanh", "identity"], X, Y, regression=True)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "y")


def test_loss_curves_plot_one_point_per_epoch():
    fig, ax = new_ax()
    plot_loss_curves(ax, [1.0, 0.5, 0.25], [1.1, 0.6, 0.3])
    train, test = ax.lines
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(test.get_ydata(), [1.1, 0.6, 0.3])
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "test"]
    fig, ax = new_ax()
    plot_loss_curves(ax, [])  # nothing trained yet: an empty curve on labelled axes, no error
    (empty,) = ax.lines
    assert len(empty.get_xdata()) == len(empty.get_ydata()) == 0
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "J on the training set")
    fig.canvas.draw()


def test_a_lone_training_curve_gets_an_axis_label_not_a_legend():
    fig, ax = new_ax()
    plot_loss_curves(ax, [1.0, 0.5, 0.25])
    assert ax.get_legend() is None and ax.get_ylabel() == "J on the training set"
    plot_loss_curves(ax, [1.0, 0.5, 0.25, 0.2])  # redrawn in place: still one curve, no legend
    assert len(ax.lines) == 1 and ax.get_legend() is None


def test_same_loss_scale_gives_loss_panels_one_y_scale_covering_every_curve():
    fig = Figure(figsize=(6, 2), dpi=50)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 3)
    plot_loss_curves(axes[0], [0.8, 0.1, 0.002])
    plot_loss_curves(axes[1], [0.7, 0.3, 0.06], [0.8, 0.4, 0.1])
    plot_loss_curves(axes[2], list(np.linspace(0.7, 0.05, 250)))
    assert axes[2].get_ylim() != axes[0].get_ylim()  # each on its own scale at first
    fg.plots.same_loss_scale(axes)
    for ax in axes:
        assert ax.get_ylim() == (1e-3, 1.0) and ax.get_yscale() == "log"
    assert axes[0].get_xlim() == axes[1].get_xlim() != axes[2].get_xlim()  # each keeps its epochs
    fig.canvas.draw()


def test_confusion_colours_the_mistakes_on_a_scale_of_their_own():
    import matplotlib.pyplot as plt

    C = np.array([[40, 3, 0], [1, 35, 0], [0, 2, 30]])
    fig = plot_confusion(C)
    ax = fig.axes[0]
    image = ax.images[0]
    # one band of colour per whole count, up to the largest off-diagonal count (3, not 40)
    np.testing.assert_array_equal(image.norm.boundaries, [-0.5, 0.5, 1.5, 2.5, 3.5])
    assert image.cmap.N == 4 and to_hex(image.cmap(0)) == "#ffffff"
    assert fig.axes[1].get_yticks().tolist() == [0, 1, 2, 3]  # the colour bar's ticks: whole counts
    shown = image.get_array()
    assert shown.mask.tolist() == np.eye(3, dtype=bool).tolist()  # the diagonal is not coloured
    np.testing.assert_array_equal(shown.data[~np.eye(3, dtype=bool)], [3, 0, 1, 0, 0, 2])
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in ax.texts}
    assert texts[(0, 0)].get_text() == "40" and texts[(0, 1)].get_text() == "3"
    assert (0, 2) not in texts  # zeros are left blank
    assert texts[(0, 1)].get_color() == "white" and texts[(1, 0)].get_color() == "black"
    assert texts[(0, 0)].get_color() == "0.3"  # the right answers in grey
    assert fig.axes[1].get_ylabel() == "mistakes in the cell"
    plt.close(fig)
    perfect = plot_confusion(np.diag([5, 6]))  # no mistakes: a scale from 0 to 1, no error
    np.testing.assert_array_equal(perfect.axes[0].images[0].norm.boundaries, [-0.5, 0.5, 1.5])
    assert perfect.axes[1].get_yticks().tolist() == [0, 1]
    plt.close(perfect)
    single = plot_confusion(np.array([[27, 1], [1, 36]]))  # every mistake a single one: ticks 0 and 1 only
    assert single.axes[1].get_yticks().tolist() == [0, 1]
    plt.close(single)
    many = plot_confusion(np.array([[0, 30], [1, 0]]))  # a long scale: at most about 8 whole-number ticks
    ticks = many.axes[1].get_yticks()
    assert ticks[0] == 0 and len(ticks) <= 9 and np.all(ticks == np.round(ticks))
    plt.close(many)


def test_gradient_alignment_measures_the_sum_against_aligned_and_random():
    aligned = fg.gradient_alignment(np.array([[3.0, 4.0], [6.0, 8.0]]))  # same direction: lengths add
    assert aligned == {"length_of_sum": 15.0, "aligned": 15.0, "random": np.sqrt(125.0)}
    square = fg.gradient_alignment(np.array([[2.0, 0.0], [0.0, 2.0]]))  # orthogonal: as random ones on average
    assert square["length_of_sum"] == square["random"] == np.sqrt(8.0) and square["aligned"] == 4.0
    opposite = fg.gradient_alignment(np.array([[1.0, 2.0], [-1.0, -2.0]]))
    assert opposite["length_of_sum"] == 0.0
    G = np.random.default_rng(0).standard_normal((400, 50))  # random directions: the sum is about sqrt(sum of squares)
    r = fg.gradient_alignment(G)
    assert 0.8 < r["length_of_sum"] / r["random"] < 1.2 and r["length_of_sum"] < 0.1 * r["aligned"]


def test_example_gradients_are_the_rows_whose_sum_is_the_summed_loss_gradient():
    X, Y = ml.sine(m=7, seed=0)
    acts = ["tanh", "identity"]
    params = ml.init_params([1, 4, 1], seed=0)
    G = fg.example_gradients(params, X, Y, acts)
    assert G.shape == (7, 4 + 4 + 4 + 1)
    AL, caches = ml.forward(params, X, acts)
    _, grads = ml.loss_and_grads(params, caches, Y, acts, ml.half_squared_error)  # the mean loss
    mean = np.concatenate([g.ravel() for g in grads.values()])
    np.testing.assert_allclose(G.mean(axis=0), mean, rtol=1e-12, atol=1e-15)
    assert np.isclose(fg.gradient_alignment(G)["length_of_sum"], 7 * fg.gradient_norm(grads), rtol=1e-12)


def test_the_batch_size_figure_draws_the_two_references_and_its_legend_names_them():
    rows = [{"m": 1, "mean": 3.0, "sum": 3.0, "aligned": 3.0, "random": 3.0},
            {"m": 100, "mean": 2.75, "sum": 275.0, "aligned": 312.5, "random": 31.0}]
    fig, ax = new_ax()
    text = fg.draw_gradient_norms(ax, rows, m_marked=100)
    by_label = {line.get_label(): line for line in ax.lines}
    np.testing.assert_array_equal(by_label["sum if all aligned (like m)"].get_ydata(), [3.0, 312.5])
    np.testing.assert_array_equal(by_label["sum if random (like sqrt(m))"].get_ydata(), [3.0, 31.0])
    assert len(ax.get_legend().get_texts()) == 4
    assert text == ("m = 100: ||grad|| of the mean loss = 2.7500, of the summed loss = 275.00 "
                    "(all aligned 312.50, random 31.00)")


def test_show_digits_draws_a_grid():
    import matplotlib

    matplotlib.use("Agg")
    from mlp_lessons.figures.plots import plot_confusion, show_digits

    d = ml.load_digits()
    fig = show_digits(d.X_test[:, :7], titles=[str(i) for i in range(7)], ncols=4)
    assert len(fig.axes) == 8 and fig.axes[0].get_title() == "0"
    C = ml.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], n_classes=3)
    fig2 = plot_confusion(C)
    assert sorted(t.get_text() for t in fig2.axes[0].texts) == ["1", "1", "1", "1"]
    import matplotlib.pyplot as plt

    plt.close(fig)
    plt.close(fig2)
