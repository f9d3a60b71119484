"""The lesson figures and widgets of mlp_lessons.figures: they draw, and they redraw."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mlp_lessons as ml  # noqa: E402
from mlp_lessons import figures as fg  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def shown(monkeypatch):
    """The figures the plot_* functions hand to plt.show(), in order."""
    figures = []
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: figures.append(plt.gcf()))
    return figures


def test_relu_unit_is_the_seed_example():
    x1 = np.array([0.0, 0.5, 1.0, 1.5])
    assert np.array_equal(fg.relu_unit(x1, 0.5), [0.0, 0.0, 0.5, 1.0])
    assert np.array_equal(fg.relu_unit_slope(x1, 0.5), [0.0, 0.0, 1.0, 1.0])


def test_relu_widget_redraws_when_x2_moves(capsys):
    w = fg.relu_unit_widget(x2=0.3)
    first_text, first_fig = w.text, w.fig
    assert "x1 < 0.70" in first_text and "changes a by 0.80" in first_text
    w.slider.value = 0.8
    assert w.redraws == 2
    assert w.fig is not first_fig
    assert "x1 < 0.20" in w.text and "changes a by 1.30" in w.text
    bold = w.fig.axes[0].lines[-2]  # the x2 curve, drawn after the faint ones, before the kink line
    x1, a = bold.get_data()
    assert np.allclose(a, np.maximum(x1 + 0.8 - 1, 0))
    assert "changes a by 1.30" in capsys.readouterr().out


def test_slider_figures_stay_out_of_pyplot_and_redraw_one_at_a_time(capsys):
    """JupyterLab 4.4+ with ipykernel 7 runs widget messages on a thread of their own, beside the
    cell being executed (lesson 1 on Python 3.10: a slider redraw drew the pre-rendered frames'
    figure while the cell cleared it).  A slider's figures are not pyplot's, so a plt.show() or
    plt.close("all") in the other thread never touches them, and a redraw waits for any other
    drawing or widget callback that holds ONE_AT_A_TIME."""
    import threading

    from mlp_lessons.figures.threads import ONE_AT_A_TIME

    plt.close("all")
    w = fg.relu_unit_widget(x2=0.3)
    w._repr_mimebundle_()  # the pre-rendered frames, as when the cell's output is shown
    assert plt.get_fignums() == []
    assert w.fig.axes and w.fig.canvas is not None

    with ONE_AT_A_TIME:  # another drawing in progress: the widget thread's redraw waits for it
        mover = threading.Thread(target=lambda: setattr(w.slider, "value", 1.0))
        mover.start()
        mover.join(0.5)
        assert mover.is_alive() and w.redraws == 1
    mover.join(10)
    assert not mover.is_alive() and w.redraws == 2 and "x1 < 0.00" in w.text


def test_relu_table_shows_kink(capsys):
    fg.print_relu_unit_table(x1_values=(0.0, 1.5), x2_values=(0.0,))
    out = capsys.readouterr().out
    assert "0.0 [0]" in out and "0.5 [1]" in out


def test_shape_table_lists_every_layer(capsys):
    fg.print_shape_table([3, 4, 2], m=5)
    out = capsys.readouterr().out
    assert "(4, 3)" in out and "(2, 4)" in out and "(2, 5)" in out and "(3, 5)" in out


def test_activation_table_uses_package_values(capsys):
    fg.print_activation_table(names=("sigmoid",), points=(0.0,))
    out = capsys.readouterr().out
    assert "0.5000" in out and "0.2500" in out


def test_activation_and_network_plots_draw(capsys, shown):
    fg.plot_relu_unit(x2=0.5)
    assert "x1 < 0.50" in capsys.readouterr().out
    x1, a = shown[-1].axes[0].lines[-2].get_data()  # the x2 = 0.5 curve, before the kink line
    np.testing.assert_array_equal(a, np.maximum(x1 + 0.5 - 1, 0))

    fg.plot_activations()
    top, bottom = np.reshape(shown[-1].axes, (2, -1))  # phi(z) on top, phi'(z) below, a column each
    assert [ax.get_title() for ax in top] == list(fg.ELEMENTWISE_ACTIVATIONS)
    for name, ax_phi, ax_prime in zip(fg.ELEMENTWISE_ACTIVATIONS, top, bottom):
        assert len(ax_phi.lines) == len(ax_prime.lines) == 3  # the curve, then the axes z = 0 and y = 0
        phi, phi_prime = ax_phi.lines[0], ax_prime.lines[0]
        z = phi.get_xdata()
        assert z[0] == -3.0 and z[-1] == 3.0
        np.testing.assert_array_equal(phi.get_ydata(), ml.get_activation(name).phi(z))
        np.testing.assert_array_equal(phi_prime.get_ydata(), ml.get_activation(name).phi_prime(z))
    assert (top[0].get_ylabel(), bottom[0].get_ylabel()) == ("phi(z)", "phi'(z)")

    fg.plot_network([2, 3, 1])
    ax = shown[-1].axes[0]
    assert len(ax.collections[0].get_segments()) == 2 * 3 + 3 * 1  # one line per weight
    assert len(ax.collections[1].get_offsets()) == 2 + 3 + 1  # one circle per neuron

    fg.plot_losses([1.0, 0.5, 0.25])
    (ax,) = shown[-1].axes
    (curve,) = ax.lines
    np.testing.assert_array_equal(curve.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(curve.get_ydata(), [1.0, 0.5, 0.25])
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("update", "J", "J after each update")

    params, activations, x, y, caches, _ = hand_network()
    fg.plot_hand_network(params, activations, x, y, caches)  # no back: the forward pass alone
    (ax,) = shown[-1].axes
    assert ax.get_title(loc="left") == "forward pass: left to right"
    assert "z = 3.5\na = 3.5" in figure_texts(ax) and "z = -6.5\na = -6.5" in figure_texts(ax)
    assert len(shown) == 5


def test_gradient_norm_is_the_length_of_all_gradients_together():
    assert fg.gradient_norm({"dW1": np.array([[3.0]]), "db1": np.array([[0.0], [4.0]])}) == 5.0


ROWS = [{"m": 1, "mean": 3.0, "sum": 3.0, "aligned": 3.0, "random": 3.0},
        {"m": 10, "mean": 2.5, "sum": 25.0, "aligned": 30.0, "random": 9.5},
        {"m": 100, "mean": 2.75, "sum": 275.0, "aligned": 312.5, "random": 31.0}]


def test_gradient_norm_table_prints_both_and_the_share_of_aligned(capsys):
    fg.print_gradient_norm_table(ROWS)
    out = capsys.readouterr().out
    assert "275.00" in out and "2.7500" in out and "312.50" in out and "31.00" in out and "88%" in out


def test_batch_size_widget_redraws_numbers(capsys):
    w = fg.batch_size_widget(ROWS, m=10)
    assert w.text.startswith("m = 10:") and "25.00" in w.text
    w.slider.value = 100
    assert w.text.startswith("m = 100:") and "275.00" in w.text and "2.7500" in w.text
    assert "m = 100:" in capsys.readouterr().out


def test_grad_check_table_and_source(capsys):
    params = ml.init_params([2, 3, 1], seed=0)
    fg.print_grad_check_table({"W1": 1e-11, "b1": 0.3}, params)
    fg.show_source(ml.backprop_dW)
    out = capsys.readouterr().out
    assert "(3, 2)" in out and "< 1e-9" in out and "0.30" in out
    assert "def backprop_dW" in out


def test_relative_errors_read_the_same_on_every_blas():
    # below the bound only the bound is printed; a large error is printed as it is
    assert fg.check_line("dW", 3.2e-12) == fg.check_line("dW", 7.9e-10) == "dW: relative error < 1e-9"
    assert fg.check_line("dW", 0.6012) == "dW: relative error 0.60"
    assert fg.check_line("dW", 5.04e-4) == "dW: relative error 5.0e-04"
    assert fg.check_line("dW", 1e-9, bound=1e-7, width=5) == "dW:   relative error < 1e-7"
    assert fg.col(np.array([[-0.0], [3.5]])) == "(0, 3.5)"


def hand_network():
    x = np.array([[1.0], [2.0]])
    params = {"W1": np.array([[1.0, -1.0], [0.5, 2.0]]), "b1": np.array([[0.0], [-1.0]]),
              "W2": np.array([[1.0, -2.0]]), "b2": np.array([[0.5]])}
    activations = ["relu", "identity"]
    y = np.array([[-5.0]])
    AL, caches = ml.forward(params, x, activations)
    dA, back = ml.half_squared_error(AL, y)[1], {}
    for l in (2, 1):
        A_prev, W, Z = caches[l - 1]
        dZ = ml.backprop_dZ(dA, Z, ml.get_activation(activations[l - 1]).phi_prime)
        back[l] = {"dA": dA, "dZ": dZ, "dW": ml.backprop_dW(dZ, A_prev), "db": ml.backprop_db(dZ)}
        dA = ml.backprop_dA_prev(W, dZ)
    return params, activations, x, y, caches, back


def figure_texts(ax):
    return [t.get_text() for t in ax.texts]


def test_hand_network_forward_figure_shows_lesson_1_numbers():
    params, activations, x, y, caches, _ = hand_network()
    fig, ax = plt.subplots()
    fg.draw_hand_network(ax, params, activations, x, y, caches)
    texts = figure_texts(ax)
    for expected in ("x1 = 1", "x2 = 2", "z = -1\na = 0", "z = 3.5\na = 3.5", "z = -6.5\na = -6.5",
                     "W = 0.5", "W = -2", "b = -1", "b = 0.5"):
        assert expected in texts, (expected, texts)
    assert any("J = (a - y)" in t and "1.125" in t for t in texts)


def hand_sweep(params, activations, x, y):
    """The lesson's loop: the four boxed equations at each layer, from the last to the first."""
    AL, caches = ml.forward(params, x, activations)
    dA, back = ml.half_squared_error(AL, y)[1], {}
    for l in range(len(activations), 0, -1):
        A_prev, W, Z = caches[l - 1]
        dZ = ml.backprop_dZ(dA, Z, ml.get_activation(activations[l - 1]).phi_prime)
        back[l] = {"dA": dA, "dZ": dZ, "dW": ml.backprop_dW(dZ, A_prev), "db": ml.backprop_db(dZ)}
        dA = ml.backprop_dA_prev(W, dZ)
    return caches, back


def two_output_hand_network():
    """Lesson 2's Try this: lesson 1's network with a second output, so each hidden neuron gets two messages."""
    params, activations, x, _, _, _ = hand_network()
    params = dict(params, W2=np.array([[1.0, -2.0], [0.5, 1.0]]), b2=np.array([[0.5], [0.0]]))
    y = np.array([[-5.0], [1.0]])
    return (params, activations, x, y, *hand_sweep(params, activations, x, y))


def test_backward_messages_are_the_terms_of_equation_4():
    params, _, _, _, _, back = two_output_hand_network()
    W, dZ = params["W2"], back[2]["dZ"]  # dJ/dz[2] = (-1.5, 2.5)
    M = fg.backward_messages(W, dZ)
    assert np.array_equal(M, [[1.0 * -1.5, -2.0 * -1.5], [0.5 * 2.5, 1.0 * 2.5]])  # M_pq = W_pq dJ/dz_p
    assert np.allclose(M.sum(axis=0), ml.backprop_dA_prev(W, dZ)[:, 0], rtol=0, atol=1e-15)  # they add up to dJ/da
    assert np.array_equal(M.sum(axis=0), back[1]["dA"][:, 0])
    with pytest.raises(ValueError, match=r"column of shape \(2, 1\).*got \(1, 2\)"):
        fg.backward_messages(W, dZ.T)


def test_hand_network_backward_figure_draws_what_travels_and_what_stays():
    params, activations, x, y, caches, back = hand_network()
    fig, (top, bottom) = plt.subplots(2, 1)
    fg.draw_hand_network(top, params, activations, x, y, caches, back, "messages")
    fg.draw_hand_network(bottom, params, activations, x, y, caches, back, "weights")
    sent, kept = figure_texts(top), figure_texts(bottom)

    # red: the messages W_pq dJ/dz_p on the edges, and each hidden neuron's dJ/da is what arrived (issue 19:
    # the edge into hidden neuron 1 read "dJ/dW = 0" while the neuron said dJ/da = -1.5)
    for expected in ("1 \u00d7 (-1.5) = -1.5", "(-2) \u00d7 (-1.5) = 3", "dJ/da = -1.5\n\u03c6'(z) = 0\ndJ/dz = 0",
                     "dJ/da = 3\n\u03c6'(z) = 1\ndJ/dz = 3", "dJ/da = -1.5\n\u03c6'(z) = 1\ndJ/dz = -1.5"):
        assert expected in sent, (expected, sent)
    assert not any("dJ/dW" in t for t in sent), sent
    arrows = [a for a in top.texts if getattr(a, "arrow_patch", None) is not None]
    heads = [a for a in arrows if a.arrowprops["arrowstyle"] == "-|>"]
    assert len(heads) == 2 + 1  # the two weights of layer 2 and the loss: none into x1, x2
    for arrow in heads:  # each points from a later layer (its tail, xyann) to an earlier one (its head, xy)
        assert arrow.xy[0] < arrow.xyann[0]
    input_x = top.texts[0].get_position()[0]
    assert all(a.xy[0] > input_x for a in heads)

    # blue: dJ/dW_pq = dJ/dz_p a_q on every edge, dJ/db in each neuron, and nothing travels (no arrowheads)
    # each label names its weight, dJ/dW_pq with p, q as subscripts (issue 19 review: labels of crossing edges)
    for expected in ("dJ/dW\u2081\u2081 = (-1.5) \u00d7 0 = 0", "dJ/dW\u2081\u2082 = (-1.5) \u00d7 3.5 = -5.25",
                     "dJ/dW\u2082\u2081 = 3 \u00d7 1 = 3", "dJ/dW\u2082\u2082 = 3 \u00d7 2 = 6",
                     "dJ/dW\u2081\u2081 = 0 \u00d7 1 = 0", "dJ/dW\u2081\u2082 = 0 \u00d7 2 = 0",
                     "a = 3.5\ndJ/dz = 3\ndJ/db = 3", "a = -6.5\ndJ/dz = -1.5\ndJ/db = -1.5"):
        assert expected in kept, (expected, kept)
    lines = [a for a in bottom.texts if getattr(a, "arrow_patch", None) is not None]
    assert len(lines) == 2 * 2 + 2 and all(a.arrowprops["arrowstyle"] == "-" for a in lines)
    assert not any("-0" in t.replace("-0.", "") for t in sent + kept), sent + kept  # no negative zeros
    with pytest.raises(ValueError, match="panel must be"):
        fg.draw_hand_network(top, params, activations, x, y, caches, back, "both")


def test_backward_figure_sums_the_messages_at_a_neuron(capsys):
    params, activations, x, y, caches, back = two_output_hand_network()
    fig, ax = plt.subplots()
    fg.draw_hand_network(ax, params, activations, x, y, caches, back, "messages")
    texts = figure_texts(ax)
    assert "dJ/da = -1.5 + 1.25\n= -0.25\n\u03c6'(z) = 0\ndJ/dz = 0" in texts, texts
    assert "dJ/da = 3 + 2.5\n= 5.5\n\u03c6'(z) = 1\ndJ/dz = 5.5" in texts, texts
    assert any("dJ/da[2] = a - y = (-1.5, 2.5)" in t for t in texts), texts
    fg.print_hand_backward(params, back)
    out = capsys.readouterr().out
    assert ("layer 1, neuron 1 receives 1 \u00d7 (-1.5) = -1.5 from layer 2's neuron 1, 0.5 \u00d7 2.5 = 1.25 from layer 2's neuron 2; "
            "dJ/da = -1.5 + 1.25 = -0.25") in out
    assert "layer 0 (the inputs x) receives nothing" in out
    assert "layer 1, neuron 2: dJ/dW = (5.5, 11), dJ/db = 5.5" in out


def test_backward_figure_and_its_text(capsys, shown):
    fg.plot_hand_network(*hand_network())
    (fig,) = shown
    sent, kept = fig.axes  # what travels back above what each parameter keeps
    assert [ax.get_title(loc="left") for ax in fig.axes] == [fg.BACKWARD_PANEL_TITLES[p] for p in ("messages", "weights")]
    assert "1 \u00d7 (-1.5) = -1.5" in figure_texts(sent)
    assert "dJ/dW\u2082\u2082 = 3 \u00d7 2 = 6" in figure_texts(kept)
    fg.print_hand_backward(hand_network()[0], hand_network()[-1])
    out = capsys.readouterr().out
    assert "layer 1, neuron 1 receives 1 \u00d7 (-1.5) = -1.5 from layer 2's neuron 1; dJ/da = -1.5" in out
    assert "layer 2, neuron 1: dJ/dW = (0, -5.25), dJ/db = -1.5" in out
    assert "layer 1, neuron 2: dJ/dW = (3, 6), dJ/db = 3" in out


def test_scalar_chain_multiplies_the_local_derivatives(capsys, shown):
    c = fg.scalar_chain(w=2.0, x=1.5, b=-1.0, y=0.0, activation="sigmoid")
    s = 1 / (1 + np.exp(-2.0))
    assert c["z"] == 2.0 and c["a"] == pytest.approx(s) and c["J"] == pytest.approx(s * s / 2)
    assert c["dz/dw"] == 1.5 and c["dz/dx"] == 2.0 and c["dz/db"] == 1.0
    assert c["da/dz"] == pytest.approx(s * (1 - s)) and c["dJ/da"] == pytest.approx(s)
    assert c["dJ/dw"] == pytest.approx(s * s * (1 - s) * 1.5)
    assert c["dJ/dx"] == pytest.approx(s * s * (1 - s) * 2.0) and c["dJ/db"] == c["dJ/dz"]
    for name, value in (("w", 2.0), ("x", 1.5), ("b", -1.0)):  # against finite differences
        theta = np.array([[value]])
        inputs = {"w": 2.0, "x": 1.5, "b": -1.0, name: None}
        numeric = ml.numerical_gradient(lambda: fg.scalar_chain(**{**inputs, name: theta[0, 0]}, y=0.0)["J"], theta)
        assert numeric[0, 0] == pytest.approx(c[f"dJ/d{name}"], rel=1e-9)
    lines = fg.scalar_chain_lines(c)
    assert lines[1] == "dJ/dw = dJ/da \u00d7 da/dz \u00d7 dz/dw = 0.881 \u00d7 0.105 \u00d7 1.5 = 0.139"
    relu = fg.scalar_chain(w=2.0, x=1.5, b=-1.0, y=0.0, activation="relu")
    assert relu["da/dz"] == 1.0 and relu["dJ/dw"] == 2.0 * 1.5
    fig, ax = plt.subplots()
    fg.draw_scalar_chain(ax, c)
    texts = figure_texts(ax)
    for expected in ("dz/dw = x = 1.5", "dz/dx = w = 2", "dz/db = 1", "da/dz = sigmoid'(z)\n= 0.105",
                     "dJ/da = a - y\n= 0.881", "dJ/dw = 0.139", "dJ/dz = 0.0925"):
        assert expected in texts, (expected, texts)
    fg.plot_scalar_chain(c)
    (ax,) = shown[-1].axes  # the same drawing in a figure of its own, with a title that reads the colours
    assert figure_texts(ax) == texts and ax.get_title(loc="left").startswith("one neuron: values in the boxes")


def test_activation_spread_shrinks_stays_or_grows_with_the_scale():
    small, he, large = (fg.activation_spread(s) for s in (0.5, 1.0, 2.0))
    assert len(he) == fg.SPREAD_DEPTH + 1 and he[0] == pytest.approx(1.0, abs=0.05)
    assert 0.3 < he[-1] < 3
    assert small[-1] < 0.01 < 100 < large[-1]


def test_gradient_spread_is_each_layers_dJ_dW_norm_from_finite_differences():
    depth, width, m = 3, 4, 5
    spread = fg.gradient_spread(0.7, depth=depth, width=width, m=m, seed=1)
    params = ml.init_params([width] * (depth + 1), seed=1, init="he")
    params = {name: value * 0.7 if name.startswith("W") else value for name, value in params.items()}
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((width, m)), rng.standard_normal((width, m))
    J = lambda: ml.half_squared_error(ml.forward(params, X, ["relu"] * depth)[0], Y)[0]  # noqa: E731
    numeric = [np.linalg.norm(ml.numerical_gradient(J, params[f"W{l}"])) for l in range(1, depth + 1)]
    assert spread.shape == (depth,)
    np.testing.assert_allclose(spread, numeric, rtol=1e-6)


def test_gradient_spread_moves_every_layer_together_for_relu_but_shrinks_backwards_through_sigmoid():
    small, he, large = (fg.gradient_spread(s) for s in (0.5, 1.0, 2.0))
    assert he.shape == (fg.SPREAD_DEPTH,)
    assert he[0] == pytest.approx(12.19, rel=1e-3) and he[-1] == pytest.approx(46.40, rel=1e-3)
    for spread in (small, he, large):  # within a factor of 20 across the layers ...
        assert spread.max() / spread.min() < 20
    assert np.all(small < 1e-3 * he) and np.all(large > 1e4 * he)  # ... but thousands apart between scales
    sigmoid = fg.gradient_spread(1.0, "sigmoid", "xavier")
    assert np.all(sigmoid[1:] / sigmoid[:-1] > 3)  # sigma' <= 1/4: smaller at every layer going back
    assert sigmoid[0] == pytest.approx(1.714e-6, rel=1e-3) and sigmoid[-1] == pytest.approx(3.213, rel=1e-3)


def test_init_scale_widget_redraws_numbers(capsys):
    w = fg.init_scale_widget(scale=1.0)
    assert w.text.startswith("scale 1:")
    w.slider.value = 2.0
    assert w.redraws == 2 and w.text.startswith("scale 2:") and "2^9" in w.text
    assert len(w.fig.axes[0].lines) == 2  # He for reference, and the chosen scale
    assert "scale 2:" in capsys.readouterr().out


def test_learning_rate_figure_shares_one_axis_and_marks_the_diverged_run(monkeypatch):
    X, Y = ml.sine(m=40, noise=0.1, seed=0)
    activations = ["tanh", "identity"]
    runs = {lr: ml.train(ml.init_params([1, 4, 1], seed=0, init="xavier"), X, Y, activations,
                         lr=lr, epochs=30, batch_size=None, progress=False)
            for lr in (0.01, 0.1, 50.0)}
    assert runs[50.0][1].diverged
    captured = {}
    monkeypatch.setattr(plt, "show", lambda: captured.setdefault("fig", plt.gcf()))
    fg.plot_learning_rates(runs, X, Y, activations)
    ax_loss, ax_fit = captured["fig"].axes
    labels = [line.get_label() for line in ax_loss.lines if not line.get_label().startswith("_")]
    assert len(labels) == 3 and "diverged" in labels[2]
    assert any(line.get_marker() == "x" for line in ax_loss.lines)
    assert ax_loss.get_xlabel() and ax_loss.get_ylabel() and ax_fit.get_xlabel() and ax_fit.get_ylabel()
    assert [line.get_label() for line in ax_fit.lines] == ["lr = 0.01", "lr = 0.1"]


def test_architecture_figure_titles_carry_parameter_counts(monkeypatch):
    X, Y = ml.xor(m=40, noise=0.1, seed=0)
    runs = {}
    for sizes in ([2, 1], [2, 3, 1]):
        activations = ["relu"] * (len(sizes) - 2) + ["sigmoid"]
        params = ml.init_params(sizes, seed=0)
        runs[str(sizes)] = (params, None, activations)
    captured = {}
    monkeypatch.setattr(plt, "show", lambda: captured.setdefault("fig", plt.gcf()))
    fg.plot_architectures(runs, X, Y, X, Y)
    titles = [ax.get_title() for ax in captured["fig"].axes]
    assert titles[0].startswith("[2, 1]: 3 parameters") and titles[1].startswith("[2, 3, 1]: 13 parameters")
    assert len(titles) == 2  # the empty third panel is removed


def test_best_time_is_seconds_per_call_of_the_fastest_run():
    calls = []
    t = fg.best_time(lambda: calls.append(1), repeats=3, number=50)
    assert len(calls) == 150 and 0 <= t < 1e-3
