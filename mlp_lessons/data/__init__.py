"""Data beside the math: toy 2-D data sets, input features, and real handwritten digits.

    datasets    xor, moons, circles, spirals, gaussians; sine and hills for regression
    features    input features of a 2-D point (x1^2, x1 x2, sin x1, ...), as the playground offers
    digits      the UCI optical digits (8 x 8 pixels), their one-hot labels and a confusion matrix

Every function is also ml.<name>.  Examples are columns: X is (n[0], m), Y is (n[L], m).
"""
