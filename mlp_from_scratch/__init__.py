"The forward and backward passes of an MLP on MNIST, written by hand in PyTorch and checked against autograd."
__version__ = "0.0.1"
# One module per notebook in nbs/: the lesson, the classifier built on it, the two commands, and the appendix.
from . import data, forward, backward, refactor, autograd, compare, gradcheck, losses, init, optim, learner, check, training, fetch
