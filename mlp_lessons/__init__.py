"""mlp_lessons: a fully connected neural network from scratch, in numpy.

The top level is the math, bottom to top (no module imports one above it):
activations, losses, errors (the messages that teach); params, forward,
backward (the four boxed equations); gradcheck, optim (update rules that own
the learning rate), training (train and Run).  Beside it, data/ (toy data sets,
input features, digits); above it, figures/ (the lessons' figures), playgrounds/,
exercises/, grading/, site/ and lecture/.  Examples are columns: X is (n[0], m).

Bad input gets a message, never a wrong result: every public function checks its
arguments (the passes' inner steps skip that with check=False) and raises
ShapeError (a ValueError), ValueError or TypeError naming the equation or
argument, what was expected, what was given and the likely fix.  The network
computes in its parameters' dtype (float64 unless init_params(dtype=...));
integer, bool and list inputs become float64; NaN and inf are refused except by
the elementwise activations; shapes never broadcast; m = 0 is refused.
"""

from .activations import (ACTIVATIONS, OUTPUT_ACTIVATIONS, get_activation, identity, identity_prime, leaky_relu,
                          leaky_relu_prime, relu, relu_prime, sigmoid, sigmoid_prime, softmax, softmax_backprop_dZ,
                          tanh, tanh_prime)
from .backward import (backprop_dA_prev, backprop_db, backprop_dW, backprop_dZ, backward, backward_from_dZL,
                       layer_backward, loss_and_grads, output_dZ)
from .data.datasets import DATASETS, circles, gaussians, hills, load_dataset, moons, sine, spirals, xor
from .data.digits import Digits, confusion_matrix, format_confusion, labels_of, load_digits, one_hot
from .errors import ShapeError, TrainingDiverged
from .data.features import FEATURES, input_features
from .forward import LayerCache, forward, layer_forward, linear_forward, predict
from .gradcheck import grad_check, numerical_gradient, relative_error
from .losses import (FUSED_OUTPUTS, LOSSES, binary_cross_entropy, get_loss, half_squared_error,
                     sigmoid_binary_cross_entropy, softmax_cross_entropy, softmax_cross_entropy_from_logits)
from .optim import REGULARIZATION_NAMES, REGULARIZATIONS, GradientDescent, Momentum, sgd_update
from .params import init_params, layer_sizes_of
from .playgrounds.points import PointsError, points_csv, read_points, split_points
from .training import History, Run, accuracy, divergence_message, lr_advice, smaller_lr, train, train_step

__version__ = "0.1.0"


def playground(data=None, **settings):
    """The interactive playground, a mlp_lessons.playgrounds.widget.Playground (ipywidgets loads on first use).

    data: your own points instead of a built-in data set, a CSV file's name
    (x1, x2, label 0 or 1; or x1, x2, target for regression) or a pair of arrays
    (X (2, m), Y (1, m)); task="classification" or "regression" where the values
    leave it open (playgrounds.points.TASK_RULE); see playgrounds.own_data.
    """
    from .playgrounds.widget import playground as make_playground

    return make_playground(data, **settings)


def __getattr__(name):
    if name == "Playground":
        from .playgrounds.widget import Playground

        return Playground
    raise AttributeError(f"module 'mlp_lessons' has no attribute {name!r}")
