"""The lesson notebooks' code-line budgets: a lesson is the idea, the code, a check and a broken version, and the
library's plumbing lives in the appendices. Counts the non-blank code lines of every code cell, `#|` directives left
out, and fails if a lesson is over its budget. Usage: python tools/budgets.py
"""
import json, sys
from pathlib import Path

BUDGETS = {'00_data': 45, '02_backward': 170, '03_refactor': 130, '04_autograd': 130, '07_losses': 190, '11_layers': 210}

def code_lines(path:Path)->int:
    "Non-blank lines of the notebook's code cells, not counting `#|` directives"
    cells = json.loads(path.read_text())['cells']
    return sum(1 for c in cells if c['cell_type'] == 'code' for l in ''.join(c['source']).splitlines()
               if l.strip() and not l.lstrip().startswith('#|'))

if __name__ == '__main__':
    nbs = Path(__file__).parent.parent/'nbs'
    over = []
    for name,budget in BUDGETS.items():
        n = code_lines(nbs/f'{name}.ipynb')
        print(f'{name:<12} {n:>4} code lines, budget {budget}' + ('  OVER' if n > budget else ''))
        if n > budget: over.append(name)
    if over: sys.exit(f"FAIL: over budget: {', '.join(over)}; move plumbing to an appendix (90_ and up)")
