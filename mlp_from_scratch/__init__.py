"The forward and backward passes of an MLP on MNIST, written by hand in PyTorch and checked against autograd."
__version__ = "0.0.1"

# One module per notebook in nbs/. Importing the package imports none of them, and changes no setting of PyTorch's:
# `from mlp_from_scratch.learner import train` imports what `train` needs, and `mlp_from_scratch.learner` works too,
# imported on first use.
def __getattr__(name:str):
    "Import the module `name` of the package on first use"
    import importlib.util
    if name.startswith('_') or importlib.util.find_spec(f'{__name__}.{name}') is None:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    return importlib.import_module(f'{__name__}.{name}')
