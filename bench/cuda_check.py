"""Run the library's two commands on a CUDA GPU: mlp_check (every gradient, in float32 and float64) and mlp_train.

    python bench/cuda_check.py                          # on the first GPU
    CUDA_VISIBLE_DEVICES=1 python bench/cuda_check.py   # on another

Needs a CUDA build of torch and a GPU; CI has none, so this is run by hand. Exits non-zero if any command fails.
"""
import subprocess, sys, tempfile
import torch
from fastcore.script import call_parse

def runs(out:str)->list:
    "The commands, each on the GPU; mlp_train writes to the folder `out`"
    return [['mlp_check', '--device', 'cuda'], ['mlp_check', '--device', 'cuda', '--dtype', 'float64'],
            ['mlp_train', '--device', 'cuda', '--no-progress', '--out', out]]

@call_parse
def main():
    "Run mlp_check and mlp_train on the CUDA device (choose one with CUDA_VISIBLE_DEVICES); exit non-zero if one fails"
    if not torch.cuda.is_available(): sys.exit('cuda_check.py: needs a CUDA GPU, and torch sees none')
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name()}", flush=True)
    with tempfile.TemporaryDirectory() as out:
        failed = [r for r in runs(out) if print('\n$', ' '.join(r), flush=True) or subprocess.run(r).returncode]
    print('\nALL OK' if not failed else f"\nFAILED: {'; '.join(' '.join(r) for r in failed)}")
    sys.exit(1 if failed else 0)
