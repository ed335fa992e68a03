"The forward and backward passes of an MLP on MNIST, written by hand in PyTorch and checked against autograd."
__version__ = "0.0.1"
# One module per notebook in nbs/, in the order the lesson builds them.
from . import data, forward, backward, refactor, autograd, check, gradcheck, losses, training
