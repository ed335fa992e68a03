"The forward and backward passes of an MLP on MNIST, written by hand in PyTorch and checked against autograd."
__version__ = "0.0.1"

import os as _os
if _os.environ.get('IN_TEST'):
    # `nbdev_test` runs the notebooks in parallel, one process per core: with PyTorch's default of a thread per core
    # in each, the processes would fight over the cores (and OpenMP's waiting threads spin), so each gets one thread.
    # And tensors of 2 MB or more go on the kernel's 2 MB pages (PyTorch's own switch, off by default, read at its first
    # allocation): the lessons' passes over the 50,000 training images allocate 157 MB at a time, 38,000 page faults each
    # on 4 KB pages. Only here: it made the notebooks' tests faster, but a fresh process's training slower (README, Speed).
    _os.environ.setdefault('THP_MEM_ALLOC_ENABLE', '1')
    import torch as _torch
    _torch.set_num_threads(1)

# One module per notebook in nbs/: the lesson, the classifier built on it, the commands, and the appendices.
from . import (data, forward, backward, refactor, autograd, compare, gradcheck, losses, init, optim, learner,
               layers, augment, diagnose, exercises, health, check, training, exercise_nbs, fetch, options)
