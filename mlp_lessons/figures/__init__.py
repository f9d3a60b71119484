"""The lessons' figures, printed tables and slider widgets (the top floor of the house).

    from mlp_lessons import figures as fg

Everything here calls the package's own functions (relu, forward, backward, the
losses): a figure shows what the lesson's code computes, never a private copy.  Every
figure comes with printed numbers, so a notebook test (nbval) notices when a result
changes; pictures alone are not compared.  Nothing below this floor imports it.

    common          the style (lesson_style, WIDTH), numbers as text (col, error_text), SliderFigure
    forward_prop    lesson 1        backprop        lesson 2        batching    lesson 3
    initialisation  lesson 4        training        lesson 5
    backward_signal lesson 6
    plots           the drawing every lesson and the playground share (networks, boundaries, loss curves)
    slider_frames   a slider's pictures pre-rendered for the static site
    threads         the drawing lock: widget callbacks and figures take turns

One size convention for every lesson: lesson_style() sets the resolution (DPI) and the
font sizes once, at the top of each notebook; a figure is WIDTH inches wide (HALF_WIDTH
for a small one beside the text).
"""

from .common import (  # noqa: F401
    ELEMENTWISE_ACTIVATIONS,
    DPI,
    WIDTH,
    HALF_WIDTH,
    LESSON_STYLE,
    plain_log_ticks,
    lesson_style,
    show_source,
    col,
    error_text,
    check_line,
    SliderFigure,
)

from .forward_prop import (  # noqa: F401
    print_shape_table,
    plot_network,
    relu_unit,
    relu_unit_slope,
    print_relu_unit_table,
    draw_relu_unit,
    plot_relu_unit,
    relu_unit_widget,
    plot_activations,
    print_activation_table,
)

from .backprop import (  # noqa: F401
    backward_messages,
    draw_hand_network,
    BACKWARD_PANEL_TITLES,
    plot_hand_network,
    print_hand_backward,
    scalar_chain,
    scalar_chain_lines,
    LOCAL_INK,
    draw_scalar_chain,
    plot_scalar_chain,
    best_time,
    print_grad_check_table,
    plot_losses,
)

from .batching import (  # noqa: F401
    gradient_norm,
    example_gradients,
    gradient_alignment,
    print_gradient_norm_table,
    draw_gradient_norms,
    plot_gradient_norms,
    batch_size_widget,
)

from .initialisation import (  # noqa: F401
    SPREAD_DEPTH,
    SPREAD_WIDTH,
    INIT_SCALES,
    activation_spread,
    plot_activation_spreads,
    draw_activation_spread,
    init_scale_widget,
    gradient_spread,
    plot_gradient_spreads,
    saturated_share,
    decade_ticks,
)

from .training import (  # noqa: F401
    plot_learning_rates,
    plot_architectures,
)

from .backward_signal import (  # noqa: F401
    SIGNAL_DEPTH,
    SIGNAL_WIDTH,
    SIGNAL_M,
    SIGNAL_ACTIVATIONS,
    SIGNAL_SCALES,
    signal_network,
    BackwardSignal,
    dZ_norms,
    measure_signal,
    backward_signal,
    lesson4_signal,
    ratio_over_seeds,
    setting_name,
    hidden_layers,
    layer_ticks,
    print_signal_table,
    print_factor_products,
    plot_backward_signals,
    draw_backward_signal,
    backward_signal_widget,
    slowdown_runs,
    plot_slowdown,
    silent_share,
    silent_units,
    revived_share,
    dead_units_run,
    plot_dead_units,
)

from .plots import (  # noqa: F401
    BLUE,
    ORANGE,
    PROBABILITY_CMAP,
    SIGN_CMAP,
    MISTAKES_CMAP,
    MAX_LOSS_SHOWN,
    GRID_BLOCK,
    changing_artists,
    network_layout,
    draw_network,
    TILE,
    weight_styles,
    boundary_grid,
    layer_outputs,
    scatter_points,
    draw_output_map,
    plot_decision_boundary,
    loss_limits,
    plot_loss_curves,
    show_digits,
    plot_confusion,
)
