"The forward and backward passes of an MLP on MNIST, written by hand in PyTorch and checked against autograd."
__version__ = "0.0.1"

import os as _os
# Tensors of 2 MB or more on the kernel's 2 MB pages, as NumPy does for its large arrays: PyTorch's own switch, off by
# default, read at its first allocation. A pass over the 50,000 training images allocates 157 MB at a time, and on 4 KB
# pages each is 38,000 page faults; huge pages make such allocations about twice as fast (README, Speed).
# Linux only; THP_MEM_ALLOC_ENABLE=0 turns it off.
_os.environ.setdefault('THP_MEM_ALLOC_ENABLE', '1')
if _os.environ.get('IN_TEST'):
    # `nbdev_test` runs the notebooks in parallel, one process per core: with PyTorch's default of a thread per core
    # in each, the processes would fight over the cores (and OpenMP's waiting threads spin), so each gets one thread.
    import torch as _torch
    _torch.set_num_threads(1)

# One module per notebook in nbs/: the lesson, the classifier built on it, the commands, and the appendices.
from . import (data, forward, backward, refactor, autograd, compare, gradcheck, losses, init, optim, learner,
               layers, augment, diagnose, exercises, health, check, training, exercise_nbs, fetch, options)
