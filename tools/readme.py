"""Print README.md as generated from nbs/index.ipynb: markdown cells as they are, code cells as ```python blocks,
their text outputs as ```text blocks (images are left out). Needs only the standard library.
Usage: python tools/readme.py > README.md"""
import json, re
from pathlib import Path

def cell_md(cell):
    src = ''.join(cell['source']).strip()
    if cell['cell_type'] == 'markdown': return [src]
    if not src: return []
    out = [f'```python\n{src}\n```']
    texts = [''.join(o.get('text') or o.get('data', {}).get('text/plain', '')) for o in cell.get('outputs', [])]
    if text := '\n'.join(t.rstrip('\n') for t in texts if t.strip()): out.append(f'```text\n{text}\n```')
    return out

nb = json.loads((Path(__file__).parent.parent/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
md = '\n\n'.join(block for c in nb['cells'] for block in cell_md(c))
print(re.sub(r'\n{3,}', '\n\n', md).strip())
