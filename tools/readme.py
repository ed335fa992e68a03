"""Print README.md as generated from nbs/index.ipynb: markdown cells as they are, code cells as ```python blocks,
their text outputs as ```text blocks and their markdown outputs as markdown (the results table, which the index makes
from the package's results.json). Left out, as nbdev's own README leaves them out: cells marked `#| hide`, the source
of cells marked `#| echo: false`, the `#|` directive lines, figures, and what went to standard error. Links to other
notebooks are made relative to the repository's root. Needs only the standard library.
Usage: python tools/readme.py > README.md"""
import json, re
from pathlib import Path

def _text(o):
    "The text of an output, or '' for a figure, a markdown output or standard error"
    data = o.get('data', {})
    if o.get('name') == 'stderr' or 'text/markdown' in data or any(k.startswith('image/') for k in data): return ''
    return ''.join(o.get('text') or data.get('text/plain', ''))

def cell_md(cell):
    src = ''.join(cell['source']).strip()
    if cell['cell_type'] == 'markdown': return [src]
    if re.search(r'^#\|\s*hide\s*$', src, re.M): return []
    out = [''.join(o['data']['text/markdown']).strip()
           for o in cell.get('outputs', []) if 'text/markdown' in o.get('data', {})]
    if re.search(r'^#\|\s*echo:\s*false\s*$', src, re.M): return out
    src = '\n'.join(l for l in src.split('\n') if not l.startswith('#|')).strip()
    if not src: return out
    blocks = [f'```python\n{src}\n```']
    if text := '\n'.join(t.rstrip('\n') for t in map(_text, cell.get('outputs', [])) if t.strip()):
        blocks.append(f'```text\n{text}\n```')
    return blocks + out

nb = json.loads((Path(__file__).parent.parent/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
md = '\n\n'.join(block for c in nb['cells'] for block in cell_md(c))
md = re.sub(r'\]\((\w+\.ipynb)\)', r'](nbs/\1)', md)   # the index's links are relative to nbs/
print(re.sub(r'\n{3,}', '\n\n', md).strip())
